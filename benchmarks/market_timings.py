"""Timings of the catalog, deal inbox and voucher screens (used by timings.py).

The services run on a FixedClock set just after the newest deal of the store (the store's
"now"), not on the wall clock: a store generated for 2026-10-30 read a month later would see
every open deal expired, which is neither what users see nor what the sweep normally faces.
timings.py runs these before its cold start, because the main window sweeps at start-up with the
wall clock and so persists those expiries (regenerate the store for clean figures afterwards).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, func, select

from kvoucher_desktop.enums import DealState, DealTab, Role
from kvoucher_desktop.models import OPEN_STATES, Deal, Service, User
from kvoucher_desktop.services.clock import FixedClock, SystemClock
from kvoucher_desktop.services.deals import DEMAND_TABS, SUPPLIER_TABS
from kvoucher_desktop.services.registry import build_services

TAB_LABELS = {DealTab.CONSULT: "거래상담", DealTab.ACCEPTED: "거래수락", DealTab.PAYMENT_REQUESTED: "결제요청",
              DealTab.CART: "장바구니", DealTab.PAY: "결제하기", DealTab.DONE: "결제완료/취소",
              DealTab.CLOSED: "반려/불가"}

#: (label, query, category) — 1-, 2-, 3+-syllable Korean, several words, Latin letters, no match
SEARCHES = (
    ("1 syllable '화'", "화", None),
    ("1 syllable '팀'", "팀", None),
    ("2 syllables '화상'", "화상", None),
    ("2 syllables '보안'", "보안", None),
    ("2 syllables '돌봄'", "돌봄", None),
    ("3+ syllables '그룹웨어'", "그룹웨어", None),
    ("3+ syllables '재택근무'", "재택근무", None),
    ("3+ syllables '원격 심리상담' (2 words)", "원격 심리상담", None),
    ("3+ syllables, no match '없는서비스'", "없는서비스", None),
    ("Latin 'VPN'", "VPN", None),
    ("Latin + space 'lms 교육'", "lms 교육", None),
    ("Latin + space 'Zoom 대체 화상'", "Zoom 대체 화상", None),
    ("2 syllables '화상' in 화상회의", "화상", "VIDEO"),
)


def store_now(services):
    """The store's "now": an hour after its newest deal request (generate.py makes them up to `--end`).

    Not the newest `updated_at`: opening the store in the app (also timings.py's cold start) sweeps
    with the wall clock and stamps the deals it expires with the wall-clock time."""
    with services.programme.uow() as uow:
        newest = uow.session.scalar(select(func.max(Deal.requested_at)))
    if newest is None:
        raise SystemExit("no deals in the store — generate it with suppliers and services (generate.py)")
    return newest + timedelta(hours=1)


def pick(services):
    """Busiest supplier (most deals), the demand company with the most deals, a popular service."""
    with services.programme.uow() as uow:
        s = uow.session
        sup_id, sup_deals = s.execute(select(Deal.supplier_id, func.count()).group_by(Deal.supplier_id)
                                      .order_by(func.count().desc()).limit(1)).one()
        supplier = s.scalars(select(User).where(User.role == Role.SUPPLIER, User.supplier_id == sup_id)).first()
        # the demand inbox with the most open deals (then the most deals): every tab has rows
        open_n = func.sum(case((Deal.state.in_(OPEN_STATES), 1), else_=0))
        company_id, company_deals = s.execute(
            select(Deal.company_id, func.count()).join(User, User.company_id == Deal.company_id)
            .group_by(Deal.company_id).order_by(open_n.desc(), func.count().desc(), Deal.company_id).limit(1)).one()
        demand = s.scalars(select(User).where(User.company_id == company_id)).first()
        popular = s.execute(select(Deal.service_id, func.count()).group_by(Deal.service_id)
                            .order_by(func.count().desc()).limit(1)).one()[0]
        services_n = s.scalar(select(func.count()).select_from(Service))
        supplier_id, demand_id = supplier.id, demand.id
    # sessions as a login opens them (without the Argon2id check): every service call resolves them
    return (services.sessions.open_for(supplier_id), sup_deals, services.sessions.open_for(demand_id),
            company_deals, popular, services_n)


def run_market(url: str, repeat: int, measure, page_rows) -> list:
    probe = build_services(url, SystemClock())
    try:
        now = store_now(probe)
    finally:
        probe.dispose()
    services = build_services(url, FixedClock(now))
    results = []
    try:
        supplier, sup_deals, demand, demand_deals, popular, services_n = pick(services)
        cat, deals, vouchers = services.catalog, services.deals, services.vouchers
        counts_rows = lambda d: " / ".join(str(n) for n in d.values())  # noqa: E731
        for label, q, category in SEARCHES:
            results.append(measure(f"catalog search {label} — first page ({services_n:,} services)",
                                   lambda q=q, c=category: cat.search(None, q, c), repeat, rows=page_rows))
            # the search page asks for the count per category chip of the query (one grouped query)
            results.append(measure(f"catalog chip counts {label}",
                                   lambda q=q: cat.category_counts(q), repeat,
                                   rows=lambda d: str(sum(d.values()))))
        first = cat.search(None, "")
        results.append(measure("catalog all services — next page (keyset)",
                               lambda c=first.next_cursor: cat.search(None, "", cursor=c), repeat, rows=page_rows))
        tiles = cat.category_counts()
        big = max(tiles, key=tiles.get)
        small = min(tiles, key=tiles.get)
        results.append(measure("category tiles: catalog.category_counts", cat.category_counts, repeat,
                               rows=lambda d: str(sum(d.values()))))
        for code in (big, small):
            results.append(measure(f"category listing {code} ({tiles[code]:,}) — first page",
                                   lambda c=code: cat.search(None, "", c), repeat, rows=page_rows))
            results.append(measure(f"category listing {code} — count", lambda c=code: cat.count(None, "", c), repeat,
                                   rows=str))
        results.append(measure("service detail: catalog.detail(demand, most-ordered service)",
                               lambda: cat.detail(demand, popular), repeat,
                               rows=lambda v: f"{len(v.other_services)} other services"))
        results.append(measure("service detail: catalog.detail(anonymous)", lambda: cat.detail(None, popular), repeat,
                               rows=lambda v: f"{len(v.other_services)} other services"))
        results.append(measure("service detail: catalog.inquiries(demand)", lambda: cat.inquiries(demand, popular),
                               repeat, rows=lambda r: str(len(r))))
        sup_scope = f"busiest supplier ({supplier.login_id}, {sup_deals:,} deals)"
        results.append(measure(f"supplier inbox deals.counts — {sup_scope}", lambda: deals.counts(supplier), repeat,
                               rows=counts_rows))
        for tab in SUPPLIER_TABS:
            results.append(measure(f"supplier inbox {TAB_LABELS[tab]} first page — {sup_scope}",
                                   lambda t=tab: deals.list_tab(supplier, t), repeat, rows=page_rows))
        closed = deals.list_tab(supplier, DealTab.CLOSED)
        if closed.next_cursor:
            results.append(measure(f"supplier inbox 반려/불가 next page — {sup_scope}",
                                   lambda c=closed.next_cursor: deals.list_tab(supplier, DealTab.CLOSED, c), repeat,
                                   rows=page_rows))
        results.append(measure(f"supplier services: catalog.supplier_services — {sup_scope}",
                               lambda: cat.supplier_services(supplier), repeat, rows=lambda r: str(len(r))))
        results.append(measure(f"supplier inquiries: catalog.my_inquiries — {sup_scope}",
                               lambda: cat.my_inquiries(supplier), repeat, rows=lambda r: str(len(r))))
        dem_scope = f"demand company with most open deals ({demand.login_id}, {demand_deals} deals)"
        results.append(measure(f"demand inbox deals.counts — {dem_scope}", lambda: deals.counts(demand), repeat,
                               rows=counts_rows))
        for tab in DEMAND_TABS:
            results.append(measure(f"demand inbox {TAB_LABELS[tab]} — {dem_scope}",
                                   lambda t=tab: deals.list_tab(demand, t), repeat, rows=page_rows))
        results.append(measure(f"wishlist: catalog.wishlist — {dem_scope}", lambda: cat.wishlist(demand), repeat,
                               rows=lambda r: str(len(r))))
        results.append(measure(f"voucher page: vouchers.get — {dem_scope}", lambda: vouchers.get(demand), repeat,
                               rows=lambda v: f"remaining {v.budget.remaining:,}"))
        one = deals.list_tab(demand, DealTab.CLOSED).rows or deals.list_tab(demand, DealTab.CONSULT).rows
        if one:
            results.append(measure("deal detail: deals.get + deals.events", lambda d=one[0].id: (
                deals.get(demand, d), deals.events(demand, d)), repeat, rows=lambda r: f"{len(r[1])} events"))
        results.append(measure("sweep with nothing due: deals.sweep", deals.sweep, repeat,
                               rows=lambda done: str(done.value)))
        with services.programme.uow() as uow:
            open_deals = uow.session.scalar(select(func.count()).select_from(Deal).where(
                Deal.state.in_((DealState.CONSULT_REQUESTED, DealState.PAYMENT_REQUESTED, DealState.IN_CART))))
        if results[-1] is not None:
            results[-1].rows = f"{results[-1].rows} due ({open_deals:,} awaiting an answer)"
    finally:
        services.dispose()
    return results
