"""바우처 신청 (SPEC §5.2): choose the payment method once (제로페이 / 신한카드), see the budget
ledger, and request a (잔여)예산포기.

Only an APPROVED company can apply; any other state shows why not and the way to the status page.
The method is chosen through a confirmation dialog that says it can never be changed; for ZeroPay
the same dialog asks the gift-certificate password twice (the service validates it).
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...enums import AbandonmentStatus, PaymentMethod
from ...services.changes import Changes, Entity
from ...services.clock import kst_date
from ...services.dto import VoucherView
from ...services.errors import DomainError, ValidationError
from ...services.rules.money import format_krw
from ...services.vouchers import METHOD_LABELS
from ..tasks import from_self, touched
from ..widgets.budget import BudgetPanel
from ..widgets.busy import page_head
from ..widgets.common import StatusBadge, mark_invalid, scrolling_body
from ..widgets.dialogs import ask_reason, ask_yes_no
from ..widgets.notice import NoticeBox
from .abandonment_box import AbandonmentBox
from .issuer_dialogs import CardIssuedDialog, ZeroPayPasswordDialog
from .payment_method import PaymentMethodDialog
from .voucher_method_boxes import ChosenMethodBox, MethodChoiceBox

#: what the boxes hold, reachable on the page as before (tests read them)
BOX_PARTS = {
    "choose": ("method_group", "options", "choose_hint", "apply_button"),
    "chosen": ("method_label", "fixed_note", "chosen_form", "chosen_at_label", "card_date_label", "zeropay_state",
               "guidance", "helpdesk", "card_state", "card_request_button", "zeropay_password_button"),
    "abandon": ("abandon_status", "abandon_button", "abandon_hint", "abandon_error"),
}


class VoucherPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.view: VoucherView | None = None
        self.method_dialog: PaymentMethodDialog | None = None
        self.card_dialog: CardIssuedDialog | None = None
        self.password_dialog: ZeroPayPasswordDialog | None = None
        self.pending_dialog = None  # the reason / yes-no box of an abandonment request
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = scrolling_body(self)
        head, self.busy = page_head(self.tr("바우처 신청"))
        self.reload_button = QPushButton(self.tr("새로 고침"))
        self.reload_button.clicked.connect(self.refresh)
        head.addWidget(self.reload_button)
        layout.addLayout(head)

        line = QHBoxLayout()
        self.company_label = QLabel()
        self.company_label.setStyleSheet("font-size: 11pt; font-weight: bold;")
        self.badge = StatusBadge()
        self.badge.hide()
        line.addWidget(self.company_label)
        line.addWidget(self.badge)
        line.addStretch(1)
        layout.addLayout(line)

        # not eligible: why not, and where to look
        self.not_eligible = QWidget()
        box = QVBoxLayout(self.not_eligible)
        box.setContentsMargins(0, 0, 0, 0)
        self.why_not = NoticeBox("warning")
        box.addWidget(self.why_not)
        row = QHBoxLayout()
        self.status_button = QPushButton(self.tr("심사 및 예산확인으로 이동"))
        self.status_button.clicked.connect(lambda: self.ctx.navigate("screening_status"))
        row.addWidget(self.status_button)
        row.addStretch(1)
        box.addLayout(row)
        layout.addWidget(self.not_eligible)

        # eligible: the method (to choose or chosen) beside the budget panel
        self.choose_box = MethodChoiceBox()
        self.choose_box.selection_changed.connect(self._update_buttons)
        self.choose_box.apply_button.clicked.connect(self.apply)
        self.chosen_box = ChosenMethodBox()
        self.chosen_box.card_request_button.clicked.connect(self.request_card)
        self.chosen_box.zeropay_password_button.clicked.connect(self.set_zeropay_password)
        self.abandon_box = AbandonmentBox()
        self.abandon_box.abandon_button.clicked.connect(self.request_abandonment)
        for key, box in (("choose", self.choose_box), ("chosen", self.chosen_box), ("abandon", self.abandon_box)):
            for name in BOX_PARTS[key]:
                setattr(self, name, getattr(box, name))
        self.eligible = QWidget()
        middle = QHBoxLayout(self.eligible)
        middle.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(self.choose_box)
        left.addWidget(self.chosen_box)
        left.addStretch(1)
        middle.addLayout(left, 3)
        self.budget_panel = BudgetPanel(self.tr("바우처 예산"))
        self.budget_panel.setMinimumWidth(330)
        right = QVBoxLayout()
        right.addWidget(self.budget_panel)
        right.addStretch(1)
        middle.addLayout(right, 2)
        layout.addWidget(self.eligible)
        layout.addWidget(self.abandon_box)
        layout.addStretch(1)
        self.not_eligible.hide()
        self.eligible.hide()
        self.abandon_box.hide()

    # --- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        vouchers = self.ctx.services.vouchers
        self.ctx.query(lambda: vouchers.get(actor), parent=self, key="voucher") \
            .busy(text=self.tr("바우처 정보를 불러오는 중…")).success(self.show_voucher).after(self._update_buttons).run()
        self._update_buttons()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if from_self(self, initiator) or self.view is None:
            return
        company_id = self.view.company_id
        if touched(changes, Entity.VOUCHER, company_id) or touched(changes, Entity.COMPANY, company_id):
            self.refresh()

    def show_voucher(self, view: VoucherView) -> None:
        self.view = view
        self.company_label.setText(view.company_name)
        self.badge.set_status(view.status)
        self.badge.show()
        self.not_eligible.setVisible(not view.eligible)
        self.eligible.setVisible(view.eligible)
        self.abandon_box.setVisible(view.eligible)
        if not view.eligible:
            self.why_not.set_text(self.tr("지금은 바우처를 신청할 수 없습니다."),
                                  view.why_not or self.tr("예산이 확정(승인)된 기업만 바우처를 신청할 수 있습니다."))
            self._update_buttons()
            return
        chosen = view.payment_method is not None
        self.choose_box.setVisible(not chosen)
        self.choose_box.setEnabled(not chosen)
        self.chosen_box.setVisible(chosen)
        if chosen:
            self.chosen_box.show_method(view)
        before = view.abandonment.budget_before if view.abandonment is not None else None
        self.budget_panel.show_budget(view.budget, view.use_period_end, budget_before=before)
        self.abandon_box.show_abandonment(view)
        self._update_buttons()

    def abandonment_refusal(self) -> str | None:
        """Why 예산포기 신청 is not possible now, or None."""
        view = self.view
        if view is None or not view.eligible or view.budget is None:
            return self.tr("예산이 확정(승인)된 기업만 신청할 수 있습니다.")
        if view.budget.abandoned:
            return self.tr("예산포기가 확정되어 잔액이 0원입니다. 다시 신청할 수 없습니다.")
        if view.abandonment is not None and view.abandonment.status is AbandonmentStatus.REQUESTED:
            return self.tr("예산포기 신청이 전문기관의 확인을 기다리고 있습니다.")
        return None

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        self.apply_button.setEnabled(idle and self.method_group.checkedButton() is not None)
        self.card_request_button.setEnabled(idle and self.card_requestable())
        self.zeropay_password_button.setEnabled(idle)
        self.abandon_box.update_button(idle, self.abandonment_refusal())

    # --- choosing the method -----------------------------------------------------------------
    def selected_method(self) -> PaymentMethod | None:
        return self.choose_box.selected_method()

    def apply(self) -> None:
        method = self.selected_method()
        if method is None or self.view is None or self.view.payment_method is not None:
            return
        dialog = PaymentMethodDialog(self.ctx, method, self)
        dialog.chosen.connect(self._method_chosen)
        dialog.refused.connect(self.refresh)
        self.method_dialog = dialog
        dialog.open()

    def _method_chosen(self, view: VoucherView) -> None:
        self.show_voucher(view)
        self.ctx.show_success(self.tr("바우처를 신청했습니다. 결제수단: {method}").format(
            method=self.tr(METHOD_LABELS[view.payment_method])))

    # --- the issuers: 카드 발급 신청, 상품권 비밀번호 설정 ---------------------------------------------
    def card_requestable(self) -> bool:
        """신한카드 not issued yet, from the KST day after the choice (the services' clock)."""
        view = self.view
        if view is None or view.payment_method is not PaymentMethod.SHINHAN_CARD or view.card_masked is not None:
            return False
        return view.card_request_from is not None and kst_date(self.ctx.services.clock.now()) >= view.card_request_from

    def request_card(self) -> None:
        if not self.card_requestable() or self.busy.busy:
            return
        actor, vouchers = self.ctx.actor, self.ctx.services.vouchers

        def issued(card) -> None:
            self.card_dialog = CardIssuedDialog(card, self)
            self.card_dialog.finished.connect(lambda _r: self.refresh())
            self.card_dialog.open()

        self.ctx.op(lambda: vouchers.request_card(actor), parent=self) \
            .busy(text=self.tr("카드 발급을 신청하는 중…")).success(issued) \
            .failure(lambda exc: (self.ctx.show_failure(exc, self), self.refresh())).after(self._update_buttons).run()
        self._update_buttons()

    def set_zeropay_password(self) -> None:
        dialog = ZeroPayPasswordDialog(self.ctx, self)
        dialog.password_set.connect(lambda view: (self.show_voucher(view), self.ctx.show_success(
            self.tr("제로페이 상품권 비밀번호를 설정했습니다."))))
        self.password_dialog = dialog
        dialog.open()

    # --- budget abandonment ------------------------------------------------------------------
    def request_abandonment(self, _checked: bool = False, *, reason: str = "", error: str = "") -> None:
        if self.abandonment_refusal() is not None:
            return
        dialog = ask_reason(
            self, self.tr("예산포기 신청"),
            self.tr("예산포기 사유를 입력해 주세요. 전문기관이 사유를 확인하고 확정하거나 반려합니다."),
            self.tr("다음"), self._confirm_abandonment)
        dialog.edit.setPlaceholderText(self.tr("예: 사업 계획이 바뀌어 남은 예산을 쓰지 않습니다."))
        if reason:
            dialog.edit.setPlainText(reason)
        if error:
            dialog.error.show_message(error)
            mark_invalid(dialog.edit, True)
        self.pending_dialog = dialog

    def _confirm_abandonment(self, reason: str) -> None:
        remaining = self.view.budget.remaining if self.view and self.view.budget else 0
        self.pending_dialog = ask_yes_no(
            self, self.tr("예산포기 신청"),
            self.tr("정말 남은 예산을 포기할까요?\n\n전문기관이 확정하면 현재 잔액 {remaining}이 0원이 되고, 진행 중인 "
                    "거래상담·거래수락·결제요청은 모두 '불가'로 끝납니다. 이미 결제한 거래는 그대로 유지됩니다. "
                    "확정된 예산포기는 되돌릴 수 없습니다.\n\n사유: {reason}").format(
                remaining=format_krw(remaining), reason=reason),
            self.tr("예산포기 신청"), lambda: self._send_abandonment(reason), danger=True)

    def _send_abandonment(self, reason: str) -> None:
        self.pending_dialog = None
        actor = self.ctx.actor
        vouchers = self.ctx.services.vouchers
        self.abandon_error.clear_message()

        def done(view: VoucherView) -> None:
            self.show_voucher(view)
            self.ctx.show_success(self.tr("예산포기를 신청했습니다. 전문기관의 확인을 기다려 주세요."))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and exc.field == "reason":
                self.request_abandonment(reason=reason, error=exc.message)  # typed text kept
            elif isinstance(exc, DomainError):
                self.abandon_error.show_message(exc.message)
                self.refresh()
            else:
                self.ctx.show_failure(exc, self)

        # every other page hears what changed from the helper
        self.ctx.op(lambda: vouchers.request_abandonment(actor, reason), parent=self) \
            .busy(text=self.tr("예산포기를 신청하는 중…")).success(done).failure(failed).after(self._update_buttons).run()
        self._update_buttons()
