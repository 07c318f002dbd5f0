"""서비스 결제관리 (the buyer), 결제 내역 (the supplier, with its settlement summary) and 결제 현황
(the agency, programme-wide): one page, SPEC §5.4 and §6.

Tabs 총내역 / 결제성공 / 결제실패 / 결제취소, each titled with its count in the period and paged
through the database in the background (a tab's table is built when it is first shown); the
totals of the period under the tables. On 결제성공 the 취소 button cancels the selected payment
when the service's `cancel_refusal` allows it, and says why not otherwise; 전표 출력 and 거래명세서
출력 there and 취소전표 출력 on 결제취소 open the selected payment's document (papers.py).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from ...enums import PaymentStatus, PaymentTab, Role
from ...services.changes import Changes, Entity
from ...services.dto import PaymentTotals, PaymentView
from ...services.rules.money import format_krw
from ..tasks import from_self
from ..widgets.busy import page_top
from ..widgets.counts import load_counts
from ..widgets.heading import hint_label
from ..widgets.list_tabs import ListTabs, ListTabsPage
from .cancel import CancelPaymentDialog
from .papers import PaperButtons
from .models import TABS, PaymentTableModel, tab_label
from .period import PeriodBar, today_of
from .settlement import SettlementPanel
from .totals import TotalsLine

TITLES = {Role.DEMAND: "서비스 결제관리", Role.SUPPLIER: "결제 내역", Role.AGENCY: "결제 현황"}


class _Lists(QSplitter):
    """The lists and the settlement summary: they take the height the window has. Their preferred
    height is kept small, since a page whose wrapped hint asks for its height-for-width is given
    its preferred height by the window's scrolling page area (and would scroll at 1280×800)."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), 320)


class PaymentManagePage(QWidget, ListTabsPage):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        actor = ctx.actor
        self.role = actor.role if actor is not None else None
        self.totals: PaymentTotals | None = None
        self.pending_dialog: CancelPaymentDialog | None = None
        self.settlement: SettlementPanel | None = None
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        hints = {
            Role.DEMAND: self.tr("결제한 내역을 확인합니다. 결제 취소는 결제한 날(한국시간) 안에만 할 수 있고, "
                                 "그 뒤에는 공급기업에 요청해 주세요. 취소하면 예산이 돌아갑니다."),
            Role.SUPPLIER: self.tr("받은 결제를 확인하고, 필요하면 사유를 적어 취소합니다(결제 다음 날부터도 "
                                   "취소할 수 있습니다). 아래에 정산 요약이 있습니다."),
            Role.AGENCY: self.tr("사업 전체의 결제 현황입니다. 전문기관은 사유를 적어 결제를 취소할 수 있습니다."),
        }
        layout, self.busy, self.reload_button, self.hint = page_top(
            self, self.tr(TITLES.get(self.role, "서비스 결제관리")),
            hints.get(self.role, self.tr("결제 내역은 수요기업, 공급기업과 전문기관만 볼 수 있습니다.")))
        self.period_bar = PeriodBar(today_of(self.ctx), self)
        self.period_bar.searched.connect(lambda _s, _e: self.search())
        layout.addWidget(self.period_bar)

        splitter = _Lists(Qt.Orientation.Vertical, self)
        top = QWidget(splitter)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = ListTabs(
            self, TABS if self.role in TITLES else (), label=tab_label, make_model=self._make_model,
            empty_text=lambda tab: self.tr("이 기간에 '{tab}' 내역이 없습니다.").format(tab=tab_label(tab)),
            stretch=lambda tab: -1 if tab is PaymentTab.FAILED else (1, -1) if tab is PaymentTab.CANCELLED else 1,
            min_height=110, keep_selection=True, restart_stale=True, parent=top)
        self.tabs.selection_changed.connect(self._update_cancel)
        top_layout.addWidget(self.tabs, 1)
        actions = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("결제 취소"), top)
        self.cancel_button.setObjectName("danger")
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.cancel_note = hint_label("", top, wrap=True)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.cancel_note, 1)
        self.papers = PaperButtons(self.ctx, self.busy, top)
        self.tabs.activated.connect(self.papers.open_first)  # Enter on a row: its 전표 / 취소전표
        actions.addWidget(self.papers)
        top_layout.addLayout(actions)
        self.tabs.add_status_line(top_layout)
        self.totals_line = TotalsLine(top)
        top_layout.addWidget(self.totals_line)
        splitter.addWidget(top)
        if self.role is Role.SUPPLIER:
            self.settlement = SettlementPanel(self.ctx, self.busy, splitter)
            splitter.addWidget(self.settlement)
            splitter.setStretchFactor(0, 3)
            splitter.setStretchFactor(1, 2)
            splitter.setSizes([420, 260])  # the payments first; the summary has a few rows a month
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.tabs.build_first()
        self._update_cancel()

    def _make_model(self, tab: PaymentTab) -> PaymentTableModel:
        model = PaymentTableModel(self.ctx, tab, self.role, parent=self)
        model.set_period(*self.period_bar.period())
        return model

    # --- loading -----------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        return self.period_bar.period()

    def search(self) -> None:
        """조회: the period's lists, counts and totals from the first page."""
        start, end = self.period()
        for model in self.models.values():
            model.period = (start, end)
        self.tabs.mark_all_stale()
        self.refresh()

    def refresh(self) -> None:
        """Called when shown and after changes: counts, totals, the current tab (in place), settlement."""
        if not self.tab_keys:
            return
        start, end = self.period()
        actor, payments = self.ctx.actor, self.ctx.services.payments
        load_counts(self.ctx, self, lambda who: payments.counts(who, start, end), self.tabs.show_counts)
        self.ctx.query(lambda: payments.totals(actor, start, end), parent=self, key="totals") \
            .quiet().success(self._totals_arrived).run()
        self.tabs.refresh_current()  # in place; after 조회 (a new period) from the first page
        if self.settlement is not None:
            self.settlement.load(start, end)

    def _totals_arrived(self, totals: PaymentTotals) -> None:
        self.totals = totals
        self.totals_line.show_totals(self.period(), totals)

    # --- cancelling (a reload keeps the selected payment selected while it is still in the tab) --
    def selected_payment(self) -> PaymentView | None:
        return self.tabs.selected()

    def select_payment(self, payment_id) -> bool:
        return self.tabs.select(payment_id)

    def _update_cancel(self) -> None:
        self.papers.show_for(self.current_tab(), self.selected_payment())
        on_tab = self.current_tab() is PaymentTab.SUCCEEDED
        self.cancel_button.setVisible(on_tab)
        self.cancel_note.setVisible(on_tab)
        if not on_tab:
            return
        row = self.selected_payment()
        if row is None:
            refusal = self.tr("취소할 결제를 목록에서 선택해 주세요.")
        elif row.status is not PaymentStatus.SUCCEEDED:
            refusal = self.tr("결제에 성공한 건만 취소할 수 있습니다.")
        else:
            refusal = row.cancel_refusal
        self.cancel_button.setEnabled(refusal is None)
        self.cancel_button.setToolTip(refusal or self.tr("선택한 결제를 취소합니다."))
        if refusal is None:
            refusal = (self.tr("선택한 결제를 취소할 수 있습니다. 취소 사유를 입력해야 합니다.")
                       if self.role is not Role.DEMAND else self.tr("선택한 결제를 오늘 안에 취소할 수 있습니다."))
        self.cancel_note.setText(refusal)

    def cancel_selected(self) -> None:
        row = self.selected_payment()
        if row is None or row.cancel_refusal is not None:
            return
        self.pending_dialog = dialog = CancelPaymentDialog(self.ctx, row, self._cancelled, self)
        dialog.open()

    def _cancelled(self, view: PaymentView) -> None:
        if view.status is PaymentStatus.CANCELLED:
            self.ctx.show_success(self.tr("결제를 취소했습니다."), self.tr("{service} · {amount} · 예산이 돌아갔습니다.")
                                  .format(service=view.service_name, amount=format_krw(view.amount)))
        else:
            self.ctx.show_notice(self.tr("취소를 요청했습니다."), view.message or "", "info")
        self.refresh()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if not changes.touches(Entity.PAYMENT) or from_self(self, initiator) or not self.tabs.started:
            return
        self.refresh()
