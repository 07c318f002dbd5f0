"""The rounded filter chips of the list pages (screening dashboard, catalog search).

The style sheet is set once on the row that holds the chips, with one rule per colour (the chip's
`tone` property picks it): a style sheet of its own on every chip makes Qt build and polish a
style per button, about six times the cost of the row's one sheet when a page is first built."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from ..style import FOCUS, PRIMARY

#: (text, background) of a checked chip that stands for no particular status (전체, a category)
PLAIN = (PRIMARY, "#e6eef8")


def chip_style(tones: dict[str, tuple[str, str]]) -> str:
    """Style sheet for a row of chips: white, and when checked the (text, background) colours of the
    chip's `tone` property."""
    rules = ["QPushButton { border: 1px solid #bcccdc; border-radius: 14px; padding: 5px 14px; background: white; }"]
    rules += [f'QPushButton[tone="{tone}"]:checked {{ color: {fg}; background: {bg}; border: 2px solid {fg}; '
              f"font-weight: bold; }}" for tone, (fg, bg) in tones.items()]
    rules.append(f"QPushButton:focus {{ border: 2px solid {FOCUS}; padding: 4px 13px; }}")
    return " ".join(rules)


def chip_row(tones: dict[str, tuple[str, str]]) -> tuple[QWidget, QHBoxLayout]:
    """A row for chips styled with `chip_style(tones)`, and its layout (no margins)."""
    box = QWidget()
    box.setStyleSheet(chip_style(tones))
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    return box, row
