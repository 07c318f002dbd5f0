"""The screening state machine of SPEC §5.1 as data."""

from __future__ import annotations

from ...enums import Role, ScreeningAction, ScreeningStatus

S, A = ScreeningStatus, ScreeningAction

#: (state, action) -> next state
TRANSITIONS: dict[tuple[ScreeningStatus, ScreeningAction], ScreeningStatus] = {
    (S.REVIEWING, A.CONFIRM): S.CONFIRMED,
    (S.REVIEWING, A.HOLD): S.ON_HOLD,
    (S.REVIEWING, A.REJECT): S.REJECTED,
    (S.ON_HOLD, A.RESUBMIT): S.REVIEWING,
    (S.CONFIRMED, A.REJECT): S.REJECTED,
    (S.CONFIRMED, A.APPROVE): S.APPROVED,
}

#: which roles may take an action (jurisdiction and ownership are checked by the service)
ACTORS: dict[ScreeningAction, frozenset[Role]] = {
    A.CONFIRM: frozenset({Role.OPERATOR, Role.AGENCY}),
    A.HOLD: frozenset({Role.OPERATOR, Role.AGENCY}),
    A.REJECT: frozenset({Role.OPERATOR, Role.AGENCY}),
    A.RESUBMIT: frozenset({Role.DEMAND}),
    A.APPROVE: frozenset({Role.AGENCY}),
}

REASON_REQUIRED = frozenset({A.HOLD, A.REJECT})

#: states in which a demand company may edit its information and documents
EDITABLE = frozenset({S.ON_HOLD, S.CONFIRMED, S.APPROVED})

STATUS_LABELS = {
    S.REVIEWING: "심사중",
    S.ON_HOLD: "심사보류",
    S.CONFIRMED: "심사확정",
    S.APPROVED: "승인",
    S.REJECTED: "심사탈락",
}

ACTION_LABELS = {
    A.SUBMIT: "가입신청",
    A.CONFIRM: "심사확정",
    A.HOLD: "심사보류",
    A.REJECT: "심사탈락",
    A.RESUBMIT: "재제출",
    A.APPROVE: "예산확정(승인)",
}

NOT_EDITABLE_REASON = {
    S.REVIEWING: "심사중에는 기업정보를 수정할 수 없습니다. 심사 결과(심사보류·심사확정·승인) 이후에 수정할 수 있습니다.",
    S.REJECTED: "심사탈락된 기업은 정보를 수정할 수 없습니다. 탈락 사유는 '심사 및 예산확인'에서 확인하세요.",
}


def next_status(state: ScreeningStatus, action: ScreeningAction) -> ScreeningStatus | None:
    return TRANSITIONS.get((state, action))


def refusal_message(state: ScreeningStatus, action: ScreeningAction) -> str:
    return (
        f"'{STATUS_LABELS[state]}' 상태에서는 '{ACTION_LABELS[action]}' 처리를 할 수 없습니다."
    )
