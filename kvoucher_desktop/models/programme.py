"""Programme parameters (SPEC §4), categories, operating agencies, announcements."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


class ProgrammeSettings(Base):
    __tablename__ = "programme_settings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    application_start: Mapped[date] = mapped_column(Date)
    application_end: Mapped[date] = mapped_column(Date)
    voucher_amount: Mapped[int] = mapped_column(Integer)  # KRW
    government_share_pct: Mapped[int] = mapped_column(Integer)  # 0..100
    use_period_months: Mapped[int] = mapped_column(Integer, default=8)
    deal_window_days: Mapped[int] = mapped_column(Integer, default=2)
    same_day_cancel_only: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_price_above_list: Mapped[bool] = mapped_column(Boolean, default=False)
    settlement_days: Mapped[int] = mapped_column(Integer, default=10)
    settlement_fee_bp: Mapped[int] = mapped_column(Integer, default=0)  # basis points


class Category(Base):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class OperatingAgency(Base):
    __tablename__ = "operating_agencies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    region: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime | None] = mapped_column(nullable=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)


class PreviousParticipant(Base):
    """Business numbers that were demand companies in an earlier programme year."""

    __tablename__ = "previous_participants"
    __table_args__ = (UniqueConstraint("year", "business_no"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer)
    business_no: Mapped[str] = mapped_column(String(10), index=True)
