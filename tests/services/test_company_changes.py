"""회원정보 수정이력 and the after-confirmation highlight (SPEC §3, §5.1), on both stores."""

from __future__ import annotations

import json
from dataclasses import fields, replace

import pytest

from kvoucher_desktop.enums import CompanyType, DocumentType, IssuerType, ScreeningStatus
from kvoucher_desktop.services.dto import CompanyInfo
from kvoucher_desktop.services.errors import ValidationError

from tests.factories import PASSWORD, company_in_state, document, make_agency, make_operator

S = ScreeningStatus


def test_each_changed_field_is_one_history_row(services, clock):
    demand, company_id = company_in_state(services, S.ON_HOLD)
    info = services.companies.get(demand).info
    clock.advance(hours=1)
    services.companies.update_info(demand, replace(
        info, industry="도소매", employees=info.employees + 3, manager_email="new@company.example.kr",
        address=info.address))  # unchanged fields make no rows
    history = services.companies.history(demand)
    assert {(h.field, h.field_label, h.old_value, h.new_value) for h in history} == {
        ("industry", "업종", info.industry, "도소매"),
        ("employees", "상시 근로자 수", str(info.employees), str(info.employees + 3)),
        ("manager_email", "담당자 이메일", info.manager_email, "new@company.example.kr"),
    }
    assert all(h.changed_by_name == demand.name and h.changed_at == clock.now() for h in history)
    assert not any(h.after_confirmation for h in history)  # on hold: not highlighted
    assert services.companies.get(demand).changed_after_confirm_at is None


def test_history_is_newest_first_and_visible_to_the_screening_side(services, clock):
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.ON_HOLD, operator=operator)
    info = services.companies.get(demand).info
    for industry in ("도소매", "음식점", "교육서비스"):
        clock.advance(minutes=10)
        info = services.companies.update_info(demand, replace(info, industry=industry)).value.info
    expected = [("음식점", "교육서비스"), ("도소매", "음식점"), ("소프트웨어 개발", "도소매")]
    for who in (demand, operator, make_agency(services)):
        history = services.companies.history(who, company_id)
        assert [(h.old_value, h.new_value) for h in history] == expected


def test_inputs_are_normalised_and_an_unchanged_save_records_nothing(services):
    demand, company_id = company_in_state(services, S.CONFIRMED)
    view = services.companies.get(demand)
    audit_before = len(services.audit.records_unchecked(entity_id=company_id))
    same = replace(view.info, phone=view.info.phone.replace("-", ""), name=f"  {view.info.name} ",
                   representative_phone=view.info.representative_phone.replace("-", ""))
    after = services.companies.update_info(demand, same).value
    assert after.info == view.info
    assert services.companies.history(demand) == []
    assert after.changed_after_confirm_at is None
    assert len(services.audit.records_unchecked(entity_id=company_id)) == audit_before


@pytest.mark.parametrize("change,field", [
    (dict(manager_email="not-an-email"), "manager_email"),
    (dict(phone="12345"), "phone"),
    (dict(representative_phone="02-123-4567"), "representative_phone"),
    (dict(name="   "), "name"),
    (dict(employees=0), "employees"),
])
def test_invalid_edits_change_nothing(services, change, field):
    demand, _company_id = company_in_state(services, S.APPROVED)
    view = services.companies.get(demand)
    with pytest.raises(ValidationError) as refused:
        services.companies.update_info(demand, replace(view.info, industry="도소매", **change))
    assert refused.value.field == field
    assert services.companies.get(demand).info == view.info
    assert services.companies.history(demand) == []


@pytest.mark.parametrize("status", [S.CONFIRMED, S.APPROVED])
def test_edits_after_confirmation_are_highlighted_until_acknowledged(services, clock, status):
    operator = make_operator(services)
    demand, company_id = company_in_state(services, status, operator=operator)
    clock.advance(days=1)
    view = services.companies.update_info(demand, replace(services.companies.get(demand).info, industry="도소매")).value
    assert view.status is status  # edits do not change the state
    assert view.changed_after_confirm_at == clock.now()
    assert [h.after_confirmation for h in services.companies.history(demand)] == [True]

    row = services.screening.list_companies(operator).rows[0]
    assert row.id == company_id and row.changed_after_confirm
    assert [r.id for r in services.screening.list_companies(operator, changed_only=True).rows] == [company_id]

    clock.advance(minutes=5)
    acknowledged = services.screening.acknowledge_changes(operator, company_id).value
    assert acknowledged.changed_after_confirm_at is None
    assert not services.screening.list_companies(operator).rows[0].changed_after_confirm
    assert services.screening.list_companies(operator, changed_only=True).rows == ()
    assert len(services.companies.history(demand)) == 1  # the history itself stays


def test_acknowledging_without_changes_records_nothing(services):
    operator = make_operator(services)
    _demand, company_id = company_in_state(services, S.CONFIRMED, operator=operator)
    before = len(services.audit.records_unchecked(entity_id=company_id))
    assert services.screening.acknowledge_changes(operator, company_id).value.changed_after_confirm_at is None
    assert len(services.audit.records_unchecked(entity_id=company_id)) == before


def test_a_highlight_is_not_set_for_edits_before_confirmation(services, clock):
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.ON_HOLD, operator=operator)
    services.companies.update_info(demand, replace(services.companies.get(demand).info, industry="도소매"))
    clock.advance(hours=1)
    services.screening.resubmit(demand)
    clock.advance(hours=1)
    services.screening.confirm(operator, company_id)
    assert not services.screening.list_companies(operator).rows[0].changed_after_confirm


def test_business_number_and_company_type_cannot_change(services):
    names = {f.name for f in fields(CompanyInfo)}
    assert not names & {"business_no", "company_type", "programme_year"}
    demand, _company_id = company_in_state(services, S.CONFIRMED, company_type=CompanyType.CORPORATION)
    view = services.companies.get(demand)
    # Every editable field changed at once: the number and type stay.
    edited = services.companies.update_info(demand, replace(
        view.info,
        name="주식회사 새이름", representative_name="새대표", representative_phone="010-9999-8888",
        address="부산광역시 해운대구 센텀중앙로 1", address_detail=view.info.address_detail + " 301호",  # differs whatever n
        phone="051-700-1234", industry="도소매",
        employees=99, manager_name="새담당", manager_phone="010-7777-6666", manager_email="n@company.example.kr",
        corporate_no="110111-7654321")).value
    assert (edited.business_no, edited.company_type) == (view.business_no, CompanyType.CORPORATION)
    assert edited.info.corporate_no == "1101117654321"
    history = services.companies.history(demand)
    fixed = {"issuer_type", "payment_manager_name", "payment_manager_phone"}
    assert {h.field for h in history} == {f.name for f in fields(CompanyInfo)} - fixed
    record = services.audit.records_unchecked(entity_id=view.id, action_prefix="company.update")[0]
    assert "business_no" not in json.loads(record.after) and "company_type" not in json.loads(record.after)
    # the demand login is shown under the company's new name
    assert services.accounts.login(demand.login_id, PASSWORD).name == "주식회사 새이름"


@pytest.mark.parametrize("change", [
    {"issuer_type": IssuerType.STAFF},
    {"payment_manager_name": "새결제"},
    {"payment_manager_phone": "010-5555-4444"},
])
def test_issuer_and_payment_manager_are_fixed_after_signup(services, change):
    demand, _company_id = company_in_state(services, S.APPROVED)
    view = services.companies.get(demand)
    field = next(iter(change))
    with pytest.raises(ValidationError, match="가입 후에는 변경할 수 없습니다") as refused:
        services.companies.update_info(demand, replace(view.info, address_detail="바뀐 층", **change))
    assert refused.value.field == field
    after = services.companies.get(demand)
    assert after.info == view.info  # nothing of the refused edit was saved
    assert services.companies.history(demand) == []


def test_an_edit_racing_an_operator_action_gets_a_korean_conflict(services, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from kvoucher_desktop.services import companies as companies_module
    from kvoucher_desktop.services.errors import Conflict

    demand, _company_id = company_in_state(services, S.ON_HOLD)
    view = services.companies.get(demand)

    def stale(*_a, **_k):
        raise StaleDataError("UPDATE statement on table 'companies' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(companies_module, "normalize_info", stale)
    with pytest.raises(Conflict, match="다른 곳에서 변경"):
        services.companies.update_info(demand, replace(view.info, address_detail="5층"))


def test_a_sole_proprietor_has_no_corporate_number(services):
    demand, _company_id = company_in_state(services, S.ON_HOLD)
    view = services.companies.get(demand)
    edited = services.companies.update_info(demand, replace(view.info, corporate_no="110111-7654321")).value
    assert edited.info.corporate_no is None
    assert services.companies.history(demand) == []


def test_a_corporation_keeps_a_valid_corporate_number(services):
    demand, _company_id = company_in_state(services, S.ON_HOLD, company_type=CompanyType.CORPORATION)
    view = services.companies.get(demand)
    with pytest.raises(ValidationError) as refused:
        services.companies.update_info(demand, replace(view.info, corporate_no="12345"))
    assert refused.value.field == "corporate_no"


def test_a_document_replacement_appears_in_the_history(services, clock):
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.CONFIRMED, operator=operator)
    old = next(d for d in services.companies.get(demand).documents if d.doc_type is DocumentType.NATIONAL_TAX)
    clock.advance(hours=2)
    upload = document(DocumentType.NATIONAL_TAX, png=True, filename="국세_재발급.png")
    view = services.companies.replace_document(demand, upload).value
    new = next(d for d in view.documents if d.doc_type is DocumentType.NATIONAL_TAX)
    assert [d.doc_type for d in view.documents].count(DocumentType.NATIONAL_TAX) == 1
    assert new.filename == "국세_재발급.png" and new.uploaded_at == clock.now() and new.id != old.id
    [change] = services.companies.history(operator, company_id)
    assert change.field == "doc:NATIONAL_TAX" and change.field_label == "서류: 국세 완납증명서"
    assert change.old_value == f"{old.filename} ({old.sha256[:12]})"
    assert change.new_value == f"국세_재발급.png ({new.sha256[:12]})"
    assert change.after_confirmation and change.changed_by_name == demand.name
    assert services.screening.list_companies(operator).rows[0].changed_after_confirm
    # the replaced file is kept for the record
    assert services.companies.document_content(operator, old.id)[1] != services.companies.document_content(
        operator, new.id)[1]


def test_adding_an_optional_document_has_an_empty_old_value(services):
    demand, _company_id = company_in_state(services, S.ON_HOLD)
    services.companies.replace_document(demand, document(DocumentType.WOMEN_ENTERPRISE, issued_year=2025))
    [change] = services.companies.history(demand)
    assert change.field_label == "서류: 여성기업확인서" and change.old_value == ""
    docs = services.companies.get(demand).documents
    assert [(d.doc_type, d.issued_year) for d in docs if d.doc_type is DocumentType.WOMEN_ENTERPRISE] == [
        (DocumentType.WOMEN_ENTERPRISE, 2025)]


def test_a_bad_replacement_file_is_refused_and_the_old_one_stays(services):
    demand, _company_id = company_in_state(services, S.ON_HOLD)
    before = services.companies.get(demand).documents
    with pytest.raises(ValidationError) as refused:
        services.companies.replace_document(demand, document(DocumentType.LOCAL_TAX, data=b"plain text",
                                                             filename="local.pdf"))
    assert "'local.pdf'" in refused.value.message
    assert services.companies.get(demand).documents == before
    assert services.companies.history(demand) == []
