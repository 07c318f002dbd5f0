#!/usr/bin/env python
"""Every speed goal of the house, each as a ratio to its anchor measured in the same run.

    python benchmarks/house.py [--database-url URL] [--repeat 30] [--no-gui] [--json FILE]
    python benchmarks/house.py --compare sqlite.json postgresql.json

* **List pages** (screening dashboard, catalog, 서비스 요청 inbox tabs, the supplier's services,
  `companies.get`): the service call as a page makes it — through the session gate — against the
  raw SQL returning the same rows: the statements the call sent (recorded with a cursor event,
  without the gate's session lookup) replayed on a plain DBAPI connection, `fetchall()` and the
  transaction's end included. Goal: median and p95 within 2× of the anchor.
* **Company search** (name substring or business-number prefix) for the agency and the busiest
  operator, per query class (1, 2, 3+ syllables, no match, 3- and 5-digit number prefix, full
  number; the next page of a 1-syllable and of a 3-digit search): p95 against the same raw anchor
  and against the absolute limit of 20 ms.
* **Statistics** (the agency's 통계 page, `--only statistics`): each statistic of the current year
  against the raw SQL that computes it (the recorded aggregate statement replayed), as the list
  pages. Goal: within 2×.
* **Start-up and the GUI thread** (`gui_timings.py`, when present; `--no-gui` skips): the first
  window against a bare PySide6 window, and the longest GUI-thread gap after each user action
  against an idle window's heartbeat.

The services run on a clock set to the store's "now" (market_timings.py); the GUI part runs last
because the application's start-up sweep uses the wall clock.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from sqlalchemy import event
from sqlalchemy.engine import make_url

from kvoucher_desktop.enums import DealTab, PaymentTab, ScreeningStatus
from kvoucher_desktop.services.clock import FixedClock, SystemClock
from kvoucher_desktop.services.deals import DEMAND_TABS, SUPPLIER_TABS
from kvoucher_desktop.services.registry import build_services
from kvoucher_desktop.services.rules.payments import TAB_LABELS as PAYMENT_TAB_LABELS
from kvoucher_desktop.services.repositories import rows as _rows
from kvoucher_desktop.services.repositories.rows import STATEMENT_OBSERVERS

DEFAULT_URL = f"sqlite:///{(HERE / 'out' / 'programme.sqlite3').as_posix()}"
LIST_LIMIT = 2.0  # × the raw SQL
SEARCH_LIMIT_MS = 20.0
TAB_LABELS = {DealTab.CONSULT: "거래상담", DealTab.ACCEPTED: "거래수락", DealTab.PAYMENT_REQUESTED: "결제요청",
              DealTab.CART: "장바구니", DealTab.PAY: "결제하기", DealTab.DONE: "결제완료/취소",
              DealTab.CLOSED: "반려/불가"}
ONLY: list[str] = []


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class Recorder:
    """The statements a service call sends, as the driver gets them (the gate's lookup left out)."""

    def __init__(self, engine):
        self.engine, self.on, self.statements = engine, False, []
        event.listen(engine, "before_cursor_execute", self._seen)
        STATEMENT_OBSERVERS.append(lambda statement, parameters: self._seen(None, None, statement, parameters, None, False))

    def _seen(self, _conn, _cursor, statement, parameters, _context, executemany):
        """Statements through SQLAlchemy (its cursor event) and through `rows.read_into` (which
        hands its prepared statements to the driver itself)."""
        if not self.on or "login_sessions" in statement:
            return
        if executemany or not statement.lstrip().upper().startswith(("SELECT", "WITH", "(SELECT")):
            raise RuntimeError(f"a list read wrote or batched: {statement[:80]}")
        self.statements.append((statement, parameters))

    def record(self, fn):
        """`fn()` and the statements it sent, each as (sql, parameters, planned at every run): the
        last is what `RawAnchor.run` needs to send it as the service did, looked up here once."""
        self.statements, self.on = [], True
        try:
            out = fn()
        finally:
            self.on = False
        unprepared = _unprepared()
        return out, [(sql, parameters, sql in unprepared) for sql, parameters in self.statements]


def _unprepared() -> set[str]:
    """SQL texts the services send with psycopg's `prepare=False` (rows.report)."""
    return {d.sql for _statement, d in list(_rows._DIRECT.values()) if d is not None and d.execute_options}


class RawAnchor:
    """Replays recorded statements on a plain DBAPI connection: the least the same rows cost."""

    def __init__(self, engine):
        self.raw = engine.raw_connection()
        #: the transaction ends as the services' reads end it: the dialect's rollback, which on
        #: PostgreSQL commits a transaction of SELECTs (store._end_reads_by_commit), so the anchor's
        #: statements stay prepared as the services' do
        self.end = engine.dialect.do_rollback

    def run(self, statements) -> int:
        cur = self.raw.cursor()
        rows = 0
        for statement, parameters, unprepared in statements:
            if unprepared:  # a report: planned with its values, as the service runs it
                cur.execute(statement, parameters, prepare=False)
            else:
                cur.execute(statement, parameters)
            rows += len(cur.fetchall())
        cur.close()
        self.end(self.raw)
        return rows

    def close(self):
        self.raw.close()


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up: statement caches, pool, OS page cache
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def paired(recorder: Recorder, anchor: RawAnchor, fn, repeat: int) -> tuple[list[float], list[float], object, int]:
    """Service and anchor times, interleaved in rounds so that load on the machine hits both."""
    out, statements = recorder.record(fn)
    fn(), anchor.run(statements)
    service, raw = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        service.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        anchor.run(statements)
        raw.append((time.perf_counter() - t) * 1000)
    return service, raw, out, len(statements)


def rows_of(out) -> str:
    if hasattr(out, "rows") and hasattr(out, "next_cursor"):
        return f"{len(out.rows)}{'+' if out.next_cursor else ''}"
    if isinstance(out, dict):
        return str(sum(out.values()))
    if isinstance(out, (list, tuple)):
        return str(len(out))
    if hasattr(out, "documents"):
        return f"{len(out.documents)} docs, {len(out.history)} events"
    return ""


def wanted(label: str) -> bool:
    return not ONLY or any(part in label for part in ONLY)


def run(url: str, repeat: int) -> list[dict]:
    from market_timings import pick as pick_market, store_now
    from timings import pick_actors

    probe = build_services(url, SystemClock())  # migrates the store if it is behind (timed apart)
    try:
        now = store_now(probe)
    except SystemExit:  # generated with --suppliers 0: no catalog / deal side to time
        now = None
    finally:
        probe.dispose()
    services = build_services(url, FixedClock(now) if now is not None else SystemClock())
    recorder, anchor = Recorder(services.engine), RawAnchor(services.engine)
    results: list[dict] = []

    def add(kind: str, label: str, fn, limit_ms: float | None = None):
        if not wanted(label):
            return
        service, raw, out, n = paired(recorder, anchor, fn, repeat)
        results.append({"kind": kind, "label": label, "service_ms": service, "raw_ms": raw, "rows": rows_of(out),
                        "statements": n, "limit_ms": limit_ms})

    try:
        (op, op_count, op_name, agency, typical, _heavy, sample_name, sample_bno,
         common_prefix) = pick_actors(services)
        scr, comp = services.screening, services.companies
        total = sum(scr.counts(agency).values())
        print(f"store: {total:,} companies; busiest operator {op_name} ({op_count:,})", file=sys.stderr)
        scopes = ((f"operator ({op_count:,})", op), (f"agency ({total:,})", agency))

        # --- list pages ---------------------------------------------------------------------------
        for scope, actor in scopes:
            add("list", f"dashboard counts — {scope}", lambda a=actor: scr.counts(a))
            add("list", f"dashboard first page — {scope}", lambda a=actor: scr.list_companies(a))
            add("list", f"dashboard status APPROVED — {scope}",
                lambda a=actor: scr.list_companies(a, status=ScreeningStatus.APPROVED))
            first = scr.list_companies(actor)
            add("list", f"dashboard next page — {scope}",
                lambda a=actor, c=first.next_cursor: scr.list_companies(a, cursor=c))
        add("list", f"companies.get — own company ({typical.login_id})", lambda: comp.get(typical))
        add("list", "companies.get — operator opens a company", lambda: comp.get(op, typical.company_id))
        if now is not None:
            market(add, services, pick_market(services))
        else:
            print("no deals in the store (generated with --suppliers 0): catalog and inbox not timed", file=sys.stderr)

        # --- company search -----------------------------------------------------------------------
        company_search(add, scr, scopes, sample_name, sample_bno, common_prefix)

        # --- the agency's statistics --------------------------------------------------------------
        programme_statistics(add, services, op, agency)
    finally:
        anchor.close()
        services.dispose()
    return results


def market(add, services, picked) -> None:
    supplier, sup_deals, demand, demand_deals, _popular, services_n = picked
    cat, deals = services.catalog, services.deals
    add("list", f"catalog search all services — first page ({services_n:,})", lambda: cat.search(None, ""))
    add("list", "catalog search '화상' — first page", lambda: cat.search(None, "화상"))
    add("list", "catalog search '재택근무' — first page (demand)", lambda: cat.search(demand, "재택근무"))
    add("list", "catalog category VIDEO — first page", lambda: cat.search(None, "", "VIDEO"))
    add("list", "catalog count '화상'", lambda: cat.count(None, "화상"))
    sup_scope = f"busiest supplier ({sup_deals:,} deals)"
    add("list", f"inbox counts — {sup_scope}", lambda: deals.counts(supplier))
    for tab in SUPPLIER_TABS:
        add("list", f"inbox {TAB_LABELS[tab]} — {sup_scope}", lambda t=tab: deals.list_tab(supplier, t))
    dem_scope = f"demand company ({demand_deals} deals)"
    add("list", f"inbox counts — {dem_scope}", lambda: deals.counts(demand))
    for tab in DEMAND_TABS:
        add("list", f"inbox {TAB_LABELS[tab]} — {dem_scope}", lambda t=tab: deals.list_tab(demand, t))
    add("list", f"supplier services — {sup_scope}", lambda: cat.supplier_services(supplier))
    pay = services.payments  # 서비스 결제관리 / 결제 내역: the first page of each tab, and the counts
    scopes = [(dem_scope, demand), (sup_scope, supplier)]
    probes = ("payment counts", *(f"payments {label}" for label in PAYMENT_TAB_LABELS.values()))
    if any(wanted(f"{probe} — paying company") for probe in probes):
        payer, payer_n = paying_company(services)  # the inbox's company has no payment yet
        if payer is not None:
            scopes.insert(1, (f"paying company ({payer_n:,} payments)", payer))
    for scope, actor in scopes:
        add("list", f"payment counts — {scope}", lambda a=actor: pay.counts(a))
        for tab in PaymentTab:
            add("list", f"payments {PAYMENT_TAB_LABELS[tab]} — {scope}", lambda a=actor, t=tab: pay.list_tab(a, t))


def paying_company(services):
    """The demand company with the most payments (attempts included) and a session of its login."""
    from sqlalchemy import func, select

    from kvoucher_desktop.models import Payment, User

    with services.programme.uow() as uow:
        s = uow.session
        found = s.execute(select(Payment.company_id, func.count()).group_by(Payment.company_id)
                          .order_by(func.count().desc(), Payment.company_id).limit(1)).first()
        if found is None:
            return None, 0
        user_id = s.scalars(select(User.id).where(User.company_id == found[0]).order_by(User.login_id)).first()
    return services.sessions.open_for(user_id), found[1]


def programme_statistics(add, services, op, agency) -> None:
    """Each statistic of the 통계 page against the raw SQL that computes it (the current year; the
    per-day one over the page's default 30 days and over the whole year so far)."""
    from kvoucher_desktop.services.clock import kst_date

    st = services.statistics
    today = kst_date(services.clock.now())
    year = services.programme.settings().year
    add("list", "statistics: companies per state per agency", lambda: st.screening(agency))
    add("list", "statistics: companies per state — one operator", lambda: st.screening(op))
    add("list", "statistics: budget (approved/spent/remaining/abandoned)", lambda: st.budget(agency))
    add("list", "statistics: payments per KST day — 30 days", lambda: st.payments_by_day(agency))
    start = max(date(year, 1, 1), today - timedelta(days=399))
    add("list", "statistics: payments per KST day — the year so far",
        lambda: st.payments_by_day(agency, start=start, end=today))
    add("list", "statistics: payments per category — the year", lambda: st.payments_by_category(agency))
    add("list", "statistics: ratings per supplier", lambda: st.supplier_ratings(agency))
    add("list", "statistics: ratings per service", lambda: st.service_ratings(agency))


def company_search(add, scr, scopes, sample_name, sample_bno, common_prefix) -> None:
    core = sample_name.replace("주식회사", "").replace("(주)", "").strip()
    searches = (
        ("1 syllable '한'", "한"),
        ("2 syllables '새봄'", "새봄"),
        ("3 syllables '솔루션'", "솔루션"),
        (f"3+ syllables, one company '{core}'", core),
        ("no match '없는회사'", "없는회사"),
        (f"business no. prefix '{common_prefix}'", common_prefix),  # 3 digits: the prefix index (0006)
        (f"business no. prefix '{common_prefix}{sample_bno[3:5]}' (5 digits)",  # the range, then a sort
         f"{common_prefix}{sample_bno[3:5]}"),
        (f"business no. '{sample_bno[:3]}-{sample_bno[3:5]}-{sample_bno[5:]}'",
         f"{sample_bno[:3]}-{sample_bno[3:5]}-{sample_bno[5:]}"),
    )
    for scope, actor in scopes:
        for label, q in searches:
            add("search", f"search {label} — {scope}", lambda a=actor, q=q: scr.list_companies(a, query=q),
                SEARCH_LIMIT_MS)
        for label, q in (("1 syllable '한'", "한"), (f"business no. prefix '{common_prefix}'", common_prefix)):
            # the second page: the keyset continues the same index walk
            label = f"search next page, {label} — {scope}"
            first = scr.list_companies(actor, query=q) if wanted(label) else None
            if first is not None and first.next_cursor is not None:
                add("search", label, lambda a=actor, q=q, c=first.next_cursor: scr.list_companies(a, query=q, cursor=c),
                    SEARCH_LIMIT_MS)


def verdict(r: dict) -> str:
    med = statistics.median(r["service_ms"]) / statistics.median(r["raw_ms"])
    tail = p95(r["service_ms"]) / p95(r["raw_ms"])
    if r["kind"] == "search":
        return "✔" if p95(r["service_ms"]) <= r["limit_ms"] else "✘"
    return "✔" if med <= LIST_LIMIT and tail <= LIST_LIMIT else "✘"


def load_average() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def table(results: list[dict]) -> str:
    lines = ["| measurement | service median / p95 ms | raw SQL median / p95 ms | ratio median / p95 | ratio of minima "
             "| goal | rows |", "|---|---:|---:|---:|---:|:---:|---|"]
    for r in results:
        s, a = r["service_ms"], r["raw_ms"]
        goal = f"p95 ≤ {r['limit_ms']:.0f} ms" if r["kind"] == "search" else f"≤ {LIST_LIMIT:.0f}×"
        lines.append(f"| {r['label']} | {statistics.median(s):.2f} / {p95(s):.2f} | "
                     f"{statistics.median(a):.2f} / {p95(a):.2f} | "
                     f"{statistics.median(s) / statistics.median(a):.2f}× / {p95(s) / p95(a):.2f}× | "
                     f"{min(s) / min(a):.2f}× | {goal} {verdict(r)} | {r['rows']} |")
    return "\n".join(lines)


def ms(value: float) -> str:
    """Milliseconds as the tables print them: two decimals below 1 ms (a 12-deal tab's SQL is 0.02 ms)."""
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def compare(files: list[str]) -> None:
    runs = [(Path(f).stem, json.loads(Path(f).read_text(encoding="utf-8"))) for f in files]
    labels: list[str] = []
    for _, data in runs:
        labels += [r["label"] for r in data["results"] if r["label"] not in labels]
    head = " | ".join(f"{name} service med / p95 | {name} raw med / p95 | {name} ratio" for name, _ in runs)
    print(f"| measurement | {head} |")
    print("|---|" + "---:|---:|---:|" * len(runs))
    for label in labels:
        cells = []
        for _, data in runs:
            r = next((x for x in data["results"] if x["label"] == label), None)
            if r is None:
                cells.append("– | – | –")
                continue
            s, a = r["service_ms"], r["raw_ms"]
            cells.append(f"{ms(statistics.median(s))} / {ms(p95(s))} | {ms(statistics.median(a))} / {ms(p95(a))} | "
                         f"{statistics.median(s) / statistics.median(a):.2f}× / {p95(s) / p95(a):.2f}× {verdict(r)}")
        print(f"| {label} | {' | '.join(cells)} |")
    for name, data in runs:
        if data.get("gui"):
            print(f"\n{data['gui']}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=DEFAULT_URL, help=f"generated store (default: {DEFAULT_URL})")
    p.add_argument("--repeat", type=int, default=30, help="timed rounds per measurement (default 30)")
    p.add_argument("--gui-repeat", type=int, default=5, help="fresh processes per start-up arm (default 5)")
    p.add_argument("--no-gui", action="store_true", help="skip start-up and heartbeat (gui_timings.py)")
    p.add_argument("--only", default="", metavar="TEXT[,TEXT…]", help="measurements whose label contains a text")
    p.add_argument("--json", metavar="FILE", help="also write the raw timings as JSON")
    p.add_argument("--compare", nargs="+", metavar="JSON", help="earlier --json runs side by side, then exit")
    args = p.parse_args(argv)
    if args.compare:
        compare(args.compare)
        return 0
    ONLY[:] = [part for part in args.only.split(",") if part]
    load_before = load_average()
    results = run(args.database_url, args.repeat)
    gui = ""
    if not args.no_gui:
        try:
            import gui_timings
        except ImportError:
            gui = "(gui_timings.py not present: start-up and heartbeat not measured)"
        else:
            start = gui_timings.measure_start(args.database_url, args.gui_repeat)
            beat = gui_timings.measure_heartbeat(args.database_url)
            gui = gui_timings.markdown(args.database_url, start, beat)
    u = make_url(args.database_url)
    print(f"\n{u.render_as_string(hide_password=True)} — {u.get_backend_name()}, {os.cpu_count()} CPUs, "
          f"repeat {args.repeat}, load average before {load_before}, after {load_average()}\n")
    print(table(results))
    if gui:
        print(f"\n{gui}")
    failed = [r["label"] for r in results if verdict(r) != "✔"]
    print(f"\n{len(results) - len(failed)}/{len(results)} goals met" + (f"; not met: {', '.join(failed)}" if failed else ""))
    if args.json:
        Path(args.json).write_text(json.dumps({"url": u.render_as_string(hide_password=True), "results": results,
                                               "gui": gui}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
