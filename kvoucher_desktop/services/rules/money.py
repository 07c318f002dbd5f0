"""Money rules: integer KRW only."""

from __future__ import annotations


def government_share(amount: int, pct: int) -> int:
    """Government share of an amount, rounded down to the won."""
    if not isinstance(amount, int) or not isinstance(pct, int):
        raise TypeError("money and percentages are integers")
    return amount * pct // 100


def split_budget(total: int, pct: int) -> tuple[int, int]:
    """(government share, self-payment) of a total."""
    gov = government_share(total, pct)
    return gov, total - gov


def format_krw(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,}원"
