"""The line under a paged list (the payments' and evaluations' tabs, 청구내역, the screening queue,
the deal inbox): how many rows are shown, whether more are on their way or come by scrolling, and
what the list says when it has none."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from .heading import hint_label


def _tr(text: str) -> str:
    return QCoreApplication.translate("ListStatus", text)


def list_status(model: Any, empty: str, total: str = "") -> str:
    """The status of `model` (a KeysetTableModel): "12건 표시" with `total` after it (" / 전체 40건"),
    "· 불러오는 중…" while a page is out, the scrolling hint while more can be loaded, and `empty`
    once the list is loaded and has no row."""
    n = model.rowCount()
    if model.loading:
        return _tr("{n}건 표시 · 불러오는 중…").format(n=f"{n:,}")
    if n == 0 and model.exhausted:
        return empty
    text = _tr("{n}건 표시").format(n=f"{n:,}") + total
    return text if model.exhausted else text + _tr(" · 아래로 스크롤하면 더 불러옵니다")


def status_label(parent: QWidget | None = None) -> QLabel:
    """The label that shows `list_status` (a hint line)."""
    return hint_label("", parent)
