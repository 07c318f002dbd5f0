"""The append-only audit log (SPEC §3): who, role, what, before, after, when — on both stores."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kvoucher_desktop.enums import DocumentType, Role, ScreeningStatus
from kvoucher_desktop.models import AuditLogIsAppendOnly, AuditRecord
from kvoucher_desktop.services.errors import AuthenticationError, PermissionDenied

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

S = ScreeningStatus


# Each case prepares a world and returns (call, actor, action, entity id, expected before, expected after);
# expected before/after are subsets of the recorded JSON (None: nothing recorded).
def _signup(sv):
    form = signup_form(sv)
    holder = {}

    def call():
        holder["actor"] = sv.signup.submit(form).value
    return call, lambda: holder["actor"], "company.signup", lambda: holder["actor"].company_id, None, \
        {"status": "REVIEWING", "business_no": form.business_no, "name": form.name}


def _screening(status, method, action, before, after, *, by_agency=False, demand_acts=False):
    def case(sv):
        operator = make_operator(sv)
        demand, cid = company_in_state(sv, status, operator=operator)
        actor = make_agency(sv) if by_agency else demand if demand_acts else operator
        reason = {"hold": HOLD_REASON, "reject": REJECT_REASON}.get(method)
        args = () if demand_acts else (cid,) if reason is None else (cid, reason)
        return (lambda: getattr(sv.screening, method)(actor, *args)), (lambda: actor), action, (lambda: cid), \
            before, after
    return case


def _update_info(sv):
    demand, cid = company_in_state(sv, S.CONFIRMED)
    info = sv.companies.get(demand).info
    return (lambda: sv.companies.update_info(demand, replace(info, industry="도소매", employees=info.employees + 1))), \
        (lambda: demand), "company.update", (lambda: cid), \
        {"industry": info.industry, "employees": str(info.employees)}, \
        {"industry": "도소매", "employees": str(info.employees + 1)}


def _replace_document(sv):
    demand, cid = company_in_state(sv, S.ON_HOLD)
    old = next(d for d in sv.companies.get(demand).documents if d.doc_type is DocumentType.LOCAL_TAX)
    upload = document(DocumentType.LOCAL_TAX, png=True, filename="new.png")
    return (lambda: sv.companies.replace_document(demand, upload)), (lambda: demand), "company.document", \
        (lambda: cid), {"doc:LOCAL_TAX": f"{old.filename} ({old.sha256[:12]})"}, None


def _acknowledge(sv):
    operator = make_operator(sv)
    demand, cid = company_in_state(sv, S.CONFIRMED, operator=operator)
    info = sv.companies.get(demand).info
    sv.companies.update_info(demand, replace(info, industry="도소매"))
    return (lambda: sv.screening.acknowledge_changes(operator, cid)), (lambda: operator), \
        "screening.acknowledge_changes", (lambda: cid), None, {"changed_after_confirm_at": None}


def _agency_case(action, make_call, entity, before=None, after=None):
    def case(sv):
        agency = make_agency(sv)
        holder = {}
        prepared = make_call(sv, agency)

        def call():
            holder["result"] = prepared()
        return call, (lambda: agency), action, (lambda: entity(sv, holder.get("result"))), before, after
    return case


def _announcement_edit(sv, agency):
    note = sv.programme.save_announcement(agency, title="처음 제목", body="본문").value
    return lambda: sv.programme.save_announcement(agency, title="바뀐 제목", body="본문", announcement_id=note.id).value


def _announcement_delete(sv, agency):
    note = sv.programme.save_announcement(agency, title="지울 공고", body="본문").value
    return lambda: sv.programme.delete_announcement(agency, note.id).value or note


def _lock_target(sv, agency):
    target = make_operator(sv, login_id="locked-user")
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            sv.accounts.login("locked-user", "wrong-password-1")
    return lambda: sv.accounts.unlock(agency, target.user_id).value or target


CASES = {
    "signup": _signup,
    "hold": _screening(S.REVIEWING, "hold", "screening.hold", {"status": "REVIEWING"},
                       {"status": "ON_HOLD", "reason": HOLD_REASON}),
    "resubmit": _screening(S.ON_HOLD, "resubmit", "screening.resubmit", {"status": "ON_HOLD"},
                           {"status": "REVIEWING", "reason": None}, demand_acts=True),
    "confirm": _screening(S.REVIEWING, "confirm", "screening.confirm", {"status": "REVIEWING"},
                          {"status": "CONFIRMED"}),
    "reject": _screening(S.CONFIRMED, "reject", "screening.reject.override", {"status": "CONFIRMED"},
                         {"status": "REJECTED", "reason": REJECT_REASON}, by_agency=True),
    "approve": _screening(S.CONFIRMED, "approve", "screening.approve", {"status": "CONFIRMED"},
                          {"status": "APPROVED", "budget_total": 4_000_000, "budget_government": 3_600_000,
                           "budget_self": 400_000, "use_period_end": "2026-11-02"}, by_agency=True),
    "update_info": _update_info,
    "replace_document": _replace_document,
    "acknowledge_changes": _acknowledge,
    "create_account": _agency_case(
        "account.create",
        lambda sv, a: lambda: sv.accounts.create_account(a, role=Role.OPERATOR, login_id="audited", password=PASSWORD,
                                                         display_name="담당", operator_id=operator_id(sv)).value,
        lambda sv, r: r.id, None, {"login_id": "audited", "role": "OPERATOR", "organisation": "서울지역 운영기관"}),
    "update_settings": _agency_case(
        "programme.update",
        lambda sv, a: lambda: sv.programme.update_settings(a, replace(sv.programme.settings(), government_share_pct=70)),
        lambda sv, r: 2026, {"government_share_pct": 90, "voucher_amount": 4_000_000},
        {"government_share_pct": 70, "voucher_amount": 4_000_000}),
    "rename_category": _agency_case(
        "category.rename", lambda sv, a: lambda: sv.programme.rename_category(a, "CARE", "원격 돌봄"),
        lambda sv, r: "CARE", {"name": "비대면 돌봄"}, {"name": "원격 돌봄"}),
    "save_operator": _agency_case(
        "operator.save",
        lambda sv, a: lambda: sv.programme.save_operator(a, operator_id=operator_id(sv, "제주"), name="제주지역 운영기관",
                                                         region="제주", phone="064-700-2000",
                                                         email="jeju@operator.example.kr").value,
        lambda sv, r: r.id, {"phone": "064-700-1017"}, {"phone": "064-700-2000", "email": "jeju@operator.example.kr"}),
    "new_announcement": _agency_case(
        "announcement.save", lambda sv, a: lambda: sv.programme.save_announcement(a, title="새 공고", body="내용").value,
        lambda sv, r: r.id, None, {"title": "새 공고", "body": "내용", "pinned": False}),
    "edit_announcement": _agency_case("announcement.save", _announcement_edit, lambda sv, r: r.id,
                                      {"title": "처음 제목"}, {"title": "바뀐 제목"}),
    "delete_announcement": _agency_case("announcement.delete", _announcement_delete, lambda sv, r: r.id,
                                        {"title": "지울 공고"}, None),
    "save_supplier": _agency_case(
        "supplier.create",
        lambda sv, a: lambda: sv.programme.save_supplier(a, name="감사공급", business_no=valid_business_no(4242),
                                                         representative_name="대표", phone="02-111-2222").value,
        lambda sv, r: r.id, None, {"name": "감사공급", "business_no": valid_business_no(4242)}),
    "import_previous_participants": _agency_case(
        "programme.previous_participants",
        lambda sv, a: lambda: sv.programme.import_previous_participants(a, valid_business_no(4343)),
        lambda sv, r: 2025, None, {"count": 1}),
    "unlock": _agency_case("account.unlock", _lock_target, lambda sv, r: r.user_id, None, {"locked_until": None}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_state_change_is_audited(services, clock, case):
    call, actor, action, entity_id, before, after = CASES[case](services)
    clock.advance(seconds=1)
    call()
    new = [r for r in services.audit.records_unchecked(limit=10_000) if r.at == clock.now()]
    matching = [r for r in new if r.action == action]
    assert len(matching) == 1, [r.action for r in new]
    record = matching[0]
    who = actor()
    assert (record.actor_name, record.actor_role) == (who.name, who.role.value)
    assert record.entity_id == str(entity_id())
    assert record.at.utcoffset().total_seconds() == 0  # stored and returned in UTC
    for expected, recorded in ((before, record.before), (after, record.after)):
        if expected is None:
            continue
        data = json.loads(recorded)
        assert {k: data.get(k) for k in expected} == expected


def test_logins_and_failed_logins_are_audited(services, clock):
    operator = make_operator(services, login_id="watched")
    clock.advance(seconds=1)
    with pytest.raises(AuthenticationError):
        services.accounts.login("watched", "wrong-password-1")
    services.accounts.login("watched", PASSWORD)
    actions = [r.action for r in services.audit.records_unchecked(entity_id=operator.user_id)
               if r.at == clock.now()]
    assert sorted(actions) == ["account.login", "account.login_failed"]
    services.accounts.logout(operator)
    assert "account.logout" in [r.action for r in services.audit.records_unchecked(entity_id=operator.user_id)]


def test_the_programme_seed_is_audited_as_the_system(services):
    records = services.audit.records_unchecked(action_prefix="programme.seed")
    assert [(r.actor_role, r.actor_name, r.entity_id) for r in records] == [("SYSTEM", "시스템", "2026")]


def test_refused_actions_leave_no_audit_record(services):
    operator = make_operator(services, "부산")
    _demand, cid = company_in_state(services, S.REVIEWING)
    before = len(services.audit.records_unchecked(limit=10_000))
    with pytest.raises(PermissionDenied):
        services.screening.confirm(operator, cid)
    assert len(services.audit.records_unchecked(limit=10_000)) == before


def test_only_the_agency_reads_the_audit_log(services):
    demand, cid = company_in_state(services, S.REVIEWING)
    for actor in (demand, make_operator(services)):
        with pytest.raises(PermissionDenied):
            services.audit.records(actor)
    records = services.audit.records(make_agency(services), entity_id=cid)
    assert [r.action for r in records] == ["company.signup"]


# --- append-only ----------------------------------------------------------------------------------
def _one_record(session):
    return session.scalars(select(AuditRecord).where(AuditRecord.action == "company.signup")).one()


@pytest.fixture
def audited(services):
    company_in_state(services, S.REVIEWING)
    with Session(services.engine) as session:
        record = _one_record(session)
        return record.id, record.action, record.after


def _unchanged(services, audited):
    with Session(services.engine) as session:
        record = session.get(AuditRecord, audited[0])
        assert (record.id, record.action, record.after) == audited


def test_an_audit_record_cannot_be_changed(services, audited):
    with Session(services.engine) as session:
        record = _one_record(session)
        record.after = '{"status": "APPROVED"}'
        with pytest.raises(AuditLogIsAppendOnly):
            session.commit()
    _unchanged(services, audited)


def test_an_audit_record_cannot_be_deleted(services, audited):
    with Session(services.engine) as session:
        session.delete(_one_record(session))
        with pytest.raises(AuditLogIsAppendOnly):
            session.commit()
    _unchanged(services, audited)


@pytest.mark.parametrize("statement", [
    update(AuditRecord).values(action="tampered"),
    delete(AuditRecord),
], ids=["bulk-update", "bulk-delete"])
def test_bulk_orm_statements_cannot_touch_the_audit_log(services, audited, statement):
    with Session(services.engine) as session:
        with pytest.raises(AuditLogIsAppendOnly):
            session.execute(statement)
            session.commit()
    _unchanged(services, audited)
