"""Page modules imported ahead of need, one small step at a time while the GUI thread is idle.

The first import of a page's module (and of the widgets it uses) took most of the 90–220 ms that
login → home blocked the GUI thread. After the store is open, `start()` imports them on the GUI
thread (never in a worker: some import Pillow/PDFium users, and module-level Qt objects belong on
the GUI thread), one module per zero-timer step, so a click waits at most for one module. When
all are in, what start-up allocated is moved out of the garbage collector's way (`gc.freeze`):
the GUI thread's full collections (views/gc.py) then scan only what was made since.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
import time

from PySide6.QtCore import QTimer

log = logging.getLogger(__name__)

V = "kvoucher_desktop.views"
#: shared widgets first (so a page's step is mostly its own module), then dialogs and pages
#: in the order a user meets them; page modules not listed come from the page registry
FIRST = (
    f"{V}.widgets.common", f"{V}.widgets.tables", f"{V}.widgets.documents",
    f"{V}.widgets.viewer", f"{V}.login", f"{V}.public", f"{V}.password", f"{V}.connection",
)
LAST = (f"{V}.signup.wizard",)

_queue: list[str] = []
_state = {"started": False, "done": False, "ms": 0.0}


def modules() -> list[str]:
    """Every module to import ahead of need, in order (the page registry's modules included)."""
    from .pages import PAGES

    names = [*FIRST]
    for spec in PAGES.values():
        module = spec.target.partition(":")[0]
        if module not in names:
            names.append(module)
    names += [m for m in LAST if m not in names]
    return names


def start() -> None:
    """Begin importing in idle steps (once per process)."""
    if _state["started"]:
        return
    _state["started"] = True
    _queue.extend(m for m in modules() if m not in sys.modules)
    QTimer.singleShot(0, _step)


def done() -> bool:
    """True once every module is in (or preloading never started)."""
    return _state["done"] or not _state["started"]


def _step() -> None:
    while _queue and _queue[0] in sys.modules:  # imported meanwhile, e.g. by a page opened early
        _queue.pop(0)
    if not _queue:
        _finish()
        return
    name = _queue.pop(0)
    began = time.perf_counter()
    try:
        importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - opening the page will import (and report) it again
        log.warning("preloading %s failed: %s", name, exc)
    _state["ms"] += (time.perf_counter() - began) * 1000
    QTimer.singleShot(0, _step)


def _finish() -> None:
    _state["done"] = True
    gc.freeze()  # everything alive now is kept for the session: later full collections skip it
    log.info("page modules preloaded in %.0f ms of idle time", _state["ms"])
