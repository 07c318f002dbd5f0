"""Step 5 — 담당자 정보: the company's contact person and the payment manager (결제 담당자)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGroupBox,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from ...enums import IssuerType
from ...services.rules.limits import limit
from ...services.signup import SignupForm
from ..widgets.phone_verify import PhoneVerifyBox
from .base import StepPage, add_row, form_layout, hint
from .sim_inbox import SimInbox


class ManagersPage(StepPage):
    step = "managers"

    def __init__(self, ctx, form: SignupForm, parent=None):
        super().__init__(ctx, form, parent)
        self.set_heading(self.tr("담당자 정보"),
                         self.tr("바우처 업무를 맡을 담당자와 결제 담당자를 입력해 주세요."))
        self._typed: tuple[str, str] | None = None  # what the user typed before a lock filled the fields
        self._locked_by: str = ""  # "", "representative" or "identity"

        # 수요기업 담당자
        self.same_check = QCheckBox(self.tr("대표자와 동일"))
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(limit("company.manager_name"))
        self.name_edit.setPlaceholderText(self.tr("예: 홍길동"))
        self.phone_edit = QLineEdit()
        self.phone_edit.setMaxLength(13)
        self.phone_edit.setPlaceholderText(self.tr("010-1234-5678"))
        self.email_edit = QLineEdit()
        self.email_edit.setMaxLength(limit("company.manager_email"))
        self.email_edit.setPlaceholderText(self.tr("name@company.co.kr"))
        self.manager_hint = hint()
        manager_box = QGroupBox(self.tr("수요기업 담당자"))
        manager_layout = QVBoxLayout(manager_box)
        manager_layout.addWidget(self.same_check)
        manager_form = form_layout()
        add_row(manager_form, self.tr("담당자 이름 *"), self.name_edit)
        add_row(manager_form, self.tr("담당자 휴대폰 *"), self.phone_edit)
        add_row(manager_form, self.tr("담당자 이메일 *"), self.email_edit)
        manager_layout.addLayout(manager_form)
        manager_layout.addWidget(self.manager_hint)

        # 결제 담당자
        self.payment_same_radio = QRadioButton(self.tr("대표자와 동일"))
        self.payment_other_radio = QRadioButton(self.tr("다른 사람이 결제 담당"))
        self.payment_group = QButtonGroup(self)
        self.payment_group.addButton(self.payment_same_radio)
        self.payment_group.addButton(self.payment_other_radio)
        self.payment_same_radio.setChecked(True)
        self.payment_verify = PhoneVerifyBox(
            ctx.services.identity, ctx=ctx, name_label=self.tr("결제 담당자 이름"),
            phone_label=self.tr("결제 담당자 휴대폰"), clock=ctx.services.clock)
        self.payment_verify.setVisible(False)
        self.payment_inbox = SimInbox()
        self.payment_inbox.setVisible(False)
        payment_box = QGroupBox(self.tr("결제 담당자"))
        payment_layout = QVBoxLayout(payment_box)
        payment_layout.addWidget(hint(self.tr(
            "대표자를 대신하여 결제를 담당하는 분이 있으면 그분의 휴대폰을 추가로 인증합니다.")))
        payment_layout.addWidget(self.payment_same_radio)
        payment_layout.addWidget(self.payment_other_radio)
        payment_layout.addWidget(self.payment_verify)
        payment_layout.addWidget(self.payment_inbox)

        self.body_layout.addWidget(manager_box)
        self.body_layout.addWidget(payment_box)
        self.body_layout.addStretch(1)

        self.bind("manager_name", self.name_edit)
        self.bind("manager_phone", self.phone_edit)
        self.bind("manager_email", self.email_edit)
        self.bind("payment_manager_name", self.payment_verify.name_edit)
        self.bind("payment_manager_phone", self.payment_verify.phone_edit)
        self.bind("payment_manager_verify", self.payment_verify.code_edit)
        self.same_check.toggled.connect(self._apply_lock)
        self.payment_other_radio.toggled.connect(self.payment_verify.setVisible)
        self.payment_other_radio.toggled.connect(self.payment_inbox.setVisible)
        self.payment_verify.verified.connect(lambda _r: self.clear_errors())
        self.payment_verify.sending.connect(self.payment_inbox.watch)
        self.payment_verify.code_sent.connect(lambda _phone: self.reveal(self.payment_inbox))

    def widget_for(self, field):
        if field == "payment_manager_verify":
            return self.payment_verify.focus_target()
        return super().widget_for(field)

    def show_error(self, message: str, field: str | None = None) -> None:
        if field == "payment_manager_verify" and self.payment_verify.is_verified:
            if self.form.payment_manager_token != self.payment_verify.token():
                self.start_check()  # refused what was checked before this verification finished
                return
            self.payment_verify.expire(self.tr("결제 담당자 인증 유효시간이 지났습니다. 다시 인증해 주세요."))
        super().show_error(message, field)

    # --- locking name/phone to the representative or the verified staff member ---------------
    def _apply_lock(self) -> None:
        f = self.form
        if f.issuer_type is IssuerType.STAFF:
            source, values = "identity", (f.identity_name, f.identity_phone)
        elif self.same_check.isChecked():
            source, values = "representative", (f.representative_name, f.representative_phone)
        else:
            source, values = "", None
        if source and not self._locked_by:
            self._typed = (self.name_edit.text(), self.phone_edit.text())
        if values is not None:
            self.name_edit.setText(values[0])
            self.phone_edit.setText(values[1])
        elif self._locked_by and self._typed is not None:
            self.name_edit.setText(self._typed[0])
            self.phone_edit.setText(self._typed[1])
            self._typed = None
        self._locked_by = source
        for edit in (self.name_edit, self.phone_edit):
            edit.setReadOnly(bool(source))
        if source == "identity":
            self.manager_hint.setText(self.tr(
                "담당자(임직원)로 본인인증을 하셨으므로, 담당자는 본인인증한 분({name})으로 입력됩니다.").format(
                name=f.identity_name))
        elif source == "representative":
            self.manager_hint.setText(self.tr("대표자 정보({name})로 입력됩니다.").format(name=f.representative_name))
        else:
            self.manager_hint.setText(self.tr("휴대폰 번호는 010-XXXX-XXXX 형식으로 입력해 주세요."))

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        staff = self.form.issuer_type is IssuerType.STAFF
        if staff and self.same_check.isChecked():
            self.same_check.blockSignals(True)
            self.same_check.setChecked(False)
            self.same_check.blockSignals(False)
        self.same_check.setEnabled(not staff)
        self.same_check.setToolTip(
            self.tr("담당자(임직원)로 본인인증한 경우 담당자는 본인인증한 분입니다.") if staff else "")
        self._apply_lock()

    def save(self, form: SignupForm) -> None:
        form.manager_same_as_representative = self.same_check.isChecked()
        form.manager_name = self.name_edit.text()
        form.manager_phone = self.phone_edit.text()
        form.manager_email = self.email_edit.text()
        other = self.payment_other_radio.isChecked()
        form.payment_same_as_representative = not other
        form.payment_manager_name = self.payment_verify.name() if other else ""
        form.payment_manager_phone = self.payment_verify.phone() if other else ""
        form.payment_manager_token = self.payment_verify.token() if other else ""
