"""The inputs of the payment window: the card (number and expiry), the SMS code step, the ZeroPay
password. They build, check the shape of what is typed and show; the window calls the services.

Nothing typed here is stored or logged: the card number, the expiry, the code and the password
live in their fields while the window is open and are cleared when it closes.
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...services.dto import PaymentView
from ...services.rules.money import format_krw
from ..widgets.common import ErrorLabel, mark_invalid
from ..widgets.countdown import CodeCountdown
from ..widgets.forms import FieldErrors

_SENSITIVE = Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText


def _digits(text: str) -> str:
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", text))


def _secret_edit(name: str, length: int, placeholder: str = "", password: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(length)
    edit.setPlaceholderText(placeholder)
    edit.setInputMethodHints(_SENSITIVE)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.textEdited.connect(lambda _t: mark_invalid(edit, False))
    return edit


class CardForm(QWidget):
    """신한카드: the company's card (masked), its number (16 digits, spaces or hyphens allowed) and
    유효기간 MM/YY. Typed once per window and used for each deal of the batch."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.card_label = QLabel()
        self.card_label.setObjectName("hint")
        self.card_label.setWordWrap(True)
        layout.addWidget(self.card_label)
        form = QFormLayout()
        self.number = _secret_edit("card_number", 23, self.tr("카드번호 16자리 (예: 1234-5678-1234-5678)"))
        self.number.setMinimumWidth(260)
        self.expiry = _secret_edit("expiry", 5, self.tr("MM/YY"))
        self.expiry.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9０-９]{0,2}/?[0-9０-９]{0,2}"), self))
        self.expiry.setMaximumWidth(90)
        form.addRow(self.tr("카드번호"), self.number)
        form.addRow(self.tr("유효기간"), self.expiry)
        layout.addLayout(form)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.errors = FieldErrors(self.error, {"card_number": self.number, "expiry": self.expiry})

    def set_card(self, masked: str | None) -> None:
        self.card_label.setText(
            self.tr("바우처 카드 {card}의 카드번호와 유효기간을 입력해 주세요. 카드번호는 결제에만 쓰이고 저장되지 "
                    "않습니다.").format(card=masked) if masked else
            self.tr("바우처 카드의 카드번호와 유효기간을 입력해 주세요."))

    def problem(self) -> tuple[str, str] | None:
        """(field, Korean message) when what is typed cannot be a card number or expiry."""
        digits = _digits(self.number.text())
        if not (len(digits) == 16 and digits.isdigit()):
            return "card_number", self.tr("카드번호 16자리를 숫자로 입력해 주세요.")
        if not re.fullmatch(r"(0[1-9]|1[0-2])/?\d{2}", unicodedata.normalize("NFKC", self.expiry.text().strip())):
            return "expiry", self.tr("유효기간을 MM/YY 형식으로 입력해 주세요. 예: 03/31")
        return None

    def values(self) -> tuple[str, str]:
        expiry = unicodedata.normalize("NFKC", self.expiry.text().strip())
        if "/" not in expiry and len(expiry) == 4:
            expiry = f"{expiry[:2]}/{expiry[2:]}"
        return self.number.text(), expiry

    def forget(self) -> None:
        self.number.clear()
        self.expiry.clear()


class ZeroPayForm(QWidget):
    """제로페이: the gift-certificate password (6 digits, masked)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(self.tr("바우처를 신청할 때 정한 제로페이 상품권 비밀번호(숫자 6자리)를 입력해 주세요. "
                              "5번 틀리면 30분 동안 제로페이 결제가 잠깁니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.password = _secret_edit("password", 6, password=True)
        self.password.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9０-９]{0,6}"), self))
        self.password.setMaximumWidth(160)
        form.addRow(self.tr("상품권 비밀번호"), self.password)
        layout.addLayout(form)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.errors = FieldErrors(self.error, {"password": self.password})

    def problem(self) -> tuple[str, str] | None:
        text = unicodedata.normalize("NFKC", self.password.text())
        if not (len(text) == 6 and text.isdigit()):
            return "password", self.tr("제로페이 상품권 비밀번호 6자리를 입력해 주세요.")
        return None

    def forget(self) -> None:
        self.password.clear()


class CodeStep(QWidget):
    """The SMS code of one card payment: which deal ("2건 중 1번째"), the phone it went to, the
    code field, m:ss left (the services' clock), the tries left and 인증번호 재전송."""

    def __init__(self, clock, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.progress = QLabel()
        self.progress.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.progress)
        self.deal_label = QLabel()
        self.deal_label.setWordWrap(True)
        layout.addWidget(self.deal_label)
        self.sent_label = QLabel()
        self.sent_label.setObjectName("hint")
        self.sent_label.setWordWrap(True)
        layout.addWidget(self.sent_label)
        row = QHBoxLayout()
        self.code = _secret_edit("code", 6, self.tr("인증번호 6자리"))
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9０-９]{0,6}"), self))
        self.code.setMaximumWidth(150)
        self.countdown = CodeCountdown(clock)
        self.countdown.setStyleSheet("color: #b91c1c; font-weight: bold;")
        self.tries_label = QLabel()
        self.tries_label.setObjectName("hint")
        self.resend_button = QPushButton(self.tr("인증번호 재전송"))
        row.addWidget(QLabel(self.tr("인증번호")))
        row.addWidget(self.code)
        row.addWidget(self.countdown)
        row.addWidget(self.tries_label)
        row.addStretch(1)
        row.addWidget(self.resend_button)
        layout.addLayout(row)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.errors = FieldErrors(self.error, {"code": self.code})
        self.countdown.expired.connect(lambda: self.error.show_message(self.tr(
            "인증번호 유효시간(3분)이 지났습니다. '인증번호 재전송'을 눌러 새 인증번호를 받아 주세요.")))

    def show_payment(self, view: PaymentView, position: int, count: int) -> None:
        """A code was (re)sent for `view`, the `position`-th of `count` deals."""
        self.progress.setText(self.tr("{count}건 중 {n}번째 결제").format(count=count, n=position))
        self.deal_label.setText(self.tr("{service} · {supplier} · {amount}").format(
            service=view.service_name, supplier=view.supplier_name, amount=format_krw(view.amount)))
        self.sent_label.setText(self.tr("결제 담당자 휴대전화({phone})로 인증번호를 보냈습니다. 3분 안에 입력해 주세요.")
                                .format(phone=view.phone_masked or "-"))
        self.countdown.start(view.code_expires_at)
        self.show_tries(view.tries_left)
        self.errors.clear()
        self.code.clear()
        self.code.setFocus()

    def show_tries(self, tries_left: int | None) -> None:
        self.tries_label.setText(self.tr("남은 입력 횟수 {n}회").format(n=tries_left) if tries_left is not None else "")

    def problem(self) -> tuple[str, str] | None:
        text = unicodedata.normalize("NFKC", self.code.text())
        if not (len(text) == 6 and text.isdigit()):
            return "code", self.tr("문자로 받은 인증번호 6자리를 입력해 주세요.")
        return None

    def forget(self) -> None:
        self.countdown.stop()
        self.code.clear()
