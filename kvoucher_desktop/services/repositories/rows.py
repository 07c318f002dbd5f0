"""Columns for list reads: the values the models' types give, converted in one step per value.

A list page reads hundreds of rows of ids, states and times; the generic conversions call two or
three Python functions per value (on SQLite: the UUID constructor's string handling, the Enum
type's lookup chain). `fast(column)` gives the same column with a lighter result conversion and
the same label, for `select(...)` statements whose rows go straight into DTOs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import uuid
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, String, TypeDecorator, Uuid, type_coerce
from sqlalchemy.engine.processors import int_to_boolean as _int_to_boolean
from sqlalchemy.exc import DBAPIError, InvalidRequestError, MultipleResultsFound
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from ...models.base import UTCDateTime

_new, _set, _UNKNOWN = object.__new__, object.__setattr__, uuid.SafeUUID.unknown


#: UUIDs already made from SQLite's text, by that text (a UUID is immutable: one object serves every
#: read of the id); emptied when it reaches `_UUIDS_KEPT` entries, so it stays a few MB at most
_UUIDS: dict[str, uuid.UUID] = {}
_UUIDS_KEPT = 1 << 16


def _uuid_of_hex(value):
    """uuid.UUID(hex) for the 32 hex digits SQLite keeps, without the constructor's parsing (and
    made once per id: a page read again finds its ids in `_UUIDS`)."""
    if value is None:
        return None
    u = _UUIDS.get(value)
    if u is None:
        if len(_UUIDS) >= _UUIDS_KEPT:
            _UUIDS.clear()
        u = _new(uuid.UUID)
        _set(u, "int", int(value, 16))
        _set(u, "is_safe", _UNKNOWN)
        _UUIDS[value] = u
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


_parse, _UTC = datetime.fromisoformat, timezone.utc


def _utc_of_text(value):
    """UTCDateTime's SQLite reading: the stored text parsed once into an aware UTC datetime.

    The stored text is naive UTC ('YYYY-MM-DD HH:MM:SS[.ffffff]', 19 or 26 characters, no
    offset): parsed with '+00:00' appended it is aware at once — a tenth of the cost of
    `.replace(tzinfo=…)`, whose keyword call dominates a list's reading."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) in (19, 26):
            return _parse(value + "+00:00")
        return _parse(value).replace(tzinfo=_UTC)
    return value.replace(tzinfo=_UTC) if value.tzinfo is None else value.astimezone(_UTC)


def _utc_of_datetime(value):
    """UTCDateTime's reading on a store with a datetime type: PostgreSQL's naive UTC timestamp, or
    the timestamptz `fast()` selects, in UTC already on the store's connections (services/store.py)."""
    if value is None or value.tzinfo is _UTC:
        return value
    return value.replace(tzinfo=_UTC) if value.tzinfo is None else value.astimezone(_UTC)


class _Written(ColumnElement):
    """A column written differently per dialect: the column itself, unless a subclass has its own
    `@compiles` for the dialect; of the column's type."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column):
        self.column, self.type = column, column.type

    @property
    def _from_objects(self):
        return self.column._from_objects


class _AsUtc(_Written):
    """A UTCDateTime column as selected: on PostgreSQL `col AT TIME ZONE 'UTC'` (the naive UTC
    timestamp as a timestamptz), which psycopg's C loader hands over as an aware UTC datetime on
    the store's UTC connections (services/store.py) — cheaper than `.replace(tzinfo=…)` per value
    in Python; elsewhere the column itself."""

    inherit_cache = True


@compiles(_Written)
def _written_default(element, compiler, **kw):
    return compiler.process(element.column, **kw)


@compiles(_AsUtc, "postgresql")
def _as_utc_postgresql(element, compiler, **kw):
    return f"({compiler.process(element.column, **kw)} AT TIME ZONE 'UTC')"


class _FastUtc(TypeDecorator):
    """A UTCDateTime column read by a processor `read_into` can inline."""

    impl = DateTime
    cache_ok = True

    def column_expression(self, colexpr):
        return _AsUtc(colexpr)

    def result_processor(self, dialect, coltype):
        return _utc_of_text if dialect.name == "sqlite" else _utc_of_datetime


_FAST_UUID = _FastUuid()
_FAST_UTC = _FastUtc()
_ENUMS: dict[type, _FastEnum] = {}


def fast(column):
    """`column` with a one-step result conversion (UUID and Enum columns), labelled as before."""
    t = column.type
    if isinstance(t, Uuid):
        return type_coerce(column, _FAST_UUID).label(column.key)
    if isinstance(t, UTCDateTime):
        return type_coerce(column, _FAST_UTC).label(column.key)
    if isinstance(t, Enum) and t.enum_class is not None and not t.native_enum:
        kind = _ENUMS.setdefault(t.enum_class, _FastEnum(t.enum_class))
        return type_coerce(column, kind).label(column.key)
    return column


class _NoIndexOnSqlite(_Written):
    """See `no_index_on_sqlite`."""

    inherit_cache = True


@compiles(_NoIndexOnSqlite, "sqlite")
def _no_index_sqlite(element, compiler, **kw):
    return f"({compiler.process(element.column, **kw)} + 0)"


def no_index_on_sqlite(column):
    """`column + 0` on SQLite, the column itself on PostgreSQL: a filter that SQLite must not use an
    index for. SQLite plans without statistics (the app never runs ANALYZE) and takes an equality on
    an index's first column as selective, so it would drive a page by that index and sort the rest.
    PostgreSQL has statistics; for it `+ 0` only hides them: it then guesses 0.5 % of the rows for
    the expression and joins and sorts every match (85 ms instead of 2.5 ms for a dashboard page
    of 80,000 approved companies, docs/decisions.md)."""
    return _NoIndexOnSqlite(column)


def prepared(build):
    """Memoise a list statement's builder by the statement's shape (its hashable arguments); the
    values go in as bound parameters at execution. A statement object that is used again costs
    neither building nor a cache key (SQLAlchemy memoises both on the object), and its cached
    compilation's result columns fit it as they are (no adapting per execution)."""
    return functools.lru_cache(maxsize=256)(build)


#: execution option of a statement planned with its values at every run (`report`)
PLAN_EACH_RUN = "kv_plan_each_run"


def report(build):
    """`prepared`, for a report's statement (an aggregate over a period or a year): `read_into` never
    lets PostgreSQL prepare it. A prepared statement is planned without its values after a few runs
    (the generic plan); for a period's aggregate that plan took 460 ms where the plan for the values
    took 130–200 ms (statistics per KST day over the year, 100,000 companies). Planning costs a
    report well under a millisecond; a list read keeps its prepared plan."""

    @functools.wraps(build)
    def built(*args):
        return build(*args).execution_options(**{PLAN_EACH_RUN: True})

    return prepared(built)


#: processors whose work `read_into` writes into its loop (no call per value); `{c}` is the
#: column's value, `{v}` the converted one
_INLINE = {
    _uuid_of_hex: ("{v} = _uuids_get({c})",
                   "if {v} is None and {c} is not None:",
                   "    {v} = _new(_UUID); _set_int({v}, _int({c}, 16)); _set_safe({v}, _UNKNOWN)",
                   "    _uuids[{c}] = {v}"),
    _utc_of_text: ("{v} = None if {c} is None else _parse({c} + '+00:00') "
                   "if {c}.__class__ is str and (len({c}) == 26 or len({c}) == 19) else _utc_of_text({c})",),
    _int_to_boolean: ("{v} = None if {c} is None else {c} != 0",),  # SQLite's booleans (0/1)
    _utc_of_datetime: ("{v} = {c} if {c} is None or {c}.tzinfo is _UTC else {c}.astimezone(_UTC) "
                       "if {c}.tzinfo is not None else {c}.replace(tzinfo=_UTC)",),
}


@functools.lru_cache(maxsize=64)
def _reader(cls: type, processors: tuple):
    """A loop turning DBAPI rows into `cls` objects (or tuples), each column's conversion written in."""
    named = cls is not tuple and issubclass(cls, tuple)  # a NamedTuple
    names = (tuple(f"_{i}" for i in range(len(processors))) if cls is tuple else cls._fields if named else
             tuple(f.name for f in dataclasses.fields(cls)))
    if len(names) != len(processors):
        raise TypeError(f"{cls.__name__} has {len(names)} fields, the rows {len(processors)} columns")
    env = {"_new": object.__new__, "_cls": cls, "_UUID": uuid.UUID, "_int": int,
           # UUID's slots set directly (UUID forbids setattr; these are what object.__setattr__ reaches)
           "_set_int": vars(uuid.UUID)["int"].__set__, "_set_safe": vars(uuid.UUID)["is_safe"].__set__,
           "_UNKNOWN": _UNKNOWN, "_parse": _parse, "_UTC": _UTC, "_utc_of_text": _utc_of_text,
           "_uuids": _UUIDS, "_uuids_get": _UUIDS.get, "_UUIDS_KEPT": _UUIDS_KEPT}
    if named:
        env["_tuple_new"] = tuple.__new__
    elif cls is not tuple:  # the instance's __dict__ set in one call (frozen: no setattr)
        env["_set_dict"] = next(vars(k)["__dict__"] for k in cls.__mro__ if "__dict__" in vars(k)).__set__
    columns = [f"c{i}" for i in range(len(names))]
    body, values = [], []
    for i, proc in enumerate(processors):
        if proc is None:
            values.append(f"c{i}")
        elif proc in _INLINE:
            body += [line.format(c=f"c{i}", v=f"v{i}") for line in _INLINE[proc]]
            values.append(f"v{i}")
        else:  # any other conversion (an enum's lookup, a boolean): called as SQLAlchemy would
            env[f"p{i}"] = proc
            values.append(f"p{i}(c{i})")
    fields = ", ".join(f"{name!r}: {value}" for name, value in zip(names, values))
    make = ([f"        append(({', '.join(values)},))"] if cls is tuple else
            [f"        append(_tuple_new(_cls, ({', '.join(values)},)))"] if named else
            ["        o = _new(_cls)", f"        _set_dict(o, {{{fields}}})", "        append(o)"])
    source = "\n".join([
        "def read(rows):",
        "    if len(_uuids) + len(rows) > _UUIDS_KEPT: _uuids.clear()",
        "    out = []",
        "    append = out.append",
        f"    for {', '.join(columns)}, in rows:",
        *(f"        {line}" for line in body),
        *make,
        "    return tuple(out)",
    ])
    exec(compile(source, f"<rows into {cls.__name__}>", "exec"), env)
    return env["read"]


class _Direct:
    """A prepared statement as the driver takes it, for one dialect: its SQL text, and per bound
    slot the name, the value the statement carries (an IN list's constants, a LIMIT) and the
    type's conversion; the result columns' conversions are taken at the first execution (they
    may depend on the driver's column types)."""

    __slots__ = ("sql", "slots", "required", "positional", "result_types", "readers", "execute_options")

    def __init__(self, statement, compiled, expanded):
        dialect = compiled.dialect
        self.sql = expanded.statement
        processors = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                      for bind, name in compiled.bind_names.items()}
        processors.update(expanded.processors)  # an IN list's elements, by their expanded names
        names = expanded.positiontup if compiled.positional else tuple(expanded.parameters)
        self.slots = tuple((name, expanded.parameters.get(name), processors.get(name)) for name in names)
        # a bind made without a value must be given one by every call, as SQLAlchemy's execution demands
        self.required = frozenset(name for bind, name in compiled.bind_names.items() if bind.required)
        self.positional = compiled.positional
        self.result_types = tuple(c.type.dialect_impl(dialect) for c in statement.selected_columns)
        self.readers: dict = {}
        #: psycopg's `prepare=False` for a report's statement (`report`); nothing for other drivers
        plan_each_run = statement.get_execution_options().get(PLAN_EACH_RUN, False)
        self.execute_options = {"prepare": False} if plan_each_run and dialect.name == "postgresql" else {}

    def values(self, params: dict):
        """The call's values in the driver's form, each through its type's conversion (None too, as
        SQLAlchemy's execution passes it)."""
        out = []
        for name, fixed, proc in self.slots:
            if name in params:
                value = params[name]
            elif name in self.required:
                raise InvalidRequestError(f"A value is required for bind parameter {name!r}")
            else:
                value = fixed
            out.append(value if proc is None else proc(value))
        if self.positional:
            return out
        return {slot[0]: value for slot, value in zip(self.slots, out)}

    def reader(self, cls: type, dialect, description):
        read = self.readers.get(cls)
        if read is None:
            processors = tuple(t.result_processor(dialect, d[1]) for t, d in zip(self.result_types, description))
            read = self.readers[cls] = _reader(cls, processors)
        return read


#: (statement, its driver's form or None) by (id(statement), dialect name): the statement kept
#: so that its id is not reused while the entry stands
_DIRECT: dict[tuple[int, str], tuple] = {}
#: callables told (sql, parameters) of every statement sent this way (benchmarks, plan tests);
#: the engine's cursor events do not see them
STATEMENT_OBSERVERS: list = []


@contextlib.contextmanager
def observing(observe):
    """Tell `observe(sql, parameters)` of every statement sent through `read_into` meanwhile."""
    STATEMENT_OBSERVERS.append(observe)
    try:
        yield
    finally:
        STATEMENT_OBSERVERS.remove(observe)


def _direct(statement, dialect, params: dict) -> _Direct | None:
    """The driver's form of `statement`, made once; None when a value the call binds would change
    the SQL text (an IN list bound at run time: such a statement goes through SQLAlchemy)."""
    key = (id(statement), dialect.name)
    kept = _DIRECT.get(key)
    if kept is not None and kept[0] is statement:
        return kept[1]
    compiled = statement.compile(dialect=dialect)
    dummy = {bind.key: None for bind in compiled.bind_names if bind.value is None and not bind.expanding}
    expanded = compiled.construct_expanded_state(dict(dummy, **params))
    direct = None
    # only reads go past the engine's cursor events: a statement that writes (also in a WITH) goes
    # through SQLAlchemy, where store._end_reads_by_commit sees it
    reads = getattr(statement, "is_select", False) and not any(
        getattr(cte.element, "is_dml", False) for cte in getattr(compiled, "ctes", None) or ())
    if reads and not (any(name in params for name in expanded.parameter_expansion) or compiled.literal_execute_params):
        direct = _Direct(statement, compiled, expanded)
    if len(_DIRECT) >= 1024:
        _DIRECT.clear()
    _DIRECT[key] = (statement, direct)
    return direct


def _execute(conn, direct: _Direct, params: dict, describe: bool = True):
    """Run `direct` on the DBAPI connection under `conn`: (the cursor's description if `describe`,
    else None; the rows). A driver error is raised as SQLAlchemy raises it (a DBAPIError,
    `connection_invalidated` on a disconnect, the connection invalidated). psycopg builds the
    description's column objects anew at each reading (≈20 µs for a dozen columns), so it is read
    only while the statement's reader is still to be made."""
    dialect = conn.dialect
    values = direct.values(params)
    for observe in STATEMENT_OBSERVERS:
        observe(direct.sql, values)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(direct.sql, values, **direct.execute_options)
        return (cursor.description if describe else None), cursor.fetchall()
    except dialect.loaded_dbapi.Error as exc:
        disconnect = dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor)
        if disconnect:
            conn.invalidate(exc)
        raise DBAPIError.instance(direct.sql, values, exc, dialect.loaded_dbapi.Error, hide_parameters=True,
                                  connection_invalidated=disconnect, dialect=dialect) from exc
    finally:
        cursor.close()


def read_into(cls: type, conn, statement, params: dict | None = None) -> tuple:
    """All rows of a select as frozen dataclasses of `cls` (its fields are the columns, in order),
    or as tuples (`cls` tuple) or named tuples (a `typing.NamedTuple`): the statement goes to the
    driver as it was compiled the first time (no compilation, cache key or result object per
    call), and the driver's rows through one generated loop that converts each value as the
    column's type would (the common conversions written in) and fills each object — no Row
    objects, no call per field. Equal to `rows_into(cls, conn.execute(statement, params).all())`.

    For statements made once (`prepared` builders, module constants): each new statement object
    is compiled here again."""
    params = params or {}
    direct = _direct(statement, conn.dialect, params)
    if direct is None:
        result = conn.execute(statement, params)
        processors = result._metadata._processors  # what SQLAlchemy would apply, per column
        processors = tuple(processors) if processors else (None,) * len(result.keys())
        try:
            raw = result.cursor.fetchall()
        finally:
            result.close()
        return _reader(cls, processors)(raw)
    read = direct.readers.get(cls)
    if read is not None:
        return read(_execute(conn, direct, params, describe=False)[1])
    description, raw = _execute(conn, direct, params)
    return direct.reader(cls, conn.dialect, description)(raw)


def read_tuples(conn, statement, params: dict | None = None) -> tuple:
    """All rows of a select as plain tuples of converted values (as `read_into` converts them), for
    DTOs with computed fields that index the columns by position."""
    return read_into(tuple, conn, statement, params)


def read_one(conn, statement, params: dict | None = None):
    """The only row of a select as a tuple of converted values, or None when there is none."""
    rows = read_into(tuple, conn, statement, params)
    if len(rows) > 1:
        raise MultipleResultsFound("Multiple rows were found when one or none was required")
    return rows[0] if rows else None
