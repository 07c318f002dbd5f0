#!/usr/bin/env python
"""The programme server under a thousand desks, on loopback (benchmarks/README.md, "Programme server").

    python benchmarks/server_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/kvoucher_bench \\
        [--workers 4] [--desks 1000] [--duration 60] [--think 5] [--payers 40] [--fault]

Against a store made by `generate.py` (programme scale): starts `kvoucher-server` with TLS (a
certificate of a CA made for the run) and `--workers` processes, then

1. **anchor**: the same desks call the framework's bare endpoint (`GET /api/v1/health`: no store,
   no session) for `--anchor-seconds`: requests per second;
2. **load**: each desk, after a think time (exponential, mean `--think` seconds), makes one call
   of a realistic mix for its role — demand companies search the catalog, open a service, read
   their inbox tabs, payments and voucher, poll the change feed; suppliers read their inbox and
   services; operators search and page their dashboard; the agency reads counts and statistics —
   and `--payers` demand companies pay deals by ZeroPay (payments.start, then pay_zeropay, sent
   again with the same key after a failure);
3. with `--fault`: a third of the way in one worker process is killed (uvicorn starts another),
   two thirds in the whole server is stopped and started again; the desks keep calling.

Prints p50/p95/max per call kind, errors, throughput as a ratio to the anchor, and after the run
the ledger check (remaining = budget − Σ SUCCEEDED − Σ IN_PROGRESS ≥ 0 for every company; at
most one SUCCEEDED payment per deal; every payment a desk saw approved is SUCCEEDED in the store).

Sessions are opened in the store before the run (a login checks an Argon2id hash, which is not
what this measures; logins are rate-limited per address, and every desk here is 127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from kvoucher_desktop.enums import DealState, DealTab, PaymentMethod, PaymentTab, Role, ScreeningStatus  # noqa: E402
from kvoucher_desktop.models import Company, Deal, Payment, Service, User  # noqa: E402
from kvoucher_desktop.services.clock import SystemClock  # noqa: E402
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS  # noqa: E402
from kvoucher_desktop.services.registry import build_services  # noqa: E402
from kvoucher_desktop.services.rules.deals import deadline  # noqa: E402

API = "/api/v1"
#: how long a desk keeps an idle connection (below the server's 30 s, as the desk's client)
KEEP_ALIVE_S = 25.0
PIN = "583920"  # tests.factories.approved_buyer's ZeroPay password
QUERIES = ("화상", "재택", "보안", "교육", "컨설팅", "회의", "클라우드", "솔루션")


def p(values, q):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(q * len(ordered))) - 1))] if ordered else float("nan")


# --- preparing the desks -------------------------------------------------------------------------
def prepare(url: str, desks: int, payers: int, deals_per_payer: int):
    """Sessions for the desks (demand companies with deals, suppliers, operators, the agency) and
    `payers` ZeroPay companies with deals waiting for payment."""
    import itertools

    from tests import factories
    from tests.factories import approved_buyer

    # the factories number their companies from 1: a store that has had runs before (or the
    # generator's numbers) must not meet the same business numbers again
    factories._serial = itertools.count(random.SystemRandom().randrange(300_000_000, 800_000_000))

    services = build_services(url, SystemClock(), hash_params=FAST_FOR_TESTS, simulator_seed=7)
    rng = random.Random(2026)
    with services.programme.uow() as uow:
        s = uow.session
        demand = s.scalars(select(User.id).join(Company, Company.id == User.company_id)
                           .where(User.role == Role.DEMAND, Company.status == ScreeningStatus.APPROVED)
                           .order_by(User.login_id).limit(desks * 4)).all()
        suppliers = s.scalars(select(User.id).where(User.role == Role.SUPPLIER).order_by(User.login_id)).all()
        operators = s.scalars(select(User.id).where(User.role == Role.OPERATOR, User.active.is_(True))
                              .order_by(User.login_id)).all()
        agency = s.scalars(select(User.id).where(User.role == Role.AGENCY)).all()
        service_ids = s.scalars(select(Service.id).order_by(Service.id).limit(500)).all()
    n_sup, n_op, n_ag = max(1, desks * 6 // 100), max(1, desks * 3 // 100), max(1, desks // 200)
    n_dem = max(0, desks - n_sup - n_op - n_ag - payers)
    chosen = ([(Role.DEMAND, u) for u in rng.sample(demand, min(n_dem, len(demand)))]
              + [(Role.SUPPLIER, u) for u in rng.sample(suppliers, min(n_sup, len(suppliers)))]
              + [(Role.OPERATOR, u) for u in rng.sample(operators, min(n_op, len(operators)))]
              + [(Role.AGENCY, u) for u in agency[:n_ag]])
    out = [{"role": role.value, "token": services.sessions.open_for(user_id).token} for role, user_id in chosen]
    # the paying desks: approved ZeroPay companies with deals of a real supplier waiting for payment
    with services.programme.uow() as uow:  # one open deal per company and service: a service per deal
        offers = uow.session.execute(select(Service.supplier_id, Service.id).order_by(Service.id)
                                     .limit(deals_per_payer)).all()
    for _ in range(payers):
        buyer, company_id = approved_buyer(services, PaymentMethod.ZEROPAY)
        now = services.clock.now()
        deals = []
        with services.payments.uow() as uow:
            for supplier_id, service_id in offers:
                d = Deal(id=uuid.uuid4(), company_id=company_id, service_id=service_id,
                         supplier_id=supplier_id, state=DealState.PAYMENT_REQUESTED, memo="부하 시험",
                         requested_at=now, accepted_at=now, payment_requested_at=now, amount=10_000,
                         deadline_at=deadline(now, 30), updated_at=now)
                uow.session.add(d)
                deals.append(str(d.id))
            uow.commit()
        out.append({"role": "PAYER", "token": buyer.token, "deals": deals, "company_id": str(company_id)})
    services.dispose()
    return out, [str(i) for i in service_ids]


# --- the server ---------------------------------------------------------------------------------------
class Server:
    def __init__(self, url: str, workers: int, port: int, directory: Path, switch_ms: float | None = None,
                 calls_on_loop: bool = False):
        import trustme

        self.url, self.workers, self.port, self.switch_ms = url, workers, port, switch_ms
        self.calls_on_loop = calls_on_loop
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1")
        self.certfile, self.keyfile, self.cafile = (directory / "server.pem", directory / "server.key",
                                                    directory / "ca.pem")
        cert.cert_chain_pems[0].write_to_path(str(self.certfile))
        for extra in cert.cert_chain_pems[1:]:
            extra.write_to_path(str(self.certfile), append=True)
        cert.private_key_pem.write_to_path(str(self.keyfile))
        ca.cert_pem.write_to_path(str(self.cafile))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ, KVOUCHER_SERVER_TIMERS="1")
        if self.switch_ms:
            env["KVOUCHER_SERVER_SWITCH_INTERVAL_MS"] = str(self.switch_ms)
        env["KVOUCHER_SERVER_CALLS_ON_LOOP"] = "1" if self.calls_on_loop else "0"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kvoucher_desktop.server.run", "--database-url", self.url, "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers), "--certfile", str(self.certfile),
             "--keyfile", str(self.keyfile), "--idle-minutes", "600"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        context = ssl.create_default_context(cafile=str(self.cafile))
        deadline_at = time.monotonic() + 120
        while time.monotonic() < deadline_at:
            try:
                if httpx.get(f"https://127.0.0.1:{self.port}{API}/health", verify=context, timeout=2).status_code == 200:
                    time.sleep(1.0)  # every worker up
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit("the server did not start")

    def workers_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- the desks ---------------------------------------------------------------------------------------
class Load:
    def __init__(self, base: str, cafile: Path, desks: list[dict], services: list[str], think: float, seed: int):
        self.base, self.desks, self.services, self.think = base, desks, services, think
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.rng = random.Random(seed)
        self.times: dict[str, list[float]] = defaultdict(list)
        self.server_times: dict[str, list[float]] = defaultdict(list)  # in the service (Server-Timing)
        self.loop_lag: list[float] = []
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.error_at: list[tuple[float, str]] = []  # (seconds into the run, what failed)
        self.started_at = time.monotonic()
        self.calls = 0
        self.paid: set[str] = set()
        self.stop_at = 0.0

    async def call(self, client, kind: str, path: str, token: str | None, body: dict | None = None,
                   resend: bool = False):
        """One call; with `resend`, sent again (same body, same keys) until it gets an answer."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for attempt in range(30):
            t = time.perf_counter()
            try:
                if body is None:
                    answer = await client.get(path, headers=headers)
                else:
                    answer = await client.post(path, content=json.dumps(body), headers=headers)
            except httpx.HTTPError as exc:
                self.errors[kind] += 1
                self.error_at.append((time.monotonic() - self.started_at, type(exc).__name__))
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{kind}: {type(exc).__name__} {exc}")
                if not resend or time.monotonic() > self.stop_at + 60:
                    return None
                await asyncio.sleep(0.5)
                continue
            self.times[kind].append((time.perf_counter() - t) * 1000)
            timing = answer.headers.get("server-timing", "")
            if timing.startswith("app;dur="):
                self.server_times[kind].append(float(timing[8:]))
            self.calls += 1
            if answer.status_code >= 500 or answer.status_code == 401:
                self.errors[kind] += 1
                self.error_at.append((time.monotonic() - self.started_at, f"HTTP {answer.status_code}"))
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{kind}: {answer.status_code} {answer.text[:200]}")
                if resend and answer.status_code >= 500:
                    await asyncio.sleep(0.5)
                    continue
            return answer
        return None

    async def desk(self, client, d: dict) -> None:
        rng = random.Random(self.rng.random())
        cursor = None
        await asyncio.sleep(rng.uniform(0, self.think))
        while time.monotonic() < self.stop_at:
            role, token = d["role"], d["token"]
            if role == "PAYER":
                if not d["deals"]:
                    return
                await self.pay(client, token, d["deals"].pop())
            elif role == "DEMAND":
                pick = rng.random()
                if pick < 0.25:
                    await self.call(client, "catalog.search", f"{API}/catalog/search", token,
                                    {"query": rng.choice(QUERIES)})
                elif pick < 0.40:
                    await self.call(client, "catalog.detail", f"{API}/catalog/detail", token,
                                    {"service_id": rng.choice(self.services)})
                elif pick < 0.55:
                    await self.call(client, "deals.counts", f"{API}/deals/counts", token, {})
                elif pick < 0.70:
                    await self.call(client, "deals.list_tab", f"{API}/deals/list_tab", token,
                                    {"tab": rng.choice([t.value for t in (DealTab.CONSULT, DealTab.ACCEPTED,
                                                                            DealTab.PAYMENT_REQUESTED, DealTab.DONE)])})
                elif pick < 0.80:
                    await self.call(client, "payments.list_tab", f"{API}/payments/list_tab", token,
                                    {"tab": PaymentTab.ALL.value})
                elif pick < 0.90:
                    await self.call(client, "vouchers.get", f"{API}/vouchers/get", token, {})
                else:
                    answer = await self.call(client, "audit.changes_since", f"{API}/audit/changes_since", token,
                                             {"after": cursor})
                    if answer is not None and answer.status_code == 200:
                        cursor = answer.json()["cursor"]
            elif role == "SUPPLIER":
                pick = rng.random()
                if pick < 0.4:
                    await self.call(client, "deals.list_tab (supplier)", f"{API}/deals/list_tab", token,
                                    {"tab": DealTab.CONSULT.value})
                elif pick < 0.7:
                    await self.call(client, "deals.counts (supplier)", f"{API}/deals/counts", token, {})
                else:
                    await self.call(client, "payments.list_tab (supplier)", f"{API}/payments/list_tab", token,
                                    {"tab": PaymentTab.SUCCEEDED.value})
            elif role == "OPERATOR":
                pick = rng.random()
                if pick < 0.5:
                    await self.call(client, "screening.list_companies", f"{API}/screening/list_companies", token,
                                    {"query": rng.choice(["한", "솔루션", "테크", "상사"])})
                else:
                    await self.call(client, "screening.counts", f"{API}/screening/counts", token, {})
            else:
                await self.call(client, "statistics.budget", f"{API}/statistics/budget", token, {})
            await asyncio.sleep(rng.expovariate(1 / self.think))

    async def heartbeat(self) -> None:
        """How late this process's own event loop wakes up (a late loop is the client's delay, not
        the server's)."""
        while time.monotonic() < self.stop_at:
            t = time.perf_counter()
            await asyncio.sleep(0.05)
            self.loop_lag.append((time.perf_counter() - t - 0.05) * 1000)

    async def pay(self, client, token: str, deal_id: str) -> None:
        started = await self.call(client, "payments.start", f"{API}/payments/start", token,
                                  {"attempts": [[deal_id, uuid.uuid4().hex]], "batch_key": uuid.uuid4().hex},
                                  resend=True)
        if started is None or started.status_code != 200:
            return
        payment_id = started.json()[0][0]["id"]
        paid = await self.call(client, "payments.pay_zeropay", f"{API}/payments/pay_zeropay", token,
                               {"payment_id": payment_id, "password": PIN}, resend=True)
        if paid is not None and paid.status_code == 200 and paid.json()[0]["status"] == "SUCCEEDED":
            self.paid.add(payment_id)

    async def run(self, seconds: float, fault=None) -> float:
        # a desk keeps its connection between calls (as the desk's client does: remote/client.py)
        limits = httpx.Limits(max_connections=len(self.desks), max_keepalive_connections=len(self.desks),
                              keepalive_expiry=KEEP_ALIVE_S)
        async with httpx.AsyncClient(base_url=self.base, verify=self.context, limits=limits,
                                     timeout=httpx.Timeout(30, connect=10)) as client:
            # a desk connects once, at login, then works: the connections (TLS handshakes) are made
            # first, spread over 10 s, and not measured
            async def connect(i: int):
                await asyncio.sleep(10 * i / len(self.desks))
                try:
                    await client.get(f"{API}/health")
                except httpx.HTTPError:
                    pass

            await asyncio.gather(*(connect(i) for i in range(len(self.desks))))
            self.stop_at = time.monotonic() + seconds
            self.started_at = time.monotonic()
            started = time.perf_counter()
            tasks = [asyncio.create_task(self.desk(client, d)) for d in self.desks]
            tasks.append(asyncio.create_task(self.heartbeat()))
            if fault is not None:
                tasks.append(asyncio.create_task(fault(seconds)))
            await asyncio.gather(*tasks)
            return time.perf_counter() - started

    async def back_to_back(self, seconds: float, service_call: bool) -> float:
        """Requests per second with 64 clients calling back to back: the bare endpoint (no store,
        no session), or a demand company's inbox counts (a session, one read)."""
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        tokens = [d["token"] for d in self.desks if d["role"] == "DEMAND"] or [None]
        done = 0
        async with httpx.AsyncClient(base_url=self.base, verify=self.context, limits=limits, timeout=30) as client:
            await asyncio.gather(*(client.get(f"{API}/health") for _ in range(64)))  # connections made
            stop = time.monotonic() + seconds

            async def one(i: int):
                nonlocal done
                headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
                while time.monotonic() < stop:
                    try:
                        if service_call:
                            answer = await client.post(f"{API}/deals/counts", content=b"{}", headers=headers)
                        else:
                            answer = await client.get(f"{API}/health")
                    except httpx.HTTPError:
                        continue
                    done += answer.status_code == 200

            t = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(64)))
            return done / (time.perf_counter() - t)


def ledger(url: str, desks: list[dict], seen_paid: set[str]) -> dict:
    """After the run: the server's reconciler once more (what a killed worker left), then the
    ledger of every paying company, deals paid twice, and approvals a desk saw but the store lost."""
    from kvoucher_desktop.enums import PaymentStatus as P

    services = build_services(url, SystemClock(), hash_params=FAST_FOR_TESTS)
    services.payments.reconcile()
    violations = 0
    with services.payments.uow() as uow:
        s = uow.session
        for d in desks:
            if d["role"] != "PAYER":
                continue
            c = s.get(Company, uuid.UUID(d["company_id"]))
            held = s.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.company_id == c.id, Payment.status.in_((P.SUCCEEDED, P.IN_PROGRESS))))
            remaining = uow.budget.ledger(c).remaining
            violations += remaining < 0 or remaining != c.budget_total - held
        doubled = s.scalar(select(func.count()).select_from(
            select(Payment.deal_id).where(Payment.status == P.SUCCEEDED).group_by(Payment.deal_id)
            .having(func.count() > 1).subquery()))
        ids = {uuid.UUID(i) for i in seen_paid}
        found = set(s.scalars(select(Payment.id).where(Payment.id.in_(ids), Payment.status == P.SUCCEEDED))) \
            if ids else set()
        in_progress = s.scalar(select(func.count()).select_from(Payment).where(Payment.status == P.IN_PROGRESS))
    services.dispose()
    return {"ledger_violations": int(violations), "deals_paid_twice": doubled,
            "approved_but_not_succeeded": len(ids - found), "left_in_progress": in_progress}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--desks", type=int, default=1000)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--anchor-seconds", type=float, default=15)
    ap.add_argument("--think", type=float, default=5.0, help="mean seconds between a desk's calls")
    ap.add_argument("--payers", type=int, default=40)
    ap.add_argument("--deals-per-payer", type=int, default=6)
    ap.add_argument("--port", type=int, default=18443)
    ap.add_argument("--fault", action="store_true", help="kill a worker, then restart the server, during the load")
    ap.add_argument("--json", help="write the figures as JSON")
    ap.add_argument("--switch-interval-ms", type=float, help="the workers' GIL switch interval (the server's default: 0.5; Python's: 5)")
    ap.add_argument("--calls-on-loop", action="store_true",
                    help="the workers run each call on their event loop, not on a pool thread")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    desks, services = prepare(args.database_url, args.desks, args.payers, args.deals_per_payer)
    print(f"prepared {len(desks)} desks in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    directory = Path(tempfile.mkdtemp(prefix="kvoucher-load-"))
    server = Server(args.database_url, args.workers, args.port, directory, args.switch_interval_ms,
                    args.calls_on_loop)
    server.start()
    base = f"https://127.0.0.1:{args.port}"
    load = Load(base, server.cafile, desks, services, args.think, seed=1)
    faults: list[str] = []

    async def fault(seconds: float):
        def now() -> float:
            return time.monotonic() - load.started_at

        await asyncio.sleep(seconds / 3)
        pids = server.workers_pids()
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            faults.append(f"t={now():.1f}s: killed worker {pids[0]}")
        await asyncio.sleep(seconds / 3)
        faults.append(f"t={now():.1f}s: server stopping")
        await asyncio.to_thread(server.stop)
        faults.append(f"t={now():.1f}s: server stopped")
        await asyncio.to_thread(server.start)
        faults.append(f"t={now():.1f}s: server answering again")

    try:
        anchor_rps = asyncio.run(load.back_to_back(args.anchor_seconds, service_call=False))
        capacity_rps = asyncio.run(load.back_to_back(args.anchor_seconds, service_call=True))
        elapsed = asyncio.run(load.run(args.duration, fault if args.fault else None))
    finally:
        server.stop()
    check = ledger(args.database_url, desks, load.paid)

    rows = []
    for kind, values in sorted(load.times.items()):
        inside = load.server_times.get(kind) or [float("nan")]
        rows.append((kind, len(values), statistics.median(values), p(values, 0.95), max(values),
                     statistics.median(inside), p(inside, 0.95), load.errors.get(kind, 0)))
    all_times = [v for values in load.times.values() for v in values]
    rps = load.calls / elapsed
    print(f"\nload: {len(desks)} desks, think {args.think}s, {args.workers} workers, {args.duration:.0f}s"
          f"{' with faults' if args.fault else ''}{', calls on the loop' if args.calls_on_loop else ''}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print("| call | n | p50 ms | p95 ms | max ms | in the service p50 / p95 ms | errors |\n"
          "|---|---:|---:|---:|---:|---:|---:|")
    for kind, n, med, tail, top, in_med, in_tail, errs in rows:
        print(f"| {kind} | {n} | {med:.1f} | {tail:.1f} | {top:.0f} | {in_med:.1f} / {in_tail:.1f} | {errs} |")
    inside = [v for values in load.server_times.values() for v in values] or [float("nan")]
    print(f"| **all** | {len(all_times)} | {statistics.median(all_times):.1f} | {p(all_times, 0.95):.1f} | "
          f"{max(all_times):.0f} | {statistics.median(inside):.1f} / {p(inside, 0.95):.1f} | {sum(load.errors.values())} |")
    print(f"\nback to back, 64 clients: bare endpoint {anchor_rps:.0f} requests/s; deals.counts {capacity_rps:.0f} "
          f"calls/s = {capacity_rps / anchor_rps:.2f} of the bare endpoint")
    print(f"under the desks' load: {rps:.0f} calls/s = {rps / anchor_rps:.3f} of the bare endpoint "
          f"(the desks think between calls: this is the load offered, not the server's ceiling)")
    lag = load.loop_lag or [float("nan")]
    print(f"the desks' own event loop woke late by p50 {statistics.median(lag):.1f} / p95 {p(lag, 0.95):.1f} / "
          f"max {max(lag):.0f} ms (the load generator's share of the latencies)")
    print(f"payments seen approved: {len(load.paid)}; after the run: {check}")
    if faults:
        print("faults: " + "; ".join(faults))
    if load.error_at:
        spans = defaultdict(list)
        for at, what in load.error_at:
            spans[what].append(at)
        print("errors by kind: " + "; ".join(f"{what} ×{len(ats)} at t={min(ats):.1f}–{max(ats):.1f}s"
                                             for what, ats in sorted(spans.items())))
    for sample in load.error_samples:
        print("  error:", sample)
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "anchor_rps": anchor_rps, "capacity_rps": capacity_rps, "rps": rps, "check": check,
                                               "faults": faults, "errors": dict(load.errors)}, indent=1))
    ok = check["ledger_violations"] == 0 and check["deals_paid_twice"] == 0 and check["approved_but_not_succeeded"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
