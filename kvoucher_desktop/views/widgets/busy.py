"""A visible "working…" line for pages that wait on background work."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from .heading import title_label


class BusyIndicator(QWidget):
    """An indeterminate bar with a message; counts nested start/stop pairs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._depth = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setMaximumWidth(120)
        self.bar.setMaximumHeight(12)
        self.bar.setTextVisible(False)
        self.label = QLabel()
        self.label.setObjectName("hint")
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self.hide()

    @property
    def busy(self) -> bool:
        return self._depth > 0

    def start(self, text: str = "") -> None:
        self._depth += 1
        self.label.setText(text or self.tr("불러오는 중…"))
        self.show()

    def stop(self) -> None:
        self._depth = max(0, self._depth - 1)
        if self._depth == 0:
            self.hide()


def page_head(title: str) -> tuple[QHBoxLayout, BusyIndicator]:
    """The row a page starts with: its title, then a busy indicator on the right.

    Returns (row, busy); the page adds its own buttons to the row and the row to its layout.
    """
    head = QHBoxLayout()
    head.addWidget(title_label(title))
    head.addStretch(1)
    busy = BusyIndicator()
    head.addWidget(busy)
    return head, busy
