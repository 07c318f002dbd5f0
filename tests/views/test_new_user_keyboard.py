"""The keyboard as a new user tried it (issue: what a new user tripped over): a visible focus on
buttons, tiles and tabs; Enter and Space open a home tile; Ctrl+F goes to the page's search box
and F5 reloads the page; read-only fields are not Tab stops."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLineEdit, QPushButton, QTabWidget, QVBoxLayout, QWidget

from kvoucher_desktop.enums import DealTab
from kvoucher_desktop.views.public import TileButton
from kvoucher_desktop.views.style import apply_style
from kvoucher_desktop.views.widgets.forms import set_read_only, skip_read_only_fields
from tests.factories import make_agency
from tests.views.page_support import desk, settle, shell, shoot  # noqa: F401  (desk, shell: fixtures)
from tests.views.test_deal_inbox import Store


@pytest.fixture
def window(shell):
    return shell(size=(1280, 800), active=True)


def picture(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    qtbot.wait(10)


# --- a visible focus ----------------------------------------------------------------------------------
def test_buttons_tiles_and_tabs_show_where_the_focus_is(qtbot, qapp):
    apply_style(qapp)
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    other = QLineEdit()
    button = QPushButton("저장")
    primary = QPushButton("승인")
    primary.setObjectName("primary")
    tile = TileButton("화상회의\n서비스 3개")
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "거래상담")
    tabs.addTab(QWidget(), "거래수락")
    for w in (other, button, primary, tile, tabs):
        layout.addWidget(w)
    host.show()
    host.activateWindow()
    qtbot.waitExposed(host)
    bar = tabs.tabBar()
    for widget in (button, primary, tile, bar):
        focus(qtbot, other)
        before = picture(widget)
        focus(qtbot, widget)
        assert picture(widget) != before, f"no visible focus on {widget!r}"


# --- tiles ------------------------------------------------------------------------------------------
def test_enter_and_space_open_a_home_tile(qtbot, window):
    home = window.pages["home"]
    qtbot.waitUntil(lambda: len(home.tile_buttons) == 6)
    first = home.tile_buttons[0]
    assert first.focusPolicy() & Qt.FocusPolicy.TabFocus
    focus(qtbot, first)
    qtbot.keyClick(first, Qt.Key.Key_Return)
    settle(qtbot)
    assert window.current_key == "catalog"
    assert window.pages["catalog"].current_category() == first.property("category")

    window.open_page("home")
    settle(qtbot)
    qtbot.waitUntil(lambda: len(home.tile_buttons) == 6)
    second = home.tile_buttons[1]  # the tiles are drawn again each time 홈 is shown
    focus(qtbot, second)
    qtbot.keyClick(second, Qt.Key.Key_Space)
    settle(qtbot)
    assert window.current_key == "catalog"
    assert window.pages["catalog"].current_category() == second.property("category")


# --- Ctrl+F and F5 --------------------------------------------------------------------------------------
def test_ctrl_f_goes_to_the_pages_search_box_else_the_headers(qtbot, window):
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # on 홈: no box of its own
    assert window.search.hasFocus()
    page = window.open_page("catalog")
    settle(qtbot)
    focus(qtbot, page.search_button)
    qtbot.keyClick(page.search_button, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.box.hasFocus()


def test_ctrl_f_finds_a_search_box_on_a_page_without_its_own_method(qtbot, desk, sqlite_services):
    window = desk(make_agency(sqlite_services))
    page = window.open_page("manage_accounts")
    settle(qtbot)
    assert not hasattr(page, "focus_search")
    window.activateWindow()
    window.focus_search()
    box = window.focusWidget()
    assert box is not window.search and page.isAncestorOf(box)


def test_f5_reloads_the_current_page(qtbot, desk, sqlite_services):
    store = Store(sqlite_services)
    window = desk(store.supplier)
    page = window.open_page("deal_inbox")
    settle(qtbot)
    assert page.tab_title(DealTab.CONSULT) == "거래상담 (1)"
    # a new request arrives from another desk; nothing on this one announced it
    deal = sqlite_services.deals.request(store.demand, store.big.id, "그룹웨어 도입 상담")
    assert deal is not None
    window.ctx.show_success("이전 작업을 마쳤습니다.")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F5)
    settle(qtbot)
    assert page.tab_title(DealTab.CONSULT) == "거래상담 (2)"
    assert window.feedback.isHidden()  # a new action: the last one's message went


# --- read-only fields ---------------------------------------------------------------------------------
def test_read_only_fields_are_no_tab_stops(qtbot, desk, sqlite_services):
    window = desk(make_agency(sqlite_services))
    page = window.open_page("programme_settings")
    settle(qtbot)
    assert page.year.isReadOnly() and page.year.focusPolicy() == Qt.FocusPolicy.ClickFocus
    codes = [page.category_grid.itemAtPosition(i, 0).widget() for i in range(6)]
    assert all(c.focusPolicy() == Qt.FocusPolicy.ClickFocus for c in codes)
    edit = page.category_edits["VIDEO"]
    assert edit.focusPolicy() == Qt.FocusPolicy.StrongFocus
    # Tab from the field before a read-only one goes past it
    chain, widget = [], page.category_edits["VIDEO"]
    for _ in range(4):
        widget = widget.nextInFocusChain()
        chain.append(widget)
    tab_stops = [w for w in chain if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible()]
    assert not any(w in codes for w in tab_stops)


def test_a_field_that_turns_read_only_later_leaves_the_tab_chain(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    field = QLineEdit(host)
    skip_read_only_fields(host)
    assert field.focusPolicy() == Qt.FocusPolicy.StrongFocus
    field.setReadOnly(True)  # code that does not know the helper
    assert field.focusPolicy() == Qt.FocusPolicy.ClickFocus
    field.setReadOnly(False)
    assert field.focusPolicy() == Qt.FocusPolicy.StrongFocus
    set_read_only(field)
    assert field.isReadOnly() and field.focusPolicy() == Qt.FocusPolicy.ClickFocus


def test_enter_presses_the_focused_button_of_a_page(qtbot, desk, sqlite_services):  # noqa: F811
    from tests.factories import make_supplier_account

    window = desk(make_supplier_account(sqlite_services))
    page = window.open_page("supplier_home")
    settle(qtbot)
    window.activateWindow()
    focus(qtbot, page.services_button)
    qtbot.keyClick(page.services_button, Qt.Key.Key_Return)
    settle(qtbot)
    assert window.current_key == "supplier_services"


def test_buttons_built_after_the_page_press_on_enter_too(qtbot, desk, sqlite_services):  # noqa: F811
    """The inbox builds its detail panel and tables in steps after its frame: their buttons are
    "auto default" (Enter presses them) as well, because the style sheet says so for every button."""
    from PySide6.QtWidgets import QPushButton

    from tests.factories import make_supplier_account

    window = desk(make_supplier_account(sqlite_services))
    page = window.open_page("deal_inbox")
    settle(qtbot)
    qtbot.waitUntil(lambda: page._detail is not None)
    buttons = page.detail.findChildren(QPushButton)
    assert buttons
    assert all(b.autoDefault() for b in buttons), [b.text() for b in buttons if not b.autoDefault()]


# --- full-width digits in number and date fields (SPEC §8) ---------------------------------------------
def test_full_width_digits_count_in_date_and_number_fields(qtbot):
    """０–９ typed in a Korean input mode land as digits in a date field and a spin box, by key
    presses and by an input method's commit; other text is left to the field."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QInputMethodEvent, QKeyEvent
    from PySide6.QtWidgets import QApplication, QSpinBox

    from kvoucher_desktop.views.widgets.wide_digits import accept_wide_digits, date_field, day_of, narrow

    host = QWidget()
    qtbot.addWidget(host)
    day = date_field(parent=host)
    spin = accept_wide_digits(QSpinBox(host))
    spin.setRange(0, 90)
    host.show()

    def type_wide(widget, text: str) -> None:  # what a full-width input mode sends (QTest takes ASCII only)
        for ch in text:
            QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))

    day.setFocus()
    day.setSelectedSection(day.Section.YearSection)
    type_wide(day, "２０２４")
    assert day_of(day).year == 2024
    spin.setFocus()
    spin.selectAll()
    type_wide(spin, "３")
    assert spin.value() == 3
    spin.selectAll()
    QApplication.sendEvent(spin, QInputMethodEvent("", []))  # nothing to commit: nothing happens
    QApplication.sendEvent(spin, QInputMethodEvent("４", []))  # composing…
    commit = QInputMethodEvent()
    commit.setCommitString("４５")
    QApplication.sendEvent(spin, commit)
    assert spin.value() == 45 and spin.text() == "45"
    from PySide6.QtGui import QGuiApplication  # pasted full-width digits count too
    QGuiApplication.clipboard().setText("１２")
    spin.selectAll()
    qtbot.keyClick(spin, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert spin.value() == 12
    QGuiApplication.clipboard().setText("２０２５")
    day.setFocus()
    day.setSelectedSection(day.Section.YearSection)
    qtbot.keyClick(day, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert day_of(day).year == 2025
    assert narrow("２０２６－０３－０５") == "2026-03-05" and narrow("abc") == "abc"


def test_a_date_field_holds_only_the_dates_a_service_takes(qtbot):
    """The services take 2000-01-01…2100-12-31; the field does not let a user pick 1752 or 9999
    and then be refused."""
    from kvoucher_desktop.services.rules.limits import DATE_MAX, DATE_MIN
    from kvoucher_desktop.views.widgets.wide_digits import date_field, day_of

    day = date_field(date(2026, 3, 5))
    qtbot.addWidget(day)
    day.setDate(day.date().addYears(-500))
    assert day_of(day) == DATE_MIN
    day.setDate(day.date().addYears(5000))
    assert day_of(day) == DATE_MAX
    day.setFocus()
    day.setSelectedSection(day.Section.YearSection)
    qtbot.keyClicks(day, "1999")
    assert DATE_MIN <= day_of(day) <= DATE_MAX
