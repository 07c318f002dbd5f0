"""Screening transitions of demand companies (심사 이력)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..enums import Role, ScreeningAction, ScreeningStatus
from .base import Base, new_id


class ScreeningEvent(Base):
    __tablename__ = "screening_events"
    __table_args__ = (Index("ix_screening_events_company_at", "company_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    action: Mapped[ScreeningAction] = mapped_column(Enum(ScreeningAction, native_enum=False, length=16))
    from_status: Mapped[ScreeningStatus | None] = mapped_column(
        Enum(ScreeningStatus, native_enum=False, length=16), nullable=True
    )
    to_status: Mapped[ScreeningStatus] = mapped_column(Enum(ScreeningStatus, native_enum=False, length=16))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    at: Mapped[datetime]
    #: position in the company's history (events may share a timestamp)
    seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
