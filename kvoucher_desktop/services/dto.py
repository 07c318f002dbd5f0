"""Frozen dataclasses returned to views (never ORM objects)."""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from datetime import date, datetime

from .changes import Changes

from ..enums import (
    AbandonmentStatus,
    CompanyType,
    DealAction,
    DealState,
    DocumentType,
    EvaluationStatus,
    IssuerType,
    PaperKind,
    PaymentFailure,
    PaymentMethod,
    PaymentStatus,
    Role,
    ScreeningAction,
    ScreeningStatus,
)


@dataclass(frozen=True)
class Actor:
    """Who is calling: a handle of a login session (from `accounts.login` or `signup.submit`).

    Services never trust these fields: every call resolves `token` against the store's session
    and takes role, company, supplier and operator from its account (services/sessions.py). An
    Actor built by hand, or with a field edited, is refused with `SessionInvalid`. The token is
    a secret: not shown in repr and not part of equality.
    """

    user_id: uuid.UUID
    role: Role
    name: str
    login_id: str = ""
    company_id: uuid.UUID | None = None
    supplier_id: uuid.UUID | None = None
    operator_id: uuid.UUID | None = None
    token: str = field(default="", repr=False, compare=False)


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


#: a page's row type and its keyset cursor's type
R = TypeVar("R")
C = TypeVar("C")
#: the keyset cursor of a list sorted by a time, then the id (deals, payments, evaluations, screening)
TimeCursor = tuple[datetime, uuid.UUID]
#: the keyset cursor of a list sorted by a name, then the id (the catalog)
NameCursor = tuple[str, uuid.UUID]


@dataclass(frozen=True)
class Page(Generic[R, C]):
    """One page of a list: its rows and the keyset cursor of the next page (None at the end).
    Typed by row and cursor (`Page[PaymentView, TimeCursor]`), so that a page read over the wire
    is rebuilt as the same objects."""

    rows: tuple[R, ...]
    next_cursor: C | None


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
    seq: int | None = None  # place in the log (newest = largest); None only for a row that bypassed the app
    client_address: str | None = None  # the address the programme server saw the call come from


@dataclass(frozen=True)
class ChangeItem:
    """One record of the audit log as a change a desk may reload for: its place and what it touched."""

    seq: int
    changes: Changes


@dataclass(frozen=True)
class ChangeFeed:
    """What other desks changed since a cursor (`audit.changes_since`): the items the caller may
    know of, and the cursor to ask with next time."""

    cursor: int
    items: tuple[ChangeItem, ...]


@dataclass(frozen=True)
class UserView:
    id: uuid.UUID
    login_id: str
    role: Role
    display_name: str
    organisation: str = ""
    locked_until: datetime | None = None  # set only while the account is locked now
    #: False while the agency has locked (deactivated) the account (accounts.lock / unlock)
    active: bool = True


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


# --- catalog ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServiceForm:
    """What a supplier types to register or edit a service."""

    name: str
    category_code: str
    keywords: str  # comma separated
    price: int  # KRW, VAT included
    description: str = ""
    hidden: bool = False
    image: bytes | None = None  # PNG or JPG; None keeps the current image
    remove_image: bool = False


@dataclass(frozen=True)
class ServiceRow:
    id: uuid.UUID
    name: str
    category_code: str
    category_name: str
    supplier_id: uuid.UUID
    supplier_name: str
    price: int
    rating: float | None  # mean of completed evaluations (1–5), None without any
    rating_count: int
    keywords: tuple[str, ...] = ()
    hidden: bool = False
    hidden_by_agency: bool = False


@dataclass(frozen=True)
class SupplierServiceRow:
    """A row of the supplier's own service list."""

    service: ServiceRow
    open_deals: int
    unanswered_inquiries: int


@dataclass(frozen=True)
class SupplierCard:
    id: uuid.UUID
    name: str
    representative_name: str
    phone: str
    email: str


@dataclass(frozen=True)
class ServiceDetail:
    service: ServiceRow
    description: str
    image_type: str | None
    supplier: SupplierCard
    other_services: tuple[ServiceRow, ...]
    created_at: datetime
    updated_at: datetime
    #: for a demand company: wishlisted, its open deal for this service, and whether it may start one
    wished: bool = False
    open_deal_id: uuid.UUID | None = None
    can_request_deal: bool = False
    request_refusal: str | None = None


@dataclass(frozen=True)
class InquiryView:
    id: uuid.UUID
    service_id: uuid.UUID
    service_name: str
    company_id: uuid.UUID
    company_name: str
    question: str
    asked_by_name: str
    asked_at: datetime
    answer: str | None
    answered_by_name: str | None
    answered_at: datetime | None


# --- deals ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DealView:
    id: uuid.UUID
    company_id: uuid.UUID
    company_name: str
    service_id: uuid.UUID
    service_name: str
    supplier_id: uuid.UUID
    supplier_name: str
    list_price: int
    state: DealState  # effective state at the time of reading (an overdue request reads EXPIRED)
    state_label: str
    memo: str
    requested_at: datetime
    accepted_at: datetime | None
    payment_requested_at: datetime | None
    amount: int | None
    deadline_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    updated_at: datetime


@dataclass(frozen=True)
class DealEventView:
    action: DealAction
    action_label: str
    from_state: DealState | None
    to_state: DealState
    memo: str | None
    amount: int | None
    actor_name: str
    at: datetime


# --- vouchers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class BudgetView:
    total: int
    government: int
    self_pay: int
    government_pct: int
    spent: int  # payments SUCCEEDED
    in_progress: int  # payments IN_PROGRESS
    remaining: int
    abandoned: bool


@dataclass(frozen=True)
class AbandonmentView:
    id: uuid.UUID
    company_id: uuid.UUID
    company_name: str
    business_no: str
    status: AbandonmentStatus
    reason: str
    requested_at: datetime
    requested_by_name: str
    decided_at: datetime | None
    decided_by_name: str | None
    decline_reason: str | None
    budget_before: int | None
    budget_after: int | None
    remaining: int | None = None  # the company's remaining budget now (for the agency's list)


@dataclass(frozen=True)
class VoucherView:
    company_id: uuid.UUID
    company_name: str
    company_type: CompanyType
    status: ScreeningStatus
    eligible: bool
    why_not: str | None  # Korean: why this company cannot apply yet, and what to do
    payment_method: PaymentMethod | None
    chosen_at: datetime | None
    card_request_from: date | None  # Shinhan card: issuance can be requested from this KST date
    zeropay_password_set: bool  # ZeroPay holds the company's gift-certificate password
    card_masked: str | None  # 신한카드: the voucher card issued (****-****-****-1234)
    card_expiry: str | None  # its expiry MM/YY, as the card issuer has it (not kept by the platform)
    card_issued_at: datetime | None
    budget: BudgetView | None
    use_period_end: date | None
    abandonment: AbandonmentView | None  # the latest request


@dataclass(frozen=True)
class IssuedCardView:
    """The voucher card as the issuer handed it over: shown once, never stored by the platform."""

    number: str
    expiry: str  # MM/YY
    last4: str
    masked: str  # ****-****-****-1234


@dataclass(frozen=True)
class PaymentLine:
    """One deal of a payment dialog."""

    deal_id: uuid.UUID
    service_name: str
    supplier_name: str
    amount: int
    government_share: int
    self_share: int


@dataclass(frozen=True)
class PaymentQuote:
    """What paying the ticked deals would charge, before anything is charged."""

    lines: tuple[PaymentLine, ...]
    method: PaymentMethod | None
    card_masked: str | None  # the company's voucher card, when issued
    total: int
    government_total: int
    self_total: int
    remaining_before: int
    remaining_after: int
    refusal: str | None  # why these deals cannot be paid now (Korean), or None


@dataclass(frozen=True)
class PaymentView:
    id: uuid.UUID
    deal_id: uuid.UUID
    attempt_key: str
    batch_key: str | None
    company_id: uuid.UUID
    company_name: str
    supplier_id: uuid.UUID
    supplier_name: str
    service_name: str
    method: PaymentMethod
    method_label: str
    card_masked: str | None
    status: PaymentStatus
    status_label: str
    amount: int
    government_share: int
    self_share: int
    approval_no: str | None
    created_at: datetime
    approved_at: datetime | None
    failure_code: PaymentFailure | None
    failure_reason: str | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    cancelled_by_name: str | None
    cancel_pending: bool  # the issuer was asked to cancel and has not answered yet
    #: why the actor who read it may not cancel it (Korean), None when it may (a supplier or the
    #: agency is asked for the reason when it presses 취소)
    cancel_refusal: str | None
    #: card: the SMS code step (only in the answer of a payment step, not in lists)
    code_expires_at: datetime | None = None
    tries_left: int | None = None
    phone_masked: str | None = None
    #: what the payment window says about this step (Korean), e.g. a wrong code's tries left
    message: str | None = None


@dataclass(frozen=True)
class PaymentSum:
    """How many payments and their money (integer KRW): amount = government share + self-payment."""

    count: int = 0
    amount: int = 0
    government_share: int = 0
    self_share: int = 0


@dataclass(frozen=True)
class PaymentTotals:
    """The totals line of 서비스 결제관리 for a period: SUCCEEDED and CANCELLED payments apart."""

    succeeded: PaymentSum
    cancelled: PaymentSum


class SettlementKind(str, enum.Enum):
    """What a `SettlementRow` adds up: one KST day, one KST month, or one payout date."""

    DAY = "DAY"
    MONTH = "MONTH"
    PAYOUT = "PAYOUT"


@dataclass(frozen=True)
class SettlementRow:
    """A supplier's received payments (SUCCEEDED, by approval time) added up: `period` is the KST
    day (DAY), the first day of the KST month (MONTH) or the payout date (PAYOUT); the fee is the
    programme's rate of each payout, rounded down to the won; net = amount − fee."""

    kind: SettlementKind
    period: date
    count: int
    amount: int
    government_share: int
    self_share: int
    fee: int
    net: int
    #: the payout date of a DAY (D+settlement days); None for MONTH rows
    payout_date: date | None
    fee_bp: int


@dataclass(frozen=True)
class EvaluationAverage:
    """The completed evaluations on the actor's side: how many, and the mean of their means
    (1–5, two places; None when there are none) — computed as a service's rating is."""
    count: int
    mean: float | None


@dataclass(frozen=True)
class EvaluationView:
    """One evaluation of a paid deal (서비스 정산 / 받은 평가, SPEC §5.5): the five scores are None
    while it is PENDING; `average` is their mean (a multiple of 0.2) once DONE."""

    id: uuid.UUID
    deal_id: uuid.UUID
    payment_id: uuid.UUID
    company_id: uuid.UUID
    company_name: str
    supplier_id: uuid.UUID
    supplier_name: str
    service_id: uuid.UUID
    service_name: str
    amount: int  # the payment's amount (KRW)
    paid_at: datetime | None  # when the payment was approved
    status: EvaluationStatus
    status_label: str
    quality: int | None  # 품질
    timeliness: int | None  # 납기 준수
    communication: int | None  # 소통
    price: int | None  # 가격 적정성
    overall: int | None  # 전반적 만족도
    average: float | None
    comment: str | None
    created_at: datetime
    evaluated_at: datetime | None
    evaluated_by_name: str | None
    #: why the actor who read it may not submit it (Korean), None when it may
    submit_refusal: str | None

    def scores(self) -> tuple[int | None, ...]:
        """The five scores in the order of `rules.evaluations.CRITERIA`."""
        return (self.quality, self.timeliness, self.communication, self.price, self.overall)


# --- list pages -------------------------------------------------------------------------------
@dataclass(frozen=True)
class PaperParty:
    """A party named on a document: name, business number as printed (123-45-67890), representative."""

    name: str
    business_no: str
    representative: str


@dataclass(frozen=True)
class PaperData:
    """Everything one document for filing prints (SPEC §11): a 전표, 거래명세서 or 취소전표 of one
    payment. Money in integer KRW (amount = supply value + VAT = government share + self-payment);
    times aware UTC, printed in KST. `services.documents` renders it; the same data gives the
    same PDF bytes."""

    kind: PaperKind
    document_no: str
    payment_id: uuid.UUID
    status: PaymentStatus
    buyer: PaperParty
    supplier: PaperParty
    service_name: str
    amount: int
    supply_value: int
    vat: int
    government_share: int
    self_share: int
    method: PaymentMethod
    method_label: str  # 신한카드 / 제로페이
    card_masked: str | None  # ****-****-****-1234 for a card, None for ZeroPay
    approval_no: str
    approved_at: datetime
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    platform: str = "K-비대면 바우처 플랫폼"


def builder(cls: type):
    """A function making a frozen dataclass of `cls` from a tuple of its field values in order,
    as `rows_into` does for one row (list reads that compute some fields from their columns)."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    new = object.__new__

    def build(values):
        obj = new(cls)
        obj.__dict__.update(zip(names, values))
        return obj

    return build


def rows_into(cls: type, rows) -> tuple:
    """Frozen dataclasses of `cls` from rows whose columns are its fields, in order: a list page
    builds hundreds at once, and the generated __init__ sets each field through
    object.__setattr__. Same objects (fields, equality, hash), built by filling __dict__."""
    return tuple(map(builder(cls), rows))
