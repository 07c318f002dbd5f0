"""The main window's header (brand, search, login buttons) and its menus by role."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton

from .pages import PAGES, PUBLIC_MENUS, ROLE_MENUS


class WindowChrome:
    """Part of `MainWindow` (views/main_window.py): builds the header and the menu bar."""

    def _build_header(self) -> QFrame:
        """What the first frame shows of the header; Enter on its buttons and the brand's pointing
        cursor come with `MainWindow.complete_shell` (they need the `Qt` enums, views/start.py)."""
        header = QFrame()
        header.setObjectName("header")
        row = QHBoxLayout(header)
        row.setContentsMargins(20, 10, 20, 10)
        brand = QPushButton(self.tr("K-비대면 바우처 플랫폼"))
        brand.setObjectName("brandButton")
        brand.setStyleSheet("QPushButton#brandButton { border: none; font-size: 15pt; font-weight: bold; }"
                            " QPushButton#brandButton:focus { border: none; text-decoration: underline; }")
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
        return header

    def _set_shell(self, shell: bool) -> None:
        """While the store opens, only 설정 → 데이터베이스 연결… and 서버 연결… work."""
        for widget in (self.search, self.login_button, self.signup_button, self.brand_button):
            widget.setEnabled(not shell)
        for action in self.page_actions.values():
            action.setEnabled(not shell)

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
        if self.server_check is not None:  # given by the composition root (app.check_server)
            server = QAction(self.tr("서버 연결…"), self)
            server.triggered.connect(self.open_server_settings)
            view.addAction(server)
        if self.actor is not None and "programme_settings" in self.page_actions:
            # 다음 연도 열기 lives on 사업 설정; 설정 is where someone looks for it first
            programme = QAction(self.tr("사업 설정 · 다음 연도 열기…"), self)
            programme.triggered.connect(lambda _=False: self.open_page("programme_settings"))
            view.addAction(programme)
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
