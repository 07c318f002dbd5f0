"""Columns for list reads: the values the models' types give, converted in one step per value.

A list page reads hundreds of rows of ids, states and times; the generic conversions call two or
three Python functions per value (on SQLite: the UUID constructor's string handling, the Enum
type's lookup chain). `fast(column)` gives the same column with a lighter result conversion and
the same label, for `select(...)` statements whose rows go straight into DTOs.
"""

from __future__ import annotations

import functools
import uuid

from sqlalchemy import Enum, String, TypeDecorator, Uuid, type_coerce

_new, _set, _UNKNOWN = object.__new__, object.__setattr__, uuid.SafeUUID.unknown


def _uuid_of_hex(value):
    """uuid.UUID(hex) for the 32 hex digits SQLite keeps, without the constructor's parsing."""
    if value is None:
        return None
    u = _new(uuid.UUID)
    _set(u, "int", int(value, 16))
    _set(u, "is_safe", _UNKNOWN)
    return u


class _FastUuid(TypeDecorator):
    impl = Uuid
    cache_ok = True

    def result_processor(self, dialect, coltype):
        if dialect.name == "sqlite":
            return _uuid_of_hex
        return super().result_processor(dialect, coltype)  # PostgreSQL: the driver's own uuid


class _FastEnum(TypeDecorator):
    """A non-native Enum column (stored by member name) read with one dict lookup."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class):
        super().__init__()
        self.enum_class = enum_class

    def result_processor(self, dialect, coltype):
        return dict(self.enum_class.__members__).get


_FAST_UUID = _FastUuid()
_ENUMS: dict[type, _FastEnum] = {}


def fast(column):
    """`column` with a one-step result conversion (UUID and Enum columns), labelled as before."""
    t = column.type
    if isinstance(t, Uuid):
        return type_coerce(column, _FAST_UUID).label(column.key)
    if isinstance(t, Enum) and t.enum_class is not None and not t.native_enum:
        kind = _ENUMS.setdefault(t.enum_class, _FastEnum(t.enum_class))
        return type_coerce(column, kind).label(column.key)
    return column


def prepared(build):
    """Memoise a list statement's builder by the statement's shape (its hashable arguments); the
    values go in as bound parameters at execution. A statement object that is used again costs
    neither building nor a cache key (SQLAlchemy memoises both on the object), and its cached
    compilation's result columns fit it as they are (no adapting per execution)."""
    return functools.lru_cache(maxsize=256)(build)
