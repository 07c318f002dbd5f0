"""Payments as the payment use cases and the reconciler read and lock them, and the lock on a
company's budget that makes the ledger's check and the reservation one step (SPEC §5.2)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, select, update

from ...enums import PaymentStatus
from ...models import Company, Payment
from . import Repository


def in_period(stmt, owner: str | None, start: bool, end: bool):
    """`stmt` narrowed to the actor's side (`owner`: the Payment column bound as "owner") and to the
    period's UTC bounds (bound as "start" and "end" where asked): what the payment lists, counts,
    totals and the period's papers share."""
    at = Payment.created_at.type
    if owner is not None:
        stmt = stmt.where(getattr(Payment, owner) == bindparam("owner", type_=Payment.company_id.type))
    if start:
        stmt = stmt.where(Payment.created_at >= bindparam("start", type_=at))
    if end:
        stmt = stmt.where(Payment.created_at < bindparam("end", type_=at))
    return stmt


class PaymentRepository(Repository):
    def lock_budget(self, company_id: uuid.UUID) -> None:
        """Hold the company's budget until the transaction ends: two desks paying for one company
        check and reserve one after the other. PostgreSQL: the company's row lock. SQLite: the
        store's write lock, taken by the transaction's first statement (a write), before any read
        of the ledger — the transaction then reads what every earlier payer committed."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(select(Company.id).where(Company.id == company_id).with_for_update())
        else:
            self.session.execute(update(Company).where(Company.id == company_id).values(version=Company.version)
                                 .execution_options(synchronize_session=False))

    def by_key(self, attempt_key: str) -> Payment | None:
        return self.session.scalars(select(Payment).where(Payment.attempt_key == attempt_key)).first()

    def by_cancel_key(self, cancel_key: str) -> Payment | None:
        return self.session.scalars(select(Payment).where(Payment.cancel_key == cancel_key)).first()

    def for_update(self, payment_id: uuid.UUID) -> Payment | None:
        return self.session.scalars(select(Payment).where(Payment.id == payment_id).with_for_update()).first()

    def live_of_deal(self, deal_id: uuid.UUID) -> Payment | None:
        """The deal's payment that holds or spent budget (IN_PROGRESS or SUCCEEDED), if any."""
        return self.session.scalars(select(Payment).where(
            Payment.deal_id == deal_id,
            Payment.status.in_((PaymentStatus.IN_PROGRESS, PaymentStatus.SUCCEEDED)))).first()

    def to_reconcile(self, changed_before: datetime, limit: int) -> list[uuid.UUID]:
        """Ids of payments whose outcome the issuer has to be asked for: attempts still in progress,
        and succeeded payments whose cancellation was asked for and not answered."""
        waiting = select(Payment.id).where(Payment.status == PaymentStatus.IN_PROGRESS,
                                           Payment.updated_at <= changed_before)
        cancelling = select(Payment.id).where(Payment.status == PaymentStatus.SUCCEEDED,
                                              Payment.cancel_key.is_not(None),
                                              Payment.cancel_requested_at <= changed_before)
        return list(self.session.scalars(waiting.union_all(cancelling).limit(limit)).all())
