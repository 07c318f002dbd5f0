"""Phone verification box (휴대폰 본인인증): name, mobile number, send code, enter code, confirm.

Talks to an `IdentityVerifier` (services.identity): `start(name, phone)` sends a code by SMS,
`confirm(request_id, code)` returns a `VerifiedIdentity`. A real identity provider is network
I/O, so both run in the background (`run(parent, fn, on_done, on_error)`, by default
`run_in_background`); meanwhile the buttons are disabled, name/phone/code are read-only (what
was typed stays) and a busy line shows. Once verified, name and phone are locked (the token
proves exactly those); "다시 인증" unlocks them and forgets the token.
The code itself is never shown here: in the simulator it appears in the SMS panel only.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.errors import DomainError
from ...services.rules.limits import limit
from ...services.rules.numbers import normalize_mobile
from ..tasks import error_text, run_in_background
from .busy import BusyIndicator
from .common import ErrorLabel, mark_invalid

#: run(parent, fn, on_done, on_error): how the box runs identity calls off the GUI thread
Runner = Callable[[QWidget, Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], Any]

log = logging.getLogger(__name__)


class PhoneVerifyBox(QWidget):
    """Name + mobile + code with "인증번호 받기" / "확인"; emits `verified` or `reset`."""

    verified = Signal(object)  # VerifiedIdentity
    reset = Signal()
    code_sent = Signal(str)  # the normalised phone number a code was sent to
    sending = Signal(str)  # a code is about to be sent to this (normalised) phone number

    def __init__(self, identity, parent: QWidget | None = None, *, run: Runner | None = None,
                 name_label: str = "", phone_label: str = "", show_simulator_note: bool = True,
                 label_width: int = 130):
        super().__init__(parent)
        self._identity = identity
        self._run: Runner = run or run_in_background
        self._request_id: str | None = None
        self._pending = ""  # "send" or "confirm" while the identity provider is asked
        self._generation = 0  # start_over() makes answers to earlier requests stale
        self._error_widget: QWidget | None = None
        self._buttons_before = (True, False)  # (send, confirm) enabled before a request
        self._read_only_before = (False, False, False)  # (name, phone, code)
        self.result = None  # VerifiedIdentity once confirmed
        self._show_sim_note = show_simulator_note

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(limit("identity.name"))
        self.name_edit.setPlaceholderText(self.tr("예: 홍길동"))
        self.phone_edit = QLineEdit()
        self.phone_edit.setMaxLength(13)
        self.phone_edit.setPlaceholderText(self.tr("010-1234-5678"))
        self.send_button = QPushButton(self.tr("인증번호 받기"))
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(6)
        self.code_edit.setPlaceholderText(self.tr("숫자 6자리"))
        self.code_edit.setEnabled(False)
        self.confirm_button = QPushButton(self.tr("확인"))
        self.confirm_button.setEnabled(False)
        self.status_label = QLabel()
        self.status_label.setObjectName("hint")
        self.status_label.setWordWrap(True)
        self.sim_note = QLabel(self.tr("(시뮬레이터: 문자함을 확인하세요)"))
        self.sim_note.setObjectName("simBadge")
        self.sim_note.hide()
        self.busy = BusyIndicator()
        self.error = ErrorLabel()

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        grid.addWidget(QLabel(name_label or self.tr("이름")), 0, 0)
        grid.addWidget(self.name_edit, 0, 1)
        grid.addWidget(QLabel(phone_label or self.tr("휴대폰 번호")), 1, 0)
        grid.addWidget(self.phone_edit, 1, 1)
        grid.addWidget(self.send_button, 1, 2)
        grid.addWidget(QLabel(self.tr("인증번호")), 2, 0)
        grid.addWidget(self.code_edit, 2, 1)
        grid.addWidget(self.confirm_button, 2, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, label_width)

        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.sim_note)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addLayout(status_row)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)

        self.send_button.clicked.connect(self._on_send_clicked)
        self.confirm_button.clicked.connect(self.confirm)
        self.code_edit.returnPressed.connect(self.confirm)
        for edit in (self.name_edit, self.phone_edit, self.code_edit):
            edit.textEdited.connect(lambda _t, e=edit: self._edited(e))

    # --- state ------------------------------------------------------------------------------
    @property
    def is_verified(self) -> bool:
        return self.result is not None

    @property
    def pending(self) -> bool:
        """The identity provider is being asked (send or confirm)."""
        return bool(self._pending)

    def token(self) -> str:
        return self.result.token if self.result is not None else ""

    def name(self) -> str:
        return self.name_edit.text().strip()

    def phone(self) -> str:
        return self.phone_edit.text().strip()

    def widget_for(self, field: str | None) -> QWidget | None:
        """The input a service error's `field` points at ('name', 'phone', 'code')."""
        return {"name": self.name_edit, "phone": self.phone_edit, "code": self.code_edit}.get(field or "")

    def focus_target(self) -> QWidget:
        """Where to send the user when verification is missing."""
        if self._request_id is None:
            return self.send_button if self.name() and self.phone() else (
                self.name_edit if not self.name() else self.phone_edit)
        return self.code_edit

    # --- actions ----------------------------------------------------------------------------
    def _on_send_clicked(self) -> None:
        if self.is_verified:
            self.start_over()
        else:
            self.send()

    def send(self) -> None:
        if self._pending:
            return
        self._clear_error()
        for edit in (self.name_edit, self.phone_edit):
            mark_invalid(edit, False)
        name, phone = self.name(), self.phone()
        self.sending.emit(normalize_mobile(phone) or "")
        self._set_pending("send", self.tr("인증번호를 보내고 있습니다…"))
        identity, generation = self._identity, self._generation
        self._run(self, lambda: identity.start(name, phone),
                  lambda request_id: self._sent(generation, request_id, phone),
                  lambda exc: self._send_failed(generation, exc))

    def _sent(self, generation: int, request_id: str, phone: str) -> None:
        self._set_pending("")
        if generation != self._generation:
            return
        self._request_id = request_id
        self.code_edit.clear()
        self.code_edit.setEnabled(True)
        self.confirm_button.setEnabled(True)
        self.send_button.setText(self.tr("인증번호 다시 받기"))
        self.status_label.setText(
            self.tr("{phone}(으)로 인증번호를 보냈습니다. 3분 안에 입력해 주세요.").format(phone=phone))
        self.sim_note.setVisible(self._show_sim_note)
        self.code_edit.setFocus()
        self.code_sent.emit(normalize_mobile(phone) or phone)

    def _send_failed(self, generation: int, exc: BaseException) -> None:
        self._set_pending("")
        if generation != self._generation:
            return
        if isinstance(exc, DomainError):
            self._show_error(exc.message, self.widget_for(exc.field))
        else:  # logged by the background helper
            self._show_error(error_text(exc), None)

    def confirm(self) -> None:
        if self.is_verified or self._pending:
            return
        self._clear_error()
        mark_invalid(self.code_edit, False)
        if self._request_id is None:
            self._show_error(self.tr("먼저 '인증번호 받기'를 눌러 인증번호를 받아 주세요."), self.send_button)
            return
        code = self.code_edit.text().strip()
        if not code:
            self._show_error(self.tr("문자로 받은 인증번호 6자리를 입력해 주세요."), self.code_edit)
            return
        self._set_pending("confirm", self.tr("인증번호를 확인하고 있습니다…"))
        identity, request_id, generation = self._identity, self._request_id, self._generation
        self._run(self, lambda: identity.confirm(request_id, code),
                  lambda result: self._confirmed(generation, result),
                  lambda exc: self._confirm_failed(generation, exc))

    def _confirmed(self, generation: int, result) -> None:
        self._set_pending("")
        if generation != self._generation:
            return
        self.result = result
        self._request_id = None
        self.code_edit.clear()
        self.name_edit.setReadOnly(True)
        self.phone_edit.setReadOnly(True)
        self.phone_edit.setText(result.phone)
        self.code_edit.setEnabled(False)
        self.confirm_button.setEnabled(False)
        self.send_button.setText(self.tr("다시 인증"))
        self.sim_note.hide()
        self.status_label.setObjectName("hintOk")
        self.status_label.setText(self.tr("✔ 본인인증이 완료되었습니다. ({name}, {phone})").format(
            name=result.name, phone=result.phone))
        self._repolish(self.status_label)
        self.verified.emit(result)

    def _confirm_failed(self, generation: int, exc: BaseException) -> None:
        self._set_pending("")
        if generation != self._generation:
            return
        if isinstance(exc, DomainError):
            self._show_error(exc.message, self.code_edit)
        else:  # logged by the background helper
            self._show_error(error_text(exc), None)

    def expire(self, message: str) -> None:
        """The service no longer accepts the verification (too old): ask for a new one."""
        self.start_over()
        self.error.show_message(message)

    def start_over(self) -> None:
        """Forget the verification so name or phone can be changed (then verify again)."""
        self._generation += 1
        self._set_pending("")
        self.result = None
        self._request_id = None
        self.name_edit.setReadOnly(False)
        self.phone_edit.setReadOnly(False)
        self.code_edit.clear()
        self.code_edit.setEnabled(False)
        self.confirm_button.setEnabled(False)
        self.send_button.setText(self.tr("인증번호 받기"))
        self.status_label.setObjectName("hint")
        self.status_label.setText(self.tr("이름과 휴대폰 번호를 확인한 뒤 인증번호를 다시 받아 주세요."))
        self._repolish(self.status_label)
        self._clear_error()
        self.name_edit.setFocus()
        self.reset.emit()

    # --- helpers ----------------------------------------------------------------------------
    def _set_pending(self, what: str, text: str = "") -> None:
        """While the provider is asked: buttons off, inputs read-only (kept), a busy line."""
        if bool(what) == bool(self._pending):
            self._pending = what
            return
        self._pending = what
        if what:
            self._buttons_before = (self.send_button.isEnabled(), self.confirm_button.isEnabled())
            self._read_only_before = tuple(e.isReadOnly() for e in (self.name_edit, self.phone_edit, self.code_edit))
            self.send_button.setEnabled(False)
            self.confirm_button.setEnabled(False)
            for edit in (self.name_edit, self.phone_edit, self.code_edit):
                edit.setReadOnly(True)
            self.busy.start(text)
        else:
            self.send_button.setEnabled(self._buttons_before[0])
            self.confirm_button.setEnabled(self._buttons_before[1])
            for edit, read_only in zip((self.name_edit, self.phone_edit, self.code_edit), self._read_only_before):
                edit.setReadOnly(read_only)
            self.busy.stop()

    def _edited(self, edit: QLineEdit) -> None:
        """The user changed `edit`: drop its mark, and the message if it was about it."""
        mark_invalid(edit, False)
        if edit is self._error_widget:
            self._clear_error()

    def _clear_error(self) -> None:
        self.error.clear_message()
        self._error_widget = None

    def _show_error(self, message: str, widget: QWidget | None) -> None:
        self.error.show_message(message)
        self._error_widget = widget
        if widget is not None:
            mark_invalid(widget, True)
            widget.setFocus()

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
