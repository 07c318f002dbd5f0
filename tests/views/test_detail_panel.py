"""The one frame of the lists' detail panels (widgets/detail_panel.py): the newest selection is
shown, an older load that arrives later is not, and a cleared panel stays cleared."""

from __future__ import annotations

import threading
import uuid
from types import SimpleNamespace

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from kvoucher_desktop.views.context import ViewContext
from kvoucher_desktop.views.widgets.detail_panel import DetailPanel, info_form
from tests.views.page_support import settle


class _Window(QObject):
    data_changed = Signal(object, object)
    actor = None


class _Panel(DetailPanel):
    def __init__(self, ctx, gates):
        super().__init__(ctx, QLabel())
        self.empty_title = "상세"
        self.gates = gates
        self.shown: list[uuid.UUID] = []
        self.form, self.labels = info_form((("name", "이름"),))
        self.content_layout.addLayout(self.form)
        self.clear()

    def fetch(self, item_id):
        gate = self.gates[item_id]

        def work():
            gate.wait(5)
            return (SimpleNamespace(id=item_id), f"item {item_id}")

        return work

    def present(self, view, name) -> None:
        self.view = view
        self.shown.append(view.id)
        self.show_head(name, "")
        self.labels["name"].setText(name)


def test_the_newest_selection_wins_and_clear_drops_a_load_still_out(qtbot, qapp):
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    gates = {i: threading.Event() for i in (first, second, third)}
    panel = _Panel(ViewContext(SimpleNamespace(), _Window()), gates)
    qtbot.addWidget(panel)
    assert panel.placeholder.isVisibleTo(panel) and not panel.content.isVisibleTo(panel)

    panel.load(first, "불러오는 중…")
    panel.load(second, "불러오는 중…")
    assert panel.busy.busy and panel.shown_id == second
    gates[second].set()
    qtbot.waitUntil(lambda: panel.shown == [second])
    gates[first].set()  # the older load arrives last: not shown
    settle(qtbot)
    assert panel.shown == [second] and panel.name_label.text() == f"item {second}"
    assert panel.content.isVisibleTo(panel) and not panel.busy.busy

    panel.load(third, "불러오는 중…")
    panel.clear()
    gates[third].set()
    settle(qtbot)
    assert panel.shown == [second] and panel.view is None and panel.shown_id is None
    assert panel.name_label.text() == "상세" and panel.placeholder.isVisibleTo(panel)
