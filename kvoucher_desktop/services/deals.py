"""서비스 요청: deals between a demand company and a supplier (SPEC §5.3), up to the payment.

Expiry is a function of the clock: every read maps an unanswered request past its deadline to
EXPIRED, every action first persists such an expiry and then refuses, and `sweep()` persists
them in bulk (at start-up and every few minutes).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, bindparam, func, literal, or_, select, tuple_, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..enums import DealAction, DealState, DealTab, Role
from ..models import Company, Deal, DealEvent, Service, Supplier
from .changes import NO_CHANGES, Changes, Done, Entity
from .clock import Clock
from .dto import Actor, DealEventView, DealView, Page, TimeCursor, builder
from .errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from .guards import require_role
from .repositories.rows import fast, prepared, read_tuples
from .rules import deals as rules
from .rules.inputs import clean_amount, clean_cursor, clean_enum, clean_page_size, clean_text, clean_uuid
from .rules.korean import particle
from .rules.limits import MEMO_LIMIT
from .uow import UowFactory

D, A = DealState, DealAction
PAGE_SIZE = 200
MAX_MEMO = MEMO_LIMIT
MAX_PAGE_SIZE = 1000
SWEEP_BATCH = 500

#: tabs per side; the supplier's 결제요청 also holds what the buyer put in its cart
DEMAND_TABS = (DealTab.CONSULT, DealTab.ACCEPTED, DealTab.PAYMENT_REQUESTED, DealTab.CART, DealTab.PAY, DealTab.DONE,
               DealTab.CLOSED)
SUPPLIER_TABS = (DealTab.CONSULT, DealTab.ACCEPTED, DealTab.PAYMENT_REQUESTED, DealTab.DONE, DealTab.CLOSED)


def _tab_states(tab: DealTab, role: Role) -> tuple[DealState, ...]:
    return {
        DealTab.CONSULT: (D.CONSULT_REQUESTED,),
        DealTab.ACCEPTED: (D.ACCEPTED,),
        DealTab.PAYMENT_REQUESTED: (D.PAYMENT_REQUESTED, D.IN_CART) if role is Role.SUPPLIER else (D.PAYMENT_REQUESTED,),
        DealTab.CART: (D.IN_CART,),
        DealTab.PAY: (D.PAYMENT_REQUESTED, D.IN_CART),
        DealTab.DONE: (D.PAID, D.CANCELLED),
        DealTab.CLOSED: (D.REJECTED, D.EXPIRED),
    }[tab]


def tab_of(state: DealState, role: Role, current: DealTab | None = None) -> DealTab | None:
    """The inbox tab of `role` that lists a deal in `state`: `current` when it does, else the
    first of the side's tabs that does (None when no tab of that side lists it)."""
    tabs = DEMAND_TABS if role is Role.DEMAND else SUPPLIER_TABS if role is Role.SUPPLIER else ()
    if current in tabs and state in _tab_states(current, role):
        return current
    return next((tab for tab in tabs if state in _tab_states(tab, role)), None)


def _tab_condition(tab: DealTab, role: Role, now: datetime):
    states = _tab_states(tab, role)
    if tab is DealTab.CLOSED:
        # closed, or awaiting past its deadline; the state list first so that the (owner, state, …)
        # index narrows the rows (benchmarks/README.md)
        return and_(Deal.state.in_(states + tuple(rules.AWAITING)),
                    or_(Deal.state.in_(states), Deal.deadline_at <= now))
    live = Deal.state.in_(states)
    if set(states) & rules.AWAITING:
        return and_(live, or_(Deal.deadline_at.is_(None), Deal.deadline_at > now))
    return live


def deal_view(d: Deal, company_name: str, service_name: str, list_price: int, supplier_name: str,
              now: datetime) -> DealView:
    state = rules.effective_state(d.state, d.deadline_at, now)
    overdue = state is not d.state
    return DealView(
        id=d.id, company_id=d.company_id, company_name=company_name, service_id=d.service_id,
        service_name=service_name, supplier_id=d.supplier_id, supplier_name=supplier_name, list_price=list_price,
        state=state, state_label=rules.STATE_LABELS[state], memo=d.memo, requested_at=d.requested_at,
        accepted_at=d.accepted_at, payment_requested_at=d.payment_requested_at, amount=d.amount,
        deadline_at=d.deadline_at if state in rules.AWAITING else None,
        closed_at=d.deadline_at if overdue else d.closed_at,
        close_reason=rules.expiry_reason(d.state) if overdue else d.close_reason, updated_at=d.updated_at,
    )


_DEAL_VIEW = builder(DealView)


def deal_views(rows, now: datetime) -> tuple[DealView, ...]:
    """`deal_view` for rows of `_view_rows()`, by position (a list page builds hundreds)."""
    effective, labels, awaiting, reason, build = (rules.effective_state, rules.STATE_LABELS, rules.AWAITING,
                                                  rules.expiry_reason, _DEAL_VIEW)
    out = []
    for r in rows:
        stored, deadline = r[4], r[10]
        state = effective(stored, deadline, now)
        overdue = state is not stored
        out.append(build((r[0], r[1], r[14], r[2], r[15], r[3], r[17], r[16], state, labels[state], r[5], r[6], r[7],
                          r[8], r[9], deadline if state in awaiting else None, deadline if overdue else r[11],
                          reason(stored) if overdue else r[12], r[13])))
    return tuple(out)


def _view_rows():
    """The columns `deal_view` reads, as a row (list pages: no ORM objects to build and expire)."""
    return (select(fast(Deal.id), fast(Deal.company_id), fast(Deal.service_id), fast(Deal.supplier_id),
                   fast(Deal.state), Deal.memo,
                   fast(Deal.requested_at), fast(Deal.accepted_at), fast(Deal.payment_requested_at), Deal.amount,
                   fast(Deal.deadline_at), fast(Deal.closed_at), Deal.close_reason, fast(Deal.updated_at),
                   Company.name.label("company_name"),
                   Service.name.label("service_name"), Service.price.label("list_price"),
                   Supplier.name.label("supplier_name"))
            .join(Company, Company.id == Deal.company_id)
            .join(Service, Service.id == Deal.service_id)
            .join(Supplier, Supplier.id == Deal.supplier_id))


_NEWEST_FIRST = (Deal.updated_at.desc(), Deal.id.desc())


def _owner_column(role: Role):
    return Deal.company_id if role is Role.DEMAND else Deal.supplier_id


@prepared
def _counts_stmt(role: Role):
    """Inbox counts in one statement (one round trip): per state (answered from the (owner, state,
    …) index alone), and — marked `overdue` — the awaiting deals past their deadline (`owner`, `now`)."""
    own = _owner_column(role) == bindparam("owner")
    by_state = select(literal(False).label("overdue"), Deal.state, func.count()).where(own).group_by(Deal.state)
    overdue = (select(literal(True).label("overdue"), Deal.state, func.count())
               .where(own, Deal.state.in_(rules.AWAITING), Deal.deadline_at <= bindparam("now", type_=Deal.deadline_at.type))
               .group_by(Deal.state))
    return union_all(by_state, overdue)


@prepared
def _tab_stmt(role: Role, tab: DealTab, paged: bool, limit: int):
    """One inbox tab's page (`owner`, `now`, and `after_at`/`after_id` when `paged`): the page's
    ids first, then the joins for those rows only — a busy supplier's 반려/불가 tab holds
    thousands of deals (benchmarks/README.md)."""
    page = select(Deal.id).where(_owner_column(role) == bindparam("owner"),
                                 _tab_condition(tab, role, bindparam("now", type_=Deal.deadline_at.type)))
    if paged:  # typed binds: the UTC conversion of the column
        page = page.where(tuple_(Deal.updated_at, Deal.id) < tuple_(
            bindparam("after_at", type_=Deal.updated_at.type), bindparam("after_id", type_=Deal.id.type)))
    page = page.order_by(*_NEWEST_FIRST).limit(limit + 1)
    return _view_rows().where(Deal.id.in_(page.scalar_subquery())).order_by(*_NEWEST_FIRST)


def _view_stmt():
    return (select(Deal, Company.name, Service.name, Service.price, Supplier.name)
            .join(Company, Company.id == Deal.company_id)
            .join(Service, Service.id == Deal.service_id)
            .join(Supplier, Supplier.id == Deal.supplier_id))


class DealService:
    def __init__(self, uow: UowFactory, clock: Clock):
        self.uow = uow
        self.clock = clock

    # --- reads -------------------------------------------------------------------------------
    def _owner_id(self, actor: Actor) -> uuid.UUID:
        """The actor's side of its deals (the company or the supplier), or the refusal of `_own`."""
        if actor.role is Role.DEMAND:
            return actor.company_id
        if actor.role is Role.SUPPLIER:
            return actor.supplier_id
        return self._own(actor)  # refuses

    def _own(self, actor: Actor):
        if actor.role is Role.DEMAND:
            return Deal.company_id == actor.company_id
        if actor.role is Role.SUPPLIER:
            return Deal.supplier_id == actor.supplier_id
        raise PermissionDenied("서비스 요청 목록은 수요기업과 공급기업만 볼 수 있습니다.", code="role")

    def counts(self, actor: Actor) -> dict[DealTab, int]:
        """Deals per inbox tab as of now.

        One statement of two grouped queries: per state (answered from the (owner, state, …) index
        alone), and the awaiting deals already past their deadline, which count as 불가
        (benchmarks/README.md)."""
        owner = self._owner_id(actor)
        now = self.clock.now()
        with self.uow() as uow:  # plain rows on the unit's connection (no Session is made)
            rows = read_tuples(uow.connection, _counts_stmt(actor.role), {"owner": owner, "now": now})
        by_state: dict[DealState, int] = {state: n for late, state, n in rows if not late}
        for state, n in ((state, n) for late, state, n in rows if late):  # never count below zero
            moved = min(n, by_state.get(state, 0))
            by_state[state] = by_state.get(state, 0) - moved
            by_state[D.EXPIRED] = by_state.get(D.EXPIRED, 0) + moved
        tabs = DEMAND_TABS if actor.role is Role.DEMAND else SUPPLIER_TABS
        return {tab: sum(by_state.get(st, 0) for st in _tab_states(tab, actor.role)) for tab in tabs}

    def list_tab(self, actor: Actor, tab: DealTab, cursor: TimeCursor | None = None, limit: int = PAGE_SIZE
                 ) -> Page[DealView, TimeCursor]:
        """One inbox tab, most recently changed first; keyset paging on (updated_at, id)."""
        owner = self._owner_id(actor)
        tab = clean_enum(tab, DealTab, "tab", "탭")
        cursor = clean_cursor(cursor, datetime, uuid.UUID)
        limit = clean_page_size(limit, MAX_PAGE_SIZE)
        tabs = DEMAND_TABS if actor.role is Role.DEMAND else SUPPLIER_TABS
        if tab not in tabs:
            raise ValidationError("이 역할에서는 볼 수 없는 탭입니다.", field="tab")
        now = self.clock.now()
        params = {"owner": owner, "now": now}
        if cursor is not None:
            params["after_at"], params["after_id"] = cursor
        stmt = _tab_stmt(actor.role, tab, cursor is not None, limit)
        with self.uow() as uow:
            rows = read_tuples(uow.connection, stmt, params)  # rows, not objects (a list page)
            more = len(rows) > limit
            out = deal_views(rows[:limit], now)
            return Page(out, (out[-1].updated_at, out[-1].id) if more else None)

    def get(self, actor: Actor, deal_id: uuid.UUID) -> DealView:
        clean_uuid(deal_id, "deal_id")
        with self.uow() as uow:
            row = uow.session.execute(_view_stmt().where(Deal.id == deal_id)).first()
            if row is None:
                raise NotFound("거래를 찾을 수 없습니다.")
            self._check_party(actor, row[0])
            return deal_view(*row, self.clock.now())

    def events(self, actor: Actor, deal_id: uuid.UUID) -> list[DealEventView]:
        clean_uuid(deal_id, "deal_id")
        with self.uow() as uow:
            s = uow.session
            d = s.get(Deal, deal_id)
            if d is None:
                raise NotFound("거래를 찾을 수 없습니다.")
            self._check_party(actor, d)
            rows = s.scalars(select(DealEvent).where(DealEvent.deal_id == d.id).order_by(DealEvent.seq)).all()
            out = [DealEventView(e.action, rules.ACTION_LABELS[e.action], e.from_state, e.to_state, e.memo,
                                 e.amount, e.actor_name, e.at) for e in rows]
            now = self.clock.now()
            if rules.is_overdue(d.state, d.deadline_at, now):  # not swept yet: show what the clock says
                out.append(DealEventView(A.EXPIRE, rules.ACTION_LABELS[A.EXPIRE], d.state, D.EXPIRED,
                                         rules.expiry_reason(d.state), None, "시스템", d.deadline_at))
            return out

    def _check_party(self, actor: Actor, d: Deal) -> None:
        if actor.role is Role.AGENCY:
            return
        if actor.role is Role.DEMAND and d.company_id == actor.company_id:
            return
        if actor.role is Role.SUPPLIER and d.supplier_id == actor.supplier_id:
            return
        raise PermissionDenied("다른 기업의 거래는 볼 수 없습니다.", code="not_own")

    # --- start -------------------------------------------------------------------------------
    def request(self, actor: Actor, service_id: uuid.UUID, memo: str) -> Done[DealView]:
        """거래상담 요청 from a service's detail page. Changes: DEAL {the new deal, and an overdue
        deal of the same service persisted as expired on the way}."""
        require_role(actor, Role.DEMAND)
        clean_uuid(service_id, "service_id")
        memo = clean_text(memo, "deal.memo", required=False)
        if not memo:
            raise ValidationError("거래상담 메모를 입력해 주세요. 원하는 내용과 일정을 적으면 공급기업이 답하기 쉽습니다.",
                                  field="memo")
        now = self.clock.now()
        try:
            with self.uow() as uow:
                s = uow.session
                company = s.scalars(select(Company).where(Company.id == actor.company_id).with_for_update()).one()
                sv = uow.catalog.load(actor, service_id)
                # an overdue deal still holds the slot in the table until it is persisted as EXPIRED
                lapsed = uow.deals.lapse_overdue_of(company.id, sv.id, now)
                s.flush()
                refusal = uow.deals.start_refusal(actor, now, uow.deals.open_of(company.id, sv.id, now))
                if refusal:
                    raise InvalidTransition(refusal)
                window = uow.settings.current().deal_window_days
                d = Deal(id=uuid.uuid4(), company_id=company.id, service_id=sv.id, supplier_id=sv.supplier_id,
                         state=D.CONSULT_REQUESTED, memo=memo, requested_at=now, requested_by=actor.user_id,
                         deadline_at=rules.deadline(now, window), updated_at=now)
                s.add(d)
                s.flush()
                uow.deals.record(d, A.REQUEST, None, actor, now, memo=memo)
                uow.commit()
                sup = s.get(Supplier, sv.supplier_id)
                return Done(deal_view(d, company.name, sv.name, sv.price, sup.name, now),
                            Changes.of(Entity.DEAL, d.id, *lapsed))
        except IntegrityError:  # the partial unique index: another desk opened one a moment earlier
            raise Conflict("이 서비스에 이미 진행 중인 거래가 있습니다. '서비스 요청'에서 확인해 주세요.") from None
        except StaleDataError:  # the sweep expired the old deal at the same moment
            raise Conflict("방금 다른 처리와 겹쳤습니다. 다시 한 번 요청해 주세요.") from None

    # --- transitions -------------------------------------------------------------------------
    def act(self, actor: Actor, deal_id: uuid.UUID, action: DealAction, *, memo: str | None = None,
            amount: int | None = None) -> Done[DealView]:
        """Apply one action of the §5.3 table; checks role, ownership, the clock and the state.
        What the action does beside the move is its row in `rules.STEPS`. Changes: DEAL {deal_id}."""
        clean_uuid(deal_id, "deal_id")
        action = clean_enum(action, DealAction, "action", "처리")
        if rules.ACTORS.get(action) is None or actor.role is not rules.ACTORS[action]:
            label = rules.ACTION_LABELS.get(action, str(action))
            raise PermissionDenied(f"'{label}'{particle(label, '을')} 할 권한이 없습니다.", code="role")
        step = rules.STEPS.get(action)
        if step is None or action in rules.ELSEWHERE:  # PAY: only an issuer's approval pays a deal
            raise ValidationError(rules.ELSEWHERE[action])
        if amount is not None or step.priced:  # the INTEGER column's range, before the store
            amount = clean_amount(amount, "amount", "결제요청 금액")
        memo = clean_text(memo, "deal.memo", required=False) or None
        if step.memo_required and not memo:
            raise ValidationError(step.memo_required, field="memo")
        now = self.clock.now()
        try:
            with self.uow() as uow:
                s = uow.session
                row = s.execute(_view_stmt().where(Deal.id == deal_id).with_for_update(of=Deal)).first()
                if row is None:
                    raise NotFound("거래를 찾을 수 없습니다.")
                d, company_name, service_name, list_price, supplier_name = row
                self._check_party(actor, d)
                if actor.role is Role.AGENCY:
                    raise PermissionDenied("전문기관은 거래를 대신 처리할 수 없습니다.", code="role")
                if rules.is_overdue(d.state, d.deadline_at, now):
                    uow.deals.lapse(d)
                    uow.commit()  # the expiry stands; the refusal says it was committed
                    raise InvalidTransition(rules.refusal_message(D.EXPIRED, action), code="deal_expired",
                                            changes=Changes.of(Entity.DEAL, d.id))
                after = rules.next_state(d.state, action)
                if after is None:
                    raise InvalidTransition(rules.refusal_message(d.state, action))
                settings = uow.settings.current() if step.priced or step.restarts_deadline else None
                if step.priced:
                    amount = self._check_amount(settings, amount, list_price)
                uow.deals.move(d, action, after, actor, rules.StepInput(
                    at=now, memo=memo, amount=amount,
                    window_days=settings.deal_window_days if settings is not None else None))
                uow.commit()
                return Done(deal_view(d, company_name, service_name, list_price, supplier_name, now),
                            Changes.of(Entity.DEAL, d.id))
        except StaleDataError:
            raise Conflict("다른 화면에서 이 거래가 먼저 처리되었습니다. 목록을 새로 고쳐 주세요.") from None

    def _check_amount(self, settings, amount, list_price: int) -> int:
        if amount is None or isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError("결제요청 금액을 원 단위 숫자로 입력해 주세요.", field="amount")
        if amount <= 0:
            raise ValidationError("결제요청 금액은 0원보다 커야 합니다.", field="amount")
        if amount > list_price and not settings.allow_price_above_list:
            raise ValidationError(f"결제요청 금액은 서비스 등록 가격({list_price:,}원)을 넘을 수 없습니다.", field="amount")
        return amount

    def accept(self, actor: Actor, deal_id: uuid.UUID) -> Done[DealView]:
        return self.act(actor, deal_id, A.ACCEPT)

    def reject(self, actor: Actor, deal_id: uuid.UUID, memo: str) -> Done[DealView]:
        return self.act(actor, deal_id, A.REJECT, memo=memo)

    def request_payment(self, actor: Actor, deal_id: uuid.UUID, amount: int) -> Done[DealView]:
        return self.act(actor, deal_id, A.REQUEST_PAYMENT, amount=amount)

    def move_to_cart(self, actor: Actor, deal_id: uuid.UUID) -> Done[DealView]:
        return self.act(actor, deal_id, A.TO_CART)

    def move_from_cart(self, actor: Actor, deal_id: uuid.UUID) -> Done[DealView]:
        return self.act(actor, deal_id, A.FROM_CART)

    # --- the clock ---------------------------------------------------------------------------
    def sweep(self) -> Done[int]:
        """Persist every expiry the clock has made (start-up and every few minutes); the value is how
        many. Changes: DEAL {the ids expired} (none when nothing was due)."""
        now = self.clock.now()
        expired: list[uuid.UUID] = []
        while True:
            with self.uow() as uow:
                batch = uow.deals.lapse_due(now, SWEEP_BATCH)
                uow.commit()
            expired += batch
            if len(batch) < SWEEP_BATCH:
                return Done(len(expired), Changes.of(Entity.DEAL, *expired) if expired else NO_CHANGES)
