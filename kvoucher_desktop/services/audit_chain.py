"""Sealing and verifying the audit log (SPEC §3; the design is in docs/decisions.md, "Audit log").

* Every row carries `row_hash`, the hash of its own content, written in the row's INSERT;
  writers never read or lock each other's rows.
* `seal()` writes checkpoints: each covers the rows with seq in (previous upto_seq, upto_seq]
  and stores SHA-256(prev_hash ‖ their row hashes in seq order) with their count. Only rows
  recorded more than SEAL_MARGIN ago are sealed, so that a PostgreSQL transaction still in
  flight with a lower seq (sequence numbers are handed out before commit) is not sealed around.
* `verify()` streams the log in seq order and reports edited rows, rows that bypassed the app,
  duplicate seq, sealed ranges whose rows changed, a broken checkpoint chain, and (given an
  anchor kept outside the store) a checkpoint that is gone or differs.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import column, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from ..models import AuditCheckpoint, AuditRecord
from ..models.audit_chain import CONTENT_COLUMNS, GENESIS, RangeHash, row_hash, uuid_text

log = logging.getLogger(__name__)

#: rows younger than this (by recorded_at) are left for the next seal
SEAL_MARGIN = timedelta(minutes=5)
#: at most this many rows per checkpoint (the first seal of an old store writes several)
CHECKPOINT_MAX_ROWS = 100_000
#: rows fetched per round trip while sealing and verifying
STREAM_BATCH = 5_000
#: problems listed in a result (all of them are counted)
MAX_LISTED_PROBLEMS = 500
#: PostgreSQL advisory lock held while sealing ("kvau"): a second desk does nothing meanwhile
SEAL_LOCK_KEY = 0x6B766175
#: the anchor file in the data folder (newest verified checkpoint per store)
ANCHOR_FILE = "audit-anchor.json"


class ProblemKind(str, enum.Enum):
    EDITED = "EDITED"  # content no longer matches row_hash
    UNSTAMPED = "UNSTAMPED"  # no seq / recorded_at / row_hash: written past the app
    DUPLICATE_SEQ = "DUPLICATE_SEQ"
    RANGE_CHANGED = "RANGE_CHANGED"  # a sealed range's rows differ from when it was sealed
    CHAIN_BROKEN = "CHAIN_BROKEN"  # a checkpoint does not follow the one before it
    ANCHOR = "ANCHOR"  # the checkpoint kept outside the store is gone or differs


PROBLEM_LABELS = {
    ProblemKind.EDITED: "기록 변경",
    ProblemKind.UNSTAMPED: "앱을 거치지 않은 기록",
    ProblemKind.DUPLICATE_SEQ: "순번 중복",
    ProblemKind.RANGE_CHANGED: "봉인 범위 변경",
    ProblemKind.CHAIN_BROKEN: "봉인 체인 끊김",
    ProblemKind.ANCHOR: "외부 기준점 불일치",
}


@dataclass(frozen=True)
class AuditProblem:
    kind: ProblemKind
    message: str  # Korean, with the seq / id / range it is about
    seq: int | None = None
    record_id: str | None = None
    checkpoint_upto: int | None = None

    @property
    def label(self) -> str:
        return PROBLEM_LABELS[self.kind]


@dataclass(frozen=True)
class CheckpointView:
    upto_seq: int
    row_count: int
    hash: str
    created_at: datetime


@dataclass(frozen=True)
class Anchor:
    """A checkpoint remembered outside the store."""

    upto_seq: int
    hash: str


@dataclass(frozen=True)
class AuditVerification:
    rows_checked: int
    sealed_rows: int  # of rows_checked, inside a checkpoint's range
    checkpoints_checked: int
    problems: tuple[AuditProblem, ...]  # the first MAX_LISTED_PROBLEMS
    problem_count: int
    newest_checkpoint: CheckpointView | None
    anchor: Anchor | None  # the anchor that was compared, if any
    checked_at: datetime
    sealed_now: int = 0  # checkpoints written by the seal that ran first

    @property
    def intact(self) -> bool:
        return self.problem_count == 0

    @property
    def unsealed_rows(self) -> int:
        return self.rows_checked - self.sealed_rows


@dataclass
class _Problems:
    listed: list[AuditProblem] = field(default_factory=list)
    count: int = 0

    def add(self, kind: ProblemKind, message: str, **where) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append(AuditProblem(kind, message, **where))


def _id(value) -> str:
    try:
        return uuid_text(value) or ""
    except ValueError:
        return str(value)


def _n(value: int) -> str:
    return f"{value:,}"


# --- sealing -----------------------------------------------------------------------------------
def seal(uow_factory, now: datetime, *, margin: timedelta = SEAL_MARGIN,
         max_rows: int | None = None) -> tuple[CheckpointView, ...]:
    """Seal the rows after the last checkpoint that were recorded before `now - margin`.

    Returns the checkpoints written; () when there was nothing to seal or another desk was
    sealing at the same moment (PostgreSQL: its advisory lock; both stores: the unique
    `prev_hash` lets one successor per checkpoint exist)."""
    max_rows = max_rows or CHECKPOINT_MAX_ROWS
    with uow_factory() as uow:
        session = uow.session
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres and not session.scalar(select(func.pg_try_advisory_xact_lock(SEAL_LOCK_KEY))):
            return ()
        last = session.execute(select(AuditCheckpoint.upto_seq, AuditCheckpoint.hash)
                               .order_by(AuditCheckpoint.upto_seq.desc()).limit(1)).first()
        last_upto, prev = (last.upto_seq, last.hash) if last is not None else (0, GENESIS)
        R = AuditRecord
        upto = session.scalar(select(func.max(R.seq)).where(R.seq > last_upto, R.recorded_at <= now - margin))
        if upto is None:
            return ()
        made: list[AuditCheckpoint] = []
        running = RangeHash(prev)
        seq = last_upto
        rows = session.connection().execute(  # Core: half the time of an ORM result for a big first seal
            select(R.seq, R.row_hash).where(R.seq > last_upto, R.seq <= upto).order_by(R.seq)
            .execution_options(yield_per=STREAM_BATCH))
        for seq, stored in rows:
            running.add(stored)
            if running.count >= max_rows:
                made.append(_checkpoint(seq, running, prev, now))
                prev = made[-1].hash
                running = RangeHash(prev)
        if running.count:
            made.append(_checkpoint(seq, running, prev, now))
        session.add_all(made)
        try:
            uow.commit()
        except IntegrityError:  # another desk sealed the same range first: it stands
            log.info("audit seal: another desk sealed first")
            return ()
        except OperationalError as exc:  # SQLite: the other desk still held the write lock at the timeout
            if postgres:
                raise
            log.info("audit seal skipped: %s", exc.orig)
            return ()
        return tuple(CheckpointView(c.upto_seq, c.row_count, c.hash, c.created_at) for c in made)


def _checkpoint(upto: int, running: RangeHash, prev: str, now: datetime) -> AuditCheckpoint:
    return AuditCheckpoint(upto_seq=upto, row_count=running.count, prev_hash=prev, hash=running.hexdigest(),
                           created_at=now)


# --- verifying ---------------------------------------------------------------------------------
def verify(uow_factory, now: datetime, *, anchor: Anchor | None = None, sealed_now: int = 0) -> AuditVerification:
    """Check every row and checkpoint; streams the log in seq order (flat memory)."""
    problems = _Problems()
    R, C = AuditRecord, AuditCheckpoint
    with uow_factory() as uow:
        session = uow.session
        checkpoints = session.execute(select(C.upto_seq, C.row_count, C.prev_hash, C.hash, C.created_at)
                                      .order_by(C.upto_seq)).all()
        linked = _check_chain(checkpoints, problems)
        if anchor is not None:
            _check_anchor(checkpoints, anchor, problems)

        rows_checked = sealed = 0
        index = 0
        running = RangeHash(checkpoints[0].prev_hash) if checkpoints else None
        last_seq = None
        # the driver's own values (no type processing: SQLite's stored text is hashed as it is, see
        # models/audit_chain.canonical), so the stream costs little more than reading the rows
        raw = [column(name) for name in ("seq", "row_hash", *CONTENT_COLUMNS)]
        stream = session.connection().execute(
            select(*raw).select_from(R.__table__).where(raw[0].is_not(None)).order_by(raw[0])
            .execution_options(yield_per=STREAM_BATCH))
        for row in stream:
            seq, stored = row[0], row[1]
            while running is not None and seq > checkpoints[index].upto_seq:
                _check_range(checkpoints, index, running, linked[index], problems)
                index += 1
                running = RangeHash(checkpoints[index].prev_hash) if index < len(checkpoints) else None
            if running is not None:
                running.add(stored)
                sealed += 1
            rows_checked += 1
            if seq == last_seq:
                problems.add(ProblemKind.DUPLICATE_SEQ,
                             f"같은 순번({_n(seq)})의 기록이 둘 이상입니다 (ID {_id(row[2])}).", seq=seq, record_id=_id(row[2]))
            last_seq = seq
            if stored is None or row[4] is None:
                problems.add(ProblemKind.UNSTAMPED,
                             f"순번 {_n(seq)}의 기록(ID {_id(row[2])})에 해시나 기록 시각이 없습니다 — "
                             f"앱을 거치지 않고 데이터베이스에 직접 추가된 기록입니다.", seq=seq, record_id=_id(row[2]))
            elif _content_hash(row[2:]) != stored:
                problems.add(ProblemKind.EDITED,
                             f"순번 {_n(seq)}의 기록(ID {_id(row[2])}) 내용이 해시와 맞지 않습니다 — "
                             f"기록된 뒤 내용이 바뀌었습니다.", seq=seq, record_id=_id(row[2]))
        while running is not None:  # checkpoints past the last row: their rows are gone
            _check_range(checkpoints, index, running, linked[index], problems)
            index += 1
            running = RangeHash(checkpoints[index].prev_hash) if index < len(checkpoints) else None

        without_seq = session.connection().execute(
            select(raw[2]).select_from(R.__table__).where(raw[0].is_(None)).order_by(column("at"), raw[2])
            .execution_options(yield_per=STREAM_BATCH))
        for (record_id,) in without_seq:
            rows_checked += 1
            problems.add(ProblemKind.UNSTAMPED,
                         f"순번이 없는 기록(ID {_id(record_id)})이 있습니다 — 앱을 거치지 않고 데이터베이스에 직접 "
                         f"추가된 기록입니다.", record_id=_id(record_id))
    newest = checkpoints[-1] if checkpoints else None
    return AuditVerification(
        rows_checked=rows_checked, sealed_rows=sealed, checkpoints_checked=len(checkpoints),
        problems=tuple(problems.listed), problem_count=problems.count,
        newest_checkpoint=CheckpointView(newest.upto_seq, newest.row_count, newest.hash, newest.created_at)
        if newest is not None else None,
        anchor=anchor, checked_at=now, sealed_now=sealed_now)


def _content_hash(values) -> str | None:
    """The hash of a row's content as read; None when a value is not even of its column's form
    (a time or an id that someone wrote by hand), which then counts as changed."""
    try:
        return row_hash(*values)
    except (ValueError, TypeError, AttributeError):
        return None


def _range_text(checkpoints, index: int) -> str:
    lower = checkpoints[index - 1].upto_seq + 1 if index else 1
    return f"순번 {_n(lower)}~{_n(checkpoints[index].upto_seq)}"


def _check_chain(checkpoints, problems: _Problems) -> list[bool]:
    """Whether each checkpoint follows the one before it (the first follows GENESIS)."""
    linked = []
    prev = GENESIS
    for i, cp in enumerate(checkpoints):
        ok = cp.prev_hash == prev
        linked.append(ok)
        if not ok:
            before = f"순번 {_n(checkpoints[i - 1].upto_seq)}까지의 봉인" if i else "첫 봉인"
            problems.add(ProblemKind.CHAIN_BROKEN,
                         f"순번 {_n(cp.upto_seq)}까지의 봉인이 앞의 봉인({before})과 이어지지 않습니다 — "
                         f"그 사이의 봉인이 삭제되었거나 봉인이 바뀌었습니다.", checkpoint_upto=cp.upto_seq)
        prev = cp.hash
    return linked


def _check_range(checkpoints, index: int, running: RangeHash, linked: bool, problems: _Problems) -> None:
    cp = checkpoints[index]
    if not linked:  # reported as a chain break; its lower bound is not known
        return
    if running.count != cp.row_count:
        problems.add(ProblemKind.RANGE_CHANGED,
                     f"봉인된 {_range_text(checkpoints, index)}의 기록이 {_n(running.count)}건으로, 봉인할 때의 "
                     f"{_n(cp.row_count)}건과 다릅니다 — 기록이 추가되었거나 삭제되었습니다.",
                     checkpoint_upto=cp.upto_seq)
    elif running.hexdigest() != cp.hash:
        problems.add(ProblemKind.RANGE_CHANGED,
                     f"봉인된 {_range_text(checkpoints, index)}의 기록이 봉인할 때와 다릅니다(해시 불일치) — "
                     f"기록이 바뀌었거나 다른 기록으로 바꿔치기되었거나 봉인이 수정되었습니다.",
                     checkpoint_upto=cp.upto_seq)


def _check_anchor(checkpoints, anchor: Anchor, problems: _Problems) -> None:
    match = next((cp for cp in checkpoints if cp.upto_seq == anchor.upto_seq), None)
    if match is None:
        problems.add(ProblemKind.ANCHOR,
                     f"지난 검증 때 외부에 기록해 둔 봉인(순번 {_n(anchor.upto_seq)}까지)이 저장소에 없습니다 — "
                     f"봉인이 삭제되었거나 감사 로그가 통째로 다시 쓰였습니다.", checkpoint_upto=anchor.upto_seq)
    elif match.hash != anchor.hash:
        problems.add(ProblemKind.ANCHOR,
                     f"순번 {_n(anchor.upto_seq)}까지의 봉인이 지난 검증 때 외부에 기록해 둔 것과 다릅니다 — "
                     f"감사 로그가 다시 쓰였습니다.", checkpoint_upto=anchor.upto_seq)


# --- the anchor outside the store ---------------------------------------------------------------
def store_key(url: URL | str) -> str:
    """Which store an anchor belongs to: the SQLite file, or PostgreSQL's host/port/database
    (never the user name or password)."""
    u = make_url(url) if isinstance(url, str) else url
    if u.get_backend_name() == "sqlite":
        return f"sqlite:{Path(u.database or '').resolve()}"
    return f"postgresql://{u.host or 'localhost'}:{u.port or 5432}/{u.database}"


def load_anchor(path: Path, key: str) -> Anchor | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entry = data["stores"][key]
        return Anchor(int(entry["upto_seq"]), str(entry["hash"]))
    except FileNotFoundError:
        return None
    except (KeyError, TypeError, ValueError, OSError) as exc:
        if not isinstance(exc, KeyError):
            log.warning("audit anchor file %s unreadable: %s", path, exc)
        return None


def save_anchor(path: Path, key: str, checkpoint: CheckpointView, verified_at: datetime) -> None:
    """Remember `checkpoint` for `key` (owner-only file, replaced atomically)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("stores"), dict):
            raise ValueError
    except (FileNotFoundError, ValueError, AttributeError, OSError):
        data = {"stores": {}}
    data["stores"][key] = {"upto_seq": checkpoint.upto_seq, "hash": checkpoint.hash,
                           "verified_at": verified_at.isoformat()}
    _write(path, data)


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".audit-anchor-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def forget_anchor(path: Path, key: str) -> None:
    """A store made anew under the same name (the demo) starts without an anchor."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        stores = data["stores"]
        if key not in stores:
            return
        del stores[key]
    except (FileNotFoundError, KeyError, TypeError, ValueError, OSError):
        return
    _write(path, data)


def default_anchor_path() -> Path:
    from ..settings import data_dir

    return data_dir() / ANCHOR_FILE


# --- text for the command line -----------------------------------------------------------------
def report_lines(result: AuditVerification, store: str = "") -> list[str]:
    """The result in Korean, as `kvoucher-desktop --verify-audit` prints it."""
    lines = [f"감사 로그 검증{f' — {store}' if store else ''}"]
    lines.append(f"검사한 기록: {_n(result.rows_checked)}건 (봉인된 기록 {_n(result.sealed_rows)}건, "
                 f"아직 봉인되지 않은 최근 기록 {_n(result.unsealed_rows)}건)")
    newest = result.newest_checkpoint
    lines.append(f"검사한 봉인: {_n(result.checkpoints_checked)}개"
                 + (f" (마지막 봉인: 순번 {_n(newest.upto_seq)}까지)" if newest is not None else ""))
    if result.anchor is not None:
        lines.append(f"외부 기준점: 순번 {_n(result.anchor.upto_seq)}까지의 봉인과 비교했습니다.")
    if result.intact:
        lines.append("결과: 이상 없음 — 수정·삭제·추가된 기록을 찾지 못했습니다.")
    else:
        lines.append(f"결과: 문제 {_n(result.problem_count)}건을 찾았습니다.")
        for p in result.problems:
            lines.append(f"  - [{p.label}] {p.message}")
        hidden = result.problem_count - len(result.problems)
        if hidden > 0:
            lines.append(f"  … 그 밖에 {_n(hidden)}건")
    return lines
