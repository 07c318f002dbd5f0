"""Small shared widgets: status badge, section title, form error label, Hangul-safe helpers."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from ...enums import ScreeningStatus
from ...services.rules.limits import SEARCH_LIMIT
from ...services.rules.screening import STATUS_LABELS
from .heading import title_label  # noqa: F401  (pages import it from here)

STATUS_COLOURS = {
    ScreeningStatus.REVIEWING: ("#1d4ed8", "#dbeafe"),
    ScreeningStatus.ON_HOLD: ("#b45309", "#fef3c7"),
    ScreeningStatus.CONFIRMED: ("#0f766e", "#ccfbf1"),
    ScreeningStatus.APPROVED: ("#15803d", "#dcfce7"),
    ScreeningStatus.REJECTED: ("#b91c1c", "#fee2e2"),
}


class StatusBadge(QLabel):
    def __init__(self, status: ScreeningStatus | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        if status is not None:
            self.set_status(status)

    def set_status(self, status: ScreeningStatus) -> None:
        fg, bg = STATUS_COLOURS[status]
        self.status = status
        self.setText(STATUS_LABELS[status])
        self.setStyleSheet(
            f"QLabel#statusBadge {{ color: {fg}; background: {bg}; border: 1px solid {fg};"
            " border-radius: 10px; padding: 3px 14px; font-weight: bold; }"
        )
        self.adjustSize()





class ErrorLabel(QLabel):
    """A red message under a form; empty when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("errorLabel")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.show_message("")


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)



def scrolling_body(page: QWidget, margins: tuple[int, int, int, int] = (20, 16, 20, 16)) -> QVBoxLayout:
    """Give `page` a frameless scroll area filling it; returns the layout of the scrolled body."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    outer.addWidget(scroll)
    body = QWidget()
    scroll.setWidget(body)
    layout = QVBoxLayout(body)
    layout.setContentsMargins(*margins)
    return layout


SEARCH_DELAY_MS = 300


class SearchBox(QLineEdit):
    """A search field that calls `on_search` once typing pauses (or at once on Enter).

    `timer` is the pending debounce; `stop()` it when a search starts some other way.
    """

    def __init__(self, placeholder: str, on_search, min_width: int = 260, delay_ms: int = SEARCH_DELAY_MS,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMaxLength(SEARCH_LIMIT)  # the services refuse longer queries (rules/limits.py)
        self.setMinimumWidth(min_width)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(on_search)
        self.textChanged.connect(lambda _t: self.timer.start())
        self.returnPressed.connect(on_search)
