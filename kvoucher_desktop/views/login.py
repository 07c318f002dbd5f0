"""Login dialog: Argon2id check and lockout happen in the service, off the GUI thread.

The dialog keeps its minimum width and fits its height to what it says: an error or the
lockout notice wraps in its label and the dialog grows (and shrinks back) to show all of it,
never squeezing the fields."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
)

from .. import settings
from .widgets.common import ErrorLabel, title_label
from .widgets.dialogs import FitsItsText


class LoginDialog(FitsItsText, QDialog):
    logged_in = Signal(object)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("로그인"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        # not SetMinimumSize: that would replace the minimum width with the layout's (309 px)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetDefaultConstraint)
        layout.addWidget(title_label(self.tr("K-비대면 바우처 플랫폼 로그인")))
        hint = QLabel(self.tr("공급기업·운영기관·전문기관 계정은 전문기관이 발급합니다. "
                              "수요기업은 회원가입 후 이용하세요."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.login_id = QLineEdit()
        self.login_id.setObjectName("login_id")
        self.login_id.setMaxLength(50)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("아이디"), self.login_id)
        form.addRow(self.tr("비밀번호"), self.password)
        layout.addLayout(form)
        self.remember = QCheckBox(self.tr("아이디 저장"))
        layout.addWidget(self.remember)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("로그인"))
        self.ok.setObjectName("primary")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("취소"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(self.minimumWidth(), self.sizeHint().height())
        ctx.query(settings.remembered_login, parent=self).success(self._prefill).failure(lambda exc: None).run()

    def _prefill(self, login_id: str | None) -> None:
        if login_id and not self.login_id.text():
            self.login_id.setText(login_id)
            self.remember.setChecked(True)
            self.password.setFocus()

    def submit(self) -> None:
        login_id, password = self.login_id.text().strip(), self.password.text()
        if not login_id or not password:
            self.error.show_message(self.tr("아이디와 비밀번호를 입력해 주세요."))
            return
        self.ok.setEnabled(False)
        self.error.show_message(self.tr("확인 중입니다…"))
        remember = self.remember.isChecked()

        def work():
            actor = self.ctx.services.accounts.login(login_id, password)
            note = ""
            try:
                settings.save_remembered_login(login_id if remember else None)
            except settings.KeyringUnavailable:
                note = settings.NO_KEYRING_LOGIN_MESSAGE if remember else ""
            return actor, note

        self.ctx.op(work, parent=self).success(self._done).failure(self._failed).run()

    def _done(self, result) -> None:
        actor, note = result
        self.ok.setEnabled(True)
        self.error.clear_message()
        self.keyring_note = note
        self.logged_in.emit(actor)
        # closed in a 1 ms step of its own: the home page is built in this event, and closing a
        # modal dialog (focus, the window raised again) costs as much (a zero timer runs before the paint)
        QTimer.singleShot(1, self, self.accept)

    def _failed(self, exc: BaseException) -> None:
        from ..services.errors import Unavailable
        from .tasks import error_text

        self.ok.setEnabled(True)
        if not isinstance(exc, Unavailable):  # the server not reached (or its answer lost): nothing was refused
            self.password.clear()
        self.password.setFocus()
        self.error.show_message(error_text(exc))
