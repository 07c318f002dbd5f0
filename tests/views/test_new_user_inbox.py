"""서비스 요청 as a new user found it (issue: what a new user tripped over): after a tab switch the
detail pane shows the new tab's selection or nothing; 서비스명 and company names get the width
they need while 메모 takes what is left; the headers sort the loaded rows."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHeaderView

from kvoucher_desktop.enums import DealTab
from kvoucher_desktop.services.dto import ServiceForm
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)
from tests.views.test_deal_inbox import Store, open_inbox, select, show_tab

T = DealTab
LONG_SERVICE = "클라우드 화상회의·웨비나 통합 솔루션 1년 이용권"
LONG_COMPANY = "주식회사 테스트상사 비대면사업본부"


@pytest.fixture
def store(sqlite_services):
    return Store(sqlite_services)


def header_click(qtbot, table, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


# --- the detail pane follows the tab ----------------------------------------------------------------
def test_a_tab_switch_shows_that_tabs_selection_or_nothing(qtbot, desk, store):
    _window, page = open_inbox(qtbot, desk, store.demand)
    select(qtbot, page, store.consult)
    show_tab(qtbot, page, T.PAYMENT_REQUESTED)  # nothing picked there yet
    assert page.detail.deal_id is None and page.detail.view is None
    assert page.detail.placeholder.isVisible() and not page.detail.content.isVisible()

    select(qtbot, page, store.pr_a)
    show_tab(qtbot, page, T.CONSULT)  # back: the deal still selected in 거래상담
    assert page.detail.view is not None and page.detail.view.id == store.consult
    show_tab(qtbot, page, T.PAYMENT_REQUESTED)
    assert page.detail.view.id == store.pr_a
    show_tab(qtbot, page, T.CART)  # an empty tab
    assert page.detail.deal_id is None and page.detail.placeholder.isVisible()


# --- column widths ----------------------------------------------------------------------------------
def long_named_deal(store: Store):
    services = store.services
    category = services.programme.categories()[0].code
    service = services.catalog.save_service(store.supplier, ServiceForm(
        name=LONG_SERVICE, category_code=category, keywords="화상회의", price=2_000_000,
        description="긴 이름의 서비스입니다."))
    service = getattr(service, "value", service)
    deal = services.deals.request(store.demand, service.id, "긴 메모 " * 30)
    return getattr(deal, "value", deal).id


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)])
def test_names_get_their_width_and_memo_takes_the_rest(qtbot, desk, store, size):
    deal_id = long_named_deal(store)
    window = desk(store.supplier, size=size)
    page = window.open_page("deal_inbox")
    settle(qtbot)
    qtbot.wait(20)
    table, model = page.tables[T.CONSULT], page.models[T.CONSULT]
    assert model.position_of(deal_id) is not None
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    last = len(model.columns) - 1
    assert model.columns[last].title == "메모"
    assert header.sectionResizeMode(last) == QHeaderView.ResizeMode.Stretch
    service_width = header.sectionSize(0)
    assert service_width >= metrics.horizontalAdvance(LONG_SERVICE) + 8  # at either size
    if size[0] >= 1600:  # 메모 still has the rest
        assert header.sectionSize(last) >= 120  # 메모 takes what is left
    for column in model.name_columns:  # the longest loaded name of each name column is whole
        longest = max((model.columns[column].text(r) for r in model.rows()), key=metrics.horizontalAdvance)
        assert header.sectionSize(column) >= metrics.horizontalAdvance(longest) + 8, longest
    assert header.sectionSize(1) >= metrics.horizontalAdvance("테스트상사") + 8
    shoot(window, f"deal_inbox_widths_{size[0]}")


def test_a_resize_shares_out_the_width_without_measuring_the_rows_again(qtbot, desk, store, monkeypatch):
    """The texts of the loaded rows are measured once; a resize (the window dragged wider or
    narrower, many events) only shares out the width; new rows are measured again."""
    from kvoucher_desktop.views.deals import inbox

    long_named_deal(store)
    window = desk(store.supplier, size=(1600, 900))
    page = window.open_page("deal_inbox")
    settle(qtbot)
    measured = []
    real = inbox._need
    monkeypatch.setattr(inbox, "_need", lambda *args: measured.append(args) or real(*args))
    table, model = page.tables[T.CONSULT], page.models[T.CONSULT]
    narrow_before = table.horizontalHeader().sectionSize(0)
    for width in (1280, 1440, 1920, 1300):
        window.resize(width, 900)
        qtbot.wait(5)
        inbox.fit_name_columns(table, model)
    assert measured == []
    assert table.horizontalHeader().sectionSize(0) >= min(narrow_before, model.columns[0].width)
    model.update_row(dataclasses.replace(model.rows()[0]))  # a row patched in place (a refresh): a new object
    inbox.fit_name_columns(table, model)
    assert {args[2] for args in measured} == {c.title for c in model.columns[:-1]}  # every column but 메모
    count = len(measured)
    inbox.fit_name_columns(table, model)
    assert len(measured) == count


# --- sorting ----------------------------------------------------------------------------------------
def test_headers_sort_the_loaded_rows_and_a_third_click_restores_the_order(qtbot, desk, store):
    _window, page = open_inbox(qtbot, desk, store.demand)
    model = show_tab(qtbot, page, T.PAYMENT_REQUESTED)
    table = page.tables[T.PAYMENT_REQUESTED]
    natural = [r.id for r in model.rows()]
    assert set(natural) == {store.pr_a, store.pr_b}
    amount = [c.title for c in model.columns].index("금액")
    select(qtbot, page, store.pr_b)

    header_click(qtbot, table, amount)
    assert [r.amount for r in model.rows()] == [500_000, 800_000]
    assert table.horizontalHeader().sortIndicatorSection() == amount
    header_click(qtbot, table, amount)
    assert [r.amount for r in model.rows()] == [800_000, 500_000]
    # the selection follows its row through the sort
    assert [model.row_at(i.row()).id for i in table.selectionModel().selectedRows()] == [store.pr_b]
    assert page.detail.view.id == store.pr_b

    # a refresh keeps the order the user chose
    page.refresh()
    settle(qtbot)
    assert [r.amount for r in model.rows()] == [800_000, 500_000]

    header_click(qtbot, table, amount)  # third click: back to the inbox's order
    assert [r.id for r in model.rows()] == natural


def test_rows_loaded_later_take_their_place_in_the_chosen_order(qtbot, desk, store, qtmodeltester):
    _window, page = open_inbox(qtbot, desk, store.demand)
    model = show_tab(qtbot, page, T.PAYMENT_REQUESTED)
    natural = model.rows()
    service_column = 0
    model.sort(service_column, Qt.SortOrder.AscendingOrder)
    first = model.rows()
    later = [dataclasses.replace(first[0], id=uuid.uuid4(), service_name="가나다 서비스"),
             dataclasses.replace(first[0], id=uuid.uuid4(), service_name="하하 서비스")]
    model.append_rows(later)  # as a further page would arrive while scrolling
    names = [r.service_name for r in model.rows()]
    assert names == sorted(names) and len(names) == 4
    qtmodeltester.check(model, force_py=True)
    model.sort(-1)
    assert [r.id for r in model.rows()] == [r.id for r in natural] + [r.id for r in later]  # arrival order


# --- a 1280x800 screen with the demo's long names ------------------------------------------------------
DEMO_SERVICE = "마음쉼표 임직원 원격 심리상담 (30인·6개월)"
DEMO_SUPPLIER = "마음쉼표헬스케어"
DEMO_DEMAND = "주식회사 한빛소프트랩"


def demo_named_store(sqlite_services):
    """Deals with names as long as the demo's, in every tab the checks below look at."""
    from tests.factories import company_in_state, make_supplier_account
    from kvoucher_desktop.enums import PaymentMethod, ScreeningStatus

    services = sqlite_services
    supplier = make_supplier_account(services, name=DEMO_SUPPLIER)
    category = services.programme.categories()[0].code
    demand, _ = company_in_state(services, ScreeningStatus.APPROVED, name=DEMO_DEMAND)
    services.vouchers.choose_payment_method(demand, PaymentMethod.SHINHAN_CARD)
    ids = []
    for i, name in enumerate((DEMO_SERVICE, "걸음건강 비대면 건강관리 앱 (50인·12개월)", "시니어안심 비대면 돌봄 서비스 (가족 20명)")):
        service = services.catalog.save_service(supplier, ServiceForm(
            name=name, category_code=category, keywords="상담", price=1_200_000,
            description="비대면 서비스입니다.")).value
        deal = services.deals.request(demand, service.id, "임직원 30명이 6개월 동안 이용할 수 있는지 상담을 요청드립니다.").value
        ids.append(deal.id)
    services.deals.accept(supplier, ids[1])
    services.deals.accept(supplier, ids[2])
    services.deals.request_payment(supplier, ids[2], 1_200_000)
    return supplier, demand, ids


def at_1280_by_800(desk, actor):
    from PySide6.QtCore import QRect

    from kvoucher_desktop.views.window_size import fit_to_screen

    window = desk(actor)
    fit_to_screen(window, window.page_area, QRect(0, 0, 1280, 800))
    return window


def names_are_whole(table, model) -> None:
    header, metrics = table.horizontalHeader(), table.fontMetrics()
    assert model.rowCount() > 0
    for column in model.name_columns:
        longest = max((model.columns[column].text(r) for r in model.rows()), key=metrics.horizontalAdvance)
        assert header.sectionSize(column) >= metrics.horizontalAdvance(longest) + 8, longest
    right = header.sectionViewportPosition(len(model.columns) - 1) + header.sectionSize(len(model.columns) - 1)
    assert right <= table.viewport().width()  # no column pushed out of sight: 메모 is the one cut


def in_view(window, widget) -> bool:
    """`widget` is drawn and lies inside the page area's viewport as it is scrolled now."""
    viewport = window.page_area.viewport()
    rect = widget.rect().translated(widget.mapTo(viewport, widget.rect().topLeft()))
    return widget.isVisible() and not widget.visibleRegion().isEmpty() and viewport.rect().contains(rect)


def test_at_1280_by_800_the_demo_names_are_whole(qtbot, desk, sqlite_services):
    supplier, demand, _ids = demo_named_store(sqlite_services)
    for actor, tabs in ((demand, (T.CONSULT, T.PAY)), (supplier, (T.CONSULT, T.PAYMENT_REQUESTED))):
        window = at_1280_by_800(desk, actor)
        page = window.open_page("deal_inbox")
        settle(qtbot)
        for tab in tabs:
            show_tab(qtbot, page, tab)
            qtbot.wait(20)
            names_are_whole(page.tables[tab], page.models[tab])
        shoot(window, f"deal_inbox_1280_{actor.role.value.lower()}")


def test_columns_are_fitted_again_when_arriving_rows_bring_a_scroll_bar(qtbot, desk, sqlite_services):
    """More rows than the table shows bring a vertical scroll bar, which narrows the viewport
    without resizing the page: the columns are fitted again (메모 keeps its least width, the
    names give way), and none is pushed out of sight."""
    from PySide6.QtCore import QRect

    from kvoucher_desktop.views.deals.inbox import MEMO_MIN_WIDTH
    from kvoucher_desktop.views.window_size import fit_to_screen

    supplier, _demand, _ids = demo_named_store(sqlite_services)
    window = desk(supplier)
    fit_to_screen(window, window.page_area, QRect(0, 0, 1150, 800))  # tight: 메모 at its least width
    page = window.open_page("deal_inbox")
    settle(qtbot)
    table, model = page.tables[T.CONSULT], page.models[T.CONSULT]
    header, memo = table.horizontalHeader(), len(model.columns) - 1
    assert not table.verticalScrollBar().isVisible() and header.sectionSize(memo) <= MEMO_MIN_WIDTH + 4
    wide = table.viewport().width()
    first = model.rows()[0]
    model.append_rows([dataclasses.replace(first, id=uuid.uuid4()) for _ in range(60)])  # further pages
    qtbot.waitUntil(lambda: table.verticalScrollBar().isVisible())
    qtbot.wait(20)
    assert table.viewport().width() < wide
    assert header.sectionSize(memo) >= MEMO_MIN_WIDTH
    right = header.sectionViewportPosition(memo) + header.sectionSize(memo)
    assert right <= table.viewport().width()


def test_at_1280_by_800_the_main_buttons_are_in_view_without_scrolling(qtbot, desk, sqlite_services):
    supplier, demand, ids = demo_named_store(sqlite_services)
    window = at_1280_by_800(desk, demand)
    page = window.open_page("deal_inbox")
    settle(qtbot)
    show_tab(qtbot, page, T.PAY)
    page.models[T.PAY].set_checked(ids[2], True)
    select(qtbot, page, ids[2])  # wrapped memo, amount and dates, three history rows
    qtbot.wait(20)
    assert window.page_area.verticalScrollBar().maximum() == 0  # the page fits the viewport
    assert in_view(window, page.pay_button) and page.pay_button.isEnabled()
    assert in_view(window, page.detail.to_cart_button)
    assert page.detail.body_scroll.isVisible()  # the details and 처리 이력 scroll inside the pane
    shoot(window, "deal_inbox_1280_pay")

    window = at_1280_by_800(desk, supplier)
    page = window.open_page("deal_inbox")
    settle(qtbot)
    select(qtbot, page, ids[0])
    qtbot.wait(20)
    assert window.page_area.verticalScrollBar().maximum() == 0
    assert in_view(window, page.detail.accept_button) and in_view(window, page.detail.reject_button)
    show_tab(qtbot, page, T.ACCEPTED)
    select(qtbot, page, ids[1])
    qtbot.wait(20)
    assert in_view(window, page.detail.payment_button) and in_view(window, page.detail.service_button)
