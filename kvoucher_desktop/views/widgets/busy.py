"""A visible "working…" line for pages that wait on background work."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from .heading import hint_label, title_label


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


def reload_button(head: QHBoxLayout, reload: Callable[[], None], parent: QWidget | None = None) -> QPushButton:
    """새로 고침 at the end of a page's head row, calling `reload` (without `parent`, the page takes
    it when the row is laid out)."""
    button = QPushButton(QCoreApplication.translate("PageHead", "새로 고침"), parent)
    button.clicked.connect(lambda _checked=False: reload())
    head.addWidget(button)
    return button


def page_top(page: QWidget, title: str, hint: str) -> tuple[QVBoxLayout, BusyIndicator, QPushButton, QLabel]:
    """The top of a list page: its layout (the pages' margins), the head row (`page_head`) with
    새로 고침 calling `page.reload`, and a wrapped hint line under it.

    Returns (layout, busy, reload button, hint); the page adds the rest to the layout."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(20, 16, 20, 12)
    head, busy = page_head(title)
    button = reload_button(head, page.reload, page)
    layout.addLayout(head)
    label = hint_label(hint, page, wrap=True)
    layout.addWidget(label)
    return layout, busy, button, label
