"""audit.changes_since: what other desks changed, as far as the caller may know of it."""

from __future__ import annotations

import pytest

from kvoucher_desktop.services.audit import FEED_MARGIN
from kvoucher_desktop.services.changes import Entity
from kvoucher_desktop.services.errors import ValidationError
from tests.factories import (
    approved_buyer,
    make_agency,
    make_operator,
    make_service,
    make_supplier_account,
)

pytestmark = pytest.mark.over_http


def _settle(clock):
    clock.advance(seconds=FEED_MARGIN.total_seconds() + 1)


def test_the_inbox_hears_what_the_other_side_did_and_nobody_else_does(services, clock):
    buyer, buyer_company = approved_buyer(services)
    other_buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    deal = services.deals.request(buyer, service.id, "상담 요청합니다.").value
    _settle(clock)
    start = {who: services.audit.changes_since(who).cursor for who in (buyer, other_buyer, supplier)}
    assert services.audit.changes_since(buyer).items == ()  # a start has no items

    services.deals.accept(supplier, deal.id)
    seen = services.audit.changes_since(buyer, start[buyer])
    assert [i.changes.ids(Entity.DEAL) for i in seen.items] == [{deal.id}]
    assert services.audit.changes_since(other_buyer, start[other_buyer]).items == ()
    assert services.audit.changes_since(supplier, start[supplier]).items == ()  # its own change
    assert buyer_company not in {i for item in seen.items for i in item.changes.ids(Entity.COMPANY)}


def test_the_cursor_passes_a_record_only_once_it_is_old_so_a_late_commit_is_not_skipped(services, clock):
    agency = make_agency(services)
    operator = make_operator(services)
    _settle(clock)  # the set-up's own records are behind the start
    begin = services.audit.changes_since(operator).cursor
    made = services.programme.save_announcement(agency, title="새 공고", body="본문").value
    young = services.audit.changes_since(operator, begin)
    assert [i.changes.ids(Entity.ANNOUNCEMENT) for i in young.items] == [{made.id}]
    assert young.cursor == begin  # sent again next time
    _settle(clock)
    old = services.audit.changes_since(operator, begin)
    assert old.cursor > begin and [i.seq for i in old.items] == [i.seq for i in young.items]
    assert services.audit.changes_since(operator, old.cursor).items == ()


def test_an_operator_hears_of_its_own_jurisdictions_companies_only(services, clock):
    from kvoucher_desktop.enums import ScreeningStatus
    from tests.factories import company_in_state

    seoul, busan = make_operator(services, "서울"), make_operator(services, "부산")
    begin = {op: services.audit.changes_since(op).cursor for op in (seoul, busan)}
    _demand, company_id = company_in_state(services, ScreeningStatus.REVIEWING, region="서울")
    assert any(company_id in i.changes.ids(Entity.COMPANY)
               for i in services.audit.changes_since(seoul, begin[seoul]).items)
    assert not any(company_id in i.changes.ids(Entity.COMPANY)
                   for i in services.audit.changes_since(busan, begin[busan]).items)


@pytest.mark.parametrize("bad", [-1, 2**63, "12", 1.5, True])
def test_a_cursor_that_is_no_cursor_is_refused(services, bad):
    buyer, _ = approved_buyer(services)
    with pytest.raises(ValidationError):
        services.audit.changes_since(buyer, bad)
