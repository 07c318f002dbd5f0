"""ZeroPay (제로페이 모바일 상품권), simulated: a company's gift-certificate account with a 6-digit
password (an Argon2id hash in ZeroPay's own record only), payments approved with the password
(SPEC §5.2, §5.4, §7).

Lock-out: every wrong password adds one to the account's wrong-in-a-row count and answers
WRONG_PASSWORD; the 5th wrong one in a row sets `locked_until = now + 30 minutes`, sets the count
back to 0 and answers LOCKED. While `now < locked_until` every payment answers LOCKED without
the password being checked (nor counted); from `locked_until` on (exactly 30 minutes later)
payments are checked again, with 5 fresh tries. A right password sets the count back to 0.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...enums import PaymentFailure
from ..clock import Clock
from ..errors import ValidationError
from ..passwords import Passwords
from ..rules.numbers import number_text
from .issuer_base import (
    SimulatedIssuer,
    clean_amount,
    clean_key,
    clean_merchant,
    clean_ref,
    request_hash,
)
from .issuer_store import IssuerStore, ZeroPayAccount, ZeroPayAttempt, ZeroPayCancel
from .issuers import (
    Approval,
    AttemptState,
    AttemptStatus,
    Cancelled,
    Failure,
    Fault,
    FaultKind,
    IdempotencyConflict,
    IssuerTimeout,
    failure_message,
)

MAX_WRONG = 5
LOCK_FOR = timedelta(minutes=30)
HELP_DESK = "1670-0582"
NO_ACCOUNT_MESSAGE = ("제로페이 상품권이 발급되지 않은 기업입니다. "
                      "바우처 신청에서 제로페이 상품권 발급(비밀번호 설정)을 먼저 마쳐 주세요.")
PASSWORD_RULE_MESSAGE = "제로페이 상품권 비밀번호는 숫자 6자리로 정해 주세요."
_SIX_DIGITS = re.compile(r"[0-9]{6}")


class ZeroPayGateway(Protocol):
    def set_password(self, company_ref: str, password: str) -> None: ...

    def has_password(self, company_ref: str) -> bool: ...

    def pay(self, attempt_key: str, company_ref: str, password: str, amount: int,
            merchant: str) -> Approval | Failure: ...

    def cancel(self, cancel_key: str, approval_no: str) -> Cancelled: ...

    def outcome(self, attempt_key: str) -> AttemptState: ...


def _wrong_password_message(wrong_in_row: int) -> str:
    return (f"제로페이 상품권 비밀번호가 올바르지 않습니다. (연속 {wrong_in_row}회 오류, "
            f"{MAX_WRONG}회 틀리면 30분간 결제가 잠깁니다)")


class SimulatedZeroPay(SimulatedIssuer):
    _Attempt = ZeroPayAttempt
    _Cancel = ZeroPayCancel
    decline_message = f"제로페이에서 결제를 승인하지 않았습니다. 제로페이 고객센터({HELP_DESK})로 문의해 주세요."

    def __init__(self, store: IssuerStore, clock: Clock, passwords: Passwords, seed: int | None = None):
        super().__init__(store, clock, seed)
        self._passwords = passwords

    def set_password(self, company_ref: str, password: str) -> None:
        """Issue the company's gift certificates with this 6-digit password, or set a new one
        (the wrong-in-a-row count and a lock are cleared: the platform verified the company)."""
        ref = clean_ref(company_ref)
        typed = number_text(password) if isinstance(password, str) else ""
        if not _SIX_DIGITS.fullmatch(typed):
            raise ValidationError(PASSWORD_RULE_MESSAGE, field="zeropay_password", code="zeropay_password")
        hashed = self._passwords.hash(typed)
        with self._store.transaction() as session:
            now = self._clock.now()
            account = session.scalars(select(ZeroPayAccount).where(ZeroPayAccount.company_ref == ref)).first()
            if account is None:
                session.add(ZeroPayAccount(company_ref=ref, password_hash=hashed, wrong_in_row=0,
                                           created_at=now, updated_at=now))
            else:
                account.password_hash, account.wrong_in_row, account.locked_until = hashed, 0, None
                account.updated_at = now

    def has_password(self, company_ref: str) -> bool:
        ref = clean_ref(company_ref)
        with self._store.transaction() as session:
            return session.scalars(select(ZeroPayAccount.id).where(ZeroPayAccount.company_ref == ref)).first() \
                is not None

    def pay(self, attempt_key: str, company_ref: str, password: str, amount: int,
            merchant: str) -> Approval | Failure:
        """Pay with the gift-certificate password. The same key and request again return the
        first outcome (the password is not part of the request compared: it is never hashed
        outside the account); another request with the key raises IdempotencyConflict."""
        key, ref = clean_key(attempt_key), clean_ref(company_ref)
        amount, merchant = clean_amount(amount), clean_merchant(merchant)
        if not isinstance(password, str):
            raise ValueError("password must be a str")
        fingerprint = request_hash(company_ref=ref, amount=amount, merchant=merchant)
        with self._store.transaction() as session:
            now = self._clock.now()
            attempt = self._get(session, key)
            if attempt is not None and attempt.request_hash != fingerprint:
                raise IdempotencyConflict("this attempt key was used for another payment request")
            fault = self.faults.take(deciding=attempt is None)
            if fault is not None and fault.kind is FaultKind.TIMEOUT_BEFORE:
                raise IssuerTimeout("no answer from ZeroPay (nothing done)")
            if attempt is not None:
                answer = self._final(attempt)
            else:
                attempt = ZeroPayAttempt(attempt_key=key, request_hash=fingerprint, company_ref=ref, amount=amount,
                                         merchant=merchant, state=AttemptStatus.PENDING.value, created_at=now)
                session.add(attempt)
                answer = self._decide(session, attempt, fault, password, now)
        if fault is not None and fault.kind is FaultKind.TIMEOUT_AFTER:
            raise IssuerTimeout("no answer from ZeroPay (the payment was recorded)")
        return answer

    def _decide(self, session: Session, attempt: ZeroPayAttempt, fault: Fault | None, password: str,
                now: datetime) -> Approval | Failure:
        if fault is not None and fault.kind in (FaultKind.DECLINE, FaultKind.FAIL):
            return self._fail(attempt, fault.reason, now)
        account = session.scalars(select(ZeroPayAccount).where(ZeroPayAccount.company_ref == attempt.company_ref)
                                  .with_for_update()).first()
        if account is None:
            return self._fail(attempt, PaymentFailure.DECLINED, now, NO_ACCOUNT_MESSAGE)
        if account.locked_until is not None and now < account.locked_until:
            return self._fail(attempt, PaymentFailure.LOCKED, now,
                              failure_message(PaymentFailure.LOCKED, locked_until=account.locked_until, now=now))
        if not self._passwords.verify(account.password_hash, number_text(password)):
            account.wrong_in_row += 1
            account.updated_at = now
            if account.wrong_in_row >= MAX_WRONG:
                account.wrong_in_row, account.locked_until = 0, now + LOCK_FOR
                return self._fail(attempt, PaymentFailure.LOCKED, now,
                                  failure_message(PaymentFailure.LOCKED, locked_until=account.locked_until, now=now))
            return self._fail(attempt, PaymentFailure.WRONG_PASSWORD, now,
                              _wrong_password_message(account.wrong_in_row))
        if account.wrong_in_row or account.locked_until is not None:
            account.wrong_in_row, account.locked_until, account.updated_at = 0, None, now
        return self._approve(session, attempt, now)
