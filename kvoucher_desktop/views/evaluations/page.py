"""서비스 정산 (the buyer), 받은 평가 (the supplier) and 만족도 평가 현황 (the agency): one page,
SPEC §5.5 and §6.

Tabs 평가대기 / 평가완료 (the supplier: its evaluations received, DONE only), each titled with its
count and paged through the database in the background (a tab's table is built when it is first
shown). On 평가대기 the buyer's 평가하기 opens the form; a row of 평가완료 (double-click, Enter or
평가 보기) opens the saved evaluation read-only. The page hears PAYMENT changes (a payment that
succeeds opens an evaluation, a cancellation withdraws one) and EVALUATION changes.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ...enums import EvaluationStatus, Role
from ...services.changes import Changes, Entity
from ...services.dto import EvaluationView
from ..tasks import from_self
from ..widgets.busy import page_top
from ..widgets.counts import load_counts
from ..widgets.heading import hint_label
from ..widgets.list_tabs import ListTabs, ListTabsPage
from .form import EvaluationDialog
from .models import ROLE_TABS, EvaluationTableModel, tab_label

E = EvaluationStatus
TITLES = {Role.DEMAND: "서비스 정산", Role.SUPPLIER: "받은 평가", Role.AGENCY: "만족도 평가 현황"}


class EvaluationPage(QWidget, ListTabsPage):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        actor = ctx.actor
        self.role = actor.role if actor is not None else None
        self.dialog: EvaluationDialog | None = None
        self.average = None  # EvaluationAverage of this side, once loaded
        self._build()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), 480)

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        hints = {
            Role.DEMAND: self.tr("결제를 마친 서비스를 품질, 납기 준수, 소통, 가격 적정성, 전반적 만족도의 다섯 항목으로 "
                                 "평가해 주세요(각 1~5점). 저장한 평가는 바꿀 수 없고, 서비스의 평점에 반영됩니다."),
            Role.SUPPLIER: self.tr("수요기업이 평가를 마친 건입니다. 행을 열면 항목별 점수와 의견을 볼 수 있습니다."),
            Role.AGENCY: self.tr("사업 전체의 서비스 평가 현황입니다. 평가는 결제한 수요기업만 할 수 있고, 저장된 평가는 "
                                 "전문기관도 바꿀 수 없습니다."),
        }
        layout, self.busy, self.reload_button, self.hint = page_top(
            self, self.tr(TITLES.get(self.role, "서비스 정산")),
            hints.get(self.role, self.tr("평가 내역은 수요기업, 공급기업과 전문기관만 볼 수 있습니다.")))
        self.tabs = ListTabs(
            self, ROLE_TABS.get(self.role, ()), label=lambda tab: tab_label(tab, self.role),
            make_model=lambda tab: EvaluationTableModel(self.ctx, tab, self.role, parent=self),
            empty_text=lambda tab: (self.tr("평가할 거래가 없습니다. 결제를 마친 거래가 여기에 나타납니다.")
                                    if tab is E.PENDING else self.tr("완료된 평가가 없습니다.")),
            stretch=lambda tab: 1 if tab is E.PENDING else -1, min_height=120)
        self.tabs.selection_changed.connect(self._update_actions)
        self.tabs.activated.connect(self.activate_selected)
        layout.addWidget(self.tabs, 1)
        actions = QHBoxLayout()
        self.evaluate_button = QPushButton(self.tr("평가하기"), self)
        self.evaluate_button.setObjectName("primary")
        self.evaluate_button.clicked.connect(self.evaluate_selected)
        self.open_button = QPushButton(self.tr("평가 보기"), self)
        self.open_button.clicked.connect(self.open_selected)
        self.note = hint_label("", self, wrap=True)
        actions.addWidget(self.evaluate_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.note, 1)
        layout.addLayout(actions)
        self.tabs.add_status_line(layout)
        self.tabs.build_first()
        self._update_actions()

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Called when shown and after changes: the counts, and the current tab in place."""
        if not self.tab_keys:
            return
        load_counts(self.ctx, self, self.ctx.services.evaluations.counts, self._counts_arrived)
        actor, evaluations = self.ctx.actor, self.ctx.services.evaluations
        self.ctx.query(lambda: evaluations.average(actor), parent=self, key="average") \
            .quiet().success(self._average_arrived).run()
        self.tabs.refresh_current()

    def _average_arrived(self, average) -> None:
        self.average = average
        self._update_actions()

    def _average_text(self) -> str:
        """The completed evaluations' count and mean on this side, for the 평가완료 note."""
        average = self.average
        if average is None or not average.count:
            return ""
        what = {Role.SUPPLIER: self.tr("받은 평가"), Role.DEMAND: self.tr("내가 한 평가")}.get(
            self.role, self.tr("전체 평가"))
        # as the rows write a mean (one place: 4.2점), two places only where the mean has them (3.73점)
        mean = f"{average.mean:.1f}" if round(average.mean, 1) == average.mean else f"{average.mean:.2f}"
        return self.tr("{what} {n}건 · 평균 {mean}점. ").format(what=what, n=f"{average.count:,}", mean=mean)

    def _counts_arrived(self, counts) -> None:
        self.tabs.show_counts(counts)
        self._update_actions()  # an empty 평가대기 says so

    # --- acting ------------------------------------------------------------------------------
    def _update_actions(self) -> None:
        pending_tab = self.current_tab() is E.PENDING
        demand = self.role is Role.DEMAND
        self.evaluate_button.setVisible(pending_tab and demand)
        row = self.selected()
        self.open_button.setEnabled(row is not None)
        opening = self.tr("행을 두 번 누르거나 Enter를 누르면 항목별 점수를 볼 수 있습니다.")
        if not pending_tab:
            self.note.setText(self._average_text() + opening)
            return
        if not demand:
            self.note.setText(self.tr("평가대기 건은 아직 점수가 없습니다. 수요기업이 평가하면 평가완료로 옮겨집니다."))
            return
        if row is None and self.tabs.counts.get(E.PENDING) == 0:  # nothing left to evaluate
            self.evaluate_button.setEnabled(False)
            self.note.setText(self.tr("평가할 거래가 없습니다. 결제를 마친 거래는 이곳 평가대기에 나타납니다."))
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
        if not self.tabs.started or not changes.touches(Entity.PAYMENT, Entity.EVALUATION) \
                or from_self(self, initiator):
            return
        self.refresh()
