"""Shared fixtures: an injected clock, a migrated empty store on SQLite and PostgreSQL, services.

Stores
------
`store_url` is parametrised with ids "sqlite" and "postgres" (the latter marked `postgres`):
every test that uses it (or `services`) runs once per store.

- SQLite: a database file copied from a template migrated once per session, at one path per
  worker for the service tests (`store_url`: one engine, see `_one_engine_per_store`) and in the
  test's own folder for the others (`sqlite_store_url`).
- PostgreSQL: one throw-away database per test run (`kvtest_<pid>_<random>`), migrated once and
  dropped at the end; every table is emptied before each test. Server URL:
  `postgresql+psycopg://postgres@127.0.0.1:5432/test`, override with KVOUCHER_TEST_PG_URL.
  The database runs with `timezone = 'Asia/Seoul'` so that no test passes only because the
  server happens to be on UTC. Unreachable server: skipped locally, a failure under CI=true.
"""

from __future__ import annotations

import gc
import os
import secrets
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

# Before anything imports Qt or reads settings: headless Qt, a private data folder, no real
# keyring or shared database of the developer's machine.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_DATA_DIR = tempfile.mkdtemp(prefix="kvoucher-test-data-")
os.environ["KVOUCHER_DATA_DIR"] = _DATA_DIR
os.environ.pop("KVOUCHER_DATABASE_URL", None)
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from kvoucher_desktop.models import Base  # noqa: E402
from kvoucher_desktop.services.clock import FixedClock  # noqa: E402
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS  # noqa: E402
from kvoucher_desktop.services.gateways.issuer_store import open_issuer_store  # noqa: E402
from kvoucher_desktop.services.registry import build_services, issuer_store_url  # noqa: E402
from kvoucher_desktop.services.sessions import SessionPolicy  # noqa: E402
from kvoucher_desktop.services.store import create_store_engine, migrate, sqlite_file  # noqa: E402
from kvoucher_desktop.settings import sqlite_url  # noqa: E402

from tests.factories import START  # noqa: E402

PG_DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SIMULATOR_SEED = 20260302


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


# --- garbage collection ----------------------------------------------------------------------
@pytest.fixture(autouse=True, scope="session")
def _no_collection_in_worker_threads():
    """As in the app (views/gc.py): Python's cyclic GC may otherwise run in a worker thread of
    run_in_background and free Qt widgets of an earlier test there, which crashes."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread(request):
    """Qt tests: collect on the main thread after the test. Tests without Qt keep Python's
    automatic collection (a full collect after each of them would double the suite's time)."""
    if not {"qapp", "qtbot"} & set(request.fixturenames):
        gc.enable()
        yield
        gc.disable()
        return
    yield
    gc.collect()
    # what survived is kept for good: the next collection looks only at what later tests make
    # (a full collection of the whole session's objects costs ~0.7 s per Qt test late in the run)
    gc.freeze()


# --- Qt windows ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _windows_closed_last():
    """Windows opened through `tests.views.page_support.desk` are closed and deleted here, after
    every other fixture of the test has been torn down (an autouse fixture is set up first, so it
    is torn down last): their pages and models outlive anything whose teardown still uses them,
    such as pytest-qt's model tester, which disconnects from the model it checked.

    (Windows handed to `qtbot.addWidget` are closed and `deleteLater`-ed before any fixture is torn
    down, then deleted by whichever teardown first runs an event loop: when that came before the
    model tester's teardown, it failed with "Signal source has been deleted".)"""
    windows: list = []
    yield windows
    if not windows:
        return
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    for window in windows:
        if shiboken6.isValid(window):
            window.close()
            window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # now, not in the next test
    windows.clear()


# --- clock ---------------------------------------------------------------------------------------
@pytest.fixture
def clock() -> FixedClock:
    """2026-03-02 10:00 KST (a Monday), inside the 2026 programme year; tests may move it."""
    return FixedClock(START)


# --- engines -------------------------------------------------------------------------------------
@pytest.fixture(autouse=True, scope="session")
def _one_engine_per_store():
    """The thousands of `Services` a worker builds on its PostgreSQL test database (and on its
    SQLite store file, see `store_url`) share one engine per URL for the platform's store and one
    for the issuers' (`build_services` and `open_issuer_store` ask for them), as a desk's
    services share theirs all day: the dialect's set-up and the compiled statements are made
    once, not once per test (about a third of a store test's time). Each test still empties the
    store and `dispose()` empties the pool, so no connection and no row outlives a test."""
    from kvoucher_desktop.services import registry
    from kvoucher_desktop.services.gateways import issuer_store

    def cached(made: dict):
        def engine_for(url: str, echo: bool = False):
            engine = made.get(url)
            if engine is None:
                engine = made[url] = create_store_engine(url, echo)
            return engine
        return engine_for

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry, "create_store_engine", cached(_PLATFORM_ENGINES))
        patch.setattr(issuer_store, "create_store_engine", cached(_ISSUER_ENGINES))
        yield
    for engine in (*_PLATFORM_ENGINES.values(), *_ISSUER_ENGINES.values()):
        engine.dispose()


_PLATFORM_ENGINES: dict = {}
_ISSUER_ENGINES: dict = {}


def _release(url: str) -> None:
    """Close every pooled connection to the store at `url` and its issuers' store."""
    for made, key in ((_PLATFORM_ENGINES, url), (_ISSUER_ENGINES, issuer_store_url(url))):
        if key in made:
            made[key].dispose()


# --- stores --------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> str:
    """A migrated, empty SQLite file and its empty issuers' store beside it; each test gets a
    copy (migrating takes ~15x longer)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = create_store_engine(sqlite_url(path))
    try:
        migrate(engine)
    finally:
        engine.dispose()  # checkpoints the WAL: the main file is complete
    open_issuer_store(issuer_store_url(sqlite_url(path))).dispose()
    return str(path)


def _beside(path) -> Path:
    """The issuers' store beside the SQLite store at `path` (`registry.issuer_store_url`)."""
    return sqlite_file(issuer_store_url(sqlite_url(Path(path))))


@pytest.fixture(scope="session")
def _worker_sqlite_file(tmp_path_factory) -> Path:
    """Where this worker's service tests keep their SQLite store, one test after the other: one
    URL, so one engine (`_one_engine_per_store`)."""
    return tmp_path_factory.mktemp("sqlite-store") / "store.sqlite3"


def _refill_sqlite(template: str, path: Path) -> str:
    """`path` (and its issuers' store) as copies of the empty templates, after every pooled
    connection to the previous test's files is closed and the files are gone."""
    url = sqlite_url(path)
    _release(url)
    for store in (path, _beside(path)):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
    shutil.copyfile(_beside(template), _beside(path))
    return url


def _fresh_sqlite(template: str, directory) -> str:
    path = directory / "store.sqlite3"
    shutil.copyfile(template, path)
    shutil.copyfile(_beside(template), _beside(path))
    return sqlite_url(path)


class _PostgresTestDatabase:
    def __init__(self, url: str):
        self.url = url
        self.engine = create_store_engine(url)
        self._tables = [t.name for t in reversed(Base.metadata.sorted_tables)]

    def reset(self) -> None:
        """Empty every table (children first). DELETE beats TRUNCATE on tables this small.
        Replica mode switches off the triggers that refuse deleting audit rows (migration 0004)."""
        with self.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for name in self._tables:
                conn.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture(scope="session")
def _postgres_database():
    server_url = os.environ.get("KVOUCHER_TEST_PG_URL", PG_DEFAULT_URL)
    shown = make_url(server_url).render_as_string(hide_password=True)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL is not reachable at {shown} (set KVOUCHER_TEST_PG_URL): {exc.orig}"
        if in_ci():
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    name = f"kvtest_{os.getpid()}_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone TO 'Asia/Seoul'"))
    database = None
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        database = _PostgresTestDatabase(url)
        migrate(database.engine)
        yield database
    finally:
        if database is not None:
            database.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=[
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
])
def store_url(request) -> str:
    """URL of a migrated, empty store (no programme defaults yet: build_services seeds them)."""
    if request.param == "sqlite":
        return _refill_sqlite(request.getfixturevalue("_sqlite_template"),
                              request.getfixturevalue("_worker_sqlite_file"))
    database = request.getfixturevalue("_postgres_database")
    database.reset()
    return database.url


@pytest.fixture
def pg_store_url(_postgres_database) -> str:
    """A migrated, empty PostgreSQL store only, for what SQLite has no counterpart of (a backend
    to terminate, a session time zone). Tests using it carry the `postgres` mark: under CI=true
    they run or fail, never skip."""
    _postgres_database.reset()
    return _postgres_database.url


@pytest.fixture
def sqlite_store_url(tmp_path, _sqlite_template) -> str:
    """A migrated, empty SQLite store only (for view tests, which need not run twice)."""
    return _fresh_sqlite(_sqlite_template, tmp_path)


# --- services ------------------------------------------------------------------------------------
#: tests move the FixedClock by days and months with one actor: their sessions must outlive that.
#: The session tests themselves build services with the production policy.
LENIENT_SESSIONS = SessionPolicy(idle=timedelta(days=3650), absolute=timedelta(days=3650))


def _build(url: str, clock: FixedClock, session_policy: SessionPolicy = LENIENT_SESSIONS):
    return build_services(url, clock, hash_params=FAST_FOR_TESTS, migrate_schema=False,
                          simulator_seed=SIMULATOR_SEED, session_policy=session_policy)


def pytest_generate_tests(metafunc):
    """A module marked `over_http` runs its `services` tests twice: in process and through a
    live programme server (tests/live_server.py)."""
    if metafunc.definition.get_closest_marker("over_http") and {"services", "sqlite_services"} & set(
            metafunc.fixturenames):
        metafunc.parametrize("call_path", ["direct", "http"], indirect=True)


def pytest_collection_modifyitems(config, items):
    """Through the live server, the service tests run on PostgreSQL, the server's store (in
    process they run on both): a service test on SQLite over HTTP would test nothing the two
    others do not, at twice the cost."""
    kept, dropped = [], []
    for item in items:
        params = item.callspec.params if hasattr(item, "callspec") else {}
        (dropped if params.get("call_path") == "http" and params.get("store_url") == "sqlite" else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def call_path(request) -> str:
    """How the test's services are called: "direct" (in process) or "http" (the live server)."""
    return getattr(request, "param", "direct")


@pytest.fixture(scope="session")
def live_server():
    """One programme server (TLS) for the test session; a test points it at its own services."""
    from tests.live_server import live_server as serve

    with serve() as server:
        yield server


@pytest.fixture
def services(store_url, clock, call_path, request):
    """Every service on the parametrised store (cheap Argon2, seeded simulators); in a module
    marked `over_http`, also called through the live server."""
    yield from _called(_build(store_url, clock), call_path, request)


def _called(built, call_path: str, request):
    """`built`, or (call_path "http") `built` reached through the live server; disposed after."""
    if call_path == "http":
        from tests.live_server import over_http

        built = over_http(built, request.getfixturevalue("live_server"))
    yield built
    built.dispose()


@pytest.fixture
def pg_services(pg_store_url, clock):
    """Services on PostgreSQL only (see `pg_store_url`)."""
    built = _build(pg_store_url, clock)
    yield built
    built.dispose()


@pytest.fixture
def sqlite_services(sqlite_store_url, clock, call_path, request):
    """Services on SQLite only, for view tests (in a module marked `over_http`, also through the
    live server: the views cannot tell)."""
    yield from _called(_build(sqlite_store_url, clock), call_path, request)
