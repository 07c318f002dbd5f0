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
from .gateways.identity import SimulatedIdentityVerifier
from .gateways.sms import SimulatedSms
from .passwords import HashParams, Passwords, PRODUCTION
from .programme import ProgrammeService
from .screening import ScreeningService
from .sessions import PRODUCTION_SESSIONS, SessionPolicy, SessionStore, gate
from .signup import SignupService
from .store import create_store_engine, migrate
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

    def dispose(self) -> None:
        self.engine.dispose()


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
    identity = SimulatedIdentityVerifier(clock, sms, seed=simulator_seed)
    sessions = SessionStore(uow, clock, session_policy, engine=engine)  # one connection per gated call
    services = Services(
        engine=engine, clock=clock, sms=sms, identity=identity, passwords=passwords, sessions=sessions,
        accounts=gate(AccountService(uow, clock, passwords, sessions), sessions),
        programme=gate(ProgrammeService(uow, clock), sessions),
        signup=gate(SignupService(uow, clock, passwords, identity, sessions), sessions),
        companies=gate(CompanyService(uow, clock), sessions),
        screening=gate(ScreeningService(uow, clock), sessions),
        audit=gate(AuditService(uow, clock), sessions),
        catalog=gate(CatalogService(uow, clock), sessions),
        vouchers=gate(VoucherService(uow, clock, passwords), sessions),
        deals=gate(DealService(uow, clock), sessions),
    )
    if seed_defaults:
        services.programme.ensure_defaults()
    return services
