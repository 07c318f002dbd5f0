"""The identity provider (본인인증), simulated: a 6-digit code by SMS, its requests and tokens kept
in the issuers' store (`identity_requests`, `identity_tokens`), so that every desk of a shared
database and every worker of the programme server knows a verification another one started.

The code is stored only as SHA-256 of a per-request salt and the code (as the card issuer keeps
its codes), the request id and the token only as their SHA-256 (as login sessions are kept); none
of them is logged. Each confirm runs under the request's row lock (SQLite: the store's write lock,
taken by the transaction's first statement), so two workers confirming at once count the wrong
tries one after the other and a request gives one token at most (the unique `request_id_hash` of
the tokens guards it as well); a token is redeemed by one conditional update. A day after a code
was sent its request and token are deleted (names and phone numbers are kept no longer than
needed) when the next code is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import threading
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..clock import Clock
from ..errors import ValidationError, VerificationError
from ..rules.inputs import clean_number_text, clean_text
from ..rules.numbers import normalize_mobile
from .identity import CODE_VALID, MAX_TRIES, TOKEN_VALID, VerifiedIdentity
from .issuer_store import IdentityRequest, IdentityToken, IssuerStore
from .sms import SmsSender

#: how long a request and its token are kept after the code was sent (both are of no use by then)
KEEP_FOR = timedelta(days=1)

NOT_FOUND_MESSAGE = "인증 요청을 찾을 수 없습니다. 인증번호를 다시 요청해 주세요."
EXPIRED_MESSAGE = "인증번호 유효시간(3분)이 지났습니다. 인증번호를 다시 요청해 주세요."
TOO_MANY_MESSAGE = "인증번호를 5회 잘못 입력했습니다. 인증번호를 다시 요청해 주세요."


def _digest(secret: str) -> str:
    """SHA-256 hex of a request id or a token (the recipe of `sessions.hash_token`)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _code_hash(salt: str, code: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + code.encode("utf-8")).hexdigest()


class SimulatedIdentityVerifier:
    def __init__(self, store: IssuerStore, clock: Clock, sms: SmsSender, seed: int | None = None):
        self._store = store
        self._clock = clock
        self._sms = sms
        self._rng = random.Random(seed) if seed is not None else random.SystemRandom()
        # The simulated SMS of each request, for the development endpoint only (`message_of`): in
        # this process's memory, as the SMS outbox itself is — a server with --dev-endpoints runs
        # one worker. Everything a verification needs is in the store.
        self._messages_lock = threading.Lock()
        self._messages: dict[str, object] = {}

    def start(self, name: str, phone: str) -> str:
        name = clean_text(name, "identity.name", field="name")
        normalized = normalize_mobile(clean_number_text(phone, "identity.phone", field="phone"))
        if normalized is None:
            raise ValidationError("휴대폰 번호는 010-XXXX-XXXX 형식으로 입력해 주세요.", field="phone")
        code = f"{self._rng.randrange(0, 1_000_000):06d}"
        request_id = secrets.token_hex(8)
        salt = secrets.token_hex(16)
        with self._store.transaction() as session:
            now = self._clock.now()
            self._forget_before(session, now - KEEP_FOR)
            session.add(IdentityRequest(request_id_hash=_digest(request_id), name=name, phone=normalized,
                                        code_hash=_code_hash(salt, code), code_salt=salt, sent_at=now,
                                        tries=0, done=False))
        message = self._sms.send(normalized, f"[K-비대면바우처] 본인확인 인증번호 [{code}]를 입력해 주세요.")
        if message is not None:
            with self._messages_lock:
                self._messages[request_id] = message
        return request_id

    @staticmethod
    def _forget_before(session: Session, cutoff: datetime) -> None:
        session.execute(delete(IdentityToken).where(IdentityToken.verified_at < cutoff))
        session.execute(delete(IdentityRequest).where(IdentityRequest.sent_at < cutoff))

    def message_of(self, request_id: str):
        """The simulated SMS sent for `request_id` (None: unknown request, or a real sender): what
        a development server shows the desk that started the request (server/gateways.py). Only
        the process that sent it knows it (see `__init__`)."""
        if not isinstance(request_id, str):
            return None
        with self._messages_lock:
            return self._messages.get(request_id)

    @staticmethod
    def _locked_request(session: Session, request_id: str) -> IdentityRequest | None:
        """The request, locked until the transaction ends: PostgreSQL, its row lock; SQLite, the
        store's write lock, taken by a write as the transaction's first statement (a confirm of
        another desk or worker then waits, and reads what this one committed)."""
        key = _digest(request_id)
        if session.get_bind().dialect.name == "postgresql":
            stmt = select(IdentityRequest).where(IdentityRequest.request_id_hash == key).with_for_update()
        else:
            session.execute(update(IdentityRequest).where(IdentityRequest.request_id_hash == key)
                            .values(tries=IdentityRequest.tries).execution_options(synchronize_session=False))
            stmt = select(IdentityRequest).where(IdentityRequest.request_id_hash == key)
        return session.scalars(stmt).first()

    def confirm(self, request_id: str, code: str) -> VerifiedIdentity:
        refusal: str | None = None
        identity: VerifiedIdentity | None = None
        with self._store.transaction() as session:  # a refusal's bookkeeping is committed too
            req = self._locked_request(session, request_id) if isinstance(request_id, str) else None
            now = self._clock.now()
            if req is None or req.done:
                refusal = NOT_FOUND_MESSAGE
            elif now - req.sent_at > CODE_VALID:
                req.done = True
                refusal = EXPIRED_MESSAGE
            elif req.tries >= MAX_TRIES:
                req.done = True
                refusal = TOO_MANY_MESSAGE
            elif not isinstance(code, str) or not hmac.compare_digest(
                    _code_hash(req.code_salt, code.strip()), req.code_hash):
                req.tries += 1
                left = MAX_TRIES - req.tries
                if left == 0:
                    req.done = True
                    refusal = TOO_MANY_MESSAGE
                else:
                    refusal = f"인증번호가 일치하지 않습니다. (남은 횟수 {left}회)"
            else:
                req.done = True
                identity = VerifiedIdentity(token=secrets.token_hex(16), name=req.name, phone=req.phone,
                                            verified_at=now)
                session.add(IdentityToken(token_hash=_digest(identity.token), request_id_hash=req.request_id_hash,
                                          name=req.name, phone=req.phone, verified_at=now))
        if identity is None:
            raise VerificationError(refusal)
        return identity

    def expires_at(self, request_id: str) -> datetime | None:
        if not isinstance(request_id, str):
            return None
        with self._store.transaction() as session:
            sent_at = session.scalars(select(IdentityRequest.sent_at).where(
                IdentityRequest.request_id_hash == _digest(request_id))).first()
        return sent_at + CODE_VALID if sent_at is not None else None

    def check(self, token: str, name: str, phone: str) -> bool:
        if not isinstance(token, str) or not token:
            return False
        with self._store.transaction() as session:
            identity = session.scalars(select(IdentityToken).where(
                IdentityToken.token_hash == _digest(token), IdentityToken.redeemed_at.is_(None))).first()
        if identity is None:
            return False
        if self._clock.now() - identity.verified_at > TOKEN_VALID:
            return False
        return isinstance(name, str) and identity.name == name.strip() and identity.phone == normalize_mobile(phone)

    def redeem(self, token: str) -> bool:
        if not isinstance(token, str) or not token:
            return False
        with self._store.transaction() as session:
            used = session.execute(update(IdentityToken).where(
                IdentityToken.token_hash == _digest(token), IdentityToken.redeemed_at.is_(None))
                .values(redeemed_at=self._clock.now()).execution_options(synchronize_session=False))
            return used.rowcount == 1

    def release(self, token: str) -> None:
        if not isinstance(token, str) or not token:
            return
        with self._store.transaction() as session:
            session.execute(update(IdentityToken).where(IdentityToken.token_hash == _digest(token))
                            .values(redeemed_at=None).execution_options(synchronize_session=False))
