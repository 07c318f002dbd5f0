"""Main window: header with search and login, menus by role, pages in a stack."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from typing import TYPE_CHECKING

from ..services.changes import Changes, Entity
from ..services.clock import format_kst
from .context import ViewContext
from .pages import PAGES, PUBLIC_MENUS, ROLE_HOME, ROLE_MENUS
from . import shortcuts
from .simulator import SimulatorDock
from .start import StartPage
from .style import app_icon
from .widgets.feedback import FeedbackBar
from .widgets.forms import enter_presses_buttons, skip_read_only_fields
from .window_size import fit_to_screen, scrolling_page_area

if TYPE_CHECKING:  # pragma: no cover - the shell is shown before the services layer is imported
    from ..services.dto import Actor
    from ..services.registry import Services

log = logging.getLogger(__name__)

#: deals past their D+2 deadline are persisted as 불가 this often (and once at start)
SWEEP_INTERVAL_MS = 5 * 60 * 1000


class MainWindow(QMainWindow):
    #: (Changes, initiator) — every open page hears what a run changed (views/tasks.py)
    data_changed = Signal(object, object)
    #: the logged-in actor, or None after logout
    session_changed = Signal(object)

    def __init__(self, services: Services | None, store_label: str = "", parent: QWidget | None = None):
        """With `services`, the whole window; with None, the shell shown while the store opens
        (header, menus and a start page; `attach_services` completes it, docs/decisions.md)."""
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.ctx = ViewContext(services, self)
        self.pages: dict[str, QWidget] = {}
        self.current_key = ""
        self.setWindowTitle(self.tr("K-비대면 바우처 플랫폼"))
        self.setWindowIcon(app_icon())

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_header())
        #: every action's success or failure, above the pages (cleared when another page opens)
        self.feedback = FeedbackBar()
        outer.addWidget(self.feedback)
        self.stack = QStackedWidget()
        self.page_area = scrolling_page_area(self.stack)  # a page larger than the window scrolls
        outer.addWidget(self.page_area, 1)
        self.setCentralWidget(central)
        fit_to_screen(self, self.page_area)  # 90 % of the screen, a minimum that keeps the header

        self.simulator: SimulatorDock | None = None
        self.store_label = QLabel(store_label)
        self.clock_label = QLabel()
        self.statusBar().addPermanentWidget(self.store_label)
        self.statusBar().addPermanentWidget(self.clock_label)
        self.data_changed.connect(self._broadcast)
        self.find_action, self.reload_action = shortcuts.install_shortcuts(self)
        self.start_page: StartPage | None = None
        if services is not None:
            self.attach_services(services)
            return
        self.start_page = StartPage(self)
        self.stack.addWidget(self.start_page)
        self._build_menus()
        self._set_shell(True)

    # --- start-up: the shell first, the store when it is open -----------------------------------
    def attach_services(self, services: Services, store_label: str | None = None) -> None:
        """The store is open: start the clock, the sweep and the simulator, and show 홈."""
        self.services = self.ctx.services = services
        if store_label is not None:
            self.store_label.setText(store_label)
        self.simulator = SimulatorDock(services.sms, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.simulator)
        self.simulator.hide()
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(15_000)
        self._update_clock()
        self._sweep = QTimer(self)
        self._sweep.timeout.connect(self.sweep_deals)
        self._sweep.start(SWEEP_INTERVAL_MS)
        QTimer.singleShot(0, self.sweep_deals)
        self._build_menus()
        self._set_shell(False)
        self.open_page("home")
        if self.start_page is not None:
            self.stack.removeWidget(self.start_page)
            self.start_page.deleteLater()
            self.start_page = None

    def show_start_failure(self, message: str) -> None:
        """The store could not be opened: the reason in the shell (the connection settings stay open)."""
        if self.start_page is not None:
            self.start_page.show_failure(message)

    def _set_shell(self, shell: bool) -> None:
        """While the store opens, only 설정 → 데이터베이스 연결… works."""
        for widget in (self.search, self.login_button, self.signup_button, self.brand_button):
            widget.setEnabled(not shell)
        for action in self.page_actions.values():
            action.setEnabled(not shell)

    # --- header and menus ---------------------------------------------------------------------
    def _build_header(self) -> QFrame:
        header = QFrame()
        header.setObjectName("header")
        row = QHBoxLayout(header)
        row.setContentsMargins(20, 10, 20, 10)
        brand = QPushButton(self.tr("K-비대면 바우처 플랫폼"))
        brand.setObjectName("brandButton")
        brand.setStyleSheet("QPushButton#brandButton { border: none; font-size: 15pt; font-weight: bold; }"
                            " QPushButton#brandButton:focus { border: none; text-decoration: underline; }")
        brand.setCursor(Qt.CursorShape.PointingHandCursor)
        brand.clicked.connect(lambda: self.open_page("home"))
        self.brand_button = brand
        row.addWidget(brand)
        row.addSpacing(24)
        self.search = QLineEdit()
        self.search.setObjectName("globalSearch")
        self.search.setPlaceholderText(self.tr("서비스명, 키워드, 기업명으로 검색"))
        self.search.setMinimumWidth(320)
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(lambda: self.search_services(self.search.text(), None))
        row.addWidget(self.search, 1)
        row.addSpacing(24)
        self.user_label = QLabel()
        row.addWidget(self.user_label)
        self.login_button = QPushButton(self.tr("로그인"))
        self.login_button.clicked.connect(self.open_login)
        self.signup_button = QPushButton(self.tr("회원가입"))
        self.signup_button.clicked.connect(self.open_signup)
        self.logout_button = QPushButton(self.tr("로그아웃"))
        self.logout_button.clicked.connect(self.logout)
        for button in (self.login_button, self.signup_button, self.logout_button):
            row.addWidget(button)
        enter_presses_buttons(header)
        return header

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        self.page_actions: dict[str, QAction] = {}
        menus = list(PUBLIC_MENUS)
        if self.actor is not None:
            role_menus = ROLE_MENUS[self.actor.role]
            titles = {t for t, _ in role_menus}
            menus = [m for m in menus if m[0] not in titles and m[0] in ("사업안내", "사업공고", "고객센터")]
            menus = list(role_menus) + menus
        for title, keys in menus:
            if len(keys) == 1:  # a menu of one page is the page itself: one click opens it
                action = QAction(self.tr(title), self)
                action.setToolTip(self.tr(PAGES[keys[0]].title))
                action.triggered.connect(lambda _=False, k=keys[0]: self.open_page(k))
                bar.addAction(action)
                self.page_actions[keys[0]] = action
                continue
            menu = bar.addMenu(self.tr(title))
            for key in keys:
                action = QAction(self.tr(PAGES[key].title), self)
                action.triggered.connect(lambda _=False, k=key: self.open_page(k))
                menu.addAction(action)
                self.page_actions[key] = action
        view = bar.addMenu(self.tr("설정"))
        if self.simulator is not None:  # none in the shell shown while the store opens
            view.addAction(self.simulator.toggleViewAction())
        connection = QAction(self.tr("데이터베이스 연결…"), self)
        connection.triggered.connect(self.open_connection_settings)
        view.addAction(connection)
        if self.actor is not None:
            password = QAction(self.tr("비밀번호 변경…"), self)
            password.triggered.connect(self.open_password_dialog)
            view.addAction(password)
        logged_in = self.actor is not None
        self.login_button.setVisible(not logged_in)
        self.signup_button.setVisible(not logged_in)
        self.logout_button.setVisible(logged_in)
        if logged_in:
            from ..services.accounts import ROLE_LABELS  # imported with the services, after the shell

            self.user_label.setText(self.tr("{name} 님 ({role})").format(
                name=self.actor.name, role=self.tr(ROLE_LABELS[self.actor.role])))
        else:
            self.user_label.setText("")

    def menu_titles(self) -> list[str]:
        return [a.text() for a in self.menuBar().actions()]

    # --- pages ------------------------------------------------------------------------------
    def open_page(self, key: str) -> QWidget:
        spec = PAGES[key]
        page = self.pages.get(key)
        if page is None:
            page = spec.load()(self.ctx, self)
            self.pages[key] = page
            self.stack.addWidget(page)
            skip_read_only_fields(page)  # read-only fields are no Tab stops (widgets/forms.py)
            enter_presses_buttons(page)
            query_changed = getattr(page, "query_changed", None)
            if query_changed is not None:  # the catalog's own box searched: the header box follows
                query_changed.connect(self._follow_query)
        if key != self.current_key:
            self.feedback.clear()  # nothing said about the previous page stays on this one
        self.stack.setCurrentWidget(page)
        self.current_key = key
        self.setWindowTitle(self.tr("{page} — K-비대면 바우처 플랫폼").format(page=self.tr(spec.title)))
        refresh = getattr(page, "refresh", None)
        if refresh is not None:
            refresh()
        return page

    def _broadcast(self, changes: Changes, initiator: object) -> None:
        for page in list(self.pages.values()):
            handler = getattr(page, "on_data_changed", None)
            if handler is not None:
                handler(changes, initiator)

    def _reset_pages(self) -> None:
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()

    def search_services(self, text: str, category: str | None) -> QWidget:
        """Open the catalog with a query and/or a category (header search box, home tiles)."""
        page = self.open_page("catalog")
        page.search(text, category)
        return page

    def _follow_query(self, text: str) -> None:
        """The header box says what the catalog searched for, whichever box started it."""
        if self.search.text() != text:
            self.search.setText(text)

    # --- keyboard (views/shortcuts.py) -----------------------------------------------------------
    def current_page(self) -> QWidget | None:
        page = self.stack.currentWidget()
        return page if page is not None and page in self.pages.values() else None

    def focus_search(self) -> None:
        """Ctrl+F: the current page's search box when it has one, else the header's."""
        shortcuts.focus_search(self.current_page(), self.search)

    def reload_page(self) -> None:
        """F5 (새로 고침): the current page loads again; what was said of the last action goes."""
        page = self.current_page()
        if page is not None and (hasattr(page, "reload") or hasattr(page, "refresh")):
            self.feedback.clear()
            shortcuts.reload_page(page)

    def open_service(self, service_id) -> QWidget:
        """Open one service's detail page (from the catalog, the wishlist, a deal)."""
        page = self.open_page("service_detail")
        page.show_service(service_id)
        return page

    def sweep_deals(self) -> None:
        """Persist deal expiries off the GUI thread (reads are right without it; this keeps the store tidy),
        after re-reading the server's clock on a shared desk; then seal the audit log."""

        services = self.services

        def work() -> int:
            sync = getattr(services.clock, "sync", None)  # shared desks: follow the server's clock
            if sync is not None:
                sync()
            count = services.deals.sweep()
            try:  # seal what the audit log recorded more than a few minutes ago (docs/decisions.md)
                services.audit.seal()
            except Exception as exc:  # noqa: BLE001 - housekeeping: the next sweep tries again
                log.warning("audit seal failed: %s", exc)
            return count

        # some deals expired: every list of deals hears it (a plain count: lists of deals reload)
        self.ctx.op(work, parent=self).changes(lambda count: Changes.of(Entity.DEAL) if count else None).failure(
            lambda exc: log.warning("deal sweep failed: %s", exc)).run()

    # --- session ------------------------------------------------------------------------------
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

        wizard = SignupWizard(self.ctx, self)
        skip_read_only_fields(wizard)  # a verified name or phone is no Tab stop any more
        wizard.signed_up.connect(self.set_actor)
        wizard.open()
        self.signup_wizard = wizard

    def set_actor(self, actor: Actor | None) -> None:
        self.actor = actor
        self.search.clear()  # nothing of the previous user stays on screen
        self.statusBar().clearMessage()
        self.feedback.clear()
        self._reset_pages()
        self._build_menus()
        self.session_changed.emit(actor)
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

        dialog = ConnectionDialog(self.ctx, self.store_label.text(), self)
        dialog.open()
        self.connection_dialog = dialog

    def _update_clock(self) -> None:
        self.clock_label.setText(self.tr("한국시간 {t}").format(t=format_kst(self.services.clock.now())))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.simulator is not None:
            self.simulator.detach()
        super().closeEvent(event)

