"""The D+2 rule and the deal transition table, without a database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from kvoucher_desktop.enums import DealAction, DealState
from kvoucher_desktop.services.clock import KST, kst_date
from kvoucher_desktop.services.rules import deals as rules

D, A = DealState, DealAction


def kst(*args) -> datetime:
    return datetime(*args, tzinfo=KST)


@pytest.mark.parametrize("requested, deadline", [
    (kst(2021, 3, 1, 23, 50), kst(2021, 3, 4, 0, 0)),  # the manual's example
    (kst(2021, 3, 1, 0, 0), kst(2021, 3, 4, 0, 0)),  # the first second of D
    (kst(2021, 3, 1, 23, 59, 59), kst(2021, 3, 4, 0, 0)),  # the last second of D
    (kst(2026, 2, 27, 9, 0), kst(2026, 3, 2, 0, 0)),  # February of a common year (28 days)
    (kst(2024, 2, 28, 9, 0), kst(2024, 3, 2, 0, 0)),  # leap year: 29 Feb is a day
    (kst(2026, 1, 31, 18, 0), kst(2026, 2, 3, 0, 0)),  # month end
    (kst(2026, 12, 30, 23, 59), kst(2027, 1, 2, 0, 0)),  # year end
    (kst(2026, 12, 31, 0, 0), kst(2027, 1, 3, 0, 0)),
])
def test_deadline_is_midnight_kst_after_the_second_day(requested, deadline):
    assert rules.deadline(requested) == deadline


def test_utc_evening_is_already_the_next_kst_day():
    # 2021-03-01 15:30 UTC is 2021-03-02 00:30 KST: D is the 2nd, not the 1st
    requested = datetime(2021, 3, 1, 15, 30, tzinfo=timezone.utc)
    assert rules.deadline(requested) == kst(2021, 3, 5, 0, 0)


def test_the_boundary_second():
    due = rules.deadline(kst(2021, 3, 1, 23, 50))
    assert rules.effective_state(D.CONSULT_REQUESTED, due, kst(2021, 3, 3, 23, 59, 59)) is D.CONSULT_REQUESTED
    assert rules.effective_state(D.CONSULT_REQUESTED, due, kst(2021, 3, 4, 0, 0, 0)) is D.EXPIRED


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31),
                       timezones=st.just(timezone.utc))


@settings(max_examples=300, deadline=None)
@given(requested=moments, window=st.integers(min_value=1, max_value=7))
def test_deadline_properties(requested, window):
    due = rules.deadline(requested, window)
    local = due.astimezone(KST)
    # always a KST midnight, window+1 KST days after the request day
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    assert local.date() - kst_date(requested) == timedelta(days=window + 1)
    # open through the last second of D+window, lapsed from the first of D+window+1
    assert not rules.is_overdue(D.PAYMENT_REQUESTED, due, due - timedelta(seconds=1))
    assert rules.is_overdue(D.PAYMENT_REQUESTED, due, due)
    # never less than `window` full days, never more than window+1
    assert timedelta(days=window) < due - requested <= timedelta(days=window + 1)


@given(state=st.sampled_from(list(DealState)), minutes=st.integers(min_value=-10_000, max_value=10_000))
def test_only_awaiting_states_expire(state, minutes):
    due = kst(2026, 3, 5)
    now = due + timedelta(minutes=minutes)
    expected = D.EXPIRED if state in rules.AWAITING and minutes >= 0 else state
    assert rules.effective_state(state, due, now) is expected


def test_transition_table_matches_the_spec():
    assert rules.next_state(D.CONSULT_REQUESTED, A.ACCEPT) is D.ACCEPTED
    assert rules.next_state(D.ACCEPTED, A.REQUEST_PAYMENT) is D.PAYMENT_REQUESTED
    assert rules.next_state(D.PAYMENT_REQUESTED, A.TO_CART) is D.IN_CART
    assert rules.next_state(D.IN_CART, A.FROM_CART) is D.PAYMENT_REQUESTED
    assert rules.next_state(D.PAYMENT_REQUESTED, A.PAY) is D.PAID and rules.next_state(D.IN_CART, A.PAY) is D.PAID
    assert rules.next_state(D.PAID, A.CANCEL) is D.CANCELLED  # 결제취소 (SPEC §5.3, §5.4)
    for final in rules.FINAL:
        allowed = {A.CANCEL} if final is D.PAID else set()
        assert {action for action in DealAction if rules.next_state(final, action) is not None} == allowed
    # nobody may act on a closed deal, and the clock is nobody's action
    assert rules.ACTORS[A.EXPIRE] is None
    assert rules.next_state(D.ACCEPTED, A.EXPIRE) is None  # accepted deals wait for the supplier, no deadline


def test_every_action_of_the_table_has_a_step_row():
    """What an action does beside the move is data: each action of TRANSITIONS has its row in STEPS,
    and an action taken elsewhere than `DealService.act` says where: REQUEST (it makes the deal, no
    row), PAY and CANCEL (rows, taken by the payment service when an issuer answers)."""
    assert {action for _state, action in rules.TRANSITIONS} <= set(rules.STEPS)
    assert A.REQUEST in rules.ELSEWHERE and A.REQUEST not in rules.STEPS
    assert {A.PAY, A.CANCEL} <= set(rules.ELSEWHERE) & set(rules.STEPS)
    assert all(action in rules.STEPS or action in rules.ELSEWHERE for action in rules.ACTORS)


def test_step_rows_stamp_the_fields_of_their_action():
    at = kst(2026, 3, 2, 10, 0)
    step = rules.StepInput(at=at, memo="일정이 맞지 않습니다.", amount=900_000, window_days=2)
    assert rules.STEPS[A.ACCEPT].stamp(step) == {"accepted_at": at, "deadline_at": None}
    assert rules.STEPS[A.REJECT].stamp(step) == {"closed_at": at, "close_reason": step.memo, "deadline_at": None}
    assert rules.STEPS[A.REQUEST_PAYMENT].stamp(step) == {
        "payment_requested_at": at, "amount": 900_000, "deadline_at": rules.deadline(at, 2)}
    assert rules.STEPS[A.TO_CART].stamp(step) == {} and rules.STEPS[A.FROM_CART].stamp(step) == {}
    assert rules.STEPS[A.EXPIRE].stamp(step) == {"closed_at": at, "close_reason": step.memo, "deadline_at": None}
    assert rules.STEPS[A.PAY].stamp(step) == {"closed_at": at, "deadline_at": None}
    assert rules.STEPS[A.CANCEL].stamp(step) == {"closed_at": at, "close_reason": step.memo}
    # only 반려 needs a memo; 결제요청 and 결제 carry an amount; only 결제요청 restarts the deadline
    assert [a for a, s in rules.STEPS.items() if s.memo_required] == [A.REJECT]
    assert [a for a, s in rules.STEPS.items() if s.priced] == [A.REQUEST_PAYMENT, A.PAY]
    assert [a for a, s in rules.STEPS.items() if s.restarts_deadline] == [A.REQUEST_PAYMENT]
