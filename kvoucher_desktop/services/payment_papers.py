"""The data of the documents for filing (SPEC §11), read for PaymentService.paper / papers: one
row statement joining the payment to its buyer, supplier and service, and the PaperData built
from a row. Nothing here checks who asks (the service does, with `payments.owns`)."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from ..enums import PaperKind, PaymentStatus
from ..models import Company, Deal, Payment, Service, Supplier
from .dto import PaperData, PaperParty
from .repositories.payments import of_side_and_period
from .repositories.rows import fast, prepared
from .rules import payments as rules
from .rules.cards import mask_card_number
from .rules.money import supply_and_vat
from .rules.numbers import format_business_no

P = PaymentStatus
#: a batch (a period's papers) holds at most this many documents; a longer period is refused
MAX_BATCH_PAPERS = 5_000

_COLUMNS = (Payment.id, Payment.company_id, Payment.supplier_id, Payment.status, Payment.method, Payment.amount,
            Payment.government_share, Payment.self_share, Payment.card_last4, Payment.approval_no,
            Payment.approved_at, Payment.cancelled_at, Payment.cancel_reason)


def _rows():
    return (select(*(fast(c) for c in _COLUMNS), Company.name, Company.business_no, Company.representative_name,
                   Supplier.name, Supplier.business_no, Supplier.representative_name, Service.name)
            .join(Company, Company.id == Payment.company_id)
            .join(Supplier, Supplier.id == Payment.supplier_id)
            .join(Deal, Deal.id == Payment.deal_id)
            .join(Service, Service.id == Deal.service_id))


@prepared
def one_stmt():
    return _rows().where(Payment.id == bindparam("payment_id", type_=Payment.id.type))


@prepared
def period_stmt(owner: str | None, start: bool, end: bool, limit: int):
    """The period's succeeded and cancelled payments of the actor's side, in payment order."""
    stmt = of_side_and_period(_rows().where(Payment.status.in_((P.SUCCEEDED, P.CANCELLED))), owner, start, end)
    return stmt.order_by(Payment.created_at, Payment.id).limit(limit + 1)


def owners_of(row) -> tuple:
    """(company id, supplier id) of a row of these statements."""
    return row[1], row[2]


def status_of(row) -> PaymentStatus:
    return row[3]


def paper_of(row, kind: PaperKind) -> PaperData:
    (pid, _company_id, _supplier_id, status, method, amount, gov, own, last4, approval_no, approved_at, cancelled_at,
     cancel_reason, buyer, buyer_no, buyer_rep, supplier, supplier_no, supplier_rep, service) = row
    supply, vat = supply_and_vat(amount)
    return PaperData(
        kind=kind, document_no=rules.document_no(kind, method, approved_at, approval_no), payment_id=pid,
        status=status, buyer=PaperParty(buyer, format_business_no(buyer_no), buyer_rep),
        supplier=PaperParty(supplier, format_business_no(supplier_no), supplier_rep), service_name=service,
        amount=amount, supply_value=supply, vat=vat, government_share=gov, self_share=own, method=method,
        method_label=rules.METHOD_LABELS[method], card_masked=mask_card_number(last4) if last4 else None,
        approval_no=approval_no, approved_at=approved_at,
        cancelled_at=cancelled_at if status is P.CANCELLED else None,
        cancel_reason=rules.cancel_reason_text(cancel_reason) if status is P.CANCELLED else None)


def batch_kind(status: PaymentStatus) -> PaperKind:
    """The paper a payment is filed with in a batch: its 전표, or its 취소전표 once cancelled."""
    return PaperKind.CANCELLATION if status is P.CANCELLED else PaperKind.SLIP
