"""A decision on a state another desk changed meanwhile, through the GUI: the detail panel and
the budget page send the state they showed; the refusal is shown and the panel reloads."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from kvoucher_desktop.enums import ScreeningStatus
from tests.factories import REJECT_REASON, company_in_state, make_agency, make_operator
from tests.views.page_support import desk, settle  # noqa: F401  (desk is a fixture)

S = ScreeningStatus
CHANGED = "다른 창구에서 먼저 처리되어 상태가 바뀌었습니다"


def shown_messages(widget) -> list[str]:
    """What the user is told of a failed action: a message box of `widget`, or the failure the
    window's feedback bar shows."""
    boxes = [box.text() for box in widget.findChildren(QMessageBox) if box.isVisible()]
    feedback = getattr(widget.window(), "feedback", None)
    return boxes + ([feedback.text] if feedback is not None and feedback.is_failure else [])


def test_confirming_what_another_desk_rejected_meanwhile_is_refused_and_the_panel_reloads(
        qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    here, there = make_operator(services), make_operator(services)
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=here)
    window = desk(here)
    page = window.open_page("screening_dashboard")
    settle(qtbot)
    assert page.select_company(company_id)
    settle(qtbot)
    detail = page.detail
    assert detail.view.status is S.REVIEWING and detail.confirm_button.isEnabled()
    # the other desk rejects it while this panel still shows 심사중
    clock.advance(seconds=1)
    services.screening.reject(there, company_id, REJECT_REASON)
    detail.confirm_button.click()
    detail.pending_dialog.yes_button.click()
    settle(qtbot)
    messages = shown_messages(detail)
    assert len(messages) == 1 and messages[0].startswith(f"{CHANGED}('심사중' → '심사탈락').")
    assert services.companies.get(here, company_id).status is S.REJECTED
    agency = make_agency(services)
    assert [r.action for r in services.audit.records(agency, entity_id=company_id,
                                                     action_prefix="screening.")] == ["screening.reject"]
    # the panel shows the current state, and the queue row and the chips follow it
    assert detail.view.status is S.REJECTED and detail.badge.text() == "심사탈락"
    assert detail.reason_notice.isVisible() and REJECT_REASON in detail.reason_notice.title.text()
    assert not any(b.isEnabled() for b in detail.action_buttons.values())
    assert page.model.row_at(page.model.position_of(company_id)).status is S.REJECTED
    assert page.chips[S.REJECTED].text() == "심사탈락 1" and page.chips[S.REVIEWING].text() == "심사중 0"


def test_the_panel_sends_the_state_it_showed(qtbot, desk, sqlite_services, monkeypatch):
    services = sqlite_services
    operator = make_operator(services)
    _demand, company_id = company_in_state(services, S.CONFIRMED, operator=operator)
    sent = []
    real_act = services.screening.act
    monkeypatch.setattr(services.screening, "act",
                        lambda *a, **kw: sent.append(kw.get("expected_status")) or real_act(*a, **kw))
    window = desk(operator)
    page = window.open_page("screening_dashboard")
    settle(qtbot)
    page.select_company(company_id)
    settle(qtbot)
    page.detail.reject_button.click()
    page.detail.pending_dialog.edit.setPlainText("허위 서류 제출 확인")
    page.detail.pending_dialog.ok_button.click()
    page.detail.pending_dialog.yes_button.click()  # 심사탈락 is final: the second question
    settle(qtbot)
    assert sent == [S.CONFIRMED]
    assert services.companies.get(operator, company_id).status is S.REJECTED


def test_the_budget_page_refuses_a_company_rejected_after_it_was_listed(qtbot, desk, sqlite_services):
    services = sqlite_services
    operator, agency = make_operator(services), make_agency(services)
    _demand, company_id = company_in_state(services, S.CONFIRMED, operator=operator)
    window = desk(agency)
    page = window.pages["budget_confirm"]
    settle(qtbot)
    page.table.selectRow(page.model.position_of(company_id))
    services.screening.reject(operator, company_id, REJECT_REASON)  # at another desk
    page.approve_one_button.click()
    page.pending_dialog.yes_button.click()
    settle(qtbot)
    assert page.last_result.succeeded == ()
    (failed_id, reason), = page.last_result.failed
    assert failed_id == company_id and reason.startswith(f"{CHANGED}('심사확정' → '심사탈락').")
    assert page.failure_list.item(0).text().endswith(reason)
    assert services.companies.get(agency, company_id).status is S.REJECTED
