"""Page and section titles and hint lines (below both the busy line and the other shared widgets)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def title_label(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageTitle" if level == 1 else "sectionTitle")
    return label


def hint_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> QLabel:
    """A line in the style sheet's muted hint style (object name "hint"), wrapped when `wrap`."""
    label = QLabel(text, parent)
    label.setObjectName("hint")
    label.setWordWrap(wrap)
    return label
