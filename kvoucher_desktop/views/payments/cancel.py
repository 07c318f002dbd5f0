"""결제취소 of one payment: the buyer answers yes or no (on the KST day of the payment), the
supplier and the agency type the reason the buyer will read.

The dialog makes the cancellation's idempotency key when it opens, before the first call, and
sends the same key on every retry (a time-out, a lost answer, a second click): the issuer cancels
once. A refusal or an error is shown inside the dialog, which stays open with what was typed.
"""

from __future__ import annotations

import uuid
from typing import Callable

from PySide6.QtWidgets import QWidget

from ...enums import PaymentStatus, Role
from ...services.clock import format_kst
from ...services.dto import PaymentView
from ...services.rules.limits import CANCEL_REASON_LIMIT
from ...services.rules.money import format_krw
from ..tasks import error_text
from ..widgets.dialogs import ReasonDialog


class CancelPaymentDialog(ReasonDialog):
    """Asks for the cancellation (and, but for the buyer, its reason), then cancels through `ctx.op`."""

    def __init__(self, ctx, payment: PaymentView, on_done: Callable[[PaymentView], None],
                 parent: QWidget | None = None):
        self.needs_reason = ctx.actor is not None and ctx.actor.role is not Role.DEMAND
        what = self.tr("{service} · {company} · {amount} · {at} 결제 (승인번호 {no})").format(
            service=payment.service_name,
            company=payment.supplier_name if not self.needs_reason else payment.company_name,
            amount=format_krw(payment.amount), at=format_kst(payment.approved_at or payment.created_at),
            no=payment.approval_no or "-")
        if self.needs_reason:
            prompt = self.tr("이 결제를 취소합니다. 수요기업의 예산이 돌아가고 거래는 결제취소가 됩니다.\n{what}\n"
                             "취소 사유를 입력해 주세요. 수요기업에 그대로 보입니다.").format(what=what)
            ok_text = self.tr("결제 취소")
        else:
            prompt = self.tr("이 결제를 취소할까요? 예산이 돌아가고 거래는 결제취소가 됩니다.\n{what}").format(what=what)
            ok_text = self.tr("예, 취소합니다")
        super().__init__(self.tr("결제 취소"), prompt, ok_text, parent,
                         max_length=CANCEL_REASON_LIMIT if self.needs_reason else None)
        self.cancel_button.setText(self.tr("아니요") if not self.needs_reason else self.tr("닫기"))
        if not self.needs_reason:  # the buyer's yes/no: Enter alone keeps the payment
            self.ok_button.setAutoDefault(False)
            self.ok_button.setDefault(False)
            self.cancel_button.setDefault(True)
        self.edit.setVisible(self.needs_reason)
        if self.needs_reason:
            self.edit.setPlaceholderText(self.tr("예: 서비스 제공 일정이 맞지 않아 취소합니다."))
        self.ctx, self.payment, self.on_done = ctx, payment, on_done
        #: made before the first call and sent again on every retry: one cancellation, whatever happens
        self.cancel_key = uuid.uuid4().hex
        self.busy = None  # the op's busy line: the buttons are disabled instead
        self.tries = 0

    def _try_accept(self) -> None:
        if self.needs_reason and not self.reason():
            super()._try_accept()  # the reason dialog's own message, and the dialog stays open
            return
        self.error.clear_message()
        self._set_working(True)
        self.tries += 1
        actor, payments = self.ctx.actor, self.ctx.services.payments
        payment_id, key, reason = self.payment.id, self.cancel_key, self.reason() if self.needs_reason else ""
        self.ctx.clear_failure()
        self.ctx.op(lambda: payments.cancel(actor, payment_id, key, reason), parent=self) \
            .success(self._cancelled).failure(self._failed).after(lambda: self._set_working(False)).run()

    def _set_working(self, working: bool) -> None:
        self.ok_button.setEnabled(not working)
        self.cancel_button.setEnabled(not working)
        self.edit.setReadOnly(working)

    def _cancelled(self, view: PaymentView) -> None:
        if view.status is not PaymentStatus.CANCELLED and not view.cancel_pending:
            self.error.show_message(view.message or self.tr("취소되지 않았습니다. 다시 시도해 주세요."))
            return
        self.accept()
        self.on_done(view)

    def _failed(self, exc: BaseException) -> None:
        """Shown here, the dialog stays open: 다시 누르면 같은 취소 요청 식별값으로 다시 묻습니다."""
        self.error.show_message(error_text(exc))
