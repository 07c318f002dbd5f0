"""Tabs of keyset-paged lists, one a key, each titled with its count: what 서비스 결제관리 (결제 내역,
결제 현황) and 서비스 정산 (받은 평가, 만족도 평가 현황) share.

A tab's model and table are built the first time the tab is needed (`ensure_tab`); `refresh_current`
reloads the current tab in place and marks the others stale, and a stale tab catches up when it is
shown. The status line under the tables follows the current tab (`list_status`). The page keeps what
is its own: the model of a key (`make_model`), when to load, the counts, the actions beside the
tables (`selection_changed` tells it when the current tab's selection may have changed).
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QLabel, QTabWidget, QTableView, QVBoxLayout, QWidget

from .list_status import list_status, status_label
from .tables import KeysetTableModel, make_table, selected_row


class ListTabs(QTabWidget):
    #: the current tab's selection may have changed: a row picked, the tab switched, rows reloaded
    selection_changed = Signal()
    #: a row of a table was activated (double-click or Enter)
    activated = Signal()

    def __init__(self, page: QWidget, keys: Sequence[Hashable], *, label: Callable[[Any], str],
                 make_model: Callable[[Any], KeysetTableModel], empty_text: Callable[[Any], str],
                 stretch: Callable[[Any], int | tuple[int, ...]] = lambda _key: -1, min_height: int = 110,
                 keep_selection: bool = False, restart_stale: bool = False, parent: QWidget | None = None):
        """`label(key)`: the tab's title without its count; `make_model(key)`: a new model of the tab
        (parented to the page); `empty_text(key)`: the status line of a tab with no rows;
        `stretch(key)`: the column sharing the spare width. `keep_selection`: a reload keeps the
        selected row selected while it is still in the tab. `restart_stale`: a stale tab shown again
        loads from its first page (a new period) instead of reloading what it had in place.
        The status line is made when the page places it (`add_status_line`)."""
        super().__init__(parent if parent is not None else page)
        self.page, self.ctx = page, page.ctx
        self.keys = tuple(keys)
        self._label, self._make_model, self._empty_text = label, make_model, empty_text
        self._stretch, self._min_height = stretch, min_height
        self.keep_selection, self.restart_stale = keep_selection, restart_stale
        self.counts: dict = {}
        self.models: dict = {}
        self.tables: dict[Any, QTableView] = {}
        self.stale: set = set()
        self.started = False
        self._kept: tuple | None = None
        self.setDocumentMode(True)
        for key in self.keys:
            self.addTab(QWidget(), label(key))
        self.currentChanged.connect(self._tab_changed)
        self.status_line: QLabel | None = None

    def add_status_line(self, layout: QBoxLayout) -> QLabel:
        """The status line under the tables (with the tabs' parent), added to `layout` where the
        page wants it; made then, so that it follows the page's other widgets."""
        self.status_line = status_label(self.parentWidget())
        layout.addWidget(self.status_line)
        return self.status_line

    # --- tabs --------------------------------------------------------------------------------
    def build_first(self) -> None:
        """The first tab's model and table (the page calls it once its other widgets are made)."""
        if self.keys:
            self.ensure_tab(self.keys[0])

    def ensure_tab(self, key) -> None:
        """A tab's model and table, built the first time the tab is needed."""
        if key in self.tables:
            return
        model = self._make_model(key)
        model.failed.connect(lambda exc: self.ctx.show_failure(exc, self.page))
        model.loading_changed.connect(lambda _b: self.update_status_line())
        model.page_loaded.connect(lambda _n: self.update_status_line())
        synced = getattr(model, "synced", None)
        if synced is not None:
            synced.connect(self.update_status_line)
        model.modelAboutToBeReset.connect(lambda k=key: self._remember_selection(k))
        model.modelReset.connect(lambda k=key: self._restore_selection(k))
        self.models[key] = model
        page = self.widget(self.keys.index(key))
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 6, 0, 0)
        table = make_table(model, page, stretch=self._stretch(key), scroll_when_narrow=True)
        table.setMinimumHeight(self._min_height)
        table.selectionModel().selectionChanged.connect(lambda *_a: self.selection_changed.emit())
        table.activated.connect(lambda _index: self.activated.emit())
        box.addWidget(table)
        # built after the page's buttons: put it right after the tab bar in the Tab order, so that
        # Tab goes tab bar → list → the buttons under it (not from the list back to the header)
        QWidget.setTabOrder(self, table)
        self.tables[key] = table

    def current_tab(self):
        i = self.currentIndex()
        return self.keys[i] if 0 <= i < len(self.keys) else None

    def set_tab(self, key) -> None:
        self.setCurrentIndex(self.keys.index(key))

    def tab_title(self, key) -> str:
        return self.tabText(self.keys.index(key))

    def show_counts(self, counts) -> None:
        """Each tab titled with its count: "결제성공 (2)"; a tab without a count by its label."""
        self.counts = dict(counts)
        for i, key in enumerate(self.keys):
            n, label = self.counts.get(key), self._label(key)
            self.setTabText(i, label if n is None else f"{label} ({n:,})")

    # --- loading -----------------------------------------------------------------------------
    def refresh_current(self) -> None:
        """The current tab reloads in place (from its first page when it went stale); the others
        are stale until shown."""
        self.started = True
        current = self.current_tab()
        stale, self.stale = self.stale, set(self.keys) - {current}
        model = self.models[current]
        if current in stale and model.started:
            model.start()
        else:
            model.sync()
        self.update_status_line()

    def mark_all_stale(self) -> None:
        """Every tab loads again, from its first page, when it is next refreshed or shown."""
        self.stale = set(self.keys)

    def _tab_changed(self, _index: int) -> None:
        key = self.current_tab()
        if key is None:
            return
        self.ensure_tab(key)
        if self.started:
            model = self.models[key]
            if key in self.stale or not model.started:
                self.stale.discard(key)
                model.start() if self.restart_stale else model.sync()
        self.update_status_line()
        self.selection_changed.emit()

    def update_status_line(self) -> None:
        if self.status_line is None:
            return
        key = self.current_tab()
        model = self.models.get(key) if key is not None else None
        self.status_line.setText("" if model is None else list_status(model, self._empty_text(key)))

    # --- selection ---------------------------------------------------------------------------
    def selected(self):
        """The row selected in the current tab, or None."""
        key = self.current_tab()
        return selected_row(self.tables[key]) if key in self.tables else None

    def select(self, row_key) -> bool:
        """Select the loaded row of `row_key` in the current tab; False when it is not loaded there."""
        key = self.current_tab()
        pos = self.models[key].position_of(row_key) if key in self.models else None
        if pos is None:
            return False
        self.tables[key].selectRow(pos)
        return True

    def _remember_selection(self, key) -> None:
        table = self.tables.get(key) if self.keep_selection else None
        row = selected_row(table) if table is not None else None
        self._kept = (key, self.models[key].key_of(row)) if row is not None else None

    def _restore_selection(self, key) -> None:
        kept, self._kept = self._kept, None
        pos = self.models[key].position_of(kept[1]) if kept is not None and kept[0] == key else None
        if pos is not None:
            self.tables[key].selectRow(pos)
        self.selection_changed.emit()


class ListTabsPage:
    """What a page holding its `ListTabs` as `self.tabs` answers for them (a mixin beside QWidget):
    the tests, the screenshots and the page itself ask the page. The page has `ctx` and `refresh()`."""

    tabs: ListTabs

    def reload(self) -> None:
        """새로 고침: whatever the feedback bar said goes, and the page refreshes."""
        self.ctx.clear_feedback()
        self.refresh()

    @property
    def tab_keys(self) -> tuple:
        return self.tabs.keys

    @property
    def models(self) -> dict:
        return self.tabs.models

    @property
    def tables(self) -> dict:
        return self.tabs.tables

    @property
    def counts(self) -> dict:
        return self.tabs.counts

    @property
    def status_line(self):
        return self.tabs.status_line

    def current_tab(self):
        return self.tabs.current_tab()

    def set_tab(self, key) -> None:
        self.tabs.set_tab(key)

    def tab_title(self, key) -> str:
        return self.tabs.tab_title(key)

    def selected(self):
        return self.tabs.selected()

    def select(self, row_key) -> bool:
        return self.tabs.select(row_key)
