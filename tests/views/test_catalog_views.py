"""The catalog through the GUI: search before login from the header box, category chips, a one-
syllable query, the detail page (supplier, other services, refusal reason), 찜하기 and the wishlist
page, 서비스 문의 and the inquiry history, 거래상담 요청 with its required memo, and the agency hiding
a service."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from kvoucher_desktop.enums import DealTab, Role
from kvoucher_desktop.services.changes import Changes, Entity
from kvoucher_desktop.services.dto import Actor, ServiceRow
from tests.factories import approved_buyer, make_agency, make_service, make_supplier_account
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)


@dataclass
class Catalog:
    supplier: Actor
    video: ServiceRow
    security: ServiceRow
    edutech: ServiceRow


@pytest.fixture
def catalog(sqlite_services) -> Catalog:
    services = sqlite_services
    hanbit = make_supplier_account(services, name="한빛소프트")
    daon = make_supplier_account(services, name="다온에듀")
    video = make_service(services, hanbit, name="화상회의 솔루션 프로", category="VIDEO",
                         keywords="화상회의, 웨비나, 녹화", price=1_100_000,
                         description="최대 100명이 참여하는 화상회의와 웨비나를 지원합니다.\n설치와 교육을 함께 제공합니다.")
    security = make_service(services, hanbit, name="보안 VPN 플러스", category="NETWORK_SECURITY",
                            keywords="VPN, 원격접속", price=2_200_000)
    edutech = make_service(services, daon, name="원격 직무교육 패키지", category="EDUTECH", keywords="직무교육, LMS",
                           price=880_000)
    return Catalog(hanbit, video, security, edutech)


def names(page) -> list[str]:
    return [r.name for r in page.model.rows()]


def open_catalog(qtbot, window, text: str = "", category: str | None = None):
    page = window.search_services(text, category)
    settle(qtbot)
    return page


def open_detail(qtbot, window, service_id):
    page = window.open_service(service_id)
    settle(qtbot)
    assert page.detail is not None and page.detail.service.id == service_id
    return page


# --- search -----------------------------------------------------------------------------------
def test_header_search_before_login_shows_matching_services_only(qtbot, desk, catalog, qtmodeltester):
    window = desk(None)
    assert window.actor is None
    type_text(window.search, "화상\n")  # Hangul typed like an input method, then Enter
    settle(qtbot)
    assert window.current_key == "catalog"
    page = window.pages["catalog"]
    assert page.box.text() == "화상"
    assert names(page) == ["화상회의 솔루션 프로"]
    assert page.count_label.text() == "검색 결과 1건"
    model = page.model
    row = model.index(0, 0)
    assert [model.index(0, c).data() for c in range(model.columnCount())] == [
        "화상회의 솔루션 프로", "화상회의", "한빛소프트", "1,100,000원", "-", "화상회의, 웨비나, 녹화"]
    price_alignment = Qt.AlignmentFlag(model.index(0, 3).data(Qt.ItemDataRole.TextAlignmentRole))
    assert price_alignment & Qt.AlignmentFlag.AlignRight
    assert row.data(Qt.ItemDataRole.UserRole).id == catalog.video.id
    qtmodeltester.check(model)
    shoot(window, "catalog_search")

    # a query that matches the supplier's name finds both of its services, not the other supplier's
    page.search("한빛", None)
    settle(qtbot)
    assert names(page) == ["보안 VPN 플러스", "화상회의 솔루션 프로"]


def test_category_chips_filter_and_show_counts(qtbot, desk, catalog):
    window = desk(None)
    page = open_catalog(qtbot, window)
    assert sorted(names(page)) == sorted(["화상회의 솔루션 프로", "보안 VPN 플러스", "원격 직무교육 패키지"])
    assert page.chips[None].text() == "전체 3"
    assert page.chips["NETWORK_SECURITY"].text() == "네트워크·보안 솔루션 1"
    assert page.chips["CARE"].text() == "비대면 돌봄 0"
    page.chips["NETWORK_SECURITY"].click()
    settle(qtbot)
    assert names(page) == ["보안 VPN 플러스"]
    assert page.count_label.text() == "검색 결과 1건"
    # a category with nothing in it says so instead of showing an empty grid
    page.chips["CARE"].click()
    settle(qtbot)
    assert page.model.rowCount() == 0
    assert page.results.currentWidget() is page.empty
    assert "아직 등록된 서비스가 없습니다" in page.empty.text()
    # a home tile opens the catalog on its category
    window.open_page("home")
    home = window.pages["home"]
    settle(qtbot)
    tile = next(b for b in home.tile_buttons if b.property("category") == "EDUTECH")
    assert tile.text().startswith("에듀테크\n") and tile.text().endswith("서비스 1개")
    shoot(window, "catalog_home_tiles")
    tile.click()
    settle(qtbot)
    assert window.current_key == "catalog" and page.chips["EDUTECH"].isChecked()
    assert names(page) == ["원격 직무교육 패키지"]


def test_one_syllable_query_and_a_query_without_results(qtbot, desk, catalog):
    window = desk(None)
    page = open_catalog(qtbot, window)
    type_text(page.box, "안")  # debounced: the search runs when typing pauses
    qtbot.waitUntil(lambda: names(page) == ["보안 VPN 플러스"], timeout=3000)
    settle(qtbot)
    assert page.count_label.text() == "검색 결과 1건"
    type_text(page.box, "없는서비스", replace=True)
    qtbot.waitUntil(lambda: page.results.currentWidget() is page.empty, timeout=3000)
    settle(qtbot)
    assert page.count_label.text() == "검색 결과 0건"
    assert "'없는서비스'에 맞는 서비스를 찾지 못했습니다" in page.empty.text()


def test_results_page_lazily_and_a_search_before_the_categories_arrive_keeps_its_category(
        qtbot, desk, catalog, sqlite_services, qtmodeltester):
    from kvoucher_desktop.views.catalog.search import CatalogSearchPage

    window = desk(None)
    page = CatalogSearchPage(window.ctx, page_size=2)
    qtbot.addWidget(page)
    page.table.setFixedHeight(70)  # room for one row: the view itself asks for no more than it shows
    page.search("", "EDUTECH")  # before refresh(): the chips are not built yet
    page.refresh()
    settle(qtbot)
    assert page.chips["EDUTECH"].isChecked() and page.chips["EDUTECH"].text() == "에듀테크 1"
    assert names(page) == ["원격 직무교육 패키지"]
    page.chips[None].click()
    settle(qtbot)
    assert page.model.rowCount() == 2 and page.model.canFetchMore()
    assert page.count_label.text() == "검색 결과 3건"
    assert "스크롤하면 더 불러옵니다" in page.status_label.text()
    qtmodeltester.check(page.model)
    page.model.fetchMore()
    settle(qtbot)
    assert names(page) == ["보안 VPN 플러스", "원격 직무교육 패키지", "화상회의 솔루션 프로"]
    assert not page.model.canFetchMore() and page.status_label.text() == ""


# --- detail -----------------------------------------------------------------------------------
def test_detail_before_login_shows_service_supplier_and_why_no_consultation(qtbot, desk, catalog):
    window = desk(None)
    page = open_catalog(qtbot, window, "화상")
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter on a row opens it
    settle(qtbot)
    assert window.current_key == "service_detail"
    detail = window.pages["service_detail"]
    assert detail.name_label.text() == "화상회의 솔루션 프로"
    assert detail.category_label.text() == "화상회의"
    assert detail.price_label.text().startswith("1,100,000원")
    assert "아직 만족도 평가가 없습니다" in detail.rating_label.text()
    assert "웨비나" in detail.keywords_label.text()
    assert "설치와 교육을 함께 제공합니다." in detail.description.text()
    assert detail.supplier_name.text() == "한빛소프트"
    assert detail.supplier_phone.text() == "02-3456-7890"
    assert "@supplier.example.kr" in detail.supplier_email.text()
    assert "보안 VPN 플러스" in detail.others.text() and "원격 직무교육" not in detail.others.text()
    # nobody logged in: no wishlist, and the consultation button is disabled with the reason beside it
    assert not detail.wish_button.isVisible()
    assert detail.request_button.isVisible() and not detail.request_button.isEnabled()
    assert "로그인" in detail.refusal_label.text()
    assert not detail.inquiries.ask_box.isVisible()
    assert not detail.hide_button.isVisible()
    shoot(window, "catalog_detail_public")

    # the supplier's other service opens from its link
    detail.others.linkActivated.emit(f"service:{catalog.security.id}")
    settle(qtbot)
    assert detail.detail.service.id == catalog.security.id
    assert detail.name_label.text() == "보안 VPN 플러스"
    # back to the results: the query is still there
    assert detail.login_button.isVisible()  # a visitor is shown the way forward
    detail.login_button.click()
    settle(qtbot)
    assert window.login_dialog.isVisible()
    window.login_dialog.reject()
    detail.back_button.click()
    settle(qtbot)
    assert window.current_key == "catalog"
    assert page.box.text() == "화상" and names(page) == ["화상회의 솔루션 프로"]


def test_wishlist_add_shows_on_wishlist_page_and_remove_there(qtbot, desk, catalog, sqlite_services, qtmodeltester):
    demand, _company = approved_buyer(sqlite_services)
    window = desk(demand)
    detail = open_detail(qtbot, window, catalog.video.id)
    assert detail.wish_button.isVisible() and detail.wish_button.text() == "♡ 찜하기"
    detail.wish_button.click()
    settle(qtbot)
    assert detail.wish_button.text() == "♥ 찜 해제"
    assert [r.id for r in sqlite_services.catalog.wishlist(demand)] == [catalog.video.id]

    wishlist = window.open_page("wishlist")
    settle(qtbot)
    assert names(wishlist) == ["화상회의 솔루션 프로"]
    qtmodeltester.check(wishlist.model)
    # the wishlist page is loaded; another 찜 on the detail page reaches it through data_changed
    window.open_service(catalog.security.id)
    settle(qtbot)
    detail.wish_button.click()
    settle(qtbot)
    assert sorted(names(wishlist)) == ["보안 VPN 플러스", "화상회의 솔루션 프로"]

    window.open_page("wishlist")
    settle(qtbot)
    shoot(window, "catalog_wishlist")
    wishlist.table.selectRow(wishlist.model.position_of(catalog.video.id))
    wishlist.remove_button.click()
    settle(qtbot)
    assert names(wishlist) == ["보안 VPN 플러스"]
    assert [r.id for r in sqlite_services.catalog.wishlist(demand)] == [catalog.security.id]
    # opening the removed one again shows it as not wished
    detail = open_detail(qtbot, window, catalog.video.id)
    assert detail.wish_button.text() == "♡ 찜하기"


def test_inquiry_is_checked_kept_on_error_and_listed_after_asking(qtbot, desk, catalog, sqlite_services,
                                                                  qtmodeltester):
    demand, _company = approved_buyer(sqlite_services)
    window = desk(demand)
    detail = open_detail(qtbot, window, catalog.video.id)
    panel = detail.inquiries
    assert panel.ask_box.isVisible() and panel.cards == []
    too_long = "가" * 2001
    panel.question.setPlainText(too_long)
    panel.ask_button.click()
    settle(qtbot)
    assert panel.error.isVisible() and "2,000자 이내" in panel.error.text()
    assert panel.question.toPlainText() == too_long  # nothing typed is lost
    panel.question.clear()
    type_text(panel.question, "설치 지원도 포함되나요?")
    panel.ask_button.click()
    settle(qtbot)
    assert not panel.error.isVisible()
    assert panel.question.toPlainText() == ""
    assert len(panel.cards) == 1
    assert panel.cards[0].question.text() == "설치 지원도 포함되나요?"
    assert panel.cards[0].answer.text() == "답변 대기"
    assert panel.count_label.text() == "1건"
    shoot(panel, "catalog_inquiry_panel")

    mine = window.open_page("my_inquiries")
    settle(qtbot)
    qtmodeltester.check(mine.model)
    model = mine.model
    assert [model.index(0, c).data() for c in (0, 1, 3)] == ["화상회의 솔루션 프로", "설치 지원도 포함되나요?", "답변 대기"]
    mine.table.selectRow(0)
    assert mine.detail.question.text() == "설치 지원도 포함되나요?"
    assert mine.detail.answer_title.text() == "답변 대기"

    # the supplier answers at its desk; the history shows the answer once told
    inquiry = sqlite_services.catalog.my_inquiries(demand)[0]
    sqlite_services.catalog.answer(catalog.supplier, inquiry.id, "네, 원격 설치를 무료로 해 드립니다.")
    window.data_changed.emit(Changes.of(Entity.INQUIRY, inquiry.id), None)
    settle(qtbot)
    assert model.index(0, 3).data() == "답변 완료"
    assert mine.detail.answer.text() == "네, 원격 설치를 무료로 해 드립니다."
    shoot(window, "catalog_my_inquiries")
    mine.detail.open_button.click()
    settle(qtbot)
    assert window.current_key == "service_detail"
    assert "네, 원격 설치를 무료로 해 드립니다." in panel.cards[0].answer.text()


def test_consultation_request_needs_a_memo_and_creates_the_deal(qtbot, desk, catalog, sqlite_services, monkeypatch):
    services = sqlite_services
    demand, _company = approved_buyer(services)
    window = desk(demand)
    announced = []
    window.data_changed.connect(lambda changes, _initiator: announced.append(changes))
    detail = open_detail(qtbot, window, catalog.video.id)
    assert detail.request_button.isEnabled() and detail.refusal_label.text() == ""
    shoot(window, "catalog_detail_demand")
    detail.request_button.click()
    dialog = detail.request_dialog
    assert dialog is not None and dialog.isVisible()
    shoot(dialog, "catalog_deal_request")
    dialog.ok_button.click()  # empty memo
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.error.isVisible() and "거래상담 메모를 입력해 주세요" in dialog.error.text()
    assert services.deals.counts(demand).get(DealTab.CONSULT, 0) == 0

    type_text(dialog.memo, "직원 15명이 4월부터 쓰려고 합니다.")
    dialog.ok_button.click()
    settle(qtbot)
    assert not dialog.isVisible()
    assert services.deals.counts(demand)[DealTab.CONSULT] == 1
    deal = dialog.deal
    assert Changes.of(Entity.DEAL, deal.id) in announced
    assert detail.deal_notice.isVisible() and "거래상담을 요청했습니다" in detail.deal_notice.title.text()
    # requested Monday 2026-03-02 10:00 KST: the supplier has until Wednesday 24:00
    assert "2026-03-04 24:00까지" in detail.deal_notice.body.text()
    # one open deal per service: the button is now disabled, with the reason next to it
    assert not detail.request_button.isEnabled()
    assert "진행 중인 거래" in detail.refusal_label.text()
    assert detail.open_deal_button.isVisible()
    shoot(window, "catalog_detail_after_request")
    opened = []
    monkeypatch.setattr(window, "open_page", lambda key: opened.append(key))
    detail.open_inbox_button.click()
    assert opened == ["deal_inbox"]


def test_company_without_payment_method_sees_the_reason(qtbot, desk, catalog, sqlite_services):
    from kvoucher_desktop.enums import ScreeningStatus
    from tests.factories import company_in_state

    demand, _company = company_in_state(sqlite_services, ScreeningStatus.APPROVED)
    window = desk(demand)
    detail = open_detail(qtbot, window, catalog.video.id)
    assert not detail.request_button.isEnabled()
    assert "결제수단을 선택" in detail.refusal_label.text()
    assert detail.open_request_dialog() is None


def test_agency_hides_a_service_with_a_reason_and_shows_it_again(qtbot, desk, catalog, sqlite_services):
    agency = make_agency(sqlite_services)
    assert agency.role is Role.AGENCY
    window = desk(agency)
    search = open_catalog(qtbot, window)
    assert search.model.rowCount() == 3
    detail = open_detail(qtbot, window, catalog.security.id)
    assert detail.hide_button.isVisible() and detail.hide_button.text() == "서비스 숨기기"
    detail.hide_button.click()
    dialog = detail.hide_dialog
    dialog.ok_button.click()  # a reason is required
    assert dialog.isVisible() and dialog.error.isVisible()
    type_text(dialog.edit, "허위 가격 표시 신고 확인 중")
    dialog.ok_button.click()
    settle(qtbot)
    assert detail.state_notice.isVisible() and "전문기관이 숨긴" in detail.state_notice.title.text()
    assert detail.hide_button.text() == "서비스 다시 보이기"
    shoot(window, "catalog_detail_agency_hidden")
    assert sqlite_services.catalog.count(None) == 2
    assert "보안 VPN 플러스" not in names(search)  # the open catalog searched again when told
    detail.hide_button.click()
    detail.hide_dialog.yes_button.click()
    settle(qtbot)
    assert not detail.state_notice.isVisible()
    assert sqlite_services.catalog.count(None) == 3


def test_chip_counts_follow_the_query(qtbot, desk, catalog):
    window = desk(None)
    page = open_catalog(qtbot, window, "VPN")
    chips = {code: button.text() for code, button in page.chips.items()}
    assert chips[None] == "전체 1" and chips["NETWORK_SECURITY"].endswith(" 1") and chips["VIDEO"].endswith(" 0")
    assert page.count_label.text() == "검색 결과 1건"
    page.search("", None)
    settle(qtbot)
    assert page.chips[None].text() == "전체 3"
