"""Phone identity verification (본인인증): what the signup service, the phone verification box and
the desk's client share (the simulator is `identity_simulator.py`; this module imports no
SQLAlchemy, as the desk's client does not).

Codes are valid for 3 minutes and allow 5 tries. A verified request yields a token the
signup service checks (name + phone must match).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

CODE_VALID = timedelta(minutes=3)
MAX_TRIES = 5
TOKEN_VALID = timedelta(hours=2)


@dataclass(frozen=True)
class VerifiedIdentity:
    token: str
    name: str
    phone: str
    verified_at: datetime


class IdentityVerifier(Protocol):
    def start(self, name: str, phone: str) -> str:
        """Send a code; returns a request id."""

    def confirm(self, request_id: str, code: str) -> VerifiedIdentity: ...

    def expires_at(self, request_id: str) -> datetime | None:
        """When the code sent for `request_id` stops being accepted (None: unknown request)."""

    def check(self, token: str, name: str, phone: str) -> bool:
        """True if the token proves that `name` verified `phone` recently."""

    def redeem(self, token: str) -> bool:
        """Use the token for a signup: True when this call used it, False when it was already
        used (or is unknown). Atomic, so of two signups with one token only one gets True."""

    def release(self, token: str) -> None:
        """A token redeemed for a signup that did not commit can be used again."""
