"""Phone identity verification (본인인증), simulated: a 6-digit code by SMS.

Codes are valid for 3 minutes and allow 5 tries. A verified request yields a token the
signup service checks (name + phone must match). Codes are never logged or stored
outside the simulator's memory.
"""

from __future__ import annotations

import random
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..clock import Clock
from ..errors import ValidationError, VerificationError
from ..rules.inputs import clean_number_text, clean_text
from ..rules.numbers import normalize_mobile
from .sms import SmsSender

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

    def redeem(self, token: str) -> None:
        """The token has served its purpose (a completed signup): it cannot be used again."""


@dataclass
class _Request:
    name: str
    phone: str
    code: str
    sent_at: datetime
    tries: int = 0
    done: bool = False
    #: the simulated SMS that carried the code (None with a real sender)
    message: object = None


class SimulatedIdentityVerifier:
    def __init__(self, clock: Clock, sms: SmsSender, seed: int | None = None):
        self._clock = clock
        self._sms = sms
        self._rng = random.Random(seed) if seed is not None else random.SystemRandom()
        self._lock = threading.Lock()
        self._requests: dict[str, _Request] = {}
        self._tokens: dict[str, VerifiedIdentity] = {}

    def start(self, name: str, phone: str) -> str:
        name = clean_text(name, "identity.name", field="name")
        normalized = normalize_mobile(clean_number_text(phone, "identity.phone", field="phone"))
        if normalized is None:
            raise ValidationError("휴대폰 번호는 010-XXXX-XXXX 형식으로 입력해 주세요.", field="phone")
        code = f"{self._rng.randrange(0, 1_000_000):06d}"
        request_id = secrets.token_hex(8)
        request = _Request(name, normalized, code, self._clock.now())
        with self._lock:
            self._requests[request_id] = request
        request.message = self._sms.send(normalized, f"[K-비대면바우처] 본인확인 인증번호 [{code}]를 입력해 주세요.")
        return request_id

    def message_of(self, request_id: str):
        """The simulated SMS sent for `request_id` (None: unknown request, or a real sender): what
        a development server shows the desk that started the request (server/gateways.py)."""
        with self._lock:
            req = self._requests.get(request_id)
        return req.message if req is not None else None

    def confirm(self, request_id: str, code: str) -> VerifiedIdentity:
        with self._lock:
            req = self._requests.get(request_id)
            if req is None or req.done:
                raise VerificationError("인증 요청을 찾을 수 없습니다. 인증번호를 다시 요청해 주세요.")
            if self._clock.now() - req.sent_at > CODE_VALID:
                req.done = True
                raise VerificationError("인증번호 유효시간(3분)이 지났습니다. 인증번호를 다시 요청해 주세요.")
            if req.tries >= MAX_TRIES:
                req.done = True
                raise VerificationError("인증번호를 5회 잘못 입력했습니다. 인증번호를 다시 요청해 주세요.")
            if not isinstance(code, str) or code.strip() != req.code:
                req.tries += 1
                left = MAX_TRIES - req.tries
                if left == 0:
                    req.done = True
                    raise VerificationError("인증번호를 5회 잘못 입력했습니다. 인증번호를 다시 요청해 주세요.")
                raise VerificationError(f"인증번호가 일치하지 않습니다. (남은 횟수 {left}회)")
            req.done = True
            identity = VerifiedIdentity(
                token=secrets.token_hex(16), name=req.name, phone=req.phone, verified_at=self._clock.now()
            )
            self._tokens[identity.token] = identity
            return identity

    def expires_at(self, request_id: str) -> datetime | None:
        with self._lock:
            req = self._requests.get(request_id)
        return req.sent_at + CODE_VALID if req is not None else None

    def check(self, token: str, name: str, phone: str) -> bool:
        with self._lock:
            identity = self._tokens.get(token or "")
        if identity is None:
            return False
        if self._clock.now() - identity.verified_at > TOKEN_VALID:
            return False
        return isinstance(name, str) and identity.name == name.strip() and identity.phone == normalize_mobile(phone)

    def redeem(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token or "", None)
