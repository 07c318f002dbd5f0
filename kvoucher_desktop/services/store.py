"""Engine creation and automatic Alembic migration for SQLite and PostgreSQL.

Alembic (and the Mako and Pygments it imports) is loaded only when a store is behind: a current
store is recognised by its `alembic_version` row, read with plain SQL (`HEAD_REVISION`).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError

from ..private_files import (
    PRIVATE_FILE_MODE,
    create_private_file,
    private_dir,
    restrict_sqlite_files,
)

log = logging.getLogger(__name__)


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def sqlite_file(engine_or_url) -> Path | None:
    """The file of a SQLite store (None for PostgreSQL and in-memory SQLite)."""
    u = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def create_store_engine(url: str, echo: bool = False) -> Engine:
    # hide_parameters: an error's text (and so the log) never carries the values of a
    # statement (password hashes, phone numbers, e-mail addresses); see docs/decisions.md
    url = normalize_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        path = sqlite_file(u)
        if path is not None:
            if not path.parent.exists():
                private_dir(path.parent)
            # SQLite gives the -wal/-shm files the mode of the store: create it owner-only
            # before SQLite would create it with the umask's 0644, and narrow older files
            create_private_file(path)
            restrict_sqlite_files(path)
        engine = create_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            if path is not None:
                _use_wal(cur)
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut, not only a crash
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    engine = create_engine(url, echo=echo, hide_parameters=True, pool_size=5, max_overflow=5,
                           pool_recycle=PG_RECYCLE_SECONDS)
    _utc_sessions(engine)
    _ping_after_idle(engine)
    _end_reads_by_commit(engine)
    return engine


#: how long a connection to a store still in rollback-journal mode tries to switch it to WAL
WAL_SWITCH_SECONDS = 30.0


def _use_wal(cur) -> None:
    """Put the store in WAL mode (kept in the file: once switched, every connection finds it so).

    Switching needs the file to itself, and SQLite refuses at once ("database is locked", no
    busy wait) while another connection reads or writes it — as when desks open a new store
    at the same moment. So: a store in WAL already is left alone (a read of the mode), and the
    switch is tried again, a few milliseconds apart, until it is done (here or by another desk)."""
    import random
    import sqlite3

    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            cur.execute("PRAGMA journal_mode=WAL").fetchall()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
        time.sleep(random.uniform(0.005, 0.03))


def _utc_sessions(engine: Engine) -> None:
    """Every PostgreSQL connection in UTC, whatever the server's or database's `timezone`: psycopg
    then hands timestamptz values over as UTC datetimes and the UTC columns keep them as they are
    (no conversion per value; KST is applied only where a time is shown, services/clock.py)."""

    @event.listens_for(engine, "connect")
    def _set_utc(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("SET TIME ZONE 'UTC'")
        cur.close()
        dbapi_conn.commit()  # kept for the connection's life (a rolled-back SET would be undone)


#: `Connection.info` key: a statement other than a SELECT ran in the connection's open transaction
WROTE_KEY = "kv_wrote"


def _end_reads_by_commit(engine: Engine) -> None:
    """A PostgreSQL transaction that sent only SELECTs ends with COMMIT instead of ROLLBACK.

    psycopg prepares a statement on the server after it ran `prepare_threshold` (5) times on a
    connection, and forgets every prepared statement of the connection at each ROLLBACK (one
    prepared in the rolled-back transaction would be gone). Every read unit of work ended in a
    rollback, so no statement ever stayed prepared and each read was parsed and planned again on
    every call. For a transaction that wrote nothing, COMMIT and ROLLBACK end it alike (its locks
    and snapshot are released either way), so such a transaction is committed, and repeated reads
    run as prepared statements. Anything else — a statement that is not a SELECT (ORM flushes,
    Core writes, DDL, SAVEPOINT, data-modifying WITH), or a transaction in error — still ends with
    a rollback. Statements sent past SQLAlchemy's cursor events (`rows.read_into`) are SELECTs
    only (docs/decisions.md, "Reads end with COMMIT on PostgreSQL")."""
    from psycopg.pq import TransactionStatus

    dialect = engine.dialect
    rollback, commit = dialect.do_rollback, dialect.do_commit

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip()[:6].upper() != "SELECT":
            conn.info[WROTE_KEY] = True

    def info_of(proxied) -> dict | None:
        """The pool record's info of a proxied connection; None for a bare DBAPI connection (or
        the engine's first connect), of which nothing is known."""
        try:
            info = proxied.info
        except (AttributeError, NotImplementedError):
            return None
        return info if isinstance(info, dict) else None

    def do_rollback(proxied) -> None:
        info = info_of(proxied)
        if info is None:
            rollback(proxied)
            return
        wrote = info.pop(WROTE_KEY, False)
        driver = getattr(proxied, "driver_connection", None)
        if not wrote and driver is not None and driver.info.transaction_status == TransactionStatus.INTRANS:
            commit(proxied)
        else:
            rollback(proxied)

    def do_commit(proxied) -> None:
        info = info_of(proxied)
        if info is not None:
            info.pop(WROTE_KEY, None)
        commit(proxied)

    dialect.do_rollback = do_rollback
    dialect.do_commit = do_commit


#: a PostgreSQL connection older than this is replaced at checkout (server or firewall idle limits)
PG_RECYCLE_SECONDS = 1800
#: a connection that sat in the pool longer than this is tested (one round trip) at checkout
PG_IDLE_PING_SECONDS = 30.0


def _ping_after_idle(engine: Engine) -> None:
    """Instead of `pool_pre_ping` (a round trip before every checkout): test a connection at
    checkout only after it sat idle in the pool, so a page's run of calls pays nothing. A server
    restart between two calls close together is caught by the session gate, whose lookup is the
    call's first statement and is retried once on a new connection (services/sessions.py)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record):
        if record is not None:
            record.info["kv_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy):
        since = record.info.get("kv_idle_since")
        if since is None or time.monotonic() - since < PG_IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # the pool replaces the connection and checks out again
            raise DisconnectionError(str(exc)) from exc


#: the newest revision in migrations/versions (tests/services/test_migrations.py checks it against
#: the scripts): a store at this revision needs no migration, so start-up never imports Alembic
HEAD_REVISION = "0010"


def alembic_config(engine: Engine):
    from alembic.config import Config

    script_location = str(resources.files("kvoucher_desktop") / "migrations")
    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    cfg.attributes["engine"] = engine
    return cfg


def server_now(engine: Engine) -> datetime:
    """The database server's current time, aware UTC (PostgreSQL's `now()`)."""
    with engine.connect() as conn:
        value = conn.execute(text("SELECT now()")).scalar_one()
    if isinstance(value, str):  # SQLite has no server clock worth asking; never used there
        raise ValueError("this store has no server clock")
    return value.astimezone(timezone.utc)


#: key of the PostgreSQL advisory lock that schema migrations hold (any constant; "kvmg")
MIGRATION_LOCK_KEY = 0x6B766D67
#: how long a desk waits for another desk's migration before it gives up, in seconds
MIGRATION_LOCK_TIMEOUT = 300
MIGRATION_BUSY_MESSAGE = (
    "다른 창구에서 데이터베이스를 준비(업그레이드)하고 있어 기다렸지만 끝나지 않았습니다. "
    "잠시 후 다시 시작해 주세요."
)


def migration_lock_path(database: Path) -> Path:
    """The lock file beside a SQLite store that desks migrating it take turns on."""
    return database.with_name(database.name + ".migrate-lock")


def _upgrade(engine: Engine, conn) -> None:
    from alembic import command

    cfg = alembic_config(engine)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def _pg_migration_lock(conn) -> None:
    """Hold the migration lock until this transaction ends (pg_advisory_xact_lock)."""
    from sqlalchemy.exc import OperationalError

    from .errors import SettingsError

    conn.execute(text(f"SET LOCAL lock_timeout = '{MIGRATION_LOCK_TIMEOUT}s'"))
    try:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
            raise SettingsError(MIGRATION_BUSY_MESSAGE, code="migration_busy") from None
        raise
    conn.execute(text("SET LOCAL lock_timeout = DEFAULT"))  # the migration's own DDL waits as usual


def is_current(engine: Engine) -> bool:
    """The store's `alembic_version` names `HEAD_REVISION` alone (plain SQL, no Alembic).

    A store without the table (new, or never migrated) is not current. Connection errors are
    not swallowed: they reach the caller as they would from the migration."""
    from sqlalchemy.exc import DBAPIError

    with engine.connect() as conn:
        try:
            versions = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except DBAPIError:  # no such table: a store to create
            return False
    return versions == {HEAD_REVISION}


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (run at every start).

    A store already at `HEAD_REVISION` is left alone without importing Alembic. Otherwise desks
    that start at once take turns: PostgreSQL holds an advisory lock for the migrating
    transaction, SQLite a file lock beside the store. The second desk waits, then finds the
    schema current and starts (docs/decisions.md, "Start-up races").
    """
    if is_current(engine):
        return
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _pg_migration_lock(conn)
            _upgrade(engine, conn)
        return
    path = sqlite_file(engine)
    if path is None:  # in-memory: nobody to race with
        with engine.begin() as conn:
            _upgrade(engine, conn)
        return
    from filelock import FileLock, Timeout

    from .errors import SettingsError

    lock_path = migration_lock_path(path)
    try:
        with FileLock(lock_path, timeout=MIGRATION_LOCK_TIMEOUT, mode=PRIVATE_FILE_MODE):
            with engine.begin() as conn:
                _upgrade(engine, conn)
    except Timeout:
        raise SettingsError(MIGRATION_BUSY_MESSAGE, code="migration_busy") from None


_PROBLEMS = (
    ("password authentication failed", "사용자 이름 또는 비밀번호가 올바르지 않습니다."),
    ("no password supplied", "비밀번호가 필요합니다."),
    ("does not exist", "서버에 그 사용자 또는 데이터베이스가 없습니다."),
    ("could not translate host name", "서버 이름을 찾을 수 없습니다. 주소를 확인해 주세요."),
    ("name or service not known", "서버 이름을 찾을 수 없습니다. 주소를 확인해 주세요."),
    ("connection refused", "서버가 연결을 거부했습니다. 서버 주소와 포트, 서버가 켜져 있는지 확인해 주세요."),
    ("timeout", "서버가 응답하지 않습니다(시간 초과). 네트워크와 방화벽을 확인해 주세요."),
    ("timed out", "서버가 응답하지 않습니다(시간 초과). 네트워크와 방화벽을 확인해 주세요."),
    ("unable to open database file", "데이터베이스 파일을 열 수 없습니다. 경로와 권한을 확인해 주세요."),
)


def connection_problem(detail: str) -> str:
    """A Korean explanation of a driver's (English) connection error; the detail goes to the log."""
    lowered = detail.lower()
    for needle, message in _PROBLEMS:
        if needle in lowered:
            return message
    return "알 수 없는 오류입니다. 자세한 내용은 로그 파일을 확인해 주세요."


def check_connection(url: str) -> str:
    """Try a URL; returns a short description of the server or raises SettingsError in Korean."""
    from sqlalchemy import text
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    from .errors import SettingsError

    try:
        u = make_url(normalize_url(url.strip()))
    except (ArgumentError, ValueError):
        raise SettingsError("데이터베이스 주소 형식이 올바르지 않습니다. 예: postgresql://사용자:비밀번호@서버/데이터베이스") from None
    if u.get_backend_name() not in ("postgresql", "sqlite"):
        raise SettingsError("PostgreSQL 또는 SQLite 주소만 사용할 수 있습니다.")
    try:
        engine = create_engine(u, connect_args={"connect_timeout": 5} if u.get_backend_name() == "postgresql" else {})
    except NoSuchModuleError:
        raise SettingsError("지원하지 않는 데이터베이스 드라이버입니다.") from None
    try:
        with engine.connect() as conn:
            if u.get_backend_name() == "postgresql":
                version = conn.execute(text("SHOW server_version")).scalar()
                return f"PostgreSQL {version} ({u.host or 'localhost'}/{u.database})"
            return f"SQLite {conn.execute(text('select sqlite_version()')).scalar()} ({u.database})"
    except DBAPIError as exc:
        detail = str(exc.orig).strip()
        log.warning("connection check failed for %s: %s", u.render_as_string(hide_password=True), detail)
        raise SettingsError(f"데이터베이스에 연결하지 못했습니다: {connection_problem(detail)}") from None
    finally:
        engine.dispose()
