"""Logins as the account pages and signup share them (`uow.accounts`)."""

from __future__ import annotations

from sqlalchemy import func, select

from ...models import User
from ..errors import ValidationError
from ..rules.inputs import clean_password, clean_text
from ..rules.numbers import login_id_error, password_error
from . import Repository


class AccountRepository(Repository):
    def login_taken(self, login_id: str) -> bool:
        """Some account already has `login_id` (ignoring case)."""
        return bool(self.session.scalar(
            select(func.count()).select_from(User).where(func.lower(User.login_id) == login_id.lower())))

    def check_new_credentials(self, login_id: str, password: str, confirm: str | None = None) -> None:
        """Raise ValidationError (with field) for an unusable or taken login id, or an unusable password."""
        login_id = clean_text(login_id, "account.login_id", required=False)  # type, characters, length
        password = clean_password(password)
        if confirm is not None:
            confirm = clean_password(confirm, "password_confirm", "비밀번호 확인")
        message = login_id_error(login_id)
        if message:
            raise ValidationError(message, field="login_id")
        if self.login_taken(login_id):
            raise ValidationError("이미 사용 중인 아이디입니다. 다른 아이디를 입력해 주세요.", field="login_id")
        message = password_error(password, login_id)
        if message:
            raise ValidationError(message, field="password")
        if confirm is not None and confirm != password:
            raise ValidationError("비밀번호 확인이 일치하지 않습니다.", field="password_confirm")
