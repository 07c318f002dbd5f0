"""A coloured box for things the user must not miss (why a form is read-only, a hold reason)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

KINDS = {
    "info": ("#1e40af", "#eff6ff", "#bfdbfe"),
    "warning": ("#92400e", "#fffbeb", "#fcd34d"),
    "danger": ("#991b1b", "#fef2f2", "#fca5a5"),
    "success": ("#166534", "#f0fdf4", "#86efac"),
}


class NoticeBox(QFrame):
    def __init__(self, kind: str = "info", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("notice")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(4)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        self.set_kind(kind)

    def set_kind(self, kind: str) -> None:
        fg, bg, border = KINDS[kind]
        self.kind = kind
        self.setStyleSheet(
            f"QFrame#notice {{ background: {bg}; border: 1px solid {border}; border-left: 5px solid {fg};"
            f" border-radius: 4px; }}"
            f" QFrame#notice QLabel {{ color: {fg}; background: transparent; border: none; }}"
        )
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt;")

    def set_text(self, title: str, body: str = "", kind: str | None = None) -> None:
        if kind is not None and kind != self.kind:
            self.set_kind(kind)
        self.title.setText(title)
        self.title.setVisible(bool(title))
        self.body.setText(body)
        self.body.setVisible(bool(body))
