"""Demand companies as the company pages and screening share them (`uow.companies`)."""

from __future__ import annotations

import collections
import functools
import uuid

from sqlalchemy import bindparam, func, select

from ...models import Company, CompanyDocument, OperatingAgency, ScreeningEvent
from ..dto import Actor, CompanyInfo, CompanyView, DocumentView, OperatorView, ScreeningEventView
from ..errors import NotFound
from ..guards import check_company_access, company_for
from ..rules.documents import DOC_LABELS, required_documents
from ..rules.screening import ACTION_LABELS, EDITABLE, NOT_EDITABLE_REASON, STATUS_LABELS
from . import Repository
from .documents import DocumentRepository, document_view
from .rows import fast, prepared, read_into


def operator_view(o: OperatingAgency) -> OperatorView:
    return OperatorView(o.id, o.name, o.region, o.phone, o.email, o.active)


def info_of(c: Company) -> CompanyInfo:
    return CompanyInfo(
        name=c.name, representative_name=c.representative_name, representative_phone=c.representative_phone,
        address=c.address, address_detail=c.address_detail, phone=c.phone, industry=c.industry,
        employees=c.employees, manager_name=c.manager_name, manager_phone=c.manager_phone,
        manager_email=c.manager_email, payment_manager_name=c.payment_manager_name,
        payment_manager_phone=c.payment_manager_phone, issuer_type=c.issuer_type, corporate_no=c.corporate_no,
    )


def event_view(e: ScreeningEvent) -> ScreeningEventView:
    return ScreeningEventView(
        action=e.action, action_label=ACTION_LABELS[e.action], from_status=e.from_status, to_status=e.to_status,
        reason=e.reason, actor_name=e.actor_name, actor_role=e.actor_role, at=e.at,
    )


class CompanyRepository(Repository):
    def for_actor(self, actor: Actor, company_id: uuid.UUID, *, for_update: bool = False) -> Company:
        """The company `actor` may see (own, jurisdiction, agency), locked with `for_update`; or refuse."""
        return company_for(self.session, actor, company_id, for_update=for_update)

    def view(self, c: Company, *, with_details: bool = True) -> CompanyView:
        """The company as the pages show it: with its current documents, what is missing and its
        screening history (`with_details`)."""
        s = self.session
        op = s.get(OperatingAgency, c.operator_id)
        if not with_details:
            return compose_view(c, op, None, ())
        current = DocumentRepository(s, self.clock).current(c.id)
        events = s.scalars(select(ScreeningEvent).where(ScreeningEvent.company_id == c.id)
                           .order_by(ScreeningEvent.at, ScreeningEvent.seq))
        return compose_view(c, op, current, events)

    def read_view(self, actor: Actor, company_id: uuid.UUID) -> CompanyView:
        """`view(for_actor(...))` for a page that only reads (see `read_company_view`)."""
        return read_company_view(self.session.connection(), actor, company_id)

    def next_seq(self, model, company_id: uuid.UUID) -> int:
        """Next position in a company's history table (`CompanyChange`, `ScreeningEvent`); the
        company row is locked by the caller."""
        self.session.flush()
        return (self.session.scalar(select(func.max(model.seq)).where(model.company_id == company_id)) or 0) + 1


@prepared
def _read_view_stmts():
    """The company with its operator, its current documents, its events (`company_id`)."""
    company_id = bindparam("company_id", type_=Company.id.type)
    o, d, e = OperatingAgency, CompanyDocument, ScreeningEvent
    company = (select(*map(fast, Company.__table__.c), o.name.label("op_name"), o.region.label("op_region"),
                      o.phone.label("op_phone"), o.email.label("op_email"), o.active.label("op_active"))
               .join(o, o.id == Company.operator_id).where(Company.id == company_id))
    documents = (select(*map(fast, (d.id, d.doc_type, d.filename, d.content_type, d.size, d.sha256, d.issued_year,
                                    d.uploaded_at)))
                 .where(d.company_id == company_id, d.replaced_at.is_(None)).order_by(d.uploaded_at))
    events = (select(*map(fast, (e.action, e.from_status, e.to_status, e.reason, e.actor_name, e.actor_role, e.at)))
              .where(e.company_id == company_id).order_by(e.at, e.seq))
    return company, documents, events


def read_company_view(conn, actor: Actor, company_id: uuid.UUID) -> CompanyView:
    """`view(for_actor(...))` for a page that only reads: rows straight into the view (no ORM
    objects to build and expire), three prepared statements on `conn` (a unit's connection)."""
    company, documents, events = _read_view_stmts()
    params = {"company_id": company_id}
    found = read_into(_named(company), conn, company, params)
    if not found:
        raise NotFound("기업 정보를 찾을 수 없습니다.")
    row = found[0]
    check_company_access(actor, row.id, row.operator_id)
    op = OperatorView(row.operator_id, row.op_name, row.op_region, row.op_phone, row.op_email, row.op_active)
    current = read_into(_named(documents), conn, documents, params)
    return compose_view(row, op, current, read_into(_named(events), conn, events, params))


@functools.lru_cache(maxsize=16)
def _named(statement) -> type:
    """A named tuple of a statement's columns (rows read by attribute, as SQLAlchemy's Row is)."""
    return collections.namedtuple("Row", [c.key for c in statement.selected_columns], rename=True)


def compose_view(c, op, current, events) -> CompanyView:
    """A CompanyView of a company (an ORM object or a row with the same names), its operator
    (an OperatingAgency or an OperatorView), its current documents (None: without details) and events."""
    docs: tuple[DocumentView, ...] = ()
    history: tuple[ScreeningEventView, ...] = ()
    missing: tuple[str, ...] = ()
    if current is not None:
        docs = tuple(document_view(doc) for doc in current)
        present = {doc.doc_type for doc in current}
        missing = tuple(DOC_LABELS[t] for t in required_documents(c.company_type, c.issuer_type) if t not in present)
        history = tuple(event_view(ev) for ev in events)
    if not isinstance(op, OperatorView):
        op = operator_view(op)
    return CompanyView(
        id=c.id, programme_year=c.programme_year, business_no=c.business_no, company_type=c.company_type,
        info=info_of(c), operator=op, status=c.status, status_label=STATUS_LABELS[c.status],
        status_reason=c.status_reason, submitted_at=c.submitted_at, status_changed_at=c.status_changed_at,
        editable=c.status in EDITABLE, not_editable_reason=NOT_EDITABLE_REASON.get(c.status),
        changed_after_confirm_at=c.changed_after_confirm_at, budget_total=c.budget_total,
        budget_government=c.budget_government, budget_self=c.budget_self, approved_at=c.approved_at,
        use_period_end=c.use_period_end, documents=docs, history=history, missing_documents=missing,
    )
