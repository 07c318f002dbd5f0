"""Input rules of SPEC §8: business number, corporate number, phones, e-mail, passwords."""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
# ASCII digits only ([0-9], not \d: Python's \d also matches Arabic-Indic and other digits)
MOBILE_RE = re.compile(r"^01[016789]-?[0-9]{3,4}-?[0-9]{4}$")
PHONE_RE = re.compile(r"^0[0-9]{1,2}-?[0-9]{3,4}-?[0-9]{4}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOGIN_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{3,29}$")
MIN_PASSWORD = 10
_NUMBER_TEXT = re.compile(r"[0-9\- ]+")
#: dashes people type or paste between the groups of a number (NFKC leaves these alone)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70"), "-")


def number_text(text) -> str:
    """A typed number made comparable: Unicode NFKC (full-width ０-９ become 0-9, an ideographic
    space a space, a full-width hyphen '-'), the usual dash look-alikes become '-', stripped.

    Digits of other scripts (Arabic-Indic ٠-٩, Devanagari …) stay as they are and are refused by
    the rules below, which accept ASCII digits only. Not a str: "" (refused as empty)."""
    if not isinstance(text, str):
        return ""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def digits_only(text: str) -> str:
    """The ASCII digits of `text` after NFKC (never `str.isdigit`, which accepts any script)."""
    return "".join(ch for ch in number_text(text) if "0" <= ch <= "9")


def ascii_int(text) -> int | None:
    """A whole number typed with ASCII or full-width digits (',' allowed between thousands), or
    None. Never `int(text)`: it accepts Arabic-Indic digits, '_' and surrounding signs."""
    cleaned = number_text(text).replace(",", "")
    if not re.fullmatch(r"[0-9]{1,9}", cleaned):
        return None
    return int(cleaned)


def business_no_check_digit(first_nine: str) -> int:
    """Check digit of a 사업자등록번호 from its first nine digits."""
    if not re.fullmatch(r"[0-9]{9}", first_nine):
        raise ValueError("need nine digits")
    d = [int(c) for c in first_nine]
    total = sum(w * x for w, x in zip(_WEIGHTS, d)) + (d[8] * 5) // 10
    return (10 - total % 10) % 10


def normalize_business_no(text: str) -> str | None:
    """Ten ASCII digits if `text` is a valid business number (dashes/spaces allowed, full-width
    digits normalised), else None."""
    stripped = number_text(text)
    if not _NUMBER_TEXT.fullmatch(stripped or "x"):
        return None
    digits = digits_only(stripped)
    if len(digits) != 10:
        return None
    if business_no_check_digit(digits[:9]) != int(digits[9]):
        return None
    return digits


def business_no_error(text: str) -> str | None:
    """Korean message for a bad business number, or None when it is valid."""
    stripped = number_text(text)
    if not stripped:
        return "사업자등록번호를 입력해 주세요."
    if not _NUMBER_TEXT.fullmatch(stripped):
        return "사업자등록번호는 숫자와 '-'만 입력할 수 있습니다."
    if len(digits_only(stripped)) != 10:
        return "사업자등록번호는 10자리 숫자입니다. (예: 123-45-67890)"
    if normalize_business_no(stripped) is None:
        return "유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주세요."
    return None


def format_business_no(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if len(digits) == 10 else digits


def normalize_corporate_no(text: str) -> str | None:
    stripped = number_text(text)
    if not _NUMBER_TEXT.fullmatch(stripped or "x"):
        return None
    digits = digits_only(stripped)
    return digits if len(digits) == 13 else None


def format_corporate_no(digits: str | None) -> str:
    if not digits:
        return ""
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 13 else digits


def normalize_mobile(text: str) -> str | None:
    """010-XXXX-XXXX form of a Korean mobile number, or None."""
    stripped = number_text(text).replace(" ", "")
    if not MOBILE_RE.fullmatch(stripped):
        return None
    d = digits_only(stripped)
    if not d.startswith("010") or len(d) != 11:
        return None
    return f"{d[:3]}-{d[3:7]}-{d[7:]}"


def normalize_phone(text: str) -> str | None:
    """A Korean landline or mobile number with dashes, or None."""
    stripped = number_text(text).replace(" ", "")
    if not PHONE_RE.fullmatch(stripped):
        return None
    d = digits_only(stripped)
    if d.startswith("02"):
        head, rest = d[:2], d[2:]
    else:
        head, rest = d[:3], d[3:]
    if len(rest) not in (7, 8):
        return None
    mid = len(rest) - 4
    return f"{head}-{rest[:mid]}-{rest[mid:]}"


def valid_email(text: str) -> bool:
    return isinstance(text, str) and bool(EMAIL_RE.fullmatch(text.strip()))


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped block list (rules/common_passwords.txt), lower-cased."""
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    """On the block list of common passwords, ignoring case."""
    return password.lower() in common_passwords()


def password_error(password: str, login_id: str = "") -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다."
    if password.strip() != password:
        return "비밀번호의 앞뒤에 공백을 넣을 수 없습니다."
    if login_id and login_id.lower() in password.lower():
        return "비밀번호에 아이디를 포함할 수 없습니다."
    if is_common_password(password):
        return "너무 흔해서 쉽게 짐작할 수 있는 비밀번호입니다. 다른 비밀번호를 입력해 주세요."
    return None


def login_id_error(login_id: str) -> str | None:
    if not LOGIN_ID_RE.fullmatch(login_id):
        return "아이디는 영문으로 시작하는 4~30자의 영문, 숫자, '_', '.', '-' 조합이어야 합니다."
    return None
