"""청구내역 (billing history): the completed and the cancelled payments of a period together, with
their totals, for the buyer (its own), the supplier (received) and the agency (the programme),
SPEC §5.4 and the manual's chapter 청구내역.

One keyset-paged table over `payments.list_tab(…, PaymentTab.BILLED, …)`, the totals of the
period, and three exports run as jobs (progress and cancel): XLSX and CSV of every row of the
period with a totals row, and one PDF of every slip of the period for filing (an index page, then
a 전표 per completed payment and a 취소전표 per cancelled one).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ...enums import PaymentTab, Role
from ...services.changes import Changes, Entity
from ...services.dto import PaymentTotals
from ..tasks import from_self
from ..widgets.busy import page_top
from ..widgets.list_status import list_status, status_label
from ..widgets.tables import make_table
from .billing_exports import EXPORTS, ExportKind, run_export
from .models import PaymentTableModel
from .period import PeriodBar, today_of
from .totals import TotalsLine

TITLE = "청구내역"


class BillingPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        actor = ctx.actor
        self.role = actor.role if actor is not None else None
        self.allowed = self.role in (Role.DEMAND, Role.SUPPLIER, Role.AGENCY)
        self.totals: PaymentTotals | None = None
        self.count: int | None = None
        self._started = False
        self.last_job = None
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        hints = {
            Role.DEMAND: self.tr("결제를 마친 건과 취소한 건을 함께 봅니다. 증빙으로 보관할 목록을 엑셀이나 CSV로, "
                                 "전표를 한 PDF로 내려받을 수 있습니다."),
            Role.SUPPLIER: self.tr("받은 결제와 취소된 결제를 함께 봅니다. 목록을 엑셀이나 CSV로, 전표를 한 PDF로 "
                                   "내려받을 수 있습니다."),
            Role.AGENCY: self.tr("사업 전체의 결제완료·결제취소 건입니다. 목록과 전표를 내려받을 수 있습니다."),
        }
        layout, self.busy, self.reload_button, _hint = page_top(
            self, self.tr(TITLE), hints.get(self.role, self.tr("청구내역은 수요기업, 공급기업과 전문기관만 볼 수 있습니다.")))
        self.period_bar = PeriodBar(today_of(self.ctx), self)
        self.period_bar.searched.connect(lambda _s, _e: self.search())
        layout.addWidget(self.period_bar)
        self.model = PaymentTableModel(self.ctx, PaymentTab.BILLED, self.role or Role.DEMAND, parent=self)
        self.model.set_period(*self.period_bar.period())
        self.model.failed.connect(lambda exc: self.ctx.show_failure(exc, self))
        for signal in (self.model.loading_changed, self.model.page_loaded, self.model.synced):
            signal.connect(lambda *_a: self._update_status_line())
        self.table = make_table(self.model, self, stretch=1, scroll_when_narrow=True)  # 서비스 gives way first; the dates keep their width
        self.table.setMinimumHeight(160)
        self.table.setAccessibleName(self.tr("청구내역 목록"))
        layout.addWidget(self.table, 1)
        self.status_line = status_label(self)
        layout.addWidget(self.status_line)
        self.totals_line = TotalsLine(self)
        layout.addWidget(self.totals_line)
        actions = QHBoxLayout()
        self.export_buttons: dict[ExportKind, QPushButton] = {}
        for kind, spec in EXPORTS.items():
            button = QPushButton(self.tr(spec.button), self)
            button.setToolTip(self.tr(spec.tooltip))
            button.clicked.connect(lambda _c=False, k=kind: self.export(k))
            button.setEnabled(self.allowed)
            actions.addWidget(button)
            self.export_buttons[kind] = button
        actions.addStretch(1)
        layout.addLayout(actions)

    # --- loading -----------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        return self.period_bar.period()

    def search(self) -> None:
        """조회: the period's rows from the first page, and its totals."""
        self.model.period = self.period()
        if self.model.started:
            self.model.start()
        self.refresh(restart=False)

    def reload(self) -> None:
        self.ctx.clear_feedback()
        self.refresh()

    def refresh(self, restart: bool = True) -> None:
        """Called when shown and after changes: the totals and the rows (kept in place)."""
        if not self.allowed:
            return
        self._started = True
        start, end = self.period()
        actor, payments = self.ctx.actor, self.ctx.services.payments
        self.ctx.query(lambda: (payments.counts(actor, start, end)[PaymentTab.BILLED],
                                payments.totals(actor, start, end)), parent=self, key="totals") \
            .busy(text=self.tr("합계를 내는 중…")).success(self._totals_arrived).run()
        if not self.model.started:
            self.model.start()
        elif restart:
            self.model.sync()
        self._update_status_line()

    def _totals_arrived(self, result: tuple[int, PaymentTotals]) -> None:
        self.count, self.totals = result
        self.totals_line.show_totals(self.period(), self.totals)
        self._update_status_line()

    def _update_status_line(self) -> None:
        total = f" / {self.count:,}건" if self.count is not None else ""
        self.status_line.setText(list_status(self.model, self.tr("이 기간에 결제완료·결제취소 내역이 없습니다."), total))
        empty = self.count == 0
        for button in self.export_buttons.values():
            button.setEnabled(self.allowed and not empty)

    # --- exports -----------------------------------------------------------------------------
    def export(self, kind: ExportKind) -> None:
        """Ask where, then write the period's export in the background with progress and cancel."""
        self.last_job = run_export(self, kind, self.period())

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if not changes.touches(Entity.PAYMENT) or from_self(self, initiator) or not self._started:
            return
        self.refresh()
