"""Payments (SPEC §5.4) through the services, on SQLite and PostgreSQL: every path of the card
and ZeroPay issuers, batches against the budget, exactly-once keys, recovery after a lost answer,
and cancellation by each role at the KST day boundary."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from kvoucher_desktop.enums import DealState, PaymentFailure, PaymentMethod, PaymentStatus, PaymentTab
from kvoucher_desktop.models import Payment
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.changes import Entity
from kvoucher_desktop.services.errors import (Conflict, InvalidTransition, NotFound, PermissionDenied, Unavailable,
                                             ValidationError)
from kvoucher_desktop.services.gateways.issuer_store import CardRecord
from kvoucher_desktop.services.rules import payments as rules
from kvoucher_desktop.services.sessions import ungated
from kvoucher_desktop.services.rules.limits import CANCEL_REASON_LIMIT

from tests.factories import (approved_buyer, audit_actions, make_agency, make_operator, make_service,
                             make_supplier_account)

pytestmark = pytest.mark.over_http

CARD, ZEROPAY = PaymentMethod.SHINHAN_CARD, PaymentMethod.ZEROPAY
P = PaymentStatus
ZEROPAY_PASSWORD = "583920"  # tests.factories.approved_buyer


def key() -> str:
    return uuid.uuid4().hex


class Desk:
    """A buyer with its voucher (card issued for card buyers), a supplier, and deals to pay."""

    def __init__(self, services, clock, method=CARD):
        self.services, self.clock = services, clock
        clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=KST))
        self.buyer, self.company_id = approved_buyer(services, method)
        self.supplier = make_supplier_account(services)
        self.card = None
        if method is CARD:
            clock.advance(days=1)  # 카드 발급 신청: from the KST day after the choice
            self.card = services.vouchers.request_card(self.buyer).value

    def deal(self, amount: int = 1_100_000, price: int | None = None):
        service = make_service(self.services, self.supplier, price=price or max(amount, 1_100_000))
        deal = self.services.deals.request(self.buyer, service.id, "결제 테스트용 거래상담입니다.").value
        self.services.deals.accept(self.supplier, deal.id)
        self.services.deals.request_payment(self.supplier, deal.id, amount)
        return deal

    def budget(self):
        return self.services.vouchers.get(self.buyer).budget

    def code(self) -> str:
        with self.services.companies.uow() as uow:
            from kvoucher_desktop.models import Company
            phone = uow.session.get(Company, self.company_id).payment_manager_phone
        return re.search(r"\b(\d{6})\b", self.services.sms.last_to(phone).text).group(1)

    def start(self, *deals):
        return self.services.payments.start(self.buyer, [(d.id, key()) for d in deals], batch_key=key()).value

    def pay_card(self, deal):
        (p,) = self.start(deal)
        sent = self.services.payments.send_card(self.buyer, p.id, self.card.number, self.card.expiry).value
        assert sent.status is P.IN_PROGRESS and sent.code_expires_at is not None
        return self.services.payments.confirm_code(self.buyer, p.id, self.code()).value

    def pay_zeropay(self, deal, password=ZEROPAY_PASSWORD):
        (p,) = self.start(deal)
        return self.services.payments.pay_zeropay(self.buyer, p.id, password).value


def assert_ledger(services, desk: Desk) -> None:
    """SPEC §5.2: remaining = budget − Σ SUCCEEDED − Σ IN_PROGRESS ≥ 0."""
    budget = desk.budget()
    with services.payments.uow() as uow:
        sums = dict(uow.session.execute(select(Payment.status, func.sum(Payment.amount))
                                        .where(Payment.company_id == desk.company_id)
                                        .group_by(Payment.status)).all())
    spent, held = sums.get(P.SUCCEEDED, 0) or 0, sums.get(P.IN_PROGRESS, 0) or 0
    assert budget.remaining == budget.total - spent - held >= 0


def deal_state(services, desk, deal) -> DealState:
    return services.deals.get(desk.buyer, deal.id).state


# --- card ------------------------------------------------------------------------------------------
def test_card_payment_with_the_sms_code(services, clock):
    desk = Desk(services, clock)
    deal = desk.deal(1_100_000)
    before = desk.budget()
    (p,) = desk.start(deal)
    assert p.status is P.IN_PROGRESS and p.card_masked == desk.card.masked
    assert desk.budget().remaining == before.remaining - 1_100_000  # held while in progress
    paid = desk.services.payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry)
    assert paid.value.tries_left == 5 and paid.value.phone_masked
    done = services.payments.confirm_code(desk.buyer, p.id, desk.code())
    view = done.value
    assert view.status is P.SUCCEEDED and re.fullmatch(r"\d{8}", view.approval_no)
    assert view.government_share == 1_100_000 * before.government_pct // 100
    assert view.government_share + view.self_share == 1_100_000
    assert done.changes.ids(Entity.PAYMENT) == {p.id} and done.changes.ids(Entity.DEAL) == {deal.id}
    assert deal_state(services, desk, deal) is DealState.PAID
    assert desk.budget().spent == before.spent + 1_100_000
    assert_ledger(services, desk)


@pytest.mark.parametrize("case, reason", [
    ("luhn", PaymentFailure.WRONG_NUMBER),
    ("unknown", PaymentFailure.WRONG_NUMBER),
    ("other_company", PaymentFailure.NOT_THIS_COMPANY),
    ("wrong_expiry", PaymentFailure.EXPIRED_CARD),
    ("expired", PaymentFailure.EXPIRED_CARD),
])
def test_card_refusals_are_failed_payments_and_give_the_budget_back(services, clock, case, reason):
    desk = Desk(services, clock)
    deal = desk.deal()
    before = desk.budget().remaining
    number, expiry = desk.card.number, desk.card.expiry
    if case == "luhn":
        number = number[:-1] + str((int(number[-1]) + 1) % 10)
    elif case == "unknown":
        from kvoucher_desktop.services.gateways.card import new_card_number
        import random
        number = new_card_number(random.Random(99))
    elif case == "other_company":
        other = Desk(services, clock)
        clock.advance(days=0)
        number, expiry = other.card.number, other.card.expiry
    elif case == "wrong_expiry":
        month, year = expiry.split("/")
        expiry = f"{month}/{int(year) + 1:02d}"
    else:  # the card's own expiry passed (it ran to February): the issuer's record says so
        with services.issuer_store.transaction() as s:
            s.execute(update(CardRecord).where(CardRecord.number == number).values(expiry_month=2, expiry_year=2026))
        expiry = "02/26"
    (p,) = desk.start(deal)
    view = services.payments.send_card(desk.buyer, p.id, number, expiry).value
    assert view.status is P.FAILED and view.failure_code is reason and view.failure_reason
    assert desk.budget().remaining == before and deal_state(services, desk, deal) is DealState.PAYMENT_REQUESTED
    assert_ledger(services, desk)
    if case in ("luhn", "wrong_expiry"):  # a new attempt with the right card pays the deal
        assert desk.pay_card(deal).status is P.SUCCEEDED


def test_malformed_card_input_is_refused_before_anything_is_asked(services, clock):
    desk = Desk(services, clock)
    (p,) = desk.start(desk.deal())
    for number, expiry, field in (("1234", desk.card.expiry, "card_number"), ("abcd" * 4, desk.card.expiry, "card_number"),
                                  (desk.card.number, "13/30", "expiry"), (desk.card.number + "\x00", "01/30", "card_number"),
                                  ("9" * 200, desk.card.expiry, "card_number")):
        with pytest.raises(ValidationError) as err:
            services.payments.send_card(desk.buyer, p.id, number, expiry)
        assert err.value.field == field and err.value.message
    assert services.payments.get(desk.buyer, p.id).status is P.IN_PROGRESS


def test_full_width_digits_and_hyphens_are_a_card_number(services, clock):
    desk = Desk(services, clock)
    (p,) = desk.start(desk.deal())
    n = desk.card.number
    typed = "-".join(n[i:i + 4] for i in range(0, 16, 4)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert services.payments.send_card(desk.buyer, p.id, typed, desk.card.expiry).value.code_expires_at
    assert services.payments.confirm_code(desk.buyer, p.id, desk.code()).value.status is P.SUCCEEDED


def test_four_wrong_codes_then_the_right_one_pays_five_wrong_fail(services, clock):
    desk = Desk(services, clock)
    first, second = desk.deal(), desk.deal()
    p1, p2 = desk.start(first, second)
    services.payments.send_card(desk.buyer, p1.id, desk.card.number, desk.card.expiry)
    right = desk.code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        view = services.payments.confirm_code(desk.buyer, p1.id, wrong).value
        assert view.status is P.IN_PROGRESS and view.tries_left == left and str(left) in view.message
    assert services.payments.confirm_code(desk.buyer, p1.id, right).value.status is P.SUCCEEDED
    services.payments.send_card(desk.buyer, p2.id, desk.card.number, desk.card.expiry)
    wrong = f"{(int(desk.code()) + 1) % 1_000_000:06d}"
    for _ in range(4):
        services.payments.confirm_code(desk.buyer, p2.id, wrong)
    view = services.payments.confirm_code(desk.buyer, p2.id, wrong).value
    assert view.status is P.FAILED and view.failure_code is PaymentFailure.WRONG_CODE_LIMIT
    assert deal_state(services, desk, second) is DealState.PAYMENT_REQUESTED
    assert_ledger(services, desk)


def test_the_code_is_valid_for_three_minutes(services, clock):
    desk = Desk(services, clock)
    p1, p2 = desk.start(desk.deal(), desk.deal())
    services.payments.send_card(desk.buyer, p1.id, desk.card.number, desk.card.expiry)
    clock.advance(minutes=2, seconds=59)
    assert services.payments.confirm_code(desk.buyer, p1.id, desk.code()).value.status is P.SUCCEEDED
    services.payments.send_card(desk.buyer, p2.id, desk.card.number, desk.card.expiry)
    code = desk.code()
    clock.advance(minutes=3)
    view = services.payments.confirm_code(desk.buyer, p2.id, code).value
    assert view.status is P.FAILED and view.failure_code is PaymentFailure.CODE_EXPIRED


# --- lost answers and recovery -----------------------------------------------------------------------
def test_an_approval_whose_answer_was_lost_is_found_at_once(services, clock):
    desk = Desk(services, clock)
    deal = desk.deal()
    (p,) = desk.start(deal)
    services.payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry)
    services.cards.faults.timeout_after()
    view = services.payments.confirm_code(desk.buyer, p.id, desk.code()).value
    assert view.status is P.SUCCEEDED and view.approval_no == services.cards.outcome(p.attempt_key).approval_no
    assert deal_state(services, desk, deal) is DealState.PAID


def test_a_time_out_before_the_issuer_heard_of_it_decides_nothing_and_the_same_call_pays_once(services, clock):
    """No answer and no record at the issuer: the request may still arrive, so the attempt is not
    failed (a late approval would be a charge the platform lost). It stays IN_PROGRESS with its
    budget held, the desk is told to press again, and the same call with the same key pays once."""
    desk = Desk(services, clock)
    deal = desk.deal()
    (p,) = desk.start(deal)
    services.cards.faults.timeout_before()
    with pytest.raises(Unavailable) as refused:
        services.payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry)
    assert refused.value.code == "issuer_no_answer" and "두 번 결제되지 않습니다" in refused.value.message
    assert services.payments.get(desk.buyer, p.id).status is P.IN_PROGRESS
    assert_ledger(services, desk)
    sent = services.payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry).value
    assert sent.code_expires_at is not None
    view = services.payments.confirm_code(desk.buyer, p.id, desk.code()).value
    assert view.status is P.SUCCEEDED and services.cards.outcome(p.attempt_key).approval_no == view.approval_no
    assert deal_state(services, desk, deal) is DealState.PAID
    assert_ledger(services, desk)


def test_a_zeropay_time_out_without_a_record_keeps_the_attempt_for_the_reconciler(services, clock):
    """The buyer closes the window after a time-out: the attempt is not failed at once (its request
    may still arrive) but holds its budget until the reconciler, after the reservation's time, finds
    the issuer still never heard of it and fails it as a time-out."""
    desk = Desk(services, clock, ZEROPAY)
    (p,) = desk.start(desk.deal())
    services.zeropay.faults.timeout_before()
    with pytest.raises(Unavailable):
        services.payments.pay_zeropay(desk.buyer, p.id, ZEROPAY_PASSWORD)
    (closed,) = services.payments.abandon(desk.buyer, [p.id]).value
    assert closed.status is P.IN_PROGRESS
    assert desk.budget().in_progress == p.amount  # still held
    clock.advance(seconds=rules.RECONCILE_AFTER.total_seconds())
    assert services.payments.reconcile().value == 0  # within the reservation: the request may come
    assert services.payments.get(desk.buyer, p.id).status is P.IN_PROGRESS
    clock.advance(seconds=rules.RESERVATION_TTL.total_seconds())
    assert services.payments.reconcile().value == 1
    failed = services.payments.get(desk.buyer, p.id)
    assert failed.status is P.FAILED and failed.failure_code is PaymentFailure.TIMEOUT
    assert "응답이 없어" in failed.failure_reason
    assert_ledger(services, desk)


def test_no_issuer_call_after_the_reservation_and_the_reconciler_then_fails_it_uncharged(services, clock):
    """A retry at the reservation's end would race the reconciler (the issuer could approve what the
    platform fails): from then on the attempt takes no issuer call, the reconciler settles it, nothing
    was charged, and paying the deal again charges once."""
    desk = Desk(services, clock, ZEROPAY)
    deal = desk.deal()
    (p,) = desk.start(deal)
    clock.advance(minutes=9)
    services.zeropay.faults.timeout_before()
    with pytest.raises(Unavailable):
        services.payments.pay_zeropay(desk.buyer, p.id, ZEROPAY_PASSWORD)
    clock.advance(seconds=90)  # past the reservation
    with pytest.raises(InvalidTransition) as refused:
        services.payments.pay_zeropay(desk.buyer, p.id, ZEROPAY_PASSWORD)
    assert refused.value.code == "reservation_over"
    assert services.zeropay.outcome(p.attempt_key).status.value == "UNKNOWN"  # no call went out
    assert services.payments.reconcile().value == 1
    assert services.payments.get(desk.buyer, p.id).status is P.FAILED
    (again,) = desk.start(deal)
    assert services.payments.pay_zeropay(desk.buyer, again.id, ZEROPAY_PASSWORD).value.status is P.SUCCEEDED
    assert_ledger(services, desk)


def test_the_reconciler_leaves_an_attempt_whose_call_is_on_its_way(services, clock, monkeypatch):
    """The desk's call is out when the reservation ends and the reconciler runs: the reconciler sees
    the attempt was taken up within the minute and leaves it; the issuer's approval then records it."""
    desk = Desk(services, clock, ZEROPAY)
    (p,) = desk.start(desk.deal())
    clock.advance(minutes=9, seconds=50)
    real_pay, seen = services.zeropay.pay, []

    def slow_pay(*args, **kwargs):
        clock.advance(seconds=20)  # the reservation ends while the request travels
        seen.append(services.payments.reconcile().value)
        return real_pay(*args, **kwargs)

    monkeypatch.setattr(services.zeropay, "pay", slow_pay)
    view = services.payments.pay_zeropay(desk.buyer, p.id, ZEROPAY_PASSWORD).value
    assert seen == [0] and view.status is P.SUCCEEDED
    assert services.zeropay.outcome(p.attempt_key).approval_no == view.approval_no
    assert_ledger(services, desk)


def test_the_reconciler_checks_again_under_the_lock_before_failing_an_attempt(services, clock, monkeypatch):
    """Between the reconciler's list and its decision another desk (its clock behind) takes the
    attempt up and commits that: the reconciler leaves it to that desk's call."""
    desk = Desk(services, clock, ZEROPAY)
    (p,) = desk.start(desk.deal())
    clock.advance(seconds=rules.RESERVATION_TTL.total_seconds() + 90)  # reserved, untouched, never sent
    real_outcome = services.zeropay.outcome

    def outcome_while_a_desk_claims(key_):
        with services.payments.uow() as uow:  # what `_claim` commits before its issuer call
            uow.session.execute(update(Payment).where(Payment.id == p.id).values(updated_at=clock.now()))
            uow.commit()
        return real_outcome(key_)

    monkeypatch.setattr(services.zeropay, "outcome", outcome_while_a_desk_claims)
    assert services.payments.reconcile().value == 0
    assert services.payments.get(desk.buyer, p.id).status is P.IN_PROGRESS
    assert_ledger(services, desk)


def test_a_late_approval_of_a_failed_attempt_is_voided_at_the_issuer(services, clock):
    """Should the issuer approve an attempt the platform already failed, the platform does not keep
    a charge it does not hold: it cancels it at the issuer (망취소) and audits it; the payment stays
    FAILED and the budget untouched."""
    from kvoucher_desktop.services.gateways.issuers import AttemptStatus

    desk = Desk(services, clock, ZEROPAY)
    (p,) = desk.start(desk.deal())
    services.payments.abandon(desk.buyer, [p.id])  # FAILED: never sent
    approval = services.zeropay.pay(p.attempt_key, str(desk.company_id), ZEROPAY_PASSWORD, p.amount,
                                    str(p.supplier_id))  # the issuer's side only: a request arriving late
    view = ungated(services.payments)._answer(None, p.id, approval).value
    assert view.status is P.FAILED
    assert services.zeropay.outcome(p.attempt_key).status is AttemptStatus.CANCELLED
    assert "payment.void_late_approval" in audit_actions(services, p.id)
    assert desk.budget().spent == 0
    assert_ledger(services, desk)


def test_closing_the_window_on_an_attempt_never_sent_fails_it_at_once(services, clock):
    """Without an unanswered call the issuer's silence means the buyer never paid: closing the
    window fails the attempt and gives its budget back at once."""
    desk = Desk(services, clock, ZEROPAY)
    (p,) = desk.start(desk.deal())
    (closed,) = services.payments.abandon(desk.buyer, [p.id]).value
    assert closed.status is P.FAILED and closed.failure_code is PaymentFailure.NOT_COMPLETED
    assert desk.budget().in_progress == 0 and desk.budget().remaining == desk.budget().total


def test_a_deal_in_payment_does_not_lapse_at_its_deadline_meanwhile(services, clock):
    """The buyer starts paying a minute before the deal's deadline and enters the code after it: the
    deal is held for the reservation, the sweep leaves it, and the approval pays it (never a paid deal
    the inbox showed as 기한 만료, its service free for a second deal meanwhile)."""
    desk = Desk(services, clock)
    deal = desk.deal()
    clock.advance(days=1)
    far = desk.deal()  # its deadline a day later
    deadline = services.deals.get(desk.buyer, deal.id).deadline_at
    far_deadline = services.deals.get(desk.buyer, far.id).deadline_at
    assert far_deadline > deadline + rules.RESERVATION_TTL
    clock.set(deadline - timedelta(minutes=1))
    (p, q) = desk.start(deal, far)
    services.payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry)
    clock.advance(minutes=2)  # past the old deadline
    assert deal_state(services, desk, deal) is DealState.PAYMENT_REQUESTED
    assert services.deals.sweep().value == 0
    assert services.deals.get(desk.buyer, deal.id).deadline_at == deadline - timedelta(minutes=1) + rules.RESERVATION_TTL
    view = services.payments.confirm_code(desk.buyer, p.id, desk.code()).value
    assert view.status is P.SUCCEEDED and deal_state(services, desk, deal) is DealState.PAID
    with services.payments.uow() as uow:
        from kvoucher_desktop.models import AuditRecord
        held = uow.session.scalars(select(AuditRecord.entity_id)
                                   .where(AuditRecord.action == "deal.hold_for_payment")).all()
    assert held == [str(deal.id)]
    assert services.deals.get(desk.buyer, far.id).deadline_at == far_deadline  # far from it: unchanged
    assert_ledger(services, desk)


def test_a_deal_is_held_once_and_then_takes_no_attempt_that_could_outlive_it(services, clock):
    """Start, close, start again near the deadline: the hold does not move again (no deadline
    kept open forever), a new attempt that could end after the held deadline is refused, and the
    deal lapses at the held deadline."""
    desk = Desk(services, clock)
    deal = desk.deal()
    deadline = services.deals.get(desk.buyer, deal.id).deadline_at
    clock.set(deadline - timedelta(minutes=1))
    (p,) = desk.start(deal)
    held = services.deals.get(desk.buyer, deal.id).deadline_at
    assert held == deadline - timedelta(minutes=1) + rules.RESERVATION_TTL
    services.payments.abandon(desk.buyer, [p.id])
    clock.advance(minutes=4)
    with pytest.raises(InvalidTransition) as refused:
        desk.start(deal)
    assert refused.value.code == "not_payable" and "결제 기한이 곧 지나" in refused.value.message
    assert services.deals.get(desk.buyer, deal.id).deadline_at == held
    clock.set(held)
    assert deal_state(services, desk, deal) is DealState.EXPIRED
    assert_ledger(services, desk)


def test_a_crash_between_the_approval_and_the_local_commit_is_reconciled(services, clock):
    """The issuer approved, the desk died before recording it: the attempt stays IN_PROGRESS (its
    budget held) until the reconciler asks the issuer, then it is SUCCEEDED — charged once."""
    desk = Desk(services, clock)
    deal = desk.deal()
    (p,) = desk.start(deal)
    services.payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry)
    approval = services.cards.confirm(p.attempt_key, desk.code())  # the issuer's side only
    assert services.payments.get(desk.buyer, p.id).status is P.IN_PROGRESS
    assert services.payments.reconcile().value == 0  # a desk may still be at it: left alone a minute
    clock.advance(seconds=rules.RECONCILE_AFTER.total_seconds())
    done = services.payments.reconcile()
    assert done.value == 1 and done.changes.ids(Entity.PAYMENT) == {p.id}
    view = services.payments.get(desk.buyer, p.id)
    assert view.status is P.SUCCEEDED and view.approval_no == approval.approval_no
    assert deal_state(services, desk, deal) is DealState.PAID
    assert services.payments.reconcile().value == 0  # once
    assert_ledger(services, desk)


def test_an_attempt_the_issuer_never_heard_of_lapses_after_the_reservation_time(services, clock):
    desk = Desk(services, clock)
    (p,) = desk.start(desk.deal())
    clock.advance(seconds=rules.RESERVATION_TTL.total_seconds() - 1)
    assert services.payments.reconcile().value == 0
    clock.advance(seconds=1)
    assert services.payments.reconcile().value == 1
    view = services.payments.get(desk.buyer, p.id)
    assert view.status is P.FAILED and view.failure_code is PaymentFailure.NOT_COMPLETED
    assert_ledger(services, desk)


def test_closing_the_window_gives_unsent_attempts_back_and_keeps_a_running_code(services, clock):
    desk = Desk(services, clock)
    p1, p2 = desk.start(desk.deal(), desk.deal())
    services.payments.send_card(desk.buyer, p2.id, desk.card.number, desk.card.expiry)
    views = {v.id: v for v in services.payments.abandon(desk.buyer, [p1.id, p2.id]).value}
    assert views[p1.id].status is P.FAILED and views[p1.id].failure_code is PaymentFailure.NOT_COMPLETED
    assert views[p2.id].status is P.IN_PROGRESS  # its code still runs: the issuer decides
    clock.advance(minutes=3)
    assert services.payments.reconcile().value == 1
    assert services.payments.get(desk.buyer, p2.id).failure_code is PaymentFailure.CODE_EXPIRED
    assert_ledger(services, desk)


# --- exactly once ------------------------------------------------------------------------------------
def test_a_retried_key_answers_the_first_attempt_and_a_reused_key_is_refused(services, clock):
    desk = Desk(services, clock)
    deal, other = desk.deal(), desk.deal()
    k = key()
    (first,) = services.payments.start(desk.buyer, [(deal.id, k)]).value
    (again,) = services.payments.start(desk.buyer, [(deal.id, k)]).value  # a double click, a re-submission
    assert again.id == first.id
    with services.payments.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Payment).where(Payment.deal_id == deal.id)) == 1
    with pytest.raises(Conflict) as err:
        services.payments.start(desk.buyer, [(other.id, k)])
    assert err.value.code == "idempotency_conflict"
    services.payments.send_card(desk.buyer, first.id, desk.card.number, desk.card.expiry)
    code = desk.code()
    one = services.payments.confirm_code(desk.buyer, first.id, code).value
    two = services.payments.confirm_code(desk.buyer, first.id, code).value
    assert one.approval_no == two.approval_no and two.status is P.SUCCEEDED
    (third,) = services.payments.start(desk.buyer, [(deal.id, k)]).value
    assert third.id == first.id and third.status is P.SUCCEEDED  # the first outcome, not a new charge
    assert_ledger(services, desk)


def test_two_desks_cannot_both_pay_one_deal(services, clock):
    desk = Desk(services, clock)
    deal = desk.deal()
    desk.start(deal)
    with pytest.raises(InvalidTransition, match="이미 결제 중"):
        desk.start(deal)
    assert_ledger(services, desk)


def test_a_deal_can_be_paid_only_through_an_issuer(services, clock):
    from kvoucher_desktop.enums import DealAction

    desk = Desk(services, clock)
    deal = desk.deal()
    with pytest.raises(ValidationError):
        services.deals.act(desk.buyer, deal.id, DealAction.PAY)
    assert deal_state(services, desk, deal) is DealState.PAYMENT_REQUESTED


# --- batches against the budget -------------------------------------------------------------------
def test_a_batch_over_the_budget_by_one_won_charges_nothing(services, clock):
    desk = Desk(services, clock)
    total = desk.budget().remaining
    a, b = desk.deal(total // 2, price=total), desk.deal(total - total // 2 + 1, price=total)
    quote = services.payments.quote(desk.buyer, [a.id, b.id])
    assert quote.total == total + 1 and quote.remaining_after == -1 and "예산" in quote.refusal
    with pytest.raises(InvalidTransition) as err:
        desk.start(a, b)
    assert err.value.code == "budget_exceeded"
    with services.payments.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Payment)
                                  .where(Payment.company_id == desk.company_id)) == 0
    assert desk.budget().remaining == total


def test_a_batch_of_exactly_the_budget_pays_every_deal_with_its_own_approval(services, clock):
    desk = Desk(services, clock)
    total = desk.budget().remaining
    deals = [desk.deal(total // 3, price=total), desk.deal(total // 3, price=total),
             desk.deal(total - 2 * (total // 3), price=total)]
    quote = services.payments.quote(desk.buyer, [d.id for d in deals])
    assert quote.refusal is None and quote.remaining_after == 0
    assert quote.government_total + quote.self_total == total
    payments = desk.start(*deals)
    approvals = set()
    for p in payments:
        services.payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry)
        approvals.add(services.payments.confirm_code(desk.buyer, p.id, desk.code()).value.approval_no)
    assert len(approvals) == 3 and desk.budget().remaining == 0
    assert all(deal_state(services, desk, d) is DealState.PAID for d in deals)
    assert_ledger(services, desk)


def test_a_decline_in_a_batch_leaves_the_others(services, clock):
    desk = Desk(services, clock, ZEROPAY)
    a, b = desk.deal(), desk.deal()
    p1, p2 = desk.start(a, b)
    services.zeropay.faults.decline()
    assert services.payments.pay_zeropay(desk.buyer, p1.id, ZEROPAY_PASSWORD).value.failure_code is PaymentFailure.DECLINED
    assert services.payments.pay_zeropay(desk.buyer, p2.id, ZEROPAY_PASSWORD).value.status is P.SUCCEEDED
    assert deal_state(services, desk, a) is DealState.PAYMENT_REQUESTED and deal_state(services, desk, b) is DealState.PAID
    assert_ledger(services, desk)


# --- ZeroPay ------------------------------------------------------------------------------------------
def test_zeropay_payment_and_a_wrong_password(services, clock):
    desk = Desk(services, clock, ZEROPAY)
    a, b = desk.deal(), desk.deal()
    view = desk.pay_zeropay(a, "111222")
    assert view.status is P.FAILED and view.failure_code is PaymentFailure.WRONG_PASSWORD
    view = desk.pay_zeropay(a)
    assert view.status is P.SUCCEEDED and view.card_masked is None and view.method_label == "제로페이"
    assert desk.pay_zeropay(b).status is P.SUCCEEDED
    assert_ledger(services, desk)


def test_five_wrong_zeropay_passwords_lock_it_for_thirty_minutes(services, clock):
    desk = Desk(services, clock, ZEROPAY)
    deal = desk.deal()
    for _ in range(4):
        assert desk.pay_zeropay(deal, "111222").failure_code is PaymentFailure.WRONG_PASSWORD
    assert desk.pay_zeropay(deal, "111222").failure_code is PaymentFailure.LOCKED
    assert desk.pay_zeropay(deal).failure_code is PaymentFailure.LOCKED  # even the right one
    clock.advance(minutes=29, seconds=59)
    assert desk.pay_zeropay(deal).failure_code is PaymentFailure.LOCKED
    clock.advance(seconds=1)
    assert desk.pay_zeropay(deal).status is P.SUCCEEDED
    assert_ledger(services, desk)


def test_the_platform_keeps_no_zeropay_password(services, clock):
    desk = Desk(services, clock, ZEROPAY)
    from kvoucher_desktop.models import Company
    assert not hasattr(Company, "zeropay_password_hash")
    assert services.zeropay.has_password(str(desk.company_id))
    assert services.vouchers.get(desk.buyer).zeropay_password_set


# --- cancellation -------------------------------------------------------------------------------------
def paid(desk, when: datetime):
    desk.clock.set(when)
    deal = desk.deal()
    return deal, desk.pay_card(deal)


def test_the_buyer_cancels_on_the_day_and_the_budget_comes_back(services, clock):
    desk = Desk(services, clock)
    deal, p = paid(desk, datetime(2026, 3, 5, 9, 0, tzinfo=KST))
    before = desk.budget().remaining
    clock.set(datetime(2026, 3, 5, 23, 59, 59, tzinfo=KST))
    k = key()
    done = services.payments.cancel(desk.buyer, p.id, k)
    assert done.value.status is P.CANCELLED and done.value.cancelled_at is not None
    assert desk.budget().remaining == before + p.amount
    assert deal_state(services, desk, deal) is DealState.CANCELLED
    assert services.payments.cancel(desk.buyer, p.id, k).value.status is P.CANCELLED  # a retry: same outcome
    with pytest.raises(InvalidTransition):
        services.payments.cancel(desk.buyer, p.id, key())
    # the slot is free again: a new deal for the same service
    assert services.deals.request(desk.buyer, deal.service_id, "다시 상담합니다.").value.state is DealState.CONSULT_REQUESTED
    assert_ledger(services, desk)


def test_after_the_day_only_the_supplier_or_the_agency_cancels_with_a_reason(services, clock):
    desk = Desk(services, clock)
    _deal, p = paid(desk, datetime(2026, 3, 5, 9, 0, tzinfo=KST))
    _deal2, p2 = paid(desk, datetime(2026, 3, 5, 9, 30, tzinfo=KST))
    clock.set(datetime(2026, 3, 6, 0, 0, tzinfo=KST))  # the next KST day
    with pytest.raises(InvalidTransition, match="2026-03-05"):
        services.payments.cancel(desk.buyer, p.id, key())
    with pytest.raises(PermissionDenied):
        services.payments.cancel(make_operator(services), p.id, key(), "사유")
    other_supplier = make_supplier_account(services)
    with pytest.raises(PermissionDenied):
        services.payments.cancel(other_supplier, p.id, key(), "사유")
    with pytest.raises(InvalidTransition) as err:
        services.payments.cancel(desk.supplier, p.id, key())
    assert err.value.field == "reason"
    with pytest.raises(ValidationError) as err:  # longer than its 취소전표 prints whole
        services.payments.cancel(desk.supplier, p.id, key(), "사" * (CANCEL_REASON_LIMIT + 1))
    assert err.value.field == "reason" and f"{CANCEL_REASON_LIMIT}" in err.value.message
    view = services.payments.cancel(desk.supplier, p.id, key(), "서비스 제공이 어려워 취소합니다.").value
    assert view.status is P.CANCELLED and view.cancel_reason == "서비스 제공이 어려워 취소합니다."
    assert services.payments.cancel(make_agency(services), p2.id, key(), "전문기관 직권 취소").value.status is P.CANCELLED
    assert_ledger(services, desk)


def test_a_cancellation_whose_answer_was_lost_is_finished_by_the_reconciler(services, clock):
    desk = Desk(services, clock)
    deal, p = paid(desk, datetime(2026, 3, 5, 9, 0, tzinfo=KST))
    services.cards.faults.timeout_after()
    view = services.payments.cancel(desk.buyer, p.id, key()).value
    assert view.status is P.SUCCEEDED and view.cancel_pending and view.message
    clock.advance(seconds=rules.RECONCILE_AFTER.total_seconds())
    assert services.payments.reconcile().value == 1
    assert services.payments.get(desk.buyer, p.id).status is P.CANCELLED
    assert deal_state(services, desk, deal) is DealState.CANCELLED
    assert_ledger(services, desk)


# --- lists -------------------------------------------------------------------------------------------
def test_payment_tabs_for_the_buyer_the_supplier_and_the_agency(services, clock):
    desk = Desk(services, clock)
    _d1, ok = paid(desk, datetime(2026, 3, 5, 9, 0, tzinfo=KST))
    _d2, gone = paid(desk, datetime(2026, 3, 5, 10, 0, tzinfo=KST))
    services.payments.cancel(desk.buyer, gone.id, key())
    clock.set(datetime(2026, 3, 6, 11, 0, tzinfo=KST))
    (bad,) = desk.start(desk.deal())
    services.payments.send_card(desk.buyer, bad.id, desk.card.number, "01/20")
    counts = services.payments.counts(desk.buyer)
    assert counts == {PaymentTab.ALL: 3, PaymentTab.SUCCEEDED: 1, PaymentTab.FAILED: 1, PaymentTab.CANCELLED: 1,
                      PaymentTab.BILLED: 2}
    assert services.payments.counts(desk.supplier) == counts
    assert services.payments.counts(make_agency(services))[PaymentTab.ALL] >= 3
    rows = services.payments.list_tab(desk.buyer, PaymentTab.ALL).rows
    assert [r.id for r in rows] == [bad.id, gone.id, ok.id]  # newest first
    for actor in (desk.buyer, desk.supplier, make_agency(services)):  # a list row is the payment as read alone
        listed = services.payments.list_tab(actor, PaymentTab.ALL).rows
        assert listed and all(r == services.payments.get(actor, r.id) for r in listed)
    assert rows[2].card_masked == desk.card.masked and rows[2].card_masked.startswith("****-****-****-")
    assert services.payments.list_tab(desk.buyer, PaymentTab.FAILED).rows[0].failure_reason
    day = datetime(2026, 3, 5, tzinfo=KST).date()
    assert services.payments.counts(desk.buyer, day, day)[PaymentTab.ALL] == 2  # the failed one was later
    with pytest.raises(PermissionDenied):
        services.payments.counts(make_operator(services))
    outsider, _ = approved_buyer(services)
    assert services.payments.counts(outsider)[PaymentTab.ALL] == 0
    with pytest.raises(PermissionDenied):
        services.payments.get(outsider, ok.id)
    with pytest.raises(NotFound):
        services.payments.send_card(outsider, bad.id, desk.card.number, desk.card.expiry)


def test_list_pages_by_keyset(services, clock):
    desk = Desk(services, clock, ZEROPAY)
    for _ in range(5):
        clock.advance(minutes=1)
        desk.pay_zeropay(desk.deal(100_000))
    seen, cursor = [], None
    while True:
        page = services.payments.list_tab(desk.buyer, PaymentTab.SUCCEEDED, cursor=cursor, limit=2)
        seen += [r.id for r in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5


# --- the card ----------------------------------------------------------------------------------------
def test_the_card_is_requested_from_the_next_day_and_only_its_last_digits_are_kept(services, clock):
    from kvoucher_desktop.models import Company

    clock.set(datetime(2026, 3, 2, 23, 59, tzinfo=KST))
    buyer, company_id = approved_buyer(services, CARD)
    with pytest.raises(InvalidTransition, match="2026-03-03"):
        services.vouchers.request_card(buyer)
    clock.set(datetime(2026, 3, 3, 0, 0, tzinfo=KST))
    card = services.vouchers.request_card(buyer).value
    assert len(card.number) == 16 and card.masked == f"****-****-****-{card.number[-4:]}"
    view = services.vouchers.get(buyer)
    assert view.card_masked == card.masked and view.card_expiry == card.expiry  # the expiry is the issuer's
    with services.vouchers.uow() as uow:
        c = uow.session.get(Company, company_id)
        values = [str(getattr(c, col.key)) for col in Company.__table__.columns]
        last4 = c.card_last4
    assert card.number not in " ".join(values) and last4 == card.last4
    with pytest.raises(InvalidTransition):
        services.vouchers.request_card(buyer)  # once


# --- two desks at once ----------------------------------------------------------------------------
@pytest.mark.postgres
def test_many_desks_racing_for_one_budget_never_overspend_it(pg_services, clock):
    """Eight desks of one company pay eight deals at the same moment; the budget fits three. The
    company's row lock makes the check and the reservation one step: exactly three are paid."""
    import threading

    services = pg_services
    desk = Desk(services, clock, ZEROPAY)
    total = desk.budget().remaining
    amount = total // 3 - 1  # three fit, a fourth does not
    deals = [desk.deal(amount, price=total) for _ in range(8)]
    barrier = threading.Barrier(len(deals))
    outcomes: list = []

    def desk_pays(deal):
        barrier.wait()
        try:
            (p,) = services.payments.start(desk.buyer, [(deal.id, key())]).value
            outcomes.append(services.payments.pay_zeropay(desk.buyer, p.id, ZEROPAY_PASSWORD).value.status)
        except InvalidTransition as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=desk_pays, args=(d,)) for d in deals]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(map(str, outcomes)) == sorted(map(str, [P.SUCCEEDED] * 3 + ["budget_exceeded"] * 5))
    budget = desk.budget()
    assert budget.remaining == total - 3 * amount >= 0 and budget.spent == 3 * amount
    assert_ledger(services, desk)
