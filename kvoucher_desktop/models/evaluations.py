"""Evaluations of paid deals (SPEC §5.5, 서비스 정산 / 만족도): one per deal whose payment
succeeded, PENDING (평가대기) until its demand company scores it, then DONE (평가완료) for good.

The store itself keeps a DONE row as it was saved: triggers on both stores refuse any UPDATE or
DELETE of it (migration 0008), whoever asks. A PENDING row may be removed (its payment was
cancelled) or become DONE, once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..enums import EvaluationStatus
from .base import Base, new_id

#: the five criteria, as columns, in the order the forms show them (품질, 납기 준수, 소통, 가격 적정성,
#: 전반적 만족도)
SCORE_COLUMNS = ("quality", "timeliness", "communication", "price", "overall")
#: a DONE row has all five scores and who saved it when; a PENDING row none of them
_COMPLETE = ("(status = 'PENDING' AND " + " AND ".join(f"{c} IS NULL" for c in SCORE_COLUMNS)
             + " AND evaluated_at IS NULL) OR (status = 'DONE' AND "
             + " AND ".join(f"{c} IS NOT NULL" for c in SCORE_COLUMNS) + " AND evaluated_at IS NOT NULL)")


class Evaluation(Base):
    __tablename__ = "evaluations"
    __table_args__ = tuple(CheckConstraint(f"{c} BETWEEN 1 AND 5", name=f"{c}_range") for c in SCORE_COLUMNS) + (
        CheckConstraint(_COMPLETE, name="complete"),
        # 서비스 정산 of a company per tab, newest first (평가대기 by creation, 평가완료 by evaluation)
        Index("ix_evaluations_company_status_created", "company_id", "status", "created_at", "id"),
        Index("ix_evaluations_company_status_evaluated", "company_id", "status", "evaluated_at", "id"),
        # 받은 평가 of a supplier (DONE only), and the agency's lists
        Index("ix_evaluations_supplier_status_evaluated", "supplier_id", "status", "evaluated_at", "id"),
        Index("ix_evaluations_status_created", "status", "created_at", "id"),
        Index("ix_evaluations_status_evaluated", "status", "evaluated_at", "id"),
        Index("ix_evaluations_service_status", "service_id", "status"),
        Index("ix_evaluations_payment", "payment_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    deal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deals.id"), unique=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"))
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    status: Mapped[EvaluationStatus] = mapped_column(Enum(EvaluationStatus, native_enum=False, length=16))
    quality: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 품질
    timeliness: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 납기 준수
    communication: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 소통
    price: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 가격 적정성
    overall: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 전반적 만족도
    #: optional; limited by `rules.limits` ("evaluation.comment")
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime]
    evaluated_at: Mapped[datetime | None] = mapped_column(nullable=True)
    evaluated_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
