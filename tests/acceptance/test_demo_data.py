"""`--demo` data: one login per role that works, demand companies in every screening state,
announcements, a catalog in every category, deals in every inbox tab, and the app's start-up
path on a fresh SQLite file."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kvoucher_desktop import app, settings
from kvoucher_desktop.enums import AbandonmentStatus, DealState, DealTab, PaymentMethod, Role, ScreeningStatus
from kvoucher_desktop.services.clock import FixedClock
from kvoucher_desktop.services.deals import DEMAND_TABS, SUPPLIER_TABS
from kvoucher_desktop.services.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
from kvoucher_desktop.services.registry import build_services

END = datetime(2026, 5, 20, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def demo(tmp_path):
    """Services on a fresh demo store seeded to END, on a clock at END."""
    url = settings.sqlite_url(tmp_path / "demo.sqlite3")
    seed_demo(url, hash_params=FAST_FOR_TESTS, end=END)
    services = build_services(url, FixedClock(END), hash_params=FAST_FOR_TESTS)
    yield services
    services.dispose()


def test_demo_has_every_role_every_state_and_announcements(demo):
    services = demo
    roles = {}
    for login_id, role, _what in DEMO_LOGINS:
        actor = services.accounts.login(login_id, DEMO_PASSWORD)
        assert actor.role is role
        roles.setdefault(role, actor)
    assert set(roles) == set(Role)
    counts = services.screening.counts(roles[Role.AGENCY])
    assert all(counts[status] >= 1 for status in ScreeningStatus), counts
    demand = services.companies.get(roles[Role.DEMAND])
    assert demand.status is ScreeningStatus.APPROVED and demand.budget_total == 4_000_000
    hold = services.companies.get(services.accounts.login("demand-hold", DEMO_PASSWORD))
    assert hold.status is ScreeningStatus.ON_HOLD and hold.status_reason
    assert len(services.programme.announcements()) >= 3
    seoul = services.screening.counts(roles[Role.OPERATOR])
    assert sum(seoul.values()) < sum(counts.values())  # the operator sees its jurisdiction only
    rows = services.screening.list_companies(roles[Role.OPERATOR]).rows
    assert any(r.changed_after_confirm for r in rows)
    everyone = services.screening.list_companies(roles[Role.AGENCY]).rows
    assert all(r.submitted_at <= r.status_changed_at <= END for r in everyone)  # no history in the future
    assert all(a.at <= END for a in services.audit.records(roles[Role.AGENCY]))


def test_demo_catalog_deals_and_vouchers(demo):
    services = demo
    demand = services.accounts.login("demand", DEMO_PASSWORD)
    supplier = services.accounts.login("supplier", DEMO_PASSWORD)
    agency = services.accounts.login("agency", DEMO_PASSWORD)
    # every supplier company has a working login, and services in all six categories
    for n in range(2, 10):
        assert services.accounts.login(f"supplier{n}", DEMO_PASSWORD).supplier_id is not None
    tiles = services.catalog.category_counts()
    assert set(tiles) == {c.code for c in services.programme.categories()}, tiles
    assert all(n >= 3 for n in tiles.values()), tiles
    assert sum(tiles.values()) >= 30
    found = services.catalog.search(None, "화상").rows
    assert found and services.catalog.count(None, "화상") == len(found)
    assert all("화상" in r.name or any("화상" in k for k in r.keywords) for r in found)
    assert all(300_000 <= r.price <= 3_000_000 for r in services.catalog.search(None, "").rows)
    own = services.catalog.supplier_services(supplier)
    assert own and all(r.service.supplier_id == supplier.supplier_id for r in own)

    # the demand company applied for the voucher with a Shinhan card and uses every inbox tab
    voucher = services.vouchers.get(demand)
    assert voucher.payment_method is PaymentMethod.SHINHAN_CARD
    counts = services.deals.counts(demand)
    assert all(counts[tab] > 0 for tab in DEMAND_TABS), counts
    payable = services.deals.list_tab(demand, DealTab.PAY).rows
    assert len(payable) >= 2 and sum(d.amount for d in payable) <= voucher.budget.remaining
    assert all(d.deadline_at > END for d in payable)
    closed = {d.state: d for d in services.deals.list_tab(demand, DealTab.CLOSED).rows}
    assert set(closed) == {DealState.REJECTED, DealState.EXPIRED}
    assert closed[DealState.REJECTED].close_reason and closed[DealState.EXPIRED].close_reason
    # 불가 was persisted by the sweep, not only computed from the clock
    assert services.deals.sweep().value == 0
    assert len(services.catalog.wishlist(demand)) >= 3
    asked = services.catalog.my_inquiries(demand)
    assert any(q.answer for q in asked) and any(q.answer is None for q in services.catalog.my_inquiries(supplier))

    # the demo supplier's mirror inbox has rows in every tab
    sup_counts = services.deals.counts(supplier)
    assert all(sup_counts[tab] > 0 for tab in SUPPLIER_TABS), sup_counts

    # the agency has an abandonment request to decide
    pending = services.vouchers.abandonments(agency)
    assert pending and all(p.status is AbandonmentStatus.REQUESTED for p in pending)
    assert all(a.at <= END for a in services.audit.records(agency))


def test_print_data_dir(capsys):
    assert app.main(["--print-data-dir"]) == 0
    assert capsys.readouterr().out.strip() == str(settings.data_dir())


def test_demo_payments_and_the_demo_card(demo):
    """결제 in the demo: `demand` (신한카드) has its voucher card — the one the README names — and
    successful, failed and cancelled payments; `company08` (제로페이) too; `supplier` received some."""
    import re
    from pathlib import Path

    from kvoucher_desktop.enums import PaymentStatus, PaymentTab
    from kvoucher_desktop.services.gateways.issuer_store import CardRecord
    from sqlalchemy import select

    services = demo
    demand = services.accounts.login("demand", DEMO_PASSWORD)
    fintech = services.accounts.login("company08", DEMO_PASSWORD)
    supplier = services.accounts.login("supplier", DEMO_PASSWORD)
    for buyer, method in ((demand, PaymentMethod.SHINHAN_CARD), (fintech, PaymentMethod.ZEROPAY)):
        counts = services.payments.counts(buyer)
        assert all(counts[tab] >= 1 for tab in PaymentTab), counts
        assert {r.method for r in services.payments.list_tab(buyer, PaymentTab.ALL).rows} == {method}
    received = services.payments.list_tab(supplier, PaymentTab.SUCCEEDED).rows
    assert received and all(r.supplier_id == supplier.supplier_id for r in received)
    voucher = services.vouchers.get(demand)
    with services.issuer_store.transaction() as session:
        number = session.scalars(select(CardRecord.number).where(
            CardRecord.company_ref == str(demand.company_id))).one()
    assert voucher.card_masked == f"****-****-****-{number[-4:]}"
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    grouped = " ".join(number[i:i + 4] for i in range(0, 16, 4))
    assert grouped in readme, f"README's demo card is not {grouped}"
    # what 결제하기 offers still fits the remaining budget together
    payable = services.deals.list_tab(demand, DealTab.PAY).rows
    assert sum(d.amount for d in payable) <= voucher.budget.remaining
    assert voucher.budget.spent == sum(r.amount for r in services.payments.list_tab(
        demand, PaymentTab.SUCCEEDED).rows if r.status is PaymentStatus.SUCCEEDED)
    assert re.fullmatch(r"\d{16}", number)


def test_demo_evaluations_and_ratings(demo):
    """서비스 정산 in the demo: `demand` has a pending and a done evaluation, the services it rated
    carry the rating in the catalog, and `supplier` has evaluations received."""
    from kvoucher_desktop.enums import EvaluationStatus

    services = demo
    demand = services.accounts.login("demand", DEMO_PASSWORD)
    supplier = services.accounts.login("supplier", DEMO_PASSWORD)
    counts = services.evaluations.counts(demand)
    assert counts[EvaluationStatus.PENDING] >= 1 and counts[EvaluationStatus.DONE] >= 1, counts
    (done,) = services.evaluations.list_tab(demand, EvaluationStatus.DONE).rows
    row = services.catalog.detail(demand, done.service_id).service
    assert row.rating_count >= 1 and row.rating is not None
    received = services.evaluations.list_tab(supplier, EvaluationStatus.DONE).rows
    assert received and all(e.supplier_id == supplier.supplier_id for e in received)
