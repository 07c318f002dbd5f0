"""Finding the way as a new user (issue: what a new user tripped over): the header search box and
the catalog's box say the same after every search; a menu of one page opens it with one click;
the 심사보류 notice has a button to 기업정보 수정."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kvoucher_desktop.enums import ScreeningStatus
from tests.factories import company_in_state
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shell, shoot  # noqa: F401  (desk, shell: fixtures)


@pytest.fixture
def window(shell):
    return shell(size=(1280, 800))


# --- one query in both boxes ----------------------------------------------------------------------------
def test_header_and_catalog_boxes_stay_in_step_both_ways(qtbot, window):
    type_text(window.search, "화상")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    settle(qtbot)
    page = window.pages["catalog"]
    assert window.current_key == "catalog" and page.box.text() == "화상"

    type_text(page.box, "보안", replace=True)  # a new search from the page's own box
    qtbot.keyClick(page.box, Qt.Key.Key_Return)
    settle(qtbot)
    assert page.model.query == "보안"
    assert window.search.text() == "보안"

    window.open_page("home")
    home = window.pages["home"]
    qtbot.waitUntil(lambda: len(home.tile_buttons) == 6)
    home.tile_buttons[0].click()  # a category tile searches without a query
    settle(qtbot)
    assert page.box.text() == "" and window.search.text() == ""


# --- menus of one page ------------------------------------------------------------------------------------
def test_a_menu_with_one_page_opens_it_directly(qtbot, window):
    actions = {a.text(): a for a in window.menuBar().actions()}
    guide = actions["사업안내"]
    assert guide.menu() is None  # no drop-down with a single item
    guide.trigger()
    settle(qtbot)
    assert window.current_key == "guide"
    assert actions["설정"].menu() is not None  # several items: still a menu


def test_demand_menus_keep_drop_downs_only_where_there_are_several_pages(qtbot, desk, sqlite_services):
    demand, _company = company_in_state(sqlite_services, ScreeningStatus.APPROVED)
    win = desk(demand)
    actions = {a.text(): a for a in win.menuBar().actions()}
    assert actions["기업정보관리"].menu() is not None
    voucher = actions["바우처 신청"]
    assert voucher.menu() is None and win.page_actions["voucher"] is voucher
    voucher.trigger()
    settle(qtbot)
    assert win.current_key == "voucher"


# --- 심사보류 → 기업정보 수정 ----------------------------------------------------------------------------------
def test_on_hold_notice_has_a_button_to_company_info(qtbot, desk, sqlite_services):
    demand, _company = company_in_state(sqlite_services, ScreeningStatus.ON_HOLD)
    win = desk(demand)
    page = win.open_page("screening_status")
    settle(qtbot)
    assert page.view.status is ScreeningStatus.ON_HOLD
    button = page.edit_info_button
    assert button.isVisible() and button.text() == "기업정보 수정"
    assert page.explanation.isAncestorOf(button)  # inside the 심사보류 notice
    shoot(win, "status_on_hold_button")
    button.click()
    settle(qtbot)
    assert win.current_key == "company_info"


def test_other_states_show_no_such_button(qtbot, desk, sqlite_services):
    demand, _company = company_in_state(sqlite_services, ScreeningStatus.REVIEWING)
    win = desk(demand)
    page = win.open_page("screening_status")
    settle(qtbot)
    assert page.view.status is ScreeningStatus.REVIEWING
    assert not page.edit_info_button.isVisible()
