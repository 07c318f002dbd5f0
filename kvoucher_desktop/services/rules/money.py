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


def supply_and_vat(total: int) -> tuple[int, int]:
    """(supply value, VAT) of a VAT-included total (SPEC §4): supply = round-half-up(total / 1.1),
    computed in integers as (20·total + 11) // 22, and VAT = total − supply."""
    if not isinstance(total, int) or isinstance(total, bool):
        raise TypeError("money is an integer number of won")
    if total < 0:
        raise ValueError("a total is never negative")
    supply = (20 * total + 11) // 22
    return supply, total - supply


def format_krw(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,}원"
