"""결제하기: the payment window for one deal or several ticked ones (SPEC §5.3 multi-pay, §5.4).

First the quote (what would be charged and the budget before → after; a refusal disables 결제하기).
The window makes one idempotency key per deal and a batch key before its first call and keeps
them for every retry of the same attempt: a double click, or pressing 결제하기 again after a lost
answer, reaches the same attempts and can never charge twice. A deal whose attempt failed gets a
fresh key when the user tries again (a new attempt). Then deal by deal: 신한카드 sends the card
(typed once, used for each deal) and asks for the SMS code; 제로페이 sends the password. The
result lists each deal's outcome. Closing with attempts not finished abandons them.

Every call runs through `ctx.op` (the helper broadcasts PAYMENT / DEAL / VOUCHER changes to every
page); the window never calls a service on the GUI thread, and an error keeps what was typed.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from ...enums import PaymentFailure, PaymentMethod, PaymentStatus
from ...services.dto import PaymentQuote, PaymentView
from ...services.errors import DomainError
from ...services.rules.money import format_krw
from ..tasks import error_text
from ..widgets.busy import BusyIndicator
from ..widgets.common import ErrorLabel, title_label
from .results import PaymentResults, outcome_detail, outcome_label
from .steps import CodeStep
from .summary import PayForm

P, F = PaymentStatus, PaymentFailure
#: failures caused by what was typed: the window goes back to the form (the same input would fail
#: for the next deal too); other failures end that deal and the window goes on with the next
INPUT_FAILURES = frozenset({F.WRONG_NUMBER, F.EXPIRED_CARD, F.NOT_THIS_COMPANY, F.WRONG_PASSWORD})
FORM, CODE, DONE = 0, 1, 2


def new_key() -> str:
    return uuid.uuid4().hex


class PaymentDialog(QDialog):
    """The payment window of `deal_ids` (in the order given)."""

    finished_payments = Signal(object)  # tuple[PaymentView, ...]: every deal's outcome

    def __init__(self, ctx, deal_ids, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.deal_ids = list(deal_ids)
        # the keys exist before the first call and stay for every retry of the same attempt
        self.keys: dict[uuid.UUID, str] = {d: new_key() for d in self.deal_ids}
        self.batch_key = new_key()
        self.quote: PaymentQuote | None = None
        self.payments: dict[uuid.UUID, PaymentView] = {}  # the newest view of each deal's attempt
        self.queue: list[uuid.UUID] = []  # deals whose attempt is still to be carried through
        self.setWindowTitle(self.tr("결제하기"))
        self.setMinimumWidth(640)
        self._build()
        self.load_quote()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.heading = title_label(self.tr("결제하기"), 2)
        layout.addWidget(self.heading)
        self.stack = QStackedWidget()
        self.form_page = form_page = PayForm()
        self.summary, self.method_label = form_page.summary, form_page.method_label
        self.card, self.zeropay = form_page.card, form_page.zeropay
        self.code_step = CodeStep(self.ctx.services.clock)
        self.code_step.resend_button.clicked.connect(self.resend)
        self.results = PaymentResults()
        for page in (form_page, self.code_step, self.results):
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        self.note = QLabel()  # the outcome of the deal just finished, while the batch goes on
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.busy = BusyIndicator()
        layout.addWidget(self.busy)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("결제하기"), QDialogButtonBox.ButtonRole.ActionRole)
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)
        self.ok_button.clicked.connect(self.go)
        self.close_button = buttons.addButton(self.tr("취소"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for button in (self.close_button, self.code_step.resend_button):
            button.setAutoDefault(False)
        self.setTabOrder(self.card.number, self.card.expiry)
        self.setTabOrder(self.card.expiry, self.zeropay.password)
        self.setTabOrder(self.zeropay.password, self.code_step.code)
        self.setTabOrder(self.code_step.code, self.code_step.resend_button)
        self.setTabOrder(self.code_step.resend_button, self.ok_button)
        self.setTabOrder(self.ok_button, self.close_button)

    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    @property
    def method(self) -> PaymentMethod | None:
        return self.quote.method if self.quote is not None else None

    # --- the quote ---------------------------------------------------------------------------
    def load_quote(self) -> None:
        actor, payments, ids = self.ctx.actor, self.ctx.services.payments, list(self.deal_ids)
        self.ctx.query(lambda: payments.quote(actor, ids), parent=self, key="quote") \
            .busy(text=self.tr("결제할 내용을 확인하는 중…")).success(self.show_quote) \
            .failure(self._show_error).run()

    def show_quote(self, quote: PaymentQuote) -> None:
        self.quote = quote
        self.form_page.show_quote(quote)
        self.ok_button.setText(self.tr("{total} 결제하기").format(total=format_krw(quote.total)))
        self.ok_button.setEnabled(quote.refusal is None)
        self.adjustSize()

    # --- the one button: 결제하기 / 확인 / 닫기 ----------------------------------------------------
    def go(self) -> None:
        if self.busy.busy:
            return  # a second press while the first is out: the same call is already on its way
        if self.step == FORM:
            self.pay()
        elif self.step == CODE:
            self.confirm()
        else:
            self.accept()

    def _form(self):
        return self.form_page.form_for(self.method)

    def pay(self) -> None:
        if self.quote is None or self.quote.refusal is not None:
            return
        form = self._form()
        form.errors.clear()
        self.error.clear_message()
        problem = form.problem()
        if problem is not None:  # nothing is started (no budget held) for input that cannot be right
            self._mark(form, *problem)
            return
        for deal_id, view in self.payments.items():
            if view.status is P.FAILED:  # trying again is a new attempt: a new key
                self.keys[deal_id] = new_key()
        attempts = [(d, self.keys[d]) for d in self.deal_ids
                    if self.payments.get(d) is None or self.payments[d].status is not P.SUCCEEDED]
        actor, payments, batch_key = self.ctx.actor, self.ctx.services.payments, self.batch_key
        self._run(lambda: payments.start(actor, attempts, batch_key), self._started,
                  self.tr("결제를 준비하는 중…"))

    def _started(self, views) -> None:
        for view in views:
            self.payments[view.deal_id] = view
        self.queue = [v.deal_id for v in views if v.status is P.IN_PROGRESS]
        self._next()

    def _next(self) -> None:
        """Carry the next deal of the batch through its issuer, or show the outcomes."""
        if not self.queue:
            self.show_results()
            return
        view = self.payments[self.queue[0]]
        actor, payments = self.ctx.actor, self.ctx.services.payments
        if self.method is PaymentMethod.SHINHAN_CARD:
            number, expiry = self.card.values()
            self._run(lambda: payments.send_card(actor, view.id, number, expiry), self._card_answer,
                      self.tr("카드사에 결제를 요청하는 중…"))
        else:
            password = self.zeropay.password.text()
            self._run(lambda: payments.pay_zeropay(actor, view.id, password), self._finished_one,
                      self.tr("제로페이에 결제를 요청하는 중…"))

    def _position(self) -> tuple[int, int]:
        todo = [d for d in self.deal_ids if d in self.payments]
        return todo.index(self.queue[0]) + 1, len(todo)

    def _card_answer(self, view: PaymentView) -> None:
        self.payments[view.deal_id] = view
        if view.status is P.IN_PROGRESS and view.code_expires_at is not None:
            self.code_step.show_payment(view, *self._position())
            self._show_step(CODE, self.tr("확인"))
            self.code_step.code.setFocus()
            return
        self._finished_one(view)

    def confirm(self) -> None:
        step = self.code_step
        step.errors.clear()
        problem = step.problem()
        if problem is not None:
            self._mark(step, *problem)
            return
        view, code = self.payments[self.queue[0]], step.code.text()
        actor, payments = self.ctx.actor, self.ctx.services.payments
        self._run(lambda: payments.confirm_code(actor, view.id, code), self._code_answer,
                  self.tr("인증번호를 확인하는 중…"))

    def _code_answer(self, view: PaymentView) -> None:
        self.payments[view.deal_id] = view
        if view.status is P.IN_PROGRESS:  # a wrong code: its message and the tries left
            self.code_step.show_tries(view.tries_left)
            self._mark(self.code_step, "code", view.message or self.tr("인증번호가 맞지 않습니다."))
            return
        self._finished_one(view)

    def resend(self) -> None:
        if self.busy.busy or self.step != CODE or not self.queue:
            return
        view = self.payments[self.queue[0]]
        actor, payments = self.ctx.actor, self.ctx.services.payments

        def sent(answer: PaymentView) -> None:
            self.payments[answer.deal_id] = answer
            if answer.status is not P.IN_PROGRESS:
                self._finished_one(answer)
                return
            self.code_step.show_payment(answer, *self._position())
            self.code_step.sent_label.setText(self.code_step.sent_label.text() + self.tr(" (다시 보냄)"))

        self._run(lambda: payments.resend_code(actor, view.id), sent, self.tr("인증번호를 다시 보내는 중…"))

    def _finished_one(self, view: PaymentView) -> None:
        """One deal's attempt ended (or waits for the issuer): on to the next deal."""
        self.payments[view.deal_id] = view
        if self.queue and self.queue[0] == view.deal_id:
            self.queue.pop(0)
        self.code_step.forget()
        self.note.setText(self.tr("'{service}': {outcome} · {detail}").format(
            service=view.service_name, outcome=outcome_label(view), detail=outcome_detail(view)))
        self.note.show()
        if view.status is P.FAILED and view.failure_code in INPUT_FAILURES:
            form = self._form()  # the same card or password would fail again: back to the form
            field = "password" if self.method is PaymentMethod.ZEROPAY else (
                "expiry" if view.failure_code is F.EXPIRED_CARD else "card_number")
            self._show_step(FORM, self.tr("다시 결제하기"))
            self._mark(form, field, self.tr("'{service}' 결제실패: {reason} 고친 뒤 '다시 결제하기'를 누르면 결제하지 "
                                            "못한 거래를 다시 결제합니다.").format(
                service=view.service_name, reason=view.failure_reason or ""))
            return
        self._next()

    def show_results(self) -> None:
        views = tuple(self.payments[d] for d in self.deal_ids if d in self.payments)
        self.results.show_results(list(views))
        self.note.hide()
        self.card.forget()
        self.zeropay.forget()
        self._show_step(DONE, self.tr("확인"))
        self.close_button.hide()
        self.ok_button.setFocus()
        notice = self.results.notice
        self.ctx.show_notice(notice.title.text(), notice.body.text(), notice.kind)
        self.finished_payments.emit(views)

    def keyPressEvent(self, event) -> None:
        """Enter in a field is the step's own button (결제하기, 확인 for the code), whichever button
        Qt would take as the default; on a focused button Enter presses that button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(self.focusWidget(), QPushButton):
            event.accept()
            if self.ok_button.isEnabled():
                self.go()
            return
        super().keyPressEvent(event)

    # --- plumbing ----------------------------------------------------------------------------
    def _show_step(self, step: int, button_text: str) -> None:
        self.stack.setCurrentIndex(step)
        self.ok_button.setText(button_text)
        self.close_button.setText(self.tr("닫기") if step == DONE else self.tr("취소"))
        self.adjustSize()

    def _mark(self, form, field: str, message: str) -> None:
        form.errors.show(DomainError(message, field=field))
        self.adjustSize()

    def _run(self, fn, done, busy_text: str) -> None:
        self.error.clear_message()
        self.ok_button.setEnabled(False)
        self.ctx.op(fn, parent=self).busy(text=busy_text).success(done).failure(self._failed) \
            .after(lambda: self.ok_button.setEnabled(True)).run()

    def _failed(self, exc: BaseException) -> None:
        """A refusal or a lost answer: said here, everything typed kept; pressing the button again
        repeats the same call with the same keys (nothing is charged twice)."""
        forms = {CODE: self.code_step, FORM: self._form()}
        form = forms.get(self.step)
        field = getattr(exc, "field", None)
        if form is not None and field and field in form.errors.fields:
            form.errors.show(exc)
        elif isinstance(exc, DomainError):
            self._show_error(exc)
            if getattr(exc, "code", None) in ("budget_exceeded", "not_payable"):
                self.load_quote()  # the budget or a deal moved on meanwhile: the quote says so
        else:
            self._show_error(exc)
            self.error.setText(self.error.text() + "\n" + self.tr(
                "다시 누르면 같은 결제를 이어서 진행합니다. 두 번 결제되지 않습니다."))
        self.adjustSize()

    def _show_error(self, exc: BaseException) -> None:
        self.error.show_message(error_text(exc))

    def unfinished(self) -> list[uuid.UUID]:
        return [v.id for v in self.payments.values() if v.status is P.IN_PROGRESS]

    def done(self, result: int) -> None:
        """Closing: not while a call is out (its answer decides the attempt); attempts not
        finished are abandoned in the background; what was typed is forgotten."""
        if self.busy.busy:
            self.error.show_message(self.tr("결제를 처리하는 중입니다. 끝난 뒤에 닫을 수 있습니다."))
            return
        ids = self.unfinished()
        if ids:
            actor, payments = self.ctx.actor, self.ctx.services.payments
            self.ctx.op(lambda: payments.abandon(actor, ids), parent=self.parentWidget()).quiet().run()
        self.queue = []
        self.card.forget()
        self.zeropay.forget()
        self.code_step.forget()
        super().done(result)
