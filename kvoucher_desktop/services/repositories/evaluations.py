"""Evaluations as the payment use cases and 서비스 정산 share them (SPEC §5.5): a payment that
succeeds opens its deal's PENDING evaluation in the same transaction, a cancelled one withdraws
it while it is still PENDING (a DONE one is final: the store refuses to change it), and a
submitted evaluation adds to its service's rating in the transaction that saves it."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import delete, select, update

from ...enums import EvaluationStatus
from ...models import Deal, Evaluation, Payment, Service
from . import Repository

E = EvaluationStatus
log = logging.getLogger(__name__)


class EvaluationRepository(Repository):
    def open_for(self, p: Payment, d: Deal, at: datetime) -> Evaluation | None:
        """The PENDING evaluation of a deal whose payment `p` just succeeded; None when the deal
        has one already (a deal is paid once: CANCELLED is final, a new deal is a new row)."""
        existing = self.session.scalars(select(Evaluation).where(Evaluation.deal_id == d.id)).first()
        if existing is not None:
            log.warning("deal %s paid by %s has evaluation %s already (of payment %s): none opened", d.id, p.id,
                        existing.id, existing.payment_id)
            return None
        ev = Evaluation(id=uuid.uuid4(), deal_id=d.id, payment_id=p.id, company_id=p.company_id,
                        supplier_id=p.supplier_id, service_id=d.service_id, status=E.PENDING, created_at=at)
        self.session.add(ev)
        self.session.flush()
        return ev

    def withdraw(self, payment_id: uuid.UUID) -> uuid.UUID | None:
        """Remove the PENDING evaluation of a cancelled payment; its id, or None (none, or DONE:
        a saved evaluation stays as it is and keeps counting in the rating)."""
        ev_id = self.session.scalar(select(Evaluation.id).where(Evaluation.payment_id == payment_id,
                                                                Evaluation.status == E.PENDING))
        if ev_id is None:
            return None
        self.session.execute(delete(Evaluation).where(Evaluation.id == ev_id, Evaluation.status == E.PENDING)
                             .execution_options(synchronize_session=False))
        return ev_id

    def for_update(self, evaluation_id: uuid.UUID) -> Evaluation | None:
        """The evaluation, its row locked until the transaction ends (PostgreSQL; SQLite's single
        writer orders the conditional UPDATE of `complete` instead)."""
        return self.session.scalars(select(Evaluation).where(Evaluation.id == evaluation_id)
                                    .with_for_update()).first()

    def complete(self, evaluation_id: uuid.UUID, scores: dict[str, int], comment: str | None,
                 by: uuid.UUID, at: datetime) -> bool:
        """PENDING → DONE with its scores, once: False when another desk saved it first."""
        done = self.session.execute(
            update(Evaluation).where(Evaluation.id == evaluation_id, Evaluation.status == E.PENDING)
            .values(status=E.DONE, comment=comment, evaluated_at=at, evaluated_by=by, **scores)
            .execution_options(synchronize_session=False))
        return done.rowcount == 1

    def add_rating(self, service_id: uuid.UUID, points: int) -> None:
        """One more DONE evaluation in the service's rating (an increment in the store: two desks
        saving evaluations of one service at once both count). The service's version is left
        alone: a supplier editing it meanwhile writes other columns and is not refused."""
        self.session.execute(update(Service).where(Service.id == service_id)
                             .values(rating_points=Service.rating_points + points,
                                     rating_count=Service.rating_count + 1)
                             .execution_options(synchronize_session=False))
