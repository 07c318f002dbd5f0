"""A desk whose store is a programme server (docs/decisions.md, "The desk as a client of the
programme server"): 설정 → 서버 연결… tests and saves the address against the live TLS server; on a
development server the 시뮬레이터 inboxes show the SMS the server's simulators sent and the signup
wizard verifies through the server; a production server is said to have no simulator; a lost
connection is said in Korean and keeps what was typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from kvoucher_desktop import app, settings
from kvoucher_desktop.enums import ScreeningStatus
from kvoucher_desktop.remote.client import connect
from kvoucher_desktop.views.main_window import MainWindow
from kvoucher_desktop.views.style import apply_style
from tests.factories import PASSWORD, company_in_state, sms_code
from tests.live_server import DEV_TEST_SERVER, live_server
from tests.unit.test_settings import MemoryKeyring, memory_keyring  # noqa: F401  (a fixture)
from tests.views.helpers import shoot, type_text
from tests.views.page_support import settle
from tests.views.test_signup_wizard import (
    click,
    confirm_code,
    press_next,
    send_code,
    through_terms,
)


@pytest.fixture(scope="module")
def dev_server():
    """A programme server with the development endpoints (the session's `live_server` has none)."""
    with live_server(DEV_TEST_SERVER) as server:
        yield server


@pytest.fixture
def desk_on(qtbot, qapp, tmp_path, _windows_closed_last):
    """`desk_on(server, services)` -> a shown MainWindow whose services are a client of `server`
    (which serves the test's `services`), as `app.main` builds it for `--server`."""
    apply_style(qapp)
    clients = []

    def open_desk(server, services) -> MainWindow:
        server.serve(services)
        remote = app.prepare_services(server.url, demo=False, server_ca=server.ca_file(tmp_path))
        clients.append(remote)
        window = app.build_main_window(remote, server.url)
        _windows_closed_last.append(window)
        window.resize(1280, 800)
        window.show()
        settle(qtbot)
        return window

    yield open_desk
    settle(qtbot)
    for window in _windows_closed_last:
        window.close()  # the simulator panel stops polling before its client goes
    for remote in clients:
        remote.dispose()


def settings_actions(window) -> list[str]:
    return [a.text() for a in window.menuBar().actions()[-1].menu().actions()]


def open_server_dialog(qtbot, window):
    action = next(a for a in window.menuBar().actions()[-1].menu().actions() if a.text() == "서버 연결…")
    action.trigger()
    dialog = window.server_dialog
    qtbot.waitExposed(dialog)
    settle(qtbot)
    return dialog


# --- 설정 → 서버 연결… ------------------------------------------------------------------------------
def test_the_server_dialog_tests_and_saves_the_address_against_the_live_server(
        qtbot, qapp, sqlite_services, live_server, memory_keyring, tmp_path, _windows_closed_last):
    apply_style(qapp)
    live_server.serve(sqlite_services)
    window = MainWindow(sqlite_services, "SQLite: test", server_check=app.check_server)
    _windows_closed_last.append(window)
    window.show()
    settle(qtbot)
    assert "서버 연결…" in settings_actions(window)
    dialog = open_server_dialog(qtbot, window)
    assert dialog.windowTitle() == "서버 연결" and "현재 사용 중: SQLite: test" in \
        [w.text() for w in dialog.findChildren(type(dialog.result))]
    assert dialog.url.text() == "" and dialog.test_button.isDefault()

    # the system's trust store does not know the test CA: said so, and the address stays
    type_text(dialog.url, live_server.url)
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)  # Enter: 연결 확인
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "인증서를 확인할 수 없습니다" in dialog.error.text() and "CA 파일" in dialog.error.text()
    assert dialog.url.text() == live_server.url and dialog.test_button.isEnabled()
    qtbot.wait(50)  # the dialog grows with the message at the next layout pass
    assert_nothing_squeezed(dialog)
    shoot(dialog, "server_connection_dialog_untrusted")

    ca_file = live_server.ca_file(tmp_path)
    type_text(dialog.ca, ca_file)
    click_button(qtbot, dialog.test_button)
    qtbot.waitUntil(lambda: dialog.result.text().startswith("연결되었습니다: 127.0.0.1:"), timeout=10_000)
    assert not dialog.error.isVisible()
    shot = shoot(dialog, "server_connection_dialog")
    assert shot is None or shot.endswith(".png")
    assert dialog.width() <= 1280 and dialog.height() <= 800
    assert_nothing_squeezed(dialog)

    settings.save_database_url("postgresql://desk:secret@db.example/kvoucher")
    click_button(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.result.text().startswith("저장했습니다."), timeout=10_000)
    assert settings.saved_server() == (live_server.url, ca_file)
    assert settings.saved_database_url() is None  # the keyring remembers one store
    choice = settings.resolve_store()
    assert (choice.url, choice.source, choice.ca_file, choice.is_server) == (live_server.url, "keyring", ca_file, True)

    click_button(qtbot, dialog.forget_button)
    qtbot.waitUntil(lambda: dialog.result.text() == "저장된 주소를 삭제했습니다.", timeout=10_000)
    assert settings.saved_server() == (None, None)


def test_the_server_dialog_points_at_what_is_wrong_and_keeps_it(qtbot, qapp, sqlite_services, memory_keyring,
                                                                _windows_closed_last):
    window = MainWindow(sqlite_services, "SQLite: test", server_check=app.check_server)
    _windows_closed_last.append(window)
    window.show()
    dialog = open_server_dialog(qtbot, window)
    type_text(dialog.url, "ftp://voucher.example.kr")
    click_button(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "https://호스트:포트" in dialog.error.text() and dialog.url.property("invalid") is True
    assert dialog.url.hasFocus() and dialog.url.text() == "ftp://voucher.example.kr"
    assert settings.saved_server() == (None, None)  # nothing saved that does not answer

    type_text(dialog.url, "https://127.0.0.1:1", replace=True)
    type_text(dialog.ca, "/nonexistent/ca.pem")
    click_button(qtbot, dialog.test_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "CA 파일을 읽을 수 없습니다" in dialog.error.text() and dialog.ca.property("invalid") is True
    dialog.ca.clear()
    click_button(qtbot, dialog.test_button)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled() and dialog.error.isVisible(), timeout=20_000)
    assert "서버에 연결할 수 없습니다" in dialog.error.text() and dialog.url.text() == "https://127.0.0.1:1"


def test_the_server_dialog_starts_with_the_saved_address(qtbot, qapp, sqlite_services, memory_keyring,
                                                         _windows_closed_last):
    settings.save_server_url("https://voucher.example.kr:8443", "/etc/kvoucher/ca.pem")
    window = MainWindow(sqlite_services, "SQLite: test", server_check=app.check_server)
    _windows_closed_last.append(window)
    dialog = open_server_dialog(qtbot, window)
    assert (dialog.url.text(), dialog.ca.text()) == ("https://voucher.example.kr:8443", "/etc/kvoucher/ca.pem")


def test_without_a_health_check_the_window_offers_no_server_dialog(qtbot, qapp, sqlite_services,
                                                                   _windows_closed_last):
    window = MainWindow(sqlite_services, "SQLite: test")
    _windows_closed_last.append(window)
    assert "서버 연결…" not in settings_actions(window) and "데이터베이스 연결…" in settings_actions(window)


# --- a desk on a development server: the simulators' SMS, signup through the server ----------------
def test_a_desk_on_a_development_server_signs_up_with_the_code_its_simulator_inbox_shows(
        qtbot, desk_on, dev_server, sqlite_services):
    window = desk_on(dev_server, sqlite_services)
    assert window.store_label.text() == f"서버: 127.0.0.1:{dev_server.url.rsplit(':', 1)[1]}"
    dock = window.simulator
    assert dock._poll_timer is not None and not dock.unavailable.isVisibleTo(dock)
    assert not dock.issuer_mode.isVisibleTo(dock)  # the issuers' answers are the server's business

    window.open_signup()
    wiz = window.signup_wizard
    wiz.confirm_cancel = False
    qtbot.waitExposed(wiz)
    through_terms(qtbot, wiz)
    page = wiz.identity_page
    box, inbox = page.verify, page.inbox
    assert inbox.isVisible()
    type_text(box.name_edit, "홍길동")
    type_text(box.phone_edit, "010-1234-5678")
    send_code(qtbot, box)
    code = sms_code(sqlite_services, "010-1234-5678")  # what the server's simulator sent
    qtbot.waitUntil(lambda: code in inbox.text(), timeout=10_000)  # polled from the server
    assert any(code in dock.list.item(i).text() for i in range(dock.list.count()))
    shoot(dock, "server_simulator_sms")
    assert box.countdown_label.seconds_left() is not None  # the server said when the code expires
    type_text(box.code_edit, code)
    confirm_code(qtbot, box)
    assert box.is_verified, box.error.text()
    press_next(qtbot, wiz)  # the server's signup checks the server's token
    assert wiz.currentPage() is wiz.company_page, page.error_label.text()
    click(qtbot, wiz.button(QWizard.WizardButton.CancelButton))


def test_a_desk_on_a_production_server_has_no_simulator_but_verifies_all_the_same(
        qtbot, desk_on, live_server, sqlite_services):
    window = desk_on(live_server, sqlite_services)
    dock = window.simulator
    assert dock._poll_timer is None and dock.unavailable.isVisibleTo(dock)
    assert "이 서버에서는 시뮬레이터 문자 수신함을 쓸 수 없습니다" in dock.unavailable.text()
    dock.show()
    shoot(dock, "server_simulator_unavailable")
    window.open_signup()
    wiz = window.signup_wizard
    wiz.confirm_cancel = False
    qtbot.waitExposed(wiz)
    through_terms(qtbot, wiz)
    box = wiz.identity_page.verify
    assert not wiz.identity_page.inbox.available and not wiz.identity_page.inbox.isVisible()
    type_text(box.name_edit, "홍길동")
    type_text(box.phone_edit, "010-1234-5678")
    send_code(qtbot, box)
    assert "인증번호를 보냈습니다" in box.status_label.text()  # sent by the server (to a real phone)
    assert sms_code(sqlite_services, "010-1234-5678")
    click(qtbot, wiz.button(QWizard.WizardButton.CancelButton))


# --- a lost connection ----------------------------------------------------------------------------
def test_a_lost_connection_during_a_call_is_said_in_korean_and_keeps_what_was_typed(
        qtbot, qapp, sqlite_services, tmp_path, _windows_closed_last):
    apply_style(qapp)
    demand, _company = company_in_state(sqlite_services, ScreeningStatus.APPROVED)
    with live_server() as server:  # this test's own server: it stops while the desk is open
        server.serve(sqlite_services)
        remote = connect(server.url, ca_file=server.ca_file(tmp_path))
        window = app.build_main_window(remote, server.url)
        _windows_closed_last.append(window)
        window.show()
        settle(qtbot)
        window.set_actor(remote.accounts.login(demand.login_id, PASSWORD))
        settle(qtbot)
        window.open_password_dialog()
        dialog = window.password_dialog
        typed = {"old_password": PASSWORD, "password": "새-비밀번호-2026!", "password_confirm": "새-비밀번호-2026!"}
        for name, text in typed.items():
            type_text(dialog.fields[name], text)
    # the server is gone
    click_button(qtbot, dialog.ok)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=20_000)
    assert dialog.error.text().startswith(("서버에 연결할 수 없습니다.", "서버의 응답을 받지 못했습니다."))
    assert {name: edit.text() for name, edit in dialog.fields.items()} == typed
    assert dialog.isVisible() and dialog.ok.isEnabled()
    assert window.actor is not None  # not logged out: the session is not what failed
    shoot(dialog, "server_lost_password_dialog")
    dialog.reject()
    settle(qtbot)
    window.close()
    remote.dispose()


def test_a_login_to_a_closed_port_is_said_in_korean_and_keeps_the_login_id(qtbot, qapp, _windows_closed_last):
    from kvoucher_desktop.remote.client import ClientConfig, RemoteServices, Transport

    apply_style(qapp)
    remote = RemoteServices(Transport("https://127.0.0.1:1", config=ClientConfig(retries=0, connect_timeout_s=2)))
    window = MainWindow(remote, app.describe_store(remote.url))
    _windows_closed_last.append(window)
    window.show()
    settle(qtbot, timeout=20_000)
    window.open_login()
    dialog = window.login_dialog
    type_text(dialog.login_id, "demand")
    type_text(dialog.password, "demo-pass-2026")
    click_button(qtbot, dialog.ok)
    qtbot.waitUntil(lambda: dialog.ok.isEnabled() and "서버" in dialog.error.text(), timeout=20_000)
    assert "서버에 연결할 수 없습니다" in dialog.error.text() and "입력한 내용은 그대로 있습니다" in dialog.error.text()
    assert (dialog.login_id.text(), dialog.password.text()) == ("demand", "demo-pass-2026")
    dialog.reject()
    settle(qtbot, timeout=20_000)
    window.close()
    remote.dispose()


def assert_nothing_squeezed(dialog) -> None:
    """Every shown label has the height its wrapped text needs, and every button its hint's width."""
    from PySide6.QtWidgets import QLabel, QPushButton

    for label in dialog.findChildren(QLabel):
        if label.isVisibleTo(dialog) and label.wordWrap() and label.text():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    for button in dialog.findChildren(QPushButton):
        if button.isVisibleTo(dialog):
            assert button.width() >= button.sizeHint().width(), button.text()


def click_button(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
