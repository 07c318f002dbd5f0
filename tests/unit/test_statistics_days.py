"""The per-day chart's axis (statistics.every_day): every KST day of the period once, in order,
the days with payments as they came, the others as zeros."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, strategies as stg

from kvoucher_desktop.services.statistics import DailyPaymentRow, every_day

DAYS = stg.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@stg.composite
def periods(draw):
    start = draw(DAYS)
    end = start + timedelta(days=draw(stg.integers(0, 400)))
    offsets = draw(stg.sets(stg.integers(0, (end - start).days), max_size=40))
    rows = tuple(DailyPaymentRow(start + timedelta(days=o), o + 1, (o + 1) * 1000, (o + 1) * 700) for o in sorted(offsets))
    return start, end, rows


@given(periods())
def test_every_day_of_the_period_once_with_the_rows_unchanged(period):
    start, end, rows = period
    days = every_day(rows, start, end)
    assert [d.day for d in days] == [start + timedelta(days=i) for i in range((end - start).days + 1)]
    assert tuple(d for d in days if d.count) == rows  # the days that had payments, untouched
    assert all(d.amount == d.government_share == 0 for d in days if not d.count)


def test_a_quiet_day_between_two_is_a_zero():
    first, third = DailyPaymentRow(date(2026, 3, 1), 2, 50_000, 35_000), DailyPaymentRow(date(2026, 3, 3), 1, 9, 6)
    assert every_day((first, third), date(2026, 3, 1), date(2026, 3, 3)) == (
        first, DailyPaymentRow(date(2026, 3, 2), 0, 0, 0), third)
