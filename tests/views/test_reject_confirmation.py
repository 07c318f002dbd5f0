"""심사탈락 is final: after the reason, the panel asks once more, naming the company and saying
that it cannot be undone. 취소, Esc or Enter alone go back to the reason with everything typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from kvoucher_desktop.enums import ScreeningStatus
from kvoucher_desktop.views.widgets.dialogs import ReasonDialog
from tests.factories import company_in_state, make_agency, make_operator
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

S = ScreeningStatus
REASON = "사업자등록 상태가 휴업으로 확인됩니다."


def open_panel(qtbot, desk, actor, company_id):
    window = desk(actor)
    page = window.open_page("screening_dashboard")
    settle(qtbot)
    assert page.select_company(company_id)
    settle(qtbot)
    return page.detail


def reason_given(detail, qtbot) -> QMessageBox:
    """OK in the reason dialog: the second question is open (nothing sent yet)."""
    reason_dialog = detail.pending_dialog
    reason_dialog.ok_button.click()
    settle(qtbot)
    box = detail.pending_dialog
    assert isinstance(box, QMessageBox) and box.isVisible() and not reason_dialog.isVisible()
    return box


def test_rejecting_asks_a_second_time_and_going_back_keeps_the_reason(qtbot, desk, sqlite_services):
    services = sqlite_services
    operator = make_operator(services)
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    name = services.companies.get(operator, company_id).info.name
    detail = open_panel(qtbot, desk, operator, company_id)

    detail.reject_button.click()
    reason_dialog = detail.pending_dialog
    assert isinstance(reason_dialog, ReasonDialog)
    type_text(reason_dialog.edit, REASON)
    box = reason_given(detail, qtbot)
    assert f"'{name}'" in box.text() and "최종 결정" in box.text() and "되돌릴 수 없" in box.text()
    assert REASON in box.text() and box.yes_button.text() == "심사탈락 확정"
    assert box.icon() is QMessageBox.Icon.Warning
    shoot(box, "screening_reject_confirmation")

    # Esc: back to the reason, as typed; nothing was sent
    QTest.keyClick(box, Qt.Key.Key_Escape)
    settle(qtbot)
    assert not box.isVisible()
    assert detail.pending_dialog is reason_dialog and reason_dialog.isVisible()
    assert reason_dialog.edit.toPlainText() == REASON
    assert services.companies.get(operator, company_id).status is S.REVIEWING

    # 취소: the same
    box = reason_given(detail, qtbot)
    box.button(QMessageBox.StandardButton.Cancel).click()
    settle(qtbot)
    assert detail.pending_dialog is reason_dialog and reason_dialog.edit.toPlainText() == REASON

    # Enter alone does not reject either: the safe answer is the default one
    box = reason_given(detail, qtbot)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    QTest.keyClick(box, Qt.Key.Key_Return)
    settle(qtbot)
    assert detail.pending_dialog is reason_dialog and reason_dialog.edit.toPlainText() == REASON
    assert services.companies.get(operator, company_id).status is S.REVIEWING

    # the second yes rejects, with the reason typed once
    box = reason_given(detail, qtbot)
    box.yes_button.click()
    settle(qtbot)
    view = services.companies.get(operator, company_id)
    assert view.status is S.REJECTED and view.status_reason == REASON
    assert detail.view.status is S.REJECTED and REASON in detail.reason_notice.title.text()


def test_holding_needs_no_second_question(qtbot, desk, sqlite_services):
    """Only the final decision asks twice: 심사보류 goes with its reason."""
    services = sqlite_services
    agency = make_agency(services)
    _demand, company_id = company_in_state(services, S.REVIEWING)
    detail = open_panel(qtbot, desk, agency, company_id)
    detail.hold_button.click()
    type_text(detail.pending_dialog.edit, "서류 보완 필요")
    detail.pending_dialog.ok_button.click()
    settle(qtbot)
    assert services.companies.get(agency, company_id).status is S.ON_HOLD
