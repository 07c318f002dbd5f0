"""예산포기 확인: the agency confirms or declines demand companies' budget abandonment requests
(SPEC §5.2). Confirming makes the company's remaining budget 0 and ends its open deals as 불가;
declining needs a reason the company sees."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...enums import AbandonmentStatus
from ...services.clock import format_kst
from ...services.dto import AbandonmentView
from ...services.errors import Conflict, NotFound
from ...services.rules.money import format_krw
from ...services.rules.numbers import format_business_no
from ...services.vouchers import ABANDONMENT_LABELS
from ...services.changes import Changes, Entity
from ..tasks import from_self
from ..widgets.busy import page_head
from ..widgets.dialogs import ask_reason, ask_yes_no
from ..widgets.notice import NoticeBox
from ..widgets.tables import ALIGN_CENTER, ALIGN_RIGHT, Column, RowTableModel, make_table, selected_row, set_rows_keeping_selection

STATUS_COLOURS = {
    AbandonmentStatus.REQUESTED: QColor("#1d4ed8"),
    AbandonmentStatus.CONFIRMED: QColor("#15803d"),
    AbandonmentStatus.DECLINED: QColor("#b91c1c"),
}


def decision_text(r: AbandonmentView) -> str:
    """What the agency decided, for the 처리 내용 column and the detail box."""
    if r.status is AbandonmentStatus.CONFIRMED:
        return QCoreApplication.translate("AbandonmentsPage", "{at} · 예산 {before} → {after}").format(
            at=format_kst(r.decided_at), before=format_krw(r.budget_before), after=format_krw(r.budget_after))
    if r.status is AbandonmentStatus.DECLINED:
        return QCoreApplication.translate("AbandonmentsPage", "{at} · 반려 사유: {reason}").format(
            at=format_kst(r.decided_at), reason=r.decline_reason or "")
    return ""


class AbandonmentTableModel(RowTableModel):
    """기업명 | 사업자등록번호 | 사유 | 신청일시 | 잔액 | 상태 | 처리 내용."""

    def __init__(self, parent: QObject | None = None):
        super().__init__([], parent=parent)
        self._columns = [
            Column(self.tr("기업명"), lambda r: r.company_name, width=200, tooltip=lambda r: r.company_name),
            Column(self.tr("사업자등록번호"), lambda r: format_business_no(r.business_no), ALIGN_CENTER, 120),
            Column(self.tr("사유"), lambda r: r.reason.replace("\n", " "), width=260, tooltip=lambda r: r.reason),
            Column(self.tr("신청일시"), lambda r: format_kst(r.requested_at), ALIGN_CENTER, 130),
            Column(self.tr("잔액"), lambda r: format_krw(r.remaining), ALIGN_RIGHT, 110),
            Column(self.tr("상태"), lambda r: ABANDONMENT_LABELS[r.status], ALIGN_CENTER, 100),
            Column(self.tr("처리 내용"), decision_text, width=220, tooltip=decision_text),
        ]

    def row_data(self, row: AbandonmentView, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and column == 5:
            return STATUS_COLOURS[row.status]
        return None


class AbandonmentsPage(QWidget):
    FILTERS = (
        ("확인 대기", AbandonmentStatus.REQUESTED),
        ("확정", AbandonmentStatus.CONFIRMED),
        ("반려", AbandonmentStatus.DECLINED),
        ("전체", None),
    )

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.pending_dialog = None
        self.model = AbandonmentTableModel(self)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("예산포기 확인"))
        self.reload_button = QPushButton(self.tr("새로 고침"))
        self.reload_button.clicked.connect(self.refresh)
        head.addWidget(self.reload_button)
        layout.addLayout(head)

        notice = NoticeBox("info")
        notice.set_text(
            self.tr("수요기업의 (잔여)예산포기 신청을 확인합니다."),
            self.tr("확정하면 그 기업의 예산이 이미 사용한 금액으로 줄어 잔액이 0원이 되고, 진행 중인 거래상담·거래수락·"
                    "결제요청은 모두 '불가'로 끝납니다. 이미 결제된 거래는 그대로입니다. 반려하려면 기업에 보여 줄 "
                    "사유를 입력합니다."))
        layout.addWidget(notice)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("상태")))
        self.status_filter = QComboBox()
        for label, _status in self.FILTERS:
            self.status_filter.addItem(self.tr(label))
        self.status_filter.setMinimumWidth(120)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(self.status_filter)
        bar.addStretch(1)
        self.confirm_button = QPushButton(self.tr("확정"))
        self.confirm_button.setObjectName("primary")
        self.confirm_button.clicked.connect(self.confirm_current)
        self.decline_button = QPushButton(self.tr("반려"))
        self.decline_button.setObjectName("danger")
        self.decline_button.clicked.connect(self.decline_current)
        bar.addWidget(self.confirm_button)
        bar.addWidget(self.decline_button)
        layout.addLayout(bar)

        self.table = make_table(self.model, stretch=2)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.status_line = QLabel()
        self.status_line.setObjectName("hint")
        layout.addWidget(self.status_line)
        self.detail = NoticeBox("info")
        self.detail.hide()
        layout.addWidget(self.detail)
        self._update_buttons()

    # --- loading -----------------------------------------------------------------------------
    def current_status(self) -> AbandonmentStatus | None:
        # by index: item data would come back from Qt as a plain str, not the enum
        return self.FILTERS[max(0, self.status_filter.currentIndex())][1]

    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        vouchers = self.ctx.services.vouchers
        status = self.current_status()
        def done(rows: list[AbandonmentView]) -> None:
            set_rows_keeping_selection(self.table, rows)
            self._update_status()

        self.ctx.query(lambda: vouchers.abandonments(actor, status), parent=self, key="list") \
            .busy(text=self.tr("예산포기 신청을 불러오는 중…")).success(done).after(self._update_buttons).run()
        self._update_buttons()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if changes.touches(Entity.VOUCHER) and not from_self(self, initiator):
            self.refresh()

    def _update_status(self) -> None:
        n = self.model.rowCount()
        if n == 0:
            text = self.tr("확인을 기다리는 예산포기 신청이 없습니다.") if self.current_status() is AbandonmentStatus.REQUESTED \
                else self.tr("해당하는 예산포기 신청이 없습니다.")
        else:
            text = self.tr("{n}건").format(n=f"{n:,}")
        self.status_line.setText(text)

    def _update_buttons(self) -> None:
        row = selected_row(self.table)
        actionable = row is not None and row.status is AbandonmentStatus.REQUESTED and not self.busy.busy
        self.confirm_button.setEnabled(actionable)
        self.decline_button.setEnabled(actionable)
        if row is None:
            self.detail.hide()
            return
        lines = [self.tr("사업자등록번호 {no} · 신청 {at} · 신청자 {who} · 잔액 {remaining}").format(
            no=format_business_no(row.business_no), at=format_kst(row.requested_at), who=row.requested_by_name,
            remaining=format_krw(row.remaining)), self.tr("사유: {reason}").format(reason=row.reason)]
        decision = decision_text(row)
        if decision:
            lines.append(self.tr("처리: {text} ({who})").format(text=decision, who=row.decided_by_name or ""))
        self.detail.set_text(f"{row.company_name} — {ABANDONMENT_LABELS[row.status]}", "\n".join(lines))
        self.detail.show()

    # --- deciding ----------------------------------------------------------------------------
    def confirm_current(self) -> None:
        row = selected_row(self.table)
        if row is None or row.status is not AbandonmentStatus.REQUESTED:
            return
        self.pending_dialog = ask_yes_no(
            self, self.tr("예산포기 확정"),
            self.tr("'{name}'의 예산포기를 확정할까요?\n\n잔액 {remaining}이 0원이 되고(예산은 사용한 금액으로 줄어듭니다), "
                    "진행 중인 거래상담·거래수락·결제요청은 모두 '불가'로 끝납니다. 이미 결제된 거래는 그대로 "
                    "유지됩니다. 되돌릴 수 없습니다.").format(name=row.company_name, remaining=format_krw(row.remaining)),
            self.tr("확정"), lambda: self._decide(row, None), danger=True)

    def decline_current(self) -> None:
        row = selected_row(self.table)
        if row is None or row.status is not AbandonmentStatus.REQUESTED:
            return
        self.pending_dialog = ask_reason(
            self, self.tr("예산포기 반려"),
            self.tr("'{name}'의 예산포기 신청을 반려합니다. 반려 사유를 입력해 주세요.").format(name=row.company_name),
            self.tr("반려"), lambda reason: self._decide(row, reason))

    def _decide(self, row: AbandonmentView, decline_reason: str | None) -> None:
        """Confirm (decline_reason None) or decline the request of `row`."""
        self.pending_dialog = None
        actor = self.ctx.actor
        vouchers = self.ctx.services.vouchers
        if decline_reason is None:
            fn, text = (lambda: vouchers.confirm_abandonment(actor, row.id)), self.tr("예산포기를 확정하는 중…")
        else:
            fn, text = (lambda: vouchers.decline_abandonment(actor, row.id, decline_reason)), \
                self.tr("예산포기 신청을 반려하는 중…")
        def done(view: AbandonmentView) -> None:
            if self.current_status() in (None, view.status):
                self.model.update_row(view)
            else:
                self.model.remove_keys([view.id])
            self._update_status()
            message = self.tr("'{name}'의 예산포기를 확정했습니다. 잔액이 0원이 되었습니다.") \
                if view.status is AbandonmentStatus.CONFIRMED else \
                self.tr("'{name}'의 예산포기 신청을 반려했습니다.")
            self.ctx.show_success(message.format(name=view.company_name))

        def failed(exc: BaseException) -> None:
            self.ctx.show_failure(exc, self)
            if isinstance(exc, (Conflict, NotFound)):
                self.refresh()  # decided meanwhile at another desk: show the truth

        self.ctx.op(fn, parent=self).busy(text=text).success(done).failure(failed).after(self._update_buttons).run()
        self._update_buttons()
