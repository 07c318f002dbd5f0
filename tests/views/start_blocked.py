"""Run the real application (`app.main`) with a store whose opening blocks until released:
`python -m tests.views.start_blocked URL`.

While the opening is held, the window must already be on screen (the shell: no services, a start
page) and the GUI thread must keep beating (a 5 ms heartbeat timer). Then the opening is released,
the window must get its services and show 홈, and is closed. The last line printed is
`RESULT {json}` with what was seen.
"""

from __future__ import annotations

import json
import sys
import threading
import time

#: how long the GUI thread's heartbeat is watched while the store opening is held
HOLD_MS = 500


def main(url: str) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from kvoucher_desktop import app as app_module

    entered, release = threading.Event(), threading.Event()
    original = app_module.prepare_services

    def blocked(store_url, demo, progress=None, **options):
        entered.set()
        release.wait(60)
        return original(store_url, demo, progress, **options)

    app_module.prepare_services = blocked
    app = QApplication.instance() or QApplication(sys.argv[:1])
    beats: list[float] = []
    heart = QTimer()
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.timeout.connect(lambda: beats.append(time.perf_counter()))
    heart.start(5)
    seen: dict = {}
    began = time.monotonic()

    def window_of():
        from kvoucher_desktop.views.main_window import MainWindow

        return next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)

    def watch_shell() -> None:
        window = window_of()
        if window is None or not window.isVisible() or not entered.is_set():
            if time.monotonic() - began > 60:
                seen["timeout"] = "shell"
                app.exit(2)
                return
            QTimer.singleShot(5, watch_shell)
            return
        seen["shown_while_opening"] = window.services is None and window.start_page is not None
        seen["start_message"] = window.start_page.message.text()
        seen["login_enabled"] = window.login_button.isEnabled()
        seen["switch_interval_s"] = sys.getswitchinterval()
        seen["keyring_while_opening"] = "keyring" in sys.modules
        held_from = time.perf_counter()
        QTimer.singleShot(HOLD_MS, lambda: measured(window, held_from))

    def measured(window, held_from: float) -> None:
        inside = [b for b in beats if b >= held_from]
        gaps = [(b - a) * 1000 for a, b in zip(inside, inside[1:])]
        seen["beats_while_held"] = len(gaps)
        seen["longest_gap_ms"] = max(gaps, default=float("inf"))
        seen["still_opening"] = window.services is None
        release.set()
        wait_for_store(window)

    def wait_for_store(window) -> None:
        if window.services is None:
            if time.monotonic() - began > 120:
                seen["timeout"] = "store"
                window.close()
                return
            QTimer.singleShot(10, lambda: wait_for_store(window))
            return
        seen["attached"] = True
        seen["page"] = window.current_key
        seen["login_enabled_after"] = window.login_button.isEnabled()
        seen["start_page_gone"] = window.start_page is None
        wait_for_keyring(window, time.monotonic())

    def wait_for_keyring(window, since: float) -> None:
        # the keyring's backends are loaded in the background once the store is open, before
        # anybody opens the login dialog (nobody does here)
        if "keyring.core" not in sys.modules and time.monotonic() - since < 20:
            QTimer.singleShot(20, lambda: wait_for_keyring(window, since))
            return
        seen["keyring_after_open"] = "keyring.core" in sys.modules
        seen["login_dialog_opened"] = getattr(window, "login_dialog", None) is not None
        window.close()

    QTimer.singleShot(0, watch_shell)
    code = app_module.main(["--database-url", url])
    seen["code"] = code
    print("RESULT " + json.dumps(seen, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
