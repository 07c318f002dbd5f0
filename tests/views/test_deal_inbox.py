"""서비스 요청 through the GUI: the deal inbox of a demand company and of its supplier —
counts in the tab titles, accept / reject (memo) / payment request (amount dialog) on the
supplier's side, cart in and out and the 결제하기 tab (ticks, total, budget, the payment window) on
the demand's side, expiry by the clock, refusals of the service, in-place refreshes."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from kvoucher_desktop.enums import DealAction, DealState, DealTab, PaymentMethod, Role, ScreeningStatus
from kvoucher_desktop.services.changes import Changes, Entity
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.dto import ServiceForm
from kvoucher_desktop.services.rules.deals import EXPIRED_NO_PAYMENT
from kvoucher_desktop.views.deals.detail import PaymentRequestDialog
from kvoucher_desktop.views.deals.inbox import DealInboxPage
from kvoucher_desktop.views.deals.models import LIST_PRICE_FOREGROUND, DealEventModel, DealTableModel, PayTableModel, format_deadline_kst
from kvoucher_desktop.views.paying.dialog import PaymentDialog
from kvoucher_desktop.views.widgets.dialogs import ReasonDialog
from tests.live_server import in_process
from tests.factories import company_in_state, make_supplier_account
from tests.views.helpers import record_changes, type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

pytestmark = pytest.mark.over_http

D, T = DealState, DealTab
REJECT_MEMO = "요청하신 일정(3월 둘째 주)에는 구축 인력이 없어 진행이 어렵습니다."
#: every deal below is requested at the clock's start, 2026-03-02 10:00 KST: it lapses at 00:00 of 03-05
DEADLINE = datetime(2026, 3, 5, 0, 0, tzinfo=KST)


class Store:
    """A supplier with five services and an approved demand company (Shinhan card) with deals:
    consult (거래상담), accepted (거래수락), pr_a / pr_b (결제요청 800,000 / 500,000); `big` is a
    3,000,000 service without a deal yet."""

    def __init__(self, services):
        self.services = services
        self.supplier = make_supplier_account(services, name="클라우드웍스")
        category = services.programme.categories()[0].code

        def service(name: str, price: int):
            return services.catalog.save_service(self.supplier, ServiceForm(
                name=name, category_code=category, keywords="화상회의, 협업", price=price,
                description="비대면 업무를 위한 서비스입니다.")).value

        self.svc_consult = service("화상회의 솔루션 베이직", 1_000_000)
        self.svc_accepted = service("협업 메신저 프로", 1_200_000)
        self.svc_a = service("원격 근무 보안 패키지", 900_000)
        self.svc_b = service("온라인 교육 플랫폼", 700_000)
        self.big = service("전사 그룹웨어 구축", 3_000_000)
        self.demand, self.company_id = company_in_state(services, ScreeningStatus.APPROVED, name="테스트상사")
        services.vouchers.choose_payment_method(self.demand, PaymentMethod.SHINHAN_CARD)
        deals = services.deals
        self.consult = deals.request(self.demand, self.svc_consult.id, "3월 중 화상회의 30석 도입을 상담하고 싶습니다.").value.id
        self.accepted = deals.request(self.demand, self.svc_accepted.id, "팀 메신저 20명 사용 견적 부탁드립니다.").value.id
        deals.accept(self.supplier, self.accepted)
        self.pr_a = deals.request(self.demand, self.svc_a.id, "재택 근무자 보안 설정 요청").value.id
        deals.accept(self.supplier, self.pr_a)
        deals.request_payment(self.supplier, self.pr_a, 800_000)
        self.pr_b = deals.request(self.demand, self.svc_b.id, "직무 교육 10명").value.id
        deals.accept(self.supplier, self.pr_b)
        deals.request_payment(self.supplier, self.pr_b, 500_000)

    def state(self, deal_id) -> DealState:
        return self.services.deals.get(self.demand, deal_id).state


@pytest.fixture
def store(sqlite_services):
    return Store(sqlite_services)


def open_inbox(qtbot, desk, actor) -> tuple[object, DealInboxPage]:
    window = desk(actor)
    page = window.open_page("deal_inbox")
    settle(qtbot)
    assert isinstance(page, DealInboxPage)
    return window, page


def show_tab(qtbot, page: DealInboxPage, tab: DealTab) -> DealTableModel:
    page.set_tab(tab)
    settle(qtbot)
    return page.models[tab]


def select(qtbot, page: DealInboxPage, deal_id) -> None:
    assert page.select_deal(deal_id), "deal not in the current tab"
    settle(qtbot)
    assert page.detail.view is not None and page.detail.view.id == deal_id


def cell(model, deal_id, column_title: str) -> str:
    pos = model.position_of(deal_id)
    assert pos is not None, "deal not loaded in this tab"
    column = [c.title for c in model.columns].index(column_title)
    return model.data(model.index(pos, column))


# --- tabs and counts -----------------------------------------------------------------------------
def test_tab_titles_carry_the_counts_of_each_side(qtbot, desk, store):
    demand_window, demand = open_inbox(qtbot, desk, store.demand)
    assert [demand.tabs.tabText(i) for i in range(demand.tabs.count())] == [
        "거래상담 (1)", "거래수락 (1)", "결제요청 (2)", "장바구니 (0)", "결제하기 (2)", "결제완료·취소 (0)", "반려·불가 (0)"]
    consult = demand.models[T.CONSULT]
    assert [c.title for c in consult.columns] == ["서비스명", "공급기업", "상태", "요청일시", "금액", "응답기한", "메모"]
    assert cell(consult, store.consult, "공급기업") == "클라우드웍스"
    assert cell(consult, store.consult, "응답기한") == "2026-03-04 24:00"  # = 00:00 KST of 03-05
    assert cell(consult, store.consult, "금액") == "1,000,000원"  # the listed price: no amount requested yet
    pos = consult.position_of(store.consult)
    assert "서비스 등록가" in consult.data(consult.index(pos, 4), Qt.ItemDataRole.ToolTipRole)
    assert consult.data(consult.index(pos, 4), Qt.ItemDataRole.ForegroundRole) == LIST_PRICE_FOREGROUND
    payment = show_tab(qtbot, demand, T.PAYMENT_REQUESTED)
    assert cell(payment, store.pr_a, "금액") == "800,000원"
    assert payment.rowCount() == 2
    shoot(demand_window, "deal_inbox_demand")

    supplier_window, supplier = open_inbox(qtbot, desk, store.supplier)
    assert [supplier.tabs.tabText(i) for i in range(supplier.tabs.count())] == [
        "거래상담 (1)", "거래수락 (1)", "결제요청 (2)", "결제완료·취소 (0)", "반려·불가 (0)"]
    consult = supplier.models[T.CONSULT]
    assert [c.title for c in consult.columns][:2] == ["서비스명", "수요기업"]
    assert cell(consult, store.consult, "수요기업") == "테스트상사"
    select(qtbot, supplier, store.consult)
    assert supplier.detail.visible_actions() == [DealAction.ACCEPT, DealAction.REJECT]
    assert "2026-03-04 24:00" in supplier.detail.info_labels["deadline"].text()
    shoot(supplier_window, "deal_inbox_supplier")


# --- the supplier's actions ----------------------------------------------------------------------
def test_supplier_accepts_and_requests_payment_with_an_amount(qtbot, desk, store):
    window, page = open_inbox(qtbot, desk, store.supplier)
    announced = []
    record_changes(window, announced)
    select(qtbot, page, store.consult)
    page.detail.accept_button.click()
    settle(qtbot)
    assert store.state(store.consult) is D.ACCEPTED
    assert ("deal", (store.consult,)) in announced
    assert page.tab_title(T.CONSULT) == "거래상담 (0)" and page.tab_title(T.ACCEPTED) == "거래수락 (2)"
    assert page.models[T.CONSULT].position_of(store.consult) is None  # left the tab
    # the panel keeps the deal, now accepted, with the next actions
    assert page.detail.badge.text() == "거래수락"
    assert page.detail.visible_actions() == [DealAction.REQUEST_PAYMENT, DealAction.REJECT]
    assert [e.action for e in page.detail.events_model.rows()] == [DealAction.REQUEST, DealAction.ACCEPT]

    # it is selected again in 거래수락
    accepted = show_tab(qtbot, page, T.ACCEPTED)
    assert accepted.position_of(store.consult) is not None
    assert page.detail.view.id == store.consult

    page.detail.payment_button.click()
    dialog = page.detail.pending_dialog
    assert isinstance(dialog, PaymentRequestDialog) and dialog.isVisible()
    assert dialog.amount_edit.value() == 1_000_000  # prefilled with the listed price
    qtbot.wait(20)
    shoot(dialog, "deal_payment_request")
    type_text(dialog.amount_edit, "1500000", replace=True)
    assert dialog.amount_edit.text() == "1,500,000"
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "서비스 등록 가격(1,000,000원)을 넘을 수 없습니다" in dialog.error.text()
    assert dialog.amount_edit.text() == "1,500,000"  # kept
    assert store.state(store.consult) is D.ACCEPTED
    qtbot.wait(20)
    shoot(dialog, "deal_payment_request_error")

    type_text(dialog.amount_edit, "950000", replace=True)
    dialog.ok_button.click()
    settle(qtbot)
    assert not dialog.isVisible()
    view = store.services.deals.get(store.supplier, store.consult)
    assert view.state is D.PAYMENT_REQUESTED and view.amount == 950_000
    assert page.tab_title(T.ACCEPTED) == "거래수락 (1)" and page.tab_title(T.PAYMENT_REQUESTED) == "결제요청 (3)"
    assert page.detail.badge.text() == "결제요청"
    assert page.detail.visible_actions() == []  # now the buyer's turn
    assert "950,000원" in page.detail.info_labels["amount"].text()


def test_reject_needs_a_memo_and_the_demand_sees_it(qtbot, desk, store):
    _window, supplier = open_inbox(qtbot, desk, store.supplier)
    select(qtbot, supplier, store.consult)
    supplier.detail.reject_button.click()
    dialog = supplier.detail.pending_dialog
    assert isinstance(dialog, ReasonDialog)
    dialog.ok_button.click()  # no memo
    settle(qtbot)
    assert dialog.isVisible() and dialog.error.text() == "사유를 입력해야 처리할 수 있습니다."
    assert store.state(store.consult) is D.CONSULT_REQUESTED
    type_text(dialog.edit, REJECT_MEMO)
    dialog.ok_button.click()
    settle(qtbot)
    assert store.state(store.consult) is D.REJECTED
    assert supplier.tab_title(T.CONSULT) == "거래상담 (0)" and supplier.tab_title(T.CLOSED) == "반려·불가 (1)"
    assert supplier.detail.visible_actions() == []

    demand_window, demand = open_inbox(qtbot, desk, store.demand)
    assert demand.tab_title(T.CLOSED) == "반려·불가 (1)"
    closed = show_tab(qtbot, demand, T.CLOSED)
    assert cell(closed, store.consult, "상태") == "반려"
    assert cell(closed, store.consult, "반려 메모·불가 사유") == REJECT_MEMO
    select(qtbot, demand, store.consult)
    assert REJECT_MEMO in demand.detail.notice.body.text()
    shoot(demand_window, "deal_inbox_demand_closed")


def test_after_accepting_the_page_follows_the_deal_to_its_new_tab(qtbot, desk, store):
    _window, page = open_inbox(qtbot, desk, store.supplier)
    select(qtbot, page, store.consult)
    page.detail.accept_button.click()
    settle(qtbot)
    # the deal left 거래상담: the page shows 거래수락, the deal selected there and in the panel
    assert page.current_tab() is T.ACCEPTED
    table, model = page.tables[T.ACCEPTED], page.models[T.ACCEPTED]
    assert [model.row_at(i.row()).id for i in table.selectionModel().selectedRows()] == [store.consult]
    assert page.detail.view.id == store.consult and page.detail.badge.text() == "거래수락"
    assert not page.tables[T.CONSULT].selectionModel().selectedRows()
    # the next step follows too: 결제요청 moves it on to the 결제요청 tab
    page.detail.payment_button.click()
    page.detail.pending_dialog.ok_button.click()
    settle(qtbot)
    assert page.current_tab() is T.PAYMENT_REQUESTED and page.detail.view.id == store.consult
    pay_model = page.models[T.PAYMENT_REQUESTED]
    assert [pay_model.row_at(i.row()).id
            for i in page.tables[T.PAYMENT_REQUESTED].selectionModel().selectedRows()] == [store.consult]


def test_a_failed_deal_action_is_told_in_the_bar_and_the_typed_memo_stays(qtbot, desk, store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from kvoucher_desktop.services.errors import Conflict
    from kvoucher_desktop.services.sessions import ungated

    window, page = open_inbox(qtbot, desk, store.supplier)
    select(qtbot, page, store.consult)

    def busy_elsewhere(*_args, **_kwargs):
        raise Conflict("다른 화면에서 이 거래가 먼저 처리되었습니다. 목록을 새로 고쳐 주세요.")

    monkeypatch.setattr(ungated(in_process(store.services).deals), "act", busy_elsewhere)  # 반려 goes through act
    page.detail.reject_button.click()
    type_text(page.detail.pending_dialog.edit, REJECT_MEMO)
    page.detail.pending_dialog.ok_button.click()
    settle(qtbot)
    assert window.feedback.is_failure and window.feedback.text == (
        "다른 화면에서 이 거래가 먼저 처리되었습니다. 목록을 새로 고쳐 주세요.")
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]  # no box
    assert store.state(store.consult) is D.CONSULT_REQUESTED
    # 반려 again: the memo typed before is still there
    page.detail.reject_button.click()
    assert page.detail.pending_dialog.edit.toPlainText() == REJECT_MEMO
    monkeypatch.undo()
    page.detail.pending_dialog.ok_button.click()
    settle(qtbot)
    assert store.state(store.consult) is D.REJECTED and not window.feedback.is_failure
    assert page.detail.reject_memo == ""  # done: a later 반려 dialog starts empty


def test_a_refused_action_on_an_overdue_deal_still_tells_every_page_of_the_expiry(qtbot, desk, store, clock):
    supplier_window, supplier = open_inbox(qtbot, desk, store.supplier)
    heard = []
    record_changes(supplier_window, heard)
    select(qtbot, supplier, store.consult)
    clock.set(DEADLINE)
    supplier.detail.accept_button.click()
    settle(qtbot)
    assert supplier_window.feedback.is_failure
    assert ("deal", (store.consult,)) in heard  # the expiry the refusal committed is broadcast


# --- the demand's actions ------------------------------------------------------------------------
def test_demand_moves_a_deal_to_the_cart_and_back(qtbot, desk, store, monkeypatch):
    window, page = open_inbox(qtbot, desk, store.demand)
    show_tab(qtbot, page, T.PAYMENT_REQUESTED)
    select(qtbot, page, store.pr_a)
    assert page.detail.visible_actions() == [DealAction.PAY, DealAction.TO_CART]
    page.detail.to_cart_button.click()
    settle(qtbot)
    assert store.state(store.pr_a) is D.IN_CART
    assert page.tab_title(T.PAYMENT_REQUESTED) == "결제요청 (1)" and page.tab_title(T.CART) == "장바구니 (1)"
    assert page.tab_title(T.PAY) == "결제하기 (2)"  # the cart is paid from 결제하기 too
    assert page.detail.visible_actions() == [DealAction.PAY, DealAction.FROM_CART]

    cart = show_tab(qtbot, page, T.CART)
    assert cart.position_of(store.pr_a) is not None
    assert cell(cart, store.pr_a, "상태") == "장바구니"
    page.detail.from_cart_button.click()
    settle(qtbot)
    assert store.state(store.pr_a) is D.PAYMENT_REQUESTED
    assert page.tab_title(T.CART) == "장바구니 (0)" and cart.rowCount() == 0
    assert page.detail.visible_actions() == [DealAction.PAY, DealAction.TO_CART]

    opened = []
    monkeypatch.setattr(window, "open_service", lambda service_id: opened.append(service_id))
    page.detail.service_button.click()
    assert opened == [store.svc_a.id]


def test_pay_tab_ticks_deals_totals_them_and_opens_the_payment_window(qtbot, desk, store):
    window, page = open_inbox(qtbot, desk, store.demand)
    pay = show_tab(qtbot, page, T.PAY)
    assert isinstance(pay, PayTableModel)
    assert page.pay_line.text() == "선택 0건, 합계 0원"
    assert page.budget_line.text() == "남은 예산 4,000,000원"
    assert not page.pay_button.isEnabled()
    first = pay.index(pay.position_of(store.pr_a), 0)
    assert pay.flags(first) & Qt.ItemFlag.ItemIsUserCheckable
    assert pay.setData(first, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert pay.set_checked(store.pr_b, True)
    assert pay.data(first, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert page.pay_line.text() == "선택 2건, 합계 1,300,000원"
    qtbot.wait(20)  # let the layout catch up before the picture
    shoot(window, "deal_inbox_pay_tab")

    page.pay_button.click()
    settle(qtbot)
    dialog = page.pay_dialog
    assert isinstance(dialog, PaymentDialog) and dialog.isVisible()
    assert dialog.summary.model.rowCount() == 2
    assert dialog.summary.total_label.text() == "2건 1,300,000원"
    dialog.close_button.click()  # closed before paying: nothing was started
    settle(qtbot)
    assert store.state(store.pr_a) is D.PAYMENT_REQUESTED and store.state(store.pr_b) is D.PAYMENT_REQUESTED
    assert store.services.vouchers.get(store.demand).budget.remaining == 4_000_000

    # a third deal of 3,000,000 makes 4,300,000: more than the budget; the window says so and
    # offers nothing to pay
    services = store.services
    big = services.deals.request(store.demand, store.big.id, "그룹웨어 전사 구축").value.id
    services.deals.accept(store.supplier, big)
    services.deals.request_payment(store.supplier, big, 3_000_000)
    page.refresh()
    settle(qtbot)
    assert page.tab_title(T.PAY) == "결제하기 (3)"
    assert pay.checked == {store.pr_a, store.pr_b}  # ticks survive a refresh
    assert pay.set_checked(big, True)
    assert page.pay_line.text() == "선택 3건, 합계 4,300,000원"
    page.pay_button.click()
    settle(qtbot)
    dialog = page.pay_dialog
    assert dialog.summary.refusal.isVisible() and not dialog.ok_button.isEnabled()
    assert dialog.summary.refusal.title.text() == "지금은 결제할 수 없습니다."
    dialog.close_button.click()
    settle(qtbot)
    assert {store.state(d) for d in (store.pr_a, store.pr_b, big)} == {D.PAYMENT_REQUESTED}


# --- the clock -----------------------------------------------------------------------------------
def test_an_unanswered_request_becomes_expired_and_loses_its_actions(qtbot, desk, store, clock):
    supplier_window, supplier = open_inbox(qtbot, desk, store.supplier)
    select(qtbot, supplier, store.consult)
    assert supplier.detail.visible_actions() == [DealAction.ACCEPT, DealAction.REJECT]

    clock.set(DEADLINE)  # 00:00 KST of D+3: nobody answered
    supplier.detail.accept_button.click()  # from a screen drawn before the deadline
    settle(qtbot)
    box = supplier_window.feedback  # the window's feedback bar, as for every action's failure
    assert box is not None and box.isVisible() and box.is_failure
    assert box.text == "응답 기한이 지나 불가 처리된 거래입니다. '거래수락'을 할 수 없습니다."
    assert store.state(store.consult) is D.EXPIRED
    # the tab and the panel caught up
    assert supplier.models[T.CONSULT].position_of(store.consult) is None
    assert supplier.tab_title(T.CONSULT) == "거래상담 (0)"
    assert supplier.tab_title(T.CLOSED) == "반려·불가 (3)"  # the two payment requests lapsed too
    assert supplier.detail.badge.text() == "불가"
    assert supplier.detail.visible_actions() == []

    demand_window, demand = open_inbox(qtbot, desk, store.demand)
    show_tab(qtbot, demand, T.PAYMENT_REQUESTED)
    assert demand.models[T.PAYMENT_REQUESTED].rowCount() == 0
    closed = show_tab(qtbot, demand, T.CLOSED)
    assert cell(closed, store.pr_a, "상태") == "불가"
    assert cell(closed, store.pr_a, "반려 메모·불가 사유") == EXPIRED_NO_PAYMENT  # the buyer did not pay
    select(qtbot, demand, store.pr_a)
    assert demand.detail.visible_actions() == []
    shoot(demand_window, "deal_inbox_demand_expired")


def test_refresh_after_the_deadline_shows_expired_without_any_action(qtbot, desk, store, clock):
    _window, demand = open_inbox(qtbot, desk, store.demand)
    show_tab(qtbot, demand, T.PAYMENT_REQUESTED)
    select(qtbot, demand, store.pr_b)
    assert demand.detail.visible_actions() == [DealAction.PAY, DealAction.TO_CART]
    clock.set(DEADLINE)
    demand.refresh()
    settle(qtbot)
    assert demand.tab_title(T.PAYMENT_REQUESTED) == "결제요청 (0)"
    assert demand.tab_title(T.CLOSED) == "반려·불가 (3)"
    assert demand.detail.view.state is D.EXPIRED and demand.detail.badge.text() == "불가"
    assert demand.detail.visible_actions() == []


# --- refreshing in place -------------------------------------------------------------------------
def test_a_refresh_patches_rows_and_keeps_the_selection(qtbot, desk, store, clock):
    _window, page = open_inbox(qtbot, desk, store.demand)
    model = show_tab(qtbot, page, T.PAYMENT_REQUESTED)
    select(qtbot, page, store.pr_a)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    # the supplier asks for payment on the accepted deal on its own desk: a new row on top
    clock.advance(minutes=5)
    store.services.deals.request_payment(store.supplier, store.accepted, 1_000_000)
    page.on_data_changed(Changes.of(Entity.DEAL, store.accepted), None)
    settle(qtbot)
    assert resets == []
    assert model.rowCount() == 3 and model.row_at(0).id == store.accepted
    assert page.tab_title(T.PAYMENT_REQUESTED) == "결제요청 (3)"
    table = page.tables[T.PAYMENT_REQUESTED]
    selected = table.selectionModel().selectedRows()
    assert [model.row_at(i.row()).id for i in selected] == [store.pr_a]
    assert page.detail.view.id == store.pr_a


def test_deadline_text_says_24_00_of_the_day_before():
    assert format_deadline_kst(DEADLINE) == "2026-03-04 24:00"
    assert format_deadline_kst(datetime(2026, 3, 4, 13, 5, tzinfo=KST)) == "2026-03-04 13:05"
    assert format_deadline_kst(None) == ""


# --- models --------------------------------------------------------------------------------------
def test_the_models_pass_the_model_tester(qtbot, desk, store, qtmodeltester):
    _window, page = open_inbox(qtbot, desk, store.demand)
    for tab in (T.PAYMENT_REQUESTED, T.PAY):
        show_tab(qtbot, page, tab)
    page.models[T.PAY].set_checked(store.pr_a, True)
    for tab in (T.CONSULT, T.PAYMENT_REQUESTED, T.PAY):
        assert page.models[tab].rowCount() > 0
        qtmodeltester.check(page.models[tab])
    select(qtbot, page, store.pr_b)
    events = page.detail.events_model
    assert isinstance(events, DealEventModel) and events.rowCount() == 3
    qtmodeltester.check(events)
    # merging new rows into a loaded model is checked as it happens
    model = page.models[T.PAYMENT_REQUESTED]
    rows = model.rows()
    qtmodeltester.check(model, force_py=True)
    model.merge_rows(list(reversed(rows)))
    assert [r.id for r in model.rows()] == [r.id for r in reversed(rows)]
    model.merge_rows(rows[:1])
    assert model.rowCount() == 1


def test_roles_without_an_inbox_see_no_tabs(qtbot, desk, sqlite_services):
    from tests.factories import make_operator

    window = desk(make_operator(sqlite_services))
    page = DealInboxPage(window.ctx, window)
    page.refresh()
    assert page.tabs.count() == 0 and page.ctx.actor.role is Role.OPERATOR
