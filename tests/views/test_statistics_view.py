"""The agency's 통계 page, the programme-year selectors and 다음 연도 열기 through the GUI: the page
loads every statistic off the GUI thread and exports one to XLSX (the save dialog replaced), the
dashboard's year selector changes its counts, and the settings page opens the next year after a
confirmation."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook

from kvoucher_desktop.enums import ScreeningStatus as S
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.views.agency.statistics import StatisticsPage
from tests.factories import approved_buyer, company_in_state, make_agency, signup_company
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)


def test_the_statistics_page_loads_and_exports_xlsx(qtbot, desk, sqlite_services, tmp_path):
    services = sqlite_services
    for status, region in ((S.REVIEWING, "서울"), (S.CONFIRMED, "부산"), (S.REJECTED, "대구")):
        company_in_state(services, status, region=region)
    approved_buyer(services)
    agency = make_agency(services)
    window = desk(agency)
    page = window.open_page("statistics")
    assert isinstance(page, StatisticsPage)
    settle(qtbot)
    screening = page.panels["screening"]
    assert screening.model.rowCount() == 17 + 1  # every agency and the totals row
    (totals,) = screening.table.totals_rows()
    assert totals[0] == "합계" and totals[-1] == 4
    assert page.panels["screening"].chart.labels == ["대구", "부산", "서울"]
    assert "승인 예산 4,000,000원" in page.panels["budget"].note.text()
    assert page.panels["daily"].note.text().startswith("2026년 사업 기업의 결제가 이 기간에 없습니다.")
    assert [r[0] for r in page.panels["category"].table.rows][:2] == ["화상회의", "재택근무"]
    assert page.panels["service_ratings"].note.text() == "아직 완료된 평가가 없습니다."
    assert page.panels["supplier_ratings"].model.rowCount() == 0
    shoot(window, "statistics")

    out = tmp_path / "exports"
    out.mkdir()
    target = out / "심사.xlsx"
    asked = []
    page.choose_save_path = lambda parent, caption, proposed: asked.append(proposed) or str(target)
    page.tabs.setCurrentIndex(0)
    screening.export_button.click()
    settle(qtbot)
    assert asked == ["2026년 심사 현황_20260302.xlsx"]
    sheet = load_workbook(target).active
    assert sheet.title == "2026년 심사 현황" and sheet.cell(1, 3).value == "심사중"
    assert [c.value for c in sheet[sheet.max_row]][-1] == 4
    page.choose_save_path = lambda *_: ""  # cancelled: nothing written
    page.panels["budget"].export_button.click()
    settle(qtbot)
    assert list(out.iterdir()) == [target]


def test_the_year_selector_changes_the_dashboards_counts(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    agency = make_agency(services)
    signup_company(services)
    company_in_state(services, S.REJECTED)
    services.programme.open_next_year(agency, from_year=2026)
    clock.set(datetime(2027, 3, 2, 10, 0, tzinfo=KST))
    signup_company(services)
    window = desk(agency)
    page = window.open_page("screening_dashboard")
    settle(qtbot)
    assert page.year_select.year() == 2027 and page.year_select.itemText(0) == "2027년 (현재)"
    assert page.counts[S.REVIEWING] == 1 and page.counts[S.REJECTED] == 0 and page.model.rowCount() == 1
    page.year_select.select(2026)
    settle(qtbot)
    assert page.counts[S.REVIEWING] == 1 and page.counts[S.REJECTED] == 1 and page.model.rowCount() == 2
    assert page.chips[None].text() == "전체 2"


def test_the_settings_page_opens_the_next_year_after_a_confirmation(qtbot, desk, sqlite_services):
    agency = make_agency(sqlite_services)
    window = desk(agency)
    page = window.open_page("programme_settings")
    settle(qtbot)
    box = page.ask_open_next_year()
    assert "2027년 사업을 엽니다" in box.text() and box.yes_button.text() == "2027년 열기"
    from PySide6.QtWidgets import QMessageBox
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)  # Enter alone never opens it
    box.reject()
    settle(qtbot)
    assert sqlite_services.programme.settings().year == 2026
    box = page.ask_open_next_year()
    box.yes_button.click()
    settle(qtbot)
    assert sqlite_services.programme.settings().year == 2027 and page.year.text() == "2027년"
    budget = window.open_page("budget_confirm")
    settle(qtbot)
    assert budget.year_select.year() == 2027


def test_the_daily_chart_has_a_bar_for_every_day_of_the_period(qtbot, desk, sqlite_services):
    """Days without payments are zero bars, and the rows are drawn for the period they were asked
    for even when the fields changed while they loaded."""
    from datetime import date

    from PySide6.QtCore import QDate

    from kvoucher_desktop.services.statistics import DailyPaymentRow

    window = desk(make_agency(sqlite_services))
    page = window.open_page("statistics")
    settle(qtbot)
    rows = (DailyPaymentRow(date(2026, 2, 20), 1, 100_000, 70_000), DailyPaymentRow(date(2026, 2, 27), 2, 50_000, 35_000))
    page.start_edit.setDate(QDate(2026, 1, 1))  # changed after the load was asked for
    page._show_daily(rows, 2026, period=(date(2026, 2, 18), date(2026, 3, 2)))
    chart = page.panels["daily"].chart
    assert chart.labels == ["2/18", "2/19", "2/20", "2/21", "2/22", "2/23", "2/24", "2/25", "2/26", "2/27",
                            "2/28", "3/1", "3/2"]
    assert "2026년 사업 기업의 2026-02-18 ~ 2026-03-02 결제 완료 3건 150,000원" in page.panels["daily"].note.text()


def test_the_spare_width_goes_to_a_name_not_to_a_number(qtbot, desk, sqlite_services):
    from PySide6.QtWidgets import QHeaderView

    window = desk(make_agency(sqlite_services))
    page = window.open_page("statistics")
    settle(qtbot)
    header = page.panels["screening"].view.horizontalHeader()
    modes = [header.sectionResizeMode(i) for i in range(header.count())]
    assert modes[0] == QHeaderView.ResizeMode.Stretch  # 운영기관
    assert modes.count(QHeaderView.ResizeMode.Stretch) == 1 and not header.stretchLastSection()


def test_a_refused_period_is_said_beside_its_fields_and_the_chart_stays(qtbot, desk, sqlite_services):
    from PySide6.QtCore import QDate

    window = desk(make_agency(sqlite_services))
    page = window.open_page("statistics")
    settle(qtbot)
    applied, note = page.period(), page.panels["daily"].note.text()
    page.start_edit.setDate(QDate(2026, 3, 2))
    page.end_edit.setDate(QDate(2026, 2, 1))
    page.period_button.click()
    settle(qtbot)
    assert page.period_error.isVisible() and "종료일이 시작일보다 앞섭니다" in page.period_error.text()
    assert page.period() == applied and page.panels["daily"].note.text() == note
    page.start_edit.setDate(QDate(2024, 1, 1))  # longer than the service allows
    page.period_button.click()
    assert "400일 이내" in page.period_error.text()
    page.start_edit.setDate(QDate(2026, 1, 1))
    page.end_edit.setDate(QDate(2026, 3, 2))
    page.period_button.click()
    settle(qtbot)
    assert not page.period_error.isVisible() and page.period() == (date(2026, 1, 1), date(2026, 3, 2))
    assert "결제가 이 기간에 없습니다" in page.panels["daily"].note.text()  # loaded for the new period


def test_an_export_to_a_place_that_cannot_be_written_says_so_in_korean(qtbot, desk, sqlite_services, tmp_path):
    window = desk(make_agency(sqlite_services))
    page = window.open_page("statistics")
    settle(qtbot)
    page.choose_save_path = lambda *_: str(tmp_path / "없는 폴더" / "심사.xlsx")
    page.panels["screening"].export_button.click()
    settle(qtbot)
    feedback = window.feedback
    assert feedback.is_failure and feedback.text.startswith("파일을 저장하지 못했습니다:")
    assert "예기치 않은" not in feedback.text


def test_a_short_table_shows_all_its_rows_above_the_chart(qtbot, desk, sqlite_services):
    window = desk(make_agency(sqlite_services), size=(1280, 800))
    page = window.open_page("statistics")
    settle(qtbot)
    page.tabs.setCurrentIndex(1)  # 예산: eight rows
    qtbot.wait(50)
    panel = page.panels["budget"]
    view = panel.view
    assert view.verticalScrollBar().maximum() == 0  # every row in sight
    assert panel.chart.height() >= 150  # and the chart keeps room


def test_the_settings_menu_leads_the_agency_to_the_next_year(qtbot, desk, sqlite_services):
    window = desk(make_agency(sqlite_services))
    (settings,) = [a.menu() for a in window.menuBar().actions() if a.text() == "설정"]
    (entry,) = [a for a in settings.actions() if "다음 연도 열기" in a.text()]
    entry.trigger()
    settle(qtbot)
    from kvoucher_desktop.views.agency.settings import ProgrammeSettingsPage
    assert isinstance(window.current_page(), ProgrammeSettingsPage)
