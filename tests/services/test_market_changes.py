"""What the deal, catalog and voucher use cases say they changed (`Done.changes`), on both stores."""

from __future__ import annotations

from kvoucher_desktop.enums import DealAction, DealState, PaymentMethod, ScreeningStatus
from kvoucher_desktop.services.changes import NO_CHANGES, Changes, Done, Entity
from kvoucher_desktop.services.dto import ServiceForm

from tests.factories import approved_buyer, company_in_state, make_agency, make_service, make_supplier_account

D, A = DealState, DealAction
MEMO = "화상회의 20석 도입을 상담하고 싶습니다."


def test_deal_moves_name_the_deal(services, clock):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    done = services.deals.request(buyer, service.id, MEMO)
    assert isinstance(done, Done) and done.value.state is D.CONSULT_REQUESTED
    deal_id = done.value.id
    assert done.changes == Changes.of(Entity.DEAL, deal_id)
    for move in (lambda: services.deals.accept(supplier, deal_id),
                 lambda: services.deals.request_payment(supplier, deal_id, 1_000_000),
                 lambda: services.deals.move_to_cart(buyer, deal_id),
                 lambda: services.deals.move_from_cart(buyer, deal_id),
                 lambda: services.deals.act(buyer, deal_id, A.TO_CART)):
        assert move().changes == Changes.of(Entity.DEAL, deal_id)
    other = services.deals.request(buyer, make_service(services, supplier).id, MEMO).value
    rejected = services.deals.reject(supplier, other.id, "일정이 맞지 않습니다.")
    assert rejected.value.state is D.REJECTED and rejected.changes == Changes.of(Entity.DEAL, other.id)


def test_a_request_names_the_overdue_deal_it_persisted_as_expired(services, clock):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    old = services.deals.request(buyer, service.id, MEMO).value
    clock.advance(days=3)  # lapsed by the clock, not swept
    new = services.deals.request(buyer, service.id, MEMO)
    assert new.changes == Changes.of(Entity.DEAL, new.value.id, old.id)
    assert services.deals.get(buyer, old.id).state is D.EXPIRED


def test_the_sweep_names_what_it_expired(services, clock):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    due = [services.deals.request(buyer, make_service(services, supplier).id, MEMO).value.id for _ in range(2)]
    kept = services.deals.request(buyer, make_service(services, supplier).id, MEMO).value.id
    services.deals.accept(supplier, kept)  # accepted deals have no deadline
    clock.advance(days=3)
    swept = services.deals.sweep()
    assert swept.value == 2 and swept.changes == Changes.of(Entity.DEAL, *due)
    again = services.deals.sweep()
    assert again.value == 0 and again.changes == NO_CHANGES and not again.changes.touches(Entity.DEAL)


def test_catalog_changes(services):
    supplier = make_supplier_account(services)
    form = ServiceForm("변경 알림 서비스", "VIDEO", "화상", 900_000, "설명입니다.")
    created = services.catalog.save_service(supplier, form)
    sid = created.value.id
    assert created.changes == Changes({Entity.SERVICE: {sid}, Entity.SUPPLIER: {supplier.supplier_id},
                                       Entity.CATEGORY: {"VIDEO"}})
    # a price edit changes the service only; a category change or hiding changes the listings too
    assert services.catalog.save_service(supplier, ServiceForm("변경 알림 서비스", "VIDEO", "화상", 800_000, "설명입니다."),
                                         sid).changes == Changes.of(Entity.SERVICE, sid)
    moved = services.catalog.save_service(supplier, ServiceForm("변경 알림 서비스", "CARE", "화상", 800_000, "설명입니다."),
                                          sid)
    assert moved.changes == Changes({Entity.SERVICE: {sid}, Entity.SUPPLIER: {supplier.supplier_id},
                                     Entity.CATEGORY: {"VIDEO", "CARE"}})
    hidden = services.catalog.save_service(
        supplier, ServiceForm("변경 알림 서비스", "CARE", "화상", 800_000, "설명입니다.", hidden=True), sid)
    assert hidden.changes.ids(Entity.CATEGORY) == {"CARE"} and hidden.changes.ids(Entity.SERVICE) == {sid}

    agency = make_agency(services)
    by_agency = services.catalog.set_hidden_by_agency(agency, sid, True, "확인 중")
    assert by_agency.value.hidden_by_agency
    assert by_agency.changes == Changes({Entity.SERVICE: {sid}, Entity.SUPPLIER: {supplier.supplier_id},
                                         Entity.CATEGORY: {"CARE"}})
    assert services.catalog.set_hidden_by_agency(agency, sid, True, "그대로").changes == Changes.of(Entity.SERVICE, sid)


def test_wishes_and_inquiries(services):
    buyer, _ = approved_buyer(services)
    supplier = make_supplier_account(services)
    sid = make_service(services, supplier).id
    wished = services.catalog.set_wished(buyer, sid, True)
    assert wished.value is True and wished.changes == Changes.of(Entity.WISH, sid)
    assert services.catalog.set_wished(buyer, sid, True).changes == NO_CHANGES  # already so: nothing changed
    assert services.catalog.set_wished(buyer, sid, False) == Done(False, Changes.of(Entity.WISH, sid))
    asked = services.catalog.ask(buyer, sid, "설치도 해 주시나요?")
    assert asked.changes == Changes.of(Entity.INQUIRY, asked.value.id)
    answered = services.catalog.answer(supplier, asked.value.id, "네, 설치해 드립니다.")
    assert answered.value.answer and answered.changes == Changes.of(Entity.INQUIRY, asked.value.id)


def test_voucher_changes(services):
    demand, company_id = company_in_state(services, ScreeningStatus.APPROVED)
    chosen = services.vouchers.choose_payment_method(demand, PaymentMethod.SHINHAN_CARD)
    assert chosen.value.payment_method is PaymentMethod.SHINHAN_CARD
    assert chosen.changes == Changes.of(Entity.VOUCHER, company_id)
    agency = make_agency(services)
    requested = services.vouchers.request_abandonment(demand, "사업 계획이 바뀌었습니다.")
    assert requested.changes == Changes.of(Entity.VOUCHER, company_id)
    declined = services.vouchers.decline_abandonment(agency, requested.value.abandonment.id, "공문으로 다시 신청해 주세요.")
    assert declined.changes == Changes.of(Entity.VOUCHER, company_id)
    # a confirmation without open deals: the voucher and the company's budget
    again = services.vouchers.request_abandonment(demand, "다시 신청합니다.").value.abandonment.id
    confirmed = services.vouchers.confirm_abandonment(agency, again)
    assert confirmed.changes == Changes({Entity.VOUCHER: {company_id}, Entity.COMPANY: {company_id}})


def test_confirming_an_abandonment_names_the_deals_it_expired(services):
    buyer, company_id = approved_buyer(services)
    supplier = make_supplier_account(services)
    open_ids = [services.deals.request(buyer, make_service(services, supplier).id, MEMO).value.id for _ in range(2)]
    closed = services.deals.request(buyer, make_service(services, supplier).id, MEMO).value.id
    services.deals.reject(supplier, closed, "일정이 맞지 않습니다.")
    request = services.vouchers.request_abandonment(buyer, "남은 예산을 반납합니다.").value.abandonment
    confirmed = services.vouchers.confirm_abandonment(make_agency(services), request.id)
    assert confirmed.changes == Changes({Entity.VOUCHER: {company_id}, Entity.COMPANY: {company_id},
                                         Entity.DEAL: set(open_ids)})
    assert all(services.deals.get(buyer, i).state is D.EXPIRED for i in open_ids)
