"""The marketplace as two people use it, on two desks sharing one store (issue: catalog and deals).

A demand company searches, opens a service, wishlists it, asks a question and requests a
consultation; its supplier accepts and requests payment; the demand company finds the request
under 결제요청 and puts it in the cart. A second request left unanswered becomes 불가 once the
clock passes 24:00 KST of the second day, and the main window's sweep persists it.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from kvoucher_desktop.enums import DealState, DealTab
from kvoucher_desktop.models import Deal
from kvoucher_desktop.services.clock import KST

from tests.factories import approved_buyer, make_service, make_supplier_account
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

pytestmark = pytest.mark.over_http

T = DealTab


def test_search_to_cart_and_expiry(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    supplier = make_supplier_account(services, name="한빛소프트")
    video = make_service(services, supplier, name="화상회의 솔루션 프로", category="VIDEO",
                         keywords="웨비나, 녹화", price=1_100_000)
    make_service(services, supplier, name="보안 VPN 플러스", category="NETWORK_SECURITY", keywords="VPN")
    webinar = make_service(services, supplier, name="웨비나 스튜디오", category="VIDEO", keywords="화상, 방송",
                           price=700_000)
    buyer, _ = approved_buyer(services, name="가온상사")

    # --- the demand desk: search, detail, wishlist, inquiry, consultation ------------------------------
    demand = desk(buyer)
    type_text(demand.search, "화상\n")
    settle(qtbot)
    catalog = demand.pages["catalog"]
    assert demand.current_key == "catalog"
    assert {r.name for r in catalog.model.rows()} == {"화상회의 솔루션 프로", "웨비나 스튜디오"}
    catalog.table.selectRow(catalog.model.position_of(video.id))
    catalog.open_selected()
    settle(qtbot)
    detail = demand.pages["service_detail"]
    assert demand.current_key == "service_detail" and detail.detail.service.id == video.id
    assert detail.supplier_name.text() == "한빛소프트"

    detail.wish_button.click()
    settle(qtbot)
    assert [r.id for r in services.catalog.wishlist(buyer)] == [video.id]
    wishlist = demand.open_page("wishlist")
    settle(qtbot)
    assert [r.id for r in wishlist.model.rows()] == [video.id]

    detail = demand.open_service(video.id)
    settle(qtbot)
    type_text(detail.inquiries.question, "녹화 파일은 얼마나 보관되나요?")
    detail.inquiries.ask_button.click()
    settle(qtbot)
    asked = services.catalog.my_inquiries(supplier)
    assert [q.question for q in asked] == ["녹화 파일은 얼마나 보관되나요?"] and asked[0].company_name == "가온상사"

    detail.request_button.click()
    dialog = detail.request_dialog
    type_text(dialog.memo, "4월부터 직원 20명이 쓸 화상회의를 상담하고 싶습니다.")
    dialog.ok_button.click()
    settle(qtbot)
    deal = dialog.deal
    assert services.deals.get(buyer, deal.id).state is DealState.CONSULT_REQUESTED
    assert not detail.request_button.isEnabled()  # one open deal per service

    # a second consultation, on another service, that nobody will answer
    detail = demand.open_service(webinar.id)
    settle(qtbot)
    detail.request_button.click()
    type_text(detail.request_dialog.memo, "웨비나 방송 장비 포함 여부가 궁금합니다.")
    detail.request_dialog.ok_button.click()
    settle(qtbot)
    forgotten = detail.request_dialog.deal

    # --- the supplier desk: accept, request payment -----------------------------------------------------
    seller = desk(supplier)
    inbox = seller.open_page("deal_inbox")
    settle(qtbot)
    assert inbox.tab_title(T.CONSULT) == "거래상담 (2)"
    assert inbox.select_deal(deal.id)
    settle(qtbot)
    inbox.detail.accept_button.click()
    settle(qtbot)
    inbox.set_tab(T.ACCEPTED)
    settle(qtbot)
    assert inbox.select_deal(deal.id)
    settle(qtbot)
    inbox.detail.payment_button.click()
    amount = inbox.detail.pending_dialog
    type_text(amount.amount_edit, "990000", replace=True)
    amount.ok_button.click()
    settle(qtbot)
    assert services.deals.get(supplier, deal.id).amount == 990_000
    shoot(seller, "flow_supplier_inbox")

    # --- the demand desk again: 결제요청 → 장바구니 --------------------------------------------------------
    mine = demand.open_page("deal_inbox")
    mine.refresh()
    settle(qtbot)
    assert mine.tab_title(T.PAYMENT_REQUESTED) == "결제요청 (1)"
    mine.set_tab(T.PAYMENT_REQUESTED)
    settle(qtbot)
    assert [r.id for r in mine.models[T.PAYMENT_REQUESTED].rows()] == [deal.id]
    assert mine.select_deal(deal.id)
    settle(qtbot)
    mine.detail.to_cart_button.click()
    settle(qtbot)
    assert services.deals.get(buyer, deal.id).state is DealState.IN_CART
    assert mine.tab_title(T.CART) == "장바구니 (1)"

    # --- nobody answered the second one: after 24:00 KST of D+2 it is 불가 -----------------------------
    clock.set(datetime(2026, 3, 4, 23, 59, 59, tzinfo=KST))  # requested 2026-03-02: still open
    mine.refresh()
    settle(qtbot)
    assert mine.tab_title(T.CONSULT) == "거래상담 (1)" and mine.tab_title(T.CLOSED) == "반려·불가 (0)"
    clock.set(datetime(2026, 3, 5, 0, 0, tzinfo=KST))
    mine.refresh()
    settle(qtbot)
    # the cart does not stop the payment request's own clock (also requested on 03-02): both lapse
    assert mine.tab_title(T.CONSULT) == "거래상담 (0)" and mine.tab_title(T.CART) == "장바구니 (0)"
    assert mine.tab_title(T.CLOSED) == "반려·불가 (2)"
    mine.set_tab(T.CLOSED)
    settle(qtbot)
    closed = mine.models[T.CLOSED].rows()
    assert {(d.id, d.state_label) for d in closed} == {(forgotten.id, "불가"), (deal.id, "불가")}
    assert mine.select_deal(forgotten.id)
    settle(qtbot)
    assert mine.detail.visible_actions() == []
    shoot(demand, "flow_demand_closed")

    # the sweep the main window runs at start and every few minutes writes it down
    with services.deals.uow() as uow:
        assert uow.session.get(Deal, forgotten.id).state is DealState.CONSULT_REQUESTED  # computed, not stored
    demand.sweep_deals()
    settle(qtbot)
    with services.deals.uow() as uow:
        assert uow.session.get(Deal, forgotten.id).state is DealState.EXPIRED
        assert uow.session.get(Deal, deal.id).state is DealState.EXPIRED
