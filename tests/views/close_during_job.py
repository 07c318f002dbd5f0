"""Run the real application (`app.main`) on a store and close the main window while its start-up
deal sweep is still out: `python -m tests.views.close_during_job URL MODE [DELETE]`.

MODE is how the slowed sweep ends: `return`, `domain-error`, `crash` (an unexpected error) or
`stuck` (it outlasts the quit wait). The window is closed (and with DELETE=delete also deleted)
as soon as it is shown, which quits the application. Every QMessageBox created is recorded with
its thread; the last line printed says how many were made off the GUI thread. A crash of the
process (Qt aborts on a widget made off the GUI thread) shows as a non-zero exit code.
"""

from __future__ import annotations

import sys
import threading
import time


def main(url: str, mode: str, delete: bool) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from kvoucher_desktop import app as app_module
    from kvoucher_desktop.services.errors import DomainError
    from kvoucher_desktop.views import tasks

    off_gui_boxes: list[str] = []
    made = {"boxes": 0}

    class RecordingBox(QMessageBox):
        def __init__(self, *args, **kwargs):
            made["boxes"] += 1
            if threading.current_thread() is not threading.main_thread():
                off_gui_boxes.append(threading.current_thread().name)
                print(f"message box created off the GUI thread ({threading.current_thread().name})", flush=True)
            super().__init__(*args, **kwargs)

        @staticmethod
        def critical(*args, **kwargs):
            made["boxes"] += 1
            if threading.current_thread() is not threading.main_thread():
                off_gui_boxes.append(threading.current_thread().name)
                print(f"message box created off the GUI thread ({threading.current_thread().name})", flush=True)
                return QMessageBox.critical(*args, **kwargs)  # what the application would do
            return QMessageBox.StandardButton.Ok  # on the GUI thread: never block the run

    import PySide6.QtWidgets

    PySide6.QtWidgets.QMessageBox = RecordingBox  # app.main imports it from here at call time
    tasks.QMessageBox = RecordingBox
    if mode == "stuck":
        tasks.QUIT_WAIT_MS = 300

    sweep_started = threading.Event()
    sweep_ended = threading.Event()
    times: dict[str, float] = {}

    def slow_sweep() -> int:
        sweep_started.set()
        try:
            time.sleep(2.0 if mode == "stuck" else 0.5)
            if mode == "domain-error":
                raise DomainError("만료 처리를 잠시 후 다시 시도해 주세요.")
            if mode == "crash":
                raise RuntimeError("store went away")
            return 0
        finally:
            times["sweep_ended"] = time.monotonic()
            sweep_ended.set()

    original_attach = app_module.attach_store

    def attach_store(window, services, store_url):
        services.deals.sweep = slow_sweep  # the window's start-up sweep runs this
        original_attach(window, services, store_url)

        def close_when_sweeping() -> None:
            if not sweep_started.is_set():
                QTimer.singleShot(5, close_when_sweeping)
                return
            window.close()
            if delete:
                window.deleteLater()
            times["closed"] = time.monotonic()

        QTimer.singleShot(0, close_when_sweeping)

    app_module.attach_store = attach_store
    QApplication.instance() or QApplication(sys.argv[:1])
    code = app_module.main(["--database-url", url])
    times["main_returned"] = time.monotonic()
    if "closed" in times:
        print(f"quit took {times['main_returned'] - times['closed']:.2f} s after the close", flush=True)
    print(f"main returned {code}; sweep ended before: {sweep_ended.is_set()}; boxes: {made['boxes']}; "
          f"boxes off the GUI thread: {len(off_gui_boxes)}", flush=True)
    return code  # and the process ends at once, as the application's does


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2], len(sys.argv) > 3 and sys.argv[3] == "delete"))
