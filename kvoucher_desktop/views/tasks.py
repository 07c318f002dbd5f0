"""The one way to run work off the GUI thread.

Pages use the helper at the end of this module through their context: `ctx.query` (a read, the
newest per key wins), `ctx.op` (a change, its `Done` changes broadcast with the initiator) and
`ctx.job` (long work with progress, cancel and a log). Underneath, and for the few callers outside
a page (start-up), `run_in_background(parent, fn, on_done, on_error)` runs `fn()` on the global QThreadPool;
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
    Call on the GUI thread only (`_start` checks). Returns the job's number.
    """
    def gone() -> bool:
        """The page that asked was closed meanwhile: nobody is left to show the result."""
        return _closed(parent)

    def finish_ok(result):
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

    return _start(fn, finish_ok, finish_err)


def _start(fn: Callable[[], Any], finish_ok: Callable[[Any], None],
           finish_err: Callable[[BaseException], None]) -> int:
    """Start `fn` on the pool; `finish_ok(result)` / `finish_err(exc)` run on the GUI thread."""
    _relay_on_gui_thread()
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


def log_unexpected(exc: BaseException) -> None:
    """Write an error that is not a DomainError to the log, with its traceback."""
    if not isinstance(exc, DomainError):
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc)))


def report_error(parent: QWidget | None, exc: BaseException) -> None:
    log_unexpected(exc)
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


# --- the helper pages use: ctx.query, ctx.op, ctx.job ----------------------------------------
#
# A page never calls run_in_background itself. It builds one of three runs from its context and
# starts it, in Anki's builder shape:
#
#     ctx.query(lambda: svc.list(actor), parent=self, key="list").success(self.fill).run()
#     ctx.op(lambda: svc.accept(actor, deal_id), parent=self).success(self.show_deal).run()
#     ctx.job(lambda progress, cancelled: svc.bulk(actor, ids, progress, cancelled),
#             title="예산확정", label="예산을 확정하는 중…", parent=self).success(self.done).run()
#
# - query: a read. Runs with the same `key` and parent overtake each other: only the newest
#   outcome (result or error) is delivered; the others only end their busy line.
# - op: a change. When `fn` returns `Done(value, changes)`, `.success` gets `value` and the
#   context broadcasts `changes` with the initiator (the parent) to every open page, even when
#   the initiator was closed meanwhile (the store changed all the same). A refusal that carries
#   what was committed before it (`DomainError.changes`, e.g. a deal found expired) is reported
#   and those changes are broadcast all the same. Starting an op (or a
#   job) clears a failure the window's feedback bar still shows: it was about an earlier action.
# - job: long work `fn(progress, cancelled)` (calibre's contract): `progress(fraction, message)`
#   and `cancelled()` may be called from the worker; the messages are kept in the job's `log`;
#   a progress dialog shows them and can cancel. A `Done` result is broadcast as for an op.
# Errors: a refused session returns the window to the login (the context decides); otherwise
# `.failure(cb)` gets the error, or the context shows it (`ctx.show_failure`). The busy line
# (the parent's `busy` indicator unless `.busy(...)` / `.quiet()` says otherwise) is started and
# stopped here only. Nothing is delivered to a parent deleted meanwhile.

#: (id of the parent, key) -> [number of the newest query started with it, how many are out]
_newest: dict[tuple[int, Any], list[int]] = {}
_AUTO = object()


def overtake(parent: Any, key: Any) -> None:
    """Drop the outcome of every query of `key` (and parent) still out, as a newer one would."""
    newest = _newest.get((id(parent), key))
    if newest is not None:
        newest[0] = next(_numbers)


def touched(changes: Any, kind: Any, key: Any) -> bool:
    """True when `changes` name `key` among the changed `kind`s, or changed that kind as a whole."""
    return changes.touches(kind) and (not changes.ids(kind) or key in changes.ids(kind))


def from_self(widget: QWidget, initiator: Any) -> bool:
    """True when a broadcast change was started by `widget` or one of its child widgets."""
    if initiator is None or not isinstance(initiator, QWidget) or not shiboken6.isValid(initiator):
        return False
    return initiator is widget or (shiboken6.isValid(widget) and widget.isAncestorOf(initiator))


def _alive(obj: Any) -> bool:
    return obj is not None and shiboken6.isValid(obj)


def _closed(parent: QWidget | None) -> bool:
    """The widget that asked for a run has been deleted meanwhile (no parent: never)."""
    return parent is not None and not shiboken6.isValid(parent)


class _Run:
    """What query, op and job share: callbacks, the busy line, the one error path."""

    broadcasts = False
    auto_busy = True

    def __init__(self, ctx: Any, fn: Callable, parent: QWidget | None):
        self.ctx, self.fn, self.parent = ctx, fn, parent
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._after: Callable[[], None] | None = None
        self._declared: Any = None
        self._indicator: Any = _AUTO if self.auto_busy else None
        self._busy_text = ""
        self.number = 0
        self.running = False

    # --- building ----------------------------------------------------------------------------
    def success(self, cb: Callable[[Any], None]) -> "_Run":
        """Called with the result (a `Done`'s value) on the GUI thread."""
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> "_Run":
        """Called with the error instead of showing it (a refused session never comes here)."""
        self._failure = cb
        return self

    def after(self, cb: Callable[[], None]) -> "_Run":
        """Called once the run has ended either way, after the busy line stopped (e.g. to
        re-enable buttons); also for an overtaken query, never for a deleted parent."""
        self._after = cb
        return self

    def changes(self, declared: Any) -> "_Run":
        """What to broadcast when `fn` returns a plain value instead of a `Done`: a `Changes`, or
        a function of the value returning one (a `Done`'s own changes always win)."""
        self._declared = declared
        return self

    def busy(self, indicator: Any = _AUTO, text: str = "") -> "_Run":
        """Show `indicator` (default: the parent's `busy`) with `text` while the run is out."""
        self._indicator, self._busy_text = indicator, text
        return self

    def quiet(self) -> "_Run":
        """No busy line."""
        self._indicator = None
        return self

    # --- running -----------------------------------------------------------------------------
    def _resolve_indicator(self) -> Any:
        indicator = self._indicator
        if indicator is _AUTO:
            indicator = getattr(self.parent, "busy", None)
        if indicator is None or not callable(getattr(indicator, "start", None)):
            return None
        return indicator

    def _work(self) -> Callable[[], Any]:
        return self.fn

    def _begin(self) -> None:
        """On the GUI thread, just before the work starts."""

    def _end(self) -> None:
        """On the GUI thread, once the work ended (also for a deleted parent)."""

    def _current(self) -> bool:
        """False when the outcome is overtaken (only the newest query of a key counts)."""
        return True

    def run(self) -> "_Run":
        """Start the work; returns this run (its `number` names the background job)."""
        indicator = self._resolve_indicator()
        if indicator is not None:
            indicator.start(self._busy_text)
        self._begin()
        parent = self.parent
        self.running = True

        def settle() -> bool:
            """Stop the busy line; True when the outcome is to be delivered."""
            self.running = False
            if indicator is not None and _alive(indicator):
                indicator.stop()
            self._end()
            return not _closed(parent)

        def finish_ok(result: Any) -> None:
            changes = None
            if isinstance(result, Done):
                result, changes = result.value, result.changes
            elif self._declared is not None:
                changes = self._declared(result) if callable(self._declared) else self._declared
            alive, current = settle(), self._current()
            if alive and current and self._success is not None:
                self._success(result)
            if changes and self.broadcasts and self.ctx is not None:
                self.ctx.broadcast(changes, parent)
            if alive and self._after is not None:
                self._after()

        def finish_err(exc: BaseException) -> None:
            alive, current = settle(), self._current()
            if not alive:
                if not isinstance(exc, DomainError):
                    log.error("background task of a closed window failed: %r", exc)
            elif current and self.ctx is not None:
                self.ctx.fail(exc, parent, self._failure)
            elif current:  # a widget without a context (e.g. the document viewer)
                (self._failure or (lambda e: report_error(parent, e)))(exc)
            committed = getattr(exc, "changes", None)  # what the use case committed before it refused
            if committed and self.broadcasts and self.ctx is not None:
                self.ctx.broadcast(committed, parent)
            if alive and self._after is not None:
                self._after()

        self.number = _start(self._work(), finish_ok, finish_err)
        return self


class QueryOp(_Run):
    """A read. With a `key`, only the newest run of that key (and parent) is delivered."""

    def __init__(self, ctx: Any, fn: Callable[[], Any], parent: QWidget | None, key: Any = None):
        super().__init__(ctx, fn, parent)
        self.key = key
        self._slot = (id(parent), key)

    def run(self) -> "QueryOp":
        super().run()
        if self.key is not None:
            newest = _newest.setdefault(self._slot, [0, 0])
            newest[0] = self.number  # numbers only grow: an older run has a smaller one
            newest[1] += 1
        return self

    def _current(self) -> bool:
        if self.key is None:
            return True
        newest = _newest.get(self._slot)
        if newest is None:
            return True
        newest[1] -= 1
        if newest[1] <= 0:  # nothing of this key is out any more
            del _newest[self._slot]
        return self.number >= newest[0]


def query(fn: Callable[[], Any], *, parent: QWidget | None, key: Any = None) -> QueryOp:
    """A read for a widget that has no context (errors go to `.failure`, else a message box)."""
    return QueryOp(None, fn, parent, key)


class CollectionOp(_Run):
    """A change: a `Done` result's changes are broadcast with the parent as initiator.

    Starting one is the user's next action: a failure the window's feedback bar still shows of an
    earlier one goes (`ctx.clear_failure`); a query (a read) leaves it."""

    broadcasts = True

    def run(self) -> "CollectionOp":
        clear = getattr(self.ctx, "clear_failure", None)
        if clear is not None:
            clear()
        return super().run()


class _Progress:
    """What a long job reports from its worker: read by a timer on the GUI thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.fraction = 0.0
        self.message = ""
        self.log: list[str] = []
        self.cancel = threading.Event()

    def report(self, fraction: float, message: str = "") -> None:
        with self.lock:
            self.fraction = max(0.0, min(1.0, float(fraction)))
            if message:
                self.message = message
                self.log.append(message)

    def read(self) -> tuple[float, str]:
        with self.lock:
            return self.fraction, self.message


class Job(CollectionOp):
    """Long work `fn(progress, cancelled)` with a progress dialog that can cancel.

    `dialog` is the QProgressDialog while the job runs (None before and after); `log` holds the
    progress messages; `cancelled` tells whether the user cancelled."""

    auto_busy = False
    POLL_MS = 100

    def __init__(self, ctx: Any, fn: Callable[[Callable[[float, str], None], Callable[[], bool]], Any],
                 parent: QWidget | None, title: str, label: str = ""):
        super().__init__(ctx, fn, parent)
        self.title, self.label = title, label or title
        self.state = _Progress()
        self.dialog: Any = None
        self._timer: Any = None

    @property
    def log_lines(self) -> list[str]:
        with self.state.lock:
            return list(self.state.log)

    @property
    def cancelled(self) -> bool:
        return self.state.cancel.is_set()

    def cancel(self) -> None:
        self.state.cancel.set()

    def _work(self) -> Callable[[], Any]:
        fn, state = self.fn, self.state
        return lambda: fn(state.report, state.cancel.is_set)

    def _begin(self) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QProgressDialog

        dialog = QProgressDialog(self.label, QCoreApplication.translate("kvoucher", "취소"), 0, 1000, self.parent)
        dialog.setWindowTitle(self.title)
        dialog.setMinimumWidth(360)  # room for the label and the progress message beside it
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        dialog.canceled.connect(self.state.cancel.set)
        timer = QTimer(dialog)
        timer.setInterval(self.POLL_MS)
        timer.timeout.connect(self._show_progress)
        timer.start()
        self.dialog, self._timer = dialog, timer
        dialog.show()

    def _show_progress(self) -> None:
        dialog = self.dialog
        if not _alive(dialog):
            return
        fraction, message = self.state.read()
        dialog.setValue(int(fraction * 1000))
        dialog.setLabelText(f"{self.label} {message}" if message else self.label)

    def _end(self) -> None:
        dialog, self.dialog = self.dialog, None
        if _alive(self._timer):
            self._timer.stop()
        self._timer = None
        if _alive(dialog):
            dialog.close()
            dialog.deleteLater()
        for line in self.log_lines:
            log.debug("%s: %s", self.title, line)
