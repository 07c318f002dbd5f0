"""The data of the documents for filing (SPEC §11) through PaymentService, on SQLite and PostgreSQL:
who may read a payment's paper, which papers a payment has, the stable document numbers, and a
period's papers for the batch in payment order and in the actor's scope."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from kvoucher_desktop.enums import PaperKind, PaymentMethod, PaymentStatus
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.documents import render_batch, render_cancellation_slip, render_slip
from kvoucher_desktop.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from kvoucher_desktop.services.rules.money import supply_and_vat
from kvoucher_desktop.services.rules.numbers import format_business_no

from tests.factories import make_agency, make_operator, make_supplier_account
from tests.services.test_payments import Desk

K, P = PaperKind, PaymentStatus


class Paid:
    """A card buyer's payments of 2026-03-05 (KST): `ok` succeeded at 09:00, `gone` cancelled by the
    supplier (10:00, with a reason), `bad` failed; a second buyer's `other` (ZeroPay) at 11:00."""

    def __init__(self, services, clock):
        self.services = services
        self.desk = d = Desk(services, clock)
        self.buyer, self.supplier = d.buyer, d.supplier
        clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=KST))
        self.ok = d.pay_card(d.deal(1_100_000))
        clock.set(datetime(2026, 3, 5, 10, 0, tzinfo=KST))
        self.gone = d.pay_card(d.deal(300_000))
        services.payments.cancel(self.supplier, self.gone.id, uuid.uuid4().hex, "일정 변경으로 취소합니다.")
        (bad,) = d.start(d.deal(200_000))
        self.bad = services.payments.send_card(self.buyer, bad.id, d.card.number, "01/20").value
        assert self.bad.status is P.FAILED
        clock.set(datetime(2026, 3, 5, 11, 0, tzinfo=KST))
        self.zp = zp = Desk(services, clock, PaymentMethod.ZEROPAY)
        clock.set(datetime(2026, 3, 5, 11, 0, tzinfo=KST))
        self.other = zp.pay_zeropay(zp.deal(440_000))
        clock.set(datetime(2026, 3, 5, 12, 0, tzinfo=KST))


@pytest.fixture
def paid(services, clock):
    return Paid(services, clock)


def test_a_slip_carries_the_payment_its_parties_and_the_vat_split(paid, services):
    data = services.payments.paper(paid.buyer, paid.ok.id, K.SLIP)
    assert data.kind is K.SLIP and data.payment_id == paid.ok.id and data.status is P.SUCCEEDED
    assert (data.amount, data.government_share, data.self_share) == (paid.ok.amount, paid.ok.government_share,
                                                                     paid.ok.self_share)
    assert (data.supply_value, data.vat) == supply_and_vat(1_100_000) == (1_000_000, 100_000)
    assert data.approval_no == paid.ok.approval_no and data.approved_at == paid.ok.approved_at
    assert data.card_masked == paid.desk.card.masked and data.method_label == "신한카드"
    assert data.buyer.name == paid.ok.company_name and data.supplier.name == paid.ok.supplier_name
    assert len(data.buyer.business_no) == 12 and data.buyer.business_no.count("-") == 2
    assert data.buyer.business_no == format_business_no(data.buyer.business_no.replace("-", ""))
    assert data.buyer.representative and data.supplier.representative
    assert data.service_name == paid.ok.service_name
    assert data.document_no == f"SL-20260305-C-{paid.ok.approval_no}"
    assert services.payments.paper(paid.supplier, paid.ok.id, K.STATEMENT).document_no == \
        f"ST-20260305-C-{paid.ok.approval_no}"
    text = PdfReader(io.BytesIO(render_slip(data))).pages[0].extract_text()
    assert paid.ok.approval_no in text and data.buyer.business_no in text


def test_the_same_paper_twice_is_the_same_data_and_bytes(paid, services, clock):
    first = services.payments.paper(paid.buyer, paid.ok.id, K.SLIP)
    clock.advance(days=40)
    again = services.payments.paper(make_agency(services), paid.ok.id, K.SLIP)
    assert again == first and render_slip(again) == render_slip(first)


def test_a_cancelled_payment_has_its_cancellation_slip_slip_and_statement(paid, services):
    data = services.payments.paper(paid.buyer, paid.gone.id, K.CANCELLATION)
    view = services.payments.get(paid.buyer, paid.gone.id)
    assert data.status is P.CANCELLED and data.cancelled_at == view.cancelled_at is not None
    assert data.cancel_reason == "일정 변경으로 취소합니다." and data.approval_no == view.approval_no
    assert data.document_no == f"CX-20260305-C-{view.approval_no}"
    assert "취소전표" in PdfReader(io.BytesIO(render_cancellation_slip(data))).pages[0].extract_text()
    for kind in (K.SLIP, K.STATEMENT):
        assert services.payments.paper(paid.supplier, paid.gone.id, kind).status is P.CANCELLED


def test_which_papers_a_payment_has(paid, services):
    with pytest.raises(InvalidTransition, match="취소된 결제만"):
        services.payments.paper(paid.buyer, paid.ok.id, K.CANCELLATION)
    for kind in K:
        with pytest.raises(InvalidTransition, match="결제에 실패한 건") as info:
            services.payments.paper(paid.buyer, paid.bad.id, kind)
        assert info.value.code == "no_paper"


def test_who_may_read_a_paper(paid, services):
    pay = services.payments
    assert pay.paper(paid.zp.buyer, paid.other.id, K.SLIP).card_masked is None  # ZeroPay: no card
    assert pay.paper(paid.zp.supplier, paid.other.id, K.SLIP).method_label == "제로페이"
    assert pay.paper(make_agency(services), paid.ok.id, K.STATEMENT).payment_id == paid.ok.id
    refused = [(paid.zp.buyer, paid.ok.id), (paid.buyer, paid.other.id), (paid.supplier, paid.other.id),
               (make_supplier_account(services), paid.ok.id)]
    for actor, payment_id in refused:
        with pytest.raises(PermissionDenied) as info:
            pay.paper(actor, payment_id, K.SLIP)
        assert info.value.code == "not_own"
    with pytest.raises(PermissionDenied):
        pay.paper(make_operator(services), paid.ok.id, K.SLIP)
    with pytest.raises(NotFound):
        pay.paper(paid.buyer, uuid.uuid4(), K.SLIP)


def test_the_period_papers_in_payment_order_in_each_scope(paid, services):
    pay = services.payments
    mine = pay.papers(paid.buyer, date(2026, 3, 5), date(2026, 3, 5))
    assert [(p.payment_id, p.kind) for p in mine] == [(paid.ok.id, K.SLIP), (paid.gone.id, K.CANCELLATION)]
    assert [p.payment_id for p in pay.papers(paid.supplier)] == [paid.ok.id, paid.gone.id]
    assert [p.payment_id for p in pay.papers(paid.zp.supplier)] == [paid.other.id]
    agency = pay.papers(make_agency(services), date(2026, 3, 5), date(2026, 3, 5))
    assert [p.payment_id for p in agency] == [paid.ok.id, paid.gone.id, paid.other.id]
    assert pay.papers(paid.buyer, date(2026, 3, 6), date(2026, 3, 31)) == ()
    assert mine[0] == pay.paper(paid.buyer, paid.ok.id, K.SLIP)
    with pytest.raises(PermissionDenied):
        pay.papers(make_operator(services))
    with pytest.raises(ValidationError):
        pay.papers(paid.buyer, date(2026, 3, 6), date(2026, 3, 5))
    pdf = render_batch(agency, heading="2026-03-05")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1 + 3


def test_a_period_with_too_many_papers_is_refused(paid, services, monkeypatch):
    from kvoucher_desktop.services import payment_papers

    monkeypatch.setattr(payment_papers, "MAX_BATCH_PAPERS", 2)
    assert len(services.payments.papers(paid.buyer)) == 2
    with pytest.raises(ValidationError, match="기간을 줄여"):
        services.payments.papers(make_agency(services))
