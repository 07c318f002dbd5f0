"""Demand companies, suppliers, their documents and modification history."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..enums import CompanyType, DocumentType, IssuerType, PaymentMethod, ScreeningStatus
from .base import Base, new_id


class Company(Base):
    """A demand company (수요기업) of one programme year."""

    __tablename__ = "companies"
    __table_args__ = (
        UniqueConstraint("programme_year", "business_no"),
        Index("ix_companies_operator_submitted", "operator_id", "submitted_at", "id"),
        Index("ix_companies_operator_status_submitted", "operator_id", "status", "submitted_at", "id"),
        Index("ix_companies_status_submitted", "status", "submitted_at", "id"),
        Index("ix_companies_submitted", "submitted_at", "id"),
        # the search by business-number prefix: a range of numbers, then newest first (migration 0005)
        Index("ix_companies_business_no_submitted", "business_no", "submitted_at", "id"),
        Index("ix_companies_operator_business_no", "operator_id", "business_no", "submitted_at", "id"),
        # a year's counts per state and agency; a payment's company's year (migration 0009, statistics)
        Index("ix_companies_year_operator_status", "programme_year", "operator_id", "status"),
        Index("ix_companies_id_year", "id", "programme_year", "budget_abandoned_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    programme_year: Mapped[int] = mapped_column(Integer)
    business_no: Mapped[str] = mapped_column(String(10), index=True)
    company_type: Mapped[CompanyType] = mapped_column(Enum(CompanyType, native_enum=False, length=16))
    issuer_type: Mapped[IssuerType] = mapped_column(Enum(IssuerType, native_enum=False, length=16))
    name: Mapped[str] = mapped_column(String(200), index=True)
    corporate_no: Mapped[str | None] = mapped_column(String(13), nullable=True)
    representative_name: Mapped[str] = mapped_column(String(100))
    representative_phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))
    address_detail: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20))
    industry: Mapped[str] = mapped_column(String(100))
    employees: Mapped[int] = mapped_column(Integer)
    manager_name: Mapped[str] = mapped_column(String(100))
    manager_phone: Mapped[str] = mapped_column(String(20))
    manager_email: Mapped[str] = mapped_column(String(200))
    payment_manager_name: Mapped[str] = mapped_column(String(100))
    payment_manager_phone: Mapped[str] = mapped_column(String(20))
    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operating_agencies.id"))
    status: Mapped[ScreeningStatus] = mapped_column(
        Enum(ScreeningStatus, native_enum=False, length=16)
    )
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_at: Mapped[datetime]
    status_changed_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    changed_after_confirm_at: Mapped[datetime | None] = mapped_column(nullable=True)
    budget_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    budget_government: Mapped[int | None] = mapped_column(Integer, nullable=True)
    budget_self: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the government share (%) in force when the budget was approved
    budget_government_pct: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    use_period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    # 바우처 신청 (SPEC §5.2): chosen once, never changed
    payment_method: Mapped[PaymentMethod | None] = mapped_column(
        Enum(PaymentMethod, native_enum=False, length=16), nullable=True
    )
    payment_method_chosen_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: 신한카드: the voucher card the issuer issued (its last four digits only) and when
    card_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    card_issued_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: set when the agency confirms a budget abandonment; remaining is 0 from then on
    budget_abandoned_at: Mapped[datetime | None] = mapped_column(nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


def business_no_prefix(column):
    """The first three digits of a business number, as the indexes below are built on (the
    constants are literal: neither store matches an index expression holding bound parameters)."""
    return func.substr(column, literal_column("1"), literal_column("3"))


# a three-digit business-number prefix (one tax office: thousands of numbers) read newest first from an
# index, without sorting all its numbers (migration 0006; docs/decisions.md, "Company search")
Index("ix_companies_business_no3_submitted", business_no_prefix(Company.business_no), Company.submitted_at,
      Company.id)
Index("ix_companies_operator_business_no3", Company.operator_id, business_no_prefix(Company.business_no),
      Company.submitted_at, Company.id)


class CompanyNameGram(Base):
    """The company-name search index: every distinct character and pair of adjacent characters of
    a company's lower-cased name (`rules.search.name_grams`), with the company's operator and
    submission time, so that a search walks one gram's entries newest first and stops after a
    page (docs/decisions.md, "Company search"). Written with the company (signup, name edit)."""

    __tablename__ = "company_name_grams"
    __table_args__ = (
        Index("ix_company_name_grams_gram", "gram", "submitted_at", "company_id"),
        Index("ix_company_name_grams_operator_gram", "operator_id", "gram", "submitted_at", "company_id"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    #: copies of the company's columns (neither changes after signup)
    operator_id: Mapped[uuid.UUID]
    submitted_at: Mapped[datetime]


class Supplier(Base):
    """A supplier company (공급기업); accounts are created by the agency."""

    __tablename__ = "suppliers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), index=True)
    business_no: Mapped[str] = mapped_column(String(10), unique=True)
    representative_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime]


class DocumentBlob(Base):
    """File content, stored once per SHA-256."""

    __tablename__ = "document_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class CompanyDocument(Base):
    __tablename__ = "company_documents"
    __table_args__ = (Index("ix_company_documents_company", "company_id", "doc_type"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    doc_type: Mapped[DocumentType] = mapped_column(Enum(DocumentType, native_enum=False, length=32))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("document_blobs.sha256"))
    issued_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    replaced_at: Mapped[datetime | None] = mapped_column(nullable=True)  # None = current


class CompanyChange(Base):
    """회원정보 수정이력: one changed field."""

    __tablename__ = "company_changes"
    __table_args__ = (Index("ix_company_changes_company_at", "company_id", "changed_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    changed_by_name: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime]
    after_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    #: position in the company's history (one edit changes several fields at one instant)
    seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
