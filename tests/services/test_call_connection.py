"""One connection per gated service call, and recovery from a connection the server dropped."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, text

from kvoucher_desktop.services import store
from kvoucher_desktop.services.uow import lend, unlend

from kvoucher_desktop.enums import ScreeningAction, ScreeningStatus

from tests.factories import company_in_state, make_agency, make_operator


class _Checkouts:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "checkout", self._seen)

    def _seen(self, *_):
        self.count += 1


def test_a_gated_call_checks_out_one_connection(services):
    operator = make_operator(services)
    _, company_id = company_in_state(services, ScreeningStatus.REVIEWING, operator=operator)
    agency = make_agency(services)
    services.screening.counts(agency)  # warm
    seen = _Checkouts(services.engine)
    for call in (lambda: services.screening.counts(agency),
                 lambda: services.screening.list_companies(operator),
                 lambda: services.companies.get(operator, company_id)):
        before = seen.count
        call()
        assert seen.count - before == 1  # the session lookup and the use case share it


def test_a_change_made_on_the_call_connection_is_committed(services):
    operator = make_operator(services)
    _, company_id = company_in_state(services, ScreeningStatus.REVIEWING, operator=operator)
    agency = make_agency(services)
    before = services.screening.counts(agency)[ScreeningStatus.ON_HOLD]
    services.screening.act(operator, company_id, ScreeningAction.HOLD, "서류 보완이 필요합니다.",
                           expected_status=ScreeningStatus.REVIEWING)
    services.engine.dispose()  # nothing left open anywhere: what is read now was committed
    assert services.screening.counts(agency)[ScreeningStatus.ON_HOLD] == before + 1


def test_a_nested_unit_of_work_gets_its_own_connection(services):
    uow = services.screening.uow
    with services.engine.connect() as conn:
        token = lend(conn)
        try:
            with uow() as outer:
                assert outer.connection is conn
                with uow() as inner:
                    assert inner.connection is not conn
            with uow() as next_one:  # free again once the first unit ended
                assert next_one.connection is conn
        finally:
            unlend(token)
    with uow() as alone:
        assert alone.connection is not None


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _terminate(url: str, pid: int) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_a_gated_call_recovers_from_a_dropped_connection(pg_services, pg_store_url):
    services, store_url = pg_services, pg_store_url
    agency = make_agency(services)
    services.screening.counts(agency)
    pid = _backend_pid(services.engine)  # the pool's one connection, the next call's too
    _terminate(store_url, pid)
    assert sum(services.screening.counts(agency).values()) == 0  # the lookup failed, then retried
    assert _backend_pid(services.engine) != pid


@pytest.mark.postgres
def test_a_connection_idle_in_the_pool_is_tested_before_use(pg_services, pg_store_url, monkeypatch):
    services, store_url = pg_services, pg_store_url
    assert services.engine.pool._pre_ping is False  # no round trip before every checkout
    monkeypatch.setattr(store, "PG_IDLE_PING_SECONDS", 0.0)
    services.catalog.search(None, "")  # a visitor's read: no session lookup goes first
    pid = _backend_pid(services.engine)
    _terminate(store_url, pid)
    assert services.catalog.search(None, "").rows == ()
    assert _backend_pid(services.engine) != pid


# --- list rows read straight into DTOs ------------------------------------------------------------
def test_read_into_gives_what_the_model_types_give(services, clock):
    """The generated reader (rows.read_into) and the fast column types equal SQLAlchemy's own
    conversion of the model's columns, None values included (PostgreSQL runs in Asia/Seoul)."""
    from sqlalchemy import select

    from kvoucher_desktop.models import Company, OperatingAgency
    from kvoucher_desktop.services import screening
    from kvoucher_desktop.services.dto import CompanyRow, rows_into
    from sqlalchemy.exc import InvalidRequestError

    from kvoucher_desktop.services.repositories.settings import current_year
    from kvoucher_desktop.services.repositories.rows import read_into, read_tuples

    operator = make_operator(services)
    for status in (ScreeningStatus.REVIEWING, ScreeningStatus.ON_HOLD, ScreeningStatus.APPROVED):
        clock.advance(minutes=5)
        company_in_state(services, status, operator=operator)
    plain = (select(Company.id, Company.name, Company.business_no, Company.company_type, Company.representative_name,
                    OperatingAgency.name, Company.status, Company.submitted_at, Company.status_changed_at,
                    Company.changed_after_confirm_at.is_not(None))
             .join(OperatingAgency, OperatingAgency.id == Company.operator_id)
             .order_by(Company.submitted_at.desc(), Company.id.desc()))
    fast = screening._page_stmt(False, False, False, False, 200)
    with services.engine.connect() as conn:
        year = current_year(conn)
        expected = rows_into(CompanyRow, conn.execute(plain.where(Company.programme_year == year)).all())
        got = read_into(CompanyRow, conn, fast, {"year": year})
        tuples = read_tuples(conn, fast, {"year": year})
        with pytest.raises(InvalidRequestError, match="year"):  # never a silent NULL for a missing value
            read_into(CompanyRow, conn, fast, {})
    assert len(got) == 3 and got == expected
    assert [tuple(vars(row).values()) for row in got] == list(tuples)
    for row in got:
        assert type(row.id) is type(expected[0].id) and row.submitted_at.utcoffset().total_seconds() == 0
        assert type(row.changed_after_confirm) is bool


@pytest.mark.postgres
def test_store_connections_run_in_utc_and_times_stay_instants(pg_services, pg_store_url, clock):
    """The database's zone is Asia/Seoul; the store's connections set UTC for their lifetime (a
    rollback keeps it), the list columns arrive as UTC datetimes, and a value in another zone
    is still converted (the same instant)."""
    services = pg_services
    from datetime import timedelta, timezone

    from kvoucher_desktop.models.base import UTCDateTime
    from kvoucher_desktop.services.repositories.rows import _utc_of_datetime

    with services.engine.connect() as conn:
        conn.rollback()
        assert conn.exec_driver_sql("SHOW TIME ZONE").scalar_one() == "UTC"
    with services.engine.connect() as conn:  # the zone the database gives other clients
        db_zone = conn.exec_driver_sql("SELECT reset_val FROM pg_settings WHERE name = 'TimeZone'").scalar_one()
    assert db_zone == "Asia/Seoul"
    company_in_state(services, ScreeningStatus.REVIEWING, operator=make_operator(services))
    row = services.screening.list_companies(make_agency(services)).rows[0]
    assert row.submitted_at.tzinfo is timezone.utc and row.submitted_at == clock.now()
    seoul = clock.now().astimezone(timezone(timedelta(hours=9)))
    for convert in (_utc_of_datetime, lambda v: UTCDateTime().process_result_value(v, None)):
        assert convert(seoul) == seoul and convert(seoul).tzinfo is timezone.utc


def test_sqlite_ids_are_made_once_and_the_kept_ones_are_bounded(monkeypatch):
    """A page read again gets the same UUID objects (equal to uuid.UUID(hex)); the kept ones are
    emptied before they pass `_UUIDS_KEPT`."""
    import uuid

    from kvoucher_desktop.services.repositories import rows

    monkeypatch.setattr(rows, "_UUIDS_KEPT", 8)
    monkeypatch.setattr(rows, "_UUIDS", {})
    rows._reader.cache_clear()
    try:
        read = rows._reader(tuple, (rows._uuid_of_hex,))
        ids = [uuid.uuid4().hex for _ in range(3)]
        first, again = read([(h,) for h in ids] + [(None,)]), read([(h,) for h in ids])
        assert [r[0] for r in first] == [uuid.UUID(h) for h in ids] + [None]
        assert all(a[0] is f[0] for a, f in zip(again, first))
        assert read([(uuid.uuid4().hex,) for _ in range(3)]) and len(rows._UUIDS) == 6
        for _ in range(9):
            assert rows._uuid_of_hex(uuid.uuid4().hex) is not None
        assert len(rows._UUIDS) <= 8 and rows._uuid_of_hex(ids[0]) == uuid.UUID(ids[0])
    finally:
        rows._reader.cache_clear()


def test_inbox_rows_equal_the_single_deal_view(services):
    """A tab's rows (built by position from tuples) equal `deals.get` of each deal (built from objects)."""
    from tests.factories import approved_buyer, make_service, make_supplier_account
    from kvoucher_desktop.enums import DealTab

    supplier = make_supplier_account(services)
    demand, _ = approved_buyer(services)
    for memo in ("첫 요청입니다.", "두 번째 요청입니다."):
        services.deals.request(demand, make_service(services, supplier).id, memo)
    for actor in (demand, supplier):
        rows = services.deals.list_tab(actor, DealTab.CONSULT).rows
        assert len(rows) == 2
        assert list(rows) == [services.deals.get(actor, row.id) for row in rows]


# --- prepared statements handed to the driver (rows.read_into) --------------------------------------
def test_read_into_hands_a_prepared_statement_to_the_driver_once_compiled(services):
    """The statement goes to the driver as compiled the first time (observers see its text and the
    converted values), gives what SQLAlchemy's own execution gives, also for a NamedTuple and for
    constants in an IN list; an IN list bound at run time goes through SQLAlchemy (its SQL text
    depends on the values) and still reads right."""
    from typing import NamedTuple

    from sqlalchemy import bindparam, select

    from kvoucher_desktop.models import OperatingAgency
    from kvoucher_desktop.services.repositories import rows

    make_operator(services)
    o = OperatingAgency
    regions = ("서울", "부산")
    constants = select(o.id, o.region).where(o.region.in_(regions), o.active == bindparam("active")).order_by(o.region)
    bound = select(o.id, o.region).where(o.region.in_(bindparam("regions", expanding=True))).order_by(o.region)

    class Agency(NamedTuple):
        id: object
        region: str

    seen = []
    with services.engine.connect() as conn:
        expected = [tuple(r) for r in conn.execute(constants, {"active": True}).all()]
        with rows.observing(lambda sql, values: seen.append((sql, values))):
            got = rows.read_tuples(conn, constants, {"active": True})
            named = rows.read_into(Agency, conn, constants, {"active": True})
            by_bound = rows.read_tuples(conn, bound, {"regions": list(regions)})
            only_seoul = rows.read_tuples(conn, bound, {"regions": ["서울"]})
    assert len(expected) == 2 and list(got) == expected
    assert [tuple(a) for a in named] == expected and named[0].region == expected[0][1]
    assert list(by_bound) == expected and [r[1] for r in only_seoul] == ["서울"]
    assert len(seen) == 2 and all("operating_agencies" in sql for sql, _ in seen)  # the bound IN list: not direct
    assert rows._direct(bound, services.engine.dialect, {"regions": ["서울"]}) is None


def test_a_driver_error_of_a_direct_read_is_raised_as_sqlalchemy_raises_it(services):
    """A failing statement raises SQLAlchemy's DBAPIError (what the callers and the gate's retry
    catch), without the statement's values in its text; `read_one` refuses two rows."""
    from sqlalchemy import Column, MetaData, String, Table, bindparam, select
    from sqlalchemy.exc import DBAPIError, MultipleResultsFound

    from kvoucher_desktop.models import OperatingAgency
    from kvoucher_desktop.services.repositories import rows

    missing = Table("no_such_table", MetaData(), Column("name", String))
    secret = "비밀-값-0101"
    with services.engine.connect() as conn:
        with pytest.raises(DBAPIError) as caught:
            rows.read_tuples(conn, select(missing.c.name).where(missing.c.name == bindparam("v")), {"v": secret})
        assert secret not in str(caught.value) and not caught.value.connection_invalidated
    make_operator(services)
    make_operator(services)
    with services.engine.connect() as conn, pytest.raises(MultipleResultsFound):
        rows.read_one(conn, select(OperatingAgency.id))


# --- reads end with COMMIT on PostgreSQL, so their statements stay prepared ------------------------
def _prepared_on(conn) -> set[str]:
    """The statements the server holds prepared for this connection."""
    return {row[0] for row in conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements").all()}


@pytest.mark.postgres
def test_a_read_stays_prepared_across_its_transactions(pg_services):
    """A read that runs a few times on one connection is prepared once and stays so: the
    transactions that only read end with COMMIT (psycopg forgets every prepared statement at a
    ROLLBACK, so before, each read was parsed and planned again)."""
    from sqlalchemy import bindparam, select

    from kvoucher_desktop.models import OperatingAgency

    read = select(OperatingAgency.id, OperatingAgency.region).where(OperatingAgency.active == bindparam("active"))
    with pg_services.engine.connect() as conn:
        counts = set()
        for _ in range(8):  # psycopg prepares from the 5th run on
            counts.add(len(conn.execute(read, {"active": True}).all()))
            conn.rollback()  # what a read unit of work does at its end
        assert len(counts) == 1 and counts.pop() > 0
        assert any("operating_agencies" in sql for sql in _prepared_on(conn))
        conn.rollback()


@pytest.mark.postgres
def test_a_transaction_that_wrote_is_still_rolled_back(pg_services):
    """Only a transaction of SELECTs is committed at its end: a Core write, a write in a WITH
    handed to `read_into`, an ORM flush, and a transaction in error are rolled back as before."""
    from sqlalchemy import insert, select
    from sqlalchemy.exc import DBAPIError

    from kvoucher_desktop.models import Category
    from kvoucher_desktop.services.repositories import rows

    probe = {"code": "PROBE", "name": "시험 분류", "sort_order": 99}

    def left(conn) -> int:
        n = len(conn.execute(select(Category.code).where(Category.code == "PROBE")).all())
        conn.rollback()
        return n

    with pg_services.engine.connect() as conn:
        conn.execute(insert(Category).values(**probe))  # a Core write, then a unit of work's end
        conn.rollback()
        assert left(conn) == 0
        # a write handed to read_into (an INSERT … RETURNING in a WITH) goes through SQLAlchemy
        written = insert(Category).values(**probe).returning(Category.code).cte("written")
        assert [r[0] for r in rows.read_tuples(conn, select(written.c.code))] == ["PROBE"]
        conn.rollback()
        assert left(conn) == 0
        conn.execute(insert(Category).values(**probe))
        with pytest.raises(DBAPIError):
            conn.exec_driver_sql("SELECT * FROM no_such_table")
        conn.rollback()  # a transaction in error ends with ROLLBACK, and no second error
        assert left(conn) == 0
    with pg_services.programme.uow() as uow:  # an ORM flush in a unit of work left uncommitted
        uow.session.add(Category(**probe))
        uow.session.flush()
    with pg_services.engine.connect() as conn:
        assert left(conn) == 0


@pytest.mark.postgres
def test_a_report_is_planned_with_its_values_at_every_run(pg_services):
    """A report's statement (`rows.report`: the statistics) is never prepared on PostgreSQL, whose
    plan for a prepared statement stops looking at the values after a few runs; a list read made
    the same way is prepared."""
    from sqlalchemy import bindparam, func, select

    from kvoucher_desktop.models import Category, OperatingAgency
    from kvoucher_desktop.services import statistics
    from kvoucher_desktop.services.repositories import rows

    @rows.report
    def per_region():
        return select(OperatingAgency.region, func.count()).where(OperatingAgency.active == bindparam("active")) \
            .group_by(OperatingAgency.region)

    @rows.prepared
    def categories():
        return select(Category.code).where(Category.sort_order >= bindparam("least"))

    with pg_services.engine.connect() as conn:
        for _ in range(8):
            rows.read_tuples(conn, per_region(), {"active": True})
            rows.read_tuples(conn, categories(), {"least": 0})
        prepared = _prepared_on(conn)
        conn.rollback()
    assert any("FROM categories" in sql for sql in prepared)
    assert not any("GROUP BY operating_agencies.region" in sql for sql in prepared)
    assert statistics.daily_stmt(True, True).get_execution_options().get(rows.PLAN_EACH_RUN)
