"""`kvoucher-server`: the programme server on uvicorn, and a server in a thread for tests and
benchmarks (docs/decisions.md, "The programme server").

    kvoucher-server --database-url postgresql://kvoucher@db/kvoucher --host 0.0.0.0 --port 8443 \\
        --workers 4 --certfile server.pem --keyfile server.key

Each worker process builds its own services on the store (its own connection pool) and runs the
timers the desks used to run: deals past their deadline lapse, lost payment answers are
reconciled, the audit chain is sealed. Plain HTTP is refused on any address but loopback.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import logging
import os
import ssl
import sys
import threading
import time
from collections.abc import Iterator

log = logging.getLogger("kvoucher_desktop.server")

ENV_URL = "KVOUCHER_SERVER_DATABASE_URL"
ENV_DEV = "KVOUCHER_SERVER_DEV_ENDPOINTS"
ENV_IDLE = "KVOUCHER_SERVER_IDLE_MINUTES"
ENV_ABSOLUTE = "KVOUCHER_SERVER_ABSOLUTE_HOURS"
ENV_TIMERS = "KVOUCHER_SERVER_TIMERS"
ENV_SWITCH_MS = "KVOUCHER_SERVER_SWITCH_INTERVAL_MS"
ENV_CALLS_ON_LOOP = "KVOUCHER_SERVER_CALLS_ON_LOOP"
#: the workers' GIL switch interval, ms
SWITCH_INTERVAL_MS = 0.5
#: seconds between the server's own jobs (sweep, reconcile, seal)
TIMER_INTERVAL_S = 60.0
#: seconds an idle keep-alive connection stays open on the server's side
KEEP_ALIVE_S = 30


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Timers:
    """The server's own jobs, on a daemon thread: what no desk has to remember to do."""

    def __init__(self, services, interval_s: float = TIMER_INTERVAL_S):
        self.services, self.interval_s = services, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kvoucher-timers", daemon=True)

    def start(self) -> Timers:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def run_once(self) -> None:
        for name, job in (("sweep", self.services.deals.sweep), ("reconcile", self.services.payments.reconcile),
                          ("seal", self.services.audit.seal)):
            try:
                job()
            except Exception:
                log.exception("server job %s failed", name)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.run_once()


def build_server_services(url: str):
    from datetime import timedelta

    from ..services.clock import SystemClock
    from ..services.passwords import PRODUCTION
    from ..services.registry import build_services
    from ..services.sessions import SessionPolicy

    policy = SessionPolicy(idle=timedelta(minutes=float(os.environ.get(ENV_IDLE, "60"))),
                           absolute=timedelta(hours=float(os.environ.get(ENV_ABSOLUTE, "12"))))
    return build_services(url, SystemClock(), hash_params=PRODUCTION, session_policy=policy)


def app_from_environment():
    """The ASGI application of one worker process (uvicorn's factory): its store and settings
    come from the environment the command line set."""
    from .app import ServerConfig, create_app

    # how long a thread may hold the GIL while another waits (Python's default: 5 ms): a request
    # passes between the event loop's thread and the pool's several times, and with 5 ms each
    # hand-over could wait that long (benchmarks/README.md, "Programme server"; as on the desk)
    sys.setswitchinterval(float(os.environ.get(ENV_SWITCH_MS) or SWITCH_INTERVAL_MS) / 1000)
    services = build_server_services(os.environ[ENV_URL])
    timers = Timers(services).start() if os.environ.get(ENV_TIMERS, "1") == "1" else None

    def shutdown() -> None:
        if timers is not None:
            timers.stop()
        services.dispose()

    config = ServerConfig(dev_endpoints=os.environ.get(ENV_DEV) == "1",
                          calls_in_threads=os.environ.get(ENV_CALLS_ON_LOOP, "0") != "1")
    return create_app(services, config, on_shutdown=[shutdown])


@contextlib.contextmanager
def serve_in_thread(app, *, host: str = "127.0.0.1", port: int = 0, ssl_context: ssl.SSLContext | None = None,
                    **uvicorn_options) -> Iterator[str]:
    """Serve `app` with uvicorn on a thread of this process; yields the base URL (the port is the
    one the system chose when `port` is 0). Stops gracefully on leaving."""
    import uvicorn

    # leaving does not wait more than a few seconds for a desk's open connections to go quiet
    options = {"host": host, "port": port, "log_level": "warning", "access_log": False, "lifespan": "on",
               "timeout_graceful_shutdown": 3}
    if ssl_context is not None:
        options["ssl_context_factory"] = lambda _config, _default: ssl_context
    options.update(uvicorn_options)
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, name="kvoucher-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"{'https' if ssl_context else 'http'}://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kvoucher-server", description="K-비대면 바우처 플랫폼 서버")
    p.add_argument("--database-url", default=os.environ.get("KVOUCHER_DATABASE_URL"),
                   help="SQLAlchemy URL of the store, e.g. postgresql://kvoucher@db/kvoucher "
                        "(default: $KVOUCHER_DATABASE_URL; SQLite only for a one-machine trial)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, help="port (default 8443)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--certfile", help="PEM certificate (chain) of the server: TLS")
    p.add_argument("--keyfile", help="PEM private key of the certificate")
    p.add_argument("--idle-minutes", type=float, default=60, help="a session ends after this long unused (60)")
    p.add_argument("--absolute-hours", type=float, default=12, help="a session ends this long after login (12)")
    p.add_argument("--dev-endpoints", action="store_true",
                   help="serve the simulators' messages to desks (development only, never in production)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.database_url:
        print("데이터베이스 주소가 없습니다: --database-url 또는 KVOUCHER_DATABASE_URL을 지정해 주세요.", file=sys.stderr)
        return 2
    if bool(args.certfile) != bool(args.keyfile):
        print("--certfile과 --keyfile은 함께 지정해야 합니다.", file=sys.stderr)
        return 2
    if args.dev_endpoints and args.workers > 1:
        # the outbox, and the SMS of each 본인인증 request, are in each worker's memory; the
        # requests and tokens themselves are in the store, shared by every worker
        print("--dev-endpoints는 작업 프로세스 하나(--workers 1)로만 쓸 수 있습니다. 시뮬레이터가 보낸 "
              "문자(본인인증 인증번호 포함)는 각 프로세스의 메모리에 있습니다.", file=sys.stderr)
        return 2
    if not args.certfile and not is_loopback(args.host):
        print("인증서 없이(http) 서버를 열 수 있는 곳은 이 컴퓨터(127.0.0.1)뿐입니다. "
              "--certfile과 --keyfile을 지정해 주세요.", file=sys.stderr)
        return 2
    import uvicorn

    logging.basicConfig(level=logging.INFO)
    os.environ[ENV_URL] = args.database_url
    os.environ[ENV_DEV] = "1" if args.dev_endpoints else "0"
    os.environ[ENV_IDLE] = str(args.idle_minutes)
    os.environ[ENV_ABSOLUTE] = str(args.absolute_hours)
    # the schema is migrated once, before the workers start (each would race to do it)
    build_server_services(args.database_url).dispose()
    uvicorn.run("kvoucher_desktop.server.run:app_from_environment", factory=True, host=args.host,
                port=args.port, workers=args.workers, ssl_certfile=args.certfile, ssl_keyfile=args.keyfile,
                log_level="info", access_log=False, proxy_headers=False, timeout_graceful_shutdown=20,
                # longer than a client keeps an idle connection (httpx: 5 s), so that the client
                # closes it first: a request never races the server's close of its connection
                timeout_keep_alive=KEEP_ALIVE_S)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
