"""The first part of the payment window: what paying the deals would charge (services.payments.quote)
and the method's input (the card, or the ZeroPay password).

A table of the deals (서비스, 공급기업, 결제금액, 정부지원금, 자부담), the totals, the remaining budget
before and after, and the refusal when the deals cannot be paid now.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from ...enums import PaymentMethod
from ...services.dto import PaymentQuote
from ...services.vouchers import METHOD_LABELS
from ...services.rules.money import format_krw
from ..widgets.notice import NoticeBox
from ..widgets.tables import ALIGN_RIGHT, Column, RowTableModel, make_table
from .steps import CardForm, ZeroPayForm

#: the table shows up to this many rows without scrolling
VISIBLE_ROWS = 5


class QuoteSummary(QWidget):
    """The quote of the ticked deals; `show_quote` fills it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = RowTableModel([
            Column(self.tr("서비스"), lambda r: r.service_name, width=190, tooltip=lambda r: r.service_name),
            Column(self.tr("공급기업"), lambda r: r.supplier_name, width=130, tooltip=lambda r: r.supplier_name),
            Column(self.tr("결제금액"), lambda r: format_krw(r.amount), ALIGN_RIGHT, 110),
            Column(self.tr("정부지원금"), lambda r: format_krw(r.government_share), ALIGN_RIGHT, 110),
            Column(self.tr("자부담"), lambda r: format_krw(r.self_share), ALIGN_RIGHT, 100),
        ], key=lambda r: r.deal_id, parent=self)
        self.table = make_table(self.model, self, stretch=0)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table)
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-weight: bold;")
        self.shares_label = QLabel()
        self.budget_label = QLabel()
        form.addRow(self.tr("결제 합계"), self.total_label)
        form.addRow(self.tr("정부지원금 · 자부담"), self.shares_label)
        form.addRow(self.tr("남은 예산"), self.budget_label)
        layout.addLayout(form)
        self.refusal = NoticeBox("danger")
        self.refusal.hide()
        layout.addWidget(self.refusal)

    def show_quote(self, quote: PaymentQuote) -> None:
        self.model.set_rows(quote.lines)
        rows = min(max(len(quote.lines), 1), VISIBLE_ROWS)
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + rows * self.table.verticalHeader().defaultSectionSize() + 4)
        self.total_label.setText(self.tr("{n}건 {total}").format(n=len(quote.lines), total=format_krw(quote.total)))
        self.shares_label.setText(self.tr("정부지원금 {gov} · 자부담 {own}").format(
            gov=format_krw(quote.government_total), own=format_krw(quote.self_total)))
        after = quote.remaining_after
        self.budget_label.setText(self.tr("{before} → 결제 후 {after}").format(
            before=format_krw(quote.remaining_before), after=format_krw(after) if after >= 0 else self.tr("부족")))
        self.budget_label.setStyleSheet("color: #b91c1c; font-weight: bold;" if after < 0 else "")
        self.refusal.setVisible(quote.refusal is not None)
        if quote.refusal is not None:
            self.refusal.set_text(self.tr("지금은 결제할 수 없습니다."), quote.refusal)


class PayForm(QWidget):
    """The quote, then the input of the company's method (hidden when the deals cannot be paid)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QuoteSummary()
        layout.addWidget(self.summary)
        self.method_label = QLabel()
        self.method_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.method_label)
        self.card, self.zeropay = CardForm(), ZeroPayForm()
        for form in (self.card, self.zeropay):
            form.hide()
            layout.addWidget(form)
        layout.addStretch(1)

    def form_for(self, method: PaymentMethod | None):
        return self.card if method is PaymentMethod.SHINHAN_CARD else self.zeropay

    def show_quote(self, quote: PaymentQuote) -> None:
        self.summary.show_quote(quote)
        payable = quote.refusal is None
        if quote.method is not None:
            self.method_label.setText(self.tr("결제수단: {method}").format(method=self.tr(METHOD_LABELS[quote.method])))
        self.card.set_card(quote.card_masked)
        self.card.setVisible(payable and quote.method is PaymentMethod.SHINHAN_CARD)
        self.zeropay.setVisible(payable and quote.method is PaymentMethod.ZEROPAY)
        if payable and quote.method is not None:
            focus = self.form_for(quote.method)
            (focus.number if focus is self.card else focus.password).setFocus()
