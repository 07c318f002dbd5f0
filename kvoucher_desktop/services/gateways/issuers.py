"""What the two payment issuers (card issuer, ZeroPay) share: their answers, failure reasons with
Korean messages, errors and injected faults.

The issuers answer as the real ones would: an `Approval`, a `Failure` with a reason, a `CodeSent`
(card: an SMS code to type), a `Cancelled`; or no answer at all (`IssuerTimeout`), after which
the platform asks `outcome(attempt_key)`. Their records live in their own store
(`issuer_store.py`), never among the platform's tables; `issuer_base.py` keeps them.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Union

from ...enums import PaymentFailure
from ..clock import kst_date, to_kst
from .issuer_store import DEFAULT_FILE_NAME, IssuerStore, IssuerStoreError, open_issuer_store

__all__ = [
    "DEFAULT_FILE_NAME", "IssuerStore", "IssuerStoreError", "open_issuer_store", "FAILURE_MESSAGES",
    "AttemptStatus", "Approval", "Failure", "CodeSent", "Cancelled", "AttemptState", "IssuerTimeout",
    "IdempotencyConflict", "UnknownAttempt", "UnknownApproval", "FaultKind", "Fault", "Faults",
    "failure_message",
]

FAILURE_MESSAGES: dict[PaymentFailure, str] = {
    PaymentFailure.WRONG_NUMBER: "카드번호가 올바르지 않습니다. 카드에 적힌 16자리 번호를 다시 확인해 주세요.",
    PaymentFailure.EXPIRED_CARD: "카드 유효기간이 지났거나 입력한 유효기간이 카드와 다릅니다. "
                                 "카드에 적힌 유효기간(MM/YY)을 확인해 주세요.",
    PaymentFailure.NOT_THIS_COMPANY: "이 기업에 발급된 카드가 아닙니다. 바우처용으로 발급받은 카드로 결제해 주세요.",
    PaymentFailure.WRONG_CODE_LIMIT: "인증번호를 5회 잘못 입력하여 결제가 진행되지 않았습니다. 처음부터 다시 결제해 주세요.",
    PaymentFailure.CODE_EXPIRED: "인증번호 유효시간(3분)이 지났습니다. 처음부터 다시 결제해 주세요.",
    PaymentFailure.WRONG_PASSWORD: "제로페이 상품권 비밀번호가 올바르지 않습니다. 다시 확인해 주세요.",
    PaymentFailure.LOCKED: "비밀번호를 5회 잘못 입력하여 30분간 제로페이 결제가 잠겼습니다. 잠시 후 다시 시도해 주세요.",
    PaymentFailure.DECLINED: "결제가 승인되지 않았습니다(승인 거절). 카드사 또는 제로페이 고객센터로 문의해 주세요.",
    PaymentFailure.TIMEOUT: "결제사로부터 응답이 없어 결제가 완료되지 않았습니다. 잠시 후 다시 시도해 주세요.",
    PaymentFailure.NOT_COMPLETED: "결제를 끝내지 않고 결제창을 닫아 결제되지 않았습니다. 필요하면 다시 결제해 주세요.",
}


def failure_message(reason: PaymentFailure, *, locked_until: datetime | None = None,
                    now: datetime | None = None) -> str:
    """The Korean message of `reason`; for LOCKED with `locked_until`, until when (KST HH:MM,
    with the date when it is not the KST day of `now`)."""
    if reason is PaymentFailure.LOCKED and locked_until is not None:
        local = to_kst(locked_until)
        when = f"{local:%H:%M}"
        if now is not None and kst_date(now) != local.date():
            when = f"{local.month}월 {local.day}일 {when}"
        return (f"비밀번호를 5회 잘못 입력하여 30분간 제로페이 결제가 잠겼습니다. "
                f"{when} 이후에 다시 결제해 주세요.")
    return FAILURE_MESSAGES[reason]


class AttemptStatus(str, enum.Enum):
    UNKNOWN = "UNKNOWN"  # the issuer never saw this attempt key
    PENDING = "PENDING"  # card: code sent, not confirmed yet
    APPROVED = "APPROVED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"  # approved, then cancelled


@dataclass(frozen=True)
class Approval:
    attempt_key: str
    approval_no: str  # 8 digits, unique per issuer
    amount: int
    approved_at: datetime


@dataclass(frozen=True)
class Failure:
    attempt_key: str
    reason: PaymentFailure
    message: str  # Korean, for the user


@dataclass(frozen=True)
class CodeSent:
    """Card: a code went by SMS to the holder's phone; `confirm` it before `expires_at`."""

    attempt_key: str
    phone_masked: str  # 010-****-5678
    expires_at: datetime
    tries_left: int


@dataclass(frozen=True)
class Cancelled:
    cancel_key: str
    approval_no: str
    cancelled_at: datetime


@dataclass(frozen=True)
class AttemptState:
    """What the issuer knows of an attempt (recovery after a lost answer or a crash)."""

    attempt_key: str
    status: AttemptStatus
    approval_no: str | None = None  # APPROVED, CANCELLED
    amount: int | None = None  # APPROVED, CANCELLED
    reason: PaymentFailure | None = None  # FAILED
    approved_at: datetime | None = None
    cancelled_at: datetime | None = None
    expires_at: datetime | None = None  # PENDING: when the code sent stops being accepted


Answer = Union[Approval, Failure, CodeSent]


class IssuerTimeout(Exception):
    """The issuer's answer was lost (it may or may not have acted): ask `outcome(attempt_key)`,
    or repeat the call with the same key."""


class IdempotencyConflict(ValueError):
    """The same attempt or cancel key came with a different request."""


class UnknownAttempt(LookupError):
    """No attempt with this key (confirm or resend before begin)."""


class UnknownApproval(LookupError):
    """No approved payment with this approval number at this issuer."""


# --- faults --------------------------------------------------------------------------------------
class FaultKind(str, enum.Enum):
    DECLINE = "DECLINE"  # answer DECLINED instead of deciding
    FAIL = "FAIL"  # answer Failure(reason) instead of deciding
    TIMEOUT_BEFORE = "TIMEOUT_BEFORE"  # raise IssuerTimeout before doing anything
    TIMEOUT_AFTER = "TIMEOUT_AFTER"  # do the work, commit it, then raise IssuerTimeout


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    reason: PaymentFailure | None = None


class Faults:
    """One armed fault for the next `times` calls (None: every call until `clear()`); arming
    another replaces it. Thread-safe. DECLINE and FAIL are taken only by a call that decides an
    attempt (a new payment, a confirm of a pending one); timeouts by any call that answers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fault: Fault | None = None
        self._left: int | None = 0

    def _arm(self, fault: Fault, times: int | None) -> None:
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
            raise ValueError("times must be a positive int or None")
        with self._lock:
            self._fault, self._left = fault, times

    def decline(self, times: int | None = 1) -> None:
        self._arm(Fault(FaultKind.DECLINE, PaymentFailure.DECLINED), times)

    def fail(self, reason: PaymentFailure, times: int | None = 1) -> None:
        self._arm(Fault(FaultKind.FAIL, PaymentFailure(reason)), times)

    def timeout_before(self, times: int | None = 1) -> None:
        self._arm(Fault(FaultKind.TIMEOUT_BEFORE), times)

    def timeout_after(self, times: int | None = 1) -> None:
        self._arm(Fault(FaultKind.TIMEOUT_AFTER), times)

    def clear(self) -> None:
        with self._lock:
            self._fault, self._left = None, 0

    @property
    def armed(self) -> Fault | None:
        with self._lock:
            return self._fault

    def take(self, *, deciding: bool) -> Fault | None:
        """The fault this call suffers (consumed), or None."""
        with self._lock:
            fault = self._fault
            if fault is None or (fault.kind in (FaultKind.DECLINE, FaultKind.FAIL) and not deciding):
                return None
            if self._left is not None:
                self._left -= 1
                if self._left <= 0:
                    self._fault, self._left = None, 0
            return fault
