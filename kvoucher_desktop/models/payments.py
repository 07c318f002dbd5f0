"""Payments of deals (SPEC §5.4): one row per payment attempt, its idempotency key, the issuer's
answer and a later cancellation. The issuers' own records (card numbers, codes, passwords) are
never here: the platform keeps the last four digits of a card and the approval number."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..enums import PaymentFailure, PaymentMethod, PaymentStatus
from .base import Base, new_id

#: a deal has at most one payment that holds or spent budget (IN_PROGRESS or SUCCEEDED)
LIVE_PAYMENT = text("status IN ('IN_PROGRESS', 'SUCCEEDED')")


class Payment(Base):
    """One payment attempt of one deal. The ledger (SPEC §5.2) sums these."""

    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_company_status", "company_id", "status"),
        Index("ix_payments_deal", "deal_id"),
        Index("ix_payments_company_created", "company_id", "created_at", "id"),
        Index("ix_payments_supplier_created", "supplier_id", "created_at", "id"),
        # a supplier's tab of one status (결제실패 among 20,000 received) and its counts
        Index("ix_payments_supplier_status_created", "supplier_id", "status", "created_at", "id"),
        Index("ix_payments_status_updated", "status", "updated_at"),
        # succeeded payments of a period with what the statistics add up (migration 0009)
        Index("ix_payments_status_approved", "status", "approved_at", "company_id", "deal_id", "amount",
              "government_share"),
        Index("ux_payments_live_deal", "deal_id", unique=True, sqlite_where=LIVE_PAYMENT,
              postgresql_where=LIVE_PAYMENT),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    deal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deals.id"))
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"))
    method: Mapped[PaymentMethod] = mapped_column(Enum(PaymentMethod, native_enum=False, length=16))
    status: Mapped[PaymentStatus] = mapped_column(Enum(PaymentStatus, native_enum=False, length=16))
    amount: Mapped[int] = mapped_column(Integer)
    government_share: Mapped[int] = mapped_column(Integer)
    self_share: Mapped[int] = mapped_column(Integer)
    #: the Korean message of a failure (shown in 결제실패)
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    #: the client's idempotency key of this attempt, and a hash of what it asked for
    attempt_key: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: uuid.uuid4().hex)
    request_hash: Mapped[str] = mapped_column(String(64), default="")
    #: the attempts the client started together (one payment dialog), for the result list
    batch_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    failure_code: Mapped[PaymentFailure | None] = mapped_column(
        Enum(PaymentFailure, native_enum=False, length=24), nullable=True)
    #: card payments: the card's last four digits (never the number)
    card_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    approval_no: Mapped[str | None] = mapped_column(String(16), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: a cancellation: its idempotency key is stored before the issuer is asked
    cancel_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    cancel_requested_at: Mapped[datetime | None] = mapped_column(nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    cancelled_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    cancelled_by_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    cancelled_by_role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(nullable=True)
