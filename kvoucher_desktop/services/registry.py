"""The set of services one store and one clock give (built by the composition root)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .accounts import AccountService
from .audit import AuditService
from .catalog import CatalogService
from .clock import Clock
from .companies import CompanyService
from .deals import DealService
from .evaluations import EvaluationService
from .gateways.card import SimulatedCardIssuer
from .gateways.identity_simulator import SimulatedIdentityVerifier
from .gateways.issuer_store import IssuerStore, open_issuer_store
from .gateways.sms import SimulatedSms
from .gateways.zeropay import SimulatedZeroPay
from .passwords import HashParams, Passwords, PRODUCTION
from .payments import PaymentService
from .programme import ProgrammeService
from .screening import ScreeningService
from .sessions import PRODUCTION_SESSIONS, SessionPolicy, SessionStore, gate
from .signup import SignupService
from .statistics import StatisticsService
from .store import create_store_engine, migrate, sqlite_file
from .uow import UnitOfWork
from .vouchers import VoucherService


@dataclass
class Services:
    engine: Engine
    clock: Clock
    sms: SimulatedSms
    identity: SimulatedIdentityVerifier
    passwords: Passwords
    #: login sessions (not a service: the gate in front of every service is built on it)
    sessions: SessionStore
    accounts: AccountService
    programme: ProgrammeService
    signup: SignupService
    companies: CompanyService
    screening: ScreeningService
    audit: AuditService
    catalog: CatalogService
    vouchers: VoucherService
    deals: DealService
    payments: PaymentService
    statistics: StatisticsService
    evaluations: EvaluationService
    #: the simulated issuers (SPEC §7) and their own store (the identity provider's records too),
    #: apart from the platform's tables
    cards: SimulatedCardIssuer
    zeropay: SimulatedZeroPay
    issuer_store: IssuerStore

    def dispose(self) -> None:
        self.engine.dispose()
        self.issuer_store.dispose()


def issuer_store_url(database_url: str) -> str:
    """Where the simulated issuers keep their records: a file of their own beside a SQLite store
    (`programme.sqlite3` → `programme.issuers.sqlite3`), in memory beside a store in memory, and
    their own tables (never the platform's migrations) in a shared PostgreSQL database, so that
    every desk of a shared store finds the card it issued."""
    path = sqlite_file(database_url)
    if path is not None:
        return f"sqlite:///{path.with_name(path.stem + '.issuers' + path.suffix).as_posix()}"
    if database_url.startswith("sqlite"):
        return "sqlite://"
    return database_url


def build_services(
    database_url: str,
    clock: Clock,
    *,
    hash_params: HashParams = PRODUCTION,
    migrate_schema: bool = True,
    seed_defaults: bool = True,
    simulator_seed: int | None = None,
    session_policy: SessionPolicy = PRODUCTION_SESSIONS,
) -> Services:
    """Build every service from a database URL and a clock; no Qt involved.

    Every service is wrapped by `sessions.gate`: each public method whose first parameter is
    `actor` resolves the handed Actor against its login session first (services/sessions.py)."""
    engine = create_store_engine(database_url)
    if migrate_schema:
        migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    uow = partial(UnitOfWork, factory, clock)
    passwords = Passwords(hash_params)
    sms = SimulatedSms(clock)
    sessions = SessionStore(uow, clock, session_policy, engine=engine)  # one connection per gated call
    issuers = open_issuer_store(issuer_store_url(database_url))
    # 본인인증 keeps its requests and tokens beside the issuers' records: every desk of a shared
    # store and every worker of the programme server knows each verification
    identity = SimulatedIdentityVerifier(issuers, clock, sms, seed=simulator_seed)
    cards = SimulatedCardIssuer(issuers, clock, sms, seed=simulator_seed)
    zeropay = SimulatedZeroPay(issuers, clock, passwords, seed=simulator_seed)
    services = Services(
        engine=engine, clock=clock, sms=sms, identity=identity, passwords=passwords, sessions=sessions,
        accounts=gate(AccountService(uow, clock, passwords, sessions), sessions),
        programme=gate(ProgrammeService(uow, clock), sessions),
        signup=gate(SignupService(uow, clock, passwords, identity, sessions), sessions),
        companies=gate(CompanyService(uow, clock), sessions),
        screening=gate(ScreeningService(uow, clock), sessions),
        audit=gate(AuditService(uow, clock), sessions),
        catalog=gate(CatalogService(uow, clock), sessions),
        vouchers=gate(VoucherService(uow, clock, cards, zeropay), sessions),
        deals=gate(DealService(uow, clock), sessions),
        payments=gate(PaymentService(uow, clock, cards, zeropay), sessions),
        statistics=gate(StatisticsService(uow, clock), sessions),
        evaluations=gate(EvaluationService(uow, clock), sessions),
        cards=cards, zeropay=zeropay, issuer_store=issuers,
    )
    if seed_defaults:
        services.programme.ensure_defaults()
    return services
