"""The supplier's settlement summary under its 결제 내역: received payments per payout date (the
settlement: amount, the programme's fee, net), per day and per month, for the page's period."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ...services.dto import SettlementKind, SettlementRow
from ...services.rules.money import format_krw
from ..widgets.heading import title_label
from ..widgets.tables import make_table
from .models import SettlementModel

KINDS = (SettlementKind.PAYOUT, SettlementKind.DAY, SettlementKind.MONTH)


class SettlementPanel(QWidget):
    """Three tables (정산 요약 / 일별 합계 / 월별 합계) and a line with the totals of the period."""

    def __init__(self, ctx, busy=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.busy = busy  # the page's busy line, for the query below
        self.rows: tuple[SettlementRow, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(title_label(self.tr("정산 요약"), level=2))
        self.note = QLabel(self)
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.models: dict[SettlementKind, SettlementModel] = {}
        self.tables = {}
        titles = {SettlementKind.PAYOUT: self.tr("지급 예정일별"), SettlementKind.DAY: self.tr("일별 합계"),
                  SettlementKind.MONTH: self.tr("월별 합계")}
        for kind in KINDS:
            page = QWidget(self.tabs)
            box = QVBoxLayout(page)
            box.setContentsMargins(0, 4, 0, 0)
            model = self.models[kind] = SettlementModel(kind, self)
            table = self.tables[kind] = make_table(model, page, stretch=None)
            table.setMinimumHeight(80)
            box.addWidget(table)
            self.tabs.addTab(page, titles[kind])
        layout.addWidget(self.tabs, 1)
        self.total_line = QLabel(self)
        self.total_line.setObjectName("totalsLine")
        layout.addWidget(self.total_line)

    def load(self, start: date | None, end: date | None) -> None:
        actor, payments = self.ctx.actor, self.ctx.services.payments
        self.ctx.query(lambda: payments.settlement(actor, start, end), parent=self, key="settlement") \
            .busy(text=self.tr("정산 요약을 불러오는 중…")).success(self.show_rows).run()

    def show_rows(self, rows: tuple[SettlementRow, ...]) -> None:
        self.rows = tuple(rows)
        for model in self.models.values():
            model.set_settlement(self.rows)
        payouts = [r for r in self.rows if r.kind is SettlementKind.PAYOUT]
        fee_bp = payouts[0].fee_bp if payouts else None
        days = next(((r.payout_date - r.period).days for r in self.rows if r.kind is SettlementKind.DAY), 10)
        self.note.setText(self.tr("결제일(한국시간) D+{days}에 지급됩니다. 수수료는 지급일별로 사업 설정의 수수료율"
                                  "{rate}을 적용하고 원 단위는 버립니다. 취소된 결제는 지급되지 않습니다.").format(
            days=days, rate=f" {fee_bp / 100:g}%" if fee_bp is not None else ""))
        count = sum(r.count for r in payouts)
        amount, fee, net = (sum(getattr(r, f) for r in payouts) for f in ("amount", "fee", "net"))
        self.total_line.setText(self.tr("기간 합계: {count}건 · 결제금액 {amount} · 수수료 {fee} · 정산금액 {net}").format(
            count=f"{count:,}", amount=format_krw(amount), fee=format_krw(fee), net=format_krw(net)))
