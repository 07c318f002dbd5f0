"""Step 2 — 본인인증: who applies (대표자 / 담당자(임직원)) and phone verification.

Below the verification, with the simulated SMS gateway, the "시뮬레이터 — 문자 수신함" box
shows the messages sent to the phone being verified (see sim_inbox)."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QGroupBox, QHBoxLayout, QRadioButton, QVBoxLayout

from ...enums import IssuerType
from ...services.signup import SignupForm
from ..widgets.phone_verify import PhoneVerifyBox
from .base import StepPage, hint, notice
from .sim_inbox import SimInbox


class IdentityPage(StepPage):
    step = "identity"

    def __init__(self, ctx, form: SignupForm, parent=None):
        super().__init__(ctx, form, parent)
        self.set_heading(self.tr("본인인증"),
                         self.tr("바우처 발급자를 선택하고 휴대폰으로 본인인증을 해 주세요."))

        issuer_box = QGroupBox(self.tr("바우처 발급자 구분"))
        self.representative_radio = QRadioButton(self.tr("대표자"))
        self.staff_radio = QRadioButton(self.tr("담당자(임직원)"))
        self.issuer_group = QButtonGroup(self)
        self.issuer_group.addButton(self.representative_radio)
        self.issuer_group.addButton(self.staff_radio)
        self.representative_radio.setChecked(True)
        radios = QHBoxLayout()
        radios.addWidget(self.representative_radio)
        radios.addSpacing(24)
        radios.addWidget(self.staff_radio)
        radios.addStretch(1)
        self.staff_note = notice(self.tr(
            "담당자(임직원)가 본인인증을 하는 경우, 제출서류에 '4대보험 사업장 가입자 명부'가 추가로 필요합니다."))
        issuer_layout = QVBoxLayout(issuer_box)
        issuer_layout.addLayout(radios)
        issuer_layout.addWidget(hint(self.tr(
            "본인인증은 대표자 또는 담당자(임직원)가 진행할 수 있습니다.")))
        issuer_layout.addWidget(self.staff_note)

        verify_box = QGroupBox(self.tr("휴대폰 본인인증"))
        self.verify = PhoneVerifyBox(ctx.services.identity, ctx=ctx, name_label=self.tr("이름"),
                                     phone_label=self.tr("휴대폰 번호"), clock=ctx.services.clock)
        verify_layout = QVBoxLayout(verify_box)
        verify_layout.addWidget(self.verify)
        self.who_hint = hint()
        verify_layout.addWidget(self.who_hint)

        self.inbox = SimInbox()

        self.body_layout.addWidget(issuer_box)
        self.body_layout.addWidget(verify_box)
        self.body_layout.addWidget(self.inbox)
        self.body_layout.addStretch(1)

        self.bind("identity", self.verify.code_edit)
        self.bind("name", self.verify.name_edit)
        self.bind("phone", self.verify.phone_edit)
        self.staff_radio.toggled.connect(self._issuer_changed)
        self.verify.verified.connect(lambda _r: self.clear_errors())
        self.verify.sending.connect(self.inbox.watch)
        self.verify.code_sent.connect(lambda _phone: self.reveal(self.inbox))
        self._issuer_changed()

    def issuer_type(self) -> IssuerType:
        return IssuerType.STAFF if self.staff_radio.isChecked() else IssuerType.REPRESENTATIVE

    def _issuer_changed(self) -> None:
        staff = self.staff_radio.isChecked()
        self.staff_note.setVisible(staff)
        self.who_hint.setText(
            self.tr("담당자(임직원) 본인의 이름과 휴대폰 번호로 인증해 주세요.") if staff
            else self.tr("대표자 본인의 이름과 휴대폰 번호로 인증해 주세요."))

    def widget_for(self, field):
        if field == "identity":
            return self.verify.focus_target()
        return super().widget_for(field)

    def show_error(self, message: str, field: str | None = None) -> None:
        if field == "identity" and self.verify.is_verified:
            if self.form.identity_token != self.verify.token():
                # the refusal is about what was checked before this verification finished
                # (Next pressed while the code was being confirmed): check what there is now
                self.start_check()
                return
            # verified here, refused by the service for this very token: it has expired
            self.verify.expire(self.tr("본인인증 유효시간이 지났습니다. 인증번호를 다시 받아 인증해 주세요."))
        super().show_error(message, field)

    def save(self, form: SignupForm) -> None:
        form.issuer_type = self.issuer_type()
        result = self.verify.result
        form.identity_token = result.token if result else ""
        form.identity_name = result.name if result else self.verify.name()
        form.identity_phone = result.phone if result else self.verify.phone()
