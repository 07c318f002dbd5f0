"""Login sessions and the one gate every public service method passes through (SPEC §3).

A login (or a signup) opens a session: a random token (`secrets.token_urlsafe(32)`) that only
the caller holds, stored as its SHA-256, with its account, start, last use and expiry. The
`Actor` handed back is a handle of it (`Actor.token`). Logout, a password change and an agency
lock end it; it lapses after `SessionPolicy.idle` without use and `SessionPolicy.absolute` after
it opened, by the injected clock.

`gate(service, sessions)` wraps a service object (the composition root does it for every
service): every public method whose first parameter is `actor` first resolves the handed Actor
against the store (`SessionStore.resolve`) and runs with a fresh Actor built from the store's
account — never with the role, company, supplier or operator the caller put in. A future
network server maps a bearer token to the same sessions (`SessionStore.resolve_token`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..enums import Role
from ..models import LoginSession, User
from .clock import Clock
from .dto import Actor
from .errors import SessionInvalid
from .repositories.rows import fast, read_one
from .uow import UnitOfWork, UowFactory, lend, unlend

#: end reasons stored in login_sessions.end_reason
LOGOUT, PASSWORD_CHANGE, ACCOUNT_LOCKED, IDLE, EXPIRED = "logout", "password_change", "account_locked", "idle", "expired"
#: a token is `secrets.token_urlsafe(32)`: 43 characters of the URL-safe base64 alphabet
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,128}")


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives. The defaults are the production values (docs/decisions.md)."""

    #: refused after this long without a service call
    idle: timedelta = timedelta(minutes=60)
    #: refused this long after login, used or not
    absolute: timedelta = timedelta(hours=12)
    #: last_used_at is written at most this often, so reads do not become writes
    touch_every: timedelta = timedelta(seconds=60)


PRODUCTION_SESSIONS = SessionPolicy()


def hash_token(token: str) -> str:
    """SHA-256 hex of a session token: what the store keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_of(user: User | _Account, token: str = "") -> Actor:
    """An Actor of `user`'s account. Without a token it is no session handle: the services refuse
    it (used for naming the account in audit records of failed logins)."""
    return Actor(
        user_id=user.id,
        role=user.role,
        name=user.display_name,
        login_id=user.login_id,
        company_id=user.company_id,
        supplier_id=user.supplier_id,
        operator_id=user.operator_id,
        token=token,
    )


@dataclass(frozen=True)
class _Account:
    """The columns of `users` a session check needs (read with the session, in one query)."""

    id: uuid.UUID
    role: Role
    display_name: str
    login_id: str
    company_id: uuid.UUID | None
    supplier_id: uuid.UUID | None
    operator_id: uuid.UUID | None
    active: bool


_LOOKUP = (
    select(*(fast(c) for c in (User.id, User.role, User.display_name, User.login_id, User.company_id,
                               User.supplier_id, User.operator_id, User.active)),
           *(fast(c).label(f"session_{c.key}") for c in (LoginSession.id, LoginSession.last_used_at,
                                                         LoginSession.expires_at, LoginSession.ended_at)))
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


@dataclass(frozen=True)
class Bearer:
    """A session named by its token alone: what a programme server hands the gate for a request's
    bearer token (server/app.py). The token is the secret, so there is no identity to compare:
    the gate takes everything from the session, as for an Actor, in one lookup."""

    token: str = field(repr=False)


def _well_formed(token: Any) -> bool:
    """Could be a token at all (checked before hashing: no odd types, sizes or surrogates)."""
    return isinstance(token, str) and TOKEN_RE.fullmatch(token) is not None


def _identity(user_id, role, company_id, supplier_id, operator_id) -> tuple:
    """The fields of an Actor that must equal the store's account (else: an edited handle)."""
    return (user_id, role, company_id, supplier_id, operator_id)


class SessionStore:
    """Opens, resolves and ends login sessions. Not a service: it takes no Actor, and the gate
    is built on it. `open_for` is for start-up code (the demo seeder, tests), never for views."""

    def __init__(self, uow: UowFactory, clock: Clock, policy: SessionPolicy = PRODUCTION_SESSIONS,
                 engine: Engine | None = None):
        self.uow = uow
        self.clock = clock
        self.policy = policy
        #: with an engine, a gated call is resolved on the connection it then runs on (`serving`)
        self.engine = engine

    # --- opening --------------------------------------------------------------------------------
    def open(self, session: Session, user: User, now: datetime | None = None) -> Actor:
        """Add a session of `user` to the caller's unit of work (committed with it)."""
        now = now or self.clock.now()
        token = secrets.token_urlsafe(32)
        session.add(LoginSession(
            id=uuid.uuid4(), user_id=user.id, token_hash=hash_token(token), created_at=now,
            last_used_at=now, expires_at=now + self.policy.absolute,
        ))
        return actor_of(user, token)

    def open_for(self, user_id: uuid.UUID) -> Actor:
        """A session of an active account without a password check (bootstrap and seeding code)."""
        with self.uow() as uow:
            user = uow.session.get(User, user_id)
            if user is None or not user.active:
                raise SessionInvalid()
            actor = self.open(uow.session, user)
            uow.commit()
            return actor

    # --- resolving ------------------------------------------------------------------------------
    def resolve(self, actor: Any, *, allow_none: bool = False, allow_ended: bool = False) -> Actor | None:
        """The store's Actor for a handed one, or SessionInvalid.

        Refused: anything but an Actor (None only with `allow_none`), a token that names no
        session, an Actor whose user/role/company/supplier/operator differ from the session's
        account, and — unless `allow_ended` (logout) — an ended or expired session or an account
        the agency locked. The returned Actor is built from the store's account. The lookup (and
        a lapse or last-use write, committed at once) runs in a unit of work: on the call's
        connection when the gate lent one (`serving`)."""
        if actor is None and allow_none:
            return None
        if not isinstance(actor, (Actor, Bearer)):
            raise SessionInvalid()
        token = actor.token
        with self.uow() as uow:
            user, row = self._lookup(uow, token)
            if isinstance(actor, Actor):
                handed = _identity(actor.user_id, actor.role, actor.company_id, actor.supplier_id, actor.operator_id)
                stored = _identity(user.id, user.role, user.company_id, user.supplier_id, user.operator_id)
                if handed != stored:
                    raise SessionInvalid()
            fresh = actor_of(user, token)
            if allow_ended:
                self._lapse(uow, row)  # an expired session is marked so, not ended again by the caller
                return fresh
            self._check_live(uow, row, user)
            return fresh

    @contextmanager
    def serving(self, actor: Any, *, allow_none: bool = False, allow_ended: bool = False) -> Iterator[Actor | None]:
        """`resolve(actor)` on a connection checked out for the whole call and lent to the call's
        units of work (one checkout per call, not two).

        A connection the server dropped while it sat in the pool fails the lookup, the call's
        first statement, with a disconnect error: the pool is invalidated and the lookup is
        tried once more on a new connection (nothing has happened on the dead one)."""
        visitor = actor is None and allow_none  # no lookup, but the call's units still share one checkout
        if self.engine is None or not (visitor or isinstance(actor, (Actor, Bearer)) and _well_formed(actor.token)):
            yield self.resolve(actor, allow_none=allow_none, allow_ended=allow_ended)
            return
        for attempt in (1, 2):
            conn = self.engine.connect()
            lent = lend(conn)
            try:
                fresh = self.resolve(actor, allow_none=allow_none, allow_ended=allow_ended)
                break
            except BaseException as exc:
                unlend(lent)
                conn.close()
                if attempt == 2 or not (isinstance(exc, DBAPIError) and exc.connection_invalidated):
                    raise
        try:
            yield fresh
        finally:
            unlend(lent)
            conn.close()

    def resolve_token(self, token: str) -> Actor:
        """The Actor of a live session by its raw token (what a network server's bearer token is)."""
        with self.uow() as uow:
            user, row = self._lookup(uow, token)
            self._check_live(uow, row, user)
            return actor_of(user, token)

    def _lookup(self, uow: UnitOfWork, token: Any):
        """(account, (session id, last used, expires, ended)) of a token, or SessionInvalid when
        it is no token at all or names no session. One row as a tuple: no ORM objects, no Session."""
        if not _well_formed(token):
            raise SessionInvalid()
        found = read_one(uow.connection, _LOOKUP, {"token_hash": hash_token(token)})
        if found is None:
            raise SessionInvalid()
        account = _Account(*found[:8])
        return account, tuple(found[8:])

    def _lapse(self, uow: UnitOfWork, row) -> bool:
        """Mark an open session past its idle or absolute expiry as ended; True if it has ended."""
        session_id, last_used_at, expires_at, ended_at = row
        if ended_at is not None:
            return True
        now = self.clock.now()
        lapsed = EXPIRED if now >= expires_at else IDLE if now >= last_used_at + self.policy.idle else None
        if lapsed is None:
            return False
        self._end_in(uow.session, LoginSession.id == session_id, lapsed, now)
        uow.commit()
        return True

    def _check_live(self, uow: UnitOfWork, row, user: _Account) -> None:
        if self._lapse(uow, row):
            raise SessionInvalid()
        session_id, last_used_at, _expires_at, _ended_at = row
        now = self.clock.now()
        if not user.active:
            raise SessionInvalid()
        if now - last_used_at >= self.policy.touch_every:
            # conditional: of two desks touching at once, one writes
            uow.session.execute(update(LoginSession)
                                .where(LoginSession.id == session_id,
                                       LoginSession.last_used_at <= now - self.policy.touch_every,
                                       LoginSession.ended_at.is_(None))
                                .values(last_used_at=now).execution_options(synchronize_session=False))
            uow.commit()

    # --- ending ---------------------------------------------------------------------------------
    def end(self, session: Session, token: str, reason: str, now: datetime | None = None) -> bool:
        """End the session of `token` in the caller's unit of work; False if it had ended already."""
        return self._end_in(session, LoginSession.token_hash == hash_token(token), reason, now) > 0

    def end_all(self, session: Session, user_id: uuid.UUID, reason: str, now: datetime | None = None) -> int:
        """End every open session of an account in the caller's unit of work; how many were open."""
        return self._end_in(session, LoginSession.user_id == user_id, reason, now)

    def _end_in(self, session: Session, where, reason: str, now: datetime | None) -> int:
        result = session.execute(
            update(LoginSession).where(where, LoginSession.ended_at.is_(None))
            .values(ended_at=now or self.clock.now(), end_reason=reason)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount or 0


# --- the gate -------------------------------------------------------------------------------------
#: marks a method that must also accept an ended or expired session of a real account (logout)
_GATE_MODE = "__session_gate__"


def accepts_ended_session(fn: Callable) -> Callable:
    """Decorator for `logout`: the handle must name a real session of its (unedited) account, but
    that session may have ended or expired already (logging out twice is no error)."""
    setattr(fn, _GATE_MODE, "ended_ok")
    return fn


def _takes_actor(fn: Callable) -> tuple[bool, bool]:
    """(first parameter is `actor`, that parameter accepts None)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False, False
    if not params or params[0].name != "actor":
        return False, False
    first = params[0]
    annotation = first.annotation if isinstance(first.annotation, str) else repr(first.annotation)
    accepts_none = first.default is None or "None" in annotation
    return True, accepts_none


def gated_methods(service: Any) -> dict[str, tuple[bool, bool]]:
    """Public methods of a service object (or of a gated one) that take an actor:
    name -> (accepts None, accepts an ended session)."""
    service = ungated(service)
    found = {}
    for name in dir(type(service)):
        if name.startswith("_"):
            continue
        fn = getattr(type(service), name, None)
        if not inspect.isfunction(fn):
            continue
        takes, accepts_none = _takes_actor(getattr(service, name))  # bound: without `self`
        if takes:
            found[name] = (accepts_none, getattr(fn, _GATE_MODE, None) == "ended_ok")
    return found


class GatedService:
    """A service object whose actor-taking public methods resolve the Actor first.

    Everything else (methods without an actor, attributes such as `uow` and `clock`) is the
    service's own. The service's calls to its own methods are not gated again."""

    def __init__(self, service: Any, sessions: SessionStore):
        object.__setattr__(self, "_service", service)
        object.__setattr__(self, "_sessions", sessions)
        for name, (accepts_none, ended_ok) in gated_methods(service).items():
            object.__setattr__(self, name, _guard(getattr(service, name), sessions, accepts_none, ended_ok))

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "_service"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__:  # a gated method replaced (tests' monkeypatch)
            object.__setattr__(self, name, value)
        else:
            setattr(self._service, name, value)

    def __delattr__(self, name: str) -> None:
        if name in self.__dict__:
            object.__delattr__(self, name)
        else:
            delattr(self._service, name)

    def __repr__(self) -> str:
        return f"<gated {self._service!r}>"


def _guard(method: Callable, sessions: SessionStore, accepts_none: bool, ended_ok: bool) -> Callable:
    @functools.wraps(method)
    def call(*args, **kwargs):
        if args:
            with sessions.serving(args[0], allow_none=accepts_none, allow_ended=ended_ok) as fresh:
                return method(fresh, *args[1:], **kwargs)
        if "actor" in kwargs:
            with sessions.serving(kwargs["actor"], allow_none=accepts_none, allow_ended=ended_ok) as fresh:
                kwargs["actor"] = fresh
                return method(**kwargs)
        raise SessionInvalid()

    call.__wrapped_service_method__ = method
    return call


def ungated(service: Any) -> Any:
    """The service object behind a gated one (tests patch what its own methods call)."""
    if isinstance(service, GatedService):
        return object.__getattribute__(service, "_service")
    return service


def gate(service: Any, sessions: SessionStore) -> Any:
    """`service` with the session check in front of every public method that takes an actor."""
    return GatedService(service, sessions)
