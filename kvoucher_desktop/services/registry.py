"""The set of services one store and one clock give (built by the composition root)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .accounts import AccountService
from .audit import AuditService
from .catalog import CatalogService
from .companies import CompanyService
from .deals import DealService
from .gateways.identity import SimulatedIdentityVerifier
from .gateways.sms import SimulatedSms
from .passwords import HashParams, Passwords, PRODUCTION
from .programme import ProgrammeService
from .screening import ScreeningService
from .signup import SignupService
from .store import create_store_engine, migrate
from .uow import UnitOfWork
from .vouchers import VoucherService


@dataclass
class Services:
    engine: Engine
    clock: object
    sms: SimulatedSms
    identity: SimulatedIdentityVerifier
    passwords: Passwords
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
    clock,
    *,
    hash_params: HashParams = PRODUCTION,
    migrate_schema: bool = True,
    seed_defaults: bool = True,
    simulator_seed: int | None = None,
) -> Services:
    """Build every service from a database URL and a clock; no Qt involved."""
    engine = create_store_engine(database_url)
    if migrate_schema:
        migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    uow = partial(UnitOfWork, factory, clock)
    passwords = Passwords(hash_params)
    sms = SimulatedSms(clock)
    identity = SimulatedIdentityVerifier(clock, sms, seed=simulator_seed)
    services = Services(
        engine=engine, clock=clock, sms=sms, identity=identity, passwords=passwords,
        accounts=AccountService(uow, clock, passwords),
        programme=ProgrammeService(uow, clock),
        signup=SignupService(uow, clock, passwords, identity),
        companies=CompanyService(uow, clock),
        screening=ScreeningService(uow, clock),
        audit=AuditService(uow, clock),
        catalog=CatalogService(uow, clock),
        vouchers=VoucherService(uow, clock, passwords),
        deals=DealService(uow, clock),
    )
    if seed_defaults:
        services.programme.ensure_defaults()
    return services
