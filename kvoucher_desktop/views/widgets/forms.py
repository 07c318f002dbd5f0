"""Form plumbing shared by pages: show a refused input on its field, read-only fields."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextBrowser, QTextEdit, QWidget

from ...services.errors import DomainError
from .common import ErrorLabel, mark_invalid


_EDITS = (QLineEdit, QTextEdit, QPlainTextEdit)


def set_read_only(widget: QLineEdit | QTextEdit | QPlainTextEdit, read_only: bool = True) -> None:
    """Make a field read-only (or editable again). A read-only field keeps its text selectable
    by mouse but leaves the Tab chain, so Tab goes from one field the user can change to the next."""
    widget.setReadOnly(read_only)
    _follow_read_only(widget)


def _follow_read_only(widget: QWidget) -> None:
    policy = Qt.FocusPolicy.ClickFocus if widget.isReadOnly() else Qt.FocusPolicy.StrongFocus
    if widget.focusPolicy() != policy and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
        widget.setFocusPolicy(policy)


class _ReadOnlyWatch(QObject):
    """Keeps a field's Tab stop in step with its read-only state when other code toggles it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ReadOnlyChange and isinstance(watched, _EDITS):
            _follow_read_only(watched)
        return False


def skip_read_only_fields(root: QWidget) -> None:
    """Every line and text field under `root` is out of the Tab chain while it is read-only, now
    and whenever it changes (the main window calls this for each page it creates)."""
    watch = root.findChild(_ReadOnlyWatch, "readOnlyWatch")
    if watch is None:
        watch = _ReadOnlyWatch(root)
        watch.setObjectName("readOnlyWatch")
    for kind in _EDITS:
        for widget in root.findChildren(kind):
            if widget.property("_readOnlyWatched") or isinstance(widget, QTextBrowser):
                continue  # a document to read (guide, terms) keeps its Tab stop to scroll by keys
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QWidget) \
                    and widget.parent().focusProxy() is widget:
                continue  # the edit inside a spin box or a combo box: its owner decides
            widget.setProperty("_readOnlyWatched", True)
            widget.installEventFilter(watch)
            _follow_read_only(widget)


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
        """True when `exc` was a DomainError shown here (other errors are for ctx.show_failure)."""
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

