"""Screening decisions carry the state the user saw (issue 8, "Races and start-up").

Two desks look at the same company; one decides first. The other's decision names the state it
was made on (`expected_status`) and is refused with "changed meanwhile" when that state is gone,
on both stores, whether the first decision landed a second earlier or at the same moment.
"""

from __future__ import annotations

import threading

import pytest

from kvoucher_desktop.enums import ScreeningStatus
from kvoucher_desktop.services.errors import Conflict, DomainError, InvalidTransition

from tests.factories import REJECT_REASON, company_in_state, make_agency, make_operator

S = ScreeningStatus
CHANGED = "다른 창구에서 먼저 처리되어 상태가 바뀌었습니다"


def screening_audit(services, company_id) -> list[str]:
    return [r.action for r in services.audit.records(make_agency(services), entity_id=company_id,
                                                     action_prefix="screening.")]


def test_confirming_a_company_another_desk_rejected_a_second_earlier_is_refused(services, clock):
    first, second = make_operator(services), make_operator(services)  # two desks of one agency
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=first)
    services.screening.reject(first, company_id, REJECT_REASON, expected_status=S.REVIEWING)
    clock.advance(seconds=1)
    with pytest.raises(Conflict) as refused:
        services.screening.confirm(second, company_id, expected_status=S.REVIEWING)
    assert refused.value.code == "changed"
    assert refused.value.message.startswith(f"{CHANGED}('심사중' → '심사탈락').")
    view = services.companies.get(second, company_id)
    assert view.status is S.REJECTED and view.status_reason == REJECT_REASON
    assert [e.to_status for e in view.history] == [S.REVIEWING, S.REJECTED]
    assert screening_audit(services, company_id) == ["screening.reject"]


def test_rejecting_a_company_another_desk_confirmed_meanwhile_is_refused(services, clock):
    """CONFIRMED → REJECTED is a valid transition: without the seen state both decisions applied."""
    first, second = make_operator(services), make_operator(services)
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=first)
    services.screening.confirm(first, company_id, expected_status=S.REVIEWING)
    clock.advance(seconds=1)
    with pytest.raises(Conflict) as refused:
        services.screening.reject(second, company_id, REJECT_REASON, expected_status=S.REVIEWING)
    assert refused.value.code == "changed" and "'심사중' → '심사확정'" in refused.value.message
    assert services.companies.get(second, company_id).status is S.CONFIRMED
    assert screening_audit(services, company_id) == ["screening.confirm"]
    # having seen the new state, the same operator may still reject it
    assert services.screening.reject(second, company_id, REJECT_REASON,
                                     expected_status=S.CONFIRMED).value.status is S.REJECTED


def test_the_agency_approving_a_company_an_operator_rejected_meanwhile_is_refused(services, clock):
    operator, agency = make_operator(services), make_agency(services)
    _d1, gone = company_in_state(services, S.CONFIRMED, operator=operator)
    _d2, kept = company_in_state(services, S.CONFIRMED, operator=operator)
    _d3, unnamed = company_in_state(services, S.CONFIRMED, operator=operator)
    services.screening.reject(operator, gone, REJECT_REASON, expected_status=S.CONFIRMED)
    services.screening.reject(operator, unnamed, REJECT_REASON)
    with pytest.raises(Conflict) as refused:
        services.screening.approve(agency, gone, expected_status=S.CONFIRMED)
    assert refused.value.code == "changed"
    # in bulk: ids with the state the page showed are checked against it; an id without one
    # by the transition table alone (it must be CONFIRMED)
    result = services.screening.approve_many(agency, [gone, kept, unnamed],
                                             expected={gone: S.CONFIRMED, kept: S.CONFIRMED}).value
    assert result.succeeded == (kept,)
    failed = dict(result.failed)
    assert failed[gone].startswith(f"{CHANGED}('심사확정' → '심사탈락').")
    assert failed[unnamed] == "'심사탈락' 상태에서는 '예산확정(승인)' 처리를 할 수 없습니다."
    assert services.companies.get(agency, gone).status is S.REJECTED
    assert screening_audit(services, gone) == ["screening.reject", "screening.confirm"]


def test_the_seen_state_without_a_change_applies_as_before(services):
    operator = make_operator(services)
    _demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    with pytest.raises(InvalidTransition):  # a seen state that allows nothing still says why
        services.screening.approve(make_agency(services), company_id, expected_status=S.REVIEWING)
    assert services.screening.confirm(operator, company_id, expected_status=S.REVIEWING).value.status is S.CONFIRMED


def test_two_desks_deciding_at_the_same_moment_one_wins(services):
    """Both saw REVIEWING and press at once: the row lock (PostgreSQL) or the version counter
    (SQLite) lets one decision land; the other is refused as changed, never both applied."""
    first, second = make_operator(services), make_operator(services)
    for _round in range(3):
        _demand, company_id = company_in_state(services, S.REVIEWING, operator=first)
        start = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def decide(name, call):
            start.wait()
            try:
                outcomes[name] = call().value.status
            except DomainError as exc:
                outcomes[name] = exc

        desks = [
            threading.Thread(target=decide, args=("confirm", lambda: services.screening.confirm(
                first, company_id, expected_status=S.REVIEWING))),
            threading.Thread(target=decide, args=("reject", lambda: services.screening.reject(
                second, company_id, REJECT_REASON, expected_status=S.REVIEWING))),
        ]
        for t in desks:
            t.start()
        for t in desks:
            t.join(60)
        refused = [o for o in outcomes.values() if isinstance(o, DomainError)]
        applied = [o for o in outcomes.values() if isinstance(o, ScreeningStatus)]
        assert len(refused) == 1 and len(applied) == 1, outcomes
        assert isinstance(refused[0], Conflict) and refused[0].code == "changed"
        assert services.companies.get(first, company_id).status is applied[0]
        assert len(screening_audit(services, company_id)) == 1
