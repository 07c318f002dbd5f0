"""The record keeping both simulated issuers share: what callers hand over, checked; attempts,
approval numbers, cancels and outcomes in the issuers' store. The card issuer and ZeroPay
subclass `SimulatedIssuer` and decide payments themselves."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ...enums import PaymentFailure
from ..clock import Clock
from ..rules.inputs import bad_character
from ..rules.limits import MAX_AMOUNT
from .issuer_store import AttemptColumns, IssuerStore
from .issuers import (
    FAILURE_MESSAGES,
    Approval,
    AttemptState,
    AttemptStatus,
    Cancelled,
    Failure,
    FaultKind,
    Faults,
    IdempotencyConflict,
    IssuerTimeout,
    UnknownApproval,
)


# --- what callers hand over ---------------------------------------------------------------------
def clean_key(value: Any, what: str = "attempt_key") -> str:
    """An idempotency key: a UUID or a non-empty printable str of at most 100 characters."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > 100 or bad_character(value):
        raise ValueError(f"{what} must be a UUID or a printable str of 1-100 characters")
    return str.__str__(value.strip())


def clean_ref(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 64 or bad_character(value):
        raise ValueError("company_ref must be a printable str of 1-64 characters")
    return str.__str__(value.strip())


def clean_merchant(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 100 or bad_character(value):
        raise ValueError("merchant must be a printable str of 1-100 characters")
    return str.__str__(value.strip())


def clean_amount(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_AMOUNT:
        raise ValueError(f"amount must be an int of KRW in 1..{MAX_AMOUNT}")
    return int(value)


def request_hash(**fields: Any) -> str:
    """SHA-256 of the request's canonical JSON (what tells a replay from a different request)."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mask_phone(phone: str) -> str:
    """010-1234-5678 → 010-****-5678."""
    head, _mid, tail = phone.split("-")
    return f"{head}-****-{tail}"


# --- the record -----------------------------------------------------------------------------------
class SimulatedIssuer:
    """Attempts, approvals, cancels and outcomes in the issuer's store. Subclasses set the
    attempt and cancel tables and decide payments."""

    _Attempt: type
    _Cancel: type
    #: the issuer's own DECLINED message (its help desk)
    decline_message: str = FAILURE_MESSAGES[PaymentFailure.DECLINED]

    def __init__(self, store: IssuerStore, clock: Clock, seed: int | None = None):
        self._store = store
        self._clock = clock
        self._rng: random.Random = random.Random(seed) if seed is not None else random.SystemRandom()
        self.faults = Faults()

    # answers from the record
    def _get(self, session: Session, attempt_key: str) -> Any:
        return session.scalars(select(self._Attempt).where(self._Attempt.attempt_key == attempt_key)
                               .with_for_update()).first()

    def _settle(self, attempt: AttemptColumns, now: datetime) -> None:
        """Apply the clock to a pending attempt (card: a lapsed code). Nothing by default."""

    def _expires_at(self, attempt: AttemptColumns) -> datetime | None:
        return None

    def _final(self, attempt: AttemptColumns) -> Approval | Failure:
        if attempt.state in (AttemptStatus.APPROVED, AttemptStatus.CANCELLED):
            return Approval(attempt.attempt_key, attempt.approval_no, attempt.amount, attempt.decided_at)
        return Failure(attempt.attempt_key, PaymentFailure(attempt.reason), attempt.message)

    def _message(self, reason: PaymentFailure) -> str:
        return self.decline_message if reason is PaymentFailure.DECLINED else FAILURE_MESSAGES[reason]

    def _fail(self, attempt: AttemptColumns, reason: PaymentFailure, now: datetime,
              message: str | None = None) -> Failure:
        attempt.state = AttemptStatus.FAILED.value
        attempt.reason = reason.value
        attempt.message = message or self._message(reason)
        attempt.decided_at = now
        return self._final(attempt)

    def _approve(self, session: Session, attempt: AttemptColumns, now: datetime) -> Approval:
        attempt.approval_no = self._new_approval_no(session)
        attempt.state = AttemptStatus.APPROVED.value
        attempt.decided_at = now
        return self._final(attempt)

    def _new_approval_no(self, session: Session) -> str:
        while True:
            candidate = f"{self._rng.randrange(10_000_000, 100_000_000)}"
            taken = session.scalar(select(exists().where(self._Attempt.approval_no == candidate)))
            if not taken:
                return candidate

    # public calls
    def outcome(self, attempt_key: str) -> AttemptState:
        """What the issuer knows of `attempt_key` (never faulted: it is how recovery asks)."""
        key = clean_key(attempt_key)
        with self._store.transaction() as session:
            attempt = self._get(session, key)
            if attempt is None:
                return AttemptState(key, AttemptStatus.UNKNOWN)
            self._settle(attempt, self._clock.now())
            status = AttemptStatus(attempt.state)
            done = status in (AttemptStatus.APPROVED, AttemptStatus.CANCELLED)
            return AttemptState(
                attempt_key=key, status=status,
                approval_no=attempt.approval_no if done else None,
                amount=attempt.amount if done else None,
                reason=PaymentFailure(attempt.reason) if status is AttemptStatus.FAILED else None,
                approved_at=attempt.decided_at if done else None,
                cancelled_at=attempt.cancelled_at,
                expires_at=self._expires_at(attempt) if status is AttemptStatus.PENDING else None,
            )

    def cancel(self, cancel_key: str, approval_no: str) -> Cancelled:
        """Cancel an approved payment. The same key again returns the same cancellation; the
        same key for another approval raises IdempotencyConflict; an approval cancelled before
        (with another key) returns that first cancellation; an unknown approval raises
        UnknownApproval."""
        key = clean_key(cancel_key, "cancel_key")
        if not isinstance(approval_no, str):
            raise ValueError("approval_no must be a str")
        with self._store.transaction() as session:
            fault = self.faults.take(deciding=False)
            if fault is not None and fault.kind is FaultKind.TIMEOUT_BEFORE:
                raise IssuerTimeout("no answer from the issuer (nothing done)")
            done = session.scalars(select(self._Cancel).where(self._Cancel.cancel_key == key)).first()
            if done is not None:
                if done.approval_no != approval_no:
                    raise IdempotencyConflict("this cancel key was used for another approval")
                answer = Cancelled(done.cancel_key, done.approval_no, done.cancelled_at)
            else:
                answer = self._cancel_new(session, key, approval_no)
        if fault is not None and fault.kind is FaultKind.TIMEOUT_AFTER:
            raise IssuerTimeout("no answer from the issuer (the cancellation was recorded)")
        return answer

    def _cancel_new(self, session: Session, key: str, approval_no: str) -> Cancelled:
        attempt = session.scalars(select(self._Attempt).where(self._Attempt.approval_no == approval_no)
                                  .with_for_update()).first()
        if attempt is None:
            raise UnknownApproval(f"no approval {approval_no!r} at this issuer")
        if attempt.state == AttemptStatus.CANCELLED.value:
            first = session.scalars(select(self._Cancel).where(self._Cancel.attempt_id == attempt.id)).one()
            return Cancelled(first.cancel_key, first.approval_no, first.cancelled_at)
        now = self._clock.now()
        attempt.state = AttemptStatus.CANCELLED.value
        attempt.cancelled_at = now
        session.add(self._Cancel(cancel_key=key, attempt_id=attempt.id, approval_no=approval_no, cancelled_at=now))
        return Cancelled(key, approval_no, now)
