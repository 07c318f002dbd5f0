"""Composition root and command line: `kvoucher-desktop [--demo] [--database-url URL]`.

Reads settings, builds the engine, clock, gateways and services (no Qt needed for that:
see `build_services`), then hands them to the main window.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from logging.handlers import RotatingFileHandler

from . import settings
from .services.clock import ServerSyncedClock, SystemClock
from .services.passwords import PRODUCTION
from .services.registry import Services, build_services
from .services.store import server_now

log = logging.getLogger("kvoucher_desktop")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kvoucher-desktop", description="K-비대면 바우처 플랫폼 데스크톱")
    parser.add_argument("--demo", action="store_true",
                        help="start on a fresh demo SQLite file filled with demo data (one login per role)")
    parser.add_argument("--database-url", help="SQLAlchemy URL, e.g. postgresql://user:pw@host/db "
                        f"(default: ${settings.ENV_DATABASE_URL}, then the keyring, then a local SQLite file)")
    parser.add_argument("--save-database-url", action="store_true",
                        help="remember --database-url in the OS keyring for this user and exit")
    parser.add_argument("--forget-database-url", action="store_true",
                        help="remove the remembered database URL from the keyring and exit")
    parser.add_argument("--print-data-dir", action="store_true", help="print where data and logs live and exit")
    return parser.parse_args(argv)


def setup_logging() -> None:
    handler = RotatingFileHandler(settings.log_dir() / "kvoucher.log", maxBytes=2_000_000, backupCount=3,
                                  encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def describe_store(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return f"SQLite: {u.database}"
    return f"PostgreSQL: {u.host or 'localhost'}/{u.database}"


def prepare_services(url: str, demo: bool, progress=None) -> Services:
    """Create (and for --demo, fill) the store; runs off the GUI thread."""
    if demo:
        from .services.demo import seed_demo

        path = settings.demo_database_path()
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(f"{path}{suffix}")
            except FileNotFoundError:
                pass
        seed_demo(url, progress=progress)
    from sqlalchemy.engine import make_url

    if make_url(url).get_backend_name() != "postgresql":
        return build_services(url, SystemClock(), hash_params=PRODUCTION)
    # shared desks: deadlines follow the server's clock, not each desk's own
    clock = ServerSyncedClock()
    services = build_services(url, clock, hash_params=PRODUCTION)
    clock.attach(lambda: server_now(services.engine))
    clock.sync()
    return services


def build_main_window(services: Services, url: str):
    """The main window for ready services (used by main() and the start-up benchmark)."""
    from .views.main_window import MainWindow

    return MainWindow(services, describe_store(url))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.print_data_dir:
        print(settings.data_dir())
        return 0
    if args.save_database_url or args.forget_database_url:
        try:
            settings.save_database_url(None if args.forget_database_url else args.database_url)
        except settings.KeyringUnavailable as exc:
            print(exc.message, file=sys.stderr)
            return 2
        print("저장했습니다." if args.save_database_url else "삭제했습니다.")
        return 0
    setup_logging()
    url, source = settings.resolve_database_url(args.database_url, args.demo)
    log.info("starting with %s database (%s)", source, describe_store(url))

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

    from .views.gc import GuiGarbageCollector
    from .views.style import apply_style
    from .views.tasks import error_text, run_in_background

    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kvoucher-desktop")
    app.setOrganizationName("kvoucher")
    apply_style(app)
    app.gui_gc = GuiGarbageCollector(app)  # Python's GC must not free Qt objects in worker threads

    def excepthook(kind, exc, tb):
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        QMessageBox.critical(None, "오류", error_text(exc))

    sys.excepthook = excepthook

    busy = QProgressDialog("데모 데이터를 준비하고 있습니다…" if args.demo else "데이터베이스를 여는 중입니다…",
                           None, 0, 0)
    busy.setWindowTitle("K-비대면 바우처 플랫폼")
    busy.setWindowModality(Qt.WindowModality.ApplicationModal)
    busy.setMinimumDuration(300)
    busy.setAutoClose(False)
    state: dict = {}

    def ready(services: Services) -> None:
        busy.close()
        window = build_main_window(services, url)
        state["window"] = window
        window.show()
        log.info("main window shown after %.0f ms", (time.perf_counter() - started) * 1000)

    def failed(exc: BaseException) -> None:
        busy.close()
        log.error("start-up failed", exc_info=exc)
        QMessageBox.critical(None, "시작할 수 없습니다",
                             f"데이터베이스에 연결하지 못했습니다.\n{describe_store(url)}\n\n{exc}\n\n"
                             f"로그: {settings.log_dir() / 'kvoucher.log'}")
        app.exit(1)

    run_in_background(None, lambda: prepare_services(url, args.demo), ready, failed)
    code = app.exec()
    if "window" in state:
        state["window"].services.dispose()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
