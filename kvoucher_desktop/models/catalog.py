"""Suppliers' services (서비스), wishlists (찜하기) and inquiries (서비스 문의)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        Index("ix_services_supplier", "supplier_id", "name", "id"),
        Index("ix_services_category_name", "category_code", "name", "id"),
        Index("ix_services_name", "name", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    name: Mapped[str] = mapped_column(String(200))
    #: comma-separated supplier keywords, as typed (normalised)
    keywords: Mapped[str] = mapped_column(String(500), default="")
    price: Mapped[int] = mapped_column(Integer)  # KRW, VAT included
    description: Mapped[str] = mapped_column(Text, default="")
    image_sha256: Mapped[str | None] = mapped_column(ForeignKey("document_blobs.sha256"), nullable=True)
    image_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # by the supplier
    hidden_by_agency: Mapped[bool] = mapped_column(Boolean, default=False)
    #: lower-cased, NFC, whitespace-free "name␟keywords␟supplier name" for partial matching
    search_text: Mapped[str] = mapped_column(Text, default="")
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    #: sum over completed evaluations of each one's mean score ×100 (integer; mean = points / count / 100)
    rating_points: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class WishlistItem(Base):
    __tablename__ = "wishlist_items"
    __table_args__ = (Index("ix_wishlist_items_company_added", "company_id", "added_at"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"), primary_key=True)
    added_at: Mapped[datetime]


class Inquiry(Base):
    """서비스 문의: a demand company's question and the supplier's answer."""

    __tablename__ = "inquiries"
    __table_args__ = (
        Index("ix_inquiries_service_asked", "service_id", "asked_at"),
        Index("ix_inquiries_company_asked", "company_id", "asked_at"),
        Index("ix_inquiries_supplier_answered", "supplier_id", "answered_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"))
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id"))
    question: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    asked_by_name: Mapped[str] = mapped_column(String(100))
    asked_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    answered_by_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(nullable=True)
