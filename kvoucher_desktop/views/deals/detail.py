"""The deal beside the inbox tables: what was asked, by whom, for how much, until when, the
event history, and the actions the actor may take in the deal's state (SPEC §5.3):
supplier 거래수락 / 반려(메모) / 결제요청(금액), demand 결제 (the payment window) / 장바구니 담기 /
장바구니에서 빼기, both 서비스 상세 보기. Which buttons show comes from the transition table of rules/deals.py."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...enums import DealAction, DealState, Role
from ...services.clock import format_kst
from ...services.dto import DealView
from ...services.errors import DomainError
from ...services.rules import deals as deal_rules
from ...services.rules.money import format_krw
from ..widgets.busy import BusyIndicator
from ..widgets.common import ErrorLabel, title_label
from ..widgets.detail_panel import DetailPanel, info_form
from ..widgets.dialogs import ask_reason
from ..widgets.forms import FieldErrors
from ..widgets.money import MoneyEdit
from ..widgets.notice import NoticeBox
from ..paying.dialog import PaymentDialog
from ..widgets.tables import make_table
from .models import STATE_COLOURS, DealEventModel, format_deadline_kst

A, D = DealAction, DealState

#: the buttons of the panel, in the order they are shown
ACTIONS = (A.ACCEPT, A.REQUEST_PAYMENT, A.PAY, A.REJECT, A.TO_CART, A.FROM_CART)
#: the least height of the scrolling part of the panel (details and 처리 이력), and of the history
BODY_MIN_HEIGHT = 140
EVENTS_MIN_HEIGHT = 110


def allowed_actions(deal: DealView, role: Role) -> list[DealAction]:
    """What `role` may do to the deal now: the §5.3 table, read as the service reads it."""
    return [a for a in ACTIONS
            if deal_rules.ACTORS.get(a) is role and deal_rules.next_state(deal.state, a) is not None]


class StateBadge(QLabel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dealBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_state(self, state: DealState, label: str) -> None:
        fg, bg = STATE_COLOURS[state]
        self.setText(label)
        self.setStyleSheet(
            f"QLabel#dealBadge {{ color: {fg}; background: {bg}; border: 1px solid {fg};"
            " border-radius: 10px; padding: 3px 14px; font-weight: bold; }")
        self.adjustSize()


class PaymentRequestDialog(QDialog):
    """결제요청: the supplier states the amount (VAT included), prefilled with the listed price.

    The service judges the amount; a refusal is shown here and the typed amount stays.
    """

    requested = Signal(object)  # DealView after the payment request
    refused = Signal(object)  # a DomainError that is not about the amount (e.g. the deal expired)

    def __init__(self, ctx, deal: DealView, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.deal = deal
        self.setWindowTitle(self.tr("결제요청"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("수요기업에 결제를 요청할 금액을 입력해 주세요. 부가세(VAT)가 포함된 금액입니다."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.addRow(self.tr("서비스"), QLabel(deal.service_name))
        form.addRow(self.tr("수요기업"), QLabel(deal.company_name))
        form.addRow(self.tr("서비스 등록가"), QLabel(format_krw(deal.list_price)))
        amount_row = QHBoxLayout()
        self.amount_edit = MoneyEdit()
        self.amount_edit.set_value(deal.list_price)
        self.amount_edit.setMinimumWidth(180)
        amount_row.addWidget(self.amount_edit)
        amount_row.addWidget(QLabel(self.tr("원")))
        amount_row.addStretch(1)
        form.addRow(self.tr("결제요청 금액"), amount_row)
        layout.addLayout(form)
        hint = QLabel(self.tr("결제요청 후 수요기업은 요청일로부터 D+2 24:00(한국시간)까지 결제할 수 있고, "
                              "그때까지 결제하지 않으면 거래는 불가 처리됩니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.errors = FieldErrors(self.error, {"amount": self.amount_edit})
        self.busy = BusyIndicator()
        layout.addWidget(self.busy)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("결제요청"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.cancel_button = self.buttons.addButton(self.tr("취소"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.amount_edit.setFocus()
        self.amount_edit.selectAll()

    def submit(self) -> None:
        if self.busy.busy:
            return
        self.errors.clear()
        amount = self.amount_edit.value()
        actor, deals, deal_id = self.ctx.actor, self.ctx.services.deals, self.deal.id
        self.ok_button.setEnabled(False)

        def done(view: DealView) -> None:
            self.accept()
            self.requested.emit(view)

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)
                return
            self.adjustSize()  # room for the message (wrapped labels do not grow a dialog by themselves)
            if getattr(exc, "field", None) != "amount":
                self.refused.emit(exc)

        # the dialog is a child of the panel: the inbox hears the change as its own
        self.ctx.op(lambda: deals.request_payment(actor, deal_id, amount), parent=self) \
            .busy(text=self.tr("결제요청 중…")).success(done).failure(failed) \
            .after(lambda: self.ok_button.setEnabled(True)).run()


def _tr(text: str) -> str:
    return QCoreApplication.translate("DealDetail", text)


def next_step_text(deal: DealView, role: Role) -> tuple[str, str, str]:
    """(title, body, notice kind) saying where the deal stands and what happens next."""
    deadline = format_deadline_kst(deal.deadline_at)
    demand = role is Role.DEMAND
    s = deal.state
    if s is D.CONSULT_REQUESTED:
        if demand:
            return (_tr("공급기업의 응답을 기다리고 있습니다."),
                    _tr("{deadline}까지 공급기업이 수락하거나 반려하지 않으면 불가 처리됩니다.").format(
                        deadline=deadline), "info")
        return (_tr("거래상담 요청에 응답해 주세요."),
                _tr("{deadline}까지 수락하거나 반려하지 않으면 불가 처리됩니다.").format(deadline=deadline), "warning")
    if s is D.ACCEPTED:
        if demand:
            return (_tr("공급기업이 거래를 수락했습니다."), _tr("공급기업이 결제요청을 보내면 결제할 수 있습니다."), "info")
        return (_tr("거래를 수락했습니다."), _tr("협의한 금액으로 결제요청을 보내 주세요."), "info")
    if s in (D.PAYMENT_REQUESTED, D.IN_CART):
        where = _tr("장바구니에 담아 둔 거래입니다. ") if s is D.IN_CART else ""
        if demand:
            return (_tr("결제를 기다리는 거래입니다."),
                    where + _tr("'결제하기' 탭에서 결제할 수 있습니다. {deadline}까지 결제하지 않으면 "
                                "불가 처리됩니다.").format(deadline=deadline), "warning")
        return (_tr("수요기업의 결제를 기다리고 있습니다."),
                where + _tr("{deadline}까지 결제되지 않으면 불가 처리됩니다.").format(deadline=deadline), "info")
    if s is D.REJECTED:
        return _tr("반려된 거래입니다."), _tr("반려 메모: {memo}").format(memo=deal.close_reason or "-"), "danger"
    if s is D.EXPIRED:
        return _tr("불가 처리된 거래입니다."), deal.close_reason or "", "danger"
    if s is D.PAID:
        return _tr("결제가 끝난 거래입니다."), "", "success"
    return _tr("{state} 상태의 거래입니다.").format(state=deal.state_label), deal.close_reason or "", "info"


class DealDetailPanel(DetailPanel):
    """Loads one deal (and its events) in the background and offers the actor's actions."""

    deal_changed = Signal(object)  # DealView after an action of this panel
    refused = Signal(object)  # DomainError: the service refused an action (the deal may have moved on)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(ctx, StateBadge(), parent)
        self.empty_title = self.tr("거래 상세")
        self.placeholder.setText(self.tr("왼쪽 목록에서 거래를 선택하면 내용과 처리 이력이 여기에 표시됩니다."))
        self.role = ctx.actor.role if ctx.actor is not None else None
        self._acting = False
        self.pending_dialog = None  # the open reason / amount dialog (tests answer it)
        self.reject_memo = ""  # a 반려 memo whose action failed: the next 반려 dialog starts with it
        self._build()
        self.clear()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        content = self.content_layout
        self.notice = NoticeBox("info")
        content.addWidget(self.notice)

        actions = QHBoxLayout()
        self.accept_button = QPushButton(self.tr("거래수락"))
        self.accept_button.setObjectName("primary")
        self.payment_button = QPushButton(self.tr("결제요청"))
        self.payment_button.setObjectName("primary")
        self.pay_button = QPushButton(self.tr("결제"))
        self.pay_button.setObjectName("primary")
        self.reject_button = QPushButton(self.tr("반려(메모)"))
        self.reject_button.setObjectName("danger")
        self.to_cart_button = QPushButton(self.tr("장바구니 담기"))
        self.to_cart_button.setObjectName("primary")
        self.from_cart_button = QPushButton(self.tr("장바구니에서 빼기"))
        self.service_button = QPushButton(self.tr("서비스 상세 보기"))
        self.action_buttons = {A.ACCEPT: self.accept_button, A.REQUEST_PAYMENT: self.payment_button,
                               A.PAY: self.pay_button, A.REJECT: self.reject_button, A.TO_CART: self.to_cart_button,
                               A.FROM_CART: self.from_cart_button}
        self.accept_button.clicked.connect(self.accept_deal)
        self.payment_button.clicked.connect(self.request_payment)
        self.pay_button.clicked.connect(self.pay_deal)
        self.reject_button.clicked.connect(self.reject_deal)
        self.to_cart_button.clicked.connect(self.move_to_cart)
        self.from_cart_button.clicked.connect(self.move_from_cart)
        self.service_button.clicked.connect(self.open_service)
        for button in self.action_buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.service_button)
        content.addLayout(actions)

        # what can grow long (memo, dates, the history) scrolls inside the pane: the head, the
        # next step and the buttons stay in view, and the page never grows past the window
        self.body_scroll = QScrollArea()
        self.body_scroll.setObjectName("dealBody")
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # no say in the page's height (its wrapped labels would ask for all their lines): it takes
        # the height the pane has left, at least `BODY_MIN_HEIGHT`
        self.body_scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.body_scroll.setMinimumHeight(BODY_MIN_HEIGHT)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        self.info_form, self.info_labels = info_form((
            ("supplier", self.tr("공급기업")), ("company", self.tr("수요기업")),
            ("memo", self.tr("요청 메모")), ("amount", self.tr("금액")),
            ("deadline", self.tr("응답기한")), ("dates", self.tr("진행")),
            ("closed", self.tr("반려·불가")),
        ))
        self.info_form.setVerticalSpacing(5)
        body_layout.addLayout(self.info_form)

        body_layout.addWidget(title_label(self.tr("처리 이력"), level=2))
        self.events_model = DealEventModel(self)
        self.events_table = make_table(self.events_model, stretch=2)
        self.events_table.setWordWrap(True)
        self.events_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.events_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.events_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.events_table.setMinimumHeight(EVENTS_MIN_HEIGHT)
        body_layout.addWidget(self.events_table, 1)
        self.body_scroll.setWidget(body)
        content.addWidget(self.body_scroll, 1)

    # --- showing -----------------------------------------------------------------------------
    @property
    def deal_id(self) -> uuid.UUID | None:
        return self.shown_id

    def show_deal(self, deal_id: uuid.UUID) -> None:
        """Load the deal and its history in the background; the old one stays until it arrives."""
        self.load(deal_id, self.tr("거래를 불러오는 중…"))

    def fetch(self, deal_id: uuid.UUID):
        actor, deals = self.ctx.actor, self.ctx.services.deals
        return lambda: (deals.get(actor, deal_id), deals.events(actor, deal_id))

    def reload(self) -> None:
        if self.shown_id is not None:
            self.show_deal(self.shown_id)

    def present(self, view: DealView, events=None) -> None:
        self.view = view
        demand = self.role is Role.DEMAND
        self.show_head(view.service_name, self.tr("{other} · 요청 {at}").format(
            other=view.supplier_name if demand else view.company_name, at=format_kst(view.requested_at)))
        self.badge.set_state(view.state, view.state_label)
        title, body, kind = next_step_text(view, self.role)
        self.notice.set_text(title, body, kind)

        labels = self.info_labels
        labels["supplier"].setText(view.supplier_name)
        labels["company"].setText(view.company_name)
        labels["memo"].setText(view.memo or "-")
        if view.amount is not None:
            labels["amount"].setText(self.tr("결제요청 {amount} (서비스 등록가 {price})").format(
                amount=format_krw(view.amount), price=format_krw(view.list_price)))
        else:
            labels["amount"].setText(self.tr("서비스 등록가 {price} (결제요청 전)").format(
                price=format_krw(view.list_price)))
        labels["deadline"].setText(self.tr("{at} (한국시간)").format(at=format_deadline_kst(view.deadline_at))
                                   if view.deadline_at else "-")
        paying = view.state in (D.PAYMENT_REQUESTED, D.IN_CART)
        deadline_title = self.info_form.labelForField(labels["deadline"])
        if deadline_title is not None:  # the buyer pays by then; before that the supplier answers by then
            deadline_title.setText(self.tr("결제기한") if paying else self.tr("응답기한"))
        dates = [self.tr("거래상담 요청 {at}").format(at=format_kst(view.requested_at))]
        if view.accepted_at:
            dates.append(self.tr("거래수락 {at}").format(at=format_kst(view.accepted_at)))
        if view.payment_requested_at:
            dates.append(self.tr("결제요청 {at}").format(at=format_kst(view.payment_requested_at)))
        labels["dates"].setText("\n".join(dates))
        closed = view.state in (D.REJECTED, D.EXPIRED)
        labels["closed"].setText(self.tr("{state} {at}\n{reason}").format(
            state=view.state_label, at=format_kst(view.closed_at), reason=view.close_reason or "")
            .strip() if closed else "")
        self.info_form.setRowVisible(labels["closed"], closed)
        self.info_form.setRowVisible(labels["deadline"], view.deadline_at is not None)
        if events is not None:
            self.events_model.set_rows(events)
        self._update_buttons()

    def _update_buttons(self) -> None:
        allowed = set(allowed_actions(self.view, self.role)) if self.view is not None else set()
        for action, button in self.action_buttons.items():
            button.setVisible(action in allowed)
            button.setEnabled(not self._acting)
        self.service_button.setEnabled(self.view is not None)

    def visible_actions(self) -> list[DealAction]:
        return [a for a, b in self.action_buttons.items() if not b.isHidden()]

    # --- actions -----------------------------------------------------------------------------
    def _act(self, busy_text: str, fn, done_text: str = "", failed=None) -> None:
        if self.view is None or self._acting:
            return
        service = self.view.service_name
        self._acting = True
        self._update_buttons()

        def ended() -> None:
            self._acting = False
            self._update_buttons()

        def done(view: DealView) -> None:
            if done_text:  # the window's feedback bar: the outcome of every action in one place
                self.ctx.show_success(done_text.format(service=service))
            self._after_change(view)

        def refused(exc: BaseException) -> None:
            if failed is not None:
                failed(exc)
            self.show_refusal(exc)

        self.ctx.op(fn, parent=self).busy(text=busy_text).after(ended) \
            .success(done).failure(refused).run()

    def _after_change(self, view: DealView) -> None:
        if view.id == self.shown_id:
            self.present(view)
            self.reload()  # the new event in the history
        self.deal_changed.emit(view)

    def show_refusal(self, exc: BaseException) -> None:
        """The service said no: the window's feedback bar says why (as for every action's failure)
        and the page catches up with the deal."""
        self.ctx.show_failure(exc, self)
        if not isinstance(exc, DomainError):
            return
        self.reload()
        self.refused.emit(exc)

    def accept_deal(self) -> None:
        actor, deals, view = self.ctx.actor, self.ctx.services.deals, self.view
        if view is not None:
            self._act(self.tr("거래를 수락하는 중…"), lambda: deals.accept(actor, view.id),
                      self.tr("'{service}' 거래상담을 수락했습니다. 이제 결제를 요청할 수 있습니다."))

    def reject_deal(self) -> None:
        view = self.view
        if view is None:
            return
        actor, deals = self.ctx.actor, self.ctx.services.deals

        def kept(memo: str):  # a failed 반려 keeps what was typed for the next try
            return lambda _exc: setattr(self, "reject_memo", memo)

        def reject(memo: str) -> None:
            self.reject_memo = ""
            self._act(self.tr("반려하는 중…"), lambda: deals.reject(actor, view.id, memo),
                      self.tr("'{service}' 거래를 반려했습니다."), failed=kept(memo))

        self.pending_dialog = ask_reason(
            self, self.tr("거래 반려"),
            self.tr("'{service}' 거래를 반려합니다. 반려 메모는 수요기업({company})에 그대로 보입니다.").format(
                service=view.service_name, company=view.company_name),
            self.tr("반려"), reject)
        if self.reject_memo:
            self.pending_dialog.edit.setPlainText(self.reject_memo)

    def request_payment(self) -> None:
        if self.view is None:
            return
        dialog = PaymentRequestDialog(self.ctx, self.view, self)
        dialog.requested.connect(lambda view: self.ctx.show_success(self.tr(
            "'{service}' 거래에 {amount} 결제를 요청했습니다.").format(
                service=view.service_name, amount=format_krw(view.amount or 0))))
        dialog.requested.connect(self._after_change)
        dialog.refused.connect(lambda exc: (self.reload(), self.refused.emit(exc)))
        self.pending_dialog = dialog
        dialog.open()

    def pay_deal(self) -> None:
        """결제: the payment window for this deal; the pages hear the payment from the helper."""
        if self.view is None:
            return
        self.pending_dialog = PaymentDialog(self.ctx, [self.view.id], self)
        self.pending_dialog.open()

    def move_to_cart(self) -> None:
        actor, deals, view = self.ctx.actor, self.ctx.services.deals, self.view
        if view is not None:
            self._act(self.tr("장바구니에 담는 중…"), lambda: deals.move_to_cart(actor, view.id),
                      self.tr("'{service}' 거래를 장바구니에 담았습니다."))

    def move_from_cart(self) -> None:
        actor, deals, view = self.ctx.actor, self.ctx.services.deals, self.view
        if view is not None:
            self._act(self.tr("장바구니에서 빼는 중…"), lambda: deals.move_from_cart(actor, view.id),
                      self.tr("'{service}' 거래를 장바구니에서 뺐습니다."))

    def open_service(self) -> None:
        if self.view is not None:
            self.ctx.navigate("service_detail", service_id=self.view.service_id)
