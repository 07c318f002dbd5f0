#!/usr/bin/env python
"""Payment throughput with concurrent desks, against a raw row-lock loop on the same table.

    python benchmarks/payment_throughput.py [--database-url URL --reset] [--workers 8] [--payments 400]

Builds a small store of its own (a fresh SQLite file in benchmarks/out/, or the PostgreSQL
database given — its tables are emptied and migrated), with one approved ZeroPay company per
worker and a supplier whose services they buy. Then:

* **service**: `workers` threads, each a desk of its own company, pay deals one after the other
  through the services as the payment window does (`payments.start` under the budget lock, then
  `pay_zeropay` with the issuer): payments per second;
* **anchor**: the same threads run the least a payment's budget lock costs — `UPDATE companies
  SET version = version WHERE id = …` and a commit, on a plain DBAPI connection each — as many
  times as payments were made: row locks per second.

Prints both, their ratio, and the ledger check after the run (remaining = budget − Σ SUCCEEDED
− Σ IN_PROGRESS ≥ 0 for every company; violations must be 0).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from sqlalchemy import func, select, text

from kvoucher_desktop.enums import DealState, PaymentMethod, PaymentStatus
from kvoucher_desktop.models import Company, Deal, Payment
from kvoucher_desktop.services.clock import FixedClock
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
from kvoucher_desktop.services.registry import build_services
from kvoucher_desktop.services.rules.deals import deadline

PIN = "583920"
AMOUNT = 1_000


def throwaway_store(url: str | None, name: str) -> str:
    """A store of the run's own: a fresh SQLite file `out/<name>.sqlite3` (and no issuers' file
    beside it) when `url` is None, else the PostgreSQL database `url` emptied."""
    if url is None:
        path = HERE / "out" / f"{name}.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                    path.with_name(path.stem + ".issuers" + path.suffix)):
            old.unlink(missing_ok=True)
        return f"sqlite:///{path.as_posix()}"
    from kvoucher_desktop.services.store import create_store_engine

    engine = create_store_engine(url)
    with engine.begin() as conn:  # the app's tables and the issuers'
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def build(url: str, workers: int, per_worker: int):
    from tests.factories import approved_buyer, make_service, make_supplier_account  # the real flows

    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    services = build_services(url, clock, hash_params=FAST_FOR_TESTS, simulator_seed=1)
    supplier = make_supplier_account(services)
    service_ids = [make_service(services, supplier, price=2_000_000).id for _ in range(per_worker)]
    desks = []
    for _ in range(workers):
        buyer, company_id = approved_buyer(services, PaymentMethod.ZEROPAY)
        now = clock.now()
        with services.payments.uow() as uow:
            deals = []
            for service_id in service_ids:
                d = Deal(id=uuid.uuid4(), company_id=company_id, service_id=service_id,
                         supplier_id=supplier.supplier_id, state=DealState.PAYMENT_REQUESTED, memo="벤치마크",
                         requested_at=now, accepted_at=now, payment_requested_at=now, amount=AMOUNT,
                         deadline_at=deadline(now, 30), updated_at=now)
                uow.session.add(d)
                deals.append(d.id)
            uow.commit()
        desks.append((buyer, company_id, deals))
    return services, desks


def run_threads(target, items) -> float:
    threads = [threading.Thread(target=target, args=(item,)) for item in items]
    barrier_start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - barrier_start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--payments", type=int, default=400, help="payments in all (split over the workers)")
    parser.add_argument("--reset", action="store_true", help="PostgreSQL: empty the given database first")
    args = parser.parse_args(argv)
    per_worker = max(1, args.payments // args.workers)
    if args.database_url is not None and not args.reset:
        print("this benchmark empties the PostgreSQL database it is given: pass --reset to agree", file=sys.stderr)
        return 2
    url = throwaway_store(args.database_url, "payment_throughput")
    services, desks = build(url, args.workers, per_worker)
    errors: list[BaseException] = []

    def desk_pays(desk):
        buyer, _company_id, deals = desk
        try:
            for deal_id in deals:
                (p,) = services.payments.start(buyer, [(deal_id, uuid.uuid4().hex)]).value
                services.payments.pay_zeropay(buyer, p.id, PIN)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    service_s = run_threads(desk_pays, desks)
    made = per_worker * args.workers

    def row_locks(desk):
        _buyer, company_id, _deals = desk
        raw = services.engine.raw_connection()
        try:
            cur = raw.cursor()
            ident = company_id if services.engine.dialect.name == "postgresql" else company_id.hex
            mark = "%s" if services.engine.dialect.name == "postgresql" else "?"
            for _ in range(per_worker):
                cur.execute(f"UPDATE companies SET version = version WHERE id = {mark}", (ident,))
                raw.commit()
        finally:
            raw.close()

    anchor_s = run_threads(row_locks, desks)
    violations = 0
    with services.payments.uow() as uow:
        for _buyer, company_id, _deals in desks:
            c = uow.session.get(Company, company_id)
            ledger = uow.budget.ledger(c)
            held = uow.session.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.company_id == company_id, Payment.status.in_((PaymentStatus.SUCCEEDED, PaymentStatus.IN_PROGRESS))))
            violations += ledger.remaining < 0 or ledger.remaining != c.budget_total - held
        succeeded = uow.session.scalar(select(func.count()).select_from(Payment).where(
            Payment.status == PaymentStatus.SUCCEEDED))
    services.dispose()
    store = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{store}, {args.workers} workers, {made} payments ({succeeded} succeeded, {len(errors)} errors)")
    print(f"| measurement | per second | anchor per second | ratio |\n|---|---:|---:|---:|")
    print(f"| payments (start + pay_zeropay) | {made / service_s:,.0f} | {made / anchor_s:,.0f} "
          f"(row-lock UPDATE + commit) | {anchor_s and (service_s / anchor_s):.1f}× the time |")
    print(f"ledger violations after the run: {violations}")
    if errors:
        print(f"first error: {errors[0]!r}")
    return 1 if violations or errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
