"""The card issuer (신한카드), simulated: issues voucher cards and approves payments after an SMS
code, keeping cards, attempts and cancels in its own record (SPEC §5.2, §5.4, §7).

Cards: 16 digits starting with BIN 9410 (major industry identifier 9, national assignment, as
domestic-only cards use; chosen for the simulator), Luhn-valid, valid until the end of the month
five years after issue (KST). One active card per company: a new issue revokes the old card,
which is then refused as a wrong number ("해지된 카드").
Payment: `begin_payment` checks the card and sends a 6-digit code (valid 3 minutes, 5 tries);
`confirm` approves with the right code. The code is stored only as SHA-256 of a per-attempt salt
and the code, and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...enums import PaymentFailure
from ..clock import Clock, kst_midnight_utc, to_kst
from ..rules.cards import (
    format_expiry,
    luhn_check_digit,
    normalize_card_number,
    normalize_expiry,
    valid_card_number,
)
from ..rules.numbers import normalize_mobile, number_text
from .issuer_base import (
    SimulatedIssuer,
    clean_amount,
    clean_key,
    clean_merchant,
    clean_ref,
    mask_phone,
    request_hash,
)
from .issuer_store import CardAttempt, CardCancel, CardRecord, IssuerStore
from .issuers import (
    Answer,
    AttemptState,
    AttemptStatus,
    Cancelled,
    CodeSent,
    Failure,
    Fault,
    FaultKind,
    IdempotencyConflict,
    IssuerTimeout,
    UnknownAttempt,
)
from .sms import SmsSender

BIN = "9410"
CARD_YEARS = 5
CODE_VALID = timedelta(minutes=3)
MAX_TRIES = 5
ISSUER_NAME = "신한카드"
HELP_DESK = "1544-7000"
REVOKED_MESSAGE = "해지된 카드입니다. 새로 발급받은 카드의 번호를 입력해 주세요."
EXPIRY_MISMATCH_MESSAGE = "입력한 유효기간이 카드와 다릅니다. 카드에 적힌 유효기간(MM/YY)을 확인해 주세요."
EXPIRED_MESSAGE = "유효기간이 지난 카드입니다. 카드를 새로 발급받아 주세요."


@dataclass(frozen=True)
class IssuedCard:
    """A new card as handed to the company; the platform keeps only `last4`."""

    number: str = field(repr=False)
    expiry: str  # MM/YY
    last4: str


class CardOnFile(NamedTuple):
    last4: str
    expiry: str  # MM/YY


class CardGateway(Protocol):
    def issue_card(self, company_ref: str, holder_phone: str) -> IssuedCard: ...

    def card_of(self, company_ref: str) -> CardOnFile | None: ...

    def begin_payment(self, attempt_key: str, company_ref: str, number: str, expiry: str, amount: int,
                      merchant: str) -> CodeSent | Failure: ...

    def resend_code(self, attempt_key: str) -> Answer: ...

    def confirm(self, attempt_key: str, code: str) -> Answer: ...

    def cancel(self, cancel_key: str, approval_no: str) -> Cancelled: ...

    def outcome(self, attempt_key: str) -> AttemptState: ...


def new_card_number(rng: random.Random, prefix: str = BIN) -> str:
    """A Luhn-valid 16-digit number: `prefix`, random digits, the check digit."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(15 - len(prefix)))
    return body + str(luhn_check_digit(body))


def valid_until(month: int, year: int) -> datetime:
    """The first moment (UTC) a card expiring in month/year (four digits) is no longer valid:
    00:00 KST of the first day of the next month."""
    return kst_midnight_utc(date(year + month // 12, month % 12 + 1, 1))


def _code_hash(salt: str, code: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + code.encode("ascii", "replace")).hexdigest()


class SimulatedCardIssuer(SimulatedIssuer):
    _Attempt = CardAttempt
    _Cancel = CardCancel
    decline_message = f"카드사에서 승인을 거절했습니다. {ISSUER_NAME} 고객센터({HELP_DESK})로 문의해 주세요."

    def __init__(self, store: IssuerStore, clock: Clock, sms: SmsSender, seed: int | None = None):
        super().__init__(store, clock, seed)
        self._sms = sms

    # --- cards ---------------------------------------------------------------------------------
    def issue_card(self, company_ref: str, holder_phone: str) -> IssuedCard:
        """Issue a card to the company (revoking its active one), the codes going to `holder_phone`."""
        ref = clean_ref(company_ref)
        phone = normalize_mobile(holder_phone) if isinstance(holder_phone, str) else None
        if phone is None:
            raise ValueError("holder_phone must be a Korean mobile number 010-XXXX-XXXX")
        with self._store.transaction() as session:
            now = self._clock.now()
            for old in session.scalars(select(CardRecord).where(
                    CardRecord.company_ref == ref, CardRecord.revoked_at.is_(None))):
                old.revoked_at = now
            session.flush()
            while True:
                number = new_card_number(self._rng)
                if session.scalars(select(CardRecord.id).where(CardRecord.number == number)).first() is None:
                    break
            local = to_kst(now)
            card = CardRecord(number=number, expiry_month=local.month, expiry_year=local.year + CARD_YEARS,
                              company_ref=ref, holder_phone=phone, issued_at=now)
            session.add(card)
        return IssuedCard(number=number, expiry=format_expiry(card.expiry_month, card.expiry_year),
                          last4=number[-4:])

    def card_of(self, company_ref: str) -> CardOnFile | None:
        """The company's active card as the platform may show it (last four digits, expiry)."""
        ref = clean_ref(company_ref)
        with self._store.transaction() as session:
            card = session.scalars(select(CardRecord).where(
                CardRecord.company_ref == ref, CardRecord.revoked_at.is_(None))).first()
            if card is None:
                return None
            return CardOnFile(card.number[-4:], format_expiry(card.expiry_month, card.expiry_year))

    def _card_problem(self, card: CardRecord | None, now: datetime) -> tuple[PaymentFailure, str] | None:
        """Why `card` cannot pay now (None: it can)."""
        if card is None:
            return PaymentFailure.WRONG_NUMBER, self._message(PaymentFailure.WRONG_NUMBER)
        if card.revoked_at is not None:
            return PaymentFailure.WRONG_NUMBER, REVOKED_MESSAGE
        if now >= valid_until(card.expiry_month, card.expiry_year):
            return PaymentFailure.EXPIRED_CARD, EXPIRED_MESSAGE
        return None

    # --- payment -------------------------------------------------------------------------------
    def begin_payment(self, attempt_key: str, company_ref: str, number: str, expiry: str, amount: int,
                      merchant: str) -> CodeSent | Failure:
        """Check the card typed and send a code to its holder. The same key and request again
        return the attempt as it is now (no second code); another request with the key raises
        IdempotencyConflict."""
        key, ref = clean_key(attempt_key), clean_ref(company_ref)
        amount, merchant = clean_amount(amount), clean_merchant(merchant)
        if not isinstance(number, str) or not isinstance(expiry, str):
            raise ValueError("number and expiry must be str")
        digits = normalize_card_number(number)
        typed_expiry = normalize_expiry(expiry)
        fingerprint = request_hash(
            company_ref=ref, amount=amount, merchant=merchant,
            number=hashlib.sha256((digits if digits is not None else number_text(number)).encode()).hexdigest(),
            expiry=list(typed_expiry) if typed_expiry else number_text(expiry))
        send: tuple[str, str] | None = None
        with self._store.transaction() as session:
            now = self._clock.now()
            attempt = self._get(session, key)
            if attempt is not None and attempt.request_hash != fingerprint:
                raise IdempotencyConflict("this attempt key was used for another payment request")
            fault = self.faults.take(deciding=attempt is None)
            if fault is not None and fault.kind is FaultKind.TIMEOUT_BEFORE:
                raise IssuerTimeout("no answer from the card issuer (nothing done)")
            if attempt is not None:
                self._settle(attempt, now)
                answer = self._current(session, attempt)
            else:
                attempt = CardAttempt(attempt_key=key, request_hash=fingerprint, company_ref=ref, amount=amount,
                                      merchant=merchant, state=AttemptStatus.PENDING.value, created_at=now,
                                      last4=digits[-4:] if digits else "", sends=0, tries=0)
                session.add(attempt)
                answer, send = self._decide_begin(session, attempt, fault, digits, typed_expiry, now)
        if send is not None:
            self._sms.send(*send)
        if fault is not None and fault.kind is FaultKind.TIMEOUT_AFTER:
            raise IssuerTimeout("no answer from the card issuer (the attempt was recorded)")
        return answer

    def _decide_begin(self, session: Session, attempt: CardAttempt, fault: Fault | None, digits: str | None,
                      typed_expiry: tuple[int, int] | None, now: datetime) -> tuple[Answer, tuple[str, str] | None]:
        if fault is not None and fault.kind in (FaultKind.DECLINE, FaultKind.FAIL):
            return self._fail(attempt, fault.reason, now), None
        if digits is None or valid_card_number(digits) is None:
            return self._fail(attempt, PaymentFailure.WRONG_NUMBER, now), None
        card = session.scalars(select(CardRecord).where(CardRecord.number == digits)).first()
        if card is not None and card.revoked_at is None and typed_expiry != (card.expiry_month,
                                                                              card.expiry_year % 100):
            return self._fail(attempt, PaymentFailure.EXPIRED_CARD, now, EXPIRY_MISMATCH_MESSAGE), None
        problem = self._card_problem(card, now)
        if problem is not None:
            return self._fail(attempt, problem[0], now, problem[1]), None
        if card.company_ref != attempt.company_ref:
            return self._fail(attempt, PaymentFailure.NOT_THIS_COMPANY, now), None
        attempt.card_id = card.id
        send = self._new_code(attempt, card, now)
        return self._code_sent(attempt, card), send

    def _new_code(self, attempt: CardAttempt, card: CardRecord, now: datetime) -> tuple[str, str]:
        """A fresh code for the attempt (its hash recorded); the SMS to send after the commit."""
        code = f"{self._rng.randrange(1_000_000):06d}"
        attempt.code_salt = secrets.token_hex(16)
        attempt.code_hash = _code_hash(attempt.code_salt, code)
        attempt.code_sent_at = now
        attempt.sends += 1
        merchant = attempt.merchant if len(attempt.merchant) <= 20 else attempt.merchant[:19] + "…"
        text = (f"[{ISSUER_NAME}] 바우처 결제 인증번호는 [{code}]입니다. 3분 안에 입력해 주세요. "
                f"(가맹점: {merchant}, 금액: {attempt.amount:,}원)")
        return card.holder_phone, text

    def _code_sent(self, attempt: CardAttempt, card: CardRecord) -> CodeSent:
        return CodeSent(attempt.attempt_key, mask_phone(card.holder_phone), self._expires_at(attempt),
                        MAX_TRIES - attempt.tries)

    def _current(self, session: Session, attempt: CardAttempt) -> Answer:
        if attempt.state == AttemptStatus.PENDING.value:
            return self._code_sent(attempt, session.get(CardRecord, attempt.card_id))
        return self._final(attempt)

    def _expires_at(self, attempt: CardAttempt) -> datetime | None:
        return attempt.code_sent_at + CODE_VALID if attempt.code_sent_at is not None else None

    def _settle(self, attempt: CardAttempt, now: datetime) -> None:
        """A pending attempt whose code lapsed (3 minutes after it was sent) is final: CODE_EXPIRED."""
        if attempt.state == AttemptStatus.PENDING.value and now >= self._expires_at(attempt):
            self._fail(attempt, PaymentFailure.CODE_EXPIRED, self._expires_at(attempt))

    def resend_code(self, attempt_key: str) -> Answer:
        """A new code for a pending attempt whose code is still valid: the 3 minutes start again,
        the wrong tries so far still count. A final attempt returns its outcome, sending nothing."""
        key = clean_key(attempt_key)
        send: tuple[str, str] | None = None
        with self._store.transaction() as session:
            now = self._clock.now()
            attempt = self._get(session, key)
            if attempt is None:
                raise UnknownAttempt(f"no attempt {key!r}")
            fault = self.faults.take(deciding=False)
            if fault is not None and fault.kind is FaultKind.TIMEOUT_BEFORE:
                raise IssuerTimeout("no answer from the card issuer (nothing done)")
            self._settle(attempt, now)
            if attempt.state == AttemptStatus.PENDING.value:
                card = session.get(CardRecord, attempt.card_id)
                send = self._new_code(attempt, card, now)
            answer = self._current(session, attempt)
        if send is not None:
            self._sms.send(*send)
        if fault is not None and fault.kind is FaultKind.TIMEOUT_AFTER:
            raise IssuerTimeout("no answer from the card issuer (a new code was sent)")
        return answer

    def confirm(self, attempt_key: str, code: str) -> Answer:
        """Check the code typed: Approval; CodeSent with one try less; Failure WRONG_CODE_LIMIT at
        the 5th wrong code, CODE_EXPIRED from 3 minutes after it was sent. A final attempt
        returns its outcome again."""
        key = clean_key(attempt_key)
        if not isinstance(code, str):
            raise ValueError("code must be a str")
        with self._store.transaction() as session:
            now = self._clock.now()
            attempt = self._get(session, key)
            if attempt is None:
                raise UnknownAttempt(f"no attempt {key!r}")
            self._settle(attempt, now)
            pending = attempt.state == AttemptStatus.PENDING.value
            fault = self.faults.take(deciding=pending)
            if fault is not None and fault.kind is FaultKind.TIMEOUT_BEFORE:
                raise IssuerTimeout("no answer from the card issuer (nothing done)")
            answer = self._decide_confirm(session, attempt, fault, code, now) if pending else self._final(attempt)
        if fault is not None and fault.kind is FaultKind.TIMEOUT_AFTER:
            raise IssuerTimeout("no answer from the card issuer (the confirmation was recorded)")
        return answer

    def _decide_confirm(self, session: Session, attempt: CardAttempt, fault: Fault | None, code: str,
                        now: datetime) -> Answer:
        if fault is not None and fault.kind in (FaultKind.DECLINE, FaultKind.FAIL):
            return self._fail(attempt, fault.reason, now)
        card = session.get(CardRecord, attempt.card_id)
        typed = number_text(code).replace(" ", "")
        if not hmac.compare_digest(_code_hash(attempt.code_salt, typed), attempt.code_hash):
            attempt.tries += 1
            if attempt.tries >= MAX_TRIES:
                return self._fail(attempt, PaymentFailure.WRONG_CODE_LIMIT, now)
            return self._code_sent(attempt, card)
        problem = self._card_problem(card, now)  # revoked or expired since the code was sent
        if problem is not None:
            return self._fail(attempt, problem[0], now, problem[1])
        return self._approve(session, attempt, now)
