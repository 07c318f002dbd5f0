"""The (잔여)예산포기 box of 바우처 신청: what giving up the budget means, the latest request and
its state, and the button to ask (with why not, when it cannot be asked now).

It builds and shows; the page asks the reason, confirms and sends (demand/voucher.py).
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...enums import AbandonmentStatus
from ...services.clock import format_kst
from ...services.dto import AbandonmentView, VoucherView
from ...services.rules.money import format_krw
from ...services.vouchers import ABANDONMENT_LABELS
from ..widgets.common import ErrorLabel
from ..widgets.notice import NoticeBox


class AbandonmentBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("(잔여)예산포기"))
        box = QVBoxLayout(self)
        explain = QLabel(self.tr(
            "남은 예산을 더 쓰지 않을 때 예산포기를 신청합니다. 전문기관이 확정하면 잔액이 0원이 되고, 진행 중인 "
            "거래상담·거래수락·결제요청은 모두 '불가'로 끝납니다. 이미 결제한 거래는 그대로 유지됩니다. 확정된 "
            "예산포기는 되돌릴 수 없습니다."))
        explain.setWordWrap(True)
        box.addWidget(explain)
        self.abandon_status = NoticeBox("info")
        box.addWidget(self.abandon_status)
        row = QHBoxLayout()
        self.abandon_button = QPushButton(self.tr("예산포기 신청"))
        self.abandon_button.setObjectName("danger")
        row.addWidget(self.abandon_button)
        self.abandon_hint = QLabel()
        self.abandon_hint.setObjectName("hint")
        self.abandon_hint.setWordWrap(True)
        row.addWidget(self.abandon_hint, 1)
        box.addLayout(row)
        self.abandon_error = ErrorLabel()
        box.addWidget(self.abandon_error)

    def show_abandonment(self, view: VoucherView) -> None:
        """The latest request: when, by whom, why, and how it was decided (hidden when none)."""
        latest: AbandonmentView | None = view.abandonment
        if latest is None:
            self.abandon_status.hide()
            return
        lines = [self.tr("신청일시 {at} · 신청자 {name}").format(at=format_kst(latest.requested_at),
                                                             name=latest.requested_by_name),
                 self.tr("사유: {reason}").format(reason=latest.reason)]
        if latest.status is AbandonmentStatus.DECLINED:
            lines.append(self.tr("반려 사유: {reason} ({at})").format(reason=latest.decline_reason or "",
                                                                 at=format_kst(latest.decided_at)))
            lines.append(self.tr("필요하면 다시 신청할 수 있습니다."))
        elif latest.status is AbandonmentStatus.CONFIRMED:
            lines.append(self.tr("확정일시 {at} · 예산 {before} → {after}").format(
                at=format_kst(latest.decided_at), before=format_krw(latest.budget_before),
                after=format_krw(latest.budget_after)))
        kind = {AbandonmentStatus.REQUESTED: "info", AbandonmentStatus.CONFIRMED: "warning",
                AbandonmentStatus.DECLINED: "danger"}[latest.status]
        self.abandon_status.set_text(self.tr("최근 예산포기 신청: {status}").format(
            status=self.tr(ABANDONMENT_LABELS[latest.status])), "\n".join(lines), kind)
        self.abandon_status.show()

    def update_button(self, idle: bool, refusal: str | None) -> None:
        self.abandon_button.setEnabled(idle and refusal is None)
        self.abandon_hint.setText(refusal or "")
