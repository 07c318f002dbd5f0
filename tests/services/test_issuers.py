"""The simulated issuers (SPEC §5.4, §7): the card issuer (SMS code) and ZeroPay (password), each
with its own record in the issuers' store, injected faults, idempotency and recovery."""

from __future__ import annotations

import random
import re
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from kvoucher_desktop.enums import PaymentFailure
from kvoucher_desktop.models import Base
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.errors import ValidationError
from kvoucher_desktop.services.gateways.card import (
    BIN,
    EXPIRED_MESSAGE,
    EXPIRY_MISMATCH_MESSAGE,
    REVOKED_MESSAGE,
    SimulatedCardIssuer,
    new_card_number,
    valid_until,
)
from kvoucher_desktop.services.gateways.issuer_store import IssuerRecord, IssuerSchema
from kvoucher_desktop.services.gateways.issuers import (
    FAILURE_MESSAGES,
    Approval,
    AttemptStatus,
    Cancelled,
    CodeSent,
    Failure,
    IdempotencyConflict,
    IssuerStoreError,
    IssuerTimeout,
    UnknownApproval,
    UnknownAttempt,
    open_issuer_store,
)
from kvoucher_desktop.services.gateways.sms import SimulatedSms
from kvoucher_desktop.services.gateways.zeropay import SimulatedZeroPay
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS, Passwords
from kvoucher_desktop.services.rules.cards import luhn_check_digit, luhn_valid, normalize_card_number, normalize_expiry
from kvoucher_desktop.settings import sqlite_url

PHONE = "010-1234-5678"
OTHER_PHONE = "010-9876-5432"
COMPANY, OTHER = "company-a", "company-b"
MERCHANT = "가나다소프트"
PIN = "739146"
_CODE = re.compile(r"\[(\d{6})\]")
_FULL_WIDTH = {ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "issuers.sqlite3"


@pytest.fixture
def store(store_path):
    opened = open_issuer_store(sqlite_url(store_path))
    yield opened
    opened.dispose()


@pytest.fixture
def sms(clock) -> SimulatedSms:
    return SimulatedSms(clock)


@pytest.fixture
def cards(store, clock, sms) -> SimulatedCardIssuer:
    return SimulatedCardIssuer(store, clock, sms, seed=7)


@pytest.fixture
def zeropay(store, clock) -> SimulatedZeroPay:
    issuer = SimulatedZeroPay(store, clock, Passwords(FAST_FOR_TESTS), seed=11)
    issuer.set_password(COMPANY, PIN)
    return issuer


@pytest.fixture
def card(cards):
    return cards.issue_card(COMPANY, PHONE)


def key() -> str:
    return str(uuid.uuid4())


def last_code(sms: SimulatedSms, phone: str = PHONE) -> str:
    return _CODE.search(sms.last_to(phone).text).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def begin(cards, card, attempt_key, *, company=COMPANY, number=None, expiry=None, amount=55_000):
    return cards.begin_payment(attempt_key, company, card.number if number is None else number,
                               card.expiry if expiry is None else expiry, amount, MERCHANT)


# --- cards -----------------------------------------------------------------------------------------
def test_a_card_is_issued_luhn_valid_and_valid_for_five_years(cards, card, clock):
    assert re.fullmatch(r"9410[0-9]{12}", card.number) and luhn_valid(card.number)
    assert card.expiry == "03/31" and card.last4 == card.number[-4:]
    assert card.number not in repr(card)
    assert cards.card_of(COMPANY) == (card.last4, "03/31")
    assert cards.card_of(OTHER) is None
    assert valid_until(3, 2031) == datetime(2031, 4, 1, tzinfo=KST)


def test_a_new_card_revokes_the_old_one(cards, card, sms):
    new = cards.issue_card(COMPANY, OTHER_PHONE)
    assert new.number != card.number and cards.card_of(COMPANY).last4 == new.last4
    old = begin(cards, card, key())
    assert old == Failure(old.attempt_key, PaymentFailure.WRONG_NUMBER, REVOKED_MESSAGE)
    sent = begin(cards, new, key())
    assert isinstance(sent, CodeSent) and sent.phone_masked == "010-****-5432"


def test_card_payment_succeeds_with_the_code_sent_by_sms(cards, card, sms, clock):
    k = key()
    sent = begin(cards, card, k)
    assert sent == CodeSent(k, "010-****-5678", clock.now() + timedelta(minutes=3), 5)
    text = sms.last_to(PHONE).text
    assert text.startswith("[신한카드]") and "55,000원" in text and MERCHANT in text
    assert cards.outcome(k).status is AttemptStatus.PENDING
    assert cards.outcome(k).expires_at == sent.expires_at
    approval = cards.confirm(k, last_code(sms))
    assert isinstance(approval, Approval) and re.fullmatch(r"[1-9][0-9]{7}", approval.approval_no)
    assert (approval.amount, approval.approved_at) == (55_000, clock.now())
    state = cards.outcome(k)
    assert (state.status, state.approval_no, state.amount) == (AttemptStatus.APPROVED, approval.approval_no, 55_000)


def test_typed_numbers_are_normalised(cards, card, sms):
    full_width = card.number.translate(_FULL_WIDTH)
    grouped = "－".join(full_width[i:i + 4] for i in range(0, 16, 4))
    sent = begin(cards, card, key(), number=grouped, expiry=" " + card.expiry.replace("/", ""))
    assert isinstance(sent, CodeSent)
    assert isinstance(begin(cards, card, key(), number=" ".join([card.number[:8], card.number[8:]]),
                            expiry="０３／３１"), CodeSent)


def test_a_number_failing_luhn_is_a_wrong_number_and_sends_nothing(cards, card, sms):
    bad = card.number[:-1] + str((int(card.number[-1]) + 1) % 10)
    k = key()
    answer = begin(cards, card, k, number=bad)
    assert answer == Failure(k, PaymentFailure.WRONG_NUMBER, FAILURE_MESSAGES[PaymentFailure.WRONG_NUMBER])
    assert sms.outbox == []
    assert (cards.outcome(k).status, cards.outcome(k).reason) == (AttemptStatus.FAILED, PaymentFailure.WRONG_NUMBER)
    for typed in ("", "abcd", card.number[:15], card.number + "0", "٩٤١٠" + card.number[4:]):
        assert begin(cards, card, key(), number=typed).reason is PaymentFailure.WRONG_NUMBER


def test_a_luhn_valid_number_nobody_issued_is_a_wrong_number(cards, card):
    unknown = new_card_number(random.Random(12345))
    assert luhn_valid(unknown) and unknown != card.number
    assert begin(cards, card, key(), number=unknown).reason is PaymentFailure.WRONG_NUMBER


def test_an_expired_card_is_refused(cards, card, clock):
    end = valid_until(3, 2031)
    clock.set(end - timedelta(seconds=1))
    assert isinstance(begin(cards, card, key()), CodeSent)
    clock.set(end)
    k = key()
    assert begin(cards, card, k) == Failure(k, PaymentFailure.EXPIRED_CARD, EXPIRED_MESSAGE)


def test_a_wrong_expiry_typed_is_refused(cards, card):
    for typed in ("04/31", "03/30", "0331x", "13/31", ""):
        k = key()
        assert begin(cards, card, k, expiry=typed) == Failure(k, PaymentFailure.EXPIRED_CARD,
                                                               EXPIRY_MISMATCH_MESSAGE)


def test_another_companys_card_is_refused(cards, card, sms):
    cards.issue_card(OTHER, OTHER_PHONE)
    answer = begin(cards, card, key(), company=OTHER)
    assert answer.reason is PaymentFailure.NOT_THIS_COMPANY
    assert answer.message == FAILURE_MESSAGES[PaymentFailure.NOT_THIS_COMPANY]
    assert sms.outbox == []


def test_four_wrong_codes_then_the_right_one(cards, card, sms):
    k = key()
    begin(cards, card, k)
    code = last_code(sms)
    for left in (4, 3, 2, 1):
        answer = cards.confirm(k, wrong(code))
        assert isinstance(answer, CodeSent) and answer.tries_left == left
    assert isinstance(cards.confirm(k, code), Approval)


def test_five_wrong_codes_end_the_attempt(cards, card, sms):
    k = key()
    begin(cards, card, k)
    code = last_code(sms)
    for _ in range(4):
        cards.confirm(k, wrong(code))
    final = cards.confirm(k, "")
    assert final == Failure(k, PaymentFailure.WRONG_CODE_LIMIT, FAILURE_MESSAGES[PaymentFailure.WRONG_CODE_LIMIT])
    assert cards.confirm(k, code) == final
    assert cards.outcome(k).reason is PaymentFailure.WRONG_CODE_LIMIT


def test_the_code_is_valid_for_three_minutes(cards, card, sms, clock):
    k1, k2 = key(), key()
    begin(cards, card, k1)
    code1 = last_code(sms)
    begin(cards, card, k2)
    code2 = last_code(sms)
    clock.advance(minutes=2, seconds=59)
    assert isinstance(cards.confirm(k1, code1), Approval)
    clock.advance(seconds=1)
    expired = cards.confirm(k2, code2)
    assert expired == Failure(k2, PaymentFailure.CODE_EXPIRED, FAILURE_MESSAGES[PaymentFailure.CODE_EXPIRED])
    assert cards.outcome(k2).status is AttemptStatus.FAILED


def test_an_unconfirmed_attempt_lapses_by_the_clock(cards, card, clock):
    k = key()
    begin(cards, card, k)
    clock.advance(minutes=3)
    state = cards.outcome(k)
    assert (state.status, state.reason, state.expires_at) == (AttemptStatus.FAILED, PaymentFailure.CODE_EXPIRED, None)
    assert begin(cards, card, k).reason is PaymentFailure.CODE_EXPIRED
    assert cards.resend_code(k).reason is PaymentFailure.CODE_EXPIRED


def test_resend_restarts_the_three_minutes_and_keeps_the_tries(cards, card, sms, clock):
    k = key()
    begin(cards, card, k)
    first = last_code(sms)
    cards.confirm(k, wrong(first))
    clock.advance(minutes=2)
    again = cards.resend_code(k)
    assert again.tries_left == 4 and again.expires_at == clock.now() + timedelta(minutes=3)
    second = last_code(sms)
    assert len(sms.outbox) == 2
    clock.advance(minutes=2)  # 4 minutes after the first code
    if first != second:
        assert cards.confirm(k, first).tries_left == 3
    assert isinstance(cards.confirm(k, second), Approval)
    with pytest.raises(UnknownAttempt):
        cards.resend_code(key())
    with pytest.raises(UnknownAttempt):
        cards.confirm(key(), "123456")


def test_card_calls_are_idempotent(cards, card, sms):
    k = key()
    sent = begin(cards, card, k)
    assert begin(cards, card, k) == sent and len(sms.outbox) == 1
    approval = cards.confirm(k, last_code(sms))
    assert cards.confirm(k, "000000") == approval
    assert begin(cards, card, k) == approval
    failed = begin(cards, card, (k2 := key()), number="1234")
    assert begin(cards, card, k2, number="1234") == failed


def test_the_same_key_with_another_request_is_refused(cards, card):
    k = key()
    begin(cards, card, k)
    with pytest.raises(IdempotencyConflict):
        begin(cards, card, k, amount=55_001)
    with pytest.raises(IdempotencyConflict):
        begin(cards, card, k, company=OTHER)
    with pytest.raises(ValueError):
        begin(cards, card, key(), amount=0)


def test_a_timeout_before_leaves_nothing(cards, card, sms):
    k = key()
    cards.faults.timeout_before()
    with pytest.raises(IssuerTimeout):
        begin(cards, card, k)
    assert cards.outcome(k).status is AttemptStatus.UNKNOWN and sms.outbox == []
    assert isinstance(begin(cards, card, k), CodeSent)  # the retry with the same key goes through


def test_a_timeout_after_approval_is_found_by_outcome(cards, card, sms):
    k = key()
    begin(cards, card, k)
    cards.faults.timeout_after()
    with pytest.raises(IssuerTimeout):
        cards.confirm(k, last_code(sms))
    state = cards.outcome(k)
    assert state.status is AttemptStatus.APPROVED and state.approval_no
    assert cards.confirm(k, "whatever").approval_no == state.approval_no
    # a begin whose answer is lost: the code went out, the attempt waits for it
    k2 = key()
    cards.faults.timeout_after()
    with pytest.raises(IssuerTimeout):
        begin(cards, card, k2)
    assert cards.outcome(k2).status is AttemptStatus.PENDING
    assert isinstance(cards.confirm(k2, last_code(sms)), Approval)


def test_injected_declines_and_failures(cards, card, sms):
    cards.faults.decline()
    k = key()
    declined = begin(cards, card, k)
    assert declined.reason is PaymentFailure.DECLINED and "1544-7000" in declined.message
    assert sms.outbox == [] and isinstance(begin(cards, card, key()), CodeSent)  # only the next call
    k2 = key()
    begin(cards, card, k2)
    cards.faults.fail(PaymentFailure.TIMEOUT)
    assert cards.confirm(k2, last_code(sms)).reason is PaymentFailure.TIMEOUT
    cards.faults.decline(times=None)
    assert begin(cards, card, k) == declined  # a replay is not a new decision: the fault stays armed
    assert [begin(cards, card, key()).reason for _ in range(3)] == [PaymentFailure.DECLINED] * 3
    cards.faults.clear()
    assert cards.faults.armed is None and isinstance(begin(cards, card, key()), CodeSent)


def test_faults_for_n_calls_are_taken_exactly_n_times_across_threads(cards):
    cards.faults.decline(times=3)
    taken: list = []
    threads = [threading.Thread(target=lambda: taken.append(cards.faults.take(deciding=True))) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(f is not None for f in taken) == 3
    with pytest.raises(ValueError):
        cards.faults.decline(times=0)


def test_card_cancel_is_idempotent(cards, card, sms, clock):
    k = key()
    begin(cards, card, k)
    approval = cards.confirm(k, last_code(sms))
    c = key()
    clock.advance(minutes=10)
    cancelled = cards.cancel(c, approval.approval_no)
    assert cancelled == Cancelled(c, approval.approval_no, clock.now())
    clock.advance(minutes=1)
    assert cards.cancel(c, approval.approval_no) == cancelled
    assert cards.cancel(key(), approval.approval_no) == cancelled  # cancelled once, whatever the key
    state = cards.outcome(k)
    assert (state.status, state.approval_no, state.cancelled_at) == (AttemptStatus.CANCELLED, approval.approval_no,
                                                                     cancelled.cancelled_at)
    assert cards.confirm(k, "") == approval
    with pytest.raises(UnknownApproval):
        cards.cancel(key(), "99999999")
    k2 = key()
    begin(cards, card, k2)
    other = cards.confirm(k2, last_code(sms))
    with pytest.raises(IdempotencyConflict):
        cards.cancel(c, other.approval_no)
    cards.faults.timeout_after()
    c2 = key()
    with pytest.raises(IssuerTimeout):
        cards.cancel(c2, other.approval_no)
    assert cards.outcome(k2).status is AttemptStatus.CANCELLED
    assert cards.cancel(c2, other.approval_no).cancel_key == c2


def test_two_threads_confirming_one_attempt_get_one_approval(cards, card, sms):
    k = key()
    begin(cards, card, k)
    code = last_code(sms)
    barrier = threading.Barrier(2)
    answers: list = []

    def confirm() -> None:
        barrier.wait()
        answers.append(cards.confirm(k, code))

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 2 and all(isinstance(a, Approval) for a in answers)
    assert answers[0] == answers[1]


# --- ZeroPay ---------------------------------------------------------------------------------------
def pay(zeropay, attempt_key=None, password=PIN, *, company=COMPANY, amount=30_000):
    return zeropay.pay(attempt_key or key(), company, password, amount, MERCHANT)


def test_zeropay_payment_succeeds_with_the_password(zeropay, clock):
    assert zeropay.has_password(COMPANY) and not zeropay.has_password(OTHER)
    k = key()
    approval = pay(zeropay, k)
    assert isinstance(approval, Approval) and (approval.amount, approval.approved_at) == (30_000, clock.now())
    assert zeropay.outcome(k).approval_no == approval.approval_no
    assert isinstance(pay(zeropay, password="７３９１４６"), Approval)  # full-width digits
    numbers = {pay(zeropay).approval_no for _ in range(20)} | {approval.approval_no}
    assert len(numbers) == 21 and all(re.fullmatch(r"[0-9]{8}", n) for n in numbers)


def test_zeropay_password_rules(zeropay):
    for bad in ("12345", "1234567", "abcdef", "", "٧٣٩١٤٦"):
        with pytest.raises(ValidationError):
            zeropay.set_password(OTHER, bad)
    assert not zeropay.has_password(OTHER)
    assert pay(zeropay, company=OTHER).reason is PaymentFailure.DECLINED


def test_a_wrong_password(zeropay):
    k = key()
    answer = pay(zeropay, k, "000000")
    assert answer.reason is PaymentFailure.WRONG_PASSWORD and "연속 1회" in answer.message
    assert zeropay.outcome(k).reason is PaymentFailure.WRONG_PASSWORD
    assert "연속 2회" in pay(zeropay, password="111111").message


def test_five_wrong_passwords_lock_for_thirty_minutes(zeropay, clock):
    for _ in range(4):
        assert pay(zeropay, password="000000").reason is PaymentFailure.WRONG_PASSWORD
    locked = pay(zeropay, password="000000")
    assert locked.reason is PaymentFailure.LOCKED and "10:30 이후" in locked.message
    assert "30분간 제로페이 결제가 잠겼습니다" in locked.message
    clock.advance(minutes=29, seconds=59)
    still = pay(zeropay)  # the right password: not even checked
    assert still.reason is PaymentFailure.LOCKED and "10:30" in still.message
    clock.advance(seconds=1)
    assert isinstance(pay(zeropay), Approval)


def test_the_lock_says_the_day_when_it_ends_tomorrow(zeropay, clock):
    clock.set(clock.now().replace(hour=14, minute=50))  # 23:50 KST
    for _ in range(5):
        answer = pay(zeropay, password="000000")
    assert "3월 3일 00:20 이후" in answer.message


def test_after_the_lock_there_are_five_fresh_tries(zeropay, clock):
    for _ in range(5):
        pay(zeropay, password="000000")
    clock.advance(minutes=30)
    assert [pay(zeropay, password="000000").reason for _ in range(5)] == [PaymentFailure.WRONG_PASSWORD] * 4 + [
        PaymentFailure.LOCKED]


def test_a_right_password_resets_the_count(zeropay):
    for _ in range(4):
        pay(zeropay, password="000000")
    assert isinstance(pay(zeropay), Approval)
    assert [pay(zeropay, password="000000").reason for _ in range(4)] == [PaymentFailure.WRONG_PASSWORD] * 4
    zeropay.set_password(COMPANY, "246810")  # a new password clears the count too
    assert "연속 1회" in pay(zeropay, password="000000").message


def test_zeropay_is_idempotent(zeropay):
    k = key()
    wrong_answer = pay(zeropay, k, "000000")
    assert pay(zeropay, k, "000000") == wrong_answer
    assert pay(zeropay, k, PIN) == wrong_answer  # the first outcome, whatever is typed now
    assert "연속 2회" in pay(zeropay, password="000000").message  # the replays counted nothing
    k2 = key()
    approval = pay(zeropay, k2)
    assert pay(zeropay, k2) == approval
    with pytest.raises(IdempotencyConflict):
        pay(zeropay, k2, amount=30_001)


def test_zeropay_faults_and_cancel(zeropay):
    k = key()
    zeropay.faults.timeout_before()
    with pytest.raises(IssuerTimeout):
        pay(zeropay, k)
    assert zeropay.outcome(k).status is AttemptStatus.UNKNOWN
    zeropay.faults.timeout_after()
    with pytest.raises(IssuerTimeout):
        pay(zeropay, k)
    state = zeropay.outcome(k)
    assert state.status is AttemptStatus.APPROVED
    assert pay(zeropay, k).approval_no == state.approval_no
    zeropay.faults.decline()
    declined = pay(zeropay)
    assert declined.reason is PaymentFailure.DECLINED and "1670-0582" in declined.message
    c = key()
    cancelled = zeropay.cancel(c, state.approval_no)
    assert zeropay.cancel(c, state.approval_no) == cancelled
    assert zeropay.outcome(k).status is AttemptStatus.CANCELLED


def test_approvals_of_one_issuer_are_unknown_to_the_other(cards, card, sms, zeropay):
    k = key()
    begin(cards, card, k)
    approval = cards.confirm(k, last_code(sms))
    with pytest.raises(UnknownApproval):
        zeropay.cancel(key(), approval.approval_no)
    assert zeropay.outcome(k).status is AttemptStatus.UNKNOWN


def test_a_seed_makes_numbers_codes_and_approvals_repeatable(tmp_path, clock):
    runs = []
    for name in ("one", "two"):
        store = open_issuer_store(sqlite_url(tmp_path / f"{name}.sqlite3"))
        try:
            sms = SimulatedSms(clock)
            issuer = SimulatedCardIssuer(store, clock, sms, seed=99)
            issued = issuer.issue_card(COMPANY, PHONE)
            begin(issuer, issued, "attempt-1")
            code = last_code(sms)
            runs.append((issued.number, code, issuer.confirm("attempt-1", code).approval_no))
        finally:
            store.dispose()
    assert runs[0] == runs[1]


def test_what_the_caller_hands_over_is_checked(cards, card):
    with pytest.raises(ValueError):
        cards.issue_card(COMPANY, "02-123-4567")
    with pytest.raises(ValueError):
        cards.issue_card("", PHONE)
    for bad_key in ("", " ", "x" * 101, "a\x00b", 17):
        with pytest.raises(ValueError):
            begin(cards, card, bad_key)
    for bad_amount in (0, -1, 1.5, True, "1000", 1_000_000_001):
        with pytest.raises(ValueError):
            begin(cards, card, key(), amount=bad_amount)
    assert cards.outcome(uuid.UUID(int=5)).status is AttemptStatus.UNKNOWN  # a UUID key is its text


# --- the issuers' store ----------------------------------------------------------------------------
def test_the_issuers_tables_are_not_the_platforms():
    issuer_tables = set(IssuerRecord.metadata.tables)
    assert {"card_issuer_cards", "card_issuer_attempts", "card_issuer_cancels", "zeropay_accounts",
            "zeropay_attempts", "zeropay_cancels", "issuer_schema"} <= issuer_tables
    assert not issuer_tables & set(Base.metadata.tables)


def test_codes_and_passwords_are_not_stored_in_clear(cards, card, sms, zeropay, store, store_path):
    codes = []
    for _ in range(3):
        k = key()
        begin(cards, card, k)
        codes.append(last_code(sms))
        cards.confirm(k, wrong(codes[-1]))
        cards.confirm(k, codes[-1])
    pay(zeropay, password="582046")
    pay(zeropay)
    store.dispose()  # the WAL is checkpointed into the file
    content = b"".join(p.read_bytes() for p in store_path.parent.glob(store_path.name + "*"))
    assert card.number.encode() in content  # the issuer's own record does hold the card
    for secret in [*codes, PIN, "582046"]:
        assert secret.encode() not in content and secret.encode("utf-16-le") not in content


def test_a_store_of_another_schema_version_is_refused(store, store_path):
    with store.transaction() as session:
        session.execute(update(IssuerSchema).values(version=99))
    store.dispose()
    with pytest.raises(IssuerStoreError):
        open_issuer_store(sqlite_url(store_path))
    with store.transaction() as session:
        session.execute(update(IssuerSchema).values(version=1))
    open_issuer_store(sqlite_url(store_path)).dispose()


# --- properties ------------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**64))
def test_generated_card_numbers_are_luhn_valid_16_digits(seed):
    number = new_card_number(random.Random(seed))
    assert len(number) == 16 and number.isascii() and number.isdigit() and number.startswith(BIN)
    assert luhn_valid(number)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**32), min_size=2, max_size=200, unique=True))
def test_generated_card_numbers_differ_between_seeds(seeds):
    numbers = [new_card_number(random.Random(s)) for s in seeds]
    assert len(set(numbers)) == len(numbers)


def test_one_generator_never_repeats_itself_soon():
    rng = random.Random(20260302)
    numbers = [new_card_number(rng) for _ in range(5000)]
    assert len(set(numbers)) == 5000


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=15, max_size=15), st.integers(0, 14), st.integers(0, 9))
def test_luhn_catches_every_single_digit_error(body, position, digit):
    number = body + str(luhn_check_digit(body))
    assert luhn_valid(number)
    changed = number[:position] + str(digit) + number[position + 1:]
    assert luhn_valid(changed) == (changed == number)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=16, max_size=16),
       st.lists(st.sampled_from(["", "", " ", "-", " - ", "\u3000", "－", "\u2010"]), min_size=15, max_size=15),
       st.booleans())
def test_the_card_number_normaliser(digits, separators, full_width):
    typed = digits[0] + "".join(sep + d for sep, d in zip(separators, digits[1:]))
    if full_width:
        typed = typed.translate(_FULL_WIDTH)
    assert normalize_card_number(f" {typed} ") == digits
    assert normalize_card_number(typed + "x") is None
    assert normalize_card_number("-" + typed) is None


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12), st.integers(0, 99), st.sampled_from(["{m}/{y}", "{m}{y}", " {m} / {y} "]),
       st.booleans())
def test_the_expiry_normaliser(month, year, shape, full_width):
    typed = shape.format(m=f"{month:02d}", y=f"{year:02d}")
    if full_width:
        typed = typed.translate(_FULL_WIDTH).replace("/", "／")
    assert normalize_expiry(typed) == (month, year)
    for bad in (f"13/{year:02d}", f"00/{year:02d}", f"{month % 10}/{year:02d}", f"{month:02d}/{year:02d}0"):
        assert normalize_expiry(bad) is None
