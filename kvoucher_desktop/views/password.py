"""Change one's own password (any role)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLayout, QLineEdit, QVBoxLayout

from ..services.errors import ValidationError
from .tasks import error_text
from .widgets.common import ErrorLabel, mark_invalid, title_label


#: shown in the login dialog after a password change
PASSWORD_CHANGED_MESSAGE = ("비밀번호를 변경했습니다. 모든 창구에서 로그아웃되었습니다. "
                            "새 비밀번호로 다시 로그인해 주세요.")


class PasswordDialog(QDialog):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("비밀번호 변경"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(title_label(self.tr("비밀번호 변경"), 2))
        hint = QLabel(self.tr("새 비밀번호는 10자 이상이며 아이디를 포함할 수 없습니다."))
        hint.setObjectName("hint")
        layout.addWidget(hint)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for name, label in (("old_password", self.tr("현재 비밀번호")), ("password", self.tr("새 비밀번호")),
                            ("password_confirm", self.tr("새 비밀번호 확인"))):
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setObjectName(name)
            edit.textEdited.connect(lambda _t, e=edit: mark_invalid(e, False))
            form.addRow(label, edit)
            self.fields[name] = edit
        layout.addLayout(form)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("변경"))
        self.ok.setObjectName("primary")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        actor = self.ctx.actor
        old, new, confirm = (self.fields[k].text() for k in ("old_password", "password", "password_confirm"))
        self.ok.setEnabled(False)
        self.error.clear_message()
        self.ctx.op(lambda: self.ctx.services.accounts.change_password(actor, old, new, confirm), parent=self) \
            .success(self._done).failure(self._failed).run()

    def _done(self, _result) -> None:
        self.ok.setEnabled(True)
        self.accept()
        # the change ended every session of the account (this desk's too): log in again
        self.ctx.end_session(self.tr(PASSWORD_CHANGED_MESSAGE))

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.error.show_message(error_text(exc))
        field = self.fields.get(getattr(exc, "field", None) or "") if isinstance(exc, ValidationError) else None
        if field is not None:
            mark_invalid(field, True)
            field.setFocus()
            field.selectAll()
