"""Money stays right under any sequence of payment actions (SPEC §5.2, §5.4): a Hypothesis state
machine drives several desks of one company through batches, card codes, ZeroPay, cancellations,
issuer declines and time-outs, crashes between the steps of a payment (before the issuer call,
after its approval, before the local commit), the clock and the reconciler. After every step: no
budget below zero, no deal paid twice, Σ payments = budget − remaining; after reconciling, every
issuer approval matched by exactly one SUCCEEDED (or CANCELLED) payment."""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, \
    run_state_machine_as_test
from sqlalchemy import select

from kvoucher_desktop.enums import DealState, PaymentMethod, PaymentStatus, Role
from kvoucher_desktop.models import Company, Deal, Payment, User
from kvoucher_desktop.services.errors import DomainError
from kvoucher_desktop.services.gateways.issuer_store import CardAttempt, ZeroPayAttempt
from kvoucher_desktop.services.rules import payments as rules
from kvoucher_desktop.services.rules.deals import deadline

from tests.factories import approved_buyer, make_service, make_supplier_account

P = PaymentStatus
PIN = "583920"
#: sequences per store: 2,000 in the suite (the two run side by side on the suite's workers)
SEQUENCES = {"sqlite": 1500, "postgresql": 500}
AMOUNTS = (1_650_000, 1_100_000, 880_000, 1_650_000)  # four deals: more than the 4,000,000 budget


class World:
    """One store with an approved template company, a supplier and its services; each sequence
    gets a fresh copy of the company (rows written directly: signing up 2,000 companies through
    screening would take minutes) with its own login, deals and voucher card or ZeroPay password."""

    def __init__(self, services, clock):
        self.services, self.clock = services, clock
        if services.engine.dialect.name == "sqlite":
            _no_fsync_per_commit(services.engine, services.issuer_store.engine)
        self.supplier = make_supplier_account(services)
        self.service_ids = [make_service(services, self.supplier, price=2_000_000).id for _ in range(4)]
        buyer, company_id = approved_buyer(services, PaymentMethod.ZEROPAY)
        with services.payments.uow() as uow:
            self.template = {c.key: getattr(uow.session.get(Company, company_id), c.key)
                             for c in Company.__table__.columns}
            user = uow.session.get(User, buyer.user_id)
            self.password_hash = user.password_hash
        self.n = 0
        self.sequences = self.charged = 0  # sequences checked at their end; those that charged anything

    def company(self, method: PaymentMethod, deals: int):
        """A fresh approved company paying by `method`, with `deals` deals awaiting payment."""
        self.n += 1
        s, now = self.services, self.clock.now()
        company_id, user_id = uuid.uuid4(), uuid.uuid4()
        with s.payments.uow() as uow:
            row = dict(self.template, id=company_id, business_no=f"9{self.n:09d}", payment_method=method,
                       card_last4=None, card_issued_at=None, name=f"상태기계기업{self.n}")
            uow.session.add(Company(**row))
            uow.session.flush()
            uow.session.add(User(id=user_id, login_id=f"fsm{self.n}-{uuid.uuid4().hex[:6]}",
                                 password_hash=self.password_hash, role=Role.DEMAND, display_name=row["name"],
                                 company_id=company_id, created_at=now))
            ids = []
            for i in range(deals):
                amount = AMOUNTS[i]  # by position only: a replayed sequence takes the same path
                deal = Deal(id=uuid.uuid4(), company_id=company_id, service_id=self.service_ids[i],
                            supplier_id=self.supplier.supplier_id, state=DealState.PAYMENT_REQUESTED,
                            memo="상태기계", requested_at=now, accepted_at=now, payment_requested_at=now,
                            amount=amount, deadline_at=deadline(now, 30), updated_at=now)
                uow.session.add(deal)
                ids.append(deal.id)
            uow.commit()
        card = None
        if method is PaymentMethod.SHINHAN_CARD:
            card = s.cards.issue_card(str(company_id), row["payment_manager_phone"])
            with s.payments.uow() as uow:
                uow.session.get(Company, company_id).card_last4 = card.last4
                uow.commit()
        else:
            s.zeropay.set_password(str(company_id), PIN)
        actor = s.sessions.open_for(user_id)
        return actor, company_id, ids, card, row["payment_manager_phone"]


def _no_fsync_per_commit(*engines) -> None:
    """Thousands of sequences commit tens of thousands of times: on SQLite without a sync of the
    disk per commit (WAL's NORMAL; what is committed and read back is the same, only a power cut
    could lose the last commits of a throw-away store)."""
    from sqlalchemy import event

    for engine in engines:
        event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA synchronous=NORMAL"))
        engine.dispose()  # pooled connections go; new ones get the pragma


def key() -> str:
    return uuid.uuid4().hex


class Money(RuleBasedStateMachine):
    world: World = None  # set by the test

    @initialize(method=st.sampled_from([PaymentMethod.ZEROPAY, PaymentMethod.SHINHAN_CARD]),
                deals=st.integers(2, 4))
    def setup(self, method, deals):
        w = self.world
        self.s, self.clock = w.services, w.clock
        self.s.cards.faults.clear()
        self.s.zeropay.faults.clear()
        self.actor, self.company_id, self.deals, self.card, self.phone = w.company(method, deals)
        self.method = method
        self.open: list[uuid.UUID] = []  # attempts this sequence started and has not finished

    # --- actions of the desks --------------------------------------------------------------------
    @rule(data=st.data())
    def start_batch(self, data):
        picked = data.draw(st.lists(st.sampled_from(self.deals), min_size=1, max_size=len(self.deals), unique=True))
        try:
            views = self.s.payments.start(self.actor, [(d, key()) for d in picked]).value
        except DomainError:
            return  # over the budget, a deal paid or in progress: nothing was charged (checked below)
        self.open += [v.id for v in views]

    def _code(self) -> str:
        return re.search(r"\b(\d{6})\b", self.s.sms.last_to(self.phone).text).group(1)

    # The order of the rules matters: Hypothesis sorts them by their number of arguments, then by
    # name, and falls back to the first valid one of those its swarm of enabled rules allows, so the
    # first ones run most. Paying and starting take one argument and come first; with paying last
    # (three arguments) it ran about one step in eight and 9 % of the sequences charged anything.
    @precondition(lambda self: self.open)
    @rule(data=st.data())
    def pay_one(self, data):
        pid = data.draw(st.sampled_from(self.open))
        fault = data.draw(st.sampled_from(["none", "none", "decline", "timeout_before", "timeout_after"]))
        typo = data.draw(st.booleans())
        issuer = self.s.cards if self.method is PaymentMethod.SHINHAN_CARD else self.s.zeropay
        if fault != "none":
            getattr(issuer.faults, fault)()
        try:
            if self.method is PaymentMethod.ZEROPAY:
                self.s.payments.pay_zeropay(self.actor, pid, "111111" if typo else PIN)
            else:
                sent = self.s.payments.send_card(self.actor, pid, self.card.number, self.card.expiry).value
                if sent.status is P.IN_PROGRESS and sent.code_expires_at is not None:
                    issuer.faults.clear()
                    if fault == "timeout_after":
                        issuer.faults.timeout_after()
                    code = self._code()
                    self.s.payments.confirm_code(self.actor, pid, f"{(int(code) + 1) % 10**6:06d}" if typo else code)
        except DomainError:
            pass
        finally:
            issuer.faults.clear()

    @precondition(lambda self: self.open)
    @rule(data=st.data(), stage=st.sampled_from(["before_issuer", "after_approval"]))
    def crash(self, data, stage):
        """The desk dies in the middle of a payment: before it asked the issuer (nothing happened),
        or after the issuer approved and before the local commit (the issuer's side only)."""
        pid = data.draw(st.sampled_from(self.open))
        if stage == "before_issuer":
            return
        with self.s.payments.uow() as uow:
            p = uow.session.get(Payment, pid)
            key_, status, amount, supplier = p.attempt_key, p.status, p.amount, p.supplier_id
        if status is not P.IN_PROGRESS:
            return
        try:
            if self.method is PaymentMethod.ZEROPAY:
                self.s.zeropay.pay(key_, str(self.company_id), PIN, amount, str(supplier))
            else:
                self.s.cards.begin_payment(key_, str(self.company_id), self.card.number, self.card.expiry, amount,
                                           str(supplier))
                self.s.cards.confirm(key_, self._code())
        except Exception:  # noqa: BLE001 - the issuer refused a replay of another request: no approval
            pass

    @precondition(lambda self: self.open)
    @rule(data=st.data(), twice=st.booleans())
    def close_window(self, data, twice):
        """The desk closes the payment window (twice: a second close changes nothing)."""
        pid = data.draw(st.sampled_from(self.open))
        for _ in range(2 if twice else 1):
            try:
                self.s.payments.abandon(self.actor, [pid])
            except DomainError:
                pass

    @rule(data=st.data(), timeout=st.booleans())
    def cancel_one(self, data, timeout):
        with self.s.payments.uow() as uow:
            paid = list(uow.session.scalars(select(Payment.id).where(Payment.company_id == self.company_id,
                                                                     Payment.status == P.SUCCEEDED)))
        if not paid:
            return
        pid = data.draw(st.sampled_from(paid))
        issuer = self.s.cards if self.method is PaymentMethod.SHINHAN_CARD else self.s.zeropay
        if timeout:
            issuer.faults.timeout_after()
        try:
            self.s.payments.cancel(self.actor, pid, key())
        except DomainError:
            pass
        finally:
            issuer.faults.clear()

    @rule(minutes=st.sampled_from([1, 4, 11]))
    def time_passes_and_the_reconciler_runs(self, minutes):
        self.clock.advance(minutes=minutes)
        self.s.payments.reconcile()

    # --- what must hold after every step -------------------------------------------------------------
    @invariant()
    def the_ledger_holds(self):
        """One read of what the services would show: the budget panel's ledger, the payments, the deals."""
        if not hasattr(self, "actor"):
            return
        with self.s.payments.uow() as uow:
            budget = uow.budget.ledger(uow.session.get(Company, self.company_id))
            rows = uow.session.execute(select(Payment.deal_id, Payment.status, Payment.amount)
                                       .where(Payment.company_id == self.company_id)).all()
            states = dict(uow.session.execute(select(Deal.id, Deal.state)
                                              .where(Deal.company_id == self.company_id)).all())
        spent = sum(a for _d, st_, a in rows if st_ is P.SUCCEEDED)
        held = sum(a for _d, st_, a in rows if st_ is P.IN_PROGRESS)
        live = [d for d, st_, _a in rows if st_ in (P.SUCCEEDED, P.IN_PROGRESS)]
        assert len(live) == len(set(live))  # no deal paid (or being paid) twice
        assert budget.remaining >= 0
        assert budget.remaining == budget.total - spent - held
        assert all(states[d] is DealState.PAID for d, st_, _a in rows if st_ is P.SUCCEEDED)  # a charge: a paid deal

    def teardown(self):
        if not hasattr(self, "actor"):
            return
        # the reconciler, once nothing is in flight any more: every approval is one recorded payment
        self.s.cards.faults.clear()
        self.s.zeropay.faults.clear()
        self.clock.advance(seconds=rules.RESERVATION_TTL.total_seconds() + 60)
        self.s.payments.reconcile()
        with self.s.payments.uow() as uow:
            ours = {p.attempt_key: p.status for p in uow.session.scalars(
                select(Payment).where(Payment.company_id == self.company_id))}
        with self.s.issuer_store.transaction() as session:
            attempt = CardAttempt if self.method is PaymentMethod.SHINHAN_CARD else ZeroPayAttempt
            approved = {a.attempt_key for a in session.scalars(select(attempt).where(
                attempt.attempt_key.in_(list(ours)), attempt.approval_no.is_not(None)))}
        assert all(ours[k] in (P.SUCCEEDED, P.CANCELLED) for k in approved), (approved, ours)
        assert P.IN_PROGRESS not in ours.values() or self.method is PaymentMethod.SHINHAN_CARD
        self.the_ledger_holds()
        self.world.sequences += 1
        self.world.charged += bool({P.SUCCEEDED, P.CANCELLED} & set(ours.values()))


@pytest.mark.parametrize("store_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_money_stays_right_under_any_sequence(services, clock, store_url):
    Money.world = World(services, clock)
    examples = SEQUENCES[services.engine.dialect.name]
    run_state_machine_as_test(Money, settings=settings(max_examples=examples, stateful_step_count=8, deadline=None,
                                                       database=None, suppress_health_check=list(HealthCheck)))
    # the sequences ran, and enough of them moved money for the invariants to mean something: with
    # the rule order above about a quarter charge at least one payment (502 of 2,073 on SQLite);
    # with paying as the last rule, 9 % did (180 of 2,046). The bound, one in eight, lies five standard
    # deviations below the share seen on PostgreSQL (145 of 730, 20 %) and three above 9 %: a fifth,
    # the bound before, failed once at 145 of 730
    assert Money.world.sequences >= examples
    assert Money.world.charged >= Money.world.sequences // 8, (Money.world.charged, Money.world.sequences)
