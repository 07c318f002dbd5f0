"""The demand-company signup wizard (회원가입, SPEC §8 and manual chapter II).

`SignupWizard(ctx, parent)` walks seven pages; each page's Next fills the shared
`SignupForm` and runs `services.signup.check_step` in the background. "가입 신청" submits in
the background too (`ctx.op`); on success the wizard emits `signed_up(actor)`, tells the
user the company is now 심사중, and closes. Errors are shown on the page that owns the field,
with everything typed kept. No service is called on the GUI thread: the programme settings
and the operators are read in the background when the wizard opens.

With the simulated SMS gateway the wizard shows what it "sent" in its own clearly labelled
"시뮬레이터 — 문자 수신함" boxes (the main window's simulator panel may be hidden behind this
window-modal wizard); it listens to the gateway from when it opens until it closes.
"""

from __future__ import annotations

import copy
import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QFrame, QLabel, QMessageBox, QVBoxLayout, QWidget, QWizard

from ...enums import ScreeningStatus
from ...services.dto import Actor
from ...services.errors import DomainError
from ...services.rules.screening import STATUS_LABELS
from ...services.signup import SignupForm
from ..widgets.dialogs import tell
from .account import AccountPage
from .base import StepPage
from .company import CompanyPage
from .documents import DocumentsPage, FileChooser
from .identity import IdentityPage
from .managers import ManagersPage
from .operator import OperatorPage
from .sim_inbox import SMS_INBOX_STYLE
from .terms import TermsPage

log = logging.getLogger(__name__)

#: additions to the application style sheet for the wizard's own widgets
WIZARD_STYLE = """
QLabel#notice { background: #fffbeb; border: 1px solid #fcd34d; border-radius: 4px; padding: 8px 10px; color: #78350f; }
QLabel#hintOk { color: #15803d; }
QLabel#hintError { color: #b91c1c; }
QLabel#rowError { color: #b91c1c; }
QLabel#fileName { color: #102a43; font-weight: bold; }
QLabel#docLabel { font-weight: bold; color: #243b53; }
QLabel#tagRequired { color: #b91c1c; border: 1px solid #fca5a5; border-radius: 8px; padding: 0px 7px; font-size: 9pt; }
QLabel#tagOptional { color: #52606d; border: 1px solid #cbd2d9; border-radius: 8px; padding: 0px 7px; font-size: 9pt; }
QFrame#docRow { background: white; border: 1px solid #d9e2ec; border-radius: 6px; }
QPushButton#danger:disabled { color: #9aa5b1; border-color: #d9e2ec; }
QFrame#docRow[invalid="true"] { border: 2px solid #dc2626; background: #fff5f5; }
QTableView[invalid="true"], QRadioButton[invalid="true"], QPushButton[invalid="true"] { border: 2px solid #dc2626; }
QWidget#pageBody, QScrollArea#pageScroll { background: transparent; }
QFrame#stepList { background: #e9eef5; border-right: 1px solid #d9e2ec; }
QFrame#stepList QLabel { padding: 6px 10px; border-radius: 4px; }
QLabel#stepCurrent { background: white; color: #1e4e8c; font-weight: bold; border: 1px solid #bcccdc; }
QLabel#stepDone { color: #15803d; }
QLabel#stepTodo { color: #7b8794; }
""" + SMS_INBOX_STYLE


class _SmsRelay(QObject):
    """Carries a simulated SMS from the (worker) thread that sent it to the GUI thread."""

    arrived = Signal(object)


class StepList(QFrame):
    """The seven steps down the left side, the current one highlighted."""

    def __init__(self, titles: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stepList")
        self.setFixedWidth(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 14, 8, 14)
        layout.setSpacing(4)
        heading = QLabel(self.tr("회원가입 단계"))
        heading.setObjectName("sectionTitle")
        layout.addWidget(heading)
        self.labels = []
        for i, title in enumerate(titles, start=1):
            label = QLabel(f"{i}. {title}")
            self.labels.append(label)
            layout.addWidget(label)
        layout.addStretch(1)

    def set_current(self, index: int) -> None:
        for i, label in enumerate(self.labels):
            name = "stepCurrent" if i == index else ("stepDone" if i < index else "stepTodo")
            if label.objectName() != name:
                label.setObjectName(name)
                label.style().unpolish(label)
                label.style().polish(label)


class SignupWizard(QWizard):
    """수요기업 회원가입. Emits `signed_up(Actor)` after a successful submission, then closes."""

    signed_up = Signal(object)
    #: a verification code was sent to this phone (the main window may show its simulator panel)
    code_sent = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None, *, choose_file: FileChooser | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.form = SignupForm()
        self.actor: Actor | None = None
        self.busy = False
        self.confirm_cancel = True
        self.done_box = None
        self.cancel_box = None
        self.closed = False  # once closed, late background results are ignored
        self.programme_year: int | None = None
        self._sms = None
        self._sms_listener = None

        self.setWindowTitle(self.tr("수요기업 회원가입"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setTitleFormat(Qt.TextFormat.RichText)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("다음 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 이전"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("취소"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("가입 신청"))
        self.button(QWizard.WizardButton.FinishButton).setObjectName("primary")
        self.button(QWizard.WizardButton.NextButton).setObjectName("primary")
        self.setStyleSheet(WIZARD_STYLE)

        self.terms_page = TermsPage(ctx, self.form)
        self.identity_page = IdentityPage(ctx, self.form)
        self.company_page = CompanyPage(ctx, self.form)
        self.documents_page = DocumentsPage(ctx, self.form, choose_file=choose_file)
        self.managers_page = ManagersPage(ctx, self.form)
        self.operator_page = OperatorPage(ctx, self.form)
        self.account_page = AccountPage(ctx, self.form)
        self.step_pages: list[StepPage] = [
            self.terms_page, self.identity_page, self.company_page, self.documents_page,
            self.managers_page, self.operator_page, self.account_page,
        ]
        self.page_ids: dict[int, int] = {}  # id(page) -> wizard page id
        for page in self.step_pages:
            self.page_ids[id(page)] = self.addPage(page)
        self.account_page.submit_requested.connect(self.submit)
        self.identity_page.verify.code_sent.connect(self.code_sent)
        self.managers_page.payment_verify.code_sent.connect(self.code_sent)
        self._listen_to_sms(ctx.services.sms)

        self.steps = StepList([p.step_title for p in self.step_pages])
        self.setSideWidget(self.steps)
        self.currentIdChanged.connect(self._page_changed)
        self._page_changed(self.currentId())
        self.resize(860, 640)
        self.setMinimumSize(780, 560)
        self._load()

    # --- what the pages need from the services (read once, in the background) -----------------
    def _load(self) -> None:
        programme = self.ctx.services.programme
        self.ctx.query(programme.settings, parent=self).quiet() \
            .success(self._settings_loaded).failure(self._settings_failed).run()
        self.operator_page.load()

    def _settings_loaded(self, settings) -> None:
        if self.closed:
            return
        self.programme_year = settings.year
        for page in self.step_pages:
            page.programme_loaded(settings.year)

    def _settings_failed(self, exc: BaseException) -> None:
        # only notices and the issue-year choices need it; the step checks tell the truth
        log.error("programme settings unavailable: %r", exc)

    # --- the simulator's SMS, shown inside the wizard ------------------------------------------
    def _listen_to_sms(self, sms) -> None:
        inboxes = (self.identity_page.inbox, self.managers_page.payment_inbox)
        # a real SMS gateway, or a programme server that serves no simulated SMS: nothing to show here
        if not hasattr(sms, "subscribe") or getattr(sms, "available", None) is False:
            for inbox in inboxes:
                inbox.set_available(False)
            return
        relay = _SmsRelay()  # parentless, kept alive by the listener until unsubscribed

        def listener(msg, relay=relay) -> None:  # called on the thread that sent the SMS
            relay.arrived.emit(msg)

        for inbox in inboxes:
            relay.arrived.connect(inbox.add, Qt.ConnectionType.QueuedConnection)
        self._sms, self._sms_listener, self._sms_relay = sms, listener, relay
        sms.subscribe(listener)
        self.destroyed.connect(lambda *_a, sms=sms, listener=listener: sms.unsubscribe(listener))

    def _stop_listening(self) -> None:
        if self._sms is not None and self._sms_listener is not None:
            self._sms.unsubscribe(self._sms_listener)
        self._sms_listener = None

    # --- navigation ---------------------------------------------------------------------------
    def _page_changed(self, page_id: int) -> None:
        page = self.page(page_id)
        index = self.step_pages.index(page) if page in self.step_pages else 0
        self.steps.set_current(index)

    def page_id(self, page: StepPage) -> int:
        return self.page_ids[id(page)]

    def go_to(self, page: StepPage) -> None:
        """Go back to `page` (never forward); every page keeps its widgets and values."""
        target = self.page_id(page)
        while self.currentId() > target:
            self.back()

    # --- submission ---------------------------------------------------------------------------
    def submit(self) -> None:
        if self.busy:
            return
        form = copy.copy(self.form)
        form.documents = dict(self.form.documents)
        self._set_busy(True)
        service = self.ctx.services.signup
        self.ctx.op(lambda: service.submit(form), parent=self).quiet() \
            .success(self._submitted).failure(self._submit_failed).run()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.FinishButton,
                      QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)
        self.button(QWizard.WizardButton.FinishButton).setText(
            self.tr("신청 중…") if busy else self.tr("가입 신청"))
        self.account_page.set_busy(busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _submitted(self, actor: Actor) -> None:
        self._set_busy(False)
        if self.closed:
            return
        self.actor = actor
        name = self.form.name.strip()
        op = self.operator_page.selected_operator()
        self.signed_up.emit(actor)
        self.done_box = tell(
            self.parentWidget(),
            self.tr("가입 신청 완료"),
            self.tr("회원가입 신청이 접수되었습니다.\n\n"
                    "{name}의 현재 상태는 '{status}'입니다. {op}에서 심사한 결과는 "
                    "'기업정보관리 > 심사 및 예산확인'에서 확인할 수 있습니다.").format(
                name=name, status=STATUS_LABELS[ScreeningStatus.REVIEWING],
                op=op.name if op else self.tr("운영기관")),
        )
        self.accept()

    def _submit_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if self.closed:
            return
        field = exc.field if isinstance(exc, DomainError) else None
        owner = next((p for p in self.step_pages if p.owns(field)), self.account_page)
        self.go_to(owner)
        owner.show_exception(exc)

    def validateCurrentPage(self) -> bool:  # noqa: N802 - Qt API
        # QWizard.done(Accepted) validates the current page again; once submitted, the account
        # check would now find its own login id taken, so the submission's success is final.
        if self.actor is not None:
            return True
        return super().validateCurrentPage()

    # --- closing ------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        super().done(result)
        code = getattr(result, "value", result)
        if code == QDialog.DialogCode.Rejected.value or self.actor is not None:
            self.closed = True
            self._stop_listening()

    def has_input(self) -> bool:
        return self.currentId() > self.page_id(self.terms_page) or self.form.agree_terms or \
            self.terms_page.terms_check.isChecked() or self.terms_page.privacy_check.isChecked()

    def reject(self) -> None:
        if self.busy:
            return
        if self.confirm_cancel and self.has_input() and self.actor is None:
            self._ask_cancel()
            return
        super().reject()

    def _ask_cancel(self) -> None:
        # Our own box, kept and reused: a self-deleting box whose callback holds the wizard
        # could end up deleting the wizard from inside its own destructor.
        if self.cancel_box is None:
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle(self.tr("회원가입 취소"))
            box.setText(self.tr("입력한 내용은 저장되지 않습니다. 회원가입을 그만두시겠습니까?"))
            box.yes_button = box.addButton(self.tr("그만두기"), QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton(self.tr("계속 작성"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.setEscapeButton(keep)
            box.buttonClicked.connect(self._cancel_answered)
            self.cancel_box = box
        self.cancel_box.open()

    def _cancel_answered(self, button) -> None:
        if button is self.cancel_box.yes_button:
            self.confirm_cancel = False
            self.reject()
