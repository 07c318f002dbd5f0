"""청구내역 through the GUI: the completed and the cancelled payments together with their totals,
and the XLSX / CSV exports written through the save path (the dialog replaced by a chooser, as
a user's choice), read back with openpyxl and csv; cancelling an export writes nothing."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate

from kvoucher_desktop.enums import BillingExport, PaymentStatus, PaymentTab
from kvoucher_desktop.views.payments.billing import BillingPage
from kvoucher_desktop.views.payments.billing_exports import target_path
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)
from tests.views.test_payment_management import World

P = PaymentStatus


@pytest.fixture
def world(sqlite_services, clock):
    return World(sqlite_services, clock)


def open_billing(qtbot, desk, actor, size=(1280, 820)) -> BillingPage:
    window = desk(actor, size=size)
    page = window.open_page("billing")
    settle(qtbot)
    assert isinstance(page, BillingPage)
    page.period_bar.start_edit.setDate(QDate(2026, 3, 1))
    page.period_bar.search_button.click()
    settle(qtbot)
    return page


def choose(path):
    asked = []

    def chooser(_parent, caption, proposed, name_filter):
        asked.append((caption, proposed, name_filter))
        return str(path)
    chooser.asked = asked
    return chooser


def test_the_buyer_sees_completed_and_cancelled_payments_with_totals(qtbot, qtmodeltester, desk, world):
    page = open_billing(qtbot, desk, world.buyer)
    qtmodeltester.check(page.model)
    assert [r.id for r in page.model.rows()] == [world.gone.id, world.ok2.id, world.ok1.id]  # no failed one
    assert {r.status for r in page.model.rows()} == {P.SUCCEEDED, P.CANCELLED}
    titles = [c.title for c in page.model.columns]
    assert "취소일시" in titles and "승인번호" in titles
    assert "결제성공 2건 · 결제금액 1,600,000원" in page.totals_line.text()
    assert "결제취소 1건 · 300,000원" in page.totals_line.text()
    assert "3건 표시 / 3건" in page.status_line.text()
    shoot(page.window(), "billing")


def test_exporting_to_xlsx_writes_the_rows_and_the_services_totals(qtbot, desk, world, tmp_path):
    page = open_billing(qtbot, desk, world.supplier)
    page.choose_target = chooser = choose(tmp_path / "받은결제")  # typed without the extension
    page.export_buttons[BillingExport.XLSX].click()
    settle(qtbot)
    saved = tmp_path / "받은결제.xlsx"
    assert chooser.asked[0][1].endswith("청구내역_20260301-20260305.xlsx")
    assert page.saved_path == saved and saved.exists()
    rows = [[c.value for c in r] for r in load_workbook(saved).active.iter_rows()]
    amount = rows[0].index("결제금액")
    assert [r[amount] for r in rows[1:-2]] == [world.gone.amount, world.ok2.amount, world.ok1.amount]
    totals = world.services.payments.totals(world.supplier, date(2026, 3, 1), date(2026, 3, 5))
    assert rows[-2][amount] == totals.succeeded.amount and rows[-1][amount] == totals.cancelled.amount
    feedback = page.window().feedback
    assert not feedback.is_failure and feedback.text == "저장했습니다."


def test_exporting_to_csv_and_cancelling_an_export(qtbot, desk, world, tmp_path):
    page = open_billing(qtbot, desk, world.buyer)
    page.choose_target = choose(tmp_path / "청구.csv")
    page.export_buttons[BillingExport.CSV].click()
    settle(qtbot)
    data = (tmp_path / "청구.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3 + 2 and rows[-1][0] == "결제취소 합계"
    page.choose_target = choose("")  # the user closed the dialog: nothing runs
    page.export_buttons[BillingExport.CSV].click()
    assert page.last_job is None
    page.choose_target = choose(tmp_path / "취소됨.xlsx")
    world.services.payments.export_billing = _cancelled_at_once(world.services.payments.export_billing)
    page.export_buttons[BillingExport.XLSX].click()
    settle(qtbot)
    assert not (tmp_path / "취소됨.xlsx").exists()
    assert "취소했습니다" in page.window().feedback.text


def _cancelled_at_once(export):
    def wrapped(actor, kind, start=None, end=None, *, progress=None, cancelled=None):
        return export(actor, kind, start, end, progress=progress, cancelled=lambda: True)
    return wrapped


def test_an_empty_period_disables_the_exports(qtbot, desk, world):
    page = open_billing(qtbot, desk, world.buyer)
    page.period_bar.start_edit.setDate(QDate(2026, 1, 1))
    page.period_bar.end_edit.setDate(QDate(2026, 1, 31))
    page.period_bar.search_button.click()
    settle(qtbot)
    assert page.model.rowCount() == 0
    assert "내역이 없습니다" in page.status_line.text()
    assert not any(b.isEnabled() for b in page.export_buttons.values())


def test_the_target_gets_the_exports_extension():
    assert target_path("/x/a", BillingExport.XLSX).name == "a.xlsx"
    assert target_path("/x/a.XLSX", BillingExport.XLSX).name == "a.XLSX"
    assert target_path("/x/a.csv", BillingExport.SLIPS).name == "a.csv.pdf"
    assert PaymentTab.BILLED.value == "BILLED"


def test_exporting_the_slips_of_the_period_to_one_pdf(qtbot, desk, world, tmp_path):
    from pypdf import PdfReader

    page = open_billing(qtbot, desk, world.buyer)
    page.choose_target = chooser = choose(tmp_path / "전표.pdf")
    page.export_buttons[BillingExport.SLIPS].click()
    settle(qtbot)
    assert chooser.asked[0][1].endswith("전표모음_20260301-20260305.pdf")
    reader = PdfReader(tmp_path / "전표.pdf")
    assert len(reader.pages) == 1 + 3
    assert world.ok1.approval_no in reader.pages[1].extract_text()


def test_too_many_slips_for_one_pdf_are_refused_before_asking_where(qtbot, desk, world, monkeypatch):
    from kvoucher_desktop.views.payments import billing_exports

    page = open_billing(qtbot, desk, world.buyer)
    monkeypatch.setattr(billing_exports, "MAX_BATCH_PAPERS", 2)
    page.choose_target = chooser = choose("/nowhere/x.pdf")
    page.export_buttons[BillingExport.SLIPS].click()
    assert chooser.asked == [] and page.last_job is None
    feedback = page.window().feedback
    assert feedback.is_failure and "2건까지" in feedback.text and "3건" in feedback.text


def test_tab_goes_from_the_list_to_the_export_buttons(qtbot, desk, world):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    page = open_billing(qtbot, desk, world.buyer)
    page.window().activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=2000)
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.export_buttons[BillingExport.XLSX]
