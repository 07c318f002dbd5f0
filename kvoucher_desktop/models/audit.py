"""Append-only audit log of every state change (SPEC §3), sealed by checkpoints.

The database refuses UPDATE and DELETE of both tables (triggers of migration 0004); the ORM
listeners below refuse them earlier with a Python error. `seq` orders the log; `row_hash` is
the SHA-256 of the row's own content (`audit_chain.row_hash`); an `AuditCheckpoint` seals a
range of rows with the hash of their row hashes chained to the previous checkpoint
(docs/decisions.md, "Audit log").
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from .base import Base, new_id


class next_audit_seq(FunctionElement):
    """A new record's seq, computed inside its own INSERT: PostgreSQL's sequence (no writer ever
    waits for another; a rolled-back transaction leaves a gap), on SQLite the number after the
    largest (atomic: the INSERT holds SQLite's single write lock; seq follows commit order)."""

    type = BigInteger()
    inherit_cache = True
    name = "next_audit_seq"


@compiles(next_audit_seq)
def _next_seq_sqlite(element, compiler, **kw):
    return "(SELECT coalesce(max(seq), 0) + 1 FROM audit_log)"


@compiles(next_audit_seq, "postgresql")
def _next_seq_postgresql(element, compiler, **kw):
    return "nextval('audit_log_seq_seq')"


class AuditRecord(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity_type", "entity_id", "at"),
        # AuditService.records(entity_id=...) filters on entity_id alone (benchmarks/README.md)
        Index("ix_audit_log_entity_id_at", "entity_id", "at"),
        Index("ix_audit_log_seq", "seq", unique=True),
    )
    # no RETURNING of seq: several records of one flush then go out as one executemany, each row
    # computing its own seq (a multi-row VALUES on SQLite could give two rows the same max + 1)
    __mapper_args__ = {"eager_defaults": False}

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
    # NULL only in a row that bypassed the app (a database trigger refuses such an INSERT)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True, default=next_audit_seq())
    recorded_at: Mapped[datetime | None] = mapped_column(nullable=True)  # clock time of the write; `at` may be backdated
    row_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # where the call that wrote it came from, as the programme server saw it (None on a desk's
    # own store); hashed with the content when present (models/audit_chain.canonical)
    client_address: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AuditCheckpoint(Base):
    """A seal over the rows with seq in (previous checkpoint's upto_seq, upto_seq]."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    upto_seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    row_count: Mapped[int] = mapped_column(Integer)
    # unique: a checkpoint has at most one successor, so two desks sealing at once cannot fork the chain
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditRecord, "before_update")
def _refuse_update(mapper, connection, target):  # pragma: no cover - exercised in tests
    raise AuditLogIsAppendOnly("audit records cannot be changed")


@event.listens_for(AuditCheckpoint, "before_update")
def _refuse_checkpoint_update(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit checkpoints cannot be changed")


@event.listens_for(AuditCheckpoint, "before_delete")
def _refuse_checkpoint_delete(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit checkpoints cannot be deleted")


@event.listens_for(AuditRecord, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit records cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state):
    """`update(AuditRecord)` / `delete(AuditRecord)` skip the per-object hooks above: refuse them too."""
    if (state.is_update or state.is_delete) and any(m.class_ in (AuditRecord, AuditCheckpoint)
                                                    for m in state.all_mappers):
        raise AuditLogIsAppendOnly("audit records cannot be changed or deleted")
