"""Frozen dataclasses returned to views (never ORM objects)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from ..enums import CompanyType, DocumentType, IssuerType, Role, ScreeningAction, ScreeningStatus


@dataclass(frozen=True)
class Actor:
    """Who is calling: the logged-in user."""

    user_id: uuid.UUID
    role: Role
    name: str
    login_id: str = ""
    company_id: uuid.UUID | None = None
    supplier_id: uuid.UUID | None = None
    operator_id: uuid.UUID | None = None


@dataclass(frozen=True)
class CategoryView:
    code: str
    name: str
    sort_order: int


@dataclass(frozen=True)
class OperatorView:
    id: uuid.UUID
    name: str
    region: str
    phone: str
    email: str
    active: bool = True


@dataclass(frozen=True)
class AnnouncementView:
    id: uuid.UUID
    title: str
    body: str
    posted_at: datetime
    pinned: bool


@dataclass(frozen=True)
class ProgrammeView:
    year: int
    application_start: date
    application_end: date
    voucher_amount: int
    government_share_pct: int
    use_period_months: int
    deal_window_days: int
    same_day_cancel_only: bool
    allow_price_above_list: bool
    settlement_days: int
    settlement_fee_bp: int


@dataclass(frozen=True)
class DocumentUpload:
    """A file chosen by the user, not yet stored."""

    doc_type: DocumentType
    filename: str
    data: bytes
    issued_year: int | None = None


@dataclass(frozen=True)
class DocumentView:
    id: uuid.UUID
    doc_type: DocumentType
    label: str
    filename: str
    content_type: str
    size: int
    sha256: str
    issued_year: int | None
    uploaded_at: datetime


@dataclass(frozen=True)
class ScreeningEventView:
    action: ScreeningAction
    action_label: str
    from_status: ScreeningStatus | None
    to_status: ScreeningStatus
    reason: str | None
    actor_name: str
    actor_role: Role
    at: datetime


@dataclass(frozen=True)
class CompanyInfo:
    """Editable company information (the form of 기업정보관리)."""

    name: str
    representative_name: str
    representative_phone: str
    address: str
    address_detail: str
    phone: str
    industry: str
    employees: int
    manager_name: str
    manager_phone: str
    manager_email: str
    payment_manager_name: str
    payment_manager_phone: str
    issuer_type: IssuerType
    corporate_no: str | None = None


@dataclass(frozen=True)
class CompanyView:
    id: uuid.UUID
    programme_year: int
    business_no: str
    company_type: CompanyType
    info: CompanyInfo
    operator: OperatorView
    status: ScreeningStatus
    status_label: str
    status_reason: str | None
    submitted_at: datetime
    status_changed_at: datetime
    editable: bool
    not_editable_reason: str | None
    changed_after_confirm_at: datetime | None
    budget_total: int | None
    budget_government: int | None
    budget_self: int | None
    approved_at: datetime | None
    use_period_end: date | None
    documents: tuple[DocumentView, ...] = ()
    history: tuple[ScreeningEventView, ...] = ()
    missing_documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompanyRow:
    """One row of the screening dashboard."""

    id: uuid.UUID
    name: str
    business_no: str
    company_type: CompanyType
    representative_name: str
    operator_name: str
    status: ScreeningStatus
    submitted_at: datetime
    status_changed_at: datetime
    changed_after_confirm: bool


@dataclass(frozen=True)
class Page:
    rows: tuple
    next_cursor: tuple | None  # keyset cursor for the next page, None at the end


@dataclass(frozen=True)
class ChangeView:
    field: str
    field_label: str
    old_value: str
    new_value: str
    changed_by_name: str
    changed_at: datetime
    after_confirmation: bool


@dataclass(frozen=True)
class AuditView:
    at: datetime
    actor_name: str
    actor_role: str
    action: str
    entity_type: str
    entity_id: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class UserView:
    id: uuid.UUID
    login_id: str
    role: Role
    display_name: str
    organisation: str = ""
    locked_until: datetime | None = None  # set only while the account is locked now


@dataclass(frozen=True)
class SupplierView:
    id: uuid.UUID
    name: str
    business_no: str
    representative_name: str
    phone: str
    email: str


@dataclass(frozen=True)
class BulkResult:
    succeeded: tuple[uuid.UUID, ...] = ()
    failed: tuple[tuple[uuid.UUID, str], ...] = field(default_factory=tuple)
