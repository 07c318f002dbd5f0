"""What every page gets: the services, the logged-in actor, and the window's small interface.

Pages reach the window only through this context: `query`/`op`/`job` run work (views/tasks.py),
`status` writes the status line, `navigate` opens a page, `show_success`/`show_failure` (and
`show_notice` for a two-line outcome of any kind, `clear_feedback`) give an action's feedback. The window itself is any object with the few members `Window` names, so this
module does not import the main window (which imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Protocol

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ..services.changes import Changes
from ..services.errors import DomainError, SessionInvalid
from .tasks import CollectionOp, Job, QueryOp, error_text, log_unexpected, report_error

if TYPE_CHECKING:  # pragma: no cover - the main window's shell is shown before the services layer loads
    from ..services.dto import Actor
    from ..services.registry import Services


class Window(Protocol):
    """The part of the main window the context uses (tests pass a small stand-in)."""

    actor: Actor | None
    data_changed: Any  # Signal(object, object): (Changes, initiator)


@dataclass
class ViewContext:
    services: Services
    window: Window

    @property
    def actor(self) -> Actor | None:
        return self.window.actor

    # --- running work (views/tasks.py) ----------------------------------------------------------
    def query(self, fn: Callable[[], Any], *, parent: QWidget | None, key: Any = None) -> QueryOp:
        """A read off the GUI thread; with `key`, only the newest run of that key is delivered."""
        return QueryOp(self, fn, parent, key)

    def op(self, fn: Callable[[], Any], *, parent: QWidget | None) -> CollectionOp:
        """A change off the GUI thread; a `Done` result's changes are broadcast with `parent`."""
        return CollectionOp(self, fn, parent)

    def job(self, fn: Callable[[Callable[[float, str], None], Callable[[], bool]], Any], *, title: str,
            parent: QWidget | None, label: str = "") -> Job:
        """Long work `fn(progress, cancelled)` with a progress dialog that can cancel."""
        return Job(self, fn, parent, title, label)

    def broadcast(self, changes: Changes, initiator: Any = None) -> None:
        """Tell every open page what changed (the initiator may skip itself)."""
        window = self.window
        if not changes or (isinstance(window, QObject) and not shiboken6.isValid(window)):
            return  # nothing changed, or the window is gone (quitting)
        signal = getattr(window, "data_changed", None)
        if signal is not None:
            signal.emit(changes, initiator)

    def fail(self, exc: BaseException, parent: QWidget | None = None,
             failure: Callable[[BaseException], None] | None = None) -> None:
        """The one place a run's error ends: a refused session returns to the login; else
        `failure(exc)` when given, else `show_failure`."""
        if self._session_refused(exc):
            return
        if failure is not None:
            failure(exc)
        else:
            self.show_failure(exc, parent)

    # --- the window's small interface ------------------------------------------------------------
    def status(self, text: str, timeout_ms: int = 8000) -> None:
        """A line in the window's status bar."""
        bar = getattr(self.window, "statusBar", None)
        if bar is not None:
            bar().showMessage(text, timeout_ms)

    def navigate(self, key: str, **args: Any) -> QWidget | None:
        """Open a page: a page key, `"service_detail"` with `service_id`, `"catalog"` with
        `query`/`category`, or the `"login"` / `"signup"` dialogs."""
        window = self.window
        if key == "login":
            return window.open_login()
        if key == "signup":
            return window.open_signup()
        if key == "service_detail" and "service_id" in args:
            return window.open_service(args["service_id"])
        if key == "catalog" and args:
            return window.search_services(args.get("query", ""), args.get("category"))
        return window.open_page(key)

    def end_session(self, message: str) -> None:
        """The store no longer vouches for the session: back to the login with `message`."""
        ended = getattr(self.window, "session_ended", None)
        if ended is not None:
            ended(message)

    @property
    def feedback(self):
        """The window's feedback bar, to read what it says (`text`, `title`, `body`, `kind`);
        None without one. Pages tell through `show_success` / `show_notice` / `show_failure`."""
        return getattr(self.window, "feedback", None)

    def clear_feedback(self) -> None:
        """The page starts over (e.g. 새로 고침): whatever the feedback bar says goes."""
        feedback = self.feedback
        if feedback is not None:
            feedback.clear()

    def clear_failure(self) -> None:
        """A new action starts (an op): a failure the feedback bar still shows of an earlier one
        goes; a success stays until its own time is up."""
        feedback = self.feedback
        if feedback is not None and getattr(feedback, "is_failure", False):
            feedback.clear()

    def show_success(self, text: str, detail: str = "") -> None:
        """An action succeeded (`detail`: a second line): the window's feedback bar, else the
        status line."""
        feedback = self.feedback
        if feedback is not None:
            feedback.success(text, detail) if detail else feedback.success(text)
        else:
            self.status(f"{text} {detail}".strip())

    def show_notice(self, title: str, body: str = "", kind: str = "info") -> None:
        """An outcome of another kind (success / info / warning / danger), with a second line:
        the window's feedback bar, else the status line."""
        feedback = self.feedback
        if feedback is not None:
            feedback.set_text(title, body, kind)
        else:
            self.status(f"{title} {body}".strip())

    def show_failure(self, exc_or_text: BaseException | str, parent: QWidget | None = None) -> None:
        """An action failed: the window's feedback bar, else a message box (views/tasks.py)."""
        exc = DomainError(exc_or_text) if isinstance(exc_or_text, str) else exc_or_text
        if self._session_refused(exc):
            return
        feedback = self.feedback
        if feedback is not None:
            if not isinstance(exc, DomainError):
                log_unexpected(exc)
            feedback.failure(error_text(exc))
        else:
            report_error(parent if parent is not None else self._window_widget(), exc)

    def _window_widget(self) -> QWidget | None:
        return self.window if isinstance(self.window, QWidget) else None

    def _session_refused(self, exc: BaseException) -> bool:
        ended = getattr(self.window, "session_ended", None)
        if not isinstance(exc, SessionInvalid) or ended is None:
            return False
        ended(exc.message)
        return True
