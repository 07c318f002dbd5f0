"""Programme years (SPEC §4, §8) on both stores: 다음 연도 열기 makes the next year current with the
same parameters, the companies that took part become the previous-year list, a number rejected in
an earlier year may sign up again, a previous participant needs last year's certificate, and the
lists and counts show the current year by default."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from kvoucher_desktop.enums import DocumentType as D, ScreeningStatus as S
from kvoucher_desktop.models import AuditRecord, ProgrammeSettings
from kvoucher_desktop.services.changes import Entity
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.errors import Conflict, PermissionDenied, SignupRefused

from tests.factories import (
    approved_buyer,
    company_in_state,
    document,
    make_agency,
    make_operator,
    signup_company,
    signup_form,
    valid_business_no,
)

BASE_DOCS = (D.BUSINESS_REGISTRATION, D.NATIONAL_TAX, D.LOCAL_TAX)


def _into_2027(services, clock, agency=None):
    agency = agency or make_agency(services)
    done = services.programme.open_next_year(agency, from_year=2026)
    clock.set(datetime(2027, 3, 2, 10, 0, tzinfo=KST))
    return done


def test_open_next_year_copies_the_parameters_and_becomes_current(services, clock):
    agency = make_agency(services)
    services.programme.update_settings(agency, replace(services.programme.settings(), voucher_amount=3_000_000,
                                                       government_share_pct=70, application_start=date(2026, 2, 1),
                                                       application_end=date(2026, 11, 30)))
    with pytest.raises(PermissionDenied):
        services.programme.open_next_year(make_operator(services), from_year=2026)
    done = services.programme.open_next_year(agency, from_year=2026)
    view = done.value
    assert view.year == 2027 and services.programme.settings() == view
    assert (view.voucher_amount, view.government_share_pct) == (3_000_000, 70)
    assert (view.application_start, view.application_end) == (date(2027, 2, 1), date(2027, 11, 30))
    assert done.changes.ids(Entity.SETTINGS) == {2026, 2027} and done.changes.touches(Entity.PARTICIPANT)
    assert services.programme.years() == (2027, 2026)
    with services.programme.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ProgrammeSettings)
                                  .where(ProgrammeSettings.is_current.is_(True))) == 1
        entry = uow.session.scalars(select(AuditRecord).where(AuditRecord.action == "programme.open_year")).one()
        assert entry.entity_id == "2027"


def test_the_companies_that_took_part_become_the_previous_participants(services, clock):
    agency = make_agency(services)
    imported = valid_business_no(9_101)
    services.programme.import_previous_participants(agency, f"{imported}\n", year=2026)
    buyer, _approved = approved_buyer(services)
    quitter, quitter_id = approved_buyer(services)
    request = services.vouchers.request_abandonment(quitter, "사업 계획이 바뀌었습니다.").value.abandonment
    services.vouchers.confirm_abandonment(agency, request.id)
    others = [company_in_state(services, st)[0] for st in (S.REVIEWING, S.ON_HOLD, S.CONFIRMED, S.REJECTED)]
    _into_2027(services, clock, agency)
    listed = set(services.programme.previous_participants(agency))
    numbers = {services.companies.get(a).business_no for a in (buyer, quitter)}
    assert listed == numbers | {imported}  # abandoned counts; the CSV's number stays
    assert not listed & {services.companies.get(agency, a.company_id).business_no for a in others}
    # a later import for that year keeps the store's own participants
    services.programme.import_previous_participants(agency, valid_business_no(9_102), year=2026)
    assert set(services.programme.previous_participants(agency)) == numbers | {valid_business_no(9_102)}


def test_a_desk_that_saw_the_old_year_is_refused(services, clock):
    agency = make_agency(services)
    services.programme.open_next_year(agency, from_year=2026)
    with pytest.raises(Conflict) as refused:
        services.programme.open_next_year(agency, from_year=2026)
    assert "다른 창구에서 이미 2027년" in refused.value.message
    assert services.programme.years() == (2027, 2026)
    assert services.programme.open_next_year(agency).value.year == 2028  # without a year: the current one's next


def test_two_desks_opening_the_next_year_at_once_give_one_year(services, clock):
    agency = make_agency(services)
    barrier, results = threading.Barrier(2), []

    def desk():
        barrier.wait()
        try:
            results.append(services.programme.open_next_year(agency, from_year=2026).value.year)
        except Conflict as exc:
            results.append(exc.message)

    threads = [threading.Thread(target=desk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results, key=str) == sorted([2027, results[1] if results[0] == 2027 else results[0]], key=str)
    assert 2027 in results and any(isinstance(r, str) and "이미" in r for r in results)
    assert services.programme.years() == (2027, 2026) and services.programme.settings().year == 2027


def test_a_number_rejected_last_year_may_sign_up_again(services, clock):
    _demand, company_id = company_in_state(services, S.REJECTED, n=9_201)
    number = valid_business_no(9_201)
    with pytest.raises(SignupRefused) as refused:
        services.signup.submit(signup_form(services, business_no=number))
    assert "2026년 심사에서 탈락" in refused.value.message
    _into_2027(services, clock)
    again = services.signup.submit(signup_form(services, business_no=number)).value
    view = services.companies.get(again)
    assert view.business_no == number and view.status is S.REVIEWING and view.id != company_id
    agency = make_agency(services)
    assert services.screening.counts(agency)[S.REVIEWING] == 1 and services.screening.counts(agency)[S.REJECTED] == 0
    assert services.screening.counts(agency, year=2026)[S.REJECTED] == 1
    with pytest.raises(SignupRefused) as twice:  # within 2027 the usual rule
        services.signup.submit(signup_form(services, business_no=number))
    assert "이미 가입된" in twice.value.message


def _docs_with(*extra):
    docs = {t: document(t) for t in BASE_DOCS}
    docs.update({u.doc_type: u for u in extra})
    return docs


def test_a_participant_needs_a_certificate_of_the_previous_year_after_the_rollover(services, clock):
    buyer, _ = approved_buyer(services)
    number = services.companies.get(buyer).business_no
    _into_2027(services, clock)
    assert services.signup.is_previous_participant(number)
    with pytest.raises(SignupRefused) as refused:
        services.signup.submit(signup_form(services, business_no=number))
    assert "2026년 수요기업으로 참여한 기업" in refused.value.message
    with pytest.raises(SignupRefused) as stale:
        services.signup.submit(signup_form(services, business_no=number, documents=_docs_with(
            document(D.WOMEN_ENTERPRISE, issued_year=2025))))
    assert "2026년에 발급된" in stale.value.message
    actor = services.signup.submit(signup_form(services, business_no=number, documents=_docs_with(
        document(D.WOMEN_ENTERPRISE, issued_year=2026)))).value
    assert services.companies.get(actor).business_no == number


def test_the_dashboard_lists_the_current_year_by_default(services, clock):
    agency = make_agency(services)
    old = signup_company(services)
    _into_2027(services, clock, agency)
    new = signup_company(services)
    assert [r.id for r in services.screening.list_companies(agency).rows] == [new.company_id]
    assert [r.id for r in services.screening.list_companies(agency, year=2026).rows] == [old.company_id]
    name = services.companies.get(old).info.name
    assert services.screening.list_companies(agency, query=name).rows == ()
    assert [r.id for r in services.screening.list_companies(agency, query=name, year=2026).rows] == [old.company_id]
    assert services.screening.counts(agency, year=2026)[S.REVIEWING] == 1
