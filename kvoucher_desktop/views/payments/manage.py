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
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget

from ...enums import PaymentStatus, PaymentTab, Role
from ...services.changes import Changes, Entity
from ...services.dto import PaymentTotals, PaymentView
from ...services.rules.money import format_krw
from ..tasks import from_self
from ..widgets.busy import page_head
from ..widgets.tables import make_table, selected_row
from .cancel import CancelPaymentDialog
from .papers import PaperButtons
from .models import TABS, PaymentTableModel, tab_label
from .period import PeriodBar, today_of
from .settlement import SettlementPanel

TITLES = {Role.DEMAND: "서비스 결제관리", Role.SUPPLIER: "결제 내역", Role.AGENCY: "결제 현황"}


def totals_text(totals: PaymentTotals) -> str:
    ok, gone = totals.succeeded, totals.cancelled
    return (f"결제성공 {ok.count:,}건 · 결제금액 {format_krw(ok.amount)} · 정부지원금 {format_krw(ok.government_share)}"
            f" · 자부담 {format_krw(ok.self_share)}    |    결제취소 {gone.count:,}건 · {format_krw(gone.amount)}"
            f" (정부지원금 {format_krw(gone.government_share)} · 자부담 {format_krw(gone.self_share)})")


class _Lists(QSplitter):
    """The lists and the settlement summary: they take the height the window has. Their preferred
    height is kept small, since a page whose wrapped hint asks for its height-for-width is given
    its preferred height by the window's scrolling page area (and would scroll at 1280×800)."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), 320)


class PaymentManagePage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        actor = ctx.actor
        self.role = actor.role if actor is not None else None
        self.tab_keys = TABS if self.role in TITLES else ()
        self.counts: dict[PaymentTab, int] = {}
        self.totals: PaymentTotals | None = None
        self.models: dict[PaymentTab, PaymentTableModel] = {}
        self.tables: dict = {}
        self._stale: set[PaymentTab] = set()
        self._started = False
        self.pending_dialog: CancelPaymentDialog | None = None
        self._kept: tuple | None = None
        self.settlement: SettlementPanel | None = None
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr(TITLES.get(self.role, "서비스 결제관리")))
        self.reload_button = QPushButton(self.tr("새로 고침"), self)
        self.reload_button.clicked.connect(self.reload)
        head.addWidget(self.reload_button)
        layout.addLayout(head)
        hints = {
            Role.DEMAND: self.tr("결제한 내역을 확인합니다. 결제 취소는 결제한 날(한국시간) 안에만 할 수 있고, "
                                 "그 뒤에는 공급기업에 요청해 주세요. 취소하면 예산이 돌아갑니다."),
            Role.SUPPLIER: self.tr("받은 결제를 확인하고, 필요하면 사유를 적어 취소합니다(결제 다음 날부터도 "
                                   "취소할 수 있습니다). 아래에 정산 요약이 있습니다."),
            Role.AGENCY: self.tr("사업 전체의 결제 현황입니다. 전문기관은 사유를 적어 결제를 취소할 수 있습니다."),
        }
        self.hint = QLabel(hints.get(self.role, self.tr("결제 내역은 수요기업, 공급기업과 전문기관만 볼 수 있습니다.")),
                           self)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.period_bar = PeriodBar(today_of(self.ctx), self)
        self.period_bar.searched.connect(lambda _s, _e: self.search())
        layout.addWidget(self.period_bar)

        splitter = _Lists(Qt.Orientation.Vertical, self)
        top = QWidget(splitter)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(top)
        self.tabs.setDocumentMode(True)
        for tab in self.tab_keys:
            self.tabs.addTab(QWidget(), tab_label(tab))
        self.tabs.currentChanged.connect(self._tab_changed)
        top_layout.addWidget(self.tabs, 1)
        actions = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("결제 취소"), top)
        self.cancel_button.setObjectName("danger")
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.cancel_note = QLabel(top)
        self.cancel_note.setObjectName("hint")
        self.cancel_note.setWordWrap(True)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.cancel_note, 1)
        self.papers = PaperButtons(self.ctx, self.busy, top)
        actions.addWidget(self.papers)
        top_layout.addLayout(actions)
        self.status_line = QLabel(top)
        self.status_line.setObjectName("hint")
        top_layout.addWidget(self.status_line)
        self.totals_line = QLabel(top)
        self.totals_line.setObjectName("totalsLine")
        self.totals_line.setWordWrap(True)
        self.totals_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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
        if self.tab_keys:
            self.ensure_tab(self.tab_keys[0])
        self._update_cancel()

    def ensure_tab(self, tab: PaymentTab) -> None:
        """A tab's model and table, built the first time the tab is needed."""
        if tab in self.tables:
            return
        model = PaymentTableModel(self.ctx, tab, self.role, parent=self)
        model.set_period(*self.period_bar.period())
        model.failed.connect(lambda exc: self.ctx.show_failure(exc, self))
        model.loading_changed.connect(lambda _b: self._update_status_line())
        model.page_loaded.connect(lambda _n: self._update_status_line())
        model.synced.connect(self._update_status_line)
        model.modelAboutToBeReset.connect(lambda t=tab: self._remember_selection(t))
        model.modelReset.connect(lambda t=tab: self._restore_selection(t))
        self.models[tab] = model
        page = self.tabs.widget(self.tab_keys.index(tab))
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 6, 0, 0)
        stretch = 1 if tab is not PaymentTab.FAILED and tab is not PaymentTab.CANCELLED else -1
        table = make_table(model, page, stretch=stretch)
        table.setMinimumHeight(110)
        table.selectionModel().selectionChanged.connect(lambda *_a: self._update_cancel())
        box.addWidget(table)
        self.tables[tab] = table

    # --- loading -----------------------------------------------------------------------------
    def current_tab(self) -> PaymentTab | None:
        i = self.tabs.currentIndex()
        return self.tab_keys[i] if 0 <= i < len(self.tab_keys) else None

    def set_tab(self, tab: PaymentTab) -> None:
        self.tabs.setCurrentIndex(self.tab_keys.index(tab))

    def tab_title(self, tab: PaymentTab) -> str:
        return self.tabs.tabText(self.tab_keys.index(tab))

    def period(self) -> tuple[date, date]:
        return self.period_bar.period()

    def search(self) -> None:
        """조회: the period's lists, counts and totals from the first page."""
        start, end = self.period()
        for model in self.models.values():
            model.period = (start, end)
        self._stale = set(self.tab_keys)
        self.refresh()

    def reload(self) -> None:
        self.ctx.clear_feedback()
        self.refresh()

    def refresh(self) -> None:
        """Called when shown and after changes: counts, totals, the current tab (in place), settlement."""
        if not self.tab_keys:
            return
        self._started = True
        start, end = self.period()
        actor, payments = self.ctx.actor, self.ctx.services.payments
        self.ctx.query(lambda: payments.counts(actor, start, end), parent=self, key="counts") \
            .busy(text=self.tr("건수를 세는 중…")).success(self._counts_arrived).run()
        self.ctx.query(lambda: payments.totals(actor, start, end), parent=self, key="totals") \
            .quiet().success(self._totals_arrived).run()
        current = self.current_tab()
        stale, self._stale = self._stale, set(self.tab_keys) - {current}
        model = self.models[current]
        if current in stale and model.started:
            model.start()  # a new period: from the first page
        else:
            model.sync()
        if self.settlement is not None:
            self.settlement.load(start, end)
        self._update_status_line()

    def _counts_arrived(self, counts) -> None:
        self.counts = dict(counts)
        for i, tab in enumerate(self.tab_keys):
            n = self.counts.get(tab)
            self.tabs.setTabText(i, tab_label(tab) if n is None else f"{tab_label(tab)} ({n:,})")

    def _totals_arrived(self, totals: PaymentTotals) -> None:
        self.totals = totals
        start, end = self.period()
        self.totals_line.setText(self.tr("{start} ~ {end} 합계 — {totals}").format(
            start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}", totals=totals_text(totals)))

    def _tab_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        self.ensure_tab(tab)
        if self._started:
            model = self.models[tab]
            if tab in self._stale or not model.started:
                self._stale.discard(tab)
                model.start()
        self._update_status_line()
        self._update_cancel()

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
            text = self.tr("이 기간에 '{tab}' 내역이 없습니다.").format(tab=tab_label(tab))
        else:
            text = self.tr("{n}건 표시").format(n=f"{n:,}")
            if not model.exhausted:
                text += self.tr(" · 아래로 스크롤하면 더 불러옵니다")
        self.status_line.setText(text)

    # --- cancelling --------------------------------------------------------------------------
    def selected_payment(self) -> PaymentView | None:
        tab = self.current_tab()
        return selected_row(self.tables[tab]) if tab in self.tables else None

    def select_payment(self, payment_id) -> bool:
        tab = self.current_tab()
        pos = self.models[tab].position_of(payment_id) if tab in self.models else None
        if pos is None:
            return False
        self.tables[tab].selectRow(pos)
        return True

    def _remember_selection(self, tab: PaymentTab) -> None:
        table = self.tables.get(tab)
        row = selected_row(table) if table is not None else None
        self._kept = (tab, row.id) if row is not None else None

    def _restore_selection(self, tab: PaymentTab) -> None:
        """A reload keeps the selected payment selected while it is still in the tab."""
        kept, self._kept = self._kept, None
        pos = self.models[tab].position_of(kept[1]) if kept is not None and kept[0] is tab else None
        if pos is not None:
            self.tables[tab].selectRow(pos)
        self._update_cancel()

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
        if not changes.touches(Entity.PAYMENT) or from_self(self, initiator) or not self._started:
            return
        self.refresh()
