"""결제하기 (preview): the ticked deals and their total. Payment itself is the next issue, so this
dialog says so plainly, changes nothing and never pretends anything was paid."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ...services.dto import DealView
from ...services.rules.money import format_krw
from ..widgets.notice import NoticeBox
from ..widgets.tables import ALIGN_RIGHT, Column, RowTableModel, make_table
from .models import pay_amount


class PayPreviewDialog(QDialog):
    def __init__(self, deals: list[DealView], remaining: int | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("결제하기"))
        self.setMinimumWidth(520)
        self.total = sum(pay_amount(d) for d in deals)
        layout = QVBoxLayout(self)
        self.notice = NoticeBox("warning")
        self.notice.set_text(
            self.tr("결제 기능은 다음 업데이트에서 제공됩니다."),
            self.tr("지금은 결제가 이루어지지 않습니다. 아래 거래는 결제되지 않았고 지금 상태(결제요청 또는 "
                    "장바구니) 그대로 남아 있습니다. 결제 기한 안에 결제하지 못하면 불가 처리될 수 있으니 "
                    "공급기업과 일정을 협의해 주세요."))
        layout.addWidget(self.notice)
        self.model = RowTableModel([
            Column(self.tr("서비스명"), lambda d: d.service_name, width=200, tooltip=lambda d: d.service_name),
            Column(self.tr("공급기업"), lambda d: d.supplier_name, width=140),
            Column(self.tr("금액"), lambda d: format_krw(pay_amount(d)), ALIGN_RIGHT, 110),
        ], parent=self)
        self.model.set_rows(deals)
        self.table = make_table(self.model, stretch=0)
        self.table.setMinimumHeight(min(60 + 28 * len(deals), 240))
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.table, 1)
        summary = self.tr("선택한 거래 {n}건, 합계 {total}").format(n=len(deals), total=format_krw(self.total))
        if remaining is not None:
            summary += self.tr(" · 남은 예산 {remaining}").format(remaining=format_krw(remaining))
        self.summary = QLabel(summary)
        self.summary.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton(self.tr("닫기"), QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
