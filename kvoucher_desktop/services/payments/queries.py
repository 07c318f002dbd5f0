"""The payment rows the lists and single reads share: the statements, who owns a payment, and
the rows made into views; the client's idempotency keys."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select, tuple_

from ...enums import DealAction, DealState, PaymentStatus, PaymentTab, Role
from ...models import Company, Deal, Payment, Service, Supplier
from ..clock import kst_midnight_utc
from ..dto import Actor, PaymentView, builder
from ..errors import ValidationError
from ..repositories.payments import of_side_and_period
from ..repositories.rows import fast, prepared
from ..rules import payments as rules
from ..rules.cards import mask_card_number
from ..rules.inputs import clean_date

D, P, A = DealState, PaymentStatus, DealAction
PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000
KEY_LENGTH = 64
PAYABLE = (D.PAYMENT_REQUESTED, D.IN_CART)
CANCEL_ASKED = "취소를 요청했습니다. 결제사의 답을 기다리고 있습니다."


def clean_key(value: object, field: str = "attempt_key") -> str:
    """An idempotency key made by the client: 8–64 characters of [A-Za-z0-9_-]."""
    if not isinstance(value, str) or not 8 <= len(value) <= KEY_LENGTH or \
            any(not (ch.isascii() and (ch.isalnum() or ch in "-_")) for ch in value):
        raise ValidationError("결제 요청 식별값이 올바르지 않습니다. 결제창을 닫고 다시 시도해 주세요.", field=field,
                              code="bad_key")
    return value


#: the columns a payment view reads, as a row (lists and single reads: no ORM objects to build)
_LIST_COLUMNS = (Payment.id, Payment.deal_id, Payment.attempt_key, Payment.batch_key, Payment.company_id,
                 Payment.supplier_id, Payment.method, Payment.status, Payment.amount, Payment.government_share,
                 Payment.self_share, Payment.approval_no, Payment.created_at, Payment.approved_at, Payment.failure_code,
                 Payment.failure_reason, Payment.cancelled_at, Payment.cancel_reason, Payment.cancelled_by_name,
                 Payment.card_last4, Payment.cancel_key)


def _list_rows():
    return (select(*(fast(c) for c in _LIST_COLUMNS), Company.name, Supplier.name, Service.name)
            .join(Company, Company.id == Payment.company_id)
            .join(Supplier, Supplier.id == Payment.supplier_id)
            .join(Deal, Deal.id == Payment.deal_id)
            .join(Service, Service.id == Deal.service_id))


def period_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """A period of KST days, both ends included, as UTC bounds: [start 00:00 KST, the day after end
    00:00 KST); either may be open."""
    first = None if start is None else kst_midnight_utc(clean_date(start, "start", "시작일"))
    after = None if end is None else kst_midnight_utc(clean_date(end, "end", "종료일") + timedelta(days=1))
    if first is not None and after is not None and after <= first:
        raise ValidationError("종료일이 시작일보다 앞섭니다.", field="end")
    return first, after


@prepared
def _totals_stmt(owner: str | None, start: bool, end: bool):
    """Count and sums of the period's SUCCEEDED and CANCELLED payments, per status."""
    return of_side_and_period(select(fast(Payment.status), func.count(), func.coalesce(func.sum(Payment.amount), 0),
                            func.coalesce(func.sum(Payment.government_share), 0),
                            func.coalesce(func.sum(Payment.self_share), 0)), owner, start, end) \
        .where(Payment.status.in_((P.SUCCEEDED, P.CANCELLED))).group_by(Payment.status)


@prepared
def _counts_stmt(owner: str | None, start: bool, end: bool):
    return of_side_and_period(select(fast(Payment.status), func.count()), owner, start, end).group_by(Payment.status)


@prepared
def _list_stmt(owner: str | None, tab: PaymentTab, start: bool, end: bool, paged: bool, limit: int):
    """One tab's page, built once per shape (the values are bound at execution)."""
    stmt = of_side_and_period(_list_rows(), owner, start, end).where(Payment.status.in_(rules.TAB_STATUSES[tab]))
    if paged:
        stmt = stmt.where(tuple_(Payment.created_at, Payment.id) < tuple_(
            bindparam("after_at", type_=Payment.created_at.type), bindparam("after_id", type_=Payment.id.type)))
    return stmt.order_by(Payment.created_at.desc(), Payment.id.desc()).limit(limit + 1)


@prepared
def _one_stmt():
    return _list_rows().where(Payment.id == bindparam("payment_id", type_=Payment.id.type))


def owns(actor: Actor, company_id: uuid.UUID, supplier_id: uuid.UUID) -> bool:
    """The payment is the actor's own: its company's (buyer) or received by its supplier."""
    if actor.role is Role.DEMAND:
        return company_id == actor.company_id
    return actor.role is Role.SUPPLIER and supplier_id == actor.supplier_id


_PAYMENT_VIEW = builder(PaymentView)


def payment_views(rows, actor: Actor | None, now: datetime) -> tuple[PaymentView, ...]:
    """Views of rows of `_list_rows()`, by position, with why `actor` may not cancel each (none for
    the system's reconciler). A page builds hundreds: filled in one pass (no generated __init__),
    the refusals computed once per status for the supplier and the agency (theirs do not depend on
    the day), the masks once per card."""
    role = actor.role if actor is not None else None
    demand = role is Role.DEMAND
    method_labels, status_labels, refusal_of = rules.METHOD_LABELS, rules.STATUS_LABELS, rules.cancel_refusal
    masks: dict = {}
    by_status: dict = {}
    out = []
    for (pid, deal_id, attempt_key, batch_key, company_id, supplier_id, method, status, amount, gov, own_share,
         approval_no, created_at, approved_at, failure_code, failure_reason, cancelled_at, cancel_reason,
         cancelled_by_name, card_last4, cancel_key, company_name, supplier_name, service_name) in rows:
        own = actor is not None and owns(actor, company_id, supplier_id)
        if actor is None:
            refusal = None
        elif demand:
            refusal = refusal_of(role, own=own, status=status, approved_at=approved_at, now=now, reason="-")
        else:
            at_key = (status, own, approved_at is None)
            refusal = by_status.get(at_key, by_status)
            if refusal is by_status:
                refusal = by_status[at_key] = refusal_of(role, own=own, status=status, approved_at=approved_at,
                                                         now=now, reason="-")
        if refusal is None and cancel_key is not None and actor is not None:
            refusal = CANCEL_ASKED
        masked = None
        if card_last4:
            masked = masks.get(card_last4)
            if masked is None:
                masked = masks[card_last4] = mask_card_number(card_last4)
        out.append(_PAYMENT_VIEW((
            pid, deal_id, attempt_key, batch_key, company_id, company_name, supplier_id, supplier_name, service_name,
            method, method_labels[method], masked, status, status_labels[status], amount, gov, own_share,
            approval_no, created_at, approved_at, failure_code, failure_reason, cancelled_at, cancel_reason,
            cancelled_by_name, cancel_key is not None and status is P.SUCCEEDED, refusal, None, None, None, None)))
    return tuple(out)
