"""A session the store no longer vouches for sends the window back to the login with the Korean
message; a password change asks to log in again; the agency locks an account from its page."""

from __future__ import annotations

import pytest

from kvoucher_desktop.enums import Role
from kvoucher_desktop.services.errors import SESSION_INVALID_MESSAGE, SessionInvalid
from kvoucher_desktop.views.password import PASSWORD_CHANGED_MESSAGE
from tests.factories import PASSWORD, make_agency, make_operator
from tests.views.page_support import desk, settle  # noqa: F401  (desk is a fixture)


def _back_at_the_login(window, message: str) -> bool:
    dialog = getattr(window, "login_dialog", None)
    return (window.actor is None and dialog is not None and dialog.isVisible()
            and dialog.error.text() == message)


def test_a_load_after_the_agency_locked_the_account_returns_to_the_login(qtbot, desk, sqlite_services):
    services = sqlite_services
    operator = make_operator(services, login_id="desk-locked")
    window = desk(operator)
    assert window.current_key == "screening_dashboard" and window.logout_button.isVisible()
    services.accounts.lock(make_agency(services), operator.user_id, "퇴직")  # behind the window's back
    window.open_page("screening_dashboard")  # a reload: its background calls are refused
    qtbot.waitUntil(lambda: _back_at_the_login(window, SESSION_INVALID_MESSAGE), timeout=15_000)
    settle(qtbot)
    assert window.current_key == "home" and window.login_button.isVisible()
    assert not window.logout_button.isVisible()
    assert "운영기관" not in window.user_label.text()
    assert window.login_dialog.login_id.text() == "desk-locked"  # typed for the user already


def test_a_session_ended_at_another_desk_returns_to_the_login_once(qtbot, desk, sqlite_services):
    services = sqlite_services
    agency = make_agency(services)
    window = desk(agency)
    services.accounts.logout(agency)  # the same handle, logged out elsewhere
    page = window.open_page("manage_accounts")
    page.refresh()  # two loads refused: one return to the login
    qtbot.waitUntil(lambda: _back_at_the_login(window, SESSION_INVALID_MESSAGE), timeout=15_000)
    first_dialog = window.login_dialog
    settle(qtbot)
    assert window.login_dialog is first_dialog


def test_after_a_password_change_the_window_asks_to_log_in_again(qtbot, desk, sqlite_services):
    services = sqlite_services
    operator = make_operator(services, login_id="desk-newpw")
    window = desk(operator)
    window.open_password_dialog()
    dialog = window.password_dialog
    dialog.fields["old_password"].setText(PASSWORD)
    dialog.fields["password"].setText("changed-secret-2026")
    dialog.fields["password_confirm"].setText("changed-secret-2026")
    dialog.ok.click()
    qtbot.waitUntil(lambda: _back_at_the_login(window, PASSWORD_CHANGED_MESSAGE), timeout=15_000)
    assert not dialog.isVisible()
    with pytest.raises(SessionInvalid):
        services.screening.counts(operator)
    login = window.login_dialog
    assert login.login_id.text() == "desk-newpw"
    login.password.setText("changed-secret-2026")
    login.ok.click()
    qtbot.waitUntil(lambda: window.actor is not None, timeout=15_000)
    assert window.actor.user_id == operator.user_id
    settle(qtbot)


def test_logout_ends_the_session_in_the_store(qtbot, desk, sqlite_services):
    services = sqlite_services
    operator = make_operator(services)
    window = desk(operator)
    window.logout_button.click()
    settle(qtbot)
    assert window.actor is None
    with pytest.raises(SessionInvalid):
        services.screening.counts(operator)


def test_the_agency_locks_an_account_from_the_accounts_page(qtbot, desk, sqlite_services):
    services = sqlite_services
    operator = make_operator(services, login_id="to-be-locked")
    window = desk(make_agency(services))
    page = window.open_page("manage_accounts")
    settle(qtbot)
    assert not page.lock_button.isEnabled()
    row = next(i for i, u in enumerate(page.model.rows()) if u.login_id == "to-be-locked")
    page.table.selectRow(row)
    assert page.lock_button.isEnabled()
    page.lock_button.click()
    reason = page.pending_dialog
    reason.ok_button.click()  # an empty reason is refused in the dialog
    assert reason.isVisible() and reason.error.text()
    reason.edit.setPlainText("퇴직자 계정")
    reason.ok_button.click()
    settle(qtbot)
    status_column = page.model.columnCount() - 1
    row = next(i for i, u in enumerate(page.model.rows()) if u.login_id == "to-be-locked")
    assert page.model.index(row, status_column).data() == "잠김 (사용 중지)"
    assert page.message.title.text() == "'to-be-locked' 계정을 잠갔습니다."
    with pytest.raises(SessionInvalid):
        services.screening.counts(operator)
    # the same page unlocks it again
    page.table.selectRow(row)
    page.unlock_button.click()
    settle(qtbot)
    assert page.model.index(row, status_column).data() == "정상"
    assert services.accounts.login("to-be-locked", PASSWORD).role is Role.OPERATOR
