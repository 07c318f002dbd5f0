"""Append-only audit log of every state change (SPEC §3)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base, new_id


class AuditRecord(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity_type", "entity_id", "at"),
        # AuditService.records(entity_id=...) filters on entity_id alone (benchmarks/README.md)
        Index("ix_audit_log_entity_id_at", "entity_id", "at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    after: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditRecord, "before_update")
def _refuse_update(mapper, connection, target):  # pragma: no cover - exercised in tests
    raise AuditLogIsAppendOnly("audit records cannot be changed")


@event.listens_for(AuditRecord, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit records cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state):
    """`update(AuditRecord)` / `delete(AuditRecord)` skip the per-object hooks above: refuse them too."""
    if (state.is_update or state.is_delete) and any(m.class_ is AuditRecord for m in state.all_mappers):
        raise AuditLogIsAppendOnly("audit records cannot be changed or deleted")
