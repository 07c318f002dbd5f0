"""Deals (거래, SPEC §5.3) and their event history."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..enums import DealAction, DealState
from .base import Base, new_id

#: states in which a deal still occupies its (company, service) slot
OPEN_STATES = (DealState.CONSULT_REQUESTED, DealState.ACCEPTED, DealState.PAYMENT_REQUESTED, DealState.IN_CART)


class Deal(Base):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_company_state", "company_id", "state", "updated_at", "id"),
        Index("ix_deals_supplier_state", "supplier_id", "state", "updated_at", "id"),
        Index("ix_deals_company_service", "company_id", "service_id"),
        Index("ix_deals_service_state", "service_id", "state"),
        Index("ix_deals_deadline", "deadline_at"),
        Index("ix_deals_id_service", "id", "service_id"),  # a payment's service, for statistics (0009)
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"))
    state: Mapped[DealState] = mapped_column(Enum(DealState, native_enum=False, length=24))
    memo: Mapped[str] = mapped_column(Text)  # 거래상담 메모
    requested_at: Mapped[datetime]
    requested_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    payment_requested_at: Mapped[datetime | None] = mapped_column(nullable=True)
    amount: Mapped[int | None] = mapped_column(Integer, nullable=True)  # KRW, set with the payment request
    #: when an unanswered request lapses (00:00 KST of D+3); None when nothing is awaited
    deadline_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: 반려 memo, or why the deal became 불가
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


# At most one open deal per (company, service), also under two desks at once (SPEC §5.3).
Index(
    "uq_deals_open_per_service", Deal.company_id, Deal.service_id, unique=True,
    sqlite_where=Deal.state.in_([s.value for s in OPEN_STATES]),
    postgresql_where=Deal.state.in_([s.value for s in OPEN_STATES]),
)


class DealEvent(Base):
    __tablename__ = "deal_events"
    __table_args__ = (Index("ix_deal_events_deal_seq", "deal_id", "seq", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    deal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deals.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[DealAction] = mapped_column(Enum(DealAction, native_enum=False, length=24))
    from_state: Mapped[DealState | None] = mapped_column(Enum(DealState, native_enum=False, length=24), nullable=True)
    to_state: Mapped[DealState] = mapped_column(Enum(DealState, native_enum=False, length=24))
    memo: Mapped[str | None] = mapped_column(Text, nullable=True)
    amount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(16))  # a Role value or "SYSTEM"
    at: Mapped[datetime]
