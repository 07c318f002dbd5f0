"""What a new user tripped over in the main window and the login dialog: the window fits the
screen it opens on and keeps a minimum that shows the header (로그아웃) and the status bar; the
login dialog grows with its message instead of squeezing the fields."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QDialog

from kvoucher_desktop.views.login import LoginDialog
from kvoucher_desktop.views.main_window import MainWindow
from kvoucher_desktop.views.style import apply_style
from kvoucher_desktop.views.window_size import PAGE_AREA_MINIMUM, fit_to_screen
from tests.factories import PASSWORD, make_agency
from tests.views.helpers import shoot
from tests.views.page_support import settle


@pytest.fixture
def window(qtbot, qapp, sqlite_services):
    apply_style(qapp)
    win = MainWindow(sqlite_services, "SQLite: test")
    qtbot.addWidget(win)
    win.show()
    settle(qtbot)
    yield win
    settle(qtbot)


def _inside(window, widget) -> bool:
    """`widget` is shown and lies wholly inside the window's client area."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("screen", [QSize(1280, 800), QSize(1920, 1080)])
def test_the_window_opens_to_fit_the_available_screen(qtbot, window, sqlite_services, screen):
    available = QRect(QPoint(0, 0), screen)
    size = fit_to_screen(window, window.page_area, available)
    qtbot.waitUntil(lambda: window.size() == size)
    assert size.width() <= screen.width() * 0.9 + 1 and size.height() <= screen.height() * 0.9 + 1
    assert size.width() >= 1000 and size.height() >= 600
    # room left for the window frame and title bar: the status bar is on the screen
    assert screen.height() - size.height() >= 60
    frame = QRect(window.pos(), size)
    assert available.contains(frame) and frame.center() == available.center() or \
        abs(frame.center().x() - available.center().x()) <= 1
    window.set_actor(make_agency(sqlite_services))
    settle(qtbot)
    assert _inside(window, window.logout_button) and _inside(window, window.statusBar())
    shoot(window, f"window-{screen.width()}x{screen.height()}")


def test_a_tiny_screen_never_gets_a_window_larger_than_itself(qtbot, window):
    available = QRect(0, 0, 1024, 600)
    size = fit_to_screen(window, window.page_area, available)
    assert size.width() <= 1024 and size.height() <= 600


def test_the_window_keeps_a_real_minimum_with_the_header_and_status_bar(qtbot, window, sqlite_services):
    fit_to_screen(window, window.page_area, QRect(0, 0, 1920, 1080))
    window.set_actor(make_agency(sqlite_services))
    settle(qtbot)
    window.resize(800, 600)
    settle(qtbot)
    assert window.width() >= 1000 and window.height() >= 600
    assert window.minimumSizeHint().width() >= PAGE_AREA_MINIMUM.width()
    assert _inside(window, window.logout_button) and _inside(window, window.logout_button.parentWidget())
    assert _inside(window, window.statusBar())
    shoot(window, "window-at-minimum")


def test_a_page_taller_than_the_window_scrolls_in_the_page_area(qtbot, window, sqlite_services):
    window.set_actor(make_agency(sqlite_services))
    settle(qtbot)
    page = window.open_page("programme_settings")
    settle(qtbot)
    page.setMinimumHeight(1400)  # more than any screen: the page area scrolls, the window stays
    window.resize(window.minimumSizeHint())
    settle(qtbot)
    assert window.height() < 1000
    assert window.page_area.verticalScrollBar().maximum() > 0
    assert _inside(window, window.logout_button) and _inside(window, window.statusBar())


# --- login dialog --------------------------------------------------------------------------------
LONG_MESSAGE = ("아이디 또는 비밀번호가 올바르지 않습니다. 5회 잘못 입력하면 10분 동안 로그인할 수 없습니다. "
                "(남은 횟수 1회) 비밀번호를 잊으셨으면 전문기관에 문의해 주세요.")


def _fits(label) -> bool:
    """The wrapped label is tall enough for its whole text at its width."""
    return label.wordWrap() and label.height() >= label.heightForWidth(label.width()) and \
        label.width() >= label.minimumSizeHint().width()


def test_login_dialog_keeps_its_minimum_width_and_grows_with_a_long_error(qtbot, window, sqlite_services,
                                                                           monkeypatch):
    from kvoucher_desktop.services.errors import DomainError
    from kvoucher_desktop.services.sessions import ungated

    make_agency(sqlite_services)
    window.open_login()
    dialog: LoginDialog = window.login_dialog
    qtbot.waitExposed(dialog)
    assert dialog.width() >= dialog.minimumWidth() == 420
    before = dialog.height()

    def refuse(*_a, **_k):
        raise DomainError(LONG_MESSAGE)

    monkeypatch.setattr(ungated(sqlite_services.accounts), "login", refuse)
    dialog.login_id.setText("agency0001")
    dialog.password.setText(PASSWORD)
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.error.text() == LONG_MESSAGE, timeout=10_000)
    qtbot.waitUntil(lambda: _fits(dialog.error), timeout=3_000)
    assert dialog.width() >= 420 and dialog.height() > before
    assert dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width())
    for field in (dialog.login_id, dialog.password):  # the fields are not squeezed
        assert field.height() >= field.minimumSizeHint().height()
    shoot(dialog, "login-long-error")
    dialog.error.clear_message()  # and it gives the room back
    qtbot.waitUntil(lambda: dialog.height() == before, timeout=3_000)
    dialog.done(QDialog.DialogCode.Rejected)


def test_the_lockout_notice_after_a_refused_session_fits_too(qtbot, window, sqlite_services):
    window.set_actor(make_agency(sqlite_services))
    settle(qtbot)
    window.session_ended(LONG_MESSAGE)
    dialog = window.login_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: _fits(dialog.error), timeout=3_000)
    assert dialog.width() >= 420
    dialog.done(QDialog.DialogCode.Rejected)
