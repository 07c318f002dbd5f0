#!/usr/bin/env python
"""Time the start-up and the screening screens against a store made by generate.py.

    python benchmarks/timings.py [--database-url URL] [--repeat 20] [--cold-repeat 5] [--no-gui]

Prints one table: median and 95th percentile (nearest rank) in milliseconds over the repeated
runs, and how many rows the call returned. Every service call is made once before timing
(warm-up: connection pool, SQLAlchemy statement cache, OS page cache); cold start-up is timed
in fresh Python processes.

Actors are read from the users table (as ``AccountService.login`` would return them) so that
timing does not depend on Argon2; the login itself is timed as its own row.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import textwrap
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kvoucher_desktop.enums import Role, ScreeningStatus
from kvoucher_desktop.models import Company, CompanyChange, OperatingAgency, User
from kvoucher_desktop.services.clock import SystemClock
from kvoucher_desktop.services.passwords import PRODUCTION, Passwords
from kvoucher_desktop.services.registry import build_services
from kvoucher_desktop.services.store import create_store_engine, migrate

DEFAULT_URL = f"sqlite:///{(HERE / 'out' / 'programme.sqlite3').as_posix()}"
BENCH_PASSWORD = "bench-pass-2026"  # as in generate.py

#: names the GUI entry point may give the function that builds the main window without exec()
WINDOW_BUILDERS = ("build_main_window", "create_main_window", "make_main_window", "build_window")


@dataclass
class Result:
    label: str
    times_ms: list[float]
    rows: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


#: substrings of the measurements to run (--only); empty = all
ONLY: list[str] = []


def wanted(label: str) -> bool:
    return not ONLY or any(part in label for part in ONLY)


def measure(label: str, fn, repeat: int, warmup: int = 1, rows=None) -> Result | None:
    if not wanted(label):
        return None
    for _ in range(warmup):
        out = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return Result(label, times, rows(out) if rows else "")


def page_rows(page) -> str:
    return f"{len(page.rows)}{'+' if page.next_cursor else ''}"


# --------------------------------------------------------------------------------------------
# Cold start in a fresh process
# --------------------------------------------------------------------------------------------

COLD_SNIPPET = textwrap.dedent(r"""
    import json, os, sys, time
    spawned = float(sys.argv[3])  # time.time() in the parent just before it started this process
    now = lambda: time.time() - spawned
    url, want_gui = sys.argv[1], sys.argv[2] == "1"
    out = {"interpreter": now()}
    from kvoucher_desktop.services.clock import SystemClock
    from kvoucher_desktop.services.registry import build_services
    out["import_services"] = now()
    services = build_services(url, SystemClock())
    out["services"] = now()
    if want_gui:
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance() or QApplication(["kvoucher-desktop"])
        app.setApplicationName("kvoucher-desktop")
        try:  # as app.main() does before the window exists
            from kvoucher_desktop.views.style import apply_style
        except ImportError:
            pass
        else:
            apply_style(app)
        out["qapplication"] = now()
        builder = None
        try:
            import kvoucher_desktop.app as appmod
        except ImportError as exc:
            out["gui_note"] = f"kvoucher_desktop.app not importable ({exc}); measured QApplication only"
        else:
            for name in %(builders)r:
                builder = getattr(appmod, name, None)
                if builder is not None:
                    out["gui_note"] = f"kvoucher_desktop.app.{name}"
                    break
            else:
                out["gui_note"] = "kvoucher_desktop.app has no window builder (%(builders_text)s); measured QApplication only"
        if builder is not None:
            import inspect
            given = {"services": services, "url": url, "database_url": url, "store_url": url,
                     "argv": ["--database-url", url]}
            kwargs = {n: given[n] for n in inspect.signature(builder).parameters if n in given}
            window = builder(**kwargs)
            if isinstance(window, tuple):  # e.g. (app, window)
                window = next(w for w in window if hasattr(w, "show") and hasattr(w, "isVisible"))
            window.show()
            app.processEvents()
            out["window"] = now()
    services.dispose()
    print("COLD " + json.dumps(out))
""")


def cold_start(url: str, gui: bool) -> dict:
    code = COLD_SNIPPET % {"builders": WINDOW_BUILDERS, "builders_text": ", ".join(WINDOW_BUILDERS)}
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
    spawned = time.time()
    proc = subprocess.run([sys.executable, "-c", code, url, "1" if gui else "0", repr(spawned)], check=False, env=env,
                          capture_output=True, text=True, timeout=300)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("COLD ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"cold start failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(line[5:])


# --------------------------------------------------------------------------------------------
# Service timings
# --------------------------------------------------------------------------------------------

def pick_actors(services):
    """The actors and search terms of the run: (busiest operator, its company count, its name, agency,
    typical demand company, demand company with the longest 수정이력, name and business number of a
    company in the middle of the busiest operator's list, its most common business-number prefix)."""
    with services.programme.uow() as uow:
        s = uow.session
        op_id, op_count = s.execute(
            select(Company.operator_id, func.count()).group_by(Company.operator_id).order_by(func.count().desc())
        ).first()
        operator = s.scalars(select(User).where(User.role == Role.OPERATOR, User.operator_id == op_id,
                                                User.active.is_(True)).order_by(User.login_id)).first()
        agency = s.scalars(select(User).where(User.role == Role.AGENCY).order_by(User.login_id)).first()
        if operator is None or agency is None:
            raise SystemExit("no operator/agency accounts in the store — was it made by benchmarks/generate.py?")
        # typical: an approved company of the busiest operator with a login
        typical = s.scalars(
            select(User).join(Company, Company.id == User.company_id)
            .where(Company.operator_id == op_id, Company.status == ScreeningStatus.APPROVED)
            .order_by(User.login_id).limit(1)
        ).first()
        # heaviest status page: the company with the longest modification history that has a login
        heavy_company = s.execute(
            select(CompanyChange.company_id, func.count()).join(User, User.company_id == CompanyChange.company_id)
            .group_by(CompanyChange.company_id).order_by(func.count().desc(), CompanyChange.company_id).limit(1)
        ).first()
        heavy = s.scalars(select(User).where(User.company_id == heavy_company[0])).first() if heavy_company else typical
        if typical is None:
            raise SystemExit("no demand logins in the store")
        op_name = s.get(OperatingAgency, op_id).name
        # a company in the busiest operator's jurisdiction, for search by name / number
        sample = s.scalars(select(Company).where(Company.operator_id == op_id)
                           .order_by(Company.submitted_at).offset(op_count // 2).limit(1)).one()
        prefixes = Counter(b[:3] for b in s.scalars(select(Company.business_no).where(Company.operator_id == op_id)))
        common_prefix = min(prefixes, key=lambda p: (-prefixes[p], p))
        ids = (operator.id, agency.id, typical.id, heavy.id)
        rest = (sample.name, sample.business_no, common_prefix)
    # sessions as a login opens them (without the Argon2id check): every service call resolves them
    op, ag, ty, he = (services.sessions.open_for(i) for i in ids)
    return (op, op_count, op_name, ag, ty, he, *rest)


def run(url: str, repeat: int, cold_repeat: int, gui: bool, market: bool = True) -> list[Result]:
    results: list[Result] = []
    market_results: list[Result] = []
    if market:  # first: the cold start below opens the main window, whose start-up sweep uses the wall clock
        from market_timings import run_market

        market_results = run_market(url, repeat, measure, page_rows)

    # --- start-up ------------------------------------------------------------------------------
    def build():
        services = build_services(url, SystemClock(), hash_params=PRODUCTION)
        services.dispose()
    results.append(measure("build_services on the existing store (warm process; migration check + seed check)",
                           build, repeat))
    engine = create_store_engine(url)
    try:
        results.append(measure("  of which: Alembic upgrade check (migrate)", lambda: migrate(engine), repeat))
    finally:
        engine.dispose()
    results.append(measure("  of which: Passwords(PRODUCTION) set-up (its dummy Argon2id hash is made on first use)",
                           lambda: Passwords(PRODUCTION), repeat))

    if cold_repeat and wanted("cold process"):
        colds = [cold_start(url, gui) for _ in range(cold_repeat + 1)][1:]  # first run warms the OS cache
        note = colds[-1].get("gui_note", "")
        results.append(Result("cold process: python start → services built",
                              [c["services"] * 1000 for c in colds],
                              f"interpreter up after {statistics.median(c['interpreter'] for c in colds) * 1000:.0f} ms"))
        results.append(Result("  of which: python start → services layer imported (SQLAlchemy, Alembic, argon2)",
                              [c["import_services"] * 1000 for c in colds]))
        if gui:
            key = "window" if "window" in colds[-1] else "qapplication"
            label = ("cold process: python start → main window shown (offscreen)" if key == "window"
                     else "cold process: python start → services + QApplication (no window builder yet)")
            results.append(Result(label, [c[key] * 1000 for c in colds], note))

    services = build_services(url, SystemClock(), hash_params=PRODUCTION)
    try:
        (op, op_count, op_name, agency, typical, heavy, sample_name, sample_bno,
         common_prefix) = pick_actors(services)
        scr, comp = services.screening, services.companies
        total = sum(scr.counts(agency).values())
        print(f"store: {total:,} companies; busiest operator {op_name} ({op.login_id}) with {op_count:,}",
              file=sys.stderr)

        login_repeat = max(3, min(repeat, 10))
        results.append(measure(f"login ({op.login_id}, Argon2id production cost)",
                               lambda: services.accounts.login(op.login_id, BENCH_PASSWORD), login_repeat))

        def lookup():
            with services.programme.uow() as uow:
                return uow.session.scalars(select(User).where(func.lower(User.login_id) == op.login_id)).one()
        results.append(measure("  of which: user lookup by lower(login_id)", lookup, repeat))

        scopes = ((f"operator ({op_count:,})", op), (f"agency ({total:,})", agency))
        for scope, actor in scopes:
            results.append(measure(f"counts — {scope}", lambda a=actor: scr.counts(a), repeat,
                                   rows=lambda d: str(sum(d.values()))))
            results.append(measure(f"first page — {scope}", lambda a=actor: scr.list_companies(a), repeat,
                                   rows=page_rows))
        for scope, actor in scopes:
            for st in (ScreeningStatus.REVIEWING, ScreeningStatus.APPROVED):
                results.append(measure(f"status {st.value} — {scope}",
                                       lambda a=actor, s=st: scr.list_companies(a, status=s), repeat, rows=page_rows))
            results.append(measure(f"changed after confirmation only — {scope}",
                                   lambda a=actor: scr.list_companies(a, changed_only=True), repeat, rows=page_rows))
        core = sample_name.replace("주식회사", "").replace("(주)", "").strip()
        searches = (
            ("name, 1 syllable '한'", "한"),
            ("name, 2 syllables '새봄'", "새봄"),
            ("name, 3 syllables '솔루션'", "솔루션"),
            (f"name, 3+ syllables of one company '{core}'", core),
            ("name, no match '없는회사'", "없는회사"),
            (f"business no. prefix '{common_prefix}'", common_prefix),
            (f"business no. prefix '{sample_bno[:6]}'", sample_bno[:6]),
            (f"business no. full '{sample_bno[:3]}-{sample_bno[3:5]}-{sample_bno[5:]}'",
             f"{sample_bno[:3]}-{sample_bno[3:5]}-{sample_bno[5:]}"),
        )
        for scope, actor in scopes:
            for label, q in searches:
                results.append(measure(f"search {label} — {scope}",
                                       lambda a=actor, q=q: scr.list_companies(a, query=q), repeat, rows=page_rows))
        for scope, actor in scopes:
            first = scr.list_companies(actor)
            results.append(measure(f"next page (keyset) — {scope}",
                                   lambda a=actor, c=first.next_cursor: scr.list_companies(a, cursor=c), repeat,
                                   rows=page_rows))
            # a page deep in the list: walk 40 pages (8,000 rows) down first
            cursor, pages = None, 0
            for _ in range(40):
                page = scr.list_companies(actor, cursor=cursor)
                if page.next_cursor is None:
                    break
                cursor, pages = page.next_cursor, pages + 1
            if cursor is not None:
                results.append(measure(f"page {pages + 1} (keyset) — {scope}",
                                       lambda a=actor, c=cursor: scr.list_companies(a, cursor=c), repeat,
                                       rows=page_rows))
            first_a = scr.list_companies(actor, status=ScreeningStatus.APPROVED)
            results.append(measure(f"next page, status APPROVED — {scope}",
                                   lambda a=actor, c=first_a.next_cursor: scr.list_companies(
                                       a, status=ScreeningStatus.APPROVED, cursor=c), repeat, rows=page_rows))
            first_q = scr.list_companies(actor, query="한")
            if first_q.next_cursor:
                results.append(measure(f"next page, search '한' — {scope}",
                                       lambda a=actor, c=first_q.next_cursor: scr.list_companies(
                                           a, query="한", cursor=c), repeat, rows=page_rows))

        for label, demand in (("typical", typical), ("longest history", heavy)):
            results.append(measure(f"status page: companies.get — {label} ({demand.login_id})",
                                   lambda d=demand: comp.get(d), repeat,
                                   rows=lambda v: f"{len(v.documents)} docs, {len(v.history)} events"))
            results.append(measure(f"status page: companies.history — {label} ({demand.login_id})",
                                   lambda d=demand: comp.history(d), repeat, rows=lambda h: f"{len(h)} changes"))
        results.append(measure("operator opens a company: companies.get(operator, id)",
                               lambda: comp.get(op, typical.company_id), repeat,
                               rows=lambda v: f"{len(v.documents)} docs, {len(v.history)} events"))
        results.append(measure("audit log, newest 500 — agency", lambda: services.audit.records(agency), repeat,
                               rows=lambda r: str(len(r))))
        results.append(measure("audit log of one company — agency",
                               lambda: services.audit.records(agency, entity_id=heavy.company_id), repeat,
                               rows=lambda r: str(len(r))))
    finally:
        services.dispose()
    return [r for r in market_results + results if r is not None]


def load_average() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # Windows
        return "n/a"


def wait_until_idle(limit_s: float, threshold: float = 0.5) -> None:
    """Timings on a shared 2-core machine are only comparable when nothing else runs."""
    if not hasattr(os, "getloadavg"):
        return
    deadline = time.monotonic() + limit_s
    while os.getloadavg()[0] > threshold and time.monotonic() < deadline:
        print(f"waiting for the machine to be idle (load {load_average()})", file=sys.stderr)
        time.sleep(15)


def print_table(results: list[Result], url: str, repeat: int, load_before: str) -> None:
    u = make_url(url)
    where = u.render_as_string(hide_password=True)
    print(f"\n{where} — {u.get_backend_name()}, {os.cpu_count()} CPUs, repeat {repeat}, "
          f"load average before {load_before}, after {load_average()}\n")
    w = max(len(r.label) for r in results)
    print(f"| {'measurement'.ljust(w)} | median ms | p95 ms | rows |")
    print(f"|{'-' * (w + 2)}|----------:|-------:|------|")
    for r in results:
        print(f"| {r.label.ljust(w)} | {r.median:9.1f} | {r.p95:6.1f} | {r.rows} |")


def compare(files: list[str]) -> None:
    """One markdown table with the medians and p95 of several --json outputs side by side."""
    runs = [(Path(f).stem, {r["label"]: r for r in json.loads(Path(f).read_text(encoding="utf-8"))}) for f in files]
    labels: list[str] = []
    for _, rows in runs:
        labels += [label for label in rows if label not in labels]
    head = " | ".join(f"{name} median | {name} p95" for name, _ in runs)
    print(f"| measurement | {head} | rows |")
    print("|---|" + "---:|---:|" * len(runs) + "---|")
    for label in labels:
        cells = []
        for _, rows in runs:
            r = rows.get(label)
            cells.append(f"{r['median_ms']:.1f} | {r['p95_ms']:.1f}" if r else "– | –")
        row_counts = [rows[label]["rows"] for _, rows in runs if label in rows and rows[label]["rows"]]
        shown = "↳ " + label.strip() if label.startswith(" ") else label
        print(f"| {shown} | {' | '.join(cells)} | {row_counts[0] if row_counts else ''} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=DEFAULT_URL, help=f"generated store (default: {DEFAULT_URL})")
    p.add_argument("--repeat", type=int, default=20, help="timed runs per measurement (default 20)")
    p.add_argument("--cold-repeat", type=int, default=5, help="fresh processes for cold start (default 5; 0 skips)")
    p.add_argument("--no-gui", action="store_true", help="cold start without Qt")
    p.add_argument("--json", metavar="FILE", help="also write the raw timings as JSON")
    p.add_argument("--no-market", action="store_true",
                   help="skip the catalog / deal inbox / voucher timings (market_timings.py)")
    p.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                   help="first wait up to SECONDS for the 1-minute load average to drop below 0.5")
    p.add_argument("--only", metavar="TEXT[,TEXT…]", default="",
                   help="run only the measurements whose label contains one of these texts")
    p.add_argument("--compare", nargs="+", metavar="JSON",
                   help="print the results of earlier --json runs side by side (markdown) and exit")
    args = p.parse_args(argv)
    if args.compare:
        compare(args.compare)
        return 0
    ONLY[:] = [part for part in args.only.split(",") if part]
    if args.wait_idle:
        wait_until_idle(args.wait_idle)
    load_before = load_average()
    results = run(args.database_url, args.repeat, args.cold_repeat, not args.no_gui, not args.no_market)
    print_table(results, args.database_url, args.repeat, load_before)
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"label": r.label, "median_ms": r.median, "p95_ms": r.p95, "rows": r.rows, "times_ms": r.times_ms}
             for r in results], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
