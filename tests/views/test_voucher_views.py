"""바우처 신청 (choose the payment method once, budget panel, 예산포기 request), the agency's
예산포기 확인 page, and the budget panel of 심사 및 예산확인 — through the GUI (SPEC §5.2)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kvoucher_desktop.enums import (
    AbandonmentStatus,
    CompanyType,
    DealState,
    PaymentMethod,
    PaymentStatus,
    ScreeningStatus,
)
from kvoucher_desktop.models import Payment
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.errors import PermissionDenied
from kvoucher_desktop.services.vouchers import NOT_ELIGIBLE
from kvoucher_desktop.views.agency.abandonments import AbandonmentTableModel
from kvoucher_desktop.views.demand.payment_method import PaymentMethodDialog
from kvoucher_desktop.views.widgets.dialogs import ReasonDialog
from tests.factories import (
    approved_buyer,
    company_in_state,
    make_agency,
    make_service,
    make_supplier_account,
)
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

S = ScreeningStatus
M = PaymentMethod
REASON = "사업 계획이 바뀌어 남은 예산을 쓰지 않습니다."


def open_voucher_page(qtbot, window):
    page = window.open_page("voucher")
    settle(qtbot)
    return page


def choose(qtbot, page, method: PaymentMethod) -> PaymentMethodDialog:
    """Click the method's card and 신청; returns the confirmation dialog."""
    assert not page.apply_button.isEnabled()  # nothing chosen yet
    qtbot.mouseClick(page.options[method], Qt.MouseButton.LeftButton)
    assert page.options[method].radio.isChecked()
    assert page.apply_button.isEnabled()
    page.apply_button.click()
    dialog = page.method_dialog
    assert dialog is not None and dialog.isVisible()
    # the particle fits the method: 신한카드로 / 제로페이로
    assert dialog.ok_button.text() == {PaymentMethod.SHINHAN_CARD: "신한카드로 신청",
                                       PaymentMethod.ZEROPAY: "제로페이로 신청"}[method]
    return dialog


def paid_deal(services, demand):
    """A deal of `demand` at 결제요청 (1,100,000원), and its supplier's id."""
    supplier = make_supplier_account(services)
    service = make_service(services, supplier, price=2_000_000)
    deal = services.deals.request(demand, service.id, "화상회의 도입을 상담하고 싶습니다.").value
    services.deals.accept(supplier, deal.id)
    services.deals.request_payment(supplier, deal.id, 1_100_000)
    return deal.id, supplier.supplier_id


def add_payment(services, company_id, deal_id, supplier_id, status: PaymentStatus, amount: int) -> None:
    """A payment row as the payment flow would leave it (the ledger only sums them)."""
    now = services.clock.now()
    with services.vouchers.uow() as uow:
        uow.session.add(Payment(id=uuid.uuid4(), deal_id=deal_id, company_id=company_id, supplier_id=supplier_id,
                                method=M.SHINHAN_CARD, status=status, amount=amount,
                                government_share=amount * 90 // 100, self_share=amount - amount * 90 // 100,
                                created_at=now, updated_at=now))
        uow.commit()


# --- not eligible -------------------------------------------------------------------------------
def test_a_reviewing_company_sees_why_not_and_the_way_to_the_status_page(qtbot, desk, sqlite_services):
    demand, _company_id = company_in_state(sqlite_services, S.REVIEWING)
    window = desk(demand)
    page = open_voucher_page(qtbot, window)
    assert page.not_eligible.isVisible()
    assert page.why_not.body.text() == NOT_ELIGIBLE[S.REVIEWING]
    assert page.badge.text() == "심사중"
    # nothing else to act on: no method cards, no budget, no abandonment
    assert not page.eligible.isVisible() and not page.abandon_box.isVisible()
    assert not page.apply_button.isVisible() and not page.abandon_button.isVisible()
    shoot(page, "voucher_not_eligible")
    page.status_button.click()
    settle(qtbot)
    assert window.current_key == "screening_status"


# --- choosing the payment method ----------------------------------------------------------------
def test_approved_company_chooses_shinhan_card_at_2330_kst_and_can_request_the_card_the_next_day(
        qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    demand, company_id = company_in_state(services, S.APPROVED)
    clock.set(datetime(2026, 3, 2, 23, 30, tzinfo=KST))
    window = desk(demand)
    page = open_voucher_page(qtbot, window)
    assert page.choose_box.isVisible() and not page.chosen_box.isVisible()
    assert set(page.options) == {M.ZEROPAY, M.SHINHAN_CARD}
    assert "온라인으로 발급" in page.options[M.ZEROPAY].description.text()
    assert "다음 날부터" in page.options[M.SHINHAN_CARD].description.text()
    shoot(page, "voucher_before_choice")

    dialog = choose(qtbot, page, M.SHINHAN_CARD)
    assert dialog.warning.title.text() == "결제수단은 한 번 선택하면 변경할 수 없습니다."
    assert "신한카드" in dialog.choice_label.text() and "신한카드" in dialog.ok_button.text()
    assert not dialog.password.isVisible()  # no password for the card
    shoot(dialog, "voucher_confirm_card")
    assert services.vouchers.get(demand).payment_method is None  # nothing happens before the confirmation
    dialog.ok_button.click()
    settle(qtbot)
    assert not dialog.isVisible()

    view = services.vouchers.get(demand)
    assert view.payment_method is M.SHINHAN_CARD
    assert not page.choose_box.isVisible() and page.chosen_box.isVisible()
    assert page.method_label.text() == "신한카드"
    assert page.fixed_note.text() == "결제수단은 한 번 선택하면 변경할 수 없습니다."
    assert page.chosen_at_label.text() == "2026-03-02 23:30 (한국시간)"
    assert page.card_date_label.text() == "카드 발급 신청 가능일: 2026-03-03 (선택한 다음 날부터)"
    assert not page.zeropay_state.isVisible()
    guidance = page.guidance.body.text()
    assert "신한카드 홈페이지에서 개인 체크카드 또는 선불카드를 온라인으로 신청" in guidance
    assert "1544-7000" in page.helpdesk.text() and "1670-0582" in page.helpdesk.text()
    shoot(page, "voucher_after_card")

    # there is no way to choose again: not on the page (also after a reload), not through the service
    page.refresh()
    settle(qtbot)
    assert not page.choose_box.isVisible()
    assert not page.options[M.ZEROPAY].isEnabled() and not page.apply_button.isEnabled()
    with pytest.raises(PermissionDenied):
        services.vouchers.choose_payment_method(demand, M.ZEROPAY, zeropay_password="583920",
                                                zeropay_password_confirm="583920")
    assert services.vouchers.get(demand).payment_method is M.SHINHAN_CARD
    assert company_id == view.company_id


def test_a_corporation_choosing_early_in_the_kst_morning_gets_the_kst_next_day_and_branch_guidance(
        qtbot, desk, sqlite_services, clock):
    demand, _company_id = company_in_state(sqlite_services, S.APPROVED, company_type=CompanyType.CORPORATION)
    clock.set(datetime(2026, 3, 3, 8, 30, tzinfo=KST))  # still 2026-03-02 in UTC
    window = desk(demand)
    page = open_voucher_page(qtbot, window)
    choose(qtbot, page, M.SHINHAN_CARD).ok_button.click()
    settle(qtbot)
    assert page.card_date_label.text() == "카드 발급 신청 가능일: 2026-03-04 (선택한 다음 날부터)"
    assert "가까운 신한은행 지점을 방문하여 법인 체크카드 발급" in page.guidance.body.text()
    assert "온라인" not in page.guidance.body.text()


def test_zeropay_password_mismatch_keeps_the_dialog_open_then_the_choice_succeeds(qtbot, desk, sqlite_services):
    services = sqlite_services
    demand, _company_id = company_in_state(services, S.APPROVED)
    window = desk(demand)
    page = open_voucher_page(qtbot, window)
    dialog = choose(qtbot, page, M.ZEROPAY)
    assert dialog.warning.title.text() == "결제수단은 한 번 선택하면 변경할 수 없습니다."
    assert "제로페이" in dialog.choice_label.text()
    assert dialog.password.isVisible() and dialog.password_confirm.isVisible()
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.password_confirm.echoMode() == QLineEdit.EchoMode.Password
    type_text(dialog.password, "58a39b20c")  # letters are not taken
    assert dialog.password.text() == "583920"
    type_text(dialog.password_confirm, "583921")
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.error.isVisible() and dialog.error.text() == "비밀번호 확인이 일치하지 않습니다."
    assert dialog.password_confirm.property("invalid") is True and not dialog.password.property("invalid")
    assert (dialog.password.text(), dialog.password_confirm.text()) == ("583920", "583921")  # kept
    assert services.vouchers.get(demand).payment_method is None
    assert page.choose_box.isVisible()
    shoot(dialog, "voucher_zeropay_mismatch")

    type_text(dialog.password_confirm, "583920", replace=True)
    dialog.ok_button.click()
    settle(qtbot)
    assert not dialog.isVisible()
    view = services.vouchers.get(demand)
    assert view.payment_method is M.ZEROPAY and view.zeropay_password_set
    assert verify_stored_pin(services, demand, "583920")
    assert page.method_label.text() == "제로페이"
    assert page.zeropay_state.text() == "온라인으로 발급되었습니다 · 상품권 비밀번호 설정됨"
    assert not page.card_date_label.isVisible()
    assert "1670-0582" in page.guidance.body.text()
    assert not page.choose_box.isVisible() and not page.options[M.SHINHAN_CARD].isEnabled()
    with pytest.raises(PermissionDenied):
        services.vouchers.choose_payment_method(demand, M.SHINHAN_CARD)
    shoot(page, "voucher_after_zeropay")


def test_a_simple_zeropay_password_is_refused_in_the_dialog(qtbot, desk, sqlite_services):
    demand, _company_id = company_in_state(sqlite_services, S.APPROVED)
    page = open_voucher_page(qtbot, desk(demand))
    dialog = choose(qtbot, page, M.ZEROPAY)
    type_text(dialog.password, "123456")
    type_text(dialog.password_confirm, "123456")
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.isVisible() and "연속된 숫자" in dialog.error.text()
    assert dialog.password.property("invalid") is True
    assert sqlite_services.vouchers.get(page.ctx.actor).payment_method is None


# --- budget panel -------------------------------------------------------------------------------
def test_budget_panels_show_spent_in_progress_and_remaining(qtbot, desk, sqlite_services):
    services = sqlite_services
    demand, company_id = approved_buyer(services)
    deal_id, supplier_id = paid_deal(services, demand)
    paying_id, paying_supplier = paid_deal(services, demand)  # a deal has one live payment at most
    add_payment(services, company_id, deal_id, supplier_id, PaymentStatus.SUCCEEDED, 1_100_000)
    add_payment(services, company_id, paying_id, paying_supplier, PaymentStatus.IN_PROGRESS, 550_000)
    add_payment(services, company_id, deal_id, supplier_id, PaymentStatus.FAILED, 300_000)  # never counted
    add_payment(services, company_id, deal_id, supplier_id, PaymentStatus.CANCELLED, 200_000)  # restored
    window = desk(demand)
    page = open_voucher_page(qtbot, window)
    panel = page.budget_panel
    assert panel.isVisible() and not panel.pending.isVisible()
    assert [panel.total.text(), panel.government.text(), panel.self_pay.text()] == \
        ["4,000,000원", "3,600,000원", "400,000원"]
    assert panel.government_caption.text() == "정부지원금 (90%)"
    assert [panel.spent.text(), panel.in_progress.text(), panel.remaining.text()] == \
        ["1,100,000원", "550,000원", "2,350,000원"]
    assert panel.use_period_end.text() == "2026-11-02"
    assert panel.remaining.alignment() & Qt.AlignmentFlag.AlignRight
    shoot(page, "voucher_budget")

    status = window.open_page("screening_status")
    settle(qtbot)
    assert status.budget_total.text() == "4,000,000원" and status.budget_government.text() == "3,600,000원"
    assert status.budget_self.text() == "400,000원"
    assert status.budget_spent.text() == "1,100,000원" and status.budget_in_progress.text() == "550,000원"
    assert status.budget_remaining.text() == "2,350,000원"
    assert status.budget_remaining.isVisible() and not status.budget_pending.isVisible()
    assert status.approved_at.text() == "2026-03-02 10:00"
    shoot(status, "status_budget_spent")


# --- budget abandonment -------------------------------------------------------------------------
def test_abandonment_requested_on_the_page_is_confirmed_by_the_agency_and_remaining_becomes_0(
        qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    demand, company_id = approved_buyer(services)
    deal_id, _supplier_id = paid_deal(services, demand)  # an open payment request
    demand_window = desk(demand)
    page = open_voucher_page(qtbot, demand_window)
    assert page.abandon_box.isVisible() and page.abandon_button.isEnabled()
    assert not page.abandon_status.isVisible()

    page.abandon_button.click()
    reason_box = page.pending_dialog
    assert isinstance(reason_box, ReasonDialog) and reason_box.isVisible()
    reason_box.ok_button.click()  # no reason
    assert reason_box.isVisible() and reason_box.error.text() == "사유를 입력해야 처리할 수 있습니다."
    type_text(reason_box.edit, REASON)
    reason_box.ok_button.click()
    box = page.pending_dialog
    assert "4,000,000원이 0원이 되고" in box.text() and "'불가'" in box.text() and REASON in box.text()
    assert services.vouchers.get(demand).abandonment is None  # not before the yes
    box.yes_button.click()
    settle(qtbot)
    view = services.vouchers.get(demand)
    assert view.abandonment.status is AbandonmentStatus.REQUESTED and view.abandonment.reason == REASON
    assert page.abandon_status.isVisible() and page.abandon_status.title.text() == "최근 예산포기 신청: 확인 대기"
    assert REASON in page.abandon_status.body.text()
    assert not page.abandon_button.isEnabled()
    assert page.abandon_hint.text() == "예산포기 신청이 전문기관의 확인을 기다리고 있습니다."
    shoot(page, "voucher_abandon_requested")

    clock.advance(hours=2)
    agency = make_agency(services)
    agency_window = desk(agency)
    agency_page = agency_window.open_page("abandonments")
    settle(qtbot)
    model = agency_page.model
    assert model.rowCount() == 1
    business_no = services.companies.get(demand).business_no
    texts = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert texts[:6] == [view.company_name, f"{business_no[:3]}-{business_no[3:5]}-{business_no[5:]}", REASON,
                         "2026-03-02 10:00", "4,000,000원", "확인 대기"]
    assert not agency_page.confirm_button.isEnabled()
    agency_page.table.selectRow(0)
    assert agency_page.confirm_button.isEnabled() and agency_page.decline_button.isEnabled()
    assert REASON in agency_page.detail.body.text()
    shoot(agency_page, "abandonments_waiting")
    agency_page.confirm_button.click()
    box = agency_page.pending_dialog
    assert "잔액 4,000,000원이 0원이 되고" in box.text() and "'불가'" in box.text()
    box.yes_button.click()
    settle(qtbot)
    assert model.rowCount() == 0  # no longer waiting
    assert agency_page.status_line.text() == "확인을 기다리는 예산포기 신청이 없습니다."

    after = services.vouchers.get(demand)
    assert after.budget.remaining == 0 and after.budget.abandoned
    assert after.abandonment.status is AbandonmentStatus.CONFIRMED
    assert services.deals.get(demand, deal_id).state is DealState.EXPIRED  # the open payment request ended

    agency_page.status_filter.setCurrentIndex(3)  # 전체
    settle(qtbot)
    assert model.rowCount() == 1
    assert model.data(model.index(0, 4)) == "0원" and model.data(model.index(0, 5)) == "예산포기 확정"
    agency_page.table.selectRow(0)
    assert not agency_page.confirm_button.isEnabled() and not agency_page.decline_button.isEnabled()
    shoot(agency_page, "abandonments_all")

    # the demand desk sees it after a refresh
    page.refresh()
    settle(qtbot)
    assert page.budget_panel.remaining.text() == "0원"
    assert "예산포기가 확정되어" in page.budget_panel.note.text() and "4,000,000원" in page.budget_panel.note.text()
    assert page.abandon_status.title.text() == "최근 예산포기 신청: 예산포기 확정"
    assert not page.abandon_button.isEnabled() and "다시 신청할 수 없습니다" in page.abandon_hint.text()
    status = demand_window.open_page("screening_status")
    settle(qtbot)
    assert status.budget_remaining.text() == "0원"
    shoot(page, "voucher_abandoned")


def test_declining_an_abandonment_needs_a_reason_the_company_then_sees(qtbot, desk, sqlite_services):
    services = sqlite_services
    demand, company_id = approved_buyer(services)
    services.vouchers.request_abandonment(demand, REASON)
    agency_window = desk(make_agency(services))
    agency_page = agency_window.open_page("abandonments")
    settle(qtbot)
    agency_page.table.selectRow(0)
    agency_page.decline_button.click()
    reason_box = agency_page.pending_dialog
    assert isinstance(reason_box, ReasonDialog)
    reason_box.ok_button.click()
    assert reason_box.isVisible() and reason_box.error.isVisible()
    settle(qtbot)
    assert services.vouchers.get(demand).abandonment.status is AbandonmentStatus.REQUESTED
    decline = "예산 집행 계획서를 먼저 제출해 주세요."
    type_text(reason_box.edit, decline)
    reason_box.ok_button.click()
    settle(qtbot)
    assert agency_page.model.rowCount() == 0
    view = services.vouchers.get(demand)
    assert view.abandonment.status is AbandonmentStatus.DECLINED and view.abandonment.decline_reason == decline
    assert view.budget.remaining == 4_000_000 and not view.budget.abandoned

    page = open_voucher_page(qtbot, desk(demand))
    assert page.abandon_status.title.text() == "최근 예산포기 신청: 반려"
    assert f"반려 사유: {decline}" in page.abandon_status.body.text()
    assert page.abandon_button.isEnabled()  # may ask again
    assert company_id == view.company_id


def test_abandonment_table_model_passes_the_model_tester(qtbot, qtmodeltester, sqlite_services):
    services = sqlite_services
    agency = make_agency(services)
    for decide in ("confirm", "decline", None):
        demand, _company_id = approved_buyer(services)
        services.vouchers.request_abandonment(demand, REASON)
        request_id = services.vouchers.get(demand).abandonment.id
        if decide == "confirm":
            services.vouchers.confirm_abandonment(agency, request_id)
        elif decide == "decline":
            services.vouchers.decline_abandonment(agency, request_id, "사유 보완 필요")
    model = AbandonmentTableModel()
    model.set_rows(services.vouchers.abandonments(agency, None))
    assert model.rowCount() == 3 and model.columnCount() == 7
    qtmodeltester.check(model, force_py=True)
    statuses = {model.data(model.index(r, 5)) for r in range(3)}
    assert statuses == {"확인 대기", "예산포기 확정", "반려"}


def test_a_method_chosen_meanwhile_at_another_desk_is_refused_in_the_dialog_and_shown(qtbot, desk,
                                                                                      sqlite_services):
    services = sqlite_services
    demand, _company_id = company_in_state(services, S.APPROVED)
    page = open_voucher_page(qtbot, desk(demand))
    dialog = choose(qtbot, page, M.SHINHAN_CARD)
    # another desk of the same company chooses ZeroPay first
    services.vouchers.choose_payment_method(demand, M.ZEROPAY, zeropay_password="583920",
                                            zeropay_password_confirm="583920")
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.isVisible() and "바꿀 수 없습니다" in dialog.error.text()
    assert not dialog.ok_button.isEnabled()  # nothing to retry
    assert services.vouchers.get(demand).payment_method is M.ZEROPAY
    assert page.method_label.text() == "제로페이" and not page.choose_box.isVisible()
    dialog.cancel_button.click()
    assert not dialog.isVisible()


def verify_stored_pin(services, demand, pin: str) -> bool:
    """ZeroPay (the issuer's own record, not the platform's store) accepts `pin` for the company."""
    import uuid

    from kvoucher_desktop.services.gateways.issuers import Approval

    answer = services.zeropay.pay(uuid.uuid4().hex, str(demand.company_id), pin, 1_000, "test-merchant")
    return isinstance(answer, Approval)
