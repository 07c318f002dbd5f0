"""What every page gets: the services, the logged-in actor and the main window's signals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtWidgets import QWidget

from ..services.dto import Actor
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
        """Run service work off the GUI thread (see tasks.run_in_background)."""
        return run_in_background(parent, fn, on_done, on_error)

    def changed(self, what: str, ids: tuple = ()) -> None:
        """Announce that data changed so open pages refresh the affected rows."""
        self.window.data_changed.emit(what, ids)

    def error(self, parent: QWidget, exc: BaseException) -> None:
        report_error(parent, exc)
