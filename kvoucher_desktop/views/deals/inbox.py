"""서비스 요청: the deal inbox of a demand company or of a supplier (SPEC §5.3).

One tab per inbox list of the actor's side, titled with its count; each tab is a table paged
through the database in the background. Selecting a deal shows it beside the tables with
the actions its state allows. After an action (here or on another page) the counts are
reloaded and the tables are patched in place, so the selection stays where it was.
The demand company's 결제하기 tab ticks deals and totals them against the remaining budget; its
pay button (and a deal's 결제 in the detail panel) opens the payment window (views/payments).
After a payment the page refreshes from the changes the helper broadcasts.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...enums import DealTab, Role
from ...services.deals import DEMAND_TABS, SUPPLIER_TABS, tab_of
from ...services.changes import Changes, Entity
from ..tasks import from_self
from ..widgets.busy import page_head
from ..widgets.counts import load_counts
from ..widgets.list_status import list_status
from ..widgets.tables import make_table, selected_row
from .detail import DealDetailPanel
from .models import DealTableModel, PayTableModel, tab_label
from .pay_line import PayLine, load_budget


#: the widest 서비스명 / company column (px); longer names are cut with "…" and shown in full as a tooltip
NAME_MAX_WIDTHS = (420, 260)
#: 메모 keeps at least this much; it is the column that is cut ("…") when room is short
MEMO_MIN_WIDTH = 40
#: a cell's text margins (both sides) and a header's padding and sort arrow
CELL_PADDING = 10
HEADER_PADDING = 14
#: a date cell: "2026-03-02 10:00"; a narrow column shows it without the year ("03-02 10:00")
DATE_TEXT = re.compile(r"^\d{4}-(\d{2}-\d{2} \d{2}:\d{2})$")


def short_date(text: str) -> str:
    """A date cell's text without its year, or the text itself when it is no date."""
    found = DATE_TEXT.match(text or "")
    return found.group(1) if found else text


class CompactDateDelegate(QStyledItemDelegate):
    """Draws a date without its year when the whole date does not fit its column (the tooltip
    and the model keep the whole date)."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        text = option.text
        if DATE_TEXT.match(text or "") and \
                option.fontMetrics.horizontalAdvance(text) + CELL_PADDING > option.rect.width():
            option.text = short_date(text)


def _need(metrics, header_metrics, title: str, texts) -> int:
    cells = max((metrics.horizontalAdvance(t) for t in texts), default=0) + CELL_PADDING
    return max(cells, header_metrics.horizontalAdvance(title) + HEADER_PADDING)


def _text_needs(table, model: DealTableModel) -> tuple[dict, dict, list]:
    """What the loaded rows' texts need per column: (whole, dates without their year) for the
    fixed columns and the names' needs. Measured once per set of rows and font (kept on the
    model): a resize only shares out the width."""
    rows = model.rows()
    font_key = table.font().key()
    kept = getattr(model, "_text_needs", None)
    if kept is not None and kept[0] == font_key and len(kept[1]) == len(rows) and \
            all(a is b for a, b in zip(kept[1], rows)):
        return kept[2]
    names = model.name_columns
    metrics = table.fontMetrics()
    bold = QFont(table.font())
    bold.setBold(True)
    header_metrics = QFontMetrics(bold)
    memo = len(model.columns) - 1
    full, compact = {}, {}
    for i in range(len(model.columns)):
        if i in names or i == memo:
            continue
        spec = model.columns[i]
        texts = [spec.text(r) for r in rows]
        cell = header_metrics if i == model.state_column else metrics  # the state is drawn bold
        full[i] = max(_need(cell, header_metrics, spec.title, texts), 40)
        compact[i] = max(_need(cell, header_metrics, spec.title, [short_date(t) for t in texts]), 40)
    name_needs = [_need(metrics, header_metrics, model.columns[c].title, [model.columns[c].text(r) for r in rows])
                  for c in names]
    model._text_needs = (font_key, list(rows), (full, compact, name_needs))
    return full, compact, name_needs


def fit_name_columns(table, model: DealTableModel) -> None:
    """Names first: 서비스명 and the company get the width their loaded texts need (up to a cap);
    the other columns (state, dates, amounts) take what their texts need, dates without their
    year when room is short; 메모 takes what is left and is the one cut with "…"."""
    header = table.horizontalHeader()
    names = model.name_columns
    full, compact, name_needs = _text_needs(table, model)
    wanted = [max(model.columns[column].width, min(need, cap))
              for column, cap, need in zip(names, NAME_MAX_WIDTHS, name_needs)]
    room = table.viewport().width() - MEMO_MIN_WIDTH
    fixed = full if sum(wanted) + sum(full.values()) <= room else compact
    room -= sum(fixed.values())
    if sum(wanted) > room:  # still short: the names share what there is, each keeps its floor
        floor = [min(model.columns[c].width, w) for c, w in zip(names, wanted)]
        spare = max(0, room - sum(floor))
        extra = [w - f for w, f in zip(wanted, floor)]
        total = sum(extra) or 1
        wanted = [f + spare * e // total for f, e in zip(floor, extra)]
    for column, width in [*zip(names, wanted), *fixed.items()]:
        if header.sectionSize(column) != width:
            header.resizeSection(column, width)


class _FitWhenResized(QObject):
    """Fits a table's columns whenever its viewport changes size: with the window, and also when
    a vertical scroll bar comes or goes as rows arrive (the page itself is not resized then)."""

    def __init__(self, table, model: DealTableModel):
        super().__init__(table)
        self.table, self.model = table, model
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            fit_name_columns(self.table, self.model)
        return False


def sort_by_headers(table) -> None:
    """A header click sorts the loaded rows (DealTableModel.sort); a third one restores the order."""
    header = table.horizontalHeader()
    header.setSortIndicatorClearable(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    table.setSortingEnabled(True)
    header.setToolTip(_tr("제목을 누르면 불러온 거래를 그 열로 정렬합니다. 세 번째 누르면 처음 순서로 돌아갑니다."))


def status_text(tab: DealTab, model: DealTableModel) -> str:
    """The line under a tab's table: how many deals are shown and whether more can be loaded."""
    return list_status(model, _tr("'{tab}'에 해당하는 거래가 없습니다.").format(tab=tab_label(tab)))


def _tr(text: str) -> str:
    return QCoreApplication.translate("DealInboxPage", text)


class _TablesBuiltWhenRead(dict):
    """The page's tables by tab: reading the table of a tab whose model is built builds it."""

    def __init__(self, page: "DealInboxPage"):
        super().__init__()
        self.page = page

    def __missing__(self, tab: DealTab):
        if tab not in self.page.models:
            raise KeyError(tab)
        self.page.ensure_tab(tab)
        return dict.__getitem__(self, tab)


class DealInboxPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        actor = ctx.actor
        self.role = actor.role if actor is not None else None
        self.tab_keys: tuple[DealTab, ...] = (DEMAND_TABS if self.role is Role.DEMAND
                                               else SUPPLIER_TABS if self.role is Role.SUPPLIER else ())
        self.counts: dict[DealTab, int] = {}
        self.remaining: int | None = None
        self.models: dict[DealTab, DealTableModel] = {}
        self.tables = _TablesBuiltWhenRead(self)
        self._stale: set[DealTab] = set()
        self._switched: DealTab | None = None  # a tab switched to whose rows are still on their way
        self._started = False
        self.pay_dialog = None
        self.pay_bar: PayLine | None = None  # the 결제하기 tab's line, once that tab is built
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("서비스 요청"))
        self.reload_button = QPushButton(self.tr("새로 고침"))
        self.reload_button.clicked.connect(lambda: self.refresh())
        head.addWidget(self.reload_button)
        layout.addLayout(head)
        if self.role is Role.DEMAND:
            hint = self.tr("공급기업의 응답과 결제요청을 확인합니다. 거래상담은 요청일로부터, 결제는 결제요청일로부터 "
                           "D+2 24:00(한국시간)까지이며, 그때까지 처리되지 않으면 불가 처리됩니다.")
        elif self.role is Role.SUPPLIER:
            hint = self.tr("수요기업의 거래상담 요청을 수락하거나 반려하고, 수락한 거래에 결제를 요청합니다. "
                           "요청일로부터 D+2 24:00(한국시간)까지 응답하지 않으면 불가 처리됩니다.")
        else:
            hint = self.tr("서비스 요청은 수요기업과 공급기업만 볼 수 있습니다.")
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        # made inside the page, parents first: a part built on its own and then added is styled
        # again, with all it holds, under the application's style sheet
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(left)
        self.tabs.setDocumentMode(True)
        for tab in self.tab_keys:  # a tab's table is built when the tab is first shown (ensure_tab)
            self.tabs.addTab(QWidget(), tab_label(tab))
        if self.tab_keys:
            # the first tab's model at once (refresh loads it), its table a 1 ms step after the
            # frame (or when first read): a zero timer is a posted event, run before the paint
            first = self.tab_keys[0]
            self._tab_model(first)
            QTimer.singleShot(1, self, lambda: self._first_table_then_detail(first))
        self.tabs.currentChanged.connect(self._tab_changed)
        left_layout.addWidget(self.tabs, 1)
        self.status_line = QLabel()
        self.status_line.setObjectName("hint")
        left_layout.addWidget(self.status_line)
        splitter.addWidget(left)
        splitter.setStretchFactor(0, 3)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        # the detail panel in an event of its own after the first table's (or when first needed);
        # a timer, not a zero one: that is a posted event, run before the loop paints or reads input
        self._detail: DealDetailPanel | None = None
        if not self.tab_keys:
            QTimer.singleShot(1, self, self._build_detail)

    def _first_table_then_detail(self, first: DealTab) -> None:
        """The first tab's table, then — in a later event, so that the loop paints and reads input
        between the two (two timers due at once run back to back) — the detail panel."""
        self.ensure_tab(first)
        QTimer.singleShot(1, self, self._build_detail)

    @property
    def detail(self) -> DealDetailPanel:
        if self._detail is None:
            self._build_detail()
        return self._detail

    def _build_detail(self) -> None:
        if self._detail is not None:
            return
        self._detail = detail = DealDetailPanel(self.ctx, self.splitter)
        detail.deal_changed.connect(self._deal_changed)
        detail.refused.connect(lambda _exc: self.refresh(detail=False))  # the panel reloads itself
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([860, 380])  # the lists first: their names are read whole

    def ensure_tab(self, tab: DealTab) -> None:
        """Build a tab's table (and its model) into its place, the first time it is needed."""
        if tab not in self.models:
            self._tab_model(tab)
        if not dict.__contains__(self.tables, tab):
            self._tab_page(tab, self.tabs.widget(self.tab_keys.index(tab)))

    def _tab_model(self, tab: DealTab) -> None:
        if tab is DealTab.PAY:
            model = PayTableModel(self.ctx, self.role, parent=self)
            model.checked_changed.connect(self._update_pay_line)
        else:
            model = DealTableModel(self.ctx, tab, self.role, parent=self)
        model.failed.connect(lambda exc: self.ctx.show_failure(exc, self))
        model.loading_changed.connect(lambda _b: self._update_status_line())
        model.page_loaded.connect(lambda _n: self._update_status_line())
        model.page_loaded.connect(lambda _n, t=tab: self._tab_arrived(t))
        model.synced.connect(lambda t=tab: self._tab_synced(t))
        self.models[tab] = model

    def _tab_page(self, tab: DealTab, page: QWidget) -> QWidget:
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        model = self.models[tab]
        table = make_table(model, page, stretch=-1)
        table.setItemDelegate(CompactDateDelegate(table))
        sort_by_headers(table)
        _FitWhenResized(table, model)
        table.selectionModel().selectionChanged.connect(lambda *_a, t=tab: self._selection_changed(t))
        self.tables[tab] = table
        if tab is DealTab.PAY:
            intro = QLabel(self.tr("결제요청을 받은 거래와 장바구니에 담은 거래입니다. 함께 결제할 거래를 선택하세요."))
            intro.setObjectName("hint")
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addWidget(table, 1)
        if tab is DealTab.PAY:
            self.pay_bar = bar = PayLine(self)
            self.pay_line, self.budget_line, self.pay_button = bar.total_label, bar.budget_label, bar.button
            layout.addWidget(bar)
            bar.update_line()
        if tab is self.current_tab() and page.isVisible():  # built after the frame: laid out now, then fitted
            table.show()
            layout.activate()
            self._fit_columns(tab)
        return page

    # --- loading -----------------------------------------------------------------------------
    def current_tab(self) -> DealTab | None:
        i = self.tabs.currentIndex()
        return self.tab_keys[i] if 0 <= i < len(self.tab_keys) else None

    def set_tab(self, tab: DealTab) -> None:
        self.tabs.setCurrentIndex(self.tab_keys.index(tab))

    def refresh(self, detail: bool = True) -> None:
        """Called when shown and after changes: counts, the current tab (in place), the detail."""
        if not self.tab_keys:
            return
        self._started = True
        self.load_counts()
        current = self.current_tab()
        self._stale = set(self.tab_keys) - {current}
        self.models[current].sync()
        if self.role is Role.DEMAND:
            self.load_budget()
        if detail and self._detail is not None:  # a panel not built yet shows nothing to reload
            self._detail.reload()
        self._update_status_line()

    def load_counts(self) -> None:
        load_counts(self.ctx, self, self.ctx.services.deals.counts, self._counts_arrived)

    def _counts_arrived(self, counts: dict) -> None:
        self.counts = counts
        self._update_tab_titles()

    def load_budget(self) -> None:
        load_budget(self)

    def _update_tab_titles(self) -> None:
        for i, tab in enumerate(self.tab_keys):
            n = self.counts.get(tab)
            label = tab_label(tab)
            self.tabs.setTabText(i, label if n is None else f"{label} ({n:,})")

    def tab_title(self, tab: DealTab) -> str:
        return self.tabs.tabText(self.tab_keys.index(tab))

    def _tab_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is not None:
            self.ensure_tab(tab)
        if tab is None or not self._started:
            return
        model = self.models[tab]
        if tab in self._stale or not model.started:
            self._stale.discard(tab)
            self._switched = tab  # the panel follows the tab once its rows are in (_tab_arrived)
            model.sync()
        else:
            self._switched = None
            self._follow_detail(tab)
            self._detail_of_tab(tab)
        self._fit_columns(tab)
        self._update_status_line()

    def _detail_of_tab(self, tab: DealTab) -> None:
        """After a tab switch: the deal selected in the tab, or nothing (never the left tab's)."""
        row = selected_row(self.tables[tab])
        if row is None:
            self.detail.clear()
        elif row.id != self.detail.deal_id:
            self.detail.show_deal(row.id)

    def _tab_arrived(self, tab: DealTab) -> None:
        """Rows of a tab came in (a first page, a page more, or a refresh)."""
        self._fit_columns(tab)
        if tab is self._switched and tab is self.current_tab():
            self._switched = None
            self._follow_detail(tab)
            self._detail_of_tab(tab)

    def _tab_synced(self, tab: DealTab) -> None:
        self._update_status_line()
        table, deal_id = self.tables[tab], self.detail.deal_id
        selected = selected_row(table)
        if selected is not None and selected.id != deal_id:
            # the view moved the selection to a neighbour of a row that left the tab: the user
            # did not pick it, and the panel keeps showing the deal that moved on
            table.selectionModel().clear()
        if tab is self.current_tab():
            self._follow_detail(tab)
        self._tab_arrived(tab)

    def _follow_detail(self, tab: DealTab) -> None:
        """The deal in the detail panel is selected in the tab it is now in (after it moved there)."""
        table = self.tables[tab]
        deal_id = self.detail.deal_id
        if deal_id is None or selected_row(table) is not None:
            return
        pos = self.models[tab].position_of(deal_id)
        if pos is not None:
            table.selectRow(pos)

    def _fit_columns(self, tab: DealTab) -> None:
        if dict.__contains__(self.tables, tab):  # a table still to be built is fitted when built
            fit_name_columns(self.tables[tab], self.models[tab])

    def _update_status_line(self) -> None:
        tab = self.current_tab()
        self.status_line.setText(status_text(tab, self.models[tab]) if tab is not None else "")

    # --- selection and changes ---------------------------------------------------------------
    def _selection_changed(self, tab: DealTab) -> None:
        if tab is not self.current_tab() or self.models[tab].merging:
            return
        row = selected_row(self.tables[tab])
        # a row that left the tab after a refresh leaves the detail as it is (it shows the deal's new state)
        if row is not None and row.id != self.detail.deal_id:
            self.detail.show_deal(row.id)

    def select_deal(self, deal_id) -> bool:
        """Select a loaded deal in the current tab (and show it)."""
        tab = self.current_tab()
        pos = self.models[tab].position_of(deal_id) if tab is not None else None
        if pos is None:
            return False
        self.tables[tab].selectRow(pos)
        return True

    def _deal_changed(self, view) -> None:
        """The panel changed a deal: the lists catch up; the page follows the deal to the tab that
        lists it now (수락: 거래상담 → 거래수락, selected there by `_follow_detail`), or clears."""
        self.refresh(detail=False)  # the panel reloads itself
        current = self.current_tab()
        target = tab_of(view.state, self.role, current)
        if view.id == self.detail.deal_id and target is not current:
            self.tables[current].selectionModel().clear()
            self.set_tab(target) if target is not None else self.detail.clear()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if not changes.touches(Entity.DEAL) or from_self(self, initiator) or not self._started:
            return
        self.refresh()

    # --- 결제하기 --------------------------------------------------------------------------------
    def _update_pay_line(self) -> None:
        if self.pay_bar is not None:
            self.pay_bar.update_line()
