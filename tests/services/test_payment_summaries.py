"""The totals of 서비스 결제관리 and the supplier's settlement summary (SPEC §4, §5.4, §6), on SQLite
and PostgreSQL: SUCCEEDED and CANCELLED apart, the period in KST days, payouts at D+10 of the
payment's KST day with the programme's fee, and who may read them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.dto import PaymentSum, SettlementKind
from kvoucher_desktop.services.errors import PermissionDenied, ValidationError
from kvoucher_desktop.services.rules import payments as rules

from tests.factories import make_agency, make_operator, make_supplier_account
from tests.services.test_payments import ZEROPAY, Desk, key


def paid_at(desk: Desk, when: datetime, amount: int):
    desk.clock.set(when)
    return desk.pay_zeropay(desk.deal(amount))


def test_totals_count_succeeded_and_cancelled_payments_apart(services, clock):
    desk = Desk(services, clock, ZEROPAY)
    first = paid_at(desk, datetime(2026, 3, 5, 9, 0, tzinfo=KST), 1_000_000)
    paid_at(desk, datetime(2026, 3, 5, 11, 0, tzinfo=KST), 300_000)
    gone = paid_at(desk, datetime(2026, 3, 6, 10, 0, tzinfo=KST), 200_000)
    services.payments.cancel(desk.buyer, gone.id, key())
    desk.pay_zeropay(desk.deal(100_000), password="000000")  # a failed one counts nowhere
    totals = services.payments.totals(desk.buyer)
    assert totals.succeeded.count == 2 and totals.succeeded.amount == 1_300_000
    assert totals.succeeded.government_share + totals.succeeded.self_share == 1_300_000
    assert totals.succeeded.government_share == first.government_share + 300_000 * 90 // 100
    assert totals.cancelled == PaymentSum(1, 200_000, gone.government_share, gone.self_share)
    assert services.payments.totals(desk.supplier) == totals
    assert services.payments.totals(make_agency(services)).succeeded.amount >= 1_300_000
    day = date(2026, 3, 5)
    only_the_fifth = services.payments.totals(desk.buyer, day, day)
    assert only_the_fifth.succeeded.count == 2 and only_the_fifth.cancelled == PaymentSum()
    assert services.payments.totals(desk.buyer, date(2026, 3, 6)).succeeded == PaymentSum()
    with pytest.raises(ValidationError):
        services.payments.totals(desk.buyer, date(2026, 3, 6), date(2026, 3, 5))
    with pytest.raises(PermissionDenied):
        services.payments.totals(make_operator(services))
    assert services.payments.totals(make_supplier_account(services)).succeeded == PaymentSum()


def test_settlement_per_day_month_and_payout_date_with_the_programme_fee(services, clock):
    agency = make_agency(services)
    services.programme.update_settings(agency, replace(services.programme.settings(), settlement_fee_bp=250))
    desk = Desk(services, clock, ZEROPAY)
    paid_at(desk, datetime(2026, 3, 5, 0, 10, tzinfo=KST), 1_000_001)  # 00:10 KST: still 03-05 (UTC 03-04)
    paid_at(desk, datetime(2026, 3, 5, 23, 50, tzinfo=KST), 400_000)
    paid_at(desk, datetime(2026, 3, 31, 23, 59, tzinfo=KST), 500_000)
    paid_at(desk, datetime(2026, 4, 1, 9, 0, tzinfo=KST), 600_000)
    gone = paid_at(desk, datetime(2026, 4, 1, 10, 0, tzinfo=KST), 700_000)
    services.payments.cancel(desk.buyer, gone.id, key())  # cancelled: nothing to pay out
    rows = services.payments.settlement(desk.supplier)
    days = [r for r in rows if r.kind is SettlementKind.DAY]
    months = [r for r in rows if r.kind is SettlementKind.MONTH]
    payouts = [r for r in rows if r.kind is SettlementKind.PAYOUT]
    assert [(r.period, r.count, r.amount) for r in days] == [
        (date(2026, 3, 5), 2, 1_400_001), (date(2026, 3, 31), 1, 500_000), (date(2026, 4, 1), 1, 600_000)]
    assert [r.payout_date for r in days] == [date(2026, 3, 15), date(2026, 4, 10), date(2026, 4, 11)]
    assert days[0].fee == 1_400_001 * 250 // 10_000 == 35_000 and days[0].net == 1_400_001 - 35_000
    assert all(r.fee_bp == 250 and r.government_share + r.self_share == r.amount for r in rows)
    assert [(r.period, r.count, r.amount, r.fee) for r in months] == [
        (date(2026, 3, 1), 3, 1_900_001, 35_000 + 12_500), (date(2026, 4, 1), 1, 600_000, 15_000)]
    assert [(r.period, r.amount, r.fee, r.net) for r in payouts] == [
        (r.payout_date, r.amount, r.fee, r.net) for r in days]
    assert rules.payout_date(datetime(2026, 3, 31, 23, 59, tzinfo=KST)) == date(2026, 4, 10)
    # the period is the KST day of approval, both ends included
    march = services.payments.settlement(desk.supplier, date(2026, 3, 5), date(2026, 3, 31))
    assert [r.period for r in march if r.kind is SettlementKind.DAY] == [date(2026, 3, 5), date(2026, 3, 31)]
    assert services.payments.settlement(desk.supplier, date(2026, 5, 1)) == ()
    assert services.payments.settlement(make_supplier_account(services)) == ()


def test_settlement_follows_the_programme_settings_and_is_the_suppliers(services, clock):
    desk = Desk(services, clock, ZEROPAY)
    paid_at(desk, datetime(2026, 3, 5, 9, 0, tzinfo=KST), 100_000)
    (row,) = [r for r in services.payments.settlement(desk.supplier) if r.kind is SettlementKind.PAYOUT]
    assert row.fee == 0 and row.net == 100_000 and row.period == date(2026, 3, 15)  # the seeded defaults
    agency = make_agency(services)
    services.programme.update_settings(agency, replace(services.programme.settings(), settlement_days=7,
                                                       settlement_fee_bp=10_000))
    (row,) = [r for r in services.payments.settlement(desk.supplier) if r.kind is SettlementKind.PAYOUT]
    assert row.period == date(2026, 3, 12) and row.fee == 100_000 and row.net == 0
    for other in (desk.buyer, agency, make_operator(services)):
        with pytest.raises(PermissionDenied):
            services.payments.settlement(other)
    with pytest.raises(ValidationError):
        services.payments.settlement(desk.supplier, date(2026, 3, 6), date(2026, 3, 5))
