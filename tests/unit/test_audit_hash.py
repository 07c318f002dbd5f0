"""The audit row's canonical form (models/audit_chain.py): unambiguous, and the same for the values
the app writes and the values each driver returns (the verifier hashes the raw values)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from kvoucher_desktop.models.audit_chain import GENESIS, MISSING, RangeHash, canonical, range_hash, row_hash

texts = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12))
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(timezone.utc))
KST = timezone(timedelta(hours=9))


def content(id_, at, actor, *strings):
    return (id_, at, at, actor, *strings)


@settings(max_examples=300)
@given(st.tuples(*[texts] * 7), st.tuples(*[texts] * 7))
def test_different_content_never_gives_the_same_bytes(a, b):
    base = (uuid.UUID(int=1), datetime(2026, 3, 2, tzinfo=timezone.utc))
    left = canonical(base[0], base[1], base[1], None, *a)
    right = canonical(base[0], base[1], base[1], None, *b)
    assert (left == right) == (a == b)


@settings(max_examples=200)
@given(moments, st.uuids(), st.one_of(st.none(), st.uuids()), st.tuples(*[texts] * 7))
def test_typed_and_raw_values_hash_alike(moment, record_id, actor_id, strings):
    typed = row_hash(record_id, moment.astimezone(KST), moment, actor_id, *strings)
    sqlite_text = moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")  # what SQLAlchemy stores
    sqlite_raw = row_hash(record_id.hex, sqlite_text, sqlite_text, actor_id.hex if actor_id else None, *strings)
    postgres_raw = row_hash(record_id, moment.replace(tzinfo=None), moment.replace(tzinfo=None), actor_id, *strings)
    assert typed == sqlite_raw == postgres_raw


def test_null_and_empty_text_differ_and_every_column_counts():
    at = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)
    base = [uuid.UUID(int=7), at, at, None, "AGENCY", "전문기관", "screening.approve", "company", "x", None, "{}"]
    digests = {row_hash(*base)}
    for i, changed in enumerate([uuid.UUID(int=8), at + timedelta(microseconds=1), at + timedelta(seconds=1),
                                 uuid.UUID(int=9), "OPERATOR", "전문기관 ", "screening.reject", "deal", "y", "", None]):
        values = list(base)
        values[i] = changed
        digests.add(row_hash(*values))
    assert len(digests) == 12


def test_a_range_hash_chains_the_row_hashes_in_order():
    rows = [row_hash(uuid.UUID(int=n), datetime(2026, 3, 2, tzinfo=timezone.utc),
                     datetime(2026, 3, 2, tzinfo=timezone.utc), None, "SYSTEM", "시스템", "a", "b", str(n), None, None)
            for n in range(3)]
    first = range_hash(GENESIS, rows)
    assert first != range_hash(GENESIS, list(reversed(rows)))
    assert first != range_hash(GENESIS, rows[:2])
    assert range_hash(first, rows) != first
    running = RangeHash(GENESIS)
    running.add(None)
    assert running.count == 1 and running.hexdigest() == range_hash(GENESIS, [MISSING])


def test_an_anchor_is_kept_per_store_and_a_remade_store_forgets_its_own(tmp_path):
    from kvoucher_desktop.services.audit_chain import CheckpointView, forget_anchor, load_anchor, save_anchor, store_key

    path = tmp_path / "anchor.json"
    now = datetime(2026, 3, 2, tzinfo=timezone.utc)
    demo, shared = store_key(f"sqlite:///{tmp_path / 'demo.sqlite3'}"), \
        store_key("postgresql+psycopg://desk:secret@db:5432/kvoucher")
    assert "secret" not in shared and "desk" not in shared
    save_anchor(path, demo, CheckpointView(10, 10, "a" * 64, now), now)
    save_anchor(path, shared, CheckpointView(99, 50, "b" * 64, now), now)
    assert load_anchor(path, demo).upto_seq == 10 and load_anchor(path, shared).hash == "b" * 64
    forget_anchor(path, demo)  # --demo makes its store anew
    assert load_anchor(path, demo) is None and load_anchor(path, shared).upto_seq == 99
    path.write_text("{broken", encoding="utf-8")
    assert load_anchor(path, shared) is None  # unreadable: treated as none (and logged)
