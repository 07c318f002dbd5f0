"""Card numbers and expiry dates as typed (pure functions, no I/O).

Input is normalised like every number of SPEC §8: Unicode NFKC first (full-width digits,
ideographic spaces and the usual dash look-alikes become ASCII), then spaces and hyphens
between the groups are dropped. Digits of other scripts are refused.
"""

from __future__ import annotations

import re

from .numbers import number_text

CARD_DIGITS = 16
_CARD_TEXT = re.compile(r"[0-9][0-9 \-]*")
_EXPIRY = re.compile(r"(0[1-9]|1[0-2])/?([0-9]{2})")


def luhn_check_digit(partial: str) -> int:
    """The Luhn check digit to append to `partial` (ASCII digits)."""
    if not partial or not partial.isascii() or not partial.isdigit():
        raise ValueError("need ASCII digits")
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these are the odd positions once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def luhn_valid(digits: str) -> bool:
    """True if `digits` (ASCII, at least two) pass the Luhn check."""
    if len(digits) < 2 or not digits.isascii() or not digits.isdigit():
        return False
    return luhn_check_digit(digits[:-1]) == int(digits[-1])


def normalize_card_number(text: object) -> str | None:
    """The ASCII digits of a typed card number (spaces and hyphens allowed between digits,
    full-width digits normalised), or None when anything else was typed. The length and the
    Luhn check are the caller's business."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    cleaned = number_text(text)
    if not _CARD_TEXT.fullmatch(cleaned) or cleaned.endswith("-"):
        return None
    return cleaned.replace(" ", "").replace("-", "")


def valid_card_number(text: object) -> str | None:
    """The 16 digits of a typed card number that passes the Luhn check, or None."""
    digits = normalize_card_number(text)
    if digits is None or len(digits) != CARD_DIGITS or not luhn_valid(digits):
        return None
    return digits


def normalize_expiry(text: object) -> tuple[int, int] | None:
    """(month, two-digit year) of a typed expiry "MM/YY" or "MMYY" (spaces around allowed,
    full-width digits and slash normalised), or None."""
    if not isinstance(text, str) or len(text) > 20:
        return None
    m = _EXPIRY.fullmatch(number_text(text).replace(" ", ""))
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2))


def format_expiry(month: int, year: int) -> str:
    """"MM/YY" of a month (`year` full or two-digit)."""
    return f"{month:02d}/{year % 100:02d}"


def mask_card_number(last4: str) -> str:
    """How the platform shows a card everywhere: ****-****-****-1234."""
    return f"****-****-****-{last4}"
