"""The last part of the payment window: every deal's outcome (결제성공 with its approval number,
결제실패 with the Korean reason, 확인 중 while the issuer's answer is still out)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...enums import PaymentStatus
from ...services.dto import PaymentView
from ...services.rules.money import format_krw
from ..widgets.notice import NoticeBox
from ..widgets.tables import ALIGN_RIGHT, Column, RowTableModel, make_table

P = PaymentStatus


def outcome_label(view: PaymentView) -> str:
    if view.status is P.SUCCEEDED:
        return "결제성공"
    if view.status is P.FAILED:
        return "결제실패"
    if view.status is P.CANCELLED:
        return "결제취소"
    return "확인 중"


def outcome_detail(view: PaymentView) -> str:
    if view.status is P.SUCCEEDED:
        return f"승인번호 {view.approval_no}"
    if view.status is P.FAILED:
        return view.failure_reason or ""
    if view.status is P.IN_PROGRESS:
        return "카드사·제로페이의 답을 기다리고 있습니다. 결과는 서비스 결제관리에서 확인할 수 있습니다."
    return view.cancel_reason or ""


class PaymentResults(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.notice = NoticeBox("success")
        layout.addWidget(self.notice)
        self.model = RowTableModel([
            Column(self.tr("서비스"), lambda v: v.service_name, width=180, tooltip=lambda v: v.service_name),
            Column(self.tr("결제금액"), lambda v: format_krw(v.amount), ALIGN_RIGHT, 100),
            Column(self.tr("결과"), outcome_label, width=80),
            Column(self.tr("승인번호 · 사유"), outcome_detail, width=260, tooltip=outcome_detail),
        ], parent=self)
        self.table = make_table(self.model, self, stretch=-1)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().hide()
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.table, 1)

    def show_results(self, views: list[PaymentView]) -> None:
        self.model.set_rows(views)
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(i) for i in range(len(views)))
        self.table.setMinimumHeight(min(self.table.horizontalHeader().sizeHint().height() + rows + 4, 320))
        ok = sum(v.status is P.SUCCEEDED for v in views)
        failed = sum(v.status is P.FAILED for v in views)
        waiting = len(views) - ok - failed
        if ok == len(views):
            self.notice.set_text(self.tr("{n}건 모두 결제되었습니다.").format(n=ok),
                                 self.tr("결제한 거래는 서비스 결제관리에서 확인하고 전표를 인쇄할 수 있습니다."), "success")
            return
        parts = [self.tr("결제성공 {n}건").format(n=ok), self.tr("결제실패 {n}건").format(n=failed)]
        if waiting:
            parts.append(self.tr("확인 중 {n}건").format(n=waiting))
        body = self.tr("결제되지 않은 거래는 그대로 남아 있어 '결제하기' 탭에서 다시 결제할 수 있습니다.")
        if ok:
            body = self.tr("결제에 성공한 거래는 결제된 그대로입니다. ") + body
        self.notice.set_text(" · ".join(parts), body, "warning" if ok or waiting else "danger")
