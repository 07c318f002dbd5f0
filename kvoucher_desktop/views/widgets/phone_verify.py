"""Phone verification box (휴대폰 본인인증): name, mobile number, send code, enter code, confirm.

Talks to an `IdentityVerifier` (services.identity): `start(name, phone)` sends a code by SMS,
`confirm(request_id, code)` returns a `VerifiedIdentity`. A real identity provider is network
I/O, so both run in the background as queries of the helper (`ctx.query` when the box is given
a context, else `tasks.query`), under one key so "다시 인증" overtakes an answer still out;
meanwhile the buttons are disabled, name/phone/code are read-only (what was typed stays) and the
run shows the box's busy line. What is enabled follows from the state (`_update_controls`).
Once verified, name and phone are locked (the token proves exactly those); "다시 인증" unlocks
them and forgets the token. The inputs are laid out by `PhoneVerifyFields`.
The code itself is never shown here: in the simulator it appears in the SMS panel only.

Enter in the code field means 확인 (and in the phone field 인증번호 받기); the key goes no further,
so a dialog's default button (a wizard's 다음) is not pressed with it. While a code is out, an
m:ss countdown (widgets/countdown.py) shows how long it stays valid: the provider says when it
expires (`expires_at(request_id)`, asked in the same background call as `start`) and the injected
clock says how long is left, read every second; only at 0:00 does the box say the code has expired.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
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
from ..tasks import error_text, overtake, query
from .busy import BusyIndicator
from .common import ErrorLabel, mark_invalid
from .countdown import CodeCountdown

#: the key of the box's identity calls (start_over overtakes an answer still out)
IDENTITY_KEY = "identity"

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

log = logging.getLogger(__name__)


class PhoneVerifyFields(QWidget):
    """The box's inputs laid out: name, mobile with 인증번호 받기, code with its countdown and 확인,
    and the status line (with the simulator's note). What they do is the box's business."""

    def __init__(self, clock=None, name_label: str = "", phone_label: str = "", label_width: int = 130,
                 parent: QWidget | None = None):
        super().__init__(parent)
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
        self.confirm_button = QPushButton(self.tr("확인"))
        self.countdown_label = CodeCountdown(clock)  # services.clock: how long the sent code stays valid
        self.status_label = QLabel()
        self.status_label.setObjectName("hint")
        self.status_label.setWordWrap(True)
        self.sim_note = QLabel(self.tr("(시뮬레이터: 문자함을 확인하세요)"))
        self.sim_note.setObjectName("simBadge")
        self.sim_note.hide()

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
        code_row = QHBoxLayout()
        code_row.setContentsMargins(0, 0, 0, 0)
        code_row.addWidget(self.code_edit, 1)
        code_row.addWidget(self.countdown_label)
        grid.addLayout(code_row, 2, 1)
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


class PhoneVerifyBox(QWidget):
    """Name + mobile + code with "인증번호 받기" / "확인"; emits `verified` or `reset`."""

    verified = Signal(object)  # VerifiedIdentity
    reset = Signal()
    code_sent = Signal(str)  # the normalised phone number a code was sent to
    sending = Signal(str)  # a code is about to be sent to this (normalised) phone number

    def __init__(self, identity, parent: QWidget | None = None, *, ctx=None,
                 name_label: str = "", phone_label: str = "", show_simulator_note: bool = True,
                 label_width: int = 130, clock=None):
        super().__init__(parent)
        self._identity = identity
        self._ctx = ctx  # views.context.ViewContext: runs the identity calls (None: tasks.query)
        self._request_id: str | None = None
        self._pending = ""  # "send" or "confirm" while the identity provider is asked
        self._error_widget: QWidget | None = None
        self.result = None  # VerifiedIdentity once confirmed
        self._show_sim_note = show_simulator_note

        self.fields = PhoneVerifyFields(clock, name_label, phone_label, label_width)
        f = self.fields  # the inputs, named as the pages and tests know them
        self.name_edit, self.phone_edit, self.code_edit = f.name_edit, f.phone_edit, f.code_edit
        self.send_button, self.confirm_button = f.send_button, f.confirm_button
        self.countdown_label, self.status_label, self.sim_note = f.countdown_label, f.status_label, f.sim_note
        self.countdown_label.expired.connect(self._code_expired)
        self.busy = BusyIndicator()
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.fields)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)

        self.send_button.clicked.connect(self._on_send_clicked)
        self.confirm_button.clicked.connect(self.confirm)
        self.code_edit.installEventFilter(self)  # Enter: 확인, and nothing else
        self.phone_edit.installEventFilter(self)  # Enter: 인증번호 받기
        for edit in (self.name_edit, self.phone_edit, self.code_edit):
            edit.textEdited.connect(lambda _t, e=edit: self._edited(e))
        self._update_controls()

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

    def seconds_left(self) -> float | None:
        """Seconds the sent code is still valid for (None: no code out, or no expiry known)."""
        return None if self._request_id is None else self.countdown_label.seconds_left()

    def code_expired(self) -> bool:
        left = self.seconds_left()
        return left is not None and left <= 0

    # --- keys ---------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and event.key() in _ENTER_KEYS:
            if watched is self.code_edit:
                self.confirm()
                return True
            if watched is self.phone_edit and not self.is_verified:
                if self.send_button.isEnabled():
                    self.send()
                return True
        return super().eventFilter(watched, event)

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
        identity = self._identity

        def work():
            request_id = identity.start(name, phone)
            expires = getattr(identity, "expires_at", None)
            return request_id, (expires(request_id) if expires is not None else None)

        self._ask("send", work, lambda sent: self._sent(sent, phone), self._send_failed,
                  self.tr("인증번호를 보내고 있습니다…"))

    def _sent(self, sent: tuple[str, datetime | None], phone: str) -> None:
        self._request_id, expires_at = sent
        self.code_edit.clear()
        self._update_controls()
        self.send_button.setText(self.tr("인증번호 다시 받기"))
        self.status_label.setText(
            self.tr("{phone}(으)로 인증번호를 보냈습니다. 3분 안에 입력해 주세요.").format(phone=phone))
        self.sim_note.setVisible(self._show_sim_note)
        self.countdown_label.start(expires_at)  # a provider that does not say: the text says 3분
        self.code_edit.setFocus()
        self.code_sent.emit(normalize_mobile(phone) or phone)

    def _send_failed(self, exc: BaseException) -> None:
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
        if self.code_expired():
            self.countdown_label.tick()  # says so
            return
        code = self.code_edit.text().strip()
        if not code:
            self._show_error(self.tr("문자로 받은 인증번호 6자리를 입력해 주세요."), self.code_edit)
            return
        identity, request_id = self._identity, self._request_id
        self._ask("confirm", lambda: identity.confirm(request_id, code), self._confirmed, self._confirm_failed,
                  self.tr("인증번호를 확인하고 있습니다…"))

    def _confirmed(self, result) -> None:
        self.result = result
        self._request_id = None
        self.countdown_label.stop()
        self.code_edit.clear()
        self.phone_edit.setText(result.phone)
        self._update_controls()
        self.send_button.setText(self.tr("다시 인증"))
        self.sim_note.hide()
        self.status_label.setObjectName("hintOk")
        self.status_label.setText(self.tr("✔ 본인인증이 완료되었습니다. ({name}, {phone})").format(
            name=result.name, phone=result.phone))
        self._repolish(self.status_label)
        self.verified.emit(result)

    def _confirm_failed(self, exc: BaseException) -> None:
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
        overtake(self, IDENTITY_KEY)  # an answer to an earlier request is not shown any more
        self._pending = ""
        self.result = None
        self._request_id = None
        self.countdown_label.stop()
        self.code_edit.clear()
        self._update_controls()
        self.send_button.setText(self.tr("인증번호 받기"))
        self.status_label.setObjectName("hint")
        self.status_label.setText(self.tr("이름과 휴대폰 번호를 확인한 뒤 인증번호를 다시 받아 주세요."))
        self._repolish(self.status_label)
        self._clear_error()
        self.name_edit.setFocus()
        self.reset.emit()

    # --- the code's validity -------------------------------------------------------------------
    def _code_expired(self) -> None:
        """The countdown reached 0:00: the code is gone; a new one is to be asked for."""
        self._request_id = None
        self._update_controls()
        self.sim_note.hide()
        self.status_label.setText(self.tr(
            "인증번호 유효시간이 지났습니다. '인증번호 다시 받기'를 눌러 새 인증번호를 받아 주세요."))

    # --- helpers ----------------------------------------------------------------------------
    def _ask(self, what: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
             on_failed: Callable[[BaseException], None], busy_text: str) -> None:
        """Ask the identity provider off the GUI thread (`what`: "send" or "confirm"); the run
        shows the busy line; only the newest answer is delivered (start_over drops one still out)."""
        self._pending = what
        self._update_controls()

        def answered(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def call(value: Any) -> None:
                self._pending = ""
                self._update_controls()
                callback(value)
            return call

        run = self._ctx.query(fn, parent=self, key=IDENTITY_KEY) if self._ctx is not None \
            else query(fn, parent=self, key=IDENTITY_KEY)
        run.busy(text=busy_text).success(answered(on_done)).failure(answered(on_failed)).run()

    def _update_controls(self) -> None:
        """What may be pressed and typed follows from the state: while the provider is asked,
        no button and only reading (what was typed stays); once verified, name and phone stay."""
        asking, verified, code_out = bool(self._pending), self.is_verified, self._request_id is not None
        self.send_button.setEnabled(not asking)
        self.code_edit.setEnabled(code_out and not verified)
        self.confirm_button.setEnabled(code_out and not verified and not asking)
        self.name_edit.setReadOnly(asking or verified)
        self.phone_edit.setReadOnly(asking or verified)
        self.code_edit.setReadOnly(asking)

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
