"""서비스 정산 (the buyer), 받은 평가 (the supplier) and 만족도 평가 현황 (the agency): one page,
SPEC §5.5 and §6.

Tabs 평가대기 / 평가완료 (the supplier: its evaluations received, DONE only), each titled with its
count and paged through the database in the background (a tab's table is built when it is first
shown). On 평가대기 the buyer's 평가하기 opens the form; a row of 평가완료 (double-click, Enter or
평가 보기) opens the saved evaluation read-only. The page hears PAYMENT changes (a payment that
succeeds opens an evaluation, a cancellation withdraws one) and EVALUATION changes.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ...enums import EvaluationStatus, Role
from ...services.changes import Changes, Entity
from ...services.dto import EvaluationView
from ..tasks import from_self
from ..widgets.busy import page_head
from ..widgets.tables import make_table, selected_row
from .form import EvaluationDialog
from .models import ROLE_TABS, EvaluationTableModel, tab_label

E = EvaluationStatus
TITLES = {Role.DEMAND: "서비스 정산", Role.SUPPLIER: "받은 평가", Role.AGENCY: "만족도 평가 현황"}


class EvaluationPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        actor = ctx.actor
        self.role = actor.role if actor is not None else None
        self.tab_keys = ROLE_TABS.get(self.role, ())
        self.counts: dict[EvaluationStatus, int] = {}
        self.models: dict[EvaluationStatus, EvaluationTableModel] = {}
        self.tables: dict = {}
        self._stale: set[EvaluationStatus] = set()
        self._started = False
        self.dialog: EvaluationDialog | None = None
        self._build()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), 480)

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr(TITLES.get(self.role, "서비스 정산")))
        self.reload_button = QPushButton(self.tr("새로 고침"), self)
        self.reload_button.clicked.connect(self.reload)
        head.addWidget(self.reload_button)
        layout.addLayout(head)
        hints = {
            Role.DEMAND: self.tr("결제를 마친 서비스를 품질, 납기 준수, 소통, 가격 적정성, 전반적 만족도의 다섯 항목으로 "
                                 "평가해 주세요(각 1~5점). 저장한 평가는 바꿀 수 없고, 서비스의 평점에 반영됩니다."),
            Role.SUPPLIER: self.tr("수요기업이 평가를 마친 건입니다. 행을 열면 항목별 점수와 의견을 볼 수 있습니다."),
            Role.AGENCY: self.tr("사업 전체의 서비스 평가 현황입니다. 평가는 결제한 수요기업만 할 수 있고, 저장된 평가는 "
                                 "전문기관도 바꿀 수 없습니다."),
        }
        self.hint = QLabel(hints.get(self.role, self.tr("평가 내역은 수요기업, 공급기업과 전문기관만 볼 수 있습니다.")),
                           self)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        for tab in self.tab_keys:
            self.tabs.addTab(QWidget(), tab_label(tab, self.role))
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        actions = QHBoxLayout()
        self.evaluate_button = QPushButton(self.tr("평가하기"), self)
        self.evaluate_button.setObjectName("primary")
        self.evaluate_button.clicked.connect(self.evaluate_selected)
        self.open_button = QPushButton(self.tr("평가 보기"), self)
        self.open_button.clicked.connect(self.open_selected)
        self.note = QLabel(self)
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        actions.addWidget(self.evaluate_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.note, 1)
        layout.addLayout(actions)
        self.status_line = QLabel(self)
        self.status_line.setObjectName("hint")
        layout.addWidget(self.status_line)
        if self.tab_keys:
            self.ensure_tab(self.tab_keys[0])
        self._update_actions()

    def ensure_tab(self, tab: EvaluationStatus) -> None:
        """A tab's model and table, built the first time the tab is needed."""
        if tab in self.tables:
            return
        model = EvaluationTableModel(self.ctx, tab, self.role, parent=self)
        model.failed.connect(lambda exc: self.ctx.show_failure(exc, self))
        model.loading_changed.connect(lambda _b: self._update_status_line())
        model.page_loaded.connect(lambda _n: self._update_status_line())
        model.modelReset.connect(self._update_actions)
        self.models[tab] = model
        page = self.tabs.widget(self.tab_keys.index(tab))
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 6, 0, 0)
        table = make_table(model, page, stretch=1 if tab is E.PENDING else -1)
        table.setMinimumHeight(120)
        table.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
        table.activated.connect(lambda _index: self.activate_selected())
        box.addWidget(table)
        self.tables[tab] = table

    # --- loading -----------------------------------------------------------------------------
    def current_tab(self) -> EvaluationStatus | None:
        i = self.tabs.currentIndex()
        return self.tab_keys[i] if 0 <= i < len(self.tab_keys) else None

    def set_tab(self, tab: EvaluationStatus) -> None:
        self.tabs.setCurrentIndex(self.tab_keys.index(tab))

    def tab_title(self, tab: EvaluationStatus) -> str:
        return self.tabs.tabText(self.tab_keys.index(tab))

    def reload(self) -> None:
        self.ctx.clear_feedback()
        self.refresh()

    def refresh(self) -> None:
        """Called when shown and after changes: the counts, and the current tab in place."""
        if not self.tab_keys:
            return
        self._started = True
        actor, evaluations = self.ctx.actor, self.ctx.services.evaluations
        self.ctx.query(lambda: evaluations.counts(actor), parent=self, key="counts") \
            .busy(text=self.tr("건수를 세는 중…")).success(self._counts_arrived).run()
        current = self.current_tab()
        self._stale = set(self.tab_keys) - {current}
        self.models[current].sync()
        self._update_status_line()

    def _counts_arrived(self, counts) -> None:
        self.counts = dict(counts)
        for i, tab in enumerate(self.tab_keys):
            n = self.counts.get(tab)
            label = tab_label(tab, self.role)
            self.tabs.setTabText(i, label if n is None else f"{label} ({n:,})")

    def _tab_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        self.ensure_tab(tab)
        if self._started:
            model = self.models[tab]
            if tab in self._stale or not model.started:
                self._stale.discard(tab)
                model.sync()
        self._update_status_line()
        self._update_actions()

    def _update_status_line(self) -> None:
        tab = self.current_tab()
        model = self.models.get(tab) if tab is not None else None
        if model is None:
            self.status_line.setText("")
            return
        n = model.rowCount()
        if model.loading:
            text = self.tr("{n}건 표시 · 불러오는 중…").format(n=f"{n:,}")
        elif n == 0 and model.exhausted:
            text = (self.tr("평가할 거래가 없습니다. 결제를 마친 거래가 여기에 나타납니다.") if tab is E.PENDING
                    else self.tr("완료된 평가가 없습니다."))
        else:
            text = self.tr("{n}건 표시").format(n=f"{n:,}")
            if not model.exhausted:
                text += self.tr(" · 아래로 스크롤하면 더 불러옵니다")
        self.status_line.setText(text)

    # --- acting ------------------------------------------------------------------------------
    def selected(self) -> EvaluationView | None:
        tab = self.current_tab()
        return selected_row(self.tables[tab]) if tab in self.tables else None

    def select(self, evaluation_id) -> bool:
        tab = self.current_tab()
        pos = self.models[tab].position_of(evaluation_id) if tab in self.models else None
        if pos is None:
            return False
        self.tables[tab].selectRow(pos)
        return True

    def _update_actions(self) -> None:
        pending_tab = self.current_tab() is E.PENDING
        demand = self.role is Role.DEMAND
        self.evaluate_button.setVisible(pending_tab and demand)
        row = self.selected()
        self.open_button.setEnabled(row is not None)
        if not pending_tab or not demand:
            self.note.setText(self.tr("행을 두 번 누르거나 Enter를 누르면 항목별 점수를 볼 수 있습니다."))
            return
        refusal = self.tr("평가할 거래를 목록에서 선택해 주세요.") if row is None else row.submit_refusal
        self.evaluate_button.setEnabled(refusal is None)
        self.evaluate_button.setToolTip(refusal or self.tr("선택한 거래를 평가합니다."))
        self.note.setText(refusal or self.tr("선택한 거래를 평가할 수 있습니다. 저장한 평가는 바꿀 수 없습니다."))

    def activate_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.status is E.PENDING and row.submit_refusal is None:
            self.evaluate_selected()
        else:
            self.open_selected()

    def evaluate_selected(self) -> None:
        row = self.selected()
        if row is None or row.submit_refusal is not None:
            return
        self._open(row)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(row)

    def _open(self, row: EvaluationView) -> None:
        self.dialog = dialog = EvaluationDialog(self.ctx, row, self._saved, self)
        dialog.open()

    def _saved(self, view: EvaluationView) -> None:
        self.ctx.show_success(self.tr("평가를 저장했습니다."), self.tr("{service} · 평균 {avg}점 · 서비스 평점에 반영되었습니다.")
                              .format(service=view.service_name, avg=f"{view.average:.1f}"))
        self.refresh()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if not changes.touches(Entity.PAYMENT, Entity.EVALUATION) or from_self(self, initiator) or not self._started:
            return
        self.refresh()
