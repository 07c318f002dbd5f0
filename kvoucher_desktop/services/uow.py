"""Unit of work: one short session per service call; rollback unless committed."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Callable, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from ..models import AuditRecord
from ..models.audit_chain import row_hash
from .clock import Clock
from .dto import Actor

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
        now = self._clock.now()
        content = dict(
            id=uuid.uuid4(),
            at=at or now,
            recorded_at=now,
            actor_id=actor.user_id if actor else None,
            actor_role=actor.role.value if actor else "SYSTEM",
            actor_name=actor.name if actor else "시스템",
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=_dump(before),
            after=_dump(after),
        )
        record = AuditRecord(**content, row_hash=row_hash(**content))  # seq: the INSERT computes it
        self.session.add(record)
        return record


def _dump(data: dict | None) -> str | None:
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


UowFactory = Callable[[], UnitOfWork]
