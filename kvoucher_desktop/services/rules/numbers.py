"""Input rules of SPEC §8: business number, corporate number, phones, e-mail, passwords."""

from __future__ import annotations

import re

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
MOBILE_RE = re.compile(r"^01[016789]-?\d{3,4}-?\d{4}$")
PHONE_RE = re.compile(r"^0\d{1,2}-?\d{3,4}-?\d{4}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOGIN_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{3,29}$")
MIN_PASSWORD = 10


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def business_no_check_digit(first_nine: str) -> int:
    """Check digit of a 사업자등록번호 from its first nine digits."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("need nine digits")
    d = [int(c) for c in first_nine]
    total = sum(w * x for w, x in zip(_WEIGHTS, d)) + (d[8] * 5) // 10
    return (10 - total % 10) % 10


def normalize_business_no(text: str) -> str | None:
    """Ten digits if `text` is a valid business number (dashes/spaces allowed), else None."""
    stripped = text.strip()
    if not re.fullmatch(r"[\d\- ]+", stripped or "x"):
        return None
    digits = digits_only(stripped)
    if len(digits) != 10:
        return None
    if business_no_check_digit(digits[:9]) != int(digits[9]):
        return None
    return digits


def business_no_error(text: str) -> str | None:
    """Korean message for a bad business number, or None when it is valid."""
    stripped = text.strip()
    if not stripped:
        return "사업자등록번호를 입력해 주세요."
    if not re.fullmatch(r"[\d\- ]+", stripped):
        return "사업자등록번호는 숫자와 '-'만 입력할 수 있습니다."
    if len(digits_only(stripped)) != 10:
        return "사업자등록번호는 10자리 숫자입니다. (예: 123-45-67890)"
    if normalize_business_no(stripped) is None:
        return "유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주세요."
    return None


def format_business_no(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if len(digits) == 10 else digits


def normalize_corporate_no(text: str) -> str | None:
    stripped = text.strip()
    if not re.fullmatch(r"[\d\- ]+", stripped or "x"):
        return None
    digits = digits_only(stripped)
    return digits if len(digits) == 13 else None


def format_corporate_no(digits: str | None) -> str:
    if not digits:
        return ""
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 13 else digits


def normalize_mobile(text: str) -> str | None:
    """010-XXXX-XXXX form of a Korean mobile number, or None."""
    stripped = text.strip().replace(" ", "")
    if not MOBILE_RE.fullmatch(stripped):
        return None
    d = digits_only(stripped)
    if not d.startswith("010") or len(d) != 11:
        return None
    return f"{d[:3]}-{d[3:7]}-{d[7:]}"


def normalize_phone(text: str) -> str | None:
    """A Korean landline or mobile number with dashes, or None."""
    stripped = text.strip().replace(" ", "")
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
    return bool(EMAIL_RE.fullmatch(text.strip()))


def password_error(password: str, login_id: str = "") -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다."
    if password.strip() != password:
        return "비밀번호의 앞뒤에 공백을 넣을 수 없습니다."
    if login_id and login_id.lower() in password.lower():
        return "비밀번호에 아이디를 포함할 수 없습니다."
    return None


def login_id_error(login_id: str) -> str | None:
    if not LOGIN_ID_RE.fullmatch(login_id):
        return "아이디는 영문으로 시작하는 4~30자의 영문, 숫자, '_', '.', '-' 조합이어야 합니다."
    return None
