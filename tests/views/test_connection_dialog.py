"""The shared-desk connection dialog: tests a URL off the GUI thread, refuses without a keyring."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import null

from kvoucher_desktop.views.main_window import MainWindow


@pytest.fixture
def dialog(qtbot, sqlite_services):
    window = MainWindow(sqlite_services, "SQLite: test")
    qtbot.addWidget(window)
    window.open_connection_settings()
    return window.connection_dialog


def test_bad_url_shows_korean_error_and_keeps_the_text(qtbot, dialog):
    dialog.url.setText("postgresql://nobody@127.0.0.1:1/nothing")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert "연결을 거부했습니다" in dialog.error.text()
    assert dialog.url.text() == "postgresql://nobody@127.0.0.1:1/nothing"
    assert dialog.test_button.isEnabled()


def test_working_url_is_described(qtbot, dialog, tmp_path):
    dialog.url.setText(f"sqlite:///{tmp_path}/desk.sqlite3")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result.text().startswith("연결되었습니다"), timeout=10000)


def test_saving_without_keyring_backend_explains_why(qtbot, dialog, tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    try:
        dialog.url.setText(f"sqlite:///{tmp_path}/desk.sqlite3")
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
        assert "키링" in dialog.error.text()
    finally:
        keyring.set_keyring(previous)
