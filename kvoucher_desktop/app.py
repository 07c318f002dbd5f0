"""Composition root and command line: `kvoucher-desktop [--demo] [--database-url URL | --server URL]
[--verify-audit]`.

Reads settings, builds the engine, clock, gateways and services (no Qt needed for that:
see `build_services`) — or, for a desk on a programme server, connects its client
(`remote.client.connect`) — then hands them to the main window.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from typing import TYPE_CHECKING

from . import settings

if TYPE_CHECKING:  # pragma: no cover - the services layer is imported off the GUI thread at start
    from .services.registry import Services

log = logging.getLogger("kvoucher_desktop")

#: exit status of --verify-audit when the log is not intact (2: the store could not be opened)
EXIT_AUDIT_BROKEN = 3
#: how long a thread may hold the GIL while another waits for it (Python's default: 5 ms). Every
#: event the GUI thread hands to Python code needs the GIL; while a worker builds rows, each such
#: hand-over waited up to the whole interval (docs/decisions.md, "The GUI thread and the GIL")
GUI_SWITCH_INTERVAL_S = 0.0005


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
    parser.add_argument("--server", metavar="URL",
                        help="a programme server, e.g. https://voucher.example.kr:8443 "
                             f"(default: ${settings.ENV_SERVER_URL}, then the keyring)")
    parser.add_argument("--server-ca", metavar="FILE",
                        help="PEM file of the CA of a server's private certificate "
                             f"(default: ${settings.ENV_SERVER_CA}, then the system's trust store)")
    parser.add_argument("--save-server-url", action="store_true",
                        help="remember --server (and --server-ca) in the OS keyring for this user and exit")
    parser.add_argument("--forget-server-url", action="store_true",
                        help="remove the remembered server address from the keyring and exit")
    parser.add_argument("--print-data-dir", action="store_true", help="print where data and logs live and exit")
    parser.add_argument("--verify-audit", action="store_true",
                        help="seal and verify the audit log of the store (no window); exit 0 when intact, "
                             f"{EXIT_AUDIT_BROKEN} when a record was edited, inserted or removed")
    return parser.parse_args(argv)


def setup_logging() -> logging.Handler:
    """The log file in the data folder: 0600 on POSIX, statement parameters and personal data
    redacted (logfiles.py). Returns the handler (tests remove it again)."""
    from .logfiles import log_file_handler

    handler = log_file_handler(settings.log_dir() / "kvoucher.log")
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def describe_store(url: str) -> str:
    if settings.is_server_url(url):
        from urllib.parse import urlsplit

        parts = urlsplit(url.strip())
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:  # a port that is no number: the address as typed
            return f"서버: {parts.netloc}"
        host = parts.hostname or ""
        return f"서버: {f'[{host}]' if ':' in host else host}:{port}"
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return f"SQLite: {u.database}"
    return f"PostgreSQL: {u.host or 'localhost'}/{u.database}"


def prepare_services(url: str, demo: bool, progress=None, *, server_ca: str | None = None) -> "Services":
    """Create (and for --demo, fill) the store; runs off the GUI thread. A programme server's
    address gives its client instead (`remote.client.RemoteServices`: the same services, its clock
    synced to the server's; no engine on this desk)."""
    if not demo and settings.is_server_url(url):
        from .remote.client import connect

        return connect(url, ca_file=server_ca)
    from .services.clock import ServerSyncedClock, SystemClock
    from .services.passwords import PRODUCTION
    from .services.registry import build_services
    from .services.store import server_now

    if demo:
        from .services.demo import seed_demo

        path = settings.demo_database_path()
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(f"{path}{suffix}")
            except FileNotFoundError:
                pass
        from .services.audit_chain import default_anchor_path, forget_anchor, store_key

        forget_anchor(default_anchor_path(), store_key(url))  # the old demo's audit log is gone, rightly
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


def verify_audit(url: str) -> int:
    """`--verify-audit`: seal, verify, print the result in Korean; the newest verified checkpoint is
    kept in the data folder as an anchor that the next run compares (docs/decisions.md)."""
    from .services.audit_chain import default_anchor_path, report_lines

    if settings.is_server_url(url):
        print("서버에 연결하는 데스크는 감사 로그를 검증하지 않습니다. 서버의 데이터베이스에서 "
              "kvoucher-desktop --verify-audit --database-url …을 실행하거나, 전문기관 계정으로 "
              "사업관리 → 감사 로그 검증을 이용해 주세요.", file=sys.stderr)
        return 2
    try:
        services = prepare_services(url, demo=False)
    except Exception as exc:  # noqa: BLE001 - the reason goes to the terminal
        from .services.store import connection_problem

        print(f"데이터베이스를 열 수 없습니다: {describe_store(url)}\n{connection_problem(str(exc))}", file=sys.stderr)
        return 2
    try:
        result = services.audit.verify_unchecked(anchor_file=default_anchor_path())
    finally:
        services.dispose()
    print("\n".join(report_lines(result, describe_store(url))))
    return 0 if result.intact else EXIT_AUDIT_BROKEN


def build_main_window(services: "Services", url: str):
    """The main window for ready services (used by main() and the start-up benchmark)."""
    from .views.main_window import MainWindow

    return MainWindow(services, describe_store(url), server_check=check_server)


def check_server(url: str, ca_file: str | None = None) -> str:
    """설정 → 서버 연결…'s 연결 확인 (run off the GUI thread by the dialog): GET /api/v1/health of the
    server through the client; a short description, or the reason in Korean (DomainError, ValueError)."""
    from .remote.client import check_server as check
    from .services.errors import SettingsError

    try:
        return check(url.strip(), ca_file=(ca_file or "").strip() or None)
    except ValueError as exc:  # a malformed address: check_url's Korean words, at the address field
        raise SettingsError(str(exc), field="url") from None


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
    if args.save_server_url or args.forget_server_url:
        return save_server_url(args)
    if args.database_url and args.server:
        print("--database-url과 --server는 함께 쓸 수 없습니다. 데이터베이스와 서버 중 하나만 지정해 주세요.",
              file=sys.stderr)
        return 2
    if args.verify_audit:
        try:
            choice = settings.resolve_store(args.database_url, args.server, args.server_ca, args.demo)
        except settings.StoreChoiceError as exc:
            print(exc.message, file=sys.stderr)
            return 2
        return verify_audit(choice.url)  # never re-seeds
    # before the first window: Qt, the style and the main window's module only (its own imports
    # are few: the context, the background helper and the page widgets come after the first paint)
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from .views.gc import GuiGarbageCollector
    from .views.style import apply_style

    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from .views.translations import install_translations

    install_translations(app)  # Qt's own dialogs and buttons in Korean, before the first window
    app.setApplicationName("kvoucher-desktop")
    app.setOrganizationName("kvoucher")
    apply_style(app)
    app.gui_gc = GuiGarbageCollector(app)  # Python's GC must not free Qt objects in worker threads
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)  # workers hand the GIL back to the GUI thread soon

    def excepthook(kind, exc, tb):
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        from PySide6.QtWidgets import QMessageBox

        from .views.tasks import error_text, on_gui_thread

        if on_gui_thread():  # a message box made off the GUI thread (or after quit) aborts the process
            QMessageBox.critical(None, "오류", error_text(exc))

    sys.excepthook = excepthook

    # the shell first (docs/decisions.md, "Start-up"): the store is opened off the GUI thread
    window = build_shell(args.demo, frame_only=True)
    state: dict = {"window": window}
    window.show()
    state["shown_ms"] = (time.perf_counter() - started) * 1000

    def open_store():  # on a worker: the keyring, SQLAlchemy, the migration check, the seed check
        choice = settings.resolve_store(args.database_url, args.server, args.server_ca, args.demo)
        url = choice.url
        state["url"] = url
        log.info("starting with %s %s (%s)", choice.source, "server" if choice.is_server else "database",
                 describe_store(url))
        return url, prepare_services(url, args.demo, server_ca=choice.ca_file)

    def ready(result) -> None:
        url, services = result
        state["services"] = services
        attach_store(window, services, url)
        log.info("store opened after %.0f ms", (time.perf_counter() - started) * 1000)
        from .views import preload

        preload.start()  # the pages' modules, in idle steps: a first click does not wait for imports
        from .views.tasks import run_in_background

        # the keyring's first use imports its backends (D-Bus, cryptography's native module) and
        # scans the installed packages' entry points, holding the GIL for 100+ ms: do it now,
        # not when the login dialog first asks for the remembered login id
        run_in_background(None, settings.keyring_available, lambda _available: None, lambda _exc: None)

    def failed(exc: BaseException) -> None:
        log.error("start-up failed", exc_info=exc)
        state["failed"] = True
        window.show_start_failure(start_failure_message(state.get("url"), exc))

    def start() -> None:
        if state.get("starting"):
            return
        state["starting"] = True
        setup_logging()  # after the shell's first paint (logging.handlers is not small); nothing logged before
        log.info("main window shown after %.0f ms", state["shown_ms"])
        window.complete_shell()  # the context, the feedback bar, the shortcuts (after the first paint)
        import_native_libraries()
        from .views.tasks import run_in_background

        run_in_background(None, open_store, ready, failed)

    class FirstPaint(QObject):
        """Starts opening the store once the shell has been painted (or after 200 ms at the latest)."""

        def eventFilter(self, _obj, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                QTimer.singleShot(0, start)
            return False

    painted = FirstPaint(window)
    window.installEventFilter(painted)
    QTimer.singleShot(200, start)
    code = app.exec()  # on the way out, aboutToQuit lets running jobs end (views/tasks.py)
    if "services" in state:
        state["services"].dispose()
    return 1 if state.get("failed") else code


def build_shell(demo: bool = False, frame_only: bool = False):
    """The main window before its store is open (header, menus, a start page); `frame_only`:
    what its first frame shows, completed by `MainWindow.complete_shell`."""
    from .views.main_window import MainWindow
    from .views.start import DEMO_MESSAGE

    window = MainWindow(None, frame_only=frame_only, server_check=check_server)
    if demo:
        window.start_page.set_message(DEMO_MESSAGE)
    return window


def attach_store(window, services: "Services", url: str) -> None:
    """Hand the opened store to the shell: the clock, the sweep and 홈 start."""
    window.attach_services(services, describe_store(url))


def import_native_libraries() -> None:
    """Pillow and PDFium are imported on the GUI thread, before any worker imports the services
    (their first import in a worker thread crashed PySide6, docs/decisions.md), but after the
    shell is on screen."""
    import PIL.Image  # noqa: F401
    import pypdfium2  # noqa: F401


def start_failure_message(url: str | None, exc: BaseException) -> str:
    """What the shell says when the store could not be opened (Korean; the detail is in the log)."""
    log_file = settings.log_dir() / "kvoucher.log"
    if isinstance(exc, settings.StoreChoiceError):
        return f"{exc.message}\n\n로그: {log_file}"
    if settings.is_server_url(url):  # as for a database below: what, where, why
        try:
            from .remote.client import server_problem

            reason = server_problem(exc)
        except Exception:  # noqa: BLE001 - even the client could not be loaded
            reason = "알 수 없는 오류입니다. 자세한 내용은 로그 파일을 확인해 주세요."
        return f"서버에 연결하지 못했습니다.\n{describe_store(url)}\n\n{reason}\n\n로그: {log_file}"
    from .services.errors import DomainError

    if isinstance(exc, DomainError):  # e.g. another desk's migration outlasted the wait
        return f"{exc.message}\n\n로그: {log_file}"
    try:
        from .services.store import connection_problem

        store, reason = (describe_store(url) if url else ""), connection_problem(str(exc))
    except Exception:  # noqa: BLE001 - even the services layer could not be loaded
        store, reason = "", "알 수 없는 오류입니다. 자세한 내용은 로그 파일을 확인해 주세요."
    return f"데이터베이스에 연결하지 못했습니다.\n{store}\n\n{reason}\n\n로그: {log_file}"


def save_server_url(args: argparse.Namespace) -> int:
    """`--save-server-url` / `--forget-server-url`: the keyring's remembered programme server."""
    url = None
    if args.save_server_url:
        if not args.server:
            print("저장할 서버 주소를 --server로 지정해 주세요.", file=sys.stderr)
            return 2
        from .remote.client import check_url

        try:
            url = check_url(args.server.strip())
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
    try:
        settings.save_server_url(url, os.path.abspath(args.server_ca) if url and args.server_ca else None)
    except settings.KeyringUnavailable as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print("저장했습니다." if url else "삭제했습니다.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
