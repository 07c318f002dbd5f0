"""Phone verification box (휴대폰 본인인증): name, mobile number, send code, enter code, confirm.

Talks to an `IdentityVerifier` (services.identity): `start(name, phone)` sends a code by SMS,
`confirm(request_id, code)` returns a `VerifiedIdentity`. Once verified, name and phone are
locked (the token proves exactly those); "다시 인증" unlocks them and forgets the token.
The code itself is never shown here: in the simulator it appears in the SMS panel only.
"""

from __future__ import annotations

import logging

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
from ...services.rules.numbers import normalize_mobile
from ..tasks import error_text
from .common import ErrorLabel, mark_invalid

log = logging.getLogger(__name__)


class PhoneVerifyBox(QWidget):
    """Name + mobile + code with "인증번호 받기" / "확인"; emits `verified` or `reset`."""

    verified = Signal(object)  # VerifiedIdentity
    reset = Signal()
    code_sent = Signal(str)  # the normalised phone number a code was sent to

    def __init__(self, identity, parent: QWidget | None = None, *, name_label: str = "",
                 phone_label: str = "", show_simulator_note: bool = True, label_width: int = 130):
        super().__init__(parent)
        self._identity = identity
        self._request_id: str | None = None
        self.result = None  # VerifiedIdentity once confirmed
        self._show_sim_note = show_simulator_note

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(50)
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
        layout.addWidget(self.error)

        self.send_button.clicked.connect(self._on_send_clicked)
        self.confirm_button.clicked.connect(self.confirm)
        self.code_edit.returnPressed.connect(self.confirm)
        for edit in (self.name_edit, self.phone_edit, self.code_edit):
            edit.textEdited.connect(lambda _t, e=edit: mark_invalid(e, False))

    # --- state ------------------------------------------------------------------------------
    @property
    def is_verified(self) -> bool:
        return self.result is not None

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
        self.error.clear_message()
        for edit in (self.name_edit, self.phone_edit):
            mark_invalid(edit, False)
        try:
            request_id = self._identity.start(self.name(), self.phone())
        except DomainError as exc:
            self._show_error(exc.message, self.widget_for(exc.field))
            return
        except Exception as exc:  # noqa: BLE001 - shown, logged
            log.exception("identity.start failed")
            self._show_error(error_text(exc), None)
            return
        self._request_id = request_id
        self.code_edit.clear()
        self.code_edit.setEnabled(True)
        self.confirm_button.setEnabled(True)
        self.send_button.setText(self.tr("인증번호 다시 받기"))
        self.status_label.setText(
            self.tr("{phone}(으)로 인증번호를 보냈습니다. 3분 안에 입력해 주세요.").format(phone=self.phone()))
        self.sim_note.setVisible(self._show_sim_note)
        self.code_edit.setFocus()
        self.code_sent.emit(normalize_mobile(self.phone()) or self.phone())

    def confirm(self) -> None:
        if self.is_verified:
            return
        self.error.clear_message()
        mark_invalid(self.code_edit, False)
        if self._request_id is None:
            self._show_error(self.tr("먼저 '인증번호 받기'를 눌러 인증번호를 받아 주세요."), self.send_button)
            return
        code = self.code_edit.text().strip()
        if not code:
            self._show_error(self.tr("문자로 받은 인증번호 6자리를 입력해 주세요."), self.code_edit)
            return
        try:
            result = self._identity.confirm(self._request_id, code)
        except DomainError as exc:
            self._show_error(exc.message, self.code_edit)
            return
        except Exception as exc:  # noqa: BLE001
            log.exception("identity.confirm failed")
            self._show_error(error_text(exc), None)
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

    def expire(self, message: str) -> None:
        """The service no longer accepts the verification (too old): ask for a new one."""
        self.start_over()
        self.error.show_message(message)

    def start_over(self) -> None:
        """Forget the verification so name or phone can be changed (then verify again)."""
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
        self.error.clear_message()
        self.name_edit.setFocus()
        self.reset.emit()

    # --- helpers ----------------------------------------------------------------------------
    def _show_error(self, message: str, widget: QWidget | None) -> None:
        self.error.show_message(message)
        if widget is not None:
            mark_invalid(widget, True)
            widget.setFocus()

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
