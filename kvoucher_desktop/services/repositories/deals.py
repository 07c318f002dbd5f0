"""Deals as several areas read and change them: the open deal of a company on a service (the
catalog shows it, a request checks it), the moves of the state machine with their event and audit
record (`rules.deals.STEPS`), and the expiries the clock or a budget abandonment makes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ...enums import DealAction, DealState, ScreeningStatus
from ...models import OPEN_STATES, AuditRecord, Company, Deal, DealEvent
from ..clock import Clock, kst_date
from ..dto import Actor
from ..rules import deals as rules
from . import Repository
from .audit import AuditLog
from .budget import BudgetRepository

D, A = DealState, DealAction


class DealRepository(Repository):
    def __init__(self, session: Session, clock: Clock):
        super().__init__(session, clock)
        self._audit = AuditLog(session, clock)
        self._budget = BudgetRepository(session, clock)

    # --- moves -----------------------------------------------------------------------------------
    def record(self, d: Deal, action: DealAction, before: DealState | None, actor: Actor | None, at: datetime,
               *, memo: str | None = None, amount: int | None = None) -> None:
        """The deal's next event (from `before` to its state now) and its audit record."""
        s = self.session
        seq = (s.scalar(select(func.max(DealEvent.seq)).where(DealEvent.deal_id == d.id)) or 0) + 1
        s.add(DealEvent(id=uuid.uuid4(), deal_id=d.id, seq=seq, action=action, from_state=before, to_state=d.state,
                        memo=memo, amount=amount, actor_id=actor.user_id if actor else None,
                        actor_name=actor.name if actor else "시스템",
                        actor_role=actor.role.value if actor else "SYSTEM", at=at))
        after = {"state": d.state.value}
        if memo:
            after["memo"] = memo
        if amount is not None:
            after["amount"] = amount
        self._audit.record(actor, f"deal.{action.value.lower()}", "deal", d.id,
                           before={"state": before.value} if before else None, after=after, at=at)

    def move(self, d: Deal, action: DealAction, to: DealState, actor: Actor | None, step: rules.StepInput) -> None:
        """Take `action` (already allowed) to state `to`: the fields of its row in `rules.STEPS`,
        then the event and the audit record."""
        before = d.state
        rule = rules.STEPS[action]
        d.state, d.updated_at = to, step.at
        for name, value in rule.stamp(step).items():
            setattr(d, name, value)
        self.record(d, action, before, actor, step.at, memo=step.memo,
                    amount=step.amount if rule.priced else None)

    def expire(self, d: Deal, at: datetime, reason: str) -> None:
        """Persist an expiry that happened `at` (the deadline, or now for an abandonment)."""
        self.move(d, A.EXPIRE, D.EXPIRED, None, rules.StepInput(at=at, memo=reason))

    def lapse(self, d: Deal) -> None:
        """Persist the expiry the clock already made: at the deadline, with the reason of its state."""
        self.expire(d, d.deadline_at, rules.expiry_reason(d.state))

    def lapse_overdue_of(self, company_id: uuid.UUID, service_id: uuid.UUID, now: datetime) -> list[uuid.UUID]:
        """Persist the expiry of the company's overdue deal on a service, which still holds the
        (company, service) slot in the table; returns the ids lapsed."""
        deals = self.session.scalars(
            select(Deal).where(Deal.company_id == company_id, Deal.service_id == service_id,
                               Deal.state.in_(rules.AWAITING), Deal.deadline_at <= now).with_for_update()).all()
        for d in deals:
            self.lapse(d)
        return [d.id for d in deals]

    def lapse_due(self, now: datetime, limit: int) -> list[uuid.UUID]:
        """Persist up to `limit` expiries the clock has made, oldest deadline first, skipping deals
        another desk holds; returns the ids lapsed."""
        deals = self.session.scalars(
            select(Deal).where(Deal.state.in_(rules.AWAITING), Deal.deadline_at <= now)
            .order_by(Deal.deadline_at, Deal.id).limit(limit).with_for_update(skip_locked=True)).all()
        for d in deals:
            self.lapse(d)
        return [d.id for d in deals]

    def expire_open_of_company(self, company_id: uuid.UUID, now: datetime, reason: str) -> list[uuid.UUID]:
        """Expire every open deal of a company (budget abandonment); an overdue one lapses at its
        deadline instead. Returns the ids expired."""
        deals = self.session.scalars(select(Deal).where(Deal.company_id == company_id, Deal.state.in_(OPEN_STATES))
                                     .with_for_update()).all()
        for d in deals:
            if rules.is_overdue(d.state, d.deadline_at, now):
                self.lapse(d)
            else:
                self.expire(d, now, reason)
        return [d.id for d in deals]

    # --- reads -----------------------------------------------------------------------------------
    def was_held(self, deal_id: uuid.UUID) -> bool:
        """Whether a payment's start already held this deal past its deadline (audited as
        `deal.hold_for_payment`; the audit log is append-only, so the answer cannot be undone)."""
        return bool(self.session.scalar(select(exists().where(
            AuditRecord.entity_id == str(deal_id), AuditRecord.action == "deal.hold_for_payment"))))

    def get_for_update(self, deal_id: uuid.UUID) -> Deal:
        """The deal, its row locked until the transaction ends (PostgreSQL)."""
        return self.session.scalars(select(Deal).where(Deal.id == deal_id).with_for_update()).one()

    def open_of(self, company_id: uuid.UUID, service_id: uuid.UUID, now: datetime) -> Deal | None:
        """The company's open deal for a service as of `now` (an overdue one does not count)."""
        d = self.session.scalars(select(Deal).where(Deal.company_id == company_id, Deal.service_id == service_id,
                                                    Deal.state.in_(OPEN_STATES))).first()
        if d is None or rules.is_overdue(d.state, d.deadline_at, now):
            return None
        return d

    def start_refusal(self, actor: Actor, now: datetime, open_deal: Deal | None) -> str | None:
        """Why this demand company cannot start a consultation on a service now (`open_deal`: its
        open deal there, `open_of`), or None."""
        c = self.session.get(Company, actor.company_id)
        if c is None:
            return "기업 정보를 찾을 수 없습니다."
        if c.status is not ScreeningStatus.APPROVED:
            return "예산이 확정(승인)된 수요기업만 거래상담을 요청할 수 있습니다."
        if c.payment_method is None:
            return "먼저 '바우처 신청'에서 결제수단을 선택해 주세요."
        if c.use_period_end is not None and kst_date(now) > c.use_period_end:
            return f"바우처 사용기간({c.use_period_end:%Y-%m-%d})이 끝나 새 거래를 시작할 수 없습니다."
        budget = self._budget.ledger(c)
        if budget is None or budget.remaining <= 0:
            return "남은 예산이 없어 거래상담을 요청할 수 없습니다."
        if open_deal is not None:
            label = rules.STATE_LABELS[open_deal.state]
            return f"이 서비스에 진행 중인 거래({label})가 있습니다. '서비스 요청'에서 확인해 주세요."
        return None
