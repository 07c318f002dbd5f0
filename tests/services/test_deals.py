"""Deals (SPEC §5.3) through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from sqlalchemy import select

from kvoucher_desktop.enums import DealAction, DealState, DealTab, Role, ScreeningStatus
from kvoucher_desktop.models import AuditRecord, Deal, DealEvent
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.changes import Changes, Entity
from kvoucher_desktop.services.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from kvoucher_desktop.services.rules import deals as rules

from tests.factories import (
    approved_buyer,
    company_in_state,
    make_agency,
    make_operator,
    make_service,
    make_supplier_account,
)

pytestmark = pytest.mark.over_http

D, A = DealState, DealAction
MEMO = "6월부터 20명이 쓸 화상회의 서비스를 상담하고 싶습니다."


def drive(services, state: DealState, buyer, supplier, *, price: int = 1_100_000):
    """A fresh service of `supplier` and a deal of `buyer` on it, driven into `state` through the services
    (PAID and CANCELLED, which need the payment flow, are written directly)."""
    service = make_service(services, supplier, price=price)
    deal = services.deals.request(buyer, service.id, MEMO).value
    if state in (D.ACCEPTED, D.PAYMENT_REQUESTED, D.IN_CART, D.PAID, D.CANCELLED):
        services.deals.accept(supplier, deal.id)
    if state in (D.PAYMENT_REQUESTED, D.IN_CART, D.PAID, D.CANCELLED):
        services.deals.request_payment(supplier, deal.id, price)
    if state is D.IN_CART:
        services.deals.move_to_cart(buyer, deal.id)
    if state is D.REJECTED:
        services.deals.reject(supplier, deal.id, "일정이 맞지 않습니다.")
    if state is D.EXPIRED:
        services.clock.advance(days=3)
        services.deals.sweep()
    if state in (D.PAID, D.CANCELLED):
        with services.deals.uow() as uow:
            uow.session.get(Deal, deal.id).state = state
            uow.session.get(Deal, deal.id).deadline_at = None
            uow.commit()
    return services.deals.get(buyer, deal.id)


def perform(services, actor, deal_id, action):
    kwargs = {}
    if action is A.REJECT:
        kwargs["memo"] = "반려합니다."
    if action is A.REQUEST_PAYMENT:
        kwargs["amount"] = 1_000_000
    return services.deals.act(actor, deal_id, action, **kwargs).value


#: actions DealService.act takes (PAY and CANCEL are the payment service's: tests/services/test_payments.py)
ACTIONS = [a for a in DealAction if a not in (A.REQUEST, A.EXPIRE) and a not in rules.ELSEWHERE]
STATES = [D.CONSULT_REQUESTED, D.ACCEPTED, D.PAYMENT_REQUESTED, D.IN_CART, D.REJECTED, D.EXPIRED, D.PAID,
          D.CANCELLED]


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.value)
def test_every_action_in_every_state(services, clock, state):
    """Walk the §5.3 table: the owning party may take exactly the actions of the table; everyone else
    is refused whatever the state."""
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    other_buyer, _ = approved_buyer(services)
    other_supplier = make_supplier_account(services)
    outsiders = [make_operator(services), make_agency(services)]
    for action in ACTIONS:
        clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=KST))
        deal = drive(services, state, buyer, supplier)
        assert deal.state is state
        owner = buyer if rules.ACTORS[action] is Role.DEMAND else supplier
        wrong_role = supplier if owner is buyer else buyer
        stranger = other_buyer if owner is buyer else other_supplier
        for intruder in [wrong_role, stranger, *outsiders]:
            with pytest.raises(PermissionDenied):
                perform(services, intruder, deal.id, action)
        expected = rules.next_state(state, action)
        if expected is None:
            with pytest.raises(InvalidTransition):
                perform(services, owner, deal.id, action)
            assert services.deals.get(buyer, deal.id).state is state
        else:
            assert perform(services, owner, deal.id, action).state is expected
            assert services.deals.get(supplier, deal.id).state is expected


def test_transitions_are_recorded_and_audited(services):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, D.IN_CART, buyer, supplier)
    events = services.deals.events(buyer, deal.id)
    assert [e.action for e in events] == [A.REQUEST, A.ACCEPT, A.REQUEST_PAYMENT, A.TO_CART]
    assert events[0].memo == MEMO and events[2].amount == 1_100_000
    with services.deals.uow() as uow:
        actions = uow.session.scalars(select(AuditRecord.action).where(AuditRecord.entity_id == str(deal.id))).all()
    assert sorted(actions) == sorted(["deal.request", "deal.accept", "deal.request_payment", "deal.to_cart"])


def test_reject_needs_a_memo_and_shows_it(services):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, D.CONSULT_REQUESTED, buyer, supplier)
    with pytest.raises(ValidationError) as err:
        services.deals.reject(supplier, deal.id, "   ")
    assert err.value.field == "memo"
    services.deals.reject(supplier, deal.id, "해당 지역은 지원하지 않습니다.")
    closed = services.deals.list_tab(buyer, DealTab.CLOSED).rows
    assert [(d.id, d.state, d.close_reason) for d in closed] == [(deal.id, D.REJECTED, "해당 지역은 지원하지 않습니다.")]


@pytest.mark.parametrize("amount, ok", [(1, True), (1_100_000, True), (0, False), (-5, False), (1_100_001, False)])
def test_payment_amount_rules(services, amount, ok):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, D.ACCEPTED, buyer, supplier)
    if ok:
        assert services.deals.request_payment(supplier, deal.id, amount).value.amount == amount
    else:
        with pytest.raises(ValidationError) as err:
            services.deals.request_payment(supplier, deal.id, amount)
        assert err.value.field == "amount"
        assert services.deals.get(buyer, deal.id).state is D.ACCEPTED


def test_amount_above_the_list_price_when_the_programme_allows_it(services):
    agency = make_agency(services)
    services.programme.update_settings(agency, __import__("dataclasses").replace(
        services.programme.settings(), allow_price_above_list=True))
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, D.ACCEPTED, buyer, supplier)
    assert services.deals.request_payment(supplier, deal.id, 1_500_000).value.amount == 1_500_000


def test_non_integer_amount_is_refused(services):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, D.ACCEPTED, buyer, supplier)
    for bad in (1000.0, "1000", True, None):
        with pytest.raises(ValidationError):
            services.deals.request_payment(supplier, deal.id, bad)


# --- starting a deal ---------------------------------------------------------------------------------
def test_only_approved_companies_with_a_method_and_budget_may_start(services):
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    confirmed, _ = company_in_state(services, ScreeningStatus.CONFIRMED)
    with pytest.raises(InvalidTransition, match="승인"):
        services.deals.request(confirmed, service.id, MEMO)
    approved, _ = company_in_state(services, ScreeningStatus.APPROVED)
    with pytest.raises(InvalidTransition, match="결제수단"):
        services.deals.request(approved, service.id, MEMO)
    detail = services.catalog.detail(approved, service.id)
    assert not detail.can_request_deal and "결제수단" in detail.request_refusal
    with pytest.raises(PermissionDenied):
        services.deals.request(supplier, service.id, MEMO)
    buyer, _ = approved_buyer(services)
    with pytest.raises(ValidationError) as err:
        services.deals.request(buyer, service.id, "  ")
    assert err.value.field == "memo"
    assert services.deals.request(buyer, service.id, MEMO).value.state is D.CONSULT_REQUESTED


def test_hidden_services_cannot_be_requested(services):
    supplier = make_supplier_account(services)
    service = make_service(services, supplier, hidden=True)
    buyer, _ = approved_buyer(services)
    with pytest.raises(NotFound):
        services.deals.request(buyer, service.id, MEMO)


def test_at_most_one_open_deal_per_service(services, clock):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    first = services.deals.request(buyer, service.id, MEMO).value
    with pytest.raises(InvalidTransition, match="진행 중인 거래"):
        services.deals.request(buyer, service.id, MEMO)
    assert services.catalog.detail(buyer, service.id).open_deal_id == first.id
    # another company may, and the same company may for another service
    other, _ = approved_buyer(services)
    services.deals.request(other, service.id, MEMO)
    services.deals.request(buyer, make_service(services, supplier).id, MEMO)
    # once the first is closed (here: lapsed, not swept) a new one may start
    clock.advance(days=3)
    second = services.deals.request(buyer, service.id, MEMO).value
    assert second.id != first.id
    assert services.deals.get(buyer, first.id).state is D.EXPIRED


def test_open_deal_slot_is_guarded_by_the_store(services):
    """Two desks racing past the check still cannot open two deals: the partial unique index refuses."""
    buyer, company_id = approved_buyer(services)
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    services.deals.request(buyer, service.id, MEMO)
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with services.deals.uow() as uow:
            now = services.clock.now()
            uow.session.add(Deal(id=uuid.uuid4(), company_id=company_id, service_id=service.id,
                                 supplier_id=supplier.supplier_id, state=D.ACCEPTED, memo="x", requested_at=now,
                                 updated_at=now))
            uow.commit()


def test_a_rejected_deal_frees_the_service(services):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, D.REJECTED, buyer, supplier)
    assert services.deals.request(buyer, deal.service_id, MEMO).value.state is D.CONSULT_REQUESTED


# --- the clock ----------------------------------------------------------------------------------------
def test_expiry_is_seen_at_every_read_before_any_sweep(services, clock):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    clock.set(datetime(2021, 3, 1, 23, 50, tzinfo=KST))
    deal = drive(services, D.CONSULT_REQUESTED, buyer, supplier)
    assert deal.deadline_at == datetime(2021, 3, 4, tzinfo=KST)
    clock.set(datetime(2021, 3, 3, 23, 59, 59, tzinfo=KST))
    assert services.deals.get(buyer, deal.id).state is D.CONSULT_REQUESTED
    assert services.deals.counts(supplier)[DealTab.CONSULT] == 1
    clock.set(datetime(2021, 3, 4, 0, 0, 0, tzinfo=KST))
    seen = services.deals.get(supplier, deal.id)
    assert (seen.state, seen.state_label, seen.close_reason) == (D.EXPIRED, "불가", rules.EXPIRED_NO_ANSWER)
    assert services.deals.counts(supplier)[DealTab.CONSULT] == 0
    assert services.deals.counts(buyer)[DealTab.CLOSED] == 1
    assert [d.id for d in services.deals.list_tab(buyer, DealTab.CLOSED).rows] == [deal.id]
    assert services.deals.list_tab(supplier, DealTab.CONSULT).rows == ()
    assert services.deals.events(buyer, deal.id)[-1].action is A.EXPIRE
    # an action on it is refused with a clear message, and the expiry is persisted on the way
    with pytest.raises(InvalidTransition, match="기한"):
        services.deals.accept(supplier, deal.id)
    with services.deals.uow() as uow:
        stored = uow.session.get(Deal, deal.id)
        assert stored.state is D.EXPIRED and stored.closed_at == datetime(2021, 3, 4, tzinfo=KST)
    assert services.deals.sweep().value == 0


def test_a_refusal_of_an_overdue_deal_carries_the_expiry_it_committed(services, clock):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, D.CONSULT_REQUESTED, buyer, supplier)
    clock.set(deal.deadline_at)
    with pytest.raises(InvalidTransition) as refused:
        services.deals.accept(supplier, deal.id)
    assert refused.value.changes == Changes.of(Entity.DEAL, deal.id)  # the expiry is committed: pages hear it
    with pytest.raises(InvalidTransition) as again:  # now plainly closed: nothing more was committed
        services.deals.accept(supplier, deal.id)
    assert not again.value.changes


def test_payment_request_runs_its_own_deadline(services, clock):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=KST))
    deal = drive(services, D.ACCEPTED, buyer, supplier)
    clock.set(datetime(2026, 3, 20, 0, 0, tzinfo=KST))  # an accepted deal has no deadline
    assert services.deals.get(buyer, deal.id).state is D.ACCEPTED
    services.deals.request_payment(supplier, deal.id, 500_000)
    services.deals.move_to_cart(buyer, deal.id)  # the cart does not stop the clock
    clock.set(datetime(2026, 3, 22, 23, 59, 59, tzinfo=KST))
    assert services.deals.get(buyer, deal.id).state is D.IN_CART
    clock.set(datetime(2026, 3, 23, 0, 0, tzinfo=KST))
    seen = services.deals.get(buyer, deal.id)
    assert (seen.state, seen.close_reason) == (D.EXPIRED, rules.EXPIRED_NO_PAYMENT)  # the buyer did not pay
    with pytest.raises(InvalidTransition):
        services.deals.move_from_cart(buyer, deal.id)


def test_sweep_persists_what_the_clock_expired(services, clock):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    due = [drive(services, D.CONSULT_REQUESTED, buyer, supplier) for _ in range(3)]
    accepted = drive(services, D.ACCEPTED, buyer, supplier)
    clock.advance(days=1)
    fresh = drive(services, D.CONSULT_REQUESTED, buyer, supplier)
    clock.set(due[0].deadline_at)
    assert services.deals.sweep().value == 3
    assert services.deals.sweep().value == 0
    with services.deals.uow() as uow:
        states = {d.id: d.state for d in uow.session.scalars(select(Deal))}
        system_roles = set(uow.session.scalars(select(DealEvent.actor_role).where(DealEvent.action == A.EXPIRE)))
    assert all(states[d.id] is D.EXPIRED for d in due)
    assert states[accepted.id] is D.ACCEPTED and states[fresh.id] is D.CONSULT_REQUESTED
    assert system_roles == {"SYSTEM"}


#: approved on 2026-06-01, the use period runs to 2027-02-01: requests over month and year ends
APPROVED_AT = datetime(2026, 6, 1, 9, 0, tzinfo=KST)
request_times = st.datetimes(min_value=datetime(2026, 6, 1, 9, 0), max_value=datetime(2027, 1, 25, 23, 59, 59),
                             timezones=st.just(KST))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requested=request_times)
@example(requested=datetime(2026, 6, 30, 23, 59, tzinfo=KST))  # 23:59 on a month end
@example(requested=datetime(2026, 7, 1, 0, 0, tzinfo=KST))  # 00:00 on the first of a month
@example(requested=datetime(2026, 12, 31, 23, 59, 59, tzinfo=KST))  # the last second of the year
@example(requested=datetime(2026, 12, 30, 0, 0, tzinfo=KST))  # D+2 is the year's last day
def test_deadline_boundary_for_any_request_time(services, clock, requested):
    """Whatever the request time: open at the last second of D+2 (KST), 불가 at the first of D+3."""
    clock.set(APPROVED_AT)
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    clock.set(requested)
    deal = drive(services, D.CONSULT_REQUESTED, buyer, supplier)
    other = drive(services, D.CONSULT_REQUESTED, buyer, supplier)
    last_open = datetime.combine(requested.date() + timedelta(days=2), time(23, 59, 59), tzinfo=KST)
    clock.set(last_open)
    assert services.deals.get(buyer, deal.id).state is D.CONSULT_REQUESTED
    assert services.deals.accept(supplier, deal.id).value.state is D.ACCEPTED
    clock.set(last_open + timedelta(seconds=1))
    assert services.deals.get(buyer, other.id).state is D.EXPIRED
    with pytest.raises(InvalidTransition):
        services.deals.accept(supplier, other.id)
    # the same rule from the payment request
    services.deals.request_payment(supplier, deal.id, 100_000)
    pay_due = datetime.combine(clock.now().astimezone(KST).date() + timedelta(days=3), time(0, 0), tzinfo=KST)
    clock.set(pay_due - timedelta(seconds=1))
    assert services.deals.get(buyer, deal.id).state is D.PAYMENT_REQUESTED
    clock.set(pay_due)
    assert services.deals.get(buyer, deal.id).state is D.EXPIRED


# --- reads --------------------------------------------------------------------------------------------
def test_tabs_and_counts_for_both_sides(services):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    made = {state: drive(services, state, buyer, supplier)
            for state in (D.CONSULT_REQUESTED, D.ACCEPTED, D.PAYMENT_REQUESTED, D.IN_CART, D.REJECTED, D.PAID,
                          D.CANCELLED)}
    demand = services.deals.counts(buyer)
    assert demand == {DealTab.CONSULT: 1, DealTab.ACCEPTED: 1, DealTab.PAYMENT_REQUESTED: 1, DealTab.CART: 1,
                      DealTab.PAY: 2, DealTab.DONE: 2, DealTab.CLOSED: 1}
    assert services.deals.counts(supplier) == {DealTab.CONSULT: 1, DealTab.ACCEPTED: 1,
                                               DealTab.PAYMENT_REQUESTED: 2, DealTab.DONE: 2, DealTab.CLOSED: 1}
    # 결제완료·취소: the paid and the cancelled deals, on both sides
    for actor in (buyer, supplier):
        assert {d.id for d in services.deals.list_tab(actor, DealTab.DONE).rows} == {made[D.PAID].id,
                                                                                     made[D.CANCELLED].id}
    pay = {d.id for d in services.deals.list_tab(buyer, DealTab.PAY).rows}
    assert pay == {made[D.PAYMENT_REQUESTED].id, made[D.IN_CART].id}
    assert [d.id for d in services.deals.list_tab(buyer, DealTab.CART).rows] == [made[D.IN_CART].id]
    with pytest.raises(ValidationError):
        services.deals.list_tab(supplier, DealTab.CART)
    with pytest.raises(PermissionDenied):
        services.deals.counts(make_operator(services))
    # nobody else sees them
    stranger, _ = approved_buyer(services)
    assert sum(services.deals.counts(stranger).values()) == 0
    with pytest.raises(PermissionDenied):
        services.deals.get(stranger, made[D.ACCEPTED].id)
    # the agency may read one
    assert services.deals.get(make_agency(services), made[D.ACCEPTED].id).state is D.ACCEPTED


def test_list_tab_pages_by_keyset(services, clock):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    ids = []
    for _ in range(5):
        clock.advance(minutes=1)
        ids.append(drive(services, D.CONSULT_REQUESTED, buyer, supplier).id)
    first = services.deals.list_tab(buyer, DealTab.CONSULT, limit=2)
    second = services.deals.list_tab(buyer, DealTab.CONSULT, first.next_cursor, limit=2)
    third = services.deals.list_tab(buyer, DealTab.CONSULT, second.next_cursor, limit=2)
    assert [d.id for d in first.rows + second.rows + third.rows] == ids[::-1]
    assert third.next_cursor is None


def test_two_desks_cannot_both_act(services):
    """A second desk changes the deal between this desk's read and its write: on PostgreSQL the row
    lock taken by the read makes the other desk wait; on SQLite the version check refuses the
    stale write with a Korean message. Either way only one answer is stored."""
    from sqlalchemy import event, text, update
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, D.CONSULT_REQUESTED, buyer, supplier)
    postgres = services.engine.dialect.name == "postgresql"
    other_desk = []

    def meanwhile(session, _context, _instances):
        if other_desk:
            return
        with services.engine.connect() as conn:
            if postgres:
                conn.execute(text("SET lock_timeout = '300ms'"))
            try:
                conn.execute(update(Deal).where(Deal.id == deal.id)
                             .values(state=D.REJECTED, version=Deal.version + 1))
                conn.commit()
                other_desk.append("written")
            except OperationalError:
                conn.rollback()
                other_desk.append("blocked")

    event.listen(Session, "before_flush", meanwhile)
    try:
        if postgres:
            assert services.deals.accept(supplier, deal.id).value.state is D.ACCEPTED
            assert other_desk == ["blocked"]
        else:
            with pytest.raises(Conflict, match="먼저 처리"):
                services.deals.accept(supplier, deal.id)
            assert other_desk == ["written"]
    finally:
        event.remove(Session, "before_flush", meanwhile)
    assert services.deals.get(buyer, deal.id).state is (D.ACCEPTED if postgres else D.REJECTED)


def test_two_desks_requesting_the_same_service(services):
    """Two desks of one company request the same service at once. On PostgreSQL the company row lock
    makes the other desk wait; on SQLite both pass the check and the partial unique index lets one
    deal in, the other desk getting a Korean message instead of a raw database error."""
    from sqlalchemy import event, insert, text
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    buyer, company_id = approved_buyer(services)
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    postgres = services.engine.dialect.name == "postgresql"
    other_desk = []

    def meanwhile(session, _context, _instances):
        if other_desk or not any(isinstance(o, Deal) for o in session.new):
            return
        now = services.clock.now()
        with services.engine.connect() as conn:
            if postgres:
                conn.execute(text("SET lock_timeout = '300ms'"))
            try:
                conn.execute(insert(Deal).values(
                    id=uuid.uuid4(), company_id=company_id, service_id=service.id, supplier_id=supplier.supplier_id,
                    state=D.CONSULT_REQUESTED, memo="다른 창구", requested_at=now, deadline_at=rules.deadline(now),
                    updated_at=now, version=1))
                conn.commit()
                other_desk.append("written")
            except OperationalError:
                conn.rollback()
                other_desk.append("blocked")

    event.listen(Session, "before_flush", meanwhile)
    try:
        if postgres:
            assert services.deals.request(buyer, service.id, MEMO).value.state is D.CONSULT_REQUESTED
        else:
            with pytest.raises(Conflict, match="이미 진행 중인 거래"):
                services.deals.request(buyer, service.id, MEMO)
    finally:
        event.remove(Session, "before_flush", meanwhile)
    assert other_desk == ["blocked" if postgres else "written"]
    assert services.deals.counts(buyer)[DealTab.CONSULT] == 1
