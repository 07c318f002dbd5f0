"""The payment-method choice of 바우처 신청: the two option cards and the confirmation dialog
(ZeroPay also sets its gift-certificate password there)."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import PaymentMethod
from ...services.dto import VoucherView
from ...services.errors import ValidationError
from ...services.rules.korean import particle
from ...services.vouchers import METHOD_LABELS
from ..widgets.common import ErrorLabel, mark_invalid, title_label
from ..widgets.forms import FieldErrors
from ..widgets.notice import NoticeBox

M = PaymentMethod
_PRIMARY = "#1e4e8c"


def method_descriptions(tr) -> dict[PaymentMethod, str]:
    return {
        M.ZEROPAY: tr("모바일 제로페이 상품권으로 받습니다. 신청하면 바로 온라인으로 발급되며, 결제할 때 입력할 "
                      "상품권 비밀번호(숫자 6자리)를 신청할 때 정합니다."),
        M.SHINHAN_CARD: tr("신한카드(체크카드 또는 선불카드)로 결제합니다. 선택한 다음 날부터 카드 발급을 신청할 수 "
                           "있습니다. 개인사업자는 신한카드 홈페이지에서 온라인으로, 법인은 신한은행 지점을 방문해 "
                           "발급받습니다."),
    }


class MethodOption(QFrame):
    """A large selectable card: a radio button with the method's name and a short description."""

    def __init__(self, method: PaymentMethod, description: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.method = method
        self.setObjectName("methodOption")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        self.radio = QRadioButton(self.tr(METHOD_LABELS[method]))
        self.radio.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.description = QLabel(description)
        self.description.setWordWrap(True)
        self.description.setObjectName("hint")
        layout.addWidget(self.radio)
        layout.addWidget(self.description, 1)
        self.setMinimumHeight(130)
        self.radio.toggled.connect(lambda _on: self._restyle())
        self._restyle()

    def mousePressEvent(self, event) -> None:  # the whole card selects, not only the round button
        if self.isEnabled():
            self.radio.setChecked(True)
        super().mousePressEvent(event)

    def _restyle(self) -> None:
        chosen = self.radio.isChecked()
        border, background = (_PRIMARY, "#eef4fb") if chosen else ("#d9e2ec", "white")
        self.setStyleSheet(
            f"QFrame#methodOption {{ background: {background}; border: 2px solid {border}; border-radius: 8px; }}"
            " QFrame#methodOption QLabel, QFrame#methodOption QRadioButton { background: transparent; border: none; }"
            " QFrame#methodOption QRadioButton::indicator { width: 14px; height: 14px; border-radius: 9px;"
            " border: 2px solid #829ab1; background: white; }"
            f" QFrame#methodOption QRadioButton::indicator:checked {{ border: 5px solid {_PRIMARY}; width: 8px;"
            " height: 8px; }")


class PaymentMethodDialog(QDialog):
    """"결제수단은 한 번 선택하면 변경할 수 없습니다" — and for ZeroPay the password, twice.

    Stays open on a refused input (the message under the form, everything typed kept);
    emits `chosen(VoucherView)` and closes when the service accepted the choice.
    """

    chosen = Signal(object)  # VoucherView
    refused = Signal()  # the service refused for another reason than the input (e.g. chosen elsewhere)

    def __init__(self, ctx, method: PaymentMethod, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.method = method
        self.setWindowTitle(self.tr("결제수단 확인"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("결제수단 확인"), 2))
        self.choice_label = QLabel(self.tr("선택한 결제수단: <b>{method}</b>").format(
            method=self.tr(METHOD_LABELS[method])))
        self.choice_label.setStyleSheet("font-size: 12pt;")
        layout.addWidget(self.choice_label)
        self.warning = NoticeBox("warning")
        self.warning.set_text(
            self.tr("결제수단은 한 번 선택하면 변경할 수 없습니다."),
            self.tr("신청한 뒤에는 기업은 물론 운영기관·전문기관도 결제수단을 바꿀 수 없습니다. 바우처는 선택한 "
                    "결제수단({method})으로만 사용할 수 있습니다.").format(method=self.tr(METHOD_LABELS[method])))
        layout.addWidget(self.warning)

        self.password = QLineEdit()
        self.password_confirm = QLineEdit()
        if method is M.ZEROPAY:
            layout.addWidget(title_label(self.tr("제로페이 상품권 비밀번호"), 2))
            hint = QLabel(self.tr("숫자 6자리로 정해 주세요. 같은 숫자나 연속된 숫자(예: 123456)는 쓸 수 없습니다. "
                                  "제로페이로 결제할 때마다 이 비밀번호를 입력합니다."))
            hint.setWordWrap(True)
            hint.setObjectName("hint")
            layout.addWidget(hint)
            form = QFormLayout()
            digits = QRegularExpressionValidator(QRegularExpression(r"\d{0,6}"), self)
            names = ((self.password, "zeropay_password"), (self.password_confirm, "zeropay_password_confirm"))
            for edit, name in names:
                edit.setObjectName(name)
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                edit.setMaxLength(6)
                edit.setValidator(digits)
                edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
                edit.setMaximumWidth(160)
                edit.textEdited.connect(lambda _t, e=edit: mark_invalid(e, False))
            form.addRow(self.tr("비밀번호"), self.password)
            form.addRow(self.tr("비밀번호 확인"), self.password_confirm)
            layout.addLayout(form)
        else:
            note = QLabel(self.tr("카드 발급은 선택한 다음 날부터 신청할 수 있습니다. 발급 방법은 신청 후 이 화면에 "
                                  "안내됩니다."))
            note.setWordWrap(True)
            note.setObjectName("hint")
            layout.addWidget(note)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.errors = FieldErrors(self.error, {"zeropay_password": self.password})

        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("{method}{ro} 신청").format(
            method=self.tr(METHOD_LABELS[method]), ro=particle(self.tr(METHOD_LABELS[method]), "으로")),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.cancel_button = self.buttons.addButton(self.tr("취소"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if method is M.ZEROPAY:
            self.password.setFocus()

    def submit(self) -> None:
        actor = self.ctx.actor
        vouchers = self.ctx.services.vouchers
        method, password, confirm = self.method, self.password.text(), self.password_confirm.text()
        self.errors.clear()
        mark_invalid(self.password_confirm, False)
        self.ok_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.ctx.op(lambda: vouchers.choose_payment_method(
            actor, method, zeropay_password=password, zeropay_password_confirm=confirm), parent=self) \
            .success(self._done).failure(self._failed).run()

    def _done(self, view: VoucherView) -> None:
        self.password.clear()
        self.password_confirm.clear()
        self.accept()
        self.chosen.emit(view)

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        if not self.errors.show(exc):
            self.ctx.show_failure(exc, self)
        elif getattr(exc, "field", None) == "zeropay_password" and len(self.password.text()) == 6 \
                and self.password.text() != self.password_confirm.text():
            # a well-formed password that the confirmation does not repeat: the confirmation is wrong
            mark_invalid(self.password, False)
            mark_invalid(self.password_confirm, True)
            self.password_confirm.setFocus()
            self.password_confirm.selectAll()
        elif not isinstance(exc, ValidationError):
            self.ok_button.setEnabled(False)  # e.g. chosen meanwhile at another desk: nothing to retry
            self.refused.emit()
