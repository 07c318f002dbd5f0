"""The main window's session: login, signup, logout, a session the store ended, and the
dialogs of the 설정 menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .pages import ROLE_HOME

if TYPE_CHECKING:  # pragma: no cover - the shell is shown before the services layer is imported
    from ..services.dto import Actor


class WindowSession:
    """Part of `MainWindow` (views/main_window.py): who is logged in, and the dialogs that change it."""

    def open_login(self) -> None:
        from .login import LoginDialog

        dialog = LoginDialog(self.ctx, self)
        dialog.logged_in.connect(self.set_actor)
        dialog.logged_in.connect(lambda _a: self._keyring_note(dialog))
        dialog.open()
        self.login_dialog = dialog

    def _keyring_note(self, dialog) -> None:
        note = getattr(dialog, "keyring_note", "")
        if note:
            self.feedback.set_text(note, kind="info")

    def open_signup(self) -> None:
        from .signup.wizard import SignupWizard

        from .widgets.forms import skip_read_only_fields

        wizard = SignupWizard(self.ctx, self)
        skip_read_only_fields(wizard)  # a verified name or phone is no Tab stop any more
        wizard.signed_up.connect(self.set_actor)
        wizard.open()
        self.signup_wizard = wizard

    def set_actor(self, actor: Actor | None) -> None:
        """Log in or out: every page of the previous user goes; only the new home page is built."""
        self.actor = actor
        self.search.clear()  # nothing of the previous user stays on screen
        self.statusBar().clearMessage()
        self.feedback.clear()
        self._reset_pages()
        self._build_menus()
        self.session_changed.emit(actor)
        feed = getattr(self, "change_feed", None)
        if feed is not None:
            feed.restart(actor)  # other desks' changes, from now on, for this login
        self.open_page(ROLE_HOME[actor.role] if actor is not None else "home")

    def logout(self) -> None:
        actor = self.actor
        if actor is None:
            return
        self.set_actor(None)
        self.ctx.op(lambda: self.services.accounts.logout(actor), parent=self).failure(lambda exc: None).run()

    def session_ended(self, message: str) -> None:
        """The store no longer vouches for the session (expired, ended at another desk, the password
        changed, the account locked): back to the public pages, with the login and the message."""
        actor = self.actor
        if actor is None:  # several loads refused at once: the first one returned to the login
            return
        self.set_actor(None)
        self.open_login()
        self.login_dialog.login_id.setText(actor.login_id)
        self.login_dialog.password.setFocus()
        self.login_dialog.error.show_message(message)

    def open_password_dialog(self) -> None:
        from .password import PasswordDialog

        dialog = PasswordDialog(self.ctx, self)
        dialog.open()
        self.password_dialog = dialog

    def open_connection_settings(self) -> None:
        from .connection import ConnectionDialog

        self.complete_shell()  # clicked before the first paint's step: the context comes first
        dialog = ConnectionDialog(self.ctx, self.store_label.text(), self)
        dialog.open()
        self.connection_dialog = dialog

    def open_server_settings(self) -> None:
        from .connection import ServerConnectionDialog

        self.complete_shell()  # as open_connection_settings: it works in the shell too
        dialog = ServerConnectionDialog(self.ctx, self.store_label.text(), self.server_check, self)
        dialog.open()
        self.server_dialog = dialog
