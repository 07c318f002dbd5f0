"""Main window: public menus, login/lockout through the dialog, menus by role, logout,
public pages from the store, simulator panel, bundled Korean font."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtGui import QFontDatabase

from kvoucher_desktop.enums import Role
from kvoucher_desktop.services.accounts import LOGIN_FAILED_MESSAGE
from kvoucher_desktop.views.main_window import MainWindow
from kvoucher_desktop.views.style import apply_style, register_fonts
from tests.factories import PASSWORD, make_agency, make_operator, make_supplier_account, company_in_state
from kvoucher_desktop.enums import ScreeningStatus

PUBLIC = ["사업안내", "사업공고", "공급기업", "수요기업", "고객센터", "설정"]


@pytest.fixture
def window(qtbot, qapp, sqlite_services):
    apply_style(qapp)
    win = MainWindow(sqlite_services, "SQLite: test")
    qtbot.addWidget(win)
    win.show()
    return win


def login_through_dialog(qtbot, window, login_id, password):
    window.open_login()
    dialog = window.login_dialog
    dialog.login_id.setText(login_id)
    qtbot.keyClicks(dialog.password, password)
    dialog.ok.click()
    return dialog


def test_bundled_korean_font_is_registered(qapp):
    family = register_fonts()
    assert family == "NanumGothic"
    assert "NanumGothic" in QFontDatabase.families()
    assert QFontDatabase.isSmoothlyScalable(family)


def test_pre_login_window_has_public_menus_search_and_tiles(qtbot, window):
    assert window.menu_titles() == PUBLIC
    assert window.login_button.isVisible() and window.signup_button.isVisible()
    assert not window.logout_button.isVisible()
    assert window.search.placeholderText().startswith("서비스명")
    home = window.pages["home"]
    qtbot.waitUntil(lambda: len(home.tile_buttons) == 6)
    assert [b.text().split("\n")[0] for b in home.tile_buttons] == [
        "화상회의", "재택근무", "네트워크·보안 솔루션", "에듀테크", "비대면 돌봄", "비대면 제도 도입 컨설팅"]
    home.tile_buttons[0].click()  # a tile opens the catalog on its category, before login too
    assert window.current_key == "catalog"


@pytest.mark.parametrize("role, expected_menu, home_key", [
    (Role.OPERATOR, "심사관리", "screening_dashboard"),
    (Role.AGENCY, "사업관리", "budget_confirm"),
    (Role.SUPPLIER, "공급기업", "supplier_services"),
    (Role.DEMAND, "기업정보관리", "screening_status"),
])
def test_login_changes_menus_by_role_and_logout_restores_them(qtbot, window, sqlite_services, role,
                                                              expected_menu, home_key):
    services = sqlite_services
    login_id = {
        Role.OPERATOR: lambda: make_operator(services).login_id,
        Role.AGENCY: lambda: make_agency(services).login_id,
        Role.SUPPLIER: lambda: make_supplier_account(services).login_id,
        Role.DEMAND: lambda: company_in_state(services, ScreeningStatus.REVIEWING)[0].login_id,
    }[role]()
    login_through_dialog(qtbot, window, login_id, PASSWORD)
    qtbot.waitUntil(lambda: window.actor is not None, timeout=15000)
    assert window.actor.role is role
    assert expected_menu in window.menu_titles()
    assert "수요기업" not in window.menu_titles() or role is Role.DEMAND
    assert window.current_key == home_key
    assert window.logout_button.isVisible() and not window.login_button.isVisible()
    window.search.setText("화상회의")
    window.logout()
    assert window.actor is None
    assert window.search.text() == ""
    assert window.menu_titles() == PUBLIC
    assert window.current_key == "home"


def test_wrong_password_keeps_the_id_and_five_failures_lock(qtbot, window, sqlite_services):
    make_operator(sqlite_services, login_id="desk-op")
    dialog = login_through_dialog(qtbot, window, "desk-op", "wrong-password-1")
    qtbot.waitUntil(lambda: dialog.error.text() == LOGIN_FAILED_MESSAGE)  # the same as for an unknown id
    assert dialog.login_id.text() == "desk-op"
    qtbot.waitUntil(lambda: dialog.height() >= dialog.layout().minimumSize().height())  # grows, never squashes
    assert dialog.password.text() == ""
    assert window.actor is None
    for _ in range(4):
        qtbot.keyClicks(dialog.password, "wrong-password-1")
        dialog.ok.click()  # disables the button until the answer is shown
        qtbot.waitUntil(lambda: dialog.ok.isEnabled() and dialog.error.text() != "확인 중입니다…")
    assert "10분간 잠겼습니다" in dialog.error.text()
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled() and "잠" in dialog.error.text())
    assert window.actor is None


def test_announcements_and_help_desk_come_from_the_store(qtbot, window, sqlite_services):
    agency = make_agency(sqlite_services)
    sqlite_services.programme.save_announcement(agency, title="2026년 수요기업 모집 공고", body="모집합니다.")
    page = window.open_page("announcements")
    qtbot.waitUntil(lambda: page.list.count() == 1)
    assert "2026년 수요기업 모집 공고" in page.list.item(0).text()
    assert "모집합니다." in page.body.toPlainText()
    desk = window.open_page("helpdesk")
    qtbot.waitUntil(lambda: desk.table.rowCount() == 17)
    names = {desk.table.item(r, 0).text() for r in range(17)}
    assert "제주지역 운영기관" in names


def test_simulator_panel_shows_codes_sent_from_worker_threads(qtbot, window, sqlite_services):
    thread = threading.Thread(target=sqlite_services.identity.start, args=("김하나", "010-1234-5678"))
    thread.start()
    thread.join()
    assert not window.simulator.isVisible()
    qtbot.waitUntil(lambda: window.simulator.list.count() == 1)
    assert window.simulator.isVisible()  # the user can read the code without hunting for the panel
    assert "010-1234-5678" in window.simulator.list.item(0).text()
    assert "인증번호" in window.simulator.list.item(0).text()


def test_remember_my_id_uses_the_keyring(qtbot, window, sqlite_services):
    import keyring

    from tests.unit.test_settings import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        make_operator(sqlite_services, login_id="desk-remember")
        window.open_login()
        dialog = window.login_dialog
        dialog.login_id.setText("desk-remember")
        dialog.remember.setChecked(True)
        qtbot.keyClicks(dialog.password, PASSWORD)
        dialog.ok.click()
        qtbot.waitUntil(lambda: window.actor is not None, timeout=15000)
        assert backend.get_password("kvoucher-desktop", "remembered_login_id") == "desk-remember"
        window.logout()
        window.open_login()
        again = window.login_dialog
        qtbot.waitUntil(lambda: again.login_id.text() == "desk-remember", timeout=15000)
        assert again.remember.isChecked()
    finally:
        keyring.set_keyring(previous)


def test_garbage_is_collected_on_the_gui_thread_only(qapp):
    import gc

    from kvoucher_desktop.views.gc import GuiGarbageCollector

    was_enabled = gc.isenabled()
    collector = GuiGarbageCollector(qapp, interval_ms=10_000)
    try:
        assert not gc.isenabled()  # no automatic collection in whatever thread allocates

        class Cycle:
            pass

        for _ in range(collector.policy.young + 10):
            a, b = Cycle(), Cycle()
            a.other, b.other = b, a
        assert gc.get_count()[0] > collector.policy.young
        collector.check()
        assert gc.get_count()[0] < collector.policy.young
    finally:
        collector.timer.stop()
        collector.deleteLater()
        if was_enabled:
            gc.enable()


def test_change_password_keeps_input_on_error_and_then_works(qtbot, window, sqlite_services):
    operator = make_operator(sqlite_services, login_id="desk-pw")
    window.set_actor(sqlite_services.accounts.login("desk-pw", PASSWORD))
    window.open_password_dialog()
    dialog = window.password_dialog
    qtbot.keyClicks(dialog.fields["old_password"], PASSWORD)
    qtbot.keyClicks(dialog.fields["password"], "short")
    qtbot.keyClicks(dialog.fields["password_confirm"], "short")
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=15000)
    assert "10자 이상" in dialog.error.text()
    assert dialog.fields["old_password"].text() == PASSWORD  # nothing typed is lost
    assert dialog.fields["password"].property("invalid") is True
    dialog.fields["password"].clear()
    dialog.fields["password_confirm"].clear()
    qtbot.keyClicks(dialog.fields["password"], "new-secret-2026")
    qtbot.keyClicks(dialog.fields["password_confirm"], "new-secret-2026")
    dialog.ok.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    assert window.actor is None and window.login_dialog.isVisible()  # every session ended: log in again
    assert sqlite_services.accounts.login("desk-pw", "new-secret-2026").user_id == operator.user_id
