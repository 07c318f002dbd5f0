"""SPEC §4: prices include VAT; supply value = round-half-up(total / 1.1), VAT = total − supply,
in integer arithmetic (rules/money.py)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvoucher_desktop.services.rules.limits import MAX_AMOUNT
from kvoucher_desktop.services.rules.money import supply_and_vat


@given(st.integers(min_value=0, max_value=MAX_AMOUNT * 1000))
def test_supply_is_the_total_over_1_1_rounded_half_up_and_vat_the_rest(total):
    supply, vat = supply_and_vat(total)
    exact = (Decimal(total) / Decimal("1.1")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert supply == int(exact)
    assert supply + vat == total and 0 <= vat <= supply + 1
    assert abs(Decimal(supply) * Decimal("1.1") - total) <= Decimal("0.55")


@pytest.mark.parametrize(("total", "supply", "vat"), [(0, 0, 0), (1, 1, 0), (5, 5, 0), (6, 5, 1), (11, 10, 1),
                                                      (1_100_000, 1_000_000, 100_000), (4_000_000, 3_636_364, 363_636),
                                                      (1_234_567, 1_122_334, 112_233)])
def test_known_splits(total, supply, vat):
    assert supply_and_vat(total) == (supply, vat)


@pytest.mark.parametrize("bad", [1.5, "1000", None, True])
def test_only_integer_won(bad):
    with pytest.raises(TypeError):
        supply_and_vat(bad)


def test_no_negative_totals():
    with pytest.raises(ValueError):
        supply_and_vat(-1)
