"""Desks that start on the same fresh store at once (issue 8, "Races and start-up").

Eight separate processes (as eight desks would be) wait at a start line and then all run
`build_services` on one empty store: migrations take turns under a lock (a PostgreSQL advisory
lock, a file lock beside a SQLite store) and the programme defaults are seeded exactly once.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
from kvoucher_desktop.services.registry import build_services
from kvoucher_desktop.services.store import alembic_config, create_store_engine, migration_lock_path
from kvoucher_desktop.settings import sqlite_url
from tests.conftest import PG_DEFAULT_URL, in_ci

DESKS = 8
ROOT = Path(__file__).resolve().parents[2]

# one desk: import everything first, say "ready", wait for the start line, then start
DESK = r"""
import os, sys, time
from datetime import datetime, timezone
from kvoucher_desktop.services.clock import FixedClock
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
from kvoucher_desktop.services.registry import build_services
url, ready, go = sys.argv[1:4]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.002)
services = build_services(url, FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)),
                          hash_params=FAST_FOR_TESTS)
print(len(services.programme.operators()), len(services.programme.categories()))
services.dispose()
"""


def start_desks_at_once(url: str, workdir: Path) -> list[tuple[int, str, str]]:
    env = dict(os.environ, KVOUCHER_DATA_DIR=str(workdir / "data"), PYTHONPATH=str(ROOT))
    go = workdir / "go"
    procs = []
    for i in range(DESKS):
        ready = workdir / f"ready-{i}"
        procs.append((ready, subprocess.Popen([sys.executable, "-c", DESK, url, str(ready), str(go)], cwd=ROOT,
                                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 120
    while not all(ready.exists() for ready, _p in procs):
        assert time.monotonic() < deadline, "the desks did not get ready"
        assert all(p.poll() is None for _r, p in procs), [p.communicate() for _r, p in procs if p.poll() is not None]
        time.sleep(0.01)
    go.touch()  # all at once
    results = []
    for _ready, proc in procs:
        out, err = proc.communicate(timeout=300)
        results.append((proc.returncode, out, err))
    return results


def assert_one_current_seeded_store(url: str) -> None:
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
            count = lambda table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: E731
            seeded = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'programme.seed'")).scalar_one()
            assert (count("categories"), count("operating_agencies"), count("programme_settings"), seeded) == \
                (6, 17, 1, 1)
        assert set(current) == set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    finally:
        engine.dispose()


def check_all_started(results) -> None:
    failures = [err[-3000:] for code, _out, err in results if code != 0]
    assert failures == [], f"{len(failures)} of {DESKS} desks failed; first:\n{failures[0] if failures else ''}"
    assert {out.strip() for _code, out, _err in results} == {"17 6"}


def test_eight_desks_start_a_fresh_sqlite_store_at_once(tmp_path):
    store = tmp_path / "shared" / "kvoucher.sqlite3"  # neither the file nor its folder exists yet
    url = sqlite_url(store)
    check_all_started(start_desks_at_once(url, tmp_path))
    assert_one_current_seeded_store(url)
    assert migration_lock_path(store).parent == store.parent


@pytest.mark.postgres
def test_eight_desks_start_a_fresh_postgres_database_at_once(tmp_path):
    server_url = os.environ.get("KVOUCHER_TEST_PG_URL", PG_DEFAULT_URL)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        if in_ci():
            pytest.fail(f"CI=true and PostgreSQL is not reachable: {exc.orig}", pytrace=False)
        pytest.skip(f"PostgreSQL is not reachable: {exc.orig}")
    name = f"kvrace_{os.getpid()}_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        check_all_started(start_desks_at_once(url, tmp_path))
        assert_one_current_seeded_store(url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_desks_seeding_an_empty_store_at_once_seed_it_once(store_url, clock):
    """The seeding alone, without the migration lock in front of it: every desk finds the store
    empty at the same moment; the losers' inserts hit the unique keys and look again."""
    desks = [build_services(store_url, clock, hash_params=FAST_FOR_TESTS, migrate_schema=False,
                            seed_defaults=False) for _ in range(DESKS)]
    start = threading.Barrier(DESKS)
    errors = []

    def seed(services) -> None:
        start.wait()
        try:
            services.programme.ensure_defaults()
        except Exception as exc:  # noqa: BLE001 - the test reports every failure
            errors.append(exc)

    threads = [threading.Thread(target=seed, args=(d,)) for d in desks]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert errors == []
        assert_one_current_seeded_store(store_url)
        assert len(desks[0].programme.operators()) == 17
    finally:
        for d in desks:
            d.dispose()


@pytest.mark.parametrize("holder", ["writer", "reader"])
def test_a_desk_opening_a_new_store_while_another_uses_it_waits_to_switch_it_to_wal(tmp_path, holder):
    """SQLite refuses the switch to WAL at once ("database is locked", no busy wait) while
    another connection writes a store still in rollback-journal mode, and keeps refusing while
    one reads it; a desk's connection tries again until the other is done, then finds WAL."""
    import sqlite3

    path = tmp_path / "kvoucher.sqlite3"
    other = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE early (x)")  # a desk that got there first, not in WAL yet
    other.execute("BEGIN IMMEDIATE" if holder == "writer" else "BEGIN")
    other.execute("INSERT INTO early VALUES (1)" if holder == "writer" else "SELECT * FROM early").fetchall()
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    engine = create_store_engine(sqlite_url(path))
    try:
        started = time.monotonic()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("SELECT count(*) FROM early").scalar() == (1 if holder == "writer" else 0)
        assert time.monotonic() - started >= 0.3  # it waited for the other connection
    finally:
        release.join()
        other.close()
        engine.dispose()
