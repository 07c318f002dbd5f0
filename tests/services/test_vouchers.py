"""바우처 신청 (SPEC §5.2) through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import select

from kvoucher_desktop.enums import AbandonmentStatus, CompanyType, DealState, DealTab, PaymentMethod, PaymentStatus, \
    ScreeningStatus
from kvoucher_desktop.models import AuditRecord, Company, Payment
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from kvoucher_desktop.services.rules import deals as deal_rules

from tests.factories import approved_buyer, company_in_state, make_agency, make_operator, make_service, \
    make_supplier_account
from tests.services.test_deals import drive

PIN = "583920"


@pytest.mark.parametrize("status", [s for s in ScreeningStatus if s is not ScreeningStatus.APPROVED])
def test_only_approved_companies_may_apply(services, status):
    demand, _ = company_in_state(services, status)
    view = services.vouchers.get(demand)
    assert not view.eligible and view.why_not  # says why and what to do
    assert view.budget is None  # no budget before the agency's approval
    with pytest.raises(InvalidTransition):
        services.vouchers.choose_payment_method(demand, PaymentMethod.SHINHAN_CARD)
    assert services.vouchers.get(demand).payment_method is None


def test_shinhan_card_request_date_is_the_next_kst_day(services, clock):
    demand, _ = company_in_state(services, ScreeningStatus.APPROVED)
    clock.set(datetime(2026, 3, 31, 23, 30, tzinfo=KST))  # 14:30 UTC: still the 31st in Korea
    view = services.vouchers.choose_payment_method(demand, PaymentMethod.SHINHAN_CARD).value
    assert view.payment_method is PaymentMethod.SHINHAN_CARD
    assert view.card_request_from == date(2026, 4, 1)
    assert view.zeropay_password_set is False


def test_card_date_after_midnight_kst(services, clock):
    demand, _ = company_in_state(services, ScreeningStatus.APPROVED)
    clock.set(datetime(2026, 12, 31, 0, 10, tzinfo=KST))  # still 30 Dec in UTC
    assert services.vouchers.choose_payment_method(demand, PaymentMethod.SHINHAN_CARD).value.card_request_from == \
        date(2027, 1, 1)


def test_zeropay_password_rules_and_hash(services):
    demand, company_id = company_in_state(services, ScreeningStatus.APPROVED)
    for pin, confirm in (("12345", "12345"), ("abcdef", "abcdef"), ("111111", "111111"), ("123456", "123456"),
                         (PIN, "583921")):
        with pytest.raises(ValidationError) as err:
            services.vouchers.choose_payment_method(demand, PaymentMethod.ZEROPAY, zeropay_password=pin,
                                                    zeropay_password_confirm=confirm)
        assert err.value.field == "zeropay_password"
    assert services.vouchers.get(demand).payment_method is None  # a refused try chose nothing
    view = services.vouchers.choose_payment_method(demand, PaymentMethod.ZEROPAY, zeropay_password=PIN,
                                                   zeropay_password_confirm=PIN).value
    assert view.payment_method is PaymentMethod.ZEROPAY and view.zeropay_password_set and view.card_request_from is None
    with services.vouchers.uow() as uow:
        audit = " ".join(a or "" for a in uow.session.scalars(select(AuditRecord.after)))
        row = " ".join(str(getattr(uow.session.get(Company, company_id), c.key)) for c in Company.__table__.columns)
    assert PIN not in audit and PIN not in row and not hasattr(Company, "zeropay_password_hash")
    # the password is ZeroPay's (its own record): it accepts the PIN and nothing else
    from kvoucher_desktop.services.gateways.issuers import Approval, Failure
    assert services.zeropay.has_password(str(company_id))
    assert isinstance(services.zeropay.pay(uuid.uuid4().hex, str(company_id), "583921", 1_000, "m"), Failure)
    assert isinstance(services.zeropay.pay(uuid.uuid4().hex, str(company_id), PIN, 1_000, "m"), Approval)


@pytest.mark.parametrize("first, second", [(PaymentMethod.SHINHAN_CARD, PaymentMethod.ZEROPAY),
                                           (PaymentMethod.ZEROPAY, PaymentMethod.SHINHAN_CARD),
                                           (PaymentMethod.SHINHAN_CARD, PaymentMethod.SHINHAN_CARD)])
def test_the_payment_method_can_never_change(services, first, second):
    demand, company_id = approved_buyer(services, method=first)
    extra = {"zeropay_password": PIN, "zeropay_password_confirm": PIN} if second is PaymentMethod.ZEROPAY else {}
    with pytest.raises(PermissionDenied, match="바꿀 수 없습니다"):
        services.vouchers.choose_payment_method(demand, second, **extra)
    # no other role has a way in either
    for actor in (make_agency(services), make_operator(services), make_supplier_account(services)):
        with pytest.raises(PermissionDenied):
            services.vouchers.choose_payment_method(actor, second, **extra)
    # and a change that bypasses the service is stopped at the model
    with pytest.raises(PermissionDenied):
        with services.vouchers.uow() as uow:
            uow.session.get(Company, company_id).payment_method = second if second is not first else \
                next(m for m in PaymentMethod if m is not first)
            uow.commit()
    # nor is a bulk UPDATE that bypasses the ORM: the store itself refuses (trigger)
    from sqlalchemy import update
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="payment_method is final"):
        with services.vouchers.uow() as uow:
            uow.session.execute(update(Company).where(Company.id == company_id)
                                .values(payment_method=next(m for m in PaymentMethod if m is not first)))
            uow.commit()
    with pytest.raises(DBAPIError, match="payment_method is final"):
        with services.vouchers.uow() as uow:
            uow.session.execute(update(Company).where(Company.id == company_id).values(payment_method=None))
            uow.commit()
    # editing company info does not touch it
    info = services.companies.get(demand, company_id).info
    services.companies.update_info(demand, dataclasses.replace(info, industry="소프트웨어 개발"))
    assert services.vouchers.get(demand).payment_method is first


def test_budget_panel_follows_the_payment_ledger(services):
    demand, company_id = approved_buyer(services)
    supplier = make_supplier_account(services)
    budget = services.vouchers.get(demand).budget
    assert (budget.total, budget.government, budget.self_pay, budget.government_pct) == (4_000_000, 3_600_000, 400_000, 90)
    assert (budget.spent, budget.in_progress, budget.remaining) == (0, 0, 4_000_000)
    deals = [drive(services, DealState.PAYMENT_REQUESTED, demand, supplier) for _ in range(2)]
    now = services.clock.now()
    with services.vouchers.uow() as uow:  # payments are written by the payment flow; the ledger only sums them
        for status, amount in ((PaymentStatus.SUCCEEDED, 1_000_000), (PaymentStatus.IN_PROGRESS, 300_000),
                               (PaymentStatus.FAILED, 700_000), (PaymentStatus.CANCELLED, 200_000)):
            deal = deals[status is PaymentStatus.IN_PROGRESS]  # a deal has one live payment at most
            uow.session.add(Payment(id=uuid.uuid4(), deal_id=deal.id, company_id=company_id,
                                    supplier_id=supplier.supplier_id, method=PaymentMethod.SHINHAN_CARD, status=status,
                                    amount=amount, government_share=amount * 9 // 10, self_share=amount // 10,
                                    created_at=now, updated_at=now))
        uow.commit()
    budget = services.vouchers.get(demand).budget
    assert (budget.spent, budget.in_progress, budget.remaining) == (1_000_000, 300_000, 2_700_000)


def test_abandonment_request_confirm(services):
    demand, company_id = approved_buyer(services)
    supplier = make_supplier_account(services)
    agency = make_agency(services)
    open_deals = [drive(services, state, demand, supplier) for state in
                  (DealState.CONSULT_REQUESTED, DealState.ACCEPTED, DealState.PAYMENT_REQUESTED, DealState.IN_CART)]
    rejected = drive(services, DealState.REJECTED, demand, supplier)
    with pytest.raises(ValidationError):
        services.vouchers.request_abandonment(demand, "  ")
    view = services.vouchers.request_abandonment(demand, "사업 계획이 바뀌어 바우처를 더 쓰지 않습니다.").value
    assert view.abandonment.status is AbandonmentStatus.REQUESTED
    with pytest.raises(Conflict):
        services.vouchers.request_abandonment(demand, "두 번째 신청")
    with pytest.raises(PermissionDenied):
        services.vouchers.confirm_abandonment(demand, view.abandonment.id)
    pending = services.vouchers.abandonments(agency)
    assert [(p.company_id, p.remaining) for p in pending] == [(company_id, 4_000_000)]
    done = services.vouchers.confirm_abandonment(agency, view.abandonment.id).value
    assert (done.status, done.budget_before, done.budget_after) == (AbandonmentStatus.CONFIRMED, 4_000_000, 0)
    after = services.vouchers.get(demand)
    assert after.budget.remaining == 0 and after.budget.abandoned and after.budget.total == 0
    for deal in open_deals:
        seen = services.deals.get(demand, deal.id)
        assert (seen.state, seen.close_reason) == (DealState.EXPIRED, deal_rules.EXPIRED_ABANDONED)
    assert services.deals.get(demand, rejected.id).state is DealState.REJECTED  # closed deals stay as they are
    counts = services.deals.counts(demand)
    assert counts[DealTab.CLOSED] == 5 and counts[DealTab.PAY] == 0
    # no new deal, no second request, and a decided request cannot be decided again
    with pytest.raises(InvalidTransition, match="남은 예산"):
        services.deals.request(demand, make_service(services, supplier).id, "새 상담")
    with pytest.raises(InvalidTransition):
        services.vouchers.request_abandonment(demand, "다시")
    with pytest.raises(Conflict):
        services.vouchers.decline_abandonment(agency, view.abandonment.id, "이미 확정")
    assert services.vouchers.abandonments(agency) == []


def test_abandonment_keeps_what_was_spent(services):
    demand, company_id = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, DealState.PAYMENT_REQUESTED, demand, supplier)
    now = services.clock.now()
    with services.vouchers.uow() as uow:
        uow.session.add(Payment(id=uuid.uuid4(), deal_id=deal.id, company_id=company_id,
                                supplier_id=supplier.supplier_id, method=PaymentMethod.SHINHAN_CARD,
                                status=PaymentStatus.SUCCEEDED, amount=1_234_567, government_share=1_111_110,
                                self_share=123_457, created_at=now, updated_at=now))
        uow.commit()
    request = services.vouchers.request_abandonment(demand, "남은 예산을 반납합니다.").value.abandonment
    services.vouchers.confirm_abandonment(make_agency(services), request.id)
    budget = services.vouchers.get(demand).budget
    assert (budget.total, budget.spent, budget.remaining) == (1_234_567, 1_234_567, 0)
    # the shares are those of the payments themselves
    assert (budget.government, budget.self_pay, budget.government_pct) == (1_111_110, 123_457, 90)


def test_abandonment_waits_for_a_payment_in_progress(services):
    demand, company_id = approved_buyer(services)
    supplier = make_supplier_account(services)
    deal = drive(services, DealState.PAYMENT_REQUESTED, demand, supplier)
    now = services.clock.now()
    payment_id = uuid.uuid4()
    with services.vouchers.uow() as uow:
        uow.session.add(Payment(id=payment_id, deal_id=deal.id, company_id=company_id,
                                supplier_id=supplier.supplier_id, method=PaymentMethod.SHINHAN_CARD,
                                status=PaymentStatus.IN_PROGRESS, amount=500_000, government_share=450_000,
                                self_share=50_000, created_at=now, updated_at=now))
        uow.commit()
    agency = make_agency(services)
    request = services.vouchers.request_abandonment(demand, "예산 반납").value.abandonment
    with pytest.raises(Conflict, match="결제가 진행 중"):
        services.vouchers.confirm_abandonment(agency, request.id)
    assert services.deals.get(demand, deal.id).state is DealState.PAYMENT_REQUESTED  # nothing changed
    with services.vouchers.uow() as uow:
        uow.session.get(Payment, payment_id).status = PaymentStatus.FAILED
        uow.commit()
    services.vouchers.confirm_abandonment(agency, request.id)
    budget = services.vouchers.get(demand).budget
    assert (budget.total, budget.remaining, budget.government_pct) == (0, 0, 90)


def test_abandonment_decline_needs_a_reason(services):
    demand, _ = approved_buyer(services)
    agency = make_agency(services)
    request = services.vouchers.request_abandonment(demand, "담당자 변경").value.abandonment
    with pytest.raises(ValidationError):
        services.vouchers.decline_abandonment(agency, request.id, "")
    declined = services.vouchers.decline_abandonment(agency, request.id, "공문으로 다시 신청해 주세요.").value
    assert declined.status is AbandonmentStatus.DECLINED
    view = services.vouchers.get(demand)
    assert view.abandonment.decline_reason == "공문으로 다시 신청해 주세요." and view.budget.remaining == 4_000_000
    # a declined request may be followed by a new one
    assert services.vouchers.request_abandonment(demand, "다시 신청합니다.").value.abandonment.status is \
        AbandonmentStatus.REQUESTED


def test_abandonment_only_when_approved(services):
    demand, _ = company_in_state(services, ScreeningStatus.CONFIRMED)
    with pytest.raises(InvalidTransition):
        services.vouchers.request_abandonment(demand, "사유")


def test_vouchers_are_private(services):
    demand, company_id = approved_buyer(services)
    other, _ = approved_buyer(services)
    with pytest.raises(PermissionDenied):
        services.vouchers.get(other, company_id)
    assert services.vouchers.get(make_agency(services), company_id).payment_method is PaymentMethod.SHINHAN_CARD


def test_corporation_view_carries_its_type(services):
    demand, _ = approved_buyer(services, company_type=CompanyType.CORPORATION)
    assert services.vouchers.get(demand).company_type is CompanyType.CORPORATION
