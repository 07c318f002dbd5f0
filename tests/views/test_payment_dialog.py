"""결제하기 through the GUI (SPEC §5.3 multi-pay, §5.4): the payment window opened from the deal
inbox — two deals by card with the SMS code read from the simulator's outbox (as the 시뮬레이터
panel shows it), a wrong code then the right one, ZeroPay, a batch over the budget, closing before
the code — and the card issuance on 바우처 신청 (the number shown once, then masked)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from kvoucher_desktop.enums import DealState, DealTab, PaymentFailure, PaymentMethod, PaymentStatus
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.views.paying.dialog import CODE, DONE, FORM, PaymentDialog
from tests.factories import approved_buyer, make_service, make_supplier_account
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

pytestmark = pytest.mark.over_http

CARD, ZEROPAY = PaymentMethod.SHINHAN_CARD, PaymentMethod.ZEROPAY
P = PaymentStatus


class Shop:
    """A buyer (card issued for card buyers) with deals at 결제요청 from one supplier."""

    def __init__(self, services, clock, method=CARD):
        self.services = services
        clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=KST))
        self.buyer, self.company_id = approved_buyer(services, method)
        self.supplier = make_supplier_account(services, name="클라우드웍스")
        self.card = None
        if method is CARD:
            clock.advance(days=1)  # 카드 발급 신청: from the KST day after the choice
            self.card = services.vouchers.request_card(self.buyer).value

    def deal(self, amount: int, name: str):
        service = make_service(self.services, self.supplier, name=name, price=max(amount, 1_000_000))
        deal = self.services.deals.request(self.buyer, service.id, "결제 화면 테스트용 거래상담입니다.").value
        self.services.deals.accept(self.supplier, deal.id)
        self.services.deals.request_payment(self.supplier, deal.id, amount)
        return deal.id

    def state(self, deal_id) -> DealState:
        return self.services.deals.get(self.buyer, deal_id).state

    def remaining(self) -> int:
        return self.services.vouchers.get(self.buyer).budget.remaining

    def code(self) -> str:
        """The newest SMS code, as the simulator panel shows it."""
        return re.search(r"\b(\d{6})\b", self.services.sms.outbox[-1].text).group(1)

    def payments(self, deal_id):
        with self.services.payments.uow() as uow:
            from kvoucher_desktop.models import Payment
            return [(p.status, p.failure_code) for p in uow.session.query(Payment).filter_by(deal_id=deal_id)]


def open_pay_tab(qtbot, desk, shop, ticked):
    window = desk(shop.buyer)
    page = window.open_page("deal_inbox")
    settle(qtbot)
    page.set_tab(DealTab.PAY)
    settle(qtbot)
    model = page.models[DealTab.PAY]
    for deal_id in ticked:
        assert model.set_checked(deal_id, True)
    page.pay_button.click()
    settle(qtbot)
    dialog = page.pay_dialog
    assert isinstance(dialog, PaymentDialog) and dialog.isVisible()
    return window, page, dialog


def tab_chain(start, n: int) -> list:
    """The next `n` widgets Tab reaches from `start` (visible, enabled, taking Tab focus)."""
    chain, widget = [start], start
    while len(chain) < n:
        widget = widget.nextInFocusChain()
        if widget is start:
            break
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            chain.append(widget)
    return chain


def press_enter(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def type_card(dialog, shop) -> None:
    n = shop.card.number
    type_text(dialog.card.number, " ".join(n[i:i + 4] for i in range(0, 16, 4)))  # spaces are fine
    type_text(dialog.card.expiry, shop.card.expiry)


@pytest.fixture
def shop(sqlite_services, clock):
    return Shop(sqlite_services, clock)


# --- card ------------------------------------------------------------------------------------------
def test_two_deals_from_the_cart_by_card_with_the_sms_code_both_succeed(qtbot, desk, shop):
    first = shop.deal(800_000, "원격 근무 보안 패키지")
    second = shop.deal(500_000, "온라인 교육 플랫폼")
    shop.services.deals.move_to_cart(shop.buyer, second)
    before = shop.remaining()
    window, page, dialog = open_pay_tab(qtbot, desk, shop, [first, second])
    summary = dialog.summary
    assert summary.model.rowCount() == 2
    assert [c.title for c in summary.model.columns] == ["서비스", "공급기업", "결제금액", "정부지원금", "자부담"]
    assert summary.total_label.text() == "2건 1,300,000원"
    assert summary.budget_label.text() == f"{before:,}원 → 결제 후 {before - 1_300_000:,}원"
    assert shop.card.masked in dialog.card.card_label.text()
    assert dialog.ok_button.isEnabled() and dialog.ok_button.text() == "1,300,000원 결제하기"
    keys = dict(dialog.keys)
    shoot(dialog, "payment_dialog_card")
    # Tab order: card number → expiry → 결제하기 → 취소
    assert tab_chain(dialog.card.number, 4) == [dialog.card.number, dialog.card.expiry, dialog.ok_button,
                                                 dialog.close_button]

    type_card(dialog, shop)
    dialog.ok_button.click()
    dialog.ok_button.click()  # a double click: the same call is already out
    settle(qtbot)
    assert dialog.step == CODE and dialog.code_step.progress.text() == "2건 중 1번째 결제"
    assert dialog.code_step.countdown.text() == "3:00" and dialog.code_step.countdown.isVisible()
    assert dialog.code_step.tries_label.text() == "남은 입력 횟수 5회"
    assert tab_chain(dialog.code_step.code, 3) == [dialog.code_step.code, dialog.code_step.resend_button,
                                                   dialog.ok_button]
    assert dialog.keys == keys  # the keys made before the first call stay
    code = shop.code()
    assert code not in dialog.code_step.sent_label.text()  # the code only in the simulator's outbox
    shoot(dialog, "payment_dialog_code")
    type_text(dialog.code_step.code, code)
    press_enter(qtbot, dialog.code_step.code)  # Enter = 확인
    settle(qtbot)
    assert dialog.step == CODE and dialog.code_step.progress.text() == "2건 중 2번째 결제"
    assert "결제성공" in dialog.note.text()
    type_text(dialog.code_step.code, shop.code())
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.step == DONE
    rows = dialog.results.model.rows()
    assert [r.status for r in rows] == [P.SUCCEEDED, P.SUCCEEDED]
    assert all(re.fullmatch(r"\d{8}", r.approval_no) for r in rows)
    assert dialog.results.notice.title.text() == "2건 모두 결제되었습니다."
    assert dialog.card.number.text() == "" and dialog.card.expiry.text() == ""  # nothing kept
    shoot(dialog, "payment_dialog_results")
    assert shop.state(first) is DealState.PAID and shop.state(second) is DealState.PAID
    assert shop.remaining() == before - 1_300_000
    # the inbox heard the helper's broadcast: the paid deals left 결제하기
    assert page.models[DealTab.PAY].rowCount() == 0
    assert page.tab_title(DealTab.PAY) == "결제하기 (0)"
    dialog.ok_button.click()
    settle(qtbot)
    assert not dialog.isVisible()


def test_a_wrong_code_shows_the_message_then_the_right_one_pays(qtbot, desk, shop):
    deal = shop.deal(700_000, "협업 메신저 프로")
    window = desk(shop.buyer)
    page = window.open_page("deal_inbox")
    settle(qtbot)
    page.set_tab(DealTab.PAYMENT_REQUESTED)
    settle(qtbot)
    assert page.select_deal(deal)
    settle(qtbot)
    assert page.detail.pay_button.isVisible()
    page.detail.pay_button.click()  # 결제 of one deal in the 결제요청 tab
    settle(qtbot)
    dialog = page.detail.pending_dialog
    assert isinstance(dialog, PaymentDialog) and dialog.summary.model.rowCount() == 1
    type_card(dialog, shop)
    dialog.ok_button.click()
    settle(qtbot)
    right = shop.code()
    type_text(dialog.code_step.code, f"{(int(right) + 1) % 1_000_000:06d}")
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.step == CODE and dialog.code_step.error.isVisible()
    assert "4" in dialog.code_step.error.text() and dialog.code_step.tries_label.text() == "남은 입력 횟수 4회"
    assert dialog.code_step.code.text()  # the wrong code stays (selected) to correct
    shoot(dialog, "payment_dialog_wrong_code")
    sent = len(shop.services.sms.outbox)
    dialog.code_step.resend_button.click()
    settle(qtbot)
    assert len(shop.services.sms.outbox) == sent + 1  # 인증번호 재전송: a new SMS
    assert dialog.code_step.tries_label.text() == "남은 입력 횟수 4회"  # the tries left stay
    type_text(dialog.code_step.code, shop.code(), replace=True)
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.step == DONE and dialog.results.model.rows()[0].status is P.SUCCEEDED
    assert shop.state(deal) is DealState.PAID


def test_closing_before_the_code_abandons_the_unsent_attempt(qtbot, desk, shop):
    deal = shop.deal(600_000, "전사 그룹웨어 구축")
    before = shop.remaining()
    _window, _page, dialog = open_pay_tab(qtbot, desk, shop, [deal])
    type_text(dialog.card.number, "1234")  # not a card number: refused before anything starts
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.card.error.text() == "카드번호 16자리를 숫자로 입력해 주세요."
    assert dialog.card.number.text() == "1234" and shop.payments(deal) == []
    # started, then the card's answer is lost before the code: close the window
    actor, payments = shop.buyer, shop.services.payments
    (view,) = payments.start(actor, [(deal, dialog.keys[deal])], dialog.batch_key).value
    dialog._started([view])  # noqa: SLF001 - as the window's own answer would (held: budget less)
    settle(qtbot)
    assert shop.remaining() == before - 600_000
    dialog.reject()
    settle(qtbot)
    assert not dialog.isVisible()
    assert shop.payments(deal) == [(P.FAILED, PaymentFailure.NOT_COMPLETED)]
    assert shop.remaining() == before and shop.state(deal) is DealState.PAYMENT_REQUESTED


def test_a_batch_over_the_budget_shows_the_refusal_and_charges_nothing(qtbot, desk, shop):
    remaining = shop.remaining()
    first = shop.deal(remaining - 100_000, "전사 그룹웨어 구축")
    second = shop.deal(500_000, "온라인 교육 플랫폼")
    _window, _page, dialog = open_pay_tab(qtbot, desk, shop, [first, second])
    assert dialog.summary.refusal.isVisible() and "남은 예산" in dialog.summary.refusal.body.text()
    assert "부족" in dialog.summary.budget_label.text()
    assert not dialog.ok_button.isEnabled() and not dialog.card.isVisible()
    shoot(dialog, "payment_dialog_refused")
    dialog.close_button.click()
    settle(qtbot)
    assert shop.payments(first) == [] and shop.payments(second) == [] and shop.remaining() == remaining


# --- ZeroPay ---------------------------------------------------------------------------------------
def test_one_deal_by_zeropay(qtbot, desk, sqlite_services, clock):
    shop = Shop(sqlite_services, clock, ZEROPAY)
    deal = shop.deal(900_000, "화상회의 솔루션 베이직")
    _window, _page, dialog = open_pay_tab(qtbot, desk, shop, [deal])
    assert dialog.zeropay.isVisible() and not dialog.card.isVisible()
    assert dialog.zeropay.password.echoMode() == dialog.zeropay.password.EchoMode.Password
    shoot(dialog, "payment_dialog_zeropay")
    type_text(dialog.zeropay.password, "111111")  # wrong: back to the form with the reason
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.step == FORM and dialog.zeropay.error.isVisible() and "결제실패" in dialog.zeropay.error.text()
    assert dialog.ok_button.text() == "다시 결제하기"
    failed_key = dialog.keys[deal]
    type_text(dialog.zeropay.password, "583920", replace=True)
    press_enter(qtbot, dialog.zeropay.password)
    settle(qtbot)
    assert dialog.keys[deal] != failed_key  # a new attempt, a new key
    assert dialog.step == DONE and dialog.results.model.rows()[0].status is P.SUCCEEDED
    assert shop.state(deal) is DealState.PAID


def test_no_answer_from_zeropay_keeps_the_password_and_pressing_again_pays_once(qtbot, desk, sqlite_services, clock):
    """The issuer did not answer and has no record: the window says so, keeps what was typed and
    the attempt's key; pressing again pays that same attempt, once."""
    shop = Shop(sqlite_services, clock, ZEROPAY)
    deal = shop.deal(900_000, "화상회의 솔루션 베이직")
    _window, _page, dialog = open_pay_tab(qtbot, desk, shop, [deal])
    type_text(dialog.zeropay.password, "583920")
    sqlite_services.zeropay.faults.timeout_before()
    dialog.ok_button.click()
    settle(qtbot)
    key = dialog.keys[deal]
    assert dialog.step == FORM and "응답이 없어" in dialog.error.text() and "두 번 결제되지 않습니다" in dialog.error.text()
    assert dialog.zeropay.password.text() == "583920" and dialog.ok_button.isEnabled()
    assert shop.payments(deal) == [(P.IN_PROGRESS, PaymentFailure.TIMEOUT)]  # marked: its last call went unanswered
    shoot(dialog, "payment_dialog_no_answer")
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.keys[deal] == key  # the same attempt, not a new one
    assert dialog.step == DONE and dialog.results.model.rows()[0].status is P.SUCCEEDED
    assert shop.payments(deal) == [(P.SUCCEEDED, None)] and shop.state(deal) is DealState.PAID


# --- 바우처 신청: the card shown once -------------------------------------------------------------------
def test_card_issuance_shows_the_number_once_and_the_page_then_shows_it_masked(qtbot, desk, sqlite_services, clock):
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=KST))
    buyer, _company_id = approved_buyer(sqlite_services, CARD)
    window = desk(buyer)
    page = window.open_page("voucher")
    settle(qtbot)
    assert not page.card_request_button.isEnabled()  # from the next KST day
    clock.advance(days=1)
    page.refresh()
    settle(qtbot)
    assert page.card_request_button.isEnabled()
    page.card_request_button.click()
    settle(qtbot)
    dialog = page.card_dialog
    assert dialog is not None and dialog.isVisible()
    number = dialog.number_label.text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", number)
    assert "지금 한 번만" in dialog.note.title.text()
    shoot(dialog, "voucher_card_issued")
    dialog.close_button.click()
    settle(qtbot)
    view = sqlite_services.vouchers.get(buyer)
    assert page.card_state.text().startswith(view.card_masked)
    assert f"유효기간 {view.card_expiry}" in page.card_state.text() and re.fullmatch(r"\d\d/\d\d", view.card_expiry)
    assert view.card_masked.endswith(number[-4:]) and number.replace(" ", "") not in page.card_state.text()
    assert not page.card_request_button.isVisible()


def test_the_simulator_panel_makes_the_next_payment_decline_then_answers_normally(qtbot, desk, sqlite_services, clock):
    """The 시뮬레이터 panel's 결제사 응답: the next payment is declined by the issuer (a FAILED payment
    with its reason), then the setting is back to 정상 응답 and the next one is approved."""
    from kvoucher_desktop.views.simulator import ISSUER_MODES
    from tests.services.test_payments import Desk as PaymentDesk

    services = sqlite_services
    buyer = PaymentDesk(services, clock, PaymentMethod.ZEROPAY)
    window = desk(buyer.buyer)
    panel = window.simulator
    panel.issuer_mode.setCurrentIndex([f for _l, f in ISSUER_MODES].index("decline"))
    declined = buyer.pay_zeropay(buyer.deal())
    assert declined.status is PaymentStatus.FAILED and declined.failure_code is PaymentFailure.DECLINED
    qtbot.waitUntil(lambda: panel.issuer_mode.currentIndex() == 0, timeout=3000)
    assert services.cards.faults.armed is None and services.zeropay.faults.armed is None
    assert buyer.pay_zeropay(buyer.deal()).status is PaymentStatus.SUCCEEDED


def test_company08_of_the_demo_pays_its_payment_request_by_zeropay(qtbot, qapp, tmp_path, _windows_closed_last):
    """The README's walk-through: `company08` (제로페이, password 482913) pays the 결제요청 it has in the
    demo from 결제하기; the deal is paid and 서비스 결제관리 lists the payment."""
    from kvoucher_desktop.enums import PaymentTab
    from kvoucher_desktop.services.clock import FixedClock
    from kvoucher_desktop.services.demo import DEMO_PASSWORD, seed_demo
    from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
    from kvoucher_desktop.services.registry import build_services
    from kvoucher_desktop.settings import sqlite_url
    from kvoucher_desktop.views.main_window import MainWindow
    from kvoucher_desktop.views.style import apply_style

    end = datetime(2026, 5, 20, 10, 0, tzinfo=KST)
    url = sqlite_url(tmp_path / "demo.sqlite3")
    seed_demo(url, hash_params=FAST_FOR_TESTS, end=end)
    services = build_services(url, FixedClock(end), hash_params=FAST_FOR_TESTS)
    try:
        apply_style(qapp)
        window = MainWindow(services, "SQLite: demo")
        _windows_closed_last.append(window)
        window.resize(1280, 820)
        window.show()
        settle(qtbot)
        fintech = services.accounts.login("company08", DEMO_PASSWORD)
        window.set_actor(fintech)
        settle(qtbot)
        page = window.open_page("deal_inbox")
        settle(qtbot)
        page.set_tab(DealTab.PAY)
        settle(qtbot)
        model = page.models[DealTab.PAY]
        (deal,) = model.rows()  # its one 결제요청 in the demo
        assert model.set_checked(deal.id, True)
        page.pay_button.click()
        settle(qtbot)
        dialog = page.pay_dialog
        assert dialog.zeropay.isVisible() and not dialog.card.isVisible()
        type_text(dialog.zeropay.password, "482913")
        press_enter(qtbot, dialog.zeropay.password)
        qtbot.waitUntil(lambda: dialog.step == DONE, timeout=5000)
        (result,) = dialog.results.model.rows()
        assert result.status is P.SUCCEEDED and re.fullmatch(r"\d{8}", result.approval_no)
        assert services.deals.get(fintech, deal.id).state is DealState.PAID
        succeeded = services.payments.list_tab(fintech, PaymentTab.SUCCEEDED).rows
        assert result.approval_no in {r.approval_no for r in succeeded}
        dialog.close()
        settle(qtbot)
    finally:
        settle(qtbot)
        services.dispose()


def test_the_payment_window_stays_open_while_a_call_is_out(qtbot, desk, sqlite_services, clock, monkeypatch):
    """Closing the window while the issuer is being asked would leave the answer to nobody: it is
    refused with a message, and once the answer is in the window closes as usual."""
    import threading

    shop = Shop(sqlite_services, clock, ZEROPAY)
    deal = shop.deal(900_000, "화상회의 솔루션 베이직")
    _window, _page, dialog = open_pay_tab(qtbot, desk, shop, [deal])
    release = threading.Event()
    original = sqlite_services.payments.start

    def held(*args, **kwargs):
        release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(sqlite_services.payments, "start", held)
    type_text(dialog.zeropay.password, "583920")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.busy.busy, timeout=3000)
    dialog.reject()
    assert dialog.isVisible() and "처리하는 중" in dialog.error.text()
    release.set()
    qtbot.waitUntil(lambda: dialog.step == DONE, timeout=5000)
    assert shop.state(deal) is DealState.PAID
    dialog.reject()
    assert not dialog.isVisible()
