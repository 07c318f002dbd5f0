"""Unit of work: one short session per service call; rollback unless committed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, TypeVar

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
from .repositories.settings import SettingsRepository
from .repositories.companies import CompanyRepository
from .repositories.company_names import CompanyNameIndex
from .repositories.documents import DocumentRepository

R = TypeVar("R")


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker, clock: Clock):
        self._factory = session_factory
        self._clock = clock
        self.session: Session | None = None
        self._repositories: dict[type, Any] = {}

    def __enter__(self) -> "UnitOfWork":
        self.session = self._factory()
        self._repositories = {}
        return self

    def _repository(self, cls: type[R]) -> R:
        """One instance of repository `cls` per transaction (services/repositories)."""
        assert self.session is not None, "a repository is used inside `with uow:` only"
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

    # Repositories: add one property per repository, e.g.
    #     @property
    #     def deals(self) -> "DealRepository":
    #         from .repositories.deals import DealRepository  (or a top-level import)
    #         return self._repository(DealRepository)

    def __exit__(self, *exc) -> None:
        assert self.session is not None
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self.session = None
            self._repositories = {}

    def commit(self) -> None:
        assert self.session is not None
        self.session.commit()

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
        assert self.session is not None
        return self._repository(AuditLog).record(actor, action, entity_type, entity_id, before, after, at)


UowFactory = Callable[[], UnitOfWork]
