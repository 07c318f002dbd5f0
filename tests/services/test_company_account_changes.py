"""What the company, screening, account, signup and programme use cases say they changed
(`Done.changes`), on both stores."""

from __future__ import annotations

from dataclasses import replace

from kvoucher_desktop.enums import DocumentType, Role, ScreeningStatus as S
from kvoucher_desktop.services.changes import NO_CHANGES, Changes, Done, Entity

from tests.factories import (
    HOLD_REASON,
    PASSWORD,
    REJECT_REASON,
    company_in_state,
    document,
    make_agency,
    make_operator,
    operator_id,
    signup_form,
    valid_business_no,
)


def test_company_edits_name_the_company_and_the_documents(services):
    demand, company_id = company_in_state(services, S.ON_HOLD)
    info = services.companies.get(demand).info
    edited = services.companies.update_info(demand, replace(info, industry="도소매"))
    assert isinstance(edited, Done) and edited.value.info.industry == "도소매"
    assert edited.changes == Changes.of(Entity.COMPANY, company_id)
    assert services.companies.update_info(demand, replace(info, industry="도소매")).changes == NO_CHANGES

    old = next(d for d in services.companies.get(demand).documents if d.doc_type is DocumentType.LOCAL_TAX)
    replaced = services.companies.replace_document(demand, document(DocumentType.LOCAL_TAX, png=True))
    new = next(d for d in replaced.value.documents if d.doc_type is DocumentType.LOCAL_TAX)
    assert replaced.changes == Changes({Entity.DOCUMENT: {new.id, old.id}, Entity.COMPANY: {company_id}})
    first = services.companies.replace_document(demand, document(DocumentType.WOMEN_ENTERPRISE, issued_year=2025))
    added = next(d for d in first.value.documents if d.doc_type is DocumentType.WOMEN_ENTERPRISE)
    assert first.changes.ids(Entity.DOCUMENT) == {added.id}  # nothing replaced


def test_a_rename_names_the_logins_whose_shown_name_is_the_company(services):
    demand, company_id = company_in_state(services, S.ON_HOLD)
    info = services.companies.get(demand).info
    renamed = services.companies.update_info(demand, replace(info, name="주식회사 새이름"))
    assert renamed.changes == Changes({Entity.COMPANY: {company_id}, Entity.ACCOUNT: {demand.user_id}})
    # an edit that leaves the name alone changes no login
    other = services.companies.update_info(demand, replace(renamed.value.info, industry="도소매"))
    assert other.changes == Changes.of(Entity.COMPANY, company_id)


def test_screening_transitions_name_the_company_and_an_approval_its_voucher(services):
    operator = make_operator(services)
    agency = make_agency(services)
    demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    company_only = Changes.of(Entity.COMPANY, company_id)
    assert services.screening.hold(operator, company_id, HOLD_REASON).changes == company_only
    assert services.screening.resubmit(demand).changes == company_only
    confirmed = services.screening.confirm(operator, company_id)
    assert confirmed.value.status is S.CONFIRMED and confirmed.changes == company_only
    approved = services.screening.approve(agency, company_id)
    assert approved.value.status is S.APPROVED
    assert approved.changes == Changes({Entity.COMPANY: {company_id}, Entity.VOUCHER: {company_id}})

    _, other = company_in_state(services, S.REVIEWING, operator=operator)
    assert services.screening.reject(operator, other, REJECT_REASON).changes == Changes.of(Entity.COMPANY, other)


def test_a_bulk_approval_names_what_it_approved(services):
    agency = make_agency(services)
    done = [company_in_state(services, S.CONFIRMED)[1] for _ in range(2)]
    refused = company_in_state(services, S.REVIEWING)[1]
    result = services.screening.approve_many(agency, [done[0], refused, done[1]])
    assert set(result.value.succeeded) == set(done) and [cid for cid, _ in result.value.failed] == [refused]
    assert result.changes == Changes({Entity.COMPANY: set(done), Entity.VOUCHER: set(done)})
    assert services.screening.approve_many(agency, [refused]).changes == NO_CHANGES


def test_acknowledging_names_the_company_only_when_there_was_a_highlight(services):
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.CONFIRMED, operator=operator)
    assert services.screening.acknowledge_changes(operator, company_id).changes == NO_CHANGES
    services.companies.update_info(demand, replace(services.companies.get(demand).info, industry="도소매"))
    acknowledged = services.screening.acknowledge_changes(operator, company_id)
    assert acknowledged.value.changed_after_confirm_at is None
    assert acknowledged.changes == Changes.of(Entity.COMPANY, company_id)


def test_account_changes_name_the_account(services):
    agency = make_agency(services)
    created = services.accounts.create_account(
        agency, role=Role.OPERATOR, login_id="changes01", password=PASSWORD, display_name="변경 담당",
        operator_id=operator_id(services))
    user_id = created.value.id
    assert created.changes == Changes.of(Entity.ACCOUNT, user_id)
    assert services.accounts.lock(agency, user_id, "퇴사").changes == Changes.of(Entity.ACCOUNT, user_id)
    assert services.accounts.unlock(agency, user_id) == Done(None, Changes.of(Entity.ACCOUNT, user_id))
    own = services.accounts.login("changes01", PASSWORD)
    changed = services.accounts.change_password(own, PASSWORD, "Another-pass-42", "Another-pass-42")
    assert changed == Done(None, Changes.of(Entity.ACCOUNT, user_id))


def test_login_and_logout_are_no_change_values(services):
    operator = make_operator(services, login_id="plainlogin")
    actor = services.accounts.login("plainlogin", PASSWORD)
    assert not isinstance(actor, Done) and actor.user_id == operator.user_id
    assert services.accounts.logout(actor) is None


def test_a_signup_names_the_new_company_and_its_login(services):
    done = services.signup.submit(signup_form(services))
    actor = done.value
    assert actor.role is Role.DEMAND
    assert done.changes == Changes({Entity.COMPANY: {actor.company_id}, Entity.ACCOUNT: {actor.user_id}})


def test_programme_edits_name_what_they_changed(services):
    agency = make_agency(services)
    p = services.programme
    settings = p.update_settings(agency, replace(p.settings(), government_share_pct=80))
    assert settings.value.government_share_pct == 80
    assert settings.changes == Changes.of(Entity.SETTINGS, settings.value.year)
    assert p.rename_category(agency, "CARE", "원격 돌봄").changes == Changes.of(Entity.CATEGORY, "CARE")
    operator = p.save_operator(agency, name="세종2 운영기관", region="세종", phone="044-700-9999",
                               email="sejong2@operator.example.kr")
    assert operator.changes == Changes.of(Entity.OPERATOR, operator.value.id)
    note = p.save_announcement(agency, title="공고", body="내용")
    assert note.changes == Changes.of(Entity.ANNOUNCEMENT, note.value.id)
    assert p.delete_announcement(agency, note.value.id) == Done(None, Changes.of(Entity.ANNOUNCEMENT, note.value.id))
    supplier = p.save_supplier(agency, name="변경공급", business_no=valid_business_no(7373),
                               representative_name="대표", phone="02-111-2222")
    assert supplier.changes == Changes.of(Entity.SUPPLIER, supplier.value.id)
    imported = p.import_previous_participants(agency, valid_business_no(7474))
    assert imported.value == 1
    assert imported.changes == Changes({Entity.PARTICIPANT: ()}) and imported.changes.touches(Entity.PARTICIPANT)
