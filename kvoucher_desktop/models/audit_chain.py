"""The audit log's canonical row form and its hashes.

One definition for everything that writes or checks a hash: `UnitOfWork.audit`, migration
0004 (existing rows), the sealing and the verifier in `services/audit_chain.py`, and the
benchmark generator. Changing anything here invalidates every stored hash: a new form gets a
new FORMAT tag and the verifier must keep accepting the old one.

* `row_hash` is the SHA-256 of one row's content only (not of its neighbours, not of `seq`),
  so concurrent writers never wait for each other.
* A checkpoint's `hash` is SHA-256(prev_hash ‖ row_hash of every row of its range in seq
  order), hex strings concatenated (each exactly 64 characters, so the join is unambiguous).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime, timezone

FORMAT = "kvoucher-audit-v1"
#: prev_hash of the first checkpoint
GENESIS = "0" * 64
#: what a row without a stored hash contributes to a checkpoint's hash (it is reported anyway)
MISSING = "-" * 64

#: the hashed columns, in the order `row_hash` takes them
CONTENT_COLUMNS = ("id", "at", "recorded_at", "actor_id", "actor_role", "actor_name", "action",
                   "entity_type", "entity_id", "before", "after", "client_address")

_UTC = timezone.utc
_HEX32 = re.compile("[0-9a-f]{32}").fullmatch


def _time(value) -> str | None:
    """ISO 8601 UTC with microseconds. Takes an aware datetime (the app), a naive one (UTC, as
    PostgreSQL returns the column) or SQLite's stored text ("YYYY-MM-DD HH:MM:SS.ffffff")."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return f"{value[:10]}T{value[11:]}+00:00"  # the text SQLAlchemy writes: no parsing needed
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.isoformat(timespec="microseconds") + "+00:00"
    return value.astimezone(_UTC).isoformat(timespec="microseconds")


def uuid_text(value) -> str | None:
    """Hyphenated lower case. Takes a UUID or stored text (SQLite keeps 32 hex digits)."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    text = str(value).lower()
    if _HEX32(text):
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return str(uuid.UUID(text))


def _field(value: str | None) -> str:
    return "~," if value is None else f"{len(value)}:{value},"


def canonical(id, at, recorded_at, actor_id, actor_role, actor_name, action, entity_type, entity_id,
              before, after, client_address=None) -> bytes:
    """The bytes a row's hash is taken of: the FORMAT tag, then every content column as
    `<length in characters>:<text>,` (NULL as `~,`, so it differs from an empty string; the
    length makes the join unambiguous whatever the text holds), UTF-8. UUIDs hyphenated lower
    case, times ISO 8601 UTC with microseconds. Values may be typed (as the app writes them) or
    raw (as the driver returns them): both give the same bytes. A record written through the
    programme server has a twelfth field, the client address; a record without one has exactly
    the bytes it had before the column existed, so no stored hash changes (the field count tells
    the two forms apart)."""
    return (FORMAT + ";" + _field(uuid_text(id)) + _field(_time(at)) + _field(_time(recorded_at))
            + _field(uuid_text(actor_id)) + _field(actor_role) + _field(actor_name) + _field(action)
            + _field(entity_type) + _field(entity_id) + _field(before) + _field(after)
            + ("" if client_address is None else _field(client_address))
            ).encode("utf-8", "surrogatepass")


def row_hash(id, at, recorded_at, actor_id, actor_role, actor_name, action, entity_type, entity_id,
             before, after, client_address=None) -> str:
    """SHA-256 (hex) of `canonical(...)`; arguments in CONTENT_COLUMNS order."""
    return hashlib.sha256(canonical(id, at, recorded_at, actor_id, actor_role, actor_name, action,
                                    entity_type, entity_id, before, after, client_address)).hexdigest()


class RangeHash:
    """The running hash of one checkpoint's range: feed row hashes in seq order."""

    __slots__ = ("_h", "count")

    def __init__(self, prev_hash: str):
        self._h = hashlib.sha256(prev_hash.encode("ascii"))
        self.count = 0

    def add(self, stored_row_hash: str | None) -> None:
        value = stored_row_hash if stored_row_hash and len(stored_row_hash) == 64 else MISSING
        self._h.update(value.encode("ascii", "replace"))
        self.count += 1

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def range_hash(prev_hash: str, row_hashes) -> str:
    h = RangeHash(prev_hash)
    for value in row_hashes:
        h.add(value)
    return h.hexdigest()
