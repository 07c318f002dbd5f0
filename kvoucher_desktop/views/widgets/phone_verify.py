"""Phone verification box (휴대폰 본인인증): name, mobile number, send code, enter code, confirm.

Talks to an `IdentityVerifier` (services.identity): `start(name, phone)` sends a code by SMS,
`confirm(request_id, code)` returns a `VerifiedIdentity`. A real identity provider is network
I/O, so both run in the background (`run(parent, fn, on_done, on_error, busy_text=, key=)`, by
default `tasks.query`; "다시 인증" overtakes an answer still out); meanwhile the buttons are disabled, name/phone/code are read-only (what
was typed stays) and a busy line shows. Once verified, name and phone are locked (the token
proves exactly those); "다시 인증" unlocks them and forgets the token.
The code itself is never shown here: in the simulator it appears in the SMS panel only.

Enter in the code field means 확인 (and in the phone field 인증번호 받기); the key goes no further,
so a dialog's default button (a wizard's 다음) is not pressed with it. While a code is out, an
m:ss countdown shows how long it stays valid: the provider says when it expires
(`expires_at(request_id)`, asked in the same background call as `start`) and the injected clock
says how long is left, read every second; only at 0:00 does the box say the code has expired.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
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

#: run(parent, fn, on_done, on_error, *, busy_text, key): how the box runs identity calls off the GUI
#: thread, with the box's busy line and only the newest answer of `key` delivered
Runner = Callable[..., Any]

#: the key of the box's identity calls (start_over overtakes an answer still out)
IDENTITY_KEY = "identity"


def run_query(parent: QWidget, fn: Callable[[], Any], on_done: Callable[[Any], None],
              on_error: Callable[[BaseException], None], *, busy_text: str | None = None, key=None):
    """The default runner: a query of the background helper."""
    run = query(fn, parent=parent, key=key)
    run = run.busy(text=busy_text) if busy_text is not None else run.quiet()
    return run.success(on_done).failure(on_error).run()

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def format_remaining(seconds: float) -> str:
    """m:ss of a non-negative number of seconds, rounded up (2:59.4 left shows 3:00 → 2:59 next)."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"

log = logging.getLogger(__name__)


class PhoneVerifyBox(QWidget):
    """Name + mobile + code with "인증번호 받기" / "확인"; emits `verified` or `reset`."""

    verified = Signal(object)  # VerifiedIdentity
    reset = Signal()
    code_sent = Signal(str)  # the normalised phone number a code was sent to
    sending = Signal(str)  # a code is about to be sent to this (normalised) phone number

    def __init__(self, identity, parent: QWidget | None = None, *, run: Runner | None = None,
                 name_label: str = "", phone_label: str = "", show_simulator_note: bool = True,
                 label_width: int = 130, clock=None):
        super().__init__(parent)
        self._identity = identity
        self._clock = clock  # services.clock: how long the sent code stays valid
        self._expires_at: datetime | None = None
        self._run: Runner = run or run_query
        self._request_id: str | None = None
        self._pending = ""  # "send" or "confirm" while the identity provider is asked
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
        self.countdown_label = QLabel()
        self.countdown_label.setObjectName("countdown")
        self.countdown_label.setToolTip(self.tr("인증번호 남은 유효시간"))
        self.countdown_label.hide()
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
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
        layout.addWidget(self.busy)
        layout.addWidget(self.error)

        self.send_button.clicked.connect(self._on_send_clicked)
        self.confirm_button.clicked.connect(self.confirm)
        self.code_edit.installEventFilter(self)  # Enter: 확인, and nothing else
        self.phone_edit.installEventFilter(self)  # Enter: 인증번호 받기
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

    def seconds_left(self) -> float | None:
        """Seconds the sent code is still valid for (None: no code out, or no expiry known)."""
        if self._request_id is None or self._expires_at is None or self._clock is None:
            return None
        return max(0.0, (self._expires_at - self._clock.now()).total_seconds())

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
        self._set_pending("send")
        identity = self._identity

        def work():
            request_id = identity.start(name, phone)
            expires = getattr(identity, "expires_at", None)
            return request_id, (expires(request_id) if expires is not None else None)

        self._run(self, work, lambda sent: self._sent(sent, phone), self._send_failed,
                  busy_text=self.tr("인증번호를 보내고 있습니다…"), key=IDENTITY_KEY)

    def _sent(self, sent: tuple[str, datetime | None], phone: str) -> None:
        self._set_pending("")
        self._request_id, self._expires_at = sent
        self.code_edit.clear()
        self.code_edit.setEnabled(True)
        self.confirm_button.setEnabled(True)
        self.send_button.setText(self.tr("인증번호 다시 받기"))
        self.status_label.setText(
            self.tr("{phone}(으)로 인증번호를 보냈습니다. 3분 안에 입력해 주세요.").format(phone=phone))
        self.sim_note.setVisible(self._show_sim_note)
        self._start_countdown()
        self.code_edit.setFocus()
        self.code_sent.emit(normalize_mobile(phone) or phone)

    def _send_failed(self, exc: BaseException) -> None:
        self._set_pending("")
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
            self._tick()
            return
        code = self.code_edit.text().strip()
        if not code:
            self._show_error(self.tr("문자로 받은 인증번호 6자리를 입력해 주세요."), self.code_edit)
            return
        self._set_pending("confirm")
        identity, request_id = self._identity, self._request_id
        self._run(self, lambda: identity.confirm(request_id, code), self._confirmed, self._confirm_failed,
                  busy_text=self.tr("인증번호를 확인하고 있습니다…"), key=IDENTITY_KEY)

    def _confirmed(self, result) -> None:
        self._set_pending("")
        self.result = result
        self._request_id = None
        self._stop_countdown()
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

    def _confirm_failed(self, exc: BaseException) -> None:
        self._set_pending("")
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
        self._set_pending("")
        self.result = None
        self._request_id = None
        self._stop_countdown()
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

    # --- countdown --------------------------------------------------------------------------
    def _start_countdown(self) -> None:
        if self.seconds_left() is None:  # a provider that does not say: the text says 3분
            self._stop_countdown()
            return
        self.countdown_label.show()
        self._countdown.start()
        self._tick()

    def _stop_countdown(self) -> None:
        self._countdown.stop()
        self.countdown_label.hide()
        self.countdown_label.clear()

    def _tick(self) -> None:
        """Show what is left of the code's validity; at 0:00 say that it has expired."""
        left = self.seconds_left()
        if left is None:
            self._stop_countdown()
            return
        self.countdown_label.setText(format_remaining(left))
        if left > 0:
            return
        self._countdown.stop()
        self._request_id = None
        self.code_edit.setEnabled(False)
        self.confirm_button.setEnabled(False)
        self._buttons_before = (self._buttons_before[0], False)
        self.sim_note.hide()
        self.status_label.setText(self.tr(
            "인증번호 유효시간이 지났습니다. '인증번호 다시 받기'를 눌러 새 인증번호를 받아 주세요."))

    # --- helpers ----------------------------------------------------------------------------
    def _set_pending(self, what: str) -> None:
        """While the provider is asked: buttons off, inputs read-only (kept); the run shows the
        busy line."""
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
        else:
            self.send_button.setEnabled(self._buttons_before[0])
            self.confirm_button.setEnabled(self._buttons_before[1])
            for edit, read_only in zip((self.name_edit, self.phone_edit, self.code_edit), self._read_only_before):
                edit.setReadOnly(read_only)

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
