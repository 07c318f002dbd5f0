"""심사 및 예산확인: current screening state, every transition with its reason, the budget
once approved (total / government share / self-payment / spent / in progress / remaining, from
the voucher ledger), and the operating agency to contact (SPEC §5.1; manual section III)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import ScreeningStatus
from ...services.accounts import ROLE_LABELS
from ...services.clock import format_kst
from ...services.changes import Changes, Entity
from ...services.dto import CompanyView, VoucherView
from ..tasks import touched
from ...services.rules.korean import particle
from ..widgets.budget import BudgetPanel
from ..widgets.busy import page_head
from ..widgets.company_values import transition_text
from ..widgets.common import StatusBadge, title_label, scrolling_body
from ..widgets.notice import NoticeBox
from ...services.vouchers import METHOD_LABELS
from ..widgets.tables import ALIGN_CENTER, Column, RowTableModel, make_table

S = ScreeningStatus


class ScreeningEventTableModel(RowTableModel):
    """Every screening transition: when (KST), what, from → to, who, and the reason."""

    def __init__(self, parent=None):
        super().__init__([], key=lambda e: (e.at, e.action, e.to_status), parent=parent)
        self._columns = [
            Column(self.tr("시각(한국시간)"), lambda e: format_kst(e.at), ALIGN_CENTER, 130),
            Column(self.tr("처리"), lambda e: e.action_label, ALIGN_CENTER, 100),
            Column(self.tr("상태 변경"), lambda e: transition_text(e.from_status, e.to_status), ALIGN_CENTER, 150),
            Column(self.tr("처리자"), lambda e: f"{e.actor_name} ({ROLE_LABELS[e.actor_role]})", width=200),
            Column(self.tr("사유"), lambda e: e.reason or "", width=220, tooltip=lambda e: e.reason or ""),
        ]


class ScreeningStatusPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.view: CompanyView | None = None
        self.voucher: VoucherView | None = None
        self._build()

    def _explanations(self) -> dict[ScreeningStatus, tuple[str, str]]:
        """(headline, explanation) per state, after the manual's section III."""
        return {
            S.REVIEWING: (
                self.tr("관할 운영기관에서 심사하고 있습니다."),
                self.tr("심사중은 최초로 가입했을 때의 상태입니다. 심사중에는 기업정보를 수정할 수 없으며, "
                        "정보 수정은 심사보류·심사확정·승인 상태에서 할 수 있습니다."),
            ),
            S.CONFIRMED: (
                self.tr("운영기관의 심사가 확정되었습니다."),
                self.tr("전문기관이 바우처 예산을 확정하면 '승인'으로 바뀝니다. 기업정보 수정이 가능합니다."),
            ),
            S.APPROVED: (
                self.tr("전문기관의 바우처 예산이 확정되었습니다."),
                self.tr("아래에서 확정된 예산과 이용기간을 확인하세요. 바우처를 쓰려면 결제수단"
                        "(제로페이 또는 신한카드)을 선택해야 하며, 선택한 결제수단은 나중에 바꿀 수 없습니다. "
                        "기업정보 수정이 가능합니다."),
            ),
            S.ON_HOLD: (
                self.tr("심사가 보류되었습니다."),
                self.tr("기업정보 오입력, 서류 부적합 등의 사유로 심사가 보류된 상태입니다. '기업정보 수정'에서 "
                        "해당 사유를 수정·변경한 뒤 재제출하면 다시 '심사중'으로 바뀌고, 관할 운영기관에서 "
                        "재심사를 진행합니다."),
            ),
            S.REJECTED: (
                self.tr("심사에서 탈락했습니다."),
                self.tr("특정한 사유로 심사에서 탈락한 상태입니다. 탈락하면 올해 사업에는 같은 사업자등록번호로 "
                        "다시 신청할 수 없습니다. 탈락 사유는 아래 심사 이력에서도 확인할 수 있습니다."),
            ),
        }

    def _build(self) -> None:
        layout = scrolling_body(self)

        head, self.busy = page_head(self.tr("심사 및 예산확인"))
        layout.addLayout(head)

        state_box = QGroupBox(self.tr("심사 현황"))
        state_layout = QVBoxLayout(state_box)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("현재 상태")))
        self.badge = StatusBadge()
        self.badge.hide()
        row.addWidget(self.badge)
        self.company_label = QLabel()
        self.company_label.setObjectName("hint")
        row.addSpacing(12)
        row.addWidget(self.company_label, 1)
        state_layout.addLayout(row)
        self.explanation = NoticeBox("info")
        # 심사보류: the way to fix what the operator asked for is one click away
        self.edit_info_button = QPushButton(self.tr("기업정보 수정"))
        self.edit_info_button.setObjectName("primary")
        self.edit_info_button.setToolTip(self.tr("보류 사유를 고친 뒤 재제출하면 다시 심사합니다."))
        self.edit_info_button.clicked.connect(lambda: self.ctx.navigate("company_info"))
        self.edit_info_button.hide()
        self.explanation.layout().addWidget(self.edit_info_button, 0, Qt.AlignmentFlag.AlignLeft)
        state_layout.addWidget(self.explanation)
        layout.addWidget(state_box)

        middle = QHBoxLayout()
        self.budget_box = BudgetPanel(self.tr("바우처 예산"))
        self.budget_form = self.budget_box.form
        self.budget_total = self.budget_box.total
        self.budget_government = self.budget_box.government
        self.budget_self = self.budget_box.self_pay
        self.budget_spent = self.budget_box.spent
        self.budget_in_progress = self.budget_box.in_progress
        self.budget_remaining = self.budget_box.remaining
        self.use_period_end = self.budget_box.use_period_end
        self.budget_pending = self.budget_box.pending
        self.approved_at = QLabel()
        self.approved_at.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.budget_box.add_row(self.tr("승인일"), self.approved_at)
        middle.addWidget(self.budget_box, 1)

        operator_box = QGroupBox(self.tr("관할 운영기관"))
        operator_form = QFormLayout(operator_box)
        self.operator_name = QLabel()
        self.operator_region = QLabel()
        self.operator_phone = QLabel()
        self.operator_email = QLabel()
        for label in (self.operator_name, self.operator_phone, self.operator_email):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        operator_form.addRow(self.tr("기관명"), self.operator_name)
        operator_form.addRow(self.tr("지역"), self.operator_region)
        operator_form.addRow(self.tr("연락처"), self.operator_phone)
        operator_form.addRow(self.tr("이메일"), self.operator_email)
        note = QLabel(self.tr("심사 관련 문의는 관할 운영기관으로 해 주세요."))
        note.setObjectName("hint")
        note.setWordWrap(True)
        operator_form.addRow(note)
        middle.addWidget(operator_box, 1)
        layout.addLayout(middle)

        # the history table in an event of its own after the frame (or when first needed); a
        # timer, not a zero one: that is a posted event, run before the loop paints or reads input
        self._body = layout
        self._history_table = None
        QTimer.singleShot(1, self, self._build_history)

    @property
    def history_model(self) -> ScreeningEventTableModel:
        return self.history_table.model()

    @property
    def history_table(self):
        if self._history_table is None:
            self._build_history()
        return self._history_table

    def _build_history(self) -> None:
        if self._history_table is not None:
            return
        layout = self._body
        layout.addWidget(title_label(self.tr("심사 이력"), level=2))
        table = make_table(ScreeningEventTableModel(self), layout.parentWidget())
        table.setWordWrap(True)
        table.setMinimumHeight(180)
        layout.addWidget(table, 1)
        self._history_table = table

    # --- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        companies, vouchers = self.ctx.services.companies, self.ctx.services.vouchers

        def load() -> tuple[CompanyView, VoucherView | None]:
            company = companies.get(actor)
            # the ledger (spent / in progress / remaining) comes from the voucher service
            voucher = vouchers.get(actor) if company.status is S.APPROVED else None
            return company, voucher

        self.ctx.query(load, parent=self, key="status").busy(text=self.tr("심사 현황을 불러오는 중…")) \
            .success(lambda result: self.show_company(*result)).run()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if self.view is None:
            return
        if touched(changes, Entity.COMPANY, self.view.id) or touched(changes, Entity.VOUCHER, self.view.id):
            self.refresh()

    def show_company(self, view: CompanyView, voucher: VoucherView | None = None) -> None:
        self.view = view
        self.voucher = voucher
        self.badge.set_status(view.status)
        self.badge.show()
        self.company_label.setText(self.tr("{name} · 상태 변경 {at}").format(
            name=view.info.name, at=format_kst(view.status_changed_at)))
        headline, text = self._explanations()[view.status]
        kind = {S.ON_HOLD: "warning", S.REJECTED: "danger", S.APPROVED: "success"}.get(view.status, "info")
        if view.status in (S.ON_HOLD, S.REJECTED) and view.status_reason:
            label = self.tr("보류 사유") if view.status is S.ON_HOLD else self.tr("탈락 사유")
            text = f"{label}: {view.status_reason}\n\n{text}"
        if view.status is S.APPROVED and voucher is not None:
            if voucher.budget is not None and voucher.budget.abandoned:
                headline = self.tr("예산포기가 확정되었습니다.")
                text = self.tr("남은 예산은 0원이며 새 거래를 시작할 수 없습니다. 이미 결제한 거래와 서류는 "
                               "그대로 남아 있습니다. 기업정보 수정은 계속 가능합니다.")
                kind = "info"
            elif voucher.payment_method is not None:
                text = self.tr("아래에서 확정된 예산과 이용기간을 확인하세요. 결제수단은 {method}{ro} 정해졌습니다. "
                               "'서비스 검색'에서 서비스를 찾아 거래상담을 요청할 수 있습니다. 기업정보 수정이 "
                               "가능합니다.").format(method=self.tr(METHOD_LABELS[voucher.payment_method]),
                                           ro=particle(self.tr(METHOD_LABELS[voucher.payment_method]), "으로"))
        self.explanation.set_text(headline, text, kind)
        self.edit_info_button.setVisible(view.status is S.ON_HOLD)

        budget = voucher.budget if voucher is not None and view.status is S.APPROVED else None
        before = None
        if budget is not None and budget.abandoned and voucher.abandonment is not None:
            before = voucher.abandonment.budget_before
        self.budget_box.show_budget(budget, view.use_period_end, budget_before=before)
        self.approved_at.setText(format_kst(view.approved_at) if budget is not None else "")

        op = view.operator
        self.operator_name.setText(op.name)
        self.operator_region.setText(op.region)
        self.operator_phone.setText(op.phone)
        self.operator_email.setText(op.email)
        self.history_model.set_rows(view.history)
        self.history_table.resizeRowsToContents()
