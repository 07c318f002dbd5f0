"""The audit log the database guards and a verifier checks (SPEC §3, issue 8), on both stores.

Attacks are made the way someone with database rights would make them: raw SQL through the
app's own engine; to get past the triggers, SQLite drops them and PostgreSQL switches them off
for the transaction (`session_replication_role = replica`).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kvoucher_desktop import app
from kvoucher_desktop.enums import ScreeningStatus
from kvoucher_desktop.models import AuditRecord
from kvoucher_desktop.models.audit_chain import row_hash
from kvoucher_desktop.services import audit_chain
from kvoucher_desktop.services.audit_chain import ProblemKind
from kvoucher_desktop.services.errors import PermissionDenied
from kvoucher_desktop.services.store import alembic_config, create_store_engine, migrate
from kvoucher_desktop.settings import sqlite_url

from tests.factories import company_in_state, make_agency, make_operator

AFTER_MARGIN = dict(minutes=6)
SQLITE_TRIGGERS = ("trg_audit_log_no_update", "trg_audit_log_no_delete", "trg_audit_log_stamped",
                   "trg_audit_checkpoints_no_update", "trg_audit_checkpoints_no_delete")


# --- helpers -------------------------------------------------------------------------------------
def write(services, n: int, action: str = "test.write", **kwargs) -> None:
    """n audit records, one transaction each, as the services write them."""
    for i in range(n):
        with services.audit.uow() as uow:
            uow.audit(None, action, "test", f"{action}-{i}", after={"i": i}, **kwargs)
            uow.commit()


def sealed_log(services, clock, *, rounds: int = 3, per_round: int = 4) -> list:
    """A log with `rounds` checkpoints (plus the programme seed in the first)."""
    made = []
    for r in range(rounds):
        write(services, per_round, f"test.round{r}")
        clock.advance(**AFTER_MARGIN)
        made.extend(services.audit.seal())
    assert len(made) == rounds
    return made


def tamper(services, *statements: str, params: dict | None = None) -> None:
    """Run raw SQL past the triggers, as an attacker with database rights would."""
    with services.engine.begin() as conn:
        if services.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for name in SQLITE_TRIGGERS:
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        for statement in statements:
            conn.execute(text(statement), params or {})


def seqs(services) -> list[int]:
    with services.engine.connect() as conn:
        return list(conn.scalars(text("SELECT seq FROM audit_log WHERE seq IS NOT NULL ORDER BY seq")))


def kinds(result) -> list[ProblemKind]:
    return [p.kind for p in result.problems]


def db_uuid(dialect: str, value: uuid.UUID):
    """A UUID as a raw statement binds it (SQLite stores 32 hex digits)."""
    return value.hex if dialect == "sqlite" else value


def db_time(dialect: str, value: datetime):
    """An aware time as a raw statement binds it: naive UTC (SQLite: the text SQLAlchemy writes)."""
    naive = value.astimezone(timezone.utc).replace(tzinfo=None)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else naive


def forged_row(services, *, seq: int | None, with_hash: bool) -> dict:
    """A new row as an attacker would write it (with a hash made the app's way, or without)."""
    dialect = services.engine.dialect.name
    when = services.clock.now() - timedelta(days=3)
    content = dict(id=uuid.uuid4(), at=when, recorded_at=when, actor_id=None, actor_role="AGENCY",
                   actor_name="전문기관 담당자", action="screening.approve", entity_type="company",
                   entity_id=str(uuid.uuid4()), before='{"status": "CONFIRMED"}', after='{"status": "APPROVED"}')
    digest = row_hash(**content) if with_hash else None
    return dict(content, id=db_uuid(dialect, content["id"]), at=db_time(dialect, when),
                recorded_at=db_time(dialect, when), seq=seq, row_hash=digest)


def stored_record(services, seq: int) -> AuditRecord:
    with Session(services.engine) as session:
        return session.scalars(select(AuditRecord).where(AuditRecord.seq == seq)).one()


INSERT_ROW = ("INSERT INTO audit_log (id, at, recorded_at, actor_id, actor_role, actor_name, action, entity_type, "
              "entity_id, before, after, seq, row_hash) VALUES (:id, :at, :recorded_at, :actor_id, :actor_role, "
              ":actor_name, :action, :entity_type, :entity_id, :before, :after, :seq, :row_hash)")


# --- the database refuses ---------------------------------------------------------------------------
@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET after = '{\"status\": \"APPROVED\"}'",
    "UPDATE audit_log SET row_hash = NULL",
    "DELETE FROM audit_log",
    "UPDATE audit_checkpoints SET row_count = 0",
    "DELETE FROM audit_checkpoints",
], ids=["update-row", "update-hash", "delete-rows", "update-checkpoint", "delete-checkpoint"])
def test_raw_update_and_delete_are_refused_by_the_database(services, clock, statement):
    sealed_log(services, clock, rounds=1)
    with services.engine.connect() as conn:
        before = conn.execute(text("SELECT * FROM audit_log ORDER BY seq")).all(), \
            conn.execute(text("SELECT * FROM audit_checkpoints")).all()
    with services.engine.begin() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text(statement))
    with services.engine.connect() as conn:
        after = conn.execute(text("SELECT * FROM audit_log ORDER BY seq")).all(), \
            conn.execute(text("SELECT * FROM audit_checkpoints")).all()
    assert after == before
    assert services.audit.verify_unchecked().intact


def test_postgresql_refuses_truncate(services):
    if services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE trigger covers DELETE without WHERE)")
    for table in ("audit_log", "audit_checkpoints"):
        with services.engine.begin() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(f"TRUNCATE {table}"))
    assert seqs(services)


def test_a_raw_insert_that_bypasses_the_app_is_refused(services):
    with services.engine.begin() as conn, pytest.raises(DBAPIError, match="written by the application"):
        conn.execute(text(INSERT_ROW), forged_row(services, seq=None, with_hash=False))
    assert services.audit.verify_unchecked().intact


# --- order -----------------------------------------------------------------------------------------
def test_seq_gives_a_stable_order_newest_first(services, clock):
    write(services, 6, "test.same_instant")  # six records with the same `at`
    write(services, 1, "test.backdated", at=clock.now() - timedelta(days=2))  # e.g. an expiry dated at its deadline
    records = services.audit.records_unchecked(limit=100)
    assert [r.seq for r in records] == sorted((r.seq for r in records), reverse=True)
    assert records[0].action == "test.backdated"  # written last: first, although its `at` is the oldest
    assert [r.entity_id for r in records[1:7]] == [f"test.same_instant-{i}" for i in reversed(range(6))]
    assert services.audit.records_unchecked(limit=100) == records  # the same every time
    agency = make_agency(services)
    assert [r.seq for r in services.audit.records(agency, limit=3)] == \
        sorted(seqs(services), reverse=True)[:3]


def test_each_record_carries_its_hash_and_recorded_time(services, clock):
    write(services, 1, "test.expiry", at=clock.now() - timedelta(hours=5))
    top = services.audit.records_unchecked(limit=1)[0]
    r = stored_record(services, top.seq)
    assert r.at == top.at == clock.now() - timedelta(hours=5)
    assert r.recorded_at == clock.now()  # written now, dated earlier
    assert r.row_hash == row_hash(r.id, r.at, r.recorded_at, r.actor_id, r.actor_role, r.actor_name, r.action,
                                  r.entity_type, r.entity_id, r.before, r.after)


# --- sealing ---------------------------------------------------------------------------------------
def test_seal_leaves_rows_younger_than_the_margin(services, clock):
    write(services, 3)
    assert services.audit.seal() == ()  # recorded just now
    clock.advance(minutes=4)
    assert services.audit.seal() == ()
    clock.advance(minutes=2)
    (checkpoint,) = services.audit.seal()
    assert checkpoint.upto_seq == max(seqs(services))
    assert checkpoint.row_count == len(seqs(services))
    assert services.audit.seal() == ()  # nothing new
    write(services, 2)
    clock.advance(**AFTER_MARGIN)
    (second,) = services.audit.seal()
    assert second.row_count == 2
    result = services.audit.verify_unchecked()
    assert result.intact and result.checkpoints_checked == 2 and result.unsealed_rows == 0


def test_two_desks_sealing_at_once_one_wins_and_the_other_does_nothing(services, clock):
    for _round in range(3):
        write(services, 5)
        clock.advance(**AFTER_MARGIN)
        barrier = threading.Barrier(2)
        results, errors = [], []

        def desk():
            try:
                barrier.wait()
                results.append(services.audit.seal())
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=desk) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(len(r) for r in results) == [0, 1]
    result = services.audit.verify_unchecked()
    assert result.intact and result.checkpoints_checked == 3


def test_a_transaction_in_flight_is_not_sealed_around(services, clock):
    """PostgreSQL hands out seq before commit, so a lower seq can commit later: the margin keeps
    the seal behind it. (SQLite: one writer at a time, seq follows commit order.)"""
    if services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's single writer makes a later commit of a lower seq impossible")
    slow = services.audit.uow()
    slow.__enter__()
    try:
        slow.audit(None, "test.slow", "test", "slow")
        slow.session.flush()  # took its seq
        write(services, 2, "test.fast")  # higher seqs, committed first
        assert services.audit.seal() == ()  # inside the margin: nothing sealed around the slow one
        slow.commit()
    finally:
        slow.__exit__(None, None, None)
    clock.advance(**AFTER_MARGIN)
    services.audit.seal()
    assert services.audit.verify_unchecked().intact


def test_without_the_margin_a_late_commit_would_break_the_seal(services, clock):
    """Why the margin exists: sealing up to the newest row while a lower seq is still uncommitted."""
    if services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's single writer makes a later commit of a lower seq impossible")
    slow = services.audit.uow()
    slow.__enter__()
    try:
        slow.audit(None, "test.slow", "test", "slow")
        slow.session.flush()
        write(services, 2, "test.fast")
        assert audit_chain.seal(services.audit.uow, clock.now(), margin=timedelta(0))
        slow.commit()
    finally:
        slow.__exit__(None, None, None)
    assert ProblemKind.RANGE_CHANGED in kinds(services.audit.verify_unchecked())


# --- the verifier finds -----------------------------------------------------------------------------
def test_an_untouched_log_with_concurrent_writers_verifies_clean(services, clock):
    agency = make_agency(services)
    errors = []

    def writer(n: int) -> None:
        try:
            for i in range(8):
                if i % 2:
                    services.programme.save_announcement(agency, title=f"공고 {n}-{i}", body="내용")
                else:
                    write(services, 1, f"test.writer{n}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def sealer() -> None:
        try:
            for _ in range(5):
                services.audit.seal()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)] + [threading.Thread(target=sealer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = seqs(services)
    assert len(numbers) == len(set(numbers))
    clock.advance(**AFTER_MARGIN)
    result = services.audit.verify_unchecked()
    assert result.intact, result.problems
    assert result.rows_checked == len(numbers) and result.unsealed_rows == 0


def test_an_edited_row_is_found(services, clock):
    sealed_log(services, clock)
    target = seqs(services)[5]
    tamper(services, "UPDATE audit_log SET after = '{\"status\": \"APPROVED\"}' WHERE seq = :s", params={"s": target})
    result = services.audit.verify_unchecked()
    assert not result.intact
    (problem,) = result.problems
    assert problem.kind is ProblemKind.EDITED and problem.seq == target
    assert f"순번 {target}" in problem.message and problem.record_id


def test_a_row_whose_time_is_no_time_any_more_is_reported_not_a_crash(services, clock):
    sealed_log(services, clock, rounds=1)
    target = seqs(services)[2]
    if services.engine.dialect.name == "postgresql":
        statement = "UPDATE audit_log SET actor_id = NULL, entity_id = repeat('x', 64) WHERE seq = :s"
    else:  # SQLite keeps whatever text it is given
        statement = "UPDATE audit_log SET at = 'yesterday', id = 'not-a-uuid' WHERE seq = :s"
    tamper(services, statement, params={"s": target})
    result = services.audit.verify_unchecked()
    assert [(p.kind, p.seq) for p in result.problems] == [(ProblemKind.EDITED, target)]


def test_an_edited_row_in_the_unsealed_tail_is_found(services, clock):
    sealed_log(services, clock, rounds=1)
    write(services, 3, "test.tail")
    target = seqs(services)[-1]
    tamper(services, "UPDATE audit_log SET actor_name = '다른 사람' WHERE seq = :s", params={"s": target})
    assert [(p.kind, p.seq) for p in services.audit.verify_unchecked().problems] == [(ProblemKind.EDITED, target)]


def test_an_edit_with_a_recomputed_hash_is_found_by_its_seal(services, clock):
    sealed_log(services, clock)
    target = seqs(services)[5]
    r = stored_record(services, target)
    new_after = '{"status": "APPROVED"}'
    digest = row_hash(r.id, r.at, r.recorded_at, r.actor_id, r.actor_role, r.actor_name, r.action, r.entity_type,
                      r.entity_id, r.before, new_after)
    tamper(services, "UPDATE audit_log SET after = :a, row_hash = :h WHERE seq = :s",
           params={"a": new_after, "h": digest, "s": target})
    result = services.audit.verify_unchecked()
    assert kinds(result) == [ProblemKind.RANGE_CHANGED]  # the row is consistent in itself; its seal is not
    assert "해시 불일치" in result.problems[0].message


def test_a_deleted_row_in_a_sealed_range_is_found(services, clock):
    checkpoints = sealed_log(services, clock)
    target = seqs(services)[5]
    tamper(services, "DELETE FROM audit_log WHERE seq = :s", params={"s": target})
    result = services.audit.verify_unchecked()
    (problem,) = result.problems
    assert problem.kind is ProblemKind.RANGE_CHANGED
    assert problem.checkpoint_upto in {c.upto_seq for c in checkpoints}
    assert "삭제" in problem.message


def test_the_deleted_newest_rows_of_a_sealed_range_are_found(services, clock):
    checkpoints = sealed_log(services, clock)
    tamper(services, "DELETE FROM audit_log WHERE seq > :s", params={"s": checkpoints[1].upto_seq})
    result = services.audit.verify_unchecked()
    assert [(p.kind, p.checkpoint_upto) for p in result.problems] == \
        [(ProblemKind.RANGE_CHANGED, checkpoints[2].upto_seq)]


def test_a_raw_insert_without_hash_is_found(services, clock):
    sealed_log(services, clock, rounds=1)
    # PostgreSQL's default still gives it a seq; on SQLite it has none
    tamper(services, INSERT_ROW, params=forged_row(services, seq=None, with_hash=False))
    result = services.audit.verify_unchecked()
    assert kinds(result) == [ProblemKind.UNSTAMPED]
    assert "직접 추가" in result.problems[0].message
    assert result.problems[0].record_id


def test_a_row_with_a_correct_hash_inserted_into_a_sealed_range_is_found(services, clock):
    checkpoints = sealed_log(services, clock)
    # before the first row: inside the first seal's range, no unique index in the way
    tamper(services, INSERT_ROW, params=forged_row(services, seq=0, with_hash=True))
    result = services.audit.verify_unchecked()
    assert [(p.kind, p.checkpoint_upto) for p in result.problems] == \
        [(ProblemKind.RANGE_CHANGED, checkpoints[0].upto_seq)]
    assert "추가" in result.problems[0].message


def test_a_row_with_a_correct_hash_and_a_taken_seq_is_found(services, clock):
    checkpoints = sealed_log(services, clock)
    target = seqs(services)[6]
    forged = forged_row(services, seq=target, with_hash=True)
    tamper(services, "DROP INDEX ix_audit_log_seq", INSERT_ROW, params=forged)
    try:
        found = kinds(services.audit.verify_unchecked())
        assert ProblemKind.DUPLICATE_SEQ in found and ProblemKind.RANGE_CHANGED in found
        assert len(checkpoints) == 3
    finally:  # the PostgreSQL store is shared by the run's tests: give the index back
        tamper(services, "DELETE FROM audit_log WHERE id = :id", "CREATE UNIQUE INDEX ix_audit_log_seq ON audit_log (seq)",
               params={"id": forged["id"]})


def test_a_removed_checkpoint_is_found(services, clock):
    checkpoints = sealed_log(services, clock)
    tamper(services, "DELETE FROM audit_checkpoints WHERE upto_seq = :s", params={"s": checkpoints[1].upto_seq})
    result = services.audit.verify_unchecked()
    (problem,) = result.problems
    assert problem.kind is ProblemKind.CHAIN_BROKEN and problem.checkpoint_upto == checkpoints[2].upto_seq
    assert result.checkpoints_checked == 2


def test_an_edited_checkpoint_is_found(services, clock):
    checkpoints = sealed_log(services, clock)
    tamper(services, "UPDATE audit_checkpoints SET hash = :h WHERE upto_seq = :s",
           params={"h": "f" * 64, "s": checkpoints[0].upto_seq})
    found = [(p.kind, p.checkpoint_upto) for p in services.audit.verify_unchecked().problems]
    assert found == [(ProblemKind.CHAIN_BROKEN, checkpoints[1].upto_seq),
                     (ProblemKind.RANGE_CHANGED, checkpoints[0].upto_seq)]


def test_verify_streams_across_batches_and_many_checkpoints(services, clock, monkeypatch):
    monkeypatch.setattr(audit_chain, "STREAM_BATCH", 7)
    monkeypatch.setattr(audit_chain, "CHECKPOINT_MAX_ROWS", 5)
    write(services, 44)
    clock.advance(**AFTER_MARGIN)
    made = services.audit.seal()
    assert len(made) == 9 and [c.row_count for c in made] == [5] * 9  # 45 rows with the programme seed
    result = services.audit.verify_unchecked()
    assert result.intact and result.checkpoints_checked == 9 and result.rows_checked == 45
    target = seqs(services)[23]
    tamper(services, "UPDATE audit_log SET action = 'test.other' WHERE seq = :s", params={"s": target})
    assert [(p.kind, p.seq) for p in services.audit.verify_unchecked().problems] == [(ProblemKind.EDITED, target)]


def test_a_full_rewrite_is_found_only_with_the_anchor(services, clock, tmp_path):
    """Someone with database rights who switches the triggers off and recomputes every hash and
    every checkpoint leaves a consistent store behind; the anchor kept outside the store finds it."""
    anchor = tmp_path / "anchor.json"
    sealed_log(services, clock)
    assert services.audit.verify_unchecked(anchor_file=anchor).intact
    saved = json.loads(anchor.read_text(encoding="utf-8"))
    (entry,) = saved["stores"].values()
    assert entry["upto_seq"] == max(seqs(services))
    if os.name == "posix":
        assert anchor.stat().st_mode & 0o777 == 0o600
    # the rewrite: drop a record of the past, throw away every seal, let the app seal again
    tamper(services, "DELETE FROM audit_log WHERE seq = :s", "DELETE FROM audit_checkpoints",
           params={"s": seqs(services)[3]})
    assert services.audit.verify_unchecked().intact  # consistent in itself: the limit of a store-only check
    result = services.audit.verify_unchecked(anchor_file=anchor)
    assert [p.kind for p in result.problems] == [ProblemKind.ANCHOR]
    assert json.loads(anchor.read_text(encoding="utf-8")) == saved  # a broken log never moves the anchor


def test_the_anchor_follows_an_intact_log(services, clock, tmp_path):
    anchor = tmp_path / "anchor.json"
    sealed_log(services, clock, rounds=1)
    assert services.audit.verify_unchecked(anchor_file=anchor).intact
    write(services, 3)
    clock.advance(**AFTER_MARGIN)
    result = services.audit.verify_unchecked(anchor_file=anchor)
    assert result.intact and result.anchor is not None and result.sealed_now == 1
    (entry,) = json.loads(anchor.read_text(encoding="utf-8"))["stores"].values()
    assert entry["upto_seq"] == max(seqs(services))


def test_only_the_agency_verifies(services, clock):
    demand, _cid = company_in_state(services, ScreeningStatus.REVIEWING)
    for actor in (demand, make_operator(services)):
        with pytest.raises(PermissionDenied):
            services.audit.verify(actor)
    result = services.audit.verify(make_agency(services))
    assert result.intact and result.rows_checked == len(seqs(services))


# --- migration 0004 on a store with history -----------------------------------------------------------
@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"),
                        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)])
def blank_store(request, tmp_path):
    """An empty, unmigrated store (PostgreSQL: its own throw-away database)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "old.sqlite3")
        return
    database = request.getfixturevalue("_postgres_database")  # skips when the server is unreachable
    server = make_url(database.url)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"kvtest_{os.getpid()}_mig_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _upgrade(engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _downgrade(engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_migration_numbers_and_hashes_existing_rows(blank_store, clock):
    from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
    from kvoucher_desktop.services.registry import build_services

    engine = create_store_engine(blank_store)
    try:
        _upgrade(engine, "0003")
        base = clock.now()
        ids = [uuid.UUID(int=n) for n in (5, 3, 9, 1)]
        # written before the migration: no seq, no hash; two share their `at`
        ats = [base - timedelta(days=2), base - timedelta(days=3), base - timedelta(days=3), base - timedelta(days=1)]
        dialect = engine.dialect.name
        with engine.begin() as conn:
            for i, at in zip(ids, ats):
                conn.execute(text("INSERT INTO audit_log (id, at, actor_role, actor_name, action, entity_type, "
                                  "entity_id, before, after) VALUES (:id, :at, 'SYSTEM', '시스템', 'old.thing', "
                                  "'test', :e, NULL, '{}')"),
                             {"id": db_uuid(dialect, i), "at": db_time(dialect, at), "e": str(i)})
        _upgrade(engine, "head")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT entity_id, seq FROM audit_log ORDER BY seq")).all()
        # (at, id) order: day -3 (ids 3, 9), day -2 (5), day -1 (1)
        assert [(r.entity_id, r.seq) for r in rows] == [(str(uuid.UUID(int=n)), s) for s, n in
                                                       zip((1, 2, 3, 4), (3, 9, 5, 1))]
    finally:
        engine.dispose()
    services = build_services(blank_store, clock, hash_params=FAST_FOR_TESTS, migrate_schema=False)
    try:
        write(services, 1, "test.after_migration")  # continues after the old rows
        assert max(seqs(services)) > 4
        result = services.audit.verify_unchecked()  # seals the old rows (recorded_at = at, long ago)
        assert result.intact and result.sealed_now == 1 and result.unsealed_rows >= 1
    finally:
        services.dispose()


def test_migration_0004_downgrades_and_upgrades_again(blank_store, clock):
    from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
    from kvoucher_desktop.services.registry import build_services

    services = build_services(blank_store, clock, hash_params=FAST_FOR_TESTS)  # head, seeded: audit rows exist
    try:
        write(services, 2)
        _downgrade(services.engine, "0003")
        with services.engine.begin() as conn:  # nothing left behind: the old table is as it was
            conn.execute(text("UPDATE audit_log SET actor_name = actor_name"))
        migrate(services.engine)
        assert len(seqs(services)) == 3
        with services.engine.begin() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("DELETE FROM audit_log"))
        write(services, 1)
        clock.advance(**AFTER_MARGIN)
        assert services.audit.verify_unchecked().intact
    finally:
        services.dispose()


# --- the command line ---------------------------------------------------------------------------------
@pytest.fixture
def cli_store(sqlite_store_url, clock, tmp_path, monkeypatch):
    """A SQLite store with a sealed history; the CLI's data folder (and anchor) under tmp_path."""
    from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
    from kvoucher_desktop.services.registry import build_services

    monkeypatch.setenv("KVOUCHER_DATA_DIR", str(tmp_path / "data"))
    services = build_services(sqlite_store_url, clock, hash_params=FAST_FOR_TESTS, migrate_schema=False)
    sealed_log(services, clock, rounds=2)
    yield services, sqlite_store_url
    services.dispose()


def test_verify_audit_command_exits_0_when_intact_and_3_after_a_tamper(cli_store, capsys, tmp_path):
    services, url = cli_store
    assert app.main(["--verify-audit", "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "결과: 이상 없음" in out and "검사한 기록:" in out and "검사한 봉인: 2개" in out
    assert (tmp_path / "data" / audit_chain.ANCHOR_FILE).exists()
    target = seqs(services)[2]
    tamper(services, "UPDATE audit_log SET actor_name = '누군가' WHERE seq = :s", params={"s": target})
    assert app.main(["--verify-audit", "--database-url", url]) == app.EXIT_AUDIT_BROKEN == 3
    out = capsys.readouterr().out
    assert "문제 1건" in out and f"순번 {target}" in out and "[기록 변경]" in out


def test_verify_audit_command_runs_without_a_window(cli_store, tmp_path):
    services, url = cli_store
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, KVOUCHER_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="none-at-all",
               PYTHONPATH=str(root))
    done = subprocess.run([sys.executable, "-m", "kvoucher_desktop", "--verify-audit", "--database-url", url],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "이상 없음" in done.stdout
    tamper(services, "DELETE FROM audit_checkpoints")
    tamper(services, "DELETE FROM audit_log WHERE seq = 2")
    done = subprocess.run([sys.executable, "-m", "kvoucher_desktop", "--verify-audit", "--database-url", url],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert done.returncode == 3
    assert "외부 기준점" in done.stdout
