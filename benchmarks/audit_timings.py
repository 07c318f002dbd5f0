#!/usr/bin/env python
"""What the tamper-evident audit log costs (docs/decisions.md, "Audit log"), on a store made by
generate.py. Every figure comes with an anchor measured in the same run, so that the ratio holds
on a busy machine:

    python benchmarks/audit_timings.py [--database-url URL] [--writes 300] [--batch 500] [--migration]

* **write**: one transaction with one `UnitOfWork.audit` record (content hash, seq in the INSERT,
  the INSERT trigger) against the same transaction inserting the same row the pre-0004 way into
  a copy of the old table (same columns and indexes, filled with the same rows, no triggers).
  Alternating, so both see the same machine.
* **seal**: sealing one busy 5-minute batch (`--batch` records) against writing that batch.
* **verify**: `verify()` over the whole log against streaming the same columns with a raw
  `SELECT … ORDER BY seq` (the least any verifier must do).
* **migration** (`--migration`): migration 0004 on the whole log (downgrade to 0003 first, then
  upgrade; the store ends at head, resealed) against a raw read of every row.

The store gains the benchmark's records (`bench.*`), sealed like any others.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from sqlalchemy import Index, String, Text, Uuid, column, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kvoucher_desktop.models import AuditRecord, UTCDateTime
from kvoucher_desktop.models.audit_chain import CONTENT_COLUMNS
from kvoucher_desktop.services import audit_chain
from kvoucher_desktop.services.clock import FixedClock
from kvoucher_desktop.services.registry import build_services

DEFAULT_URL = f"sqlite:///{(HERE / 'out' / 'programme.sqlite3').as_posix()}"
PLAIN = "bench_audit_plain"


class _Plain(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), uuid.UUID: Uuid()}


class PlainAudit(_Plain):
    """audit_log as it was before migration 0004 (revision 0002's columns and indexes)."""

    __tablename__ = PLAIN
    __table_args__ = (Index(f"ix_{PLAIN}_at", "at"), Index(f"ix_{PLAIN}_entity", "entity_type", "entity_id", "at"),
                      Index(f"ix_{PLAIN}_entity_id_at", "entity_id", "at"))
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None]
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


AFTER = {"state": "ACCEPTED", "memo": "상담 가능한 일정을 알려 드립니다."}
BEFORE = {"state": "CONSULT_REQUESTED"}


def audited(services, n: int) -> tuple[float, float]:
    """One transaction with one audit record the app's way; (INSERT, commit) seconds."""
    with services.audit.uow() as uow:
        uow.audit(None, "bench.write", "deal", f"bench-{n}", before=BEFORE, after=AFTER)
        t = time.perf_counter()
        uow.session.flush()
        t2 = time.perf_counter()
        uow.commit()
        return t2 - t, time.perf_counter() - t2


def plain(services, n: int) -> tuple[float, float]:
    """The same transaction and row into the pre-0004 table."""
    from kvoucher_desktop.services.repositories.audit import dump as _dump

    with services.audit.uow() as uow:
        uow.session.add(PlainAudit(id=uuid.uuid4(), at=services.clock.now(), actor_id=None, actor_role="SYSTEM",
                                   actor_name="시스템", action="bench.write", entity_type="deal",
                                   entity_id=f"bench-{n}", before=_dump(BEFORE), after=_dump(AFTER)))
        t = time.perf_counter()
        uow.session.flush()
        t2 = time.perf_counter()
        uow.commit()
        return t2 - t, time.perf_counter() - t2


def checkpoint_wal(engine) -> None:
    """SQLite: start the timed part with an empty WAL (a copy of the log leaves a big one behind,
    and every commit would then pay for checkpointing it)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


BULK = 2000


def bulk_audited(services, n: int) -> None:
    with services.audit.uow() as uow:
        for i in range(n):
            uow.audit(None, "bench.bulk", "deal", f"bulk-{i}", before=BEFORE, after=AFTER)
            if i % 100 == 99:
                uow.session.flush()
        uow.commit()


def bulk_plain(services, n: int) -> None:
    from kvoucher_desktop.services.repositories.audit import dump as _dump

    with services.audit.uow() as uow:
        for i in range(n):
            uow.session.add(PlainAudit(id=uuid.uuid4(), at=services.clock.now(), actor_id=None, actor_role="SYSTEM",
                                       actor_name="시스템", action="bench.bulk", entity_type="deal",
                                       entity_id=f"bulk-{i}", before=_dump(BEFORE), after=_dump(AFTER)))
            if i % 100 == 99:
                uow.session.flush()
        uow.commit()


def measure_writes(services, writes: int) -> dict:
    engine = services.engine
    log("copying the log into the pre-0004 table (same size as audit_log) …")
    t = time.perf_counter()
    _Plain.metadata.drop_all(engine)
    _Plain.metadata.create_all(engine)
    names = ", ".join(f'"{c}"' for c in ("id", "at", "actor_id", "actor_role", "actor_name", "action", "entity_type",
                                         "entity_id", "before", "after"))
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {PLAIN} ({names}) SELECT {names} FROM audit_log"))
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"ANALYZE {PLAIN}"))
    checkpoint_wal(engine)
    log(f"  {time.perf_counter() - t:.1f}s")
    for n in range(20):  # warm-up
        audited(services, n)
        plain(services, n)
    # one transaction per record, the three arms in a shuffled order; "control" is the plain arm
    # again and shows how far two identical arms drift apart on this machine (the noise floor)
    arms = {"chain": (audited, []), "plain": (plain, []), "control": (plain, [])}
    rng = random.Random(8)
    for n in range(writes):
        order = list(arms)
        rng.shuffle(order)
        for name in order:
            fn, times = arms[name]
            t = time.perf_counter()
            statement, commit = fn(services, n)
            times.append((time.perf_counter() - t, statement, commit))
    with_chain, without, control = (arms[k][1] for k in ("chain", "plain", "control"))
    # statement cost without the commit's fsync: many records in one transaction
    bulk = {}
    for name, fn in (("chain", bulk_audited), ("plain", bulk_plain)) * 3:
        t = time.perf_counter()
        fn(services, BULK)
        bulk[name] = min(bulk.get(name, 1e9), (time.perf_counter() - t) / BULK)
    sample = {k: v for k, v in zip(CONTENT_COLUMNS, (uuid.uuid4(), services.clock.now(), services.clock.now(), None,
                                                      "SYSTEM", "시스템", "bench.write", "deal", "bench-x",
                                                      json.dumps(BEFORE), json.dumps(AFTER)))}
    from kvoucher_desktop.models.audit_chain import row_hash

    t = time.perf_counter()
    for _ in range(20_000):
        row_hash(**sample)
    hash_seconds = (time.perf_counter() - t) / 20_000
    _Plain.metadata.drop_all(engine)
    def med(rows, i):
        return statistics.median(r[i] for r in rows)

    return {"writes": writes, "with_chain_median": med(with_chain, 0), "plain_median": med(without, 0),
            "control_median": med(control, 0), "bulk_chain": bulk["chain"], "bulk_plain": bulk["plain"],
            "with_chain_insert": med(with_chain, 1), "plain_insert": med(without, 1),
            "with_chain_commit": med(with_chain, 2), "plain_commit": med(without, 2),
            "row_hash": hash_seconds}


def measure_seal(services, clock: FixedClock, batch: int, rounds: int) -> dict:
    clock.advance(minutes=5, seconds=1)
    services.audit.seal()  # whatever is due now (e.g. the write measurement's records)
    seal_times, write_times = [], []
    for r in range(rounds):
        t = time.perf_counter()
        for n in range(batch):
            audited(services, n)
        write_times.append(time.perf_counter() - t)
        clock.advance(minutes=5, seconds=1)
        t = time.perf_counter()
        made = services.audit.seal()
        seal_times.append(time.perf_counter() - t)
        assert made and sum(c.row_count for c in made) == batch, made
    return {"batch": batch, "rounds": rounds, "seal_median": statistics.median(seal_times),
            "write_batch_median": statistics.median(write_times)}


def raw_stream(engine) -> tuple[float, int]:
    names = [column(n) for n in ("seq", "row_hash", *CONTENT_COLUMNS)]
    t = time.perf_counter()
    n = 0
    with engine.connect() as conn:
        for _row in conn.execute(select(*names).select_from(AuditRecord.__table__).where(names[0].is_not(None))
                                 .order_by(names[0]).execution_options(yield_per=audit_chain.STREAM_BATCH)):
            n += 1
    return time.perf_counter() - t, n


def measure_verify(services, clock: FixedClock, repeat: int) -> dict:
    services.audit.seal()
    raw_stream(services.engine)  # page cache warm for both
    raws, verifies = [], []
    result = None
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(repeat):
        seconds, rows = raw_stream(services.engine)
        raws.append(seconds)
        t = time.perf_counter()
        result = audit_chain.verify(services.audit.uow, clock.now())
        verifies.append(time.perf_counter() - t)
        assert result.intact, result.problems[:5]
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": result.rows_checked, "checkpoints": result.checkpoints_checked,
            "verify_median": statistics.median(verifies), "raw_median": statistics.median(raws),
            "peak_rss_growth_mb": (rss_after - rss_before) / 1024}


def _alembic(engine, direction: str, revision: str) -> float:
    from alembic import command

    from kvoucher_desktop.services.store import alembic_config

    t = time.perf_counter()
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        getattr(command, direction)(cfg, revision)
    return time.perf_counter() - t


def measure_migration_0004(services) -> dict:
    engine = services.engine
    log("downgrading to 0003 (drops seq, hashes, checkpoints) …")
    down = _alembic(engine, "downgrade", "0003")
    t = time.perf_counter()
    with engine.connect() as conn:
        rows = 0
        for _row in conn.execute(text("SELECT * FROM audit_log ORDER BY at, id")
                                 .execution_options(yield_per=audit_chain.STREAM_BATCH)):
            rows += 1
    raw = time.perf_counter() - t
    log(f"  {down:.1f}s; upgrading to head (migration 0004 over {rows:,} rows) …")
    up = _alembic(engine, "upgrade", "head")
    log(f"  {up:.1f}s; sealing the whole log …")
    t = time.perf_counter()
    made = services.audit.seal()
    first_seal = time.perf_counter() - t
    return {"rows": rows, "upgrade": up, "downgrade": down, "raw_read_ordered": raw, "first_seal": first_seal,
            "first_seal_checkpoints": len(made)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=DEFAULT_URL)
    p.add_argument("--writes", type=int, default=300, help="transactions per side for the write cost (300)")
    p.add_argument("--batch", type=int, default=500, help="records in one 5-minute batch for the seal (500)")
    p.add_argument("--seal-rounds", type=int, default=5)
    p.add_argument("--verify-repeat", type=int, default=3)
    p.add_argument("--migration", action="store_true", help="also time migration 0004 (downgrade + upgrade)")
    p.add_argument("--only", default="", help="comma list of: write,seal,verify,migration")
    p.add_argument("--json", help="write the figures to this file")
    args = p.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    clock = FixedClock(datetime.now(timezone.utc))
    services = build_services(args.database_url, clock, migrate_schema=False, seed_defaults=False)
    out: dict = {"backend": services.engine.dialect.name}
    try:
        with services.engine.connect() as conn:
            out["log_rows"] = conn.scalar(select(func.count()).select_from(AuditRecord))
        log(f"{out['backend']}: {out['log_rows']:,} audit records")
        if args.migration and (not only or "migration" in only):
            out["migration"] = measure_migration_0004(services)
        if not only or "write" in only:
            log("write cost …")
            out["write"] = measure_writes(services, args.writes)
        if not only or "seal" in only:
            log("seal …")
            out["seal"] = measure_seal(services, clock, args.batch, args.seal_rounds)
        if not only or "verify" in only:
            log("verify …")
            out["verify"] = measure_verify(services, clock, args.verify_repeat)
    finally:
        services.dispose()
    print_table(out)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


def print_table(out: dict) -> None:
    print(f"\n{out['backend']}, {out['log_rows']:,} audit records\n")
    print("| measurement | time | anchor (same run) | ratio |")
    print("|---|---:|---:|---:|")
    if "write" in out:
        w = out["write"]
        print(f"| one audited transaction, median of {w['writes']} (`uow.audit`: hash + seq + trigger) "
              f"| {ms(w['with_chain_median'])} ms | {ms(w['plain_median'])} ms (same row, pre-0004 table) "
              f"| {w['with_chain_median'] / w['plain_median']:.2f}× |")
        print(f"| ↳ noise floor: the plain arm against itself (control arm, same run) "
              f"| {ms(w['control_median'])} ms | {ms(w['plain_median'])} ms "
              f"| {w['control_median'] / w['plain_median']:.2f}× |")
        print(f"| per record, {BULK:,} records in one transaction (no commit per record) "
              f"| {w['bulk_chain'] * 1e3:.3f} ms | {w['bulk_plain'] * 1e3:.3f} ms "
              f"| {w['bulk_chain'] / w['bulk_plain']:.2f}× |")
        print(f"| ↳ the INSERT statement (seq sub-select / nextval, trigger, one more index) "
              f"| {ms(w['with_chain_insert'])} ms | {ms(w['plain_insert'])} ms "
              f"| {w['with_chain_insert'] / w['plain_insert']:.2f}× |")
        print(f"| ↳ the commit | {ms(w['with_chain_commit'])} ms | {ms(w['plain_commit'])} ms "
              f"| {w['with_chain_commit'] / w['plain_commit']:.2f}× |")
        print(f"| ↳ the content hash (`row_hash`, in Python before the INSERT) | {w['row_hash'] * 1e6:.1f} µs | | |")
    if "seal" in out:
        s = out["seal"]
        print(f"| seal() of one 5-minute batch of {s['batch']} records, median of {s['rounds']} "
              f"| {ms(s['seal_median'])} ms | {ms(s['write_batch_median'])} ms (writing the batch) "
              f"| {s['seal_median'] / s['write_batch_median']:.3f}× |")
    if "verify" in out:
        v = out["verify"]
        print(f"| verify() of the whole log ({v['rows']:,} records, {v['checkpoints']} checkpoints) "
              f"| {v['verify_median']:.1f} s | {v['raw_median']:.1f} s (raw SELECT of the same columns in seq order) "
              f"| {v['verify_median'] / v['raw_median']:.1f}× |")
        print(f"| ↳ peak memory growth while verifying | {v['peak_rss_growth_mb']:.0f} MB | | |")
    if "migration" in out:
        m = out["migration"]
        print(f"| migration 0004 on {m['rows']:,} records (seq, recorded_at, hash, index, triggers) "
              f"| {m['upgrade']:.1f} s | {m['raw_read_ordered']:.1f} s (raw read of every row in (at, id) order) "
              f"| {m['upgrade'] / m['raw_read_ordered']:.1f}× |")
        print(f"| first seal() after the migration ({m['first_seal_checkpoints']} checkpoints) "
              f"| {m['first_seal']:.1f} s | | |")


if __name__ == "__main__":
    raise SystemExit(main())
