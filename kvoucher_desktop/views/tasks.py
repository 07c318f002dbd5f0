"""The one way to run work off the GUI thread.

`run_in_background(parent, fn, on_done, on_error)` runs `fn()` on the global QThreadPool;
the result (or the exception) comes back to the GUI thread, where `on_done(result)` or
`on_error(exc)` is called. Workers never touch widgets. Domain errors are shown in Korean by
`report_error`.

Lifetimes — closing a window while a job runs, or quitting, must never crash:
- A worker touches one Qt object only: `_relay`, made on the GUI thread and living there until
  the application has quit. It carries just the job's number, through a queued connection, so
  the outcome is always handled on the GUI thread (`_Relay.deliver` checks it).
- Everything a job refers to (its function and callbacks, its result or exception) is held by
  its `_Task` in `_running` until the GUI thread has handled the outcome, and is released there:
  the worker drops its own references before it reports, so no Qt object is ever freed in a
  worker thread (that crashes, as with garbage collection, see gc.py).
- Nothing is called (nothing is shown) when the widget that asked has been deleted meanwhile.
- When the application quits (`aboutToQuit`, and at interpreter exit), no outcome is delivered
  any more, and the GUI thread waits at most `QUIT_WAIT_MS` for running jobs; a job still
  running then is abandoned: when it ends it touches nothing.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import threading
import traceback
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from ..services.changes import Done
from ..services.errors import DomainError

log = logging.getLogger(__name__)

#: at quit, how long the GUI thread waits for running background jobs before abandoning them
QUIT_WAIT_MS = 2000

#: job number -> its task, from the start until the GUI thread has handled the outcome
_running: dict[int, "_Task"] = {}
_orphans: set[QMessageBox] = set()
_numbers = itertools.count(1)
#: held while a worker reports an end, and while quitting flips `_closing`: so no report
#: is under way when the relay may go (it is deleted with the application)
_report_lock = threading.Lock()
_closing = False
_relay: "_Relay | None" = None


def on_gui_thread() -> bool:
    """True on the thread that owns the application (the only one allowed to touch widgets)."""
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


class _Task:
    """One job: what it runs, what to call on the GUI thread, and its outcome once it ended."""

    __slots__ = ("number", "fn", "finish_ok", "finish_err", "ended", "ok", "outcome")

    def __init__(self, fn: Callable[[], Any], finish_ok: Callable[[Any], None],
                 finish_err: Callable[[BaseException], None]):
        self.number = next(_numbers)
        self.fn, self.finish_ok, self.finish_err = fn, finish_ok, finish_err
        self.ended = self.ok = False
        self.outcome: Any = None


class _Relay(QObject):
    """Tells the GUI thread that job n has ended. One for the application, on the GUI thread."""

    ended = Signal(int)

    def __init__(self):
        super().__init__()
        # queued even when emitted on the GUI thread: callbacks never run inside the caller
        self.ended.connect(self.deliver, Qt.ConnectionType.QueuedConnection)
        QCoreApplication.instance().aboutToQuit.connect(self.quit)

    @Slot(int)
    def deliver(self, number: int) -> None:
        if not on_gui_thread():  # cannot happen through the queued connection; never touch widgets then
            log.error("background job %d: outcome reached a worker thread; dropped", number)
            return
        task = _running.pop(number, None)
        if task is None or _closing:
            return
        if task.ok:
            task.finish_ok(task.outcome)
        else:
            task.finish_err(task.outcome)

    @Slot()
    def quit(self) -> None:
        shut_down()


def _relay_on_gui_thread() -> _Relay:
    global _relay
    if not on_gui_thread():
        raise RuntimeError("run_in_background must be called on the GUI thread")
    if _relay is None:
        _relay = _Relay()
        atexit.register(shut_down)  # also when the application is left without quitting it
    return _relay


def _report_end(number: int) -> None:
    """On the worker: tell the GUI thread that job `number` ended (unless the app is quitting)."""
    with _report_lock:
        if _closing or _relay is None:
            return
        try:
            _relay.ended.emit(number)
        except RuntimeError as exc:  # the relay is gone: nobody is left to tell
            log.warning("background job %d ended after the application: %s", number, exc)


class _Job(QRunnable):
    """Runs one task on a pool thread; keeps no reference to it once it has run."""

    def __init__(self, task: _Task):
        super().__init__()
        self.task: _Task | None = task
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        task, self.task = self.task, None
        try:
            task.outcome, task.ok = task.fn(), True
        except BaseException as exc:  # noqa: BLE001 - every error ends in one place
            if not isinstance(exc, DomainError):
                log.error("background task failed:\n%s", "".join(traceback.format_exception(exc)))
            task.outcome, task.ok = exc, False
        task.ended = True
        number = task.number
        del task  # the GUI thread now holds the only reference, and frees the task there
        _report_end(number)


def run_in_background(
    parent: QWidget | None,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> int:
    """Run `fn` off the GUI thread; call `on_done(result)` or `on_error(exc)` on the GUI thread.

    Without `on_error`, errors are shown with `report_error(parent, exc)`. Neither is called
    when `parent` has been deleted meanwhile, nor once the application is quitting.
    Call on the GUI thread only. Returns the job's number.
    """
    _relay_on_gui_thread()

    def gone() -> bool:
        """The page that asked was closed meanwhile: nobody is left to show the result."""
        return parent is not None and not shiboken6.isValid(parent)

    def finish_ok(result):
        if isinstance(result, Done):  # a use case's value beside what it changed
            result = result.value
        if on_done is not None and not gone():
            on_done(result)

    def finish_err(exc):
        if gone():
            if not isinstance(exc, DomainError):
                log.error("background task of a closed window failed: %r", exc)
            return
        if on_error is not None:
            on_error(exc)
        else:
            report_error(parent, exc)

    task = _Task(fn, finish_ok, finish_err)
    if _closing:  # quitting: nothing new starts (nothing would be delivered)
        return task.number
    _running[task.number] = task
    QThreadPool.globalInstance().start(_Job(task))
    return task.number


def shut_down(timeout_ms: int | None = None) -> int:
    """At quit: deliver nothing more, wait up to `timeout_ms` (QUIT_WAIT_MS) for running jobs.

    Returns how many jobs were still running and are abandoned (they end touching nothing)."""
    global _closing
    with _report_lock:
        if _closing:
            return 0
        _closing = True
    QThreadPool.globalInstance().waitForDone(QUIT_WAIT_MS if timeout_ms is None else timeout_ms)
    abandoned = sum(1 for task in list(_running.values()) if not task.ended)
    if abandoned:
        log.warning("%d background job(s) still running at quit: abandoned", abandoned)
    return abandoned


def pending_tasks() -> int:
    """Jobs started whose outcome the GUI thread has not handled yet."""
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
    if not on_gui_thread():  # a widget made off the GUI thread aborts the process
        log.error("not shown (report_error was called off the GUI thread): %s", error_text(exc))
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("kvoucher", "확인해 주세요"))
    box.setText(error_text(exc))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    if parent is None:  # nobody owns it: keep it alive until it is answered
        _orphans.add(box)
        box.finished.connect(lambda _r: _orphans.discard(box))
    box.open()  # non-blocking: tests and the event loop keep running
