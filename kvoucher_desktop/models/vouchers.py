"""Voucher side of a demand company: budget abandonment requests (the payments: payments.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..enums import AbandonmentStatus
from .base import Base, new_id


class AbandonmentRequest(Base):
    """(잔여)예산포기 신청."""

    __tablename__ = "abandonment_requests"
    __table_args__ = (
        Index("ix_abandonment_company", "company_id", "requested_at"),
        Index("ix_abandonment_status", "status", "requested_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    status: Mapped[AbandonmentStatus] = mapped_column(Enum(AbandonmentStatus, native_enum=False, length=16))
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    requested_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    requested_by_name: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    decided_by_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decline_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    budget_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    budget_after: Mapped[int | None] = mapped_column(Integer, nullable=True)
