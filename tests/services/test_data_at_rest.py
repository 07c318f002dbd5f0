"""Data at rest and logs (issue 8): owner-only files on POSIX, no statement parameters or
personal data in the log, and SQLite commits that survive a power cut."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import traceback
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kvoucher_desktop import app, settings
from kvoucher_desktop.enums import Role
from kvoucher_desktop.logfiles import RedactingFilter, redact
from kvoucher_desktop.models import User
from kvoucher_desktop.services.store import create_store_engine, migration_lock_path

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes; on Windows the profile's ACLs apply")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def app_logging(tmp_path, monkeypatch):
    """The app's own logging set-up, writing to a temporary data folder; undone afterwards."""
    monkeypatch.setenv(settings.ENV_DATA_DIR, str(tmp_path / "data"))
    root = logging.getLogger()
    level = root.level
    handler = app.setup_logging()
    yield settings.log_dir() / "kvoucher.log", handler
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)


@pytest.fixture
def usual_umask():
    """The usual umask 022, under which an unrestricted file would be 0644 and a folder 0755."""
    old = os.umask(0o022)
    yield
    os.umask(old)


# --- permissions ---------------------------------------------------------------------------------
@posix_only
def test_a_fresh_start_keeps_the_folder_store_wal_shm_and_log_owner_only(tmp_path, monkeypatch, usual_umask):
    data = tmp_path / "data"  # does not exist yet: the app creates it
    monkeypatch.setenv(settings.ENV_DATA_DIR, str(data))
    root = logging.getLogger()
    level = root.level
    handler = app.setup_logging()
    try:
        url, source = settings.resolve_database_url(None, False)
        assert source == "local"
        services = app.prepare_services(url, demo=False)  # the composition: migrate, seed
        try:
            logging.getLogger("kvoucher_desktop").info("started")
            handler.flush()
            store = settings.default_database_path()
            with services.engine.connect() as conn:  # -wal and -shm exist while a connection is open
                conn.execute(text("SELECT 1"))
                assert (data / "kvoucher.sqlite3-wal").exists() and (data / "kvoucher.sqlite3-shm").exists()
                modes = {p.name: mode(p) for p in (data, data / "logs", store, data / "kvoucher.sqlite3-wal",
                                                   data / "kvoucher.sqlite3-shm", data / "logs" / "kvoucher.log",
                                                   migration_lock_path(store)) if p.exists()}
        finally:
            services.dispose()
        assert modes == {"data": 0o700, "logs": 0o700, "kvoucher.sqlite3": 0o600, "kvoucher.sqlite3-wal": 0o600,
                         "kvoucher.sqlite3-shm": 0o600, "kvoucher.log": 0o600,
                         **({"kvoucher.sqlite3.migrate-lock": 0o600} if migration_lock_path(store).exists() else {})}
        # a rollover starts a new file: owner-only as well
        handler.doRollover()
        logging.getLogger("kvoucher_desktop").info("after the rollover")
        handler.flush()
        assert mode(data / "logs" / "kvoucher.log") == 0o600 and mode(data / "logs" / "kvoucher.log.1") == 0o600
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(level)


@posix_only
def test_an_older_installation_is_narrowed_at_start(tmp_path, monkeypatch, usual_umask):
    """Folders and files an earlier version left at 0755/0644 are made owner-only."""
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True, mode=0o755)
    os.chmod(data, 0o755)
    store = data / "kvoucher.sqlite3"
    raw = sqlite3.connect(store)  # 0644 under umask 022, and so are its -wal/-shm
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    (data / "logs" / "kvoucher.log").write_text("old\n")
    assert (mode(data), mode(store), mode(f"{store}-wal")) == (0o755, 0o644, 0o644)  # as before this version
    monkeypatch.setenv(settings.ENV_DATA_DIR, str(data))
    settings.log_dir()
    engine = create_store_engine(settings.sqlite_url(settings.default_database_path()))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert [mode(p) for p in (data, data / "logs", store, f"{store}-wal", f"{store}-shm")] == \
            [0o700, 0o700, 0o600, 0o600, 0o600]
    finally:
        engine.dispose()
        raw.close()
    handler = app.setup_logging()
    try:
        assert mode(data / "logs" / "kvoucher.log") == 0o600
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


# --- no statement parameters in the log ------------------------------------------------------------
def test_a_failed_signup_insert_leaves_no_hash_phone_or_email_in_the_log(services, app_logging):
    log_file, handler = app_logging
    secret_hash = services.passwords.hash("correct-horse-battery-9")
    phone, email = "010-9876-5432", "kim.secret@example.kr"

    def account(login_id: str) -> User:
        return User(id=uuid.uuid4(), login_id=login_id, password_hash=secret_hash, role=Role.DEMAND,
                    display_name="김비밀", phone=phone, email=email, created_at=services.clock.now())

    with Session(services.engine) as s:  # the app's own engine
        s.add(account("dup-login"))
        s.commit()
    with Session(services.engine) as s, pytest.raises(IntegrityError) as failed:
        s.add(account("dup-login"))
        s.flush()
    exc = failed.value
    # the two ways the app logs an error: with exc_info (start-up, excepthook) and as traceback
    # text in the message (views/tasks.py report_error)
    logging.getLogger("kvoucher_desktop").error("start-up failed", exc_info=exc)
    logging.getLogger("kvoucher_desktop.views.tasks").error(
        "unexpected error:\n%s", "".join(traceback.format_exception(exc)))
    handler.flush()
    written = log_file.read_text(encoding="utf-8")
    assert "IntegrityError" in written and "INSERT INTO users" in written  # the error itself is there
    assert written.count("start-up failed") == 1 and written.count("unexpected error") == 1
    for value in (secret_hash, secret_hash.split("$")[-1], "$argon2", phone, "98765432", email, "kim.secret"):
        assert value not in written, value


def test_the_filter_redacts_what_still_looks_like_parameters():
    line = ("[SQL: INSERT INTO users (login_id, password_hash, phone, email) VALUES (?, ?, ?, ?)]\n"
            "[parameters: ('kim', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', '010-1234-5678', 'a@b.kr')]\n"
            "DETAIL:  Key (email)=(lee.manager@company.co.kr) already exists. call 01098765432 or 02-345-6789")
    clean = redact(line)
    assert "[SQL: INSERT INTO users (login_id, password_hash, phone, email) VALUES (?, ?, ?, ?)]" in clean
    assert "[parameters: redacted]" in clean
    for value in ("$argon2id", "aGFzaA", "010-1234-5678", "a@b.kr", "lee.manager", "01098765432", "02-345-6789"):
        assert value not in clean, value
    assert "[e-mail redacted]" in clean and clean.count("[phone redacted]") == 2
    # what the log needs stays: times, ids, business and corporate numbers, amounts, ports
    kept = ("2026-03-02 10:00:00,123 id 0b1f2c3d-0123-4567-8901-012345678901 사업자 220-81-62517 "
            "법인 110111-1234567 금액 4,000,000원 127.0.0.1:5432 took 0.0123456789 s")
    assert redact(kept) == kept
    # the filter works on the record: message arguments and a traceback
    try:
        raise ValueError("password_hash=$argon2id$v=19$m=1,t=1,p=1$abc$def phone=010-2222-3333")
    except ValueError as exc:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "signup of %s failed", ("x@y.kr",),
                                   (type(exc), exc, exc.__traceback__))
    assert RedactingFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "signup of [e-mail redacted] failed" in formatted and "ValueError" in formatted
    assert "$argon2id" not in formatted and "010-2222-3333" not in formatted


# --- durability ----------------------------------------------------------------------------------
def test_sqlite_commits_are_synced_in_full(store_url, services):
    """SQLite: PRAGMA synchronous=FULL (2) on every connection of the app's engine, so a
    committed payment survives a power cut; PostgreSQL's equivalent is synchronous_commit=on."""
    with services.engine.connect() as first, services.engine.connect() as second:
        for conn in (first, second):
            if services.engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            else:
                assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
