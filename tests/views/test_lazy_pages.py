"""Pages are built when they are needed and cheaply under the application's style sheet: a login
builds the role's home page only; 서비스 요청 builds a tab's table when the tab is first shown; a page
is built inside the window's page stack (not polished again when added); the text colour and size
are the palette and font, so polishing a widget does not hand a font to each of its children."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from kvoucher_desktop.enums import DealTab
from kvoucher_desktop.views.deals.inbox import DealInboxPage
from kvoucher_desktop.views.pages import ROLE_HOME
from kvoucher_desktop.views.style import STYLE_SHEET, TEXT, apply_style
from tests.factories import make_agency
from tests.views.page_support import desk, settle  # noqa: F401  (desk is a fixture)
from tests.views.test_deal_inbox import Store


class Counter(QObject):
    """Counts events of one type the application delivers (to any object)."""

    def __init__(self, kind: QEvent.Type, of: str = ""):
        super().__init__()
        self.kind, self.of, self.count = kind, of, 0

    def eventFilter(self, obj, event) -> bool:
        if event.type() == self.kind and (not self.of or type(obj).__name__ == self.of):
            self.count += 1
        return False


def test_a_login_builds_the_home_page_of_the_role_only(qtbot, desk, sqlite_services):
    store = Store(sqlite_services)
    for actor in (make_agency(sqlite_services), store.supplier, store.demand):
        window = desk(actor)
        assert list(window.pages) == [ROLE_HOME[actor.role]]


def test_deal_inbox_builds_a_tab_when_it_is_first_shown(qtbot, desk, sqlite_services):
    store = Store(sqlite_services)
    window = desk(store.demand)
    page = window.open_page("deal_inbox")
    settle(qtbot)
    assert isinstance(page, DealInboxPage)
    first, *others = page.tab_keys
    assert list(page.models) == [first] and list(page.tables) == [first]
    for tab in others:  # an empty place until shown
        assert page.tabs.widget(page.tab_keys.index(tab)).findChildren(QTableView) == []
    page.set_tab(DealTab.PAYMENT_REQUESTED)
    settle(qtbot)
    holder = page.tabs.widget(page.tab_keys.index(DealTab.PAYMENT_REQUESTED))
    assert holder.findChildren(QTableView) == [page.tables[DealTab.PAYMENT_REQUESTED]]
    assert page.models[DealTab.PAYMENT_REQUESTED].rowCount() == 2  # loaded when built and shown
    assert DealTab.PAY not in page.models
    page.refresh()  # a refresh reloads what is built and builds nothing more
    settle(qtbot)
    assert set(page.models) == {first, DealTab.PAYMENT_REQUESTED}


def test_a_page_is_built_inside_the_page_stack_and_not_restyled_when_added(qtbot, desk, qapp, sqlite_services):
    window = desk(make_agency(sqlite_services))
    restyled = Counter(QEvent.Type.StyleChange, of="AccountAdminPage")
    qapp.installEventFilter(restyled)
    try:
        page = window.open_page("manage_accounts")
    finally:
        qapp.removeEventFilter(restyled)
    assert page.parent() is window.stack
    assert restyled.count == 0  # a page made elsewhere is restyled, with all it holds, when added
    settle(qtbot)


def test_the_text_colour_and_size_are_the_palette_and_font_not_a_rule_for_every_widget(qtbot, qapp):
    apply_style(qapp)
    assert "QWidget {" not in STYLE_SHEET
    assert qapp.palette().color(QPalette.ColorRole.WindowText) == QColor(TEXT)
    assert qapp.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text) == QColor(TEXT)
    assert qapp.font().pointSize() == 10
    fonts = Counter(QEvent.Type.FontChange)
    qapp.installEventFilter(fonts)
    try:
        host = QWidget()
        qtbot.addWidget(host)
        layout = QVBoxLayout(host)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        for i in range(10):
            inner_layout.addWidget(QLabel(f"항목 {i}"))
            inner_layout.addWidget(QPushButton("확인"))
        layout.addWidget(inner)
        host.show()
        qtbot.waitExposed(host)
    finally:
        qapp.removeEventFilter(fonts)
    assert fonts.count == 0  # a universal font rule sent one to every widget at each polish
    label = inner.findChildren(QLabel)[0]
    assert label.palette().color(QPalette.ColorRole.WindowText) == QColor(TEXT)


def test_the_shell_module_leaves_the_clock_and_the_simulator_for_later():
    """What only an open store needs is imported when it is attached, not before the first window."""
    code = ("import sys, kvoucher_desktop.views.main_window\n"
            "print(sorted(m for m in ('kvoucher_desktop.services.clock', 'kvoucher_desktop.views.simulator',"
            " 'kvoucher_desktop.services.registry', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "[]"


def test_deal_inbox_builds_its_detail_panel_in_a_step_after_the_frame(qtbot, desk, sqlite_services):
    store = Store(sqlite_services)
    window = desk(store.demand)
    page = window.open_page("deal_inbox")
    assert page._detail is None  # the frame and the first tab first, in the opening event
    assert page.splitter.count() == 1
    first = page.tab_keys[0]
    assert list(page.models) == [first] and not dict.__contains__(page.tables, first)  # its table a step later
    settle(qtbot)
    holder = page.tabs.widget(0)
    assert dict.__contains__(page.tables, first) and holder.findChildren(QTableView) == [page.tables[first]]
    assert page._detail is not None and page.splitter.widget(1) is page.detail
    assert page.splitter.sizes()[0] > page.splitter.sizes()[1]  # the lists first


def test_the_screening_dashboard_builds_its_detail_panel_in_a_step_after_the_frame(qtbot, desk, sqlite_services):
    """The operator's home and the agency's 심사관리: the list first, in the event that builds the
    page; the company detail a step later, and at once when something asks for it before that."""
    from kvoucher_desktop.views.screening.dashboard import ScreeningDashboardPage

    window = desk(make_agency(sqlite_services))
    page = window.open_page("screening_dashboard")
    assert isinstance(page, ScreeningDashboardPage)
    assert page._detail is None and page.splitter.count() == 1
    settle(qtbot)
    assert page._detail is not None and page.splitter.widget(1) is page.detail
    assert page.splitter.sizes()[0] > page.splitter.sizes()[1]  # the list first
    early = ScreeningDashboardPage(window.ctx)
    qtbot.addWidget(early)
    assert early._detail is None and early.detail is early._detail and early.splitter.widget(1) is early.detail


def test_the_demand_home_builds_its_history_table_in_a_step_after_the_frame(qtbot, desk, sqlite_services):
    store = Store(sqlite_services)
    window = desk(store.demand)
    window._reset_pages()
    page = window.open_page(ROLE_HOME[store.demand.role])
    assert page._history_table is None  # the frame first, in the opening event
    settle(qtbot)
    assert page._history_table is not None and page.findChildren(QTableView) == [page.history_table]
    qtbot.waitUntil(lambda: page.history_model.rowCount() > 0, timeout=3000)


def test_a_login_builds_the_home_page_first_and_closes_the_dialog_a_step_later(qtbot, desk, sqlite_services):
    store = Store(sqlite_services)
    window = desk(store.demand)
    window.logout()
    window.open_login()
    dialog = window.login_dialog
    dialog._done((store.demand, ""))
    assert window.actor is store.demand and list(window.pages) == [ROLE_HOME[store.demand.role]]
    assert dialog.isVisible()  # closing it is a step of its own
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def test_company_tabs_build_and_fill_a_tab_when_it_is_first_shown(qtbot, desk, sqlite_services):
    from PySide6.QtWidgets import QTableView

    from kvoucher_desktop.enums import ScreeningStatus
    from tests.factories import company_in_state, make_operator

    operator = make_operator(sqlite_services)
    first, first_id = company_in_state(sqlite_services, ScreeningStatus.ON_HOLD, operator=operator)
    second, second_id = company_in_state(sqlite_services, ScreeningStatus.REVIEWING, operator=operator)
    window = desk(operator)
    page = window.open_page("screening_dashboard")
    settle(qtbot)
    tabs = page.detail.tabs
    assert tabs.built == {0}  # 기업정보 only; the others are empty places
    for index in (1, 2, 3):
        assert tabs.widget(index).findChildren(QTableView) == []
    assert page.select_company(first_id)
    settle(qtbot)
    assert tabs.built == {0}
    first_name = sqlite_services.companies.get(first).info.name
    assert first_name != sqlite_services.companies.get(second).info.name
    assert tabs.info_labels["name"].text() == first_name

    tabs.setCurrentIndex(2)  # 심사 이력: built and filled when shown
    assert 2 in tabs.built
    assert tabs.widget(2).findChildren(QTableView) == [tabs.history_table]
    assert [e.action_label for e in tabs.history_model.rows()][-1] == "심사보류"

    assert page.select_company(second_id)  # fills the shown tab; 기업정보 when shown again
    settle(qtbot)
    assert [e.action_label for e in tabs.history_model.rows()][-1] != "심사보류"
    assert tabs.info_labels["name"].text() == first_name  # not shown: not filled yet
    tabs.setCurrentIndex(0)
    assert tabs.info_labels["name"].text() == sqlite_services.companies.get(second).info.name

    assert 3 not in tabs.built
    assert page.detail.changes_model.rowCount() == len(sqlite_services.companies.history(second))
    assert 3 in tabs.built  # reading a part builds (and fills) its tab


def test_deal_inbox_builds_its_first_table_and_its_detail_panel_in_separate_steps(qtbot, desk, sqlite_services,
                                                                                   monkeypatch):
    """Two build steps due at the same moment run back to back in one event: the detail panel's
    step is scheduled only once the first table is built, so the loop paints and reads input between."""
    from kvoucher_desktop.views.deals import inbox as inbox_module

    store = Store(sqlite_services)
    window = desk(store.demand)
    scheduled: list = []
    monkeypatch.setattr(inbox_module.QTimer, "singleShot", lambda _ms, *args: scheduled.append(args[-1]))
    page = window.open_page("deal_inbox")
    first = page.tab_keys[0]
    assert "_build_detail" not in [getattr(fn, "__name__", "") for fn in scheduled] and page._detail is None
    pending = list(scheduled)  # the steps scheduled with the page: the first table among them
    scheduled.clear()
    for fn in pending:
        fn()
    assert dict.__contains__(page.tables, first) and page._detail is None
    assert [getattr(fn, "__name__", "") for fn in scheduled] == ["_build_detail"]  # now, a step of its own
    scheduled.pop()()
    assert page._detail is not None and page.splitter.widget(1) is page.detail


def test_logging_out_hides_the_pages_at_once_and_deletes_them_one_per_step(qtbot, desk, sqlite_services,
                                                                           monkeypatch):
    import shiboken6
    from PySide6.QtCore import QCoreApplication

    from kvoucher_desktop.views import main_window as window_module

    store = Store(sqlite_services)
    window = desk(store.demand)
    opened = [window.open_page(key) for key in ("catalog", "deal_inbox", "voucher")]
    settle(qtbot)
    scheduled: list = []
    monkeypatch.setattr(window_module.QTimer, "singleShot", lambda _ms, *args: scheduled.append(args[-1]))
    old = list(window.pages.values())
    assert set(opened) <= set(old) and len(old) >= 4  # the home page too
    window._reset_pages()
    assert all(window.stack.indexOf(p) == -1 and not p.isVisible() for p in old)  # gone from the screen at once
    deleted = []
    for step in range(len(old)):
        assert len(scheduled) == 1, step
        scheduled.pop()()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        deleted = [p for p in old if not shiboken6.isValid(p)]
        assert len(deleted) == step + 1  # one page per step
    assert scheduled == [] and window._retired == []
