#!/usr/bin/env python
"""청구내역 of the busiest supplier at programme scale, each figure as a ratio to its anchor.

    python benchmarks/billing.py [--database-url URL] [--repeat 20] [--export-repeat 3]

* **The list** (`list_tab(…, BILLED)` first page, and its counts and totals): the service call
  through the session gate against the raw SQL that returns the same rows (the statements the call
  sent, replayed on a plain DBAPI connection; house.py's Recorder and RawAnchor).
* **The exports** of the supplier's whole store (XLSX and CSV, every completed and cancelled
  payment with the totals rows): against the raw SQL that reads the same rows (every page's
  statement, replayed) — the ratio says what paging through views and writing the file add.
  XLSX with openpyxl's C-accelerated writer (lxml) when installed; the script says which.
* **The slips PDF** of the supplier's last month, when the documents are present.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE.parent, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from house import RawAnchor, Recorder, p95, paired  # noqa: E402

from kvoucher_desktop.enums import BillingExport, PaymentTab  # noqa: E402
from kvoucher_desktop.services.clock import FixedClock, SystemClock  # noqa: E402
from kvoucher_desktop.services.registry import build_services  # noqa: E402

DEFAULT_URL = f"sqlite:///{(HERE / 'out' / 'programme.sqlite3').as_posix()}"


def line(label: str, service: list[float], raw: list[float], rows: str = "") -> None:
    ms, rs = statistics.median(service), statistics.median(raw)
    print(f"{label:58} {ms:10.2f} / {p95(service):10.2f}   raw {rs:10.2f} / {p95(raw):10.2f}   "
          f"{ms / rs if rs else float('nan'):6.2f}× / {p95(service) / p95(raw) if p95(raw) else float('nan'):5.2f}×"
          f"   {rows}")


def main() -> int:
    from market_timings import pick, store_now

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--export-repeat", type=int, default=3)
    args = parser.parse_args()
    probe = build_services(args.database_url, SystemClock())
    try:
        now = store_now(probe)
    finally:
        probe.dispose()
    services = build_services(args.database_url, FixedClock(now))
    recorder, anchor = Recorder(services.engine), RawAnchor(services.engine)
    pay = services.payments
    try:
        supplier, _deals, *_rest = pick(services)
        billed = pay.counts(supplier)[PaymentTab.BILLED]
        print(f"busiest supplier: {billed:,} completed or cancelled payments; now {now:%Y-%m-%d %H:%M} UTC",
              file=sys.stderr)
        print(f"{'measurement':58} {'service med / p95 ms':>23}   {'raw med / p95 ms':>25}   ratio")
        for label, fn in (("청구내역 first page (200)", lambda: pay.list_tab(supplier, PaymentTab.BILLED)),
                          ("청구내역 counts", lambda: pay.counts(supplier)),
                          ("청구내역 totals", lambda: pay.totals(supplier))):
            service, raw, out, _n = paired(recorder, anchor, fn, args.repeat)
            line(label, service, raw, f"{len(out.rows)}+" if hasattr(out, "rows") else "")

        try:
            import lxml  # noqa: F401
            writer = "lxml"
        except ImportError:
            writer = "openpyxl's own XML writer"
        for kind in (BillingExport.CSV, BillingExport.XLSX):
            data, statements = recorder.record(lambda k=kind: pay.export_billing(supplier, k))
            service, raw = [], []
            for _ in range(args.export_repeat):
                t = time.perf_counter()
                pay.export_billing(supplier, kind)
                service.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                anchor.run(statements)
                raw.append((time.perf_counter() - t) * 1000)
            label = f"export {kind.value} — every row ({billed:,})" + (f", {writer}" if kind is BillingExport.XLSX else "")
            line(label, service, raw, f"{len(data) / 1e6:.1f} MB, {len(statements)} statements")
    finally:
        anchor.close()
        services.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
