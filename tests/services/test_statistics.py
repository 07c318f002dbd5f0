"""Programme statistics (SPEC §6, AGENCY) on both stores: each statistic against a recomputation in
Python from the stored rows, the KST day boundary, the year, who may read them, and the exports
read back (their totals equal the service's)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from kvoucher_desktop.enums import PaymentMethod, PaymentStatus as P, ScreeningStatus as S
from kvoucher_desktop.models import Category, Company, Deal, OperatingAgency, Payment, Service, Supplier
from kvoucher_desktop.services import statistics as st
from kvoucher_desktop.services.clock import KST, kst_date
from kvoucher_desktop.services.errors import PermissionDenied, ValidationError
from kvoucher_desktop.services.exports import to_csv, to_xlsx

from tests.factories import (
    approved_buyer,
    company_in_state,
    make_agency,
    make_operator,
    make_service,
    make_supplier_account,
    operator_id,
)
from tests.services.test_payments import ZEROPAY_PASSWORD, key

ZEROPAY = PaymentMethod.ZEROPAY


def _pay(services, clock, buyer, supplier, service, amount, when, *, finish=True):
    clock.set(when)
    deal = services.deals.request(buyer, service.id, "통계 테스트용 거래상담입니다.").value
    services.deals.accept(supplier, deal.id)
    services.deals.request_payment(supplier, deal.id, amount)
    (p,) = services.payments.start(buyer, [(deal.id, key())], batch_key=key()).value
    return services.payments.pay_zeropay(buyer, p.id, ZEROPAY_PASSWORD).value if finish else p


def seed(services, clock):
    """Companies in every state under three agencies, payments on three KST days in three categories
    (one across midnight UTC, one cancelled, one still in progress), an abandonment, two ratings."""
    agency = make_agency(services)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=KST))
    seoul, busan = (approved_buyer(services, ZEROPAY, region=r)[0] for r in ("서울", "부산"))
    quitter = approved_buyer(services, ZEROPAY, region="서울")[0]
    for status, region in ((S.REVIEWING, "대구"), (S.ON_HOLD, "서울"), (S.CONFIRMED, "부산"), (S.REJECTED, "대구"),
                           (S.REVIEWING, "서울")):
        company_in_state(services, status, region=region)
    supplier = make_supplier_account(services)
    video, edu, care = (make_service(services, supplier, category=c, price=2_000_000)
                        for c in ("VIDEO", "EDUTECH", "CARE"))
    _pay(services, clock, seoul, supplier, video, 1_000_000, datetime(2026, 3, 5, 0, 10, tzinfo=KST))  # UTC: 03-04
    _pay(services, clock, seoul, supplier, edu, 500_000, datetime(2026, 3, 5, 23, 50, tzinfo=KST))
    _pay(services, clock, busan, supplier, care, 300_001, datetime(2026, 3, 7, 9, 0, tzinfo=KST))
    gone = _pay(services, clock, busan, supplier, video, 400_000, datetime(2026, 3, 7, 10, 0, tzinfo=KST))
    services.payments.cancel(busan, gone.id, key())
    _pay(services, clock, busan, supplier, edu, 100_000, datetime(2026, 3, 7, 11, 0, tzinfo=KST), finish=False)
    _pay(services, clock, quitter, supplier, video, 200_000, datetime(2026, 3, 6, 15, 0, tzinfo=KST))
    request = services.vouchers.request_abandonment(quitter, "사업 계획이 바뀌었습니다.").value.abandonment
    services.vouchers.confirm_abandonment(agency, request.id)
    with services.programme.uow() as uow:
        uow.session.execute(update(Service).where(Service.id == video.id).values(rating_count=2, rating_points=850))
        uow.session.execute(update(Service).where(Service.id == care.id).values(rating_count=1, rating_points=300))
        uow.commit()
    clock.set(datetime(2026, 3, 10, 10, 0, tzinfo=KST))
    return agency


def _stored(services):
    with services.programme.uow() as uow:
        s = uow.session
        companies = s.execute(select(Company.programme_year, Company.status, OperatingAgency.name, Company.approved_at,
                                     Company.budget_total, Company.budget_government, Company.budget_abandoned_at,
                                     Company.id).join(OperatingAgency)).all()
        payments = s.execute(select(Payment.status, Payment.amount, Payment.government_share, Payment.approved_at,
                                    Company.programme_year, Service.category_code, Company.budget_abandoned_at)
                             .join(Company, Company.id == Payment.company_id).join(Deal, Deal.id == Payment.deal_id)
                             .join(Service, Service.id == Deal.service_id)).all()
        services_ = s.execute(select(Service.name, Supplier.name, Service.rating_count, Service.rating_points)
                              .join(Supplier)).all()
        categories = s.execute(select(Category.code, Category.name).order_by(Category.sort_order)).all()
    return companies, payments, services_, categories


def test_each_statistic_equals_its_recomputation(services, clock):
    agency = seed(services, clock)
    companies, payments, rated, categories = _stored(services)
    mine = [c for c in companies if c.programme_year == 2026]

    # companies per agency and state
    rows = services.statistics.screening(agency)
    expected = Counter((c.name, c.status) for c in mine)
    for row in rows:
        assert {state: row.count(state) for state in st.STATES} == {state: expected[(row.operator_name, state)]
                                                                    for state in st.STATES}
        assert row.total == sum(row.count(state) for state in st.STATES)
    assert len(rows) == 17 and sum(r.total for r in rows) == len(mine) == 8
    assert {r.region for r in rows if r.total} == {"서울", "부산", "대구"}

    # budget
    b = services.statistics.budget(agency)
    approved = [c for c in mine if c.approved_at is not None]
    succeeded = [p for p in payments if p.status is P.SUCCEEDED and p.programme_year == 2026]
    held = [p for p in payments if p.status is P.IN_PROGRESS]
    assert b.approved_companies == len(approved) == 3 and b.abandoned_companies == 1
    assert b.spent == sum(p.amount for p in succeeded) == 2_000_001
    assert b.spent_government == sum(p.government_share for p in succeeded)
    assert b.in_progress == sum(p.amount for p in held) == 100_000
    assert b.abandoned == 4_000_000 - 200_000
    assert b.approved == 3 * 4_000_000 == b.spent + b.in_progress + b.remaining + b.abandoned
    assert b.remaining == sum(c.budget_total for c in approved if c.budget_abandoned_at is None) \
        - sum(p.amount for p in succeeded + held if p.budget_abandoned_at is None)

    # per KST day, the period's ends included
    days = services.statistics.payments_by_day(agency, start=date(2026, 3, 1), end=date(2026, 3, 10))
    by_day = defaultdict(lambda: [0, 0, 0])
    for p in succeeded:
        d = by_day[kst_date(p.approved_at)]
        d[0], d[1], d[2] = d[0] + 1, d[1] + p.amount, d[2] + p.government_share
    assert [(r.day, r.count, r.amount, r.government_share) for r in days] == \
        [(day, *v) for day, v in sorted(by_day.items())]
    assert [r.day for r in days] == [date(2026, 3, 5), date(2026, 3, 6), date(2026, 3, 7)]
    assert days[0].count == 2  # 00:10 KST (the 4th in UTC) and 23:50 KST on the 5th
    only = services.statistics.payments_by_day(agency, start=date(2026, 3, 6), end=date(2026, 3, 6))
    assert [(r.day, r.amount) for r in only] == [(date(2026, 3, 6), 200_000)]
    assert [r.day for r in services.statistics.payments_by_day(agency)] == [r.day for r in days]  # last 30 days

    # per category: every category, zeros included, in the catalog's order
    cats = services.statistics.payments_by_category(agency)
    per = defaultdict(lambda: [0, 0, 0])
    for p in succeeded:
        c = per[p.category_code]
        c[0], c[1], c[2] = c[0] + 1, c[1] + p.amount, c[2] + p.government_share
    assert [(r.code, r.name, r.count, r.amount, r.government_share) for r in cats] == \
        [(code, name, *per[code]) for code, name in categories]
    assert sum(r.amount for r in cats) == b.spent
    march_5 = services.statistics.payments_by_category(agency, start=date(2026, 3, 5), end=date(2026, 3, 5))
    assert {r.code: r.count for r in march_5 if r.count} == {"VIDEO": 1, "EDUTECH": 1}

    # ratings: the catalog's scale (points = Σ per-evaluation mean × 100)
    (sup,) = services.statistics.supplier_ratings(agency)
    assert (sup.services, sup.rating_count, sup.rating_points) == (2, 3, 1150)
    assert sup.average == pytest.approx(sum(r.rating_points for r in rated) / sum(r.rating_count for r in rated) / 100)
    ranked = services.statistics.service_ratings(agency)
    assert [(r.category_name, r.rating_count, r.average) for r in ranked] == [("화상회의", 2, 4.25), ("비대면 돌봄", 1, 3.0)]


def test_the_year_and_who_may_read(services, clock):
    agency = seed(services, clock)
    demand = approved_buyer(services)[0]
    before = (services.statistics.screening(agency), services.statistics.budget(agency),
              services.statistics.payments_by_category(agency))
    operator = make_operator(services, "부산")
    (own,) = services.statistics.screening(operator)
    assert own.region == "부산" and own.total == 2 and own.count(S.CONFIRMED) == 1
    for call in (services.statistics.budget, services.statistics.payments_by_day,
                 services.statistics.payments_by_category, services.statistics.supplier_ratings,
                 services.statistics.service_ratings):
        with pytest.raises(PermissionDenied):
            call(operator)
    with pytest.raises(PermissionDenied):
        services.statistics.screening(demand)
    with pytest.raises(PermissionDenied):
        services.statistics.budget(make_supplier_account(services))
    with pytest.raises(ValidationError):
        services.statistics.payments_by_day(agency, start=date(2026, 3, 7), end=date(2026, 3, 6))
    with pytest.raises(ValidationError):
        services.statistics.payments_by_day(agency, start=date(2025, 1, 1), end=date(2026, 3, 6))
    with pytest.raises(ValidationError):
        services.statistics.budget(agency, year=1999)

    services.programme.open_next_year(agency, from_year=2026)
    assert sum(r.total for r in services.statistics.screening(agency)) == 0
    nothing = services.statistics.budget(agency)  # the 2026 companies' payments are not the new year's
    assert nothing.approved == nothing.spent == nothing.spent_government == nothing.in_progress == 0
    assert nothing.remaining == nothing.abandoned == 0 and before[1].spent > 0 and before[1].in_progress > 0
    assert all(r.count == 0 for r in services.statistics.payments_by_category(agency))
    assert services.statistics.screening(agency, 2026) == before[0]
    assert services.statistics.budget(agency, 2026) == before[1]
    assert services.statistics.payments_by_category(agency, year=2026) == before[2]


def test_exports_read_back_with_the_services_totals(services, clock, tmp_path):
    agency = seed(services, clock)
    cats = services.statistics.payments_by_category(agency)
    days = services.statistics.payments_by_day(agency, start=date(2026, 3, 1), end=date(2026, 3, 10))
    screening = services.statistics.screening(agency)
    budget = services.statistics.budget(agency)

    def book_of(table):
        path = tmp_path / f"{table.title}.xlsx"
        path.write_bytes(to_xlsx(table))
        return load_workbook(path).active

    sheet = book_of(st.category_table(cats, 2026))
    assert sheet.title == "2026년 분야별 결제"
    assert [c.value for c in sheet[1]] == ["분야", "건수", "결제금액", "정부지원금"]
    assert sheet.freeze_panes == "A2"
    last = [c.value for c in sheet[sheet.max_row]]
    assert last == ["합계", sum(r.count for r in cats), sum(r.amount for r in cats),
                    sum(r.government_share for r in cats)]
    assert last[2] == budget.spent
    assert sheet.cell(2, 3).number_format == '#,##0"원"' and sheet.cell(2, 2).number_format == "#,##0"
    daily = book_of(st.daily_table(days, 2026))
    assert daily.cell(2, 1).value.date() == days[0].day and daily.cell(2, 1).number_format == "yyyy-mm-dd"
    assert [c.value for c in daily[daily.max_row]][2] == sum(r.amount for r in days)
    agencies = book_of(st.screening_table(screening, 2026))
    assert agencies.max_row == 1 + 17 + 1 and agencies.cell(agencies.max_row, 8).value == 8
    amounts = {r[0].value: (r[1].value, r[2].value) for r in book_of(st.budget_table(budget, 2026)).iter_rows(min_row=2)}
    assert amounts["승인 예산"] == (budget.approved, None) and amounts["승인 기업 수"] == (None, 3)
    assert book_of(st.service_ratings_table(services.statistics.service_ratings(agency))).cell(2, 5).value == 4.25

    raw = to_csv(st.category_table(cats, 2026))
    assert raw.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert read[0] == ["분야", "건수", "결제금액", "정부지원금"] and read[1][0] == "화상회의"
    assert read[-1] == ["합계", str(sum(r.count for r in cats)), str(sum(r.amount for r in cats)),
                        str(sum(r.government_share for r in cats))]


def test_the_payment_statistics_read_no_payment_row(sqlite_services, clock):
    """SQLite's planner (no ANALYZE, as the app never runs it): the budget, per-day and per-category
    statements read the payments from the payments index of migration 0009 alone, and each payment's
    (or per-company sum's) company from the company index of 0009, so their time grows with the
    succeeded payments and not with the failed attempts beside them or the companies' rows. Counting
    `payments.id`, which that index lacks, read every payment's row, and the budget's inner join
    walked the year's companies row by row (benchmarks/README.md, "Statistics", at programme
    scale). (SQLite only: PostgreSQL's plan depends on its statistics.)"""
    from kvoucher_desktop.services.repositories.rows import observing

    services = sqlite_services
    agency = seed(services, clock)
    seen = []

    def record(statement, parameters):
        if "FROM payments" in statement:
            seen.append((statement, parameters))

    with observing(record):
        services.statistics.budget(agency)
        services.statistics.payments_by_day(agency, start=date(2026, 3, 1), end=date(2026, 3, 10))
        services.statistics.payments_by_category(agency)
    assert len(seen) == 3
    with services.engine.connect() as conn:
        raw = conn.connection.driver_connection
        plans = [[row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]
                 for sql, params in seen]
    for plan in plans:
        assert any("payments USING COVERING INDEX ix_payments_status_approved" in s for s in plan), plan
        assert any("companies USING COVERING INDEX ix_companies_id_year" in s for s in plan), plan
        assert not any(s.startswith("SEARCH payments USING INDEX") for s in plan), plan
    budget, _, category = plans
    assert any("ix_companies_id_year (id=? AND programme_year=?) LEFT-JOIN" in s for s in budget), budget
    assert any("deals USING COVERING INDEX ix_deals_id_service" in s for s in category), category
