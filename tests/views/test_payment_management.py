"""서비스 결제관리 through the GUI: the buyer's four tabs with their counts, rows, masked card and
totals; cancelling on the day of the payment (yes/no) and the refusal the next day; the supplier's
결제 내역 with a late cancellation (reason, one key across retries) and its settlement summary; the
agency's 결제 현황; the period filter."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate

from kvoucher_desktop.enums import PaymentStatus, PaymentTab, Role
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.dto import SettlementKind
from kvoucher_desktop.services.errors import DomainError
from kvoucher_desktop.views.pages import PAGES, ROLE_MENUS
from kvoucher_desktop.views.payments.cancel import CancelPaymentDialog
from kvoucher_desktop.views.payments.manage import PaymentManagePage
from kvoucher_desktop.views.payments.models import TABS
from tests.factories import make_agency
from tests.services.test_payments import Desk
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

pytestmark = pytest.mark.over_http

P, T = PaymentStatus, PaymentTab
REASON = "서비스 제공 일정이 맞지 않아 공급기업이 취소합니다."


class World:
    """A card buyer with, on 2026-03-05 (KST): two succeeded payments (09:00, 09:30), one cancelled
    the same day (10:00) and one failed (11:00, a wrong expiry); the clock at 12:00."""

    def __init__(self, services, clock):
        self.services, self.clock = services, clock
        self.desk = d = Desk(services, clock)
        self.buyer, self.supplier = d.buyer, d.supplier
        clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=KST))
        self.ok1 = d.pay_card(d.deal(1_100_000))
        clock.set(datetime(2026, 3, 5, 9, 30, tzinfo=KST))
        self.ok2 = d.pay_card(d.deal(500_000))
        clock.set(datetime(2026, 3, 5, 10, 0, tzinfo=KST))
        self.gone = d.pay_card(d.deal(300_000))
        services.payments.cancel(self.buyer, self.gone.id, "k" * 32)
        clock.set(datetime(2026, 3, 5, 11, 0, tzinfo=KST))
        (bad,) = d.start(d.deal(200_000))
        self.bad = services.payments.send_card(self.buyer, bad.id, d.card.number, "01/20").value
        assert self.bad.status is P.FAILED
        clock.set(datetime(2026, 3, 5, 12, 0, tzinfo=KST))


@pytest.fixture
def world(sqlite_services, clock):
    return World(sqlite_services, clock)


def open_payments(qtbot, desk, actor, key: str, size=(1280, 820)) -> PaymentManagePage:
    window = desk(actor, size=size)
    page = window.open_page(key)
    settle(qtbot)
    assert isinstance(page, PaymentManagePage)
    return page


def show_tab(qtbot, page: PaymentManagePage, tab: PaymentTab):
    page.set_tab(tab)
    settle(qtbot)
    return page.models[tab]


def texts(page: PaymentManagePage, tab: PaymentTab, column_title: str) -> list[str]:
    model = page.models[tab]
    column = [c.title for c in model.columns].index(column_title)
    return [model.columns[column].text(r) for r in model.rows()]


def select(qtbot, page: PaymentManagePage, payment_id) -> None:
    assert page.select_payment(payment_id)
    settle(qtbot)


def test_the_menus_open_the_payment_pages():
    assert ("바우처 이용/정산관리", ("payment_manage", "billing", "evaluations")) in ROLE_MENUS[Role.DEMAND]
    assert ("결제 내역", ("payments_received", "billing", "evaluations_received")) in ROLE_MENUS[Role.SUPPLIER]
    assert ("결제 현황", ("payments_overview", "billing", "evaluations_overview")) in ROLE_MENUS[Role.AGENCY]
    assert {PAGES[k].load() for k in ("payment_manage", "payments_received", "payments_overview")} == {
        PaymentManagePage}


def test_the_buyer_sees_four_tabs_with_counts_rows_and_the_masked_card(qtbot, qtmodeltester, desk, world):
    page = open_payments(qtbot, desk, world.buyer, "payment_manage")
    assert [page.tab_title(t) for t in TABS] == ["총내역 (4)", "결제성공 (2)", "결제실패 (1)", "결제취소 (1)"]
    assert page.period() == (date(2025, 12, 6), date(2026, 3, 5))  # the last three months
    model = page.models[T.ALL]
    qtmodeltester.check(model)
    assert [r.id for r in model.rows()] == [world.bad.id, world.gone.id, world.ok2.id, world.ok1.id]
    masked = world.desk.card.masked
    assert texts(page, T.ALL, "결제수단") == [f"신한카드 {masked}"] * 4 and masked.startswith("****-****-****-")
    assert world.desk.card.number not in " ".join(texts(page, T.ALL, "결제수단"))
    assert texts(page, T.ALL, "공급기업")[0] == world.ok1.supplier_name
    assert texts(page, T.ALL, "결제일시")[-1] == "2026-03-05 09:00"
    assert texts(page, T.ALL, "결제금액")[-1] == "1,100,000원"
    assert texts(page, T.ALL, "상태") == ["결제실패", "결제취소", "결제성공", "결제성공"]
    assert "결제성공 2건 · 결제금액 1,600,000원" in page.totals_line.text()
    assert "결제취소 1건 · 300,000원" in page.totals_line.text()
    assert not page.cancel_button.isVisible()  # only on 결제성공
    show_tab(qtbot, page, T.FAILED)
    assert texts(page, T.FAILED, "실패 사유") == [world.bad.failure_reason] and world.bad.failure_reason
    show_tab(qtbot, page, T.CANCELLED)
    assert texts(page, T.CANCELLED, "취소일시") == ["2026-03-05 10:00"]
    assert texts(page, T.CANCELLED, "취소 사유") == ["수요기업이 결제 당일 취소"]  # as the export and the slip say
    succeeded = show_tab(qtbot, page, T.SUCCEEDED)
    assert [r.id for r in succeeded.rows()] == [world.ok2.id, world.ok1.id]
    assert page.cancel_button.isVisible() and not page.cancel_button.isEnabled()  # nothing selected yet
    shoot(page, "payment_manage_buyer")


def test_the_buyer_cancels_on_the_day_and_the_row_moves_to_cancelled(qtbot, desk, world):
    page = open_payments(qtbot, desk, world.buyer, "payment_manage")
    show_tab(qtbot, page, T.SUCCEEDED)
    select(qtbot, page, world.ok2.id)
    assert page.cancel_button.isEnabled()
    page.cancel_button.click()
    dialog = page.pending_dialog
    assert isinstance(dialog, CancelPaymentDialog) and not dialog.edit.isVisible()  # yes or no, no reason
    assert dialog.ok_button.text() == "예, 취소합니다" and dialog.cancel_button.text() == "아니요"
    assert dialog.cancel_button.isDefault() and not dialog.ok_button.isDefault()  # Enter alone keeps it
    dialog.ok_button.click()
    settle(qtbot)
    assert not dialog.isVisible()
    assert world.services.payments.get(world.buyer, world.ok2.id).status is P.CANCELLED
    assert page.tab_title(T.SUCCEEDED) == "결제성공 (1)" and page.tab_title(T.CANCELLED) == "결제취소 (2)"
    assert [r.id for r in page.models[T.SUCCEEDED].rows()] == [world.ok1.id]
    assert "결제를 취소했습니다." in page.ctx.feedback.text
    show_tab(qtbot, page, T.CANCELLED)
    assert world.ok2.id in [r.id for r in page.models[T.CANCELLED].rows()]
    assert "결제성공 1건 · 결제금액 1,100,000원" in page.totals_line.text()


def test_the_next_day_the_buyers_cancel_is_disabled_and_says_why(qtbot, desk, world, clock):
    clock.set(datetime(2026, 3, 6, 9, 0, tzinfo=KST))
    page = open_payments(qtbot, desk, world.buyer, "payment_manage")
    show_tab(qtbot, page, T.SUCCEEDED)
    select(qtbot, page, world.ok1.id)
    assert not page.cancel_button.isEnabled()
    why = page.selected_payment().cancel_refusal
    assert "2026-03-05" in why and "공급기업" in why
    assert page.cancel_button.toolTip() == why and page.cancel_note.text() == why


def test_the_supplier_cancels_late_with_a_reason_and_one_key_across_retries(qtbot, desk, world, clock,
                                                                            sqlite_services, monkeypatch):
    clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=KST))
    page = open_payments(qtbot, desk, world.supplier, "payments_received")
    assert page.tab_title(T.ALL) == "총내역 (4)"
    show_tab(qtbot, page, T.SUCCEEDED)
    assert texts(page, T.SUCCEEDED, "수요기업")[0] == world.ok1.company_name
    select(qtbot, page, world.ok1.id)
    assert page.cancel_button.isEnabled()
    real, keys = sqlite_services.payments.cancel, []

    def flaky(actor, payment_id, cancel_key, reason=""):
        keys.append(cancel_key)
        if len(keys) == 1:
            raise DomainError("결제사와 연결이 끊겼습니다. 다시 시도해 주세요.")
        return real(actor, payment_id, cancel_key, reason)

    monkeypatch.setattr(sqlite_services.payments, "cancel", flaky)
    page.cancel_button.click()
    dialog = page.pending_dialog
    assert dialog.edit.isVisible()
    dialog.ok_button.click()  # no reason
    settle(qtbot)
    assert dialog.isVisible() and dialog.error.text() == "사유를 입력해야 처리할 수 있습니다." and keys == []
    assert dialog.counter.isVisible() and dialog.counter.text() == "0 / 300자"  # the limit, before sending
    type_text(dialog.edit, "가" * 302)
    assert dialog.counter.text() == "302 / 300자 — 2자를 줄여 주세요"
    dialog.edit.clear()
    type_text(dialog.edit, REASON)
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.isVisible() and "연결이 끊겼습니다" in dialog.error.text()  # stays open with the reason
    assert dialog.reason() == REASON
    dialog.ok_button.click()
    settle(qtbot)
    assert not dialog.isVisible() and len(keys) == 2 and keys[0] == keys[1] == dialog.cancel_key
    view = sqlite_services.payments.get(world.supplier, world.ok1.id)
    assert view.status is P.CANCELLED and view.cancel_reason == REASON
    assert page.tab_title(T.SUCCEEDED) == "결제성공 (1)" and page.tab_title(T.CANCELLED) == "결제취소 (2)"
    show_tab(qtbot, page, T.CANCELLED)
    assert REASON in texts(page, T.CANCELLED, "취소 사유")
    # the settlement summary: what is left to pay out (ok2 only), at D+10 of 03-05
    payouts = page.settlement.models[SettlementKind.PAYOUT].rows()
    assert [(r.period, r.count, r.amount) for r in payouts] == [(date(2026, 3, 15), 1, 500_000)]
    assert page.settlement.models[SettlementKind.MONTH].rows()[0].period == date(2026, 3, 1)
    assert "정산금액 500,000원" in page.settlement.total_line.text()
    shoot(page, "payments_received_supplier")


def test_the_period_filter_narrows_the_lists(qtbot, desk, world, clock):
    d = world.desk
    clock.set(datetime(2026, 3, 7, 9, 0, tzinfo=KST))
    later = d.pay_card(d.deal(400_000))
    page = open_payments(qtbot, desk, world.buyer, "payment_manage")
    assert page.tab_title(T.ALL) == "총내역 (5)" and page.models[T.ALL].rows()[0].id == later.id
    page.period_bar.start_edit.setDate(QDate(2026, 3, 6))
    page.period_bar.search_button.click()
    settle(qtbot)
    assert [r.id for r in page.models[T.ALL].rows()] == [later.id]
    assert [page.tab_title(t) for t in TABS] == ["총내역 (1)", "결제성공 (1)", "결제실패 (0)", "결제취소 (0)"]
    assert "결제성공 1건 · 결제금액 400,000원" in page.totals_line.text()
    show_tab(qtbot, page, T.FAILED)
    assert page.models[T.FAILED].rows() == [] and "내역이 없습니다" in page.status_line.text()
    page.period_bar.set_period(date(2026, 3, 5), date(2026, 3, 5))
    page.period_bar.search_button.click()
    settle(qtbot)
    assert [r.id for r in page.models[T.FAILED].rows()] == [world.bad.id]
    assert page.tab_title(T.ALL) == "총내역 (4)"


def test_an_end_before_the_start_is_refused_beside_the_fields_and_the_lists_stay(qtbot, desk, world):
    """The page keeps speaking of one period: a refused period leaves the lists, counts and totals
    of the last 조회 as they were, says why beside the fields, and the message goes with the next
    valid 조회."""
    page = open_payments(qtbot, desk, world.buyer, "payment_manage")
    before = ([page.tab_title(t) for t in TABS], page.totals_line.text(), [r.id for r in page.models[T.ALL].rows()])
    applied = page.period_bar.period()
    page.period_bar.start_edit.setDate(QDate(2026, 12, 3))
    page.period_bar.end_edit.setDate(QDate(2026, 11, 1))
    page.period_bar.search_button.click()
    settle(qtbot)
    bar = page.period_bar
    assert bar.error.isVisible() and "종료일이 시작일보다 앞섭니다" in bar.error.text()
    assert bar.period() == applied
    assert ([page.tab_title(t) for t in TABS], page.totals_line.text(),
            [r.id for r in page.models[T.ALL].rows()]) == before
    page.reload_button.click()  # 새로 고침 reloads the applied period, not the fields' refused one
    settle(qtbot)
    assert [page.tab_title(t) for t in TABS] == before[0]
    bar.set_period(date(2026, 3, 5), date(2026, 3, 5))
    bar.search_button.click()
    settle(qtbot)
    assert not bar.error.isVisible() and page.tab_title(T.ALL) == "총내역 (4)"


def test_the_agency_sees_every_payment_and_cancels_with_a_reason(qtbot, desk, world, sqlite_services):
    page = open_payments(qtbot, desk, make_agency(sqlite_services), "payments_overview")
    assert page.tab_title(T.ALL) == "총내역 (4)" and page.settlement is None
    show_tab(qtbot, page, T.SUCCEEDED)
    select(qtbot, page, world.ok2.id)
    page.cancel_button.click()
    dialog = page.pending_dialog
    type_text(dialog.edit, "전문기관 직권 취소")
    dialog.ok_button.click()
    settle(qtbot)
    assert sqlite_services.payments.get(world.buyer, world.ok2.id).status is P.CANCELLED


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_every_tab_fits_its_columns_without_scrolling_sideways(qtbot, desk, world, size):
    """결제실패's reason and 결제취소's reason are the point of their tabs: no column that says the
    same on every row takes their room, and nothing needs a sideways scroll at 1280 px."""
    from tests.views.test_billing_view import open_billing

    page = open_payments(qtbot, desk, world.buyer, "payment_manage", size=size)
    tables = []
    for tab in TABS:
        show_tab(qtbot, page, tab)
        tables.append(page.tabs.tables[tab])
        shoot(page.window(), f"payments_{tab.value.lower()}_{size[0]}")
    titles = {tab: [c.title for c in page.models[tab].columns] for tab in TABS}
    assert "상태" not in titles[T.FAILED] and "승인번호" not in titles[T.FAILED] and "상태" not in titles[T.CANCELLED]
    assert titles[T.FAILED][-1] == "실패 사유" and "승인번호" in titles[T.CANCELLED]
    tables.append(open_billing(qtbot, desk, world.buyer, size=size).table)
    for table in tables:
        model, header = table.model(), table.horizontalHeader()
        widths = [table.columnWidth(i) for i in range(model.columnCount())]
        assert sum(widths) <= table.viewport().width(), [c.title for c in model.columns]
        for i, column in enumerate(model.columns):
            if header.sectionResizeMode(i) != header.ResizeMode.Stretch:
                assert widths[i] >= column.width, column.title
            else:
                assert widths[i] >= 120, column.title


def test_a_narrow_view_scrolls_sideways_instead_of_squeezing_the_service_name(qtbot, desk, world):
    """A docked 시뮬레이터 panel or a small window leaves the list less than its columns: the
    service keeps its width and the table scrolls; widened again, the service takes the spare width."""
    page = open_payments(qtbot, desk, world.buyer, "payment_manage", size=(1000, 800))
    table = page.tabs.tables[T.ALL]
    service = [c.title for c in page.models[T.ALL].columns].index("서비스")
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() > 0, timeout=2000)
    assert table.columnWidth(service) >= page.models[T.ALL].columns[service].width
    page.window().resize(1920, 1000)
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=2000)
    assert table.columnWidth(service) > 400
