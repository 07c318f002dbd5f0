"""Who may do what (SPEC §3), enforced by the services themselves, on both stores."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kvoucher_desktop.enums import DocumentType, Role, ScreeningAction, ScreeningStatus
from kvoucher_desktop.services.errors import PermissionDenied

from tests.factories import (
    PASSWORD,
    company_in_state,
    document,
    make_agency,
    make_operator,
    make_supplier_account,
    operator_id,
    valid_business_no,
)

S = ScreeningStatus
pytestmark = pytest.mark.over_http


def _other_roles(services, demand):
    """One actor of each role except the agency."""
    return {
        Role.DEMAND: demand,
        Role.OPERATOR: make_operator(services),
        Role.SUPPLIER: make_supplier_account(services),
    }


# --- operators see and screen only their jurisdiction ------------------------------------------
def test_operator_cannot_see_or_screen_another_operators_company(services):
    seoul = make_operator(services, "서울")
    busan = make_operator(services, "부산")
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=seoul)
    _d2, busan_company = company_in_state(services, S.REVIEWING, operator=busan)

    with pytest.raises(PermissionDenied) as refused:
        services.companies.get(busan, company_id)
    assert refused.value.code == "jurisdiction"
    with pytest.raises(PermissionDenied):
        services.companies.history(busan, company_id)
    doc_id = services.companies.get(seoul, company_id).documents[0].id
    with pytest.raises(PermissionDenied):
        services.companies.document_content(busan, doc_id)
    for action in (ScreeningAction.CONFIRM, ScreeningAction.HOLD, ScreeningAction.REJECT):
        with pytest.raises(PermissionDenied):
            services.screening.act(busan, company_id, action, "사유")
    with pytest.raises(PermissionDenied):
        services.screening.acknowledge_changes(busan, company_id)

    assert [r.id for r in services.screening.list_companies(busan).rows] == [busan_company]
    assert services.screening.list_companies(busan, query="테스트기업").rows[0].id == busan_company
    assert services.screening.counts(busan)[S.REVIEWING] == 1
    assert sum(services.screening.counts(busan).values()) == 1
    assert services.companies.get(seoul, company_id).status is S.REVIEWING


def test_jurisdiction_belongs_to_the_operating_agency_not_to_one_user(services):
    first = make_operator(services, "서울")
    colleague = make_operator(services, "서울")
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=first)
    assert services.companies.get(colleague, company_id).id == company_id
    assert services.screening.confirm(colleague, company_id).value.status is S.CONFIRMED


def test_agency_sees_every_jurisdiction(services):
    ids = {company_in_state(services, S.REVIEWING, region=region)[1] for region in ("서울", "부산", "제주")}
    agency = make_agency(services)
    assert {r.id for r in services.screening.list_companies(agency).rows} == ids
    assert services.screening.counts(agency)[S.REVIEWING] == 3
    for company_id in ids:
        assert services.companies.get(agency, company_id).id == company_id


# --- demand companies: own company only, editable only in some states ----------------------------
@pytest.mark.parametrize("status,words", [(S.REVIEWING, "심사중"), (S.REJECTED, "심사탈락")])
def test_demand_cannot_edit_while_reviewing_or_rejected(services, status, words):
    demand, _company_id = company_in_state(services, status)
    view = services.companies.get(demand)
    assert not view.editable and words in view.not_editable_reason
    with pytest.raises(PermissionDenied) as refused:
        services.companies.update_info(demand, replace(view.info, industry="도소매"))
    assert refused.value.message == view.not_editable_reason
    with pytest.raises(PermissionDenied) as refused:
        services.companies.replace_document(demand, document(DocumentType.NATIONAL_TAX, png=True))
    assert words in refused.value.message
    after = services.companies.get(demand)
    assert after.info == view.info and after.documents == view.documents
    assert services.companies.history(demand) == []


@pytest.mark.parametrize("status", [S.ON_HOLD, S.CONFIRMED, S.APPROVED])
def test_demand_can_edit_on_hold_confirmed_and_approved(services, status):
    demand, _company_id = company_in_state(services, status)
    view = services.companies.get(demand)
    assert view.editable and view.not_editable_reason is None
    edited = services.companies.update_info(demand, replace(view.info, industry="도소매")).value
    assert edited.info.industry == "도소매" and edited.status is status
    replaced = services.companies.replace_document(demand, document(DocumentType.NATIONAL_TAX, png=True)).value
    national = [d for d in replaced.documents if d.doc_type is DocumentType.NATIONAL_TAX]
    assert [d.content_type for d in national] == ["image/png"]
    assert replaced.status is status


def test_demand_cannot_see_another_company(services):
    demand, own_id = company_in_state(services, S.ON_HOLD)
    _other, other_id = company_in_state(services, S.ON_HOLD)
    assert services.companies.get(demand).id == own_id
    with pytest.raises(PermissionDenied) as refused:
        services.companies.get(demand, other_id)
    assert refused.value.code == "not_own"
    with pytest.raises(PermissionDenied):
        services.companies.history(demand, other_id)
    other_doc = services.companies.get(make_agency(services), other_id).documents[0]
    with pytest.raises(PermissionDenied):
        services.companies.document_content(demand, other_doc.id)
    with pytest.raises(PermissionDenied):
        services.screening.counts(demand)
    with pytest.raises(PermissionDenied):
        services.screening.list_companies(demand)
    with pytest.raises(PermissionDenied):
        services.screening.acknowledge_changes(demand, own_id)


def test_demand_resubmits_only_its_own_company(services):
    demand, _own = company_in_state(services, S.REVIEWING)
    _other, other_id = company_in_state(services, S.ON_HOLD)
    with pytest.raises(PermissionDenied):
        services.screening.act(demand, other_id, ScreeningAction.RESUBMIT)
    assert services.companies.get(make_agency(services), other_id).status is S.ON_HOLD


def test_demand_edit_entry_points_refuse_other_roles(services):
    demand, company_id = company_in_state(services, S.CONFIRMED)
    info = services.companies.get(demand).info
    for actor in (make_operator(services), make_agency(services), make_supplier_account(services)):
        with pytest.raises(PermissionDenied):
            services.companies.update_info(actor, replace(info, industry="도소매"))
        with pytest.raises(PermissionDenied):
            services.companies.replace_document(actor, document(DocumentType.NATIONAL_TAX))
    assert services.companies.get(demand).info == info


# --- suppliers ------------------------------------------------------------------------------------
def test_supplier_cannot_use_the_dashboard_or_see_demand_companies(services):
    supplier = make_supplier_account(services)
    _demand, company_id = company_in_state(services, S.REVIEWING)
    with pytest.raises(PermissionDenied):
        services.screening.counts(supplier)
    with pytest.raises(PermissionDenied):
        services.screening.list_companies(supplier)
    with pytest.raises(PermissionDenied):
        services.companies.get(supplier, company_id)
    with pytest.raises(PermissionDenied):
        services.screening.acknowledge_changes(supplier, company_id)


# --- the agency alone administers the programme ---------------------------------------------------
def _agency_only_operations(services, target_user_id, announcement_id, confirmed_id):
    """name -> call(actor) for every agency-only use case."""
    settings = services.programme.settings()
    seoul = operator_id(services, "서울")
    return {
        "create_account": lambda a: services.accounts.create_account(
            a, role=Role.OPERATOR, login_id="newoperator", password=PASSWORD, display_name="새 담당자",
            operator_id=seoul),
        "list_accounts": lambda a: services.accounts.list_accounts(a),
        "unlock": lambda a: services.accounts.unlock(a, target_user_id),
        "update_settings": lambda a: services.programme.update_settings(a, replace(settings, voucher_amount=1)),
        "rename_category": lambda a: services.programme.rename_category(a, "VIDEO", "영상회의"),
        "save_operator": lambda a: services.programme.save_operator(
            a, name="세종2 운영기관", region="세종", phone="044-700-9999", email="x@operator.example.kr"),
        "edit_operator": lambda a: services.programme.save_operator(
            a, operator_id=seoul, name="서울지역 운영기관", region="서울", phone="02-2000-1001",
            email="changed@operator.example.kr"),
        "save_announcement": lambda a: services.programme.save_announcement(a, title="공고", body="내용"),
        "delete_announcement": lambda a: services.programme.delete_announcement(a, announcement_id),
        "save_supplier": lambda a: services.programme.save_supplier(
            a, name="새 공급기업", business_no=valid_business_no(990_001), representative_name="대표",
            phone="02-555-1234"),
        "import_previous_participants": lambda a: services.programme.import_previous_participants(
            a, valid_business_no(990_002)),
        "audit_records": lambda a: services.audit.records(a),
        "approve": lambda a: services.screening.approve(a, confirmed_id),
    }


@pytest.fixture
def admin_world(services):
    agency = make_agency(services)
    demand, confirmed = company_in_state(services, S.CONFIRMED)
    announcement = services.programme.save_announcement(agency, title="기존 공고", body="본문").value
    others = _other_roles(services, demand)
    ops = _agency_only_operations(services, others[Role.OPERATOR].user_id, announcement.id, confirmed)
    return agency, others, ops, confirmed


OPERATIONS = ["create_account", "list_accounts", "unlock", "update_settings", "rename_category", "save_operator",
              "edit_operator", "save_announcement", "delete_announcement", "save_supplier",
              "import_previous_participants", "audit_records", "approve"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_only_the_agency_administers(services, admin_world, operation):
    agency, others, ops, confirmed = admin_world
    assert set(ops) == set(OPERATIONS)
    snapshot = (services.programme.settings(), services.programme.categories(),
                services.programme.operators(include_inactive=True), services.programme.announcements(),
                services.programme.suppliers(), services.accounts.list_accounts(agency),
                len(services.audit.records_unchecked(limit=10_000)))
    for actor in others.values():
        with pytest.raises(PermissionDenied):
            ops[operation](actor)
    assert snapshot == (services.programme.settings(), services.programme.categories(),
                        services.programme.operators(include_inactive=True), services.programme.announcements(),
                        services.programme.suppliers(), services.accounts.list_accounts(agency),
                        len(services.audit.records_unchecked(limit=10_000)))
    assert services.companies.get(agency, confirmed).status is S.CONFIRMED
    ops[operation](agency)  # and the agency may


def test_agency_changes_take_effect(services):
    agency = make_agency(services)
    settings = services.programme.settings()
    services.programme.update_settings(agency, replace(settings, voucher_amount=5_000_000, government_share_pct=70))
    assert (services.programme.settings().voucher_amount, services.programme.settings().government_share_pct) \
        == (5_000_000, 70)
    services.programme.rename_category(agency, "VIDEO", "영상회의")
    assert services.programme.categories()[0].name == "영상회의"
    op = services.programme.save_operator(agency, name="세종2 운영기관", region="세종", phone="044-700-9999",
                                          email="x@operator.example.kr").value
    assert op in services.programme.operators()
    services.programme.save_operator(agency, operator_id=op.id, name=op.name, region=op.region, phone=op.phone,
                                     email=op.email, active=False)
    assert op.id not in {o.id for o in services.programme.operators()}
    assert op.id in {o.id for o in services.programme.operators(include_inactive=True)}
    note = services.programme.save_announcement(agency, title="공지", body="본문", pinned=True).value
    assert services.programme.announcements()[0].id == note.id
    services.programme.delete_announcement(agency, note.id)
    assert services.programme.announcements() == []
