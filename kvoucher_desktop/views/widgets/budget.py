"""The budget panel of a demand company (SPEC §5.2): total, government share, self-payment,
spent, in progress, remaining and the end of the use period — amounts right aligned.

Shared by 바우처 신청 and 심사 및 예산확인. `show_budget(None)` shows a "not yet" line instead.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QGroupBox, QLabel, QWidget

from ...services.dto import BudgetView
from ...services.rules.money import format_krw

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _amount_label() -> QLabel:
    label = QLabel()
    label.setAlignment(_RIGHT)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(120)
    return label


class BudgetPanel(QGroupBox):
    """총 예산 / 정부지원금 (N%) / 자부담 / 사용액 / 결제 승인 대기 / 잔액 / 사용기간 종료일."""

    def __init__(self, title: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(title if title is not None else self.tr("바우처 예산"))
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(24)
        self.form = form
        self.total = _amount_label()
        self.total.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.government = _amount_label()
        self.self_pay = _amount_label()
        self.spent = _amount_label()
        self.in_progress = _amount_label()
        self.remaining = _amount_label()
        self.remaining.setStyleSheet("font-weight: bold; font-size: 12pt; color: #1e4e8c;")
        self.use_period_end = _amount_label()
        self.government_caption = QLabel(self.tr("정부지원금"))
        self.rule = QFrame()
        self.rule.setFrameShape(QFrame.Shape.HLine)
        self.rule.setStyleSheet("color: #d9e2ec;")
        form.addRow(self.tr("총 예산"), self.total)
        form.addRow(self.government_caption, self.government)
        form.addRow(self.tr("자부담"), self.self_pay)
        form.addRow(self.rule)
        form.addRow(self.tr("사용액"), self.spent)
        form.addRow(self.tr("결제 승인 대기"), self.in_progress)
        form.addRow(self.tr("잔액"), self.remaining)
        form.addRow(self.tr("사용기간 종료일"), self.use_period_end)
        self._rows: list[QWidget] = [self.total, self.government, self.self_pay, self.rule, self.spent,
                                     self.in_progress, self.remaining, self.use_period_end]
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("hint")
        form.addRow(self.note)
        self.pending = QLabel(self.tr("예산은 전문기관이 바우처 예산을 확정(승인)한 뒤에 표시됩니다."))
        self.pending.setWordWrap(True)
        self.pending.setObjectName("hint")
        form.addRow(self.pending)
        self.budget: BudgetView | None = None
        self.show_budget(None)

    def add_row(self, label: str, widget: QWidget) -> None:
        """An extra row (e.g. 승인일) shown and hidden together with the amounts."""
        at, _role = self.form.getWidgetPosition(self.note)
        self.form.insertRow(at, label, widget)
        self._rows.append(widget)
        self.form.setRowVisible(widget, self.budget is not None)

    def show_budget(self, budget: BudgetView | None, use_period_end: date | None = None,
                    budget_before: int | None = None) -> None:
        """Fill the panel; `budget_before` is the budget before a confirmed abandonment, if known."""
        self.budget = budget
        shown = budget is not None
        for widget in self._rows:
            self.form.setRowVisible(widget, shown)
        self.form.setRowVisible(self.pending, not shown)
        self.form.setRowVisible(self.use_period_end, shown and use_period_end is not None)
        note = ""
        if budget is not None:
            self.total.setText(format_krw(budget.total))
            self.government_caption.setText(self.tr("정부지원금 ({pct}%)").format(pct=budget.government_pct)
                                            if budget.total else self.tr("정부지원금"))
            self.government.setText(format_krw(budget.government))
            self.self_pay.setText(format_krw(budget.self_pay))
            self.spent.setText(format_krw(budget.spent))
            self.in_progress.setText(format_krw(budget.in_progress))
            self.remaining.setText(format_krw(budget.remaining))
            self.use_period_end.setText(use_period_end.isoformat() if use_period_end else "")
            if budget.abandoned:
                note = self.tr("예산포기가 확정되어 잔액은 0원입니다. 총 예산은 이미 사용한 금액으로 줄었습니다.")
                if budget_before is not None:
                    note += " " + self.tr("(포기 전 예산 {amount})").format(amount=format_krw(budget_before))
            elif budget.in_progress:
                note = self.tr("결제 승인을 기다리는 금액은 승인 또는 실패가 정해질 때까지 잔액에서 빠져 있습니다.")
        self.note.setText(note)
        self.form.setRowVisible(self.note, bool(note))
