"""What 바우처 신청 asks of the issuers after the choice: the Shinhan card as issued (shown once) and
ZeroPay's gift-certificate password for a company whose password ZeroPay does not hold."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...services.dto import IssuedCardView, VoucherView
from ..widgets.busy import BusyIndicator
from ..widgets.common import ErrorLabel, mark_invalid, title_label
from ..widgets.forms import FieldErrors
from ..widgets.notice import NoticeBox


def card_groups(number: str) -> str:
    """A card number in groups of four: 1234 5678 9012 3456."""
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


class CardIssuedDialog(QDialog):
    """The voucher card as the issuer handed it over: its number in groups of four and its expiry,
    shown now only (as the physical card would be); the app keeps no copy of the number."""

    def __init__(self, card: IssuedCardView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("바우처 카드 발급"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("신한카드 바우처 카드가 발급되었습니다"), 2))
        form = QFormLayout()
        self.number_label = QLabel(card_groups(card.number))
        self.number_label.setStyleSheet("font-size: 16pt; font-weight: bold; letter-spacing: 1px;")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.expiry_label = QLabel(card.expiry)
        self.expiry_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        form.addRow(self.tr("카드번호"), self.number_label)
        form.addRow(self.tr("유효기간 (MM/YY)"), self.expiry_label)
        layout.addLayout(form)
        self.note = NoticeBox("warning")
        self.note.set_text(
            self.tr("카드번호는 지금 한 번만 보여 드립니다."),
            self.tr("실물 카드를 받은 것처럼 카드번호와 유효기간을 안전하게 보관해 주세요. 이 프로그램은 카드번호를 "
                    "저장하지 않고 끝 네 자리({masked})만 기억합니다. 결제할 때 카드번호와 유효기간을 입력합니다.")
            .format(masked=card.masked))
        layout.addWidget(self.note)
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton(self.tr("확인했습니다"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setObjectName("primary")
        self.close_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def done(self, result: int) -> None:
        self.number_label.clear()  # nothing of the number stays behind in the window
        self.expiry_label.clear()
        super().done(result)


class ZeroPayPasswordDialog(QDialog):
    """상품권 비밀번호 설정: six digits, twice; ZeroPay keeps it (services.vouchers)."""

    password_set = Signal(object)  # VoucherView

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("상품권 비밀번호 설정"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("제로페이로 결제할 때 입력할 상품권 비밀번호(숫자 6자리)를 정해 주세요. 같은 숫자나 연속된 "
                              "숫자(예: 123456)는 쓸 수 없습니다. 비밀번호는 제로페이가 보관합니다."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        digits = QRegularExpressionValidator(QRegularExpression(r"[0-9０-９]{0,6}"), self)
        self.password, self.confirm = QLineEdit(), QLineEdit()
        for edit in (self.password, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(6)
            edit.setValidator(digits)
            edit.setMaximumWidth(160)
            edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
            edit.textEdited.connect(lambda _t, e=edit: mark_invalid(e, False))
        form.addRow(self.tr("비밀번호"), self.password)
        form.addRow(self.tr("비밀번호 확인"), self.confirm)
        layout.addLayout(form)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.errors = FieldErrors(self.error, {"zeropay_password": self.password, "password": self.password})
        self.busy = BusyIndicator()
        layout.addWidget(self.busy)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("설정"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.cancel_button = buttons.addButton(self.tr("취소"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password.setFocus()

    def submit(self) -> None:
        if self.busy.busy:
            return
        self.errors.clear()
        actor, vouchers = self.ctx.actor, self.ctx.services.vouchers
        password, confirm = self.password.text(), self.confirm.text()
        self.ok_button.setEnabled(False)

        def done(view: VoucherView) -> None:
            self.password.clear()
            self.confirm.clear()
            self.accept()
            self.password_set.emit(view)

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: vouchers.set_zeropay_password(actor, password, confirm), parent=self) \
            .busy(text=self.tr("비밀번호를 설정하는 중…")).success(done).failure(failed) \
            .after(lambda: self.ok_button.setEnabled(True)).run()
