"""사업 설정 (programme parameters and category names) and finding a demand account to unlock,
through the agency's GUI."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate

from kvoucher_desktop.enums import Role, ScreeningStatus
from kvoucher_desktop.services.errors import AuthenticationError
from kvoucher_desktop.views.pages import ROLE_MENUS
from tests.factories import PASSWORD, company_in_state, make_agency, signup_company
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)


@pytest.fixture
def agency_desk(desk, sqlite_services):  # noqa: F811  (the imported fixture)
    agency = make_agency(sqlite_services)
    return lambda: (desk(agency), agency)


def open_settings(qtbot, window):
    page = window.open_page("programme_settings")
    settle(qtbot)
    return page


def test_settings_page_is_the_first_programme_menu_item():
    menus = dict(ROLE_MENUS[Role.AGENCY])
    assert menus["사업관리"][0] == "programme_settings"


def test_settings_show_the_stored_values_and_the_split(qtbot, agency_desk, sqlite_services):
    window, _agency = agency_desk()
    page = open_settings(qtbot, window)
    assert page.year.text() == "2026년" and page.year.isReadOnly()
    assert page.voucher_amount.value() == 4_000_000
    assert page.voucher_amount.text() == "4,000,000 원"
    assert page.government_share_pct.value() == 90
    assert page.split_label.text() == "정부지원금 3,600,000원 + 자부담 400,000원 (자부담 비율 10%)"
    assert page.application_start.calendarPopup()
    assert page.application_start.date() == QDate(2026, 1, 1)
    assert page.application_end.date() == QDate(2026, 12, 31)
    assert page.same_day_cancel_only.isChecked() and not page.allow_price_above_list.isChecked()
    assert page.settlement_days.value() == 10 and page.settlement_fee.value() == 0
    assert "이미 승인된 기업의 예산" in page.notice.body.text()
    # the split follows the form as it is edited, before saving
    page.government_share_pct.setValue(70)
    assert page.split_label.text() == "정부지원금 2,800,000원 + 자부담 1,200,000원 (자부담 비율 30%)"
    shoot(page, "programme_settings")


def test_save_new_amount_and_share_applies_to_later_approvals(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    before, _before_id = company_in_state(services, ScreeningStatus.APPROVED)
    _demand, later_id = company_in_state(services, ScreeningStatus.CONFIRMED)
    window, agency = agency_desk()
    page = open_settings(qtbot, window)
    page.voucher_amount.lineEdit().selectAll()
    type_text(page.voucher_amount.lineEdit(), "5000000")
    assert page.voucher_amount.value() == 5_000_000
    page.government_share_pct.setValue(70)
    page.use_period_months.setValue(6)
    page.deal_window_days.setValue(3)
    page.same_day_cancel_only.setChecked(False)
    page.allow_price_above_list.setChecked(True)
    page.settlement_days.setValue(14)
    page.settlement_fee.setValue(2.5)
    page.application_end.setDate(QDate(2026, 6, 30))
    page.save_button.click()
    settle(qtbot)
    saved = services.programme.settings()
    assert (saved.year, saved.application_start, saved.application_end) == (2026, date(2026, 1, 1),
                                                                             date(2026, 6, 30))
    assert (saved.voucher_amount, saved.government_share_pct) == (5_000_000, 70)
    assert isinstance(saved.voucher_amount, int) and isinstance(saved.settlement_fee_bp, int)
    assert (saved.use_period_months, saved.deal_window_days, saved.settlement_days, saved.settlement_fee_bp) \
        == (6, 3, 14, 250)
    assert (saved.same_day_cancel_only, saved.allow_price_above_list) == (False, True)
    assert page.message.isVisible() and page.message.title.text() == "사업 설정을 저장했습니다."
    assert "5,000,000원" in page.message.body.text() and "자부담 1,500,000원" in page.message.body.text()
    assert page.settlement_fee.text() == "2.50 %"
    # a later approval uses the new amount; the earlier one keeps its budget
    approved = services.screening.approve(agency, later_id).value
    assert (approved.budget_total, approved.budget_government, approved.budget_self) == (5_000_000, 3_500_000,
                                                                                          1_500_000)
    kept = services.companies.get(before)
    assert (kept.budget_total, kept.budget_government, kept.budget_self) == (4_000_000, 3_600_000, 400_000)


def test_a_refused_value_is_shown_in_korean_on_its_field_and_nothing_is_saved(qtbot, agency_desk,
                                                                              sqlite_services):
    services = sqlite_services
    stored = services.programme.settings()
    window, _agency = agency_desk()
    page = open_settings(qtbot, window)
    page.voucher_amount.setValue(3_000_000)
    page.application_start.setDate(QDate(2026, 5, 1))
    page.application_end.setDate(QDate(2026, 4, 30))
    page.save_button.click()
    settle(qtbot)
    assert page.error.isVisible() and page.error.text() == "신청 종료일이 시작일보다 빠릅니다."
    assert page.application_end.property("invalid") is True
    assert not page.voucher_amount.property("invalid")
    assert not page.message.isVisible()
    assert services.programme.settings() == stored
    assert page.voucher_amount.value() == 3_000_000  # nothing typed is lost
    shoot(page, "programme_settings_refused")
    # corrected, it saves and the mark goes
    page.application_end.setDate(QDate(2026, 8, 31))
    page.save_button.click()
    settle(qtbot)
    assert not page.error.isVisible() and not page.application_end.property("invalid")
    assert services.programme.settings().application_end == date(2026, 8, 31)
    assert services.programme.settings().voucher_amount == 3_000_000


def test_rename_a_category(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    window, _agency = agency_desk()
    page = open_settings(qtbot, window)
    assert list(page.category_edits) == ["VIDEO", "REMOTE_WORK", "NETWORK_SECURITY", "EDUTECH", "CARE",
                                         "CONSULTING"]
    codes = [page.category_grid.itemAtPosition(i, 0).widget() for i in range(6)]
    assert all(c.isReadOnly() for c in codes) and codes[0].text() == "VIDEO"
    edit = page.category_edits["VIDEO"]
    assert edit.text() == "화상회의"
    type_text(edit, "화상회의·웨비나", replace=True)
    page.category_button.click()
    settle(qtbot)
    assert {c.code: c.name for c in services.programme.categories()}["VIDEO"] == "화상회의·웨비나"
    assert page.message.title.text() == "카테고리 이름 1개를 저장했습니다."
    # an empty name is refused on its row, the others are not touched
    type_text(page.category_edits["CARE"], "", replace=True)
    page.category_button.click()
    settle(qtbot)
    assert page.category_error.text() == "카테고리 이름을 입력해 주세요."
    assert page.category_edits["CARE"].property("invalid") is True
    assert {c.code: c.name for c in services.programme.categories()}["CARE"] == "비대면 돌봄"


def test_accounts_search_finds_and_unlocks_a_locked_demand_login(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    demand = signup_company(services)
    company = services.companies.get(demand).info.name
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            services.accounts.login(demand.login_id, "wrong-password!!")
    window, _agency = agency_desk()
    page = window.open_page("manage_accounts")
    settle(qtbot)
    assert demand.login_id not in {u.login_id for u in page.model.rows()}
    type_text(page.search, demand.login_id.upper())
    qtbot.waitUntil(lambda: demand.login_id in {u.login_id for u in page.model.rows()}, timeout=5_000)
    settle(qtbot)
    row = next(i for i, u in enumerate(page.model.rows()) if u.login_id == demand.login_id)
    assert page.model.rows()[row].organisation == company
    assert page.model.index(row, 1).data() == "수요기업"
    status_column = page.model.columnCount() - 1
    assert page.model.index(row, status_column).data().startswith("잠김")
    page.table.selectRow(row)
    page.unlock_button.click()
    settle(qtbot)
    row = next(i for i, u in enumerate(page.model.rows()) if u.login_id == demand.login_id)
    assert page.model.index(row, status_column).data() == "정상"
    assert services.accounts.login(demand.login_id, PASSWORD).user_id == demand.user_id
    # clearing the search leaves the demand accounts out again
    page.search.clear()
    qtbot.waitUntil(lambda: demand.login_id not in {u.login_id for u in page.model.rows()}, timeout=5_000)
    settle(qtbot)
