"""LatestLoad: a reload that overtakes an earlier one wins, and the busy line ends with the last."""

import threading

from PySide6.QtWidgets import QWidget

from kvoucher_desktop.views.tasks import pending_tasks, run_in_background
from kvoucher_desktop.views.widgets.busy import BusyIndicator
from kvoucher_desktop.views.widgets.forms import LatestLoad


class Ctx:
    def __init__(self):
        self.errors = []

    def run(self, parent, fn, on_done, on_error):
        return run_in_background(parent, fn, on_done, on_error)

    def error(self, parent, exc):
        self.errors.append(exc)


def test_only_the_newest_result_is_shown(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    busy = BusyIndicator(page)
    ctx = Ctx()
    loads = LatestLoad(ctx, page, busy)
    release_first = threading.Event()
    shown, after = [], []

    def slow_old():
        release_first.wait(5)
        return "old"

    loads.run(slow_old, shown.append, after=lambda: after.append(1))
    loads.run(lambda: "new", shown.append, after=lambda: after.append(2))
    qtbot.waitUntil(lambda: shown == ["new"])
    assert busy.busy  # the first load is still out
    release_first.set()
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    assert shown == ["new"]  # the overtaken result is dropped
    assert sorted(after) == [1, 2] and not busy.busy

    def broken():
        raise RuntimeError("store down")

    loads.run(broken, shown.append)
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    assert [str(e) for e in ctx.errors] == ["store down"] and not busy.busy
