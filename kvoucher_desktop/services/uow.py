"""Unit of work: one short session per service call; rollback unless committed.

A gated service call runs on one connection: the session gate checks it out, resolves the
Actor on it and lends it to the call (`lend`); the call's units of work then bind to it instead
of checking out another, and a read that needs no ORM object uses `uow.connection` without
building a Session at all (docs/decisions.md, "One connection per service call").
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any, Callable, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from ..models import AuditRecord
from .clock import Clock
from .dto import Actor
from .repositories.accounts import AccountRepository
from .repositories.audit import AuditLog
from .repositories.blobs import BlobRepository
from .repositories.budget import BudgetRepository
from .repositories.catalog import ServiceRepository
from .repositories.deals import DealRepository
from .repositories.evaluations import EvaluationRepository
from .repositories.payments import PaymentRepository
from .repositories.settings import SettingsRepository
from .repositories.companies import CompanyRepository
from .repositories.company_names import CompanyNameIndex
from .repositories.documents import DocumentRepository

R = TypeVar("R")


class _Lent:
    """The connection a gated call was resolved on; one unit of work at a time holds it."""

    __slots__ = ("connection", "held")

    def __init__(self, connection: Connection):
        self.connection = connection
        self.held = False


_LENT: ContextVar[_Lent | None] = ContextVar("kvoucher_call_connection", default=None)


def lend(connection: Connection):
    """Lend `connection` to the units of work this context opens until `unlend(token)`."""
    return _LENT.set(_Lent(connection))


def unlend(token) -> None:
    _LENT.reset(token)


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker, clock: Clock):
        self._factory = session_factory
        self._clock = clock
        self._session: Session | None = None
        self._lent: _Lent | None = None
        self._active = False
        self._repositories: dict[type, Any] = {}

    def __enter__(self) -> "UnitOfWork":
        lent = _LENT.get()
        if lent is not None and not lent.held:  # a nested unit of work gets its own connection
            lent.held = True
            self._lent = lent
        self._session = None
        self._active = True
        self._repositories = {}
        return self

    @property
    def session(self) -> Session | None:
        """The unit's ORM Session, made on first use (bound to the call's connection if lent)."""
        if self._session is None and self._active:
            if self._lent is not None:
                # joins the transaction the gate's lookup began: a rollback ends it, a commit
                # is completed on the connection (`commit`)
                self._session = self._factory(bind=self._lent.connection, join_transaction_mode="rollback_only")
            else:
                self._session = self._factory()
        return self._session

    @property
    def connection(self) -> Connection:
        """The unit's connection for Core reads: the lent one without making a Session."""
        assert self._active, "a connection is used inside `with uow:` only"
        if self._session is None and self._lent is not None:
            return self._lent.connection
        return self.session.connection()

    def _repository(self, cls: type[R]) -> R:
        """One instance of repository `cls` per transaction (services/repositories)."""
        assert self._active, "a repository is used inside `with uow:` only"
        repo = self._repositories.get(cls)
        if repo is None:
            repo = self._repositories[cls] = cls(self.session, self._clock)
        return repo

    @property
    def companies(self) -> CompanyRepository:
        return self._repository(CompanyRepository)

    @property
    def company_names(self) -> CompanyNameIndex:
        return self._repository(CompanyNameIndex)

    @property
    def documents(self) -> DocumentRepository:
        return self._repository(DocumentRepository)

    @property
    def accounts(self) -> AccountRepository:
        return self._repository(AccountRepository)

    @property
    def deals(self) -> DealRepository:
        return self._repository(DealRepository)

    @property
    def payments(self) -> PaymentRepository:
        return self._repository(PaymentRepository)

    @property
    def evaluations(self) -> EvaluationRepository:
        return self._repository(EvaluationRepository)

    @property
    def budget(self) -> BudgetRepository:
        return self._repository(BudgetRepository)

    @property
    def catalog(self) -> ServiceRepository:
        return self._repository(ServiceRepository)

    @property
    def settings(self) -> SettingsRepository:
        return self._repository(SettingsRepository)

    @property
    def blobs(self) -> BlobRepository:
        return self._repository(BlobRepository)

    def __exit__(self, *exc) -> None:
        assert self._active
        session, lent = self._session, self._lent
        self._session, self._lent, self._active, self._repositories = None, None, False, {}
        try:
            if session is not None:
                try:
                    session.rollback()
                finally:
                    session.close()
            elif lent is not None and lent.connection.in_transaction():
                lent.connection.rollback()  # Core reads only: end them as a Session would
        finally:
            if lent is not None:
                lent.held = False

    def commit(self) -> None:
        assert self._active
        self.session.commit()
        if self._lent is not None and self._lent.connection.in_transaction():
            self._lent.connection.commit()  # the joined transaction is the connection's own

    def audit(
        self,
        actor: Actor | None,
        action: str,
        entity_type: str,
        entity_id: Any,
        before: dict | None = None,
        after: dict | None = None,
        at: datetime | None = None,
    ) -> AuditRecord:
        """Append one audit record in the same transaction as the change, with its place in the
        log (`seq`, assigned by the INSERT itself) and the hash of its content (docs/decisions.md)."""
        assert self._active
        return self._repository(AuditLog).record(actor, action, entity_type, entity_id, before, after, at)


UowFactory = Callable[[], UnitOfWork]
