"""What every page gets: the services, the logged-in actor and the main window's signals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtWidgets import QWidget

from ..services.dto import Actor
from ..services.errors import SessionInvalid
from ..services.registry import Services
from .tasks import report_error, run_in_background

if TYPE_CHECKING:  # pragma: no cover
    from .main_window import MainWindow


@dataclass
class ViewContext:
    services: Services
    window: "MainWindow"

    @property
    def actor(self) -> Actor | None:
        return self.window.actor

    def run(self, parent: QWidget, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None):
        """Run service work off the GUI thread (see tasks.run_in_background).

        A refused session (`SessionInvalid`: expired, ended elsewhere, account locked) is not the
        page's error: the window returns to the login with the message (`session_ended`)."""
        def failed(exc: BaseException) -> None:
            if self._session_refused(exc):
                return
            if on_error is not None:
                on_error(exc)
            else:
                report_error(parent, exc)

        return run_in_background(parent, fn, on_done, failed)

    def changed(self, what: str, ids: tuple = ()) -> None:
        """Announce that data changed so open pages refresh the affected rows."""
        self.window.data_changed.emit(what, ids)

    def error(self, parent: QWidget, exc: BaseException) -> None:
        if not self._session_refused(exc):
            report_error(parent, exc)

    def _session_refused(self, exc: BaseException) -> bool:
        ended = getattr(self.window, "session_ended", None)
        if not isinstance(exc, SessionInvalid) or ended is None:
            return False
        ended(exc.message)
        return True
