"""The 결제하기 tab's line under its table: the ticked total, the remaining budget and 결제하기,
which opens the payment window with the ticked deals (it quotes them against the budget first).

The remaining budget is the inbox page's (`page.remaining`, loaded with the page's other data by
`load_budget`); the line only shows it and acts on it. Both reads share the page's "budget" key,
so only the newest answer is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ...enums import DealTab
from ...services.rules.money import format_krw
from ..paying.dialog import PaymentDialog
from .models import PayTableModel

if TYPE_CHECKING:  # pragma: no cover
    from .inbox import DealInboxPage


def budget_query(page: "DealInboxPage"):
    """A read of the demand company's voucher under the page's "budget" key (the newest wins)."""
    actor, vouchers = page.ctx.actor, page.ctx.services.vouchers
    return page.ctx.query(lambda: vouchers.get(actor), parent=page, key="budget")


def load_budget(page: "DealInboxPage") -> None:
    """Read the demand company's remaining budget into `page.remaining`, then redraw the line."""
    def done(view) -> None:
        page.remaining = view.budget.remaining if view.budget is not None else None
        page._update_pay_line()

    budget_query(page).quiet().success(done).run()


class PayLine(QWidget):
    def __init__(self, page: "DealInboxPage"):
        super().__init__(page)
        self.page, self.ctx = page, page.ctx
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-weight: bold;")
        self.budget_label = QLabel()
        self.button = QPushButton(self.tr("결제하기"))
        self.button.setObjectName("primary")
        self.button.clicked.connect(self.pay)
        row.addWidget(self.total_label)
        row.addSpacing(16)
        row.addWidget(self.budget_label)
        row.addStretch(1)
        row.addWidget(self.button)

    @property
    def model(self) -> PayTableModel:
        return self.page.models[DealTab.PAY]

    def update_line(self) -> None:
        model, remaining = self.model, self.page.remaining
        rows = model.checked_rows()
        over = remaining is not None and model.checked_total() > remaining
        style = "font-weight: bold;" + (" color: #b91c1c;" if over else "")
        if self.total_label.styleSheet() != style:
            self.total_label.setStyleSheet(style)
        self.total_label.setToolTip(self.tr("남은 예산보다 많습니다.") if over else "")
        self.total_label.setText(self.tr("선택 {n}건, 합계 {total}").format(
            n=len(rows), total=format_krw(model.checked_total())))
        self.budget_label.setText(self.tr("남은 예산 {remaining}").format(
            remaining=format_krw(remaining) if remaining is not None else "-"))
        self.button.setEnabled(bool(rows))

    def pay(self) -> None:
        """The payment window for the ticked deals, in list order."""
        page, rows = self.page, self.model.checked_rows()
        if not rows:
            self.ctx.show_failure(self.tr("결제할 거래를 선택해 주세요."), page)
            return
        page.pay_dialog = PaymentDialog(self.ctx, [r.id for r in rows], page)
        page.pay_dialog.open()
