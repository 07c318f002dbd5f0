"""심사관리: the screening queue of an operator (its jurisdiction) or of the agency (all).

Count chips double as the status filter; search by name or business number (debounced);
"수정사항 있음만". The queue pages through the database in the background; selecting a
row shows the detail beside it, where the actions are. After an action the row is
updated in place and the counts are reloaded.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...enums import Role, ScreeningStatus
from ...services.changes import Changes, Entity
from ...services.dto import CompanyView
from ...services.rules.screening import STATUS_LABELS
from ...services.screening import PAGE_SIZE
from ..tasks import from_self, touched
from ..widgets.busy import BusyIndicator
from ..widgets.chips import PLAIN, chip_row
from ..widgets.counts import load_counts
from ..widgets.common import STATUS_COLOURS, title_label, SearchBox
from ..widgets.tables import make_table
from ..widgets.list_status import list_status, status_label
from ..widgets.year_select import year_and_reload
from .detail import CompanyDetailPanel
from .queue_model import ScreeningQueueModel, row_from_view


#: the order of the chips (the manual's order of the five results)
CHIP_ORDER = (ScreeningStatus.REVIEWING, ScreeningStatus.ON_HOLD, ScreeningStatus.CONFIRMED,
              ScreeningStatus.APPROVED, ScreeningStatus.REJECTED)


class ScreeningDashboardPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None, *, page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self.ctx = ctx
        self.counts: dict[ScreeningStatus, int] = {}
        self._started = False
        actor = ctx.actor
        self.agency = actor is not None and actor.role is Role.AGENCY
        self.model = ScreeningQueueModel(ctx, show_operator=self.agency, page_size=page_size, parent=self)
        self._build()
        self.model.loading_changed.connect(lambda _b: self._update_status_line())
        self.model.page_loaded.connect(lambda _n: self._update_status_line())
        self.model.modelReset.connect(self._update_status_line)
        self.model.failed.connect(lambda exc: self.ctx.show_failure(exc, self))

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head = QHBoxLayout()
        self.title = title_label(self.tr("심사관리"))
        head.addWidget(self.title)
        self.scope_label = QLabel(self.tr("전체 기업 (전문기관 직권)") if self.agency else "")
        self.scope_label.setObjectName("hint")
        head.addSpacing(8)
        head.addWidget(self.scope_label)
        head.addStretch(1)
        self.busy = BusyIndicator()
        head.addWidget(self.busy)
        self.year_select, self.reload_button = year_and_reload(self, head, self.reload, self.reload)
        layout.addLayout(head)

        tones = {"ALL": PLAIN, **{status.value: STATUS_COLOURS[status] for status in CHIP_ORDER}}
        chip_box, chips = chip_row(tones)
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        self.chips: dict[ScreeningStatus | None, QPushButton] = {}
        for status in (None, *CHIP_ORDER):
            button = QPushButton()
            button.setCheckable(True)
            button.setProperty("tone", status.value if status is not None else "ALL")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.chip_group.addButton(button)
            self.chips[status] = button
            chips.addWidget(button)
        self.chips[None].setChecked(True)
        self.chip_group.buttonToggled.connect(self._chip_toggled)
        chips.addStretch(1)
        layout.addWidget(chip_box)
        self._update_chip_texts()

        filters = QHBoxLayout()
        self.search = SearchBox(self.tr("기업명 또는 사업자등록번호로 검색"), self.apply_filters, 300)
        self.search_timer = self.search.timer
        self.changed_only = QCheckBox(self.tr("수정사항 있음만"))
        self.changed_only.setToolTip(self.tr("심사확정 후 기업이 정보를 수정했고 아직 확인하지 않은 기업만 보기"))
        self.changed_only.toggled.connect(lambda _c: self.apply_filters())
        filters.addWidget(self.search)
        filters.addWidget(self.changed_only)
        filters.addStretch(1)
        legend = QLabel(self.tr("노란색 행: 심사확정 후 정보가 수정된 기업"))
        legend.setObjectName("hint")
        filters.addWidget(legend)
        layout.addLayout(filters)

        # made inside the page, parents first: a part built on its own and then added is styled
        # again, with all it holds, under the application's style sheet
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = make_table(self.model, stretch=2)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        left_layout.addWidget(self.table, 1)
        self.status_line = status_label()
        left_layout.addWidget(self.status_line)
        splitter.addWidget(left)
        splitter.setStretchFactor(0, 3)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        # the detail panel in an event of its own after the page's (or when first needed), as the
        # inbox's: the operator's home is this page, built in the same event as the whole shell
        self._detail: CompanyDetailPanel | None = None
        QTimer.singleShot(1, self, self._build_detail)

    @property
    def detail(self) -> CompanyDetailPanel:
        if self._detail is None:
            self._build_detail()
        return self._detail

    def _build_detail(self) -> None:
        if self._detail is not None:
            return
        self._detail = detail = CompanyDetailPanel(self.ctx, self.splitter)
        detail.company_changed.connect(self._company_changed)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([840, 440])

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Called when the page is shown: first time load everything, later only the counts."""
        self.year_select.load()
        if not self._started:
            self._started = True
            self._load_scope()
            self.apply_filters()
        self.load_counts()

    def reload(self) -> None:
        self._started = True
        self.apply_filters()
        self.load_counts()
        if self._detail is not None:
            self._detail.reload()

    def _load_scope(self) -> None:
        actor = self.ctx.actor
        if actor is None or actor.role is not Role.OPERATOR:
            return
        programme = self.ctx.services.programme

        def done(operators) -> None:
            name = next((o.name for o in operators if o.id == actor.operator_id), "")
            if name:
                self.scope_label.setText(self.tr("{operator} 관할 기업").format(operator=name))

        self.ctx.query(lambda: programme.operators(include_inactive=True), parent=self).quiet() \
            .success(done).failure(lambda _e: None).run()

    def load_counts(self) -> None:
        screening, year = self.ctx.services.screening, self.year_select.year()
        load_counts(self.ctx, self, lambda actor: screening.counts(actor, year), self._counts_arrived)

    def _counts_arrived(self, counts: dict) -> None:
        self.counts = counts
        self._update_chip_texts()
        self._update_status_line()

    def _update_chip_texts(self) -> None:
        total = sum(self.counts.values()) if self.counts else None
        for status, button in self.chips.items():
            label = self.tr("전체") if status is None else STATUS_LABELS[status]
            n = total if status is None else self.counts.get(status)
            button.setText(label if n is None else f"{label} {n:,}")

    def current_status(self) -> ScreeningStatus | None:
        for status, button in self.chips.items():
            if button.isChecked():
                return status
        return None

    def set_status_filter(self, status: ScreeningStatus | None) -> None:
        self.chips[status].setChecked(True)

    def _chip_toggled(self, button, checked: bool) -> None:
        if checked:
            self.apply_filters()

    def apply_filters(self) -> None:
        self.search_timer.stop()
        if self._detail is not None:
            self._detail.clear()
        self.model.set_filters(status=self.current_status(), query=self.search.text(),
                               changed_only=self.changed_only.isChecked(), year=self.year_select.year())
        self._update_status_line()

    def _update_status_line(self) -> None:
        status = self.model.filters["status"]
        plain = not self.model.filters["query"] and not self.model.filters["changed_only"]
        total = (sum(self.counts.values()) if status is None else self.counts.get(status)) if self.counts else None
        suffix = self.tr(" / 전체 {total}건").format(total=f"{total:,}") if plain and total is not None else ""
        self.status_line.setText(list_status(self.model, self.tr("조건에 맞는 기업이 없습니다."), suffix))

    # --- selection and actions ---------------------------------------------------------------
    def _current_changed(self, current, _previous) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None:
            self.detail.show_company(row.id)

    def select_company(self, company_id) -> bool:
        pos = self.model.position_of(company_id)
        if pos is None:
            return False
        self.table.selectRow(pos)
        self.table.setCurrentIndex(self.model.index(pos, 0))
        return True

    def _company_changed(self, view: CompanyView) -> None:
        """The detail panel changed a company (its op told every other page)."""
        self.model.update_row(row_from_view(view))
        self.load_counts()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        self.year_select.follow(changes)
        if not changes.touches(Entity.COMPANY) or from_self(self, initiator) or not self._started:
            return
        self.load_counts()
        ids = changes.ids(Entity.COMPANY)
        loaded = [i for i in ids if self.model.position_of(i) is not None]
        if not ids or len(loaded) > 50:  # some companies changed, or many: load the list again
            self.apply_filters()
            return
        actor = self.ctx.actor
        companies = self.ctx.services.companies
        for company_id in loaded:  # only the affected rows change (dataChanged)
            self.ctx.query(lambda cid=company_id: companies.get(actor, cid), parent=self).quiet() \
                .success(lambda view: self.model.update_row(row_from_view(view))).failure(lambda _e: None).run()
        detail = self._detail
        if detail is not None and detail.view is not None and touched(changes, Entity.COMPANY, detail.view.id):
            detail.reload()
