"""The counts a list page shows on its tabs or chips (the deals inbox, the screening dashboard, the
payments' and evaluations' tabs)."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget


def load_counts(ctx: Any, page: QWidget, count: Callable[[Any], Any],
                shown: Callable[[dict], None]) -> None:
    """Ask `count(actor)` off the GUI thread with the page's busy line and hand the counts, as a
    dict, to `shown`; of several counts out at once only the newest is shown."""
    actor = ctx.actor
    if actor is None:
        return
    ctx.query(lambda: count(actor), parent=page, key="counts") \
        .busy(text=QCoreApplication.translate("kvoucher", "건수를 세는 중…")) \
        .success(lambda counts: shown(dict(counts))).run()
