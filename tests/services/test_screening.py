"""Screening of demand companies (SPEC §5.1) through the services, on both stores."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

import pytest

from kvoucher_desktop.enums import DocumentType, Role, ScreeningAction, ScreeningStatus
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.errors import InvalidTransition, PermissionDenied, ValidationError

from tests.factories import (
    HOLD_REASON,
    REJECT_REASON,
    company_in_state,
    document,
    make_agency,
    make_operator,
    make_supplier_account,
)

from tests.unit.test_screening_rules import SPEC_EDGES  # noqa: E402

S, A = ScreeningStatus, ScreeningAction

# The diagram of SPEC §5.1, written out independently of rules/screening.py (one copy for all tests).
EXPECTED = SPEC_EDGES
# SPEC §3: operators screen, the agency may override and alone confirms budgets, the company resubmits.
ALLOWED = {
    A.CONFIRM: {Role.OPERATOR, Role.AGENCY},
    A.HOLD: {Role.OPERATOR, Role.AGENCY},
    A.REJECT: {Role.OPERATOR, Role.AGENCY},
    A.RESUBMIT: {Role.DEMAND},
    A.APPROVE: {Role.AGENCY},
}
ACTIONS = [a for a in ScreeningAction if a is not A.SUBMIT]
CASES = [(st, ac, role) for st in ScreeningStatus for ac in ACTIONS for role in Role]


def _actor(services, role, demand, operator):
    return {
        Role.DEMAND: lambda: demand,
        Role.OPERATOR: lambda: operator,
        Role.AGENCY: lambda: make_agency(services),
        Role.SUPPLIER: lambda: make_supplier_account(services),
    }[role]()


def _snapshot(services, company_id):
    view = services.companies.get(make_agency(services), company_id)
    return view.status, view.status_reason, len(view.history)


@pytest.mark.parametrize(
    "status,action,role", CASES,
    ids=[f"{st.value}-{ac.value}-{role.value}" for st, ac, role in CASES],
)
def test_transition_table(services, clock, status, action, role):
    operator = make_operator(services)
    demand, company_id = company_in_state(services, status, operator=operator)
    actor = _actor(services, role, demand, operator)
    before = _snapshot(services, company_id)
    audit_before = len(services.audit.records_unchecked(entity_id=company_id))
    clock.advance(minutes=5)
    reason = "직권 처리 사유"  # always given: the reason rule is tested separately

    def act():
        return services.screening.act(actor, company_id, action, reason).value

    if role not in ALLOWED[action]:
        with pytest.raises(PermissionDenied):
            act()
    elif (status, action) not in EXPECTED:
        with pytest.raises(InvalidTransition) as refused:
            act()
        assert refused.value.message  # a Korean sentence naming the state and the action
    else:
        view = act()
        target = EXPECTED[(status, action)]
        assert view.status is target
        assert services.companies.get(make_agency(services), company_id).status is target
        last = view.history[-1]
        assert (last.action, last.from_status, last.to_status, last.actor_role) == (action, status, target, role)
        assert last.at == clock.now() == view.status_changed_at
        assert len(view.history) == before[2] + 1
        return
    assert _snapshot(services, company_id) == before
    assert len(services.audit.records_unchecked(entity_id=company_id)) == audit_before


@pytest.mark.parametrize("action", [A.HOLD, A.REJECT])
@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AGENCY])
@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_hold_and_reject_need_a_reason(services, action, role, reason):
    operator = make_operator(services)
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    actor = operator if role is Role.OPERATOR else make_agency(services)
    with pytest.raises(ValidationError) as refused:
        services.screening.act(actor, company_id, action, reason)
    assert refused.value.field == "reason"
    assert "사유" in refused.value.message
    assert services.companies.get(operator, company_id).status is S.REVIEWING


def test_hold_reason_is_shown_and_kept_in_the_history_after_resubmission(services, clock):
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    clock.advance(hours=1)
    held = services.screening.hold(operator, company_id, "  사업자등록증이 흐립니다.  ").value
    assert held.status is S.ON_HOLD and held.status_reason == "사업자등록증이 흐립니다."
    assert services.companies.get(demand).status_reason == "사업자등록증이 흐립니다."  # the company sees it
    clock.advance(hours=2)
    back = services.screening.resubmit(demand).value
    assert back.status is S.REVIEWING and back.status_reason is None
    clock.advance(hours=3)
    services.screening.confirm(operator, company_id)  # the same operator reviews again
    history = services.companies.get(demand).history
    assert [(e.action, e.from_status, e.to_status) for e in history] == [
        (A.SUBMIT, None, S.REVIEWING),
        (A.HOLD, S.REVIEWING, S.ON_HOLD),
        (A.RESUBMIT, S.ON_HOLD, S.REVIEWING),
        (A.CONFIRM, S.REVIEWING, S.CONFIRMED),
    ]
    assert history[1].reason == "사업자등록증이 흐립니다."
    assert [e.actor_role for e in history] == [Role.DEMAND, Role.OPERATOR, Role.DEMAND, Role.OPERATOR]
    assert history[1].actor_name == operator.name
    assert [e.at for e in history] == sorted(e.at for e in history)
    assert history[-1].at == clock.now()


def test_rejection_is_final_and_its_reason_is_visible(services, clock):
    demand, company_id = company_in_state(services, S.CONFIRMED)
    agency = make_agency(services)
    clock.advance(hours=1)
    services.screening.reject(agency, company_id, REJECT_REASON)
    view = services.companies.get(demand)
    assert view.status is S.REJECTED and view.status_reason == REJECT_REASON
    assert view.history[-1].reason == REJECT_REASON and view.history[-1].from_status is S.CONFIRMED
    for action in ACTIONS:
        with pytest.raises((InvalidTransition, PermissionDenied)):
            services.screening.act(agency if action is not A.RESUBMIT else demand, company_id, action, "사유")
    assert services.companies.get(demand).status is S.REJECTED


def test_agency_override_needs_a_reason_and_is_audited_as_override(services, clock):
    operator = make_operator(services)
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    agency = make_agency(services)
    clock.advance(minutes=1)
    with pytest.raises(ValidationError) as refused:
        services.screening.confirm(agency, company_id)
    assert refused.value.field == "reason"
    assert services.companies.get(agency, company_id).status is S.REVIEWING

    view = services.screening.confirm(agency, company_id, "운영기관 요청으로 직권 확정").value
    assert view.status is S.CONFIRMED and view.status_reason == "운영기관 요청으로 직권 확정"
    assert view.history[-1].actor_role is Role.AGENCY
    record = services.audit.records_unchecked(entity_id=company_id, action_prefix="screening.")[0]
    assert record.action == "screening.confirm.override"
    assert record.actor_role == "AGENCY"
    assert json.loads(record.before) == {"status": "REVIEWING"}
    assert json.loads(record.after) == {"status": "CONFIRMED", "reason": "운영기관 요청으로 직권 확정"}


def test_operator_confirmation_needs_no_reason(services, clock):
    operator = make_operator(services)
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    clock.advance(minutes=1)
    view = services.screening.confirm(operator, company_id).value
    assert view.status is S.CONFIRMED and view.status_reason is None
    assert services.audit.records_unchecked(entity_id=company_id)[0].action == "screening.confirm"


def test_approval_records_the_programme_budget(services, clock):
    _demand, company_id = company_in_state(services, S.CONFIRMED)
    clock.advance(hours=2)
    view = services.screening.approve(make_agency(services), company_id).value
    assert view.status is S.APPROVED
    assert (view.budget_total, view.budget_government, view.budget_self) == (4_000_000, 3_600_000, 400_000)
    assert view.approved_at == clock.now()
    assert view.use_period_end == date(2026, 11, 2)  # 8 months from 2026-03-02 (KST)
    record = services.audit.records_unchecked(entity_id=company_id)[0]
    assert record.action == "screening.approve"
    assert json.loads(record.after)["budget_government"] == 3_600_000


def test_approval_rounds_the_government_share_down_and_counts_the_use_period_in_kst(services, clock):
    agency = make_agency(services)
    settings = services.programme.settings()
    services.programme.update_settings(agency, replace(
        settings, voucher_amount=3_333_333, government_share_pct=70, use_period_months=8))
    _demand, company_id = company_in_state(services, S.CONFIRMED)
    # 2026-04-01 00:30 KST is still 2026-03-31 in UTC: the period counts from the KST date.
    clock.set(datetime(2026, 4, 1, 0, 30, tzinfo=KST))
    view = services.screening.approve(agency, company_id).value
    assert view.budget_total == 3_333_333
    assert view.budget_government == 2_333_333  # 2,333,333.1 rounded down to the won
    assert view.budget_self == 1_000_000
    assert view.budget_government + view.budget_self == view.budget_total
    assert view.use_period_end == date(2026, 12, 1)


def test_approval_at_month_end_clamps_the_use_period(services, clock):
    agency = make_agency(services)
    services.programme.update_settings(agency, replace(services.programme.settings(), use_period_months=6))
    _demand, company_id = company_in_state(services, S.CONFIRMED)
    clock.set(datetime(2026, 8, 31, 23, 30, tzinfo=KST))
    assert services.screening.approve(agency, company_id).value.use_period_end == date(2027, 2, 28)


def test_resubmission_is_refused_while_a_required_document_is_missing(services):
    demand, company_id = company_in_state(services, S.ON_HOLD)
    # Documents cannot be removed through the services; a store that lost one (an import,
    # a repair by hand) must still not be resubmitted without it.
    from sqlalchemy import update

    from kvoucher_desktop.models import CompanyDocument

    with services.companies.uow() as uow:
        uow.session.execute(update(CompanyDocument).where(
            CompanyDocument.company_id == company_id,
            CompanyDocument.doc_type == DocumentType.LOCAL_TAX).values(replaced_at=services.clock.now()))
        uow.commit()
    assert services.companies.get(demand).missing_documents == ("지방세 완납증명서",)
    with pytest.raises(ValidationError) as refused:
        services.screening.resubmit(demand)
    assert "지방세 완납증명서" in refused.value.message
    assert refused.value.field == f"doc:{DocumentType.LOCAL_TAX.value}"
    assert services.companies.get(demand).status is S.ON_HOLD

    services.companies.replace_document(demand, document(DocumentType.LOCAL_TAX))
    assert services.screening.resubmit(demand).value.status is S.REVIEWING
    assert services.companies.get(demand, company_id).missing_documents == ()


def test_bulk_approval_approves_what_it_can_and_lists_the_rest(services):
    agency = make_agency(services)
    operator = make_operator(services)
    confirmed = [company_in_state(services, S.CONFIRMED, operator=operator)[1] for _ in range(3)]
    _d, reviewing = company_in_state(services, S.REVIEWING, operator=operator)
    steps = []
    result = services.screening.approve_many(agency, [confirmed[0], reviewing, *confirmed[1:]],
                                             progress=lambda f, m: steps.append(f)).value
    assert result.succeeded == tuple(confirmed)
    assert [cid for cid, _ in result.failed] == [reviewing]
    assert "심사중" in result.failed[0][1]
    assert steps == [0.25, 0.5, 0.75, 1.0]
    assert all(services.companies.get(agency, c).status is S.APPROVED for c in confirmed)
    assert services.companies.get(agency, reviewing).status is S.REVIEWING


def test_bulk_approval_stops_when_cancelled(services):
    agency = make_agency(services)
    ids = [company_in_state(services, S.CONFIRMED)[1] for _ in range(3)]
    done = []
    result = services.screening.approve_many(agency, ids, progress=lambda f, m: done.append(f),
                                             cancelled=lambda: len(done) >= 1).value
    assert result.succeeded == (ids[0],)
    assert [services.companies.get(agency, c).status for c in ids] == [S.APPROVED, S.CONFIRMED, S.CONFIRMED]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.DEMAND, Role.SUPPLIER])
def test_only_the_agency_approves_in_bulk(services, role):
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.CONFIRMED, operator=operator)
    actor = _actor(services, role, demand, operator)
    with pytest.raises(PermissionDenied):
        services.screening.approve_many(actor, [company_id])
    assert services.companies.get(operator, company_id).status is S.CONFIRMED


def test_hold_then_reject_is_not_a_transition(services):
    operator = make_operator(services)
    _demand, company_id = company_in_state(services, S.ON_HOLD, operator=operator)
    with pytest.raises(InvalidTransition) as refused:
        services.screening.reject(operator, company_id, REJECT_REASON)
    assert "심사보류" in refused.value.message and "심사탈락" in refused.value.message
    view = services.companies.get(operator, company_id)
    assert view.status is S.ON_HOLD and view.status_reason == HOLD_REASON
