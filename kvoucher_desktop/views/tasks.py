"""The one way to run work off the GUI thread.

`run_in_background(parent, fn, on_done, on_error)` runs `fn()` on the global QThreadPool;
the result (or the exception) comes back through a queued signal on the GUI thread.
Workers never touch widgets. Domain errors are shown in Korean by `report_error`.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from ..services.errors import DomainError

log = logging.getLogger(__name__)

_running: set["_Relay"] = set()
_orphans: set[QMessageBox] = set()


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - every error ends in one place
            if not isinstance(exc, DomainError):
                log.error("background task failed:\n%s", "".join(traceback.format_exception(exc)))
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


def run_in_background(
    parent: QWidget | None,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> _Relay:
    """Run `fn` off the GUI thread; call `on_done(result)` or `on_error(exc)` on the GUI thread.

    Without `on_error`, errors are shown with `report_error(parent, exc)`.
    """
    relay = _Relay()
    _running.add(relay)

    def gone() -> bool:
        """The page that asked was closed meanwhile: nobody is left to show the result."""
        return parent is not None and not shiboken6.isValid(parent)

    def finish_ok(result):
        _running.discard(relay)
        if on_done is not None and not gone():
            on_done(result)

    def finish_err(exc):
        _running.discard(relay)
        if gone():
            if not isinstance(exc, DomainError):
                log.error("background task of a closed window failed: %r", exc)
            return
        if on_error is not None:
            on_error(exc)
        else:
            report_error(parent, exc)

    relay.done.connect(finish_ok)
    relay.failed.connect(finish_err)
    QThreadPool.globalInstance().start(_Job(fn, relay))
    return relay


def pending_tasks() -> int:
    return len(_running)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    from ..settings import log_dir

    return (
        "죄송합니다. 예기치 않은 오류가 발생했습니다. 입력하신 내용은 그대로 남아 있습니다.\n"
        f"자세한 내용은 로그 파일에 기록되었습니다: {log_dir() / 'kvoucher.log'}"
    )


def report_error(parent: QWidget | None, exc: BaseException) -> None:
    if not isinstance(exc, DomainError):
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc)))
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("kvoucher", "확인해 주세요"))
    box.setText(error_text(exc))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    if parent is None:  # nobody owns it: keep it alive until it is answered
        _orphans.add(box)
        box.finished.connect(lambda _r: _orphans.discard(box))
    box.open()  # non-blocking: tests and the event loop keep running
