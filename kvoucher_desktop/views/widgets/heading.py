"""Page and section titles (below both the busy line and the other shared widgets)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def title_label(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageTitle" if level == 1 else "sectionTitle")
    return label
