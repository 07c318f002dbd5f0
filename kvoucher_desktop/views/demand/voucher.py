"""바우처 신청 (SPEC §5.2): choose the payment method once (제로페이 / 신한카드), see the budget
ledger, and request a (잔여)예산포기.

Only an APPROVED company can apply; any other state shows why not and the way to the status page.
The method is chosen through a confirmation dialog that says it can never be changed; for ZeroPay
the same dialog asks the gift-certificate password twice (the service validates it).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import AbandonmentStatus, CompanyType, PaymentMethod
from ...services.clock import format_kst
from ...services.dto import AbandonmentView, VoucherView
from ...services.errors import DomainError, ValidationError
from ...services.rules.money import format_krw
from ...services.vouchers import ABANDONMENT_LABELS, CARD_HELPDESK, METHOD_LABELS, ZEROPAY_HELPDESK
from ..widgets.budget import BudgetPanel
from ..widgets.busy import page_head
from ..widgets.common import ErrorLabel, StatusBadge, mark_invalid, scrolling_body
from ..widgets.dialogs import ask_reason, ask_yes_no
from ..widgets.forms import LatestLoad, run_busy
from ..widgets.notice import NoticeBox
from .payment_method import _PRIMARY, M, MethodOption, PaymentMethodDialog, method_descriptions



class VoucherPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.view: VoucherView | None = None
        self.method_dialog: PaymentMethodDialog | None = None
        self.pending_dialog = None  # the reason / yes-no box of an abandonment request
        self._announcing = False
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = scrolling_body(self)
        head, self.busy = page_head(self.tr("바우처 신청"))
        self.loads = LatestLoad(self.ctx, self, self.busy)
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
        self.status_button.clicked.connect(lambda: self.ctx.window.open_page("screening_status"))
        row.addWidget(self.status_button)
        row.addStretch(1)
        box.addLayout(row)
        layout.addWidget(self.not_eligible)

        # eligible: the method (to choose or chosen) beside the budget panel
        self.eligible = QWidget()
        middle = QHBoxLayout(self.eligible)
        middle.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(self._build_choose())
        left.addWidget(self._build_chosen())
        left.addStretch(1)
        middle.addLayout(left, 3)
        self.budget_panel = BudgetPanel(self.tr("바우처 예산"))
        self.budget_panel.setMinimumWidth(330)
        right = QVBoxLayout()
        right.addWidget(self.budget_panel)
        right.addStretch(1)
        middle.addLayout(right, 2)
        layout.addWidget(self.eligible)
        layout.addWidget(self._build_abandonment())
        layout.addStretch(1)
        self.not_eligible.hide()
        self.eligible.hide()
        self.abandon_box.hide()

    def _build_choose(self) -> QGroupBox:
        self.choose_box = QGroupBox(self.tr("결제수단 선택"))
        box = QVBoxLayout(self.choose_box)
        intro = NoticeBox("info")
        intro.set_text(self.tr("바우처를 쓰려면 결제수단을 선택해 신청하세요."),
                       self.tr("결제수단은 한 번 선택하면 변경할 수 없으니 신중히 고르세요."))
        box.addWidget(intro)
        cards = QHBoxLayout()
        self.method_group = QButtonGroup(self)
        self.options: dict[PaymentMethod, MethodOption] = {}
        for method, text in method_descriptions(self.tr).items():
            option = MethodOption(method, text)
            self.method_group.addButton(option.radio)
            option.radio.toggled.connect(lambda _on: self._update_buttons())
            cards.addWidget(option, 1)
            self.options[method] = option
        box.addLayout(cards)
        row = QHBoxLayout()
        self.choose_hint = QLabel(self.tr("결제수단을 고른 뒤 신청을 누르세요. 확인 창이 한 번 더 열립니다."))
        self.choose_hint.setObjectName("hint")
        self.choose_hint.setWordWrap(True)
        row.addWidget(self.choose_hint, 1)
        self.apply_button = QPushButton(self.tr("신청"))
        self.apply_button.setObjectName("primary")
        self.apply_button.setMinimumWidth(110)
        self.apply_button.clicked.connect(self.apply)
        row.addWidget(self.apply_button)
        box.addLayout(row)
        return self.choose_box

    def _build_chosen(self) -> QGroupBox:
        self.chosen_box = QGroupBox(self.tr("결제수단"))
        box = QVBoxLayout(self.chosen_box)
        top = QHBoxLayout()
        self.method_label = QLabel()
        self.method_label.setStyleSheet(f"font-size: 16pt; font-weight: bold; color: {_PRIMARY};")
        top.addWidget(self.method_label)
        self.fixed_note = QLabel(self.tr("결제수단은 한 번 선택하면 변경할 수 없습니다."))
        self.fixed_note.setObjectName("hint")
        top.addSpacing(12)
        top.addWidget(self.fixed_note, 1)
        box.addLayout(top)
        form = QFormLayout()
        self.chosen_form = form
        self.chosen_at_label = QLabel()
        self.card_date_label = QLabel()
        self.card_date_label.setStyleSheet("font-weight: bold;")
        self.zeropay_state = QLabel()
        self.zeropay_state.setWordWrap(True)
        form.addRow(self.tr("신청일시"), self.chosen_at_label)
        form.addRow(self.card_date_label)
        form.addRow(self.tr("제로페이 상품권"), self.zeropay_state)
        box.addLayout(form)
        self.guidance = NoticeBox("info")
        box.addWidget(self.guidance)
        self.helpdesk = QLabel(self.tr("문의: 신한카드 고객센터 {card} · 제로페이 고객센터 {zeropay}").format(
            card=CARD_HELPDESK, zeropay=ZEROPAY_HELPDESK))
        self.helpdesk.setObjectName("hint")
        self.helpdesk.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.helpdesk)
        return self.chosen_box

    def _build_abandonment(self) -> QGroupBox:
        self.abandon_box = QGroupBox(self.tr("(잔여)예산포기"))
        box = QVBoxLayout(self.abandon_box)
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
        self.abandon_button.clicked.connect(self.request_abandonment)
        row.addWidget(self.abandon_button)
        self.abandon_hint = QLabel()
        self.abandon_hint.setObjectName("hint")
        self.abandon_hint.setWordWrap(True)
        row.addWidget(self.abandon_hint, 1)
        box.addLayout(row)
        self.abandon_error = ErrorLabel()
        box.addWidget(self.abandon_error)
        return self.abandon_box

    # --- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        vouchers = self.ctx.services.vouchers
        self.loads.run(lambda: vouchers.get(actor), self.show_voucher,
                       text=self.tr("바우처 정보를 불러오는 중…"), after=self._update_buttons)
        self._update_buttons()

    def on_data_changed(self, what: str, ids: tuple) -> None:
        if self._announcing or self.view is None:
            return
        if (what in ("voucher", "company") and self.view.company_id in ids) or \
                (what == "payment" and self.view.eligible):
            self.refresh()

    def _announce(self, view: VoucherView) -> None:
        self._announcing = True
        try:
            self.ctx.changed("voucher", (view.company_id,))
        finally:
            self._announcing = False

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
            self._show_method(view)
        before = view.abandonment.budget_before if view.abandonment is not None else None
        self.budget_panel.show_budget(view.budget, view.use_period_end, budget_before=before)
        self._show_abandonment(view)
        self._update_buttons()

    def _show_method(self, view: VoucherView) -> None:
        method = view.payment_method
        card = method is M.SHINHAN_CARD
        self.method_label.setText(self.tr(METHOD_LABELS[method]))
        self.chosen_at_label.setText(self.tr("{at} (한국시간)").format(at=format_kst(view.chosen_at)))
        self.chosen_form.setRowVisible(self.card_date_label, card)
        self.chosen_form.setRowVisible(self.zeropay_state, not card)
        if card:
            day = view.card_request_from.isoformat() if view.card_request_from else ""
            self.card_date_label.setText(self.tr("카드 발급 신청 가능일: {day} (선택한 다음 날부터)").format(day=day))
            if view.company_type is CompanyType.CORPORATION:
                self.guidance.set_text(
                    self.tr("법인: 신한은행 지점 방문 발급"),
                    self.tr("가까운 신한은행 지점을 방문하여 법인 체크카드 발급을 신청하세요. 발급 신청은 {day}부터 "
                            "할 수 있습니다. 카드 문의: 신한카드 {phone}").format(day=day, phone=CARD_HELPDESK))
            else:
                self.guidance.set_text(
                    self.tr("개인사업자: 온라인 발급"),
                    self.tr("신한카드 홈페이지에서 개인 체크카드 또는 선불카드를 온라인으로 신청하세요. 발급 신청은 "
                            "{day}부터 할 수 있습니다. 카드 문의: 신한카드 {phone}").format(day=day, phone=CARD_HELPDESK))
        else:
            self.zeropay_state.setText(
                self.tr("온라인으로 발급되었습니다 · 상품권 비밀번호 설정됨") if view.zeropay_password_set
                else self.tr("온라인으로 발급되었습니다 · 상품권 비밀번호 미설정"))
            self.guidance.set_text(
                self.tr("제로페이 모바일 상품권"),
                self.tr("상품권은 온라인으로 바로 발급되어 추가로 신청할 것이 없습니다. 결제할 때 신청 시 정한 상품권 "
                        "비밀번호(숫자 6자리)를 입력합니다. 제로페이 문의: {phone}").format(phone=ZEROPAY_HELPDESK))

    def _show_abandonment(self, view: VoucherView) -> None:
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
        refusal = self.abandonment_refusal()
        self.abandon_button.setEnabled(idle and refusal is None)
        self.abandon_hint.setText(refusal or "")

    # --- choosing the method -----------------------------------------------------------------
    def selected_method(self) -> PaymentMethod | None:
        return next((m for m, o in self.options.items() if o.radio.isChecked()), None)

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
        self.ctx.window.statusBar().showMessage(self.tr("바우처를 신청했습니다. 결제수단: {method}").format(
            method=self.tr(METHOD_LABELS[view.payment_method])), 8000)
        self._announce(view)

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
            self.ctx.window.statusBar().showMessage(
                self.tr("예산포기를 신청했습니다. 전문기관의 확인을 기다려 주세요."), 8000)
            self._announce(view)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and exc.field == "reason":
                self.request_abandonment(reason=reason, error=exc.message)  # typed text kept
            elif isinstance(exc, DomainError):
                self.abandon_error.show_message(exc.message)
                self.refresh()
            else:
                self.ctx.error(self, exc)

        run_busy(self.ctx, self, self.busy, self.tr("예산포기를 신청하는 중…"),
                 lambda: vouchers.request_abandonment(actor, reason), done, failed, after=self._update_buttons)
