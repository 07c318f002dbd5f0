"""A company's voucher budget as the payments spend it (SPEC §5.2): what the voucher page shows,
what a deal may still start on, what an abandonment shrinks the budget to."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from ...enums import PaymentStatus
from ...models import Company, Payment
from ..dto import BudgetView
from . import Repository


def government_pct(c: Company) -> int:
    """The government share (%) of this company's budget, as approved."""
    if c.budget_government_pct is not None:
        return c.budget_government_pct
    if not c.budget_total:
        return 0
    return (c.budget_government or 0) * 100 // c.budget_total


class BudgetRepository(Repository):
    def ledger(self, c: Company) -> BudgetView | None:
        """remaining = budget − Σ SUCCEEDED − Σ IN_PROGRESS; 0 after an abandonment (SPEC §5.2).
        None before the budget is confirmed."""
        if c.budget_total is None:
            return None
        sums = dict(self.session.execute(
            select(Payment.status, func.coalesce(func.sum(Payment.amount), 0))
            .where(Payment.company_id == c.id,
                   Payment.status.in_((PaymentStatus.SUCCEEDED, PaymentStatus.IN_PROGRESS)))
            .group_by(Payment.status)).all())
        spent = int(sums.get(PaymentStatus.SUCCEEDED, 0))
        in_progress = int(sums.get(PaymentStatus.IN_PROGRESS, 0))
        abandoned = c.budget_abandoned_at is not None
        remaining = 0 if abandoned else c.budget_total - spent - in_progress
        return BudgetView(total=c.budget_total, government=c.budget_government or 0, self_pay=c.budget_self or 0,
                          government_pct=government_pct(c), spent=spent, in_progress=in_progress,
                          remaining=remaining, abandoned=abandoned)

    def paid_shares(self, company_id: uuid.UUID) -> tuple[int, int]:
        """(government, self-payment) of the company's succeeded payments, with the payments' own shares."""
        gov, own = self.session.execute(
            select(func.coalesce(func.sum(Payment.government_share), 0), func.coalesce(func.sum(Payment.self_share), 0))
            .where(Payment.company_id == company_id, Payment.status == PaymentStatus.SUCCEEDED)).one()
        return int(gov), int(own)
