"""The Alembic migrations create exactly the schema the models describe, on both stores."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from kvoucher_desktop.models import Base
from kvoucher_desktop.services.store import HEAD_REVISION, alembic_config, create_store_engine, is_current, migrate


def test_migrated_schema_matches_the_models(store_url):
    engine = create_store_engine(store_url)
    try:
        migrate(engine)  # idempotent on an up-to-date store
        with engine.connect() as conn, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLite cannot reflect expression indexes
            from kvoucher_desktop.services.gateways.issuer_store import IssuerRecord

            issuers = set(IssuerRecord.metadata.tables)  # the simulated issuers' own tables (a shared PG)

            def platform_only(name, kind, _parents):
                return not (kind == "table" and name in issuers)

            diff = compare_metadata(MigrationContext.configure(conn, opts={
                "compare_type": True, "include_name": platform_only}), Base.metadata)
            indexes = {ix["name"] for ix in inspect(conn).get_indexes("users")}
        assert diff == []
        assert "ix_users_login_id_lower" in indexes or engine.dialect.name == "sqlite"
    finally:
        engine.dispose()


# --- start-up without Alembic when the schema is current ------------------------------------------
def test_the_head_revision_constant_names_the_newest_migration_script():
    """`store.HEAD_REVISION` lets start-up recognise a current store without importing Alembic; a new
    migration script must move it (or a current store would be 'migrated' at every start)."""
    engine = create_store_engine("sqlite://")
    try:
        heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    finally:
        engine.dispose()
    assert heads == [HEAD_REVISION]


CURRENT_STORE_START = r"""
import sys
from kvoucher_desktop.app import prepare_services
services = prepare_services(sys.argv[1], demo=False)
services.programme.categories()
services.dispose()
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"alembic", "mako", "pygments"})
print("LOADED " + ",".join(loaded))
"""


def test_a_current_store_is_opened_without_importing_alembic(store_url, tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, KVOUCHER_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(root))
    run = subprocess.run([sys.executable, "-c", CURRENT_STORE_START, store_url], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "LOADED \n" in run.stdout, run.stdout + run.stderr[-3000:]


def test_a_store_behind_the_head_revision_is_still_migrated(tmp_path):
    """A store left at the revision before the head (an older version of the app made it) is not
    taken for current: `migrate` brings it to the head (through the lock and Alembic)."""
    engine = create_store_engine(f"sqlite:///{(tmp_path / 'older.sqlite3').as_posix()}")
    cfg = alembic_config(engine)
    previous = ScriptDirectory.from_config(cfg).get_revision(HEAD_REVISION).down_revision
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, previous)
        assert not is_current(engine)
        migrate(engine)
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (HEAD_REVISION,)
        assert is_current(engine)
    finally:
        engine.dispose()


def test_a_new_store_is_not_current_and_is_created(tmp_path):
    engine = create_store_engine(f"sqlite:///{(tmp_path / 'new.sqlite3').as_posix()}")
    try:
        assert not is_current(engine)  # no alembic_version table yet
        migrate(engine)
        assert is_current(engine)
        assert "companies" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_migration_0005_indexes_the_names_of_the_companies_already_stored(services):
    """A store upgraded to 0005 gets the name-search entries of the companies it already holds."""
    from sqlalchemy import select

    from kvoucher_desktop.models import CompanyNameGram
    from kvoucher_desktop.services.rules.search import name_grams
    from tests.factories import make_operator, signup_company

    operator = make_operator(services)
    names = {signup_company(services, name=name).company_id: name for name in ("새봄디자인", "(주)한빛 Soft")}
    cfg = alembic_config(services.engine)
    with services.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
        assert "company_name_grams" not in inspect(conn).get_table_names()
        command.upgrade(cfg, "0005")
    with services.engine.connect() as conn:
        stored = {}
        for company_id, gram in conn.execute(select(CompanyNameGram.company_id, CompanyNameGram.gram)):
            stored.setdefault(company_id, set()).add(gram)
    assert stored == {company_id: name_grams(name) for company_id, name in names.items()}
    found = services.screening.list_companies(operator, query="한빛 s").rows
    assert [r.id for r in found] == [cid for cid, name in names.items() if name == "(주)한빛 Soft"]
    with services.engine.begin() as conn:  # the later revisions back: the store is shared by the session
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def test_migration_0006_adds_the_three_digit_business_number_indexes(services):
    """0006 indexes the first three digits of the business number (then submitted_at, id), for the
    agency and per operator, and on PostgreSQL analyzes the table so that the planner has the
    expression's statistics; a store downgraded to 0005 and upgraded again searches the same."""
    from sqlalchemy import text

    from tests.factories import make_operator, signup_company, valid_business_no

    names = {"ix_companies_business_no3_submitted", "ix_companies_operator_business_no3"}
    listing = (text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'companies'")
               if services.engine.dialect.name == "sqlite"
               else text("SELECT indexname FROM pg_indexes WHERE tablename = 'companies'"))
    operator = make_operator(services)
    ids = [signup_company(services, business_no=valid_business_no(4_000_400 + i)).company_id for i in range(2)]
    before = [r.id for r in services.screening.list_companies(operator, query="127").rows]
    assert set(before) == set(ids)
    cfg = alembic_config(services.engine)
    with services.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")  # a no-op on a store at the head revision
        assert names <= set(conn.scalars(listing))
        command.downgrade(cfg, "0005")
        assert not names & set(conn.scalars(listing))
        command.upgrade(cfg, "head")  # 0006 and what came after it: the store stays current for later tests
        assert names <= set(conn.scalars(listing))
        if services.engine.dialect.name == "postgresql":  # analyzed: the planner knows the expression
            stats = text("SELECT count(*) FROM pg_stats WHERE tablename = 'ix_companies_business_no3_submitted'")
            assert conn.scalar(stats) > 0
    assert [r.id for r in services.screening.list_companies(operator, query="127").rows] == before


def test_migration_0007_keys_the_payments_already_stored_and_drops_the_zeropay_hash(services):
    """Payments written before 0007 (a generated store's) get their id as their idempotency key and
    their last update as their approval time; `companies` loses the ZeroPay password hash."""
    import uuid
    from datetime import datetime, timezone

    from sqlalchemy import text

    from kvoucher_desktop.enums import DealState
    from tests.factories import approved_buyer, make_supplier_account
    from tests.services.test_deals import drive

    buyer, company_id = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, DealState.PAID, buyer, supplier)
    cfg = alembic_config(services.engine)
    pid = uuid.uuid4()
    at = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    with services.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
        assert "zeropay_password_hash" in {c["name"] for c in inspect(conn).get_columns("companies")}
        conn.execute(text(
            "INSERT INTO payments (id, deal_id, company_id, supplier_id, method, status, amount, government_share,"
            " self_share, created_at, updated_at) VALUES (:id, :deal, :company, :supplier, 'SHINHAN_CARD',"
            " 'SUCCEEDED', 1100000, 990000, 110000, :at, :at)"),
            {"id": pid if conn.dialect.name == "postgresql" else pid.hex, "deal": deal.id if conn.dialect.name ==
             "postgresql" else deal.id.hex, "company": company_id if conn.dialect.name == "postgresql" else
             company_id.hex, "supplier": supplier.supplier_id if conn.dialect.name == "postgresql" else
             supplier.supplier_id.hex, "at": at})
        command.upgrade(cfg, "head")
        assert "zeropay_password_hash" not in {c["name"] for c in inspect(conn).get_columns("companies")}
    from kvoucher_desktop.models import Payment
    with services.payments.uow() as uow:
        p = uow.session.get(Payment, pid)
        assert p.attempt_key == "legacy-" + pid.hex and p.request_hash == "" and p.approved_at == at


def test_migration_0008_opens_a_pending_evaluation_for_every_succeeded_payment(services, clock):
    """0008 gives every deal whose payment is SUCCEEDED a PENDING evaluation dated at the approval
    (none for a cancelled or failed payment), and its triggers come back with the table."""
    import pytest
    from sqlalchemy import func, select
    from sqlalchemy.exc import DBAPIError

    from kvoucher_desktop.enums import EvaluationStatus
    from kvoucher_desktop.models import Evaluation
    from tests.services.test_evaluations import GOOD, Desk, db_id, key, paid_evaluation, pending_of, raw

    E = EvaluationStatus
    desk = Desk(services, clock)
    _d1, p1, _e1 = paid_evaluation(desk)
    _d2, p2, _e2 = paid_evaluation(desk)
    services.payments.cancel(desk.buyer, p2.id, key())  # cancelled: none
    (failed,) = desk.start(desk.deal())
    services.cards.faults.decline()
    services.payments.send_card(desk.buyer, failed.id, desk.card.number, desk.card.expiry)  # failed: none
    cfg = alembic_config(services.engine)
    with services.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
        command.upgrade(cfg, "head")
    (ev,) = pending_of(services, desk)
    assert ev.payment_id == p1.id and ev.status is E.PENDING and ev.created_at == p1.approved_at
    with services.evaluations.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Evaluation)) == 1
    # the triggers came back with the table
    services.evaluations.submit(desk.buyer, ev.id, GOOD)
    with pytest.raises(DBAPIError):
        raw(services, "DELETE FROM evaluations WHERE id = :id", id=db_id(services, ev.id))
