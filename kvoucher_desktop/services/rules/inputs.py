"""Checks of what a service is handed (SPEC §8), before any database access.

The same value is accepted or refused on SQLite and PostgreSQL because nothing here asks the
store: a text is refused for its type, its characters or its length (the table in `limits.py`),
a number for its type or its range, an id for not being a UUID. Every refusal is a
`ValidationError` with a Korean message naming the field.

Characters (docs/decisions.md "Input limits"):
- refused everywhere: NUL and every other control character (Unicode category Cc), lone
  surrogates (Cs: they cannot be encoded), format characters (Cf: bidi overrides, zero-width
  spaces, BOM, soft hyphen …), and in one-line fields line and paragraph separators (Zl, Zp);
- allowed in multi-line fields only: newline, tab, and the zero-width joiner/non-joiner
  (U+200D, U+200C: emoji sequences and some scripts need them). CR LF and a lone CR become LF;
  U+2028/U+2029 become LF.
- leading and trailing white space is removed first; the length is counted after that, in code
  points (what PostgreSQL's varchar(n) counts).
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, TypeVar

from ..errors import ValidationError
from .korean import josa
from .limits import (
    DATE_MAX,
    DATE_MIN,
    INT32_MAX,
    MAX_AMOUNT,
    NUMBER_LIMITS,
    PASSWORD_LIMIT,
    TEXT_LIMITS,
    YEAR_MAX,
    YEAR_MIN,
    TextLimit,
)

E = TypeVar("E", bound=Enum)

#: allowed in multi-line fields although their category is refused
_MULTILINE_ALLOWED = frozenset("\n\t\u200c\u200d")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_LINE_SEPARATORS = frozenset("\u2028\u2029")


def _plain(value: Any, field: str, label: str) -> str:
    """`value` as a plain str, or a ValidationError (bytes, numbers, … are refused)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} 값의 형식이 올바르지 않습니다. 글자로 입력해 주세요.", field=field,
                              code="wrong_type")
    return str.__str__(value)  # a str subclass (an enum member …) becomes a plain str


def bad_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character `text` may not contain, or None."""
    if text.isprintable():  # the usual case, at C speed: no Cc, Cf, Cs, Zl, Zp (nor Zs but ' ')
        return None
    for ch in text:
        if multiline and ch in _MULTILINE_ALLOWED:
            continue
        if ch in _LINE_SEPARATORS and not multiline:
            return ch
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return ch
    return None


def _newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n")


def check_text(value: Any, spec: TextLimit, field: str, *, required: bool = True, strip: bool = True) -> str:
    """The cleaned text of one field per `spec`, or a ValidationError naming `field`."""
    text = _plain(value, field, spec.label)
    if spec.multiline:
        text = _newlines(text)
    if strip:
        text = text.strip()
    if required and not text:
        raise ValidationError(f"{josa(spec.label, '을')} 입력해 주세요.", field=field, code="required")
    if len(text) > spec.max_length:  # first: a megabyte is refused without looking at each character
        raise ValidationError(
            f"{josa(spec.label, '은')} {spec.max_length:,}자 이내로 입력해 주세요. (지금 {len(text):,}자)",
            field=field, code="too_long")
    if bad_character(text, multiline=spec.multiline) is not None:
        raise ValidationError(f"{spec.label}에 사용할 수 없는 문자가 있습니다. (제어 문자, 보이지 않는 문자 등)",
                              field=field, code="bad_character")
    return text


def clean_text(value: Any, key: str, *, field: str | None = None, required: bool = True,
               label: str | None = None) -> str:
    """Clean one text field of the table (`key` = "area.field"); `field` defaults to the field part."""
    spec = TEXT_LIMITS[key]
    if label is not None:
        spec = TextLimit(label, spec.max_length, spec.columns, spec.multiline)
    return check_text(value, spec, field or key.split(".", 1)[1], required=required)


def clean_optional(value: Any, key: str, *, field: str | None = None, label: str | None = None) -> str | None:
    """As clean_text for an optional field: None when nothing was typed."""
    return clean_text(value, key, field=field, required=False, label=label) or None


def clean_number_text(value: Any, key: str, *, field: str | None = None) -> str:
    """A typed number (business/corporate/phone number …) before its own rule: type, characters and
    length only; NFKC and the ASCII digits are the rule's business (rules/numbers.py)."""
    spec = NUMBER_LIMITS[key]
    field = field or key.split(".", 1)[1]
    text = _plain(value, field, spec.label).strip()
    if len(text) > spec.max_input:
        raise ValidationError(f"{josa(spec.label, '은')} {spec.max_input:,}자 이내로 입력해 주세요.", field=field,
                              code="too_long")
    if bad_character(text) is not None:
        raise ValidationError(f"{spec.label}에 사용할 수 없는 문자가 있습니다.", field=field, code="bad_character")
    return text


def clean_password(value: Any, field: str = "password", label: str = "비밀번호") -> str:
    """A password as typed (not stripped: its own rule refuses surrounding spaces)."""
    text = _plain(value, field, label)
    if len(text) > PASSWORD_LIMIT:
        raise ValidationError(f"{josa(label, '은')} {PASSWORD_LIMIT}자 이내로 정해 주세요.", field=field,
                              code="too_long")
    if bad_character(text) is not None:
        raise ValidationError(f"{label}에 사용할 수 없는 문자가 있습니다.", field=field, code="bad_character")
    return text


def clean_search(value: Any, *, field: str = "query", key: str = "search.query") -> str:
    """A search box: white space of any kind separates words; other control or invisible
    characters and queries over the limit are refused with a message (never a database error)."""
    spec = TEXT_LIMITS[key]
    text = " ".join(_plain(value, field, spec.label).split())
    return check_text(text, spec, field, required=False)


# --- numbers, flags, ids, enums ------------------------------------------------------------------
def clean_int(value: Any, field: str, label: str, *, minimum: int = 0, maximum: int = INT32_MAX,
              unit: str = "") -> int:
    """A whole number within [minimum, maximum] (bool and float refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{josa(label, '은')} 숫자(정수)로 입력해 주세요.", field=field, code="wrong_type")
    if not minimum <= value <= maximum:
        raise ValidationError(f"{josa(label, '은')} {minimum:,}{unit} 이상 {maximum:,}{unit} 이하로 입력해 주세요.",
                              field=field, code="out_of_range")
    return int(value)


def clean_year(value: Any, field: str = "year") -> int | None:
    """An optional programme year (None: the current one)."""
    return None if value is None else clean_int(value, field, "사업연도", minimum=YEAR_MIN, maximum=YEAR_MAX)


def clean_amount(value: Any, field: str, label: str, *, maximum: int = MAX_AMOUNT) -> int:
    """Money in KRW: a whole number of won, more than 0, at most `maximum` (fits INTEGER)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{josa(label, '은')} 원 단위 정수로 입력해 주세요.", field=field, code="wrong_type")
    if value <= 0:
        raise ValidationError(f"{josa(label, '은')} 0원보다 커야 합니다.", field=field, code="out_of_range")
    if value > maximum:
        raise ValidationError(f"{josa(label, '은')} {maximum:,}원 이하로 입력해 주세요.", field=field,
                              code="out_of_range")
    return int(value)


def clean_bool(value: Any, field: str, label: str = "선택") -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{label} 값의 형식이 올바르지 않습니다.", field=field, code="wrong_type")
    return value


def clean_uuid(value: Any, field: str, *, optional: bool = False) -> uuid.UUID | None:
    """An id handed to a service must be a UUID (an int, a str or bytes is refused)."""
    if value is None and optional:
        return None
    if not isinstance(value, uuid.UUID):
        raise ValidationError("잘못된 식별자입니다. 화면을 새로 고친 뒤 다시 시도해 주세요.", field=field,
                              code="wrong_type")
    return value


def clean_uuids(values: Any, field: str) -> list[uuid.UUID]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ValidationError("잘못된 식별자 목록입니다.", field=field, code="wrong_type")
    return [clean_uuid(v, field) for v in values]


def clean_enum(value: Any, enum_type: type[E], field: str, label: str = "선택") -> E:
    """A member of `enum_type` (its value, e.g. "STAFF", is accepted too)."""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except (ValueError, TypeError):
        raise ValidationError(f"{josa(label, '을')} 다시 선택해 주세요.", field=field, code="wrong_type") from None


def clean_date(value: Any, field: str, label: str) -> date:
    """A date of the programme years (DATE_MIN … DATE_MAX)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(f"{josa(label, '은')} 날짜로 입력해 주세요.", field=field, code="wrong_type")
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(f"{josa(label, '은')} {DATE_MIN:%Y-%m-%d}부터 {DATE_MAX:%Y-%m-%d} 사이의 날짜로 "
                              "입력해 주세요.", field=field, code="out_of_range")
    return value


def _has_utc_time(moment: datetime) -> bool:
    """An aware time that exists in UTC (0001-01-01 00:00+05:00 does not: it is before year 1)."""
    try:
        moment.astimezone(timezone.utc)
    except OverflowError:
        return False
    return True


def clean_page_size(value: Any, maximum: int, field: str = "limit") -> int:
    return clean_int(value, field, "한 번에 불러올 개수", minimum=1, maximum=maximum)


def clean_cursor(cursor: Any, *types: type, field: str = "cursor") -> tuple | None:
    """A keyset cursor a service handed out earlier: None, or a pair of the given types."""
    if cursor is None:
        return None
    if not isinstance(cursor, (tuple, list)) or len(cursor) != len(types) or not all(
            isinstance(v, t) and not isinstance(v, bool) for v, t in zip(cursor, types)):
        raise ValidationError("목록 위치가 올바르지 않습니다. 목록을 새로 고쳐 주세요.", field=field, code="wrong_type")
    if any(isinstance(v, datetime) and (v.tzinfo is None or not _has_utc_time(v)) for v in cursor):
        raise ValidationError("목록 위치가 올바르지 않습니다. 목록을 새로 고쳐 주세요.", field=field, code="wrong_type")
    return tuple(cursor)


def clean_login(login_id: Any, password: Any) -> tuple[str, str] | None:
    """The login id (stripped) and password of a login attempt, or None when they cannot belong
    to any account (wrong type, NUL or other refused characters, over the limits): the login
    then answers as for a wrong password, without asking the store."""
    if not isinstance(login_id, str) or not isinstance(password, str):
        return None
    login_id = login_id.strip()
    if len(login_id) > TEXT_LIMITS["account.login_id"].max_length or len(password) > PASSWORD_LIMIT:
        return None
    if bad_character(login_id) is not None or bad_character(password) is not None:
        return None
    return str.__str__(login_id), str.__str__(password)
