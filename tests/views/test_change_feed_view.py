"""A desk hears what another desk did: the supplier accepts on its desk, the buyer's window
tells its pages (and its inbox shows the deal under 거래수락) without anyone pressing 새로 고침."""

from __future__ import annotations

import pytest

from kvoucher_desktop.enums import DealTab
from tests.factories import approved_buyer, make_service, make_supplier_account
from tests.views.helpers import record_changes
from tests.views.page_support import desk, settle  # noqa: F401  (desk is a fixture)

pytestmark = pytest.mark.over_http


def test_the_buyers_inbox_follows_the_suppliers_desk(qtbot, desk, sqlite_services):
    services = sqlite_services
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    service = make_service(services, supplier, name="원격 근무 솔루션")
    deal = services.deals.request(buyer, service.id, "상담 요청합니다.").value
    window = desk(buyer)
    inbox = window.open_page("deal_inbox")
    settle(qtbot)
    accepted = list(DealTab).index(DealTab.ACCEPTED)
    assert inbox.tabs.tabText(accepted) == "거래수락 (0)"
    heard: list = []
    record_changes(window, heard)
    services.deals.accept(supplier, deal.id)  # on the supplier's desk
    window.change_feed.poll()
    qtbot.waitUntil(lambda: ("deal", (deal.id,)) in heard, timeout=5000)
    qtbot.waitUntil(lambda: inbox.tabs.tabText(accepted) == "거래수락 (1)", timeout=5000)


def test_a_desk_is_not_told_its_own_changes_again(qtbot, desk, sqlite_services):
    services = sqlite_services
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    window = desk(buyer)
    heard: list = []
    record_changes(window, heard)
    window.change_feed.poll()
    settle(qtbot)
    services.deals.request(buyer, service.id, "상담 요청합니다.")  # the buyer's own change
    window.change_feed.poll()
    settle(qtbot)
    assert not [kind for kind, _ids in heard if kind == "deal"]
