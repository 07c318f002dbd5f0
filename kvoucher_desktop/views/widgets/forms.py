"""Form plumbing shared by pages: show a refused input on its field, run work with a busy line."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QLineEdit, QWidget

from ...services.errors import DomainError
from .busy import BusyIndicator
from .common import ErrorLabel, mark_invalid


class FieldErrors:
    """Puts a DomainError's Korean message under the form and marks and focuses `exc.field`.

    Nothing typed is touched, so the user can correct the one field and try again.
    """

    def __init__(self, label: ErrorLabel, fields: dict[str, QWidget]):
        self.label = label
        self.fields = fields

    def clear(self) -> None:
        self.label.clear_message()
        for widget in self.fields.values():
            mark_invalid(widget, False)

    def show(self, exc: BaseException) -> bool:
        """True when `exc` was a DomainError shown here (other errors are for ctx.error)."""
        if not isinstance(exc, DomainError):
            return False
        self.label.show_message(exc.message)
        widget = self.fields.get(getattr(exc, "field", None) or "")
        if widget is not None:
            mark_invalid(widget, True)
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()
        return True


def run_busy(ctx, parent: QWidget, busy: BusyIndicator, text: str, fn: Callable[[], Any],
             on_done: Callable[[Any], None], on_error: Callable[[BaseException], None] | None = None,
             after: Callable[[], None] | None = None) -> None:
    """ctx.run with a visible busy line; `after` runs once either way (e.g. re-enable buttons)."""
    busy.start(text)
    if after is not None:
        after()

    def finish_ok(result) -> None:
        busy.stop()
        on_done(result)
        if after is not None:
            after()

    def finish_err(exc: BaseException) -> None:
        busy.stop()
        if on_error is not None:
            on_error(exc)
        else:
            ctx.error(parent, exc)
        if after is not None:
            after()

    ctx.run(parent, fn, finish_ok, finish_err)


class LatestLoad:
    """A page's background loads where only the newest result is shown: a reload started while an
    earlier one is still out makes the earlier result (or error) stale. Errors go to `on_error`,
    else `ctx.error`; `after` (e.g. re-enable buttons) runs once either way, stale or not."""

    def __init__(self, ctx, parent: QWidget, busy: BusyIndicator):
        self.ctx, self.parent, self.busy = ctx, parent, busy
        self.generation = 0  # also tells whether anything was loaded yet

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None], *, text: str = "",
            on_error: Callable[[BaseException], None] | None = None,
            after: Callable[[], None] | None = None) -> None:
        self.generation += 1
        generation = self.generation

        def done(result) -> None:
            if generation == self.generation:
                on_done(result)
            if after is not None:
                after()

        def failed(exc: BaseException) -> None:
            if after is not None:
                after()
            if generation == self.generation:
                (on_error or (lambda e: self.ctx.error(self.parent, e)))(exc)

        run_busy(self.ctx, self.parent, self.busy, text, fn, done, failed)
