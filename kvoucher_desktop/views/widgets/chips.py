"""The rounded filter chips of the list pages (screening dashboard, catalog search)."""

from __future__ import annotations

from ..style import FOCUS


def chip_style(fg: str, bg: str) -> str:
    return (
        f"QPushButton {{ border: 1px solid #bcccdc; border-radius: 14px; padding: 5px 14px; background: white; }}"
        f" QPushButton:checked {{ color: {fg}; background: {bg}; border: 2px solid {fg}; font-weight: bold; }}"
        f" QPushButton:focus {{ border: 2px solid {FOCUS}; padding: 4px 13px; }}"
    )
