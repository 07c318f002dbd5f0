"""Shared pieces of the screening/agency page tests: one real MainWindow per logged-in actor,
waiting for background work, and saving screenshots."""

from __future__ import annotations

from tests.views.helpers import shoot as _shoot

import pytest

from kvoucher_desktop.views.main_window import MainWindow
from kvoucher_desktop.views.style import apply_style
from kvoucher_desktop.views.tasks import pending_tasks


def settle(qtbot, timeout: int = 10_000) -> None:
    """Wait until every background task has reported back to the GUI thread."""
    qtbot.waitUntil(lambda: pending_tasks() == 0, timeout=timeout)
    qtbot.wait(10)


@pytest.fixture
def shell(qtbot, qapp, sqlite_services, _windows_closed_last):
    """`shell(size=None, active=False)` -> a shown MainWindow on the shared store, nobody logged in,
    its first loads settled; `active` also activates it and waits until it is exposed (for focus).
    Closed and deleted by `_windows_closed_last` after every other fixture, like `desk`'s."""
    apply_style(qapp)

    def open_shell(size: tuple[int, int] | None = None, active: bool = False) -> MainWindow:
        window = MainWindow(sqlite_services, "SQLite: test")
        _windows_closed_last.append(window)
        if size is not None:
            window.resize(*size)
        window.show()
        if active:
            window.activateWindow()
            qtbot.waitExposed(window)
        settle(qtbot)
        return window

    yield open_shell
    settle(qtbot)


@pytest.fixture
def desk(qtbot, qapp, sqlite_services, _windows_closed_last):
    """`desk(actor)` -> a shown MainWindow logged in as `actor` on the shared store.

    The windows are not handed to `qtbot.addWidget`: at teardown this fixture waits for the
    background work with the windows still open, and `_windows_closed_last` (tests/conftest.py)
    closes and deletes them after every other fixture, whatever order a test names them in."""
    apply_style(qapp)
    windows = _windows_closed_last

    def open_desk(actor, size=(1280, 820)) -> MainWindow:
        window = MainWindow(sqlite_services, "SQLite: test")
        windows.append(window)
        window.resize(*size)
        window.show()
        settle(qtbot)  # the public home page loads first; let it finish before login replaces it
        window.set_actor(actor)
        settle(qtbot)
        return window

    yield open_desk
    settle(qtbot)  # every callback lands on an open page (the windows close after all teardowns)


def shoot(widget, name: str) -> str | None:
    return _shoot(widget, f"page_{name}")
