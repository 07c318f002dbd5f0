"""The screening transition table of SPEC §5.1 as data."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kvoucher_desktop.enums import Role, ScreeningAction, ScreeningStatus
from kvoucher_desktop.services.rules import screening as rules

S, A = ScreeningStatus, ScreeningAction

SPEC_EDGES = {
    (S.REVIEWING, A.CONFIRM): S.CONFIRMED,
    (S.REVIEWING, A.HOLD): S.ON_HOLD,
    (S.REVIEWING, A.REJECT): S.REJECTED,
    (S.ON_HOLD, A.RESUBMIT): S.REVIEWING,
    (S.CONFIRMED, A.REJECT): S.REJECTED,
    (S.CONFIRMED, A.APPROVE): S.APPROVED,
}


def test_table_is_the_diagram():
    assert rules.TRANSITIONS == SPEC_EDGES
    for state in S:
        for action in A:
            assert rules.next_status(state, action) == SPEC_EDGES.get((state, action))


def test_who_acts():
    assert rules.ACTORS == {
        A.CONFIRM: {Role.OPERATOR, Role.AGENCY},
        A.HOLD: {Role.OPERATOR, Role.AGENCY},
        A.REJECT: {Role.OPERATOR, Role.AGENCY},
        A.RESUBMIT: {Role.DEMAND},
        A.APPROVE: {Role.AGENCY},
    }
    assert A.SUBMIT not in rules.ACTORS  # signup is not a screening action anyone takes
    assert rules.REASON_REQUIRED == {A.HOLD, A.REJECT}


def test_editable_states_and_reasons_for_the_others():
    assert rules.EDITABLE == {S.ON_HOLD, S.CONFIRMED, S.APPROVED}
    assert set(rules.NOT_EDITABLE_REASON) == set(S) - rules.EDITABLE
    assert all(rules.NOT_EDITABLE_REASON.values())


def test_every_state_and_action_has_a_korean_label():
    assert rules.STATUS_LABELS == {S.REVIEWING: "심사중", S.ON_HOLD: "심사보류", S.CONFIRMED: "심사확정",
                                   S.APPROVED: "승인", S.REJECTED: "심사탈락"}
    assert set(rules.ACTION_LABELS) == set(A)
    message = rules.refusal_message(S.REJECTED, A.CONFIRM)
    assert "심사탈락" in message and "심사확정" in message


def test_everything_is_reachable_from_reviewing_and_rejected_and_approved_are_final():
    reached, frontier = {S.REVIEWING}, [S.REVIEWING]
    while frontier:
        state = frontier.pop()
        for (src, _action), dst in rules.TRANSITIONS.items():
            if src is state and dst not in reached:
                reached.add(dst)
                frontier.append(dst)
    assert reached == set(S)
    assert not [k for k in rules.TRANSITIONS if k[0] in (S.REJECTED, S.APPROVED)]


@given(st.lists(st.sampled_from([a for a in A if a is not A.SUBMIT]), max_size=30))
def test_random_action_sequences_stay_on_the_diagram(actions):
    state = S.REVIEWING
    for action in actions:
        nxt = rules.next_status(state, action)
        if nxt is None:
            continue
        assert (state, action) in SPEC_EDGES
        if nxt is S.APPROVED:
            assert state is S.CONFIRMED  # a budget only after confirmation
        state = nxt
    assert state in S
