"""The deal state machine of SPEC §5.3 as data, and the D+2 deadline rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...enums import DealAction, DealState, Role
from ..clock import kst_date, kst_midnight_utc
from .korean import particle

D, A = DealState, DealAction

#: (state, action) -> next state; REQUEST creates the deal and is not in the table
TRANSITIONS: dict[tuple[DealState, DealAction], DealState] = {
    (D.CONSULT_REQUESTED, A.ACCEPT): D.ACCEPTED,
    (D.CONSULT_REQUESTED, A.REJECT): D.REJECTED,
    (D.ACCEPTED, A.REJECT): D.REJECTED,
    (D.ACCEPTED, A.REQUEST_PAYMENT): D.PAYMENT_REQUESTED,
    (D.PAYMENT_REQUESTED, A.TO_CART): D.IN_CART,
    (D.IN_CART, A.FROM_CART): D.PAYMENT_REQUESTED,
    (D.CONSULT_REQUESTED, A.EXPIRE): D.EXPIRED,
    (D.PAYMENT_REQUESTED, A.EXPIRE): D.EXPIRED,
    (D.IN_CART, A.EXPIRE): D.EXPIRED,
    (D.PAYMENT_REQUESTED, A.PAY): D.PAID,
    (D.IN_CART, A.PAY): D.PAID,
    (D.PAID, A.CANCEL): D.CANCELLED,
}

#: who may take an action (ownership is checked by the service); EXPIRE belongs to the clock
ACTORS: dict[DealAction, Role | None] = {
    A.REQUEST: Role.DEMAND,
    A.ACCEPT: Role.SUPPLIER,
    A.REJECT: Role.SUPPLIER,
    A.REQUEST_PAYMENT: Role.SUPPLIER,
    A.TO_CART: Role.DEMAND,
    A.FROM_CART: Role.DEMAND,
    A.EXPIRE: None,
    A.PAY: Role.DEMAND,
    A.CANCEL: None,  # the buyer on the day, the supplier or the agency (rules/payments.py)
}


@dataclass(frozen=True)
class StepInput:
    """What one action is taken with: when, the memo typed (or the expiry reason), the amount
    asked, and the programme's deadline window (read only for a step that restarts the deadline)."""

    at: datetime
    memo: str | None = None
    amount: int | None = None
    window_days: int | None = None


@dataclass(frozen=True)
class Step:
    """What an action does besides moving the state (and `updated_at`), beside the transition table."""

    #: the deal's fields the action sets, from what it was taken with
    stamp: Callable[[StepInput], dict[str, object]]
    #: the message when the action needs a memo and none was typed (None: the memo is optional)
    memo_required: str | None = None
    #: the action carries an amount: checked against the list price and the programme's rule,
    #: recorded with the event
    priced: bool = False
    #: the action restarts the D+window deadline (the programme's window is read for it)
    restarts_deadline: bool = False


#: action -> what it does; every action of TRANSITIONS has a row
STEPS: dict[DealAction, Step] = {
    A.ACCEPT: Step(lambda i: {"accepted_at": i.at, "deadline_at": None}),
    A.REJECT: Step(lambda i: {"closed_at": i.at, "close_reason": i.memo, "deadline_at": None},
                   memo_required="반려 사유(메모)를 입력해 주세요. 수요기업에 그대로 보입니다."),
    A.REQUEST_PAYMENT: Step(lambda i: {"payment_requested_at": i.at, "amount": i.amount,
                                       "deadline_at": deadline(i.at, i.window_days)},
                            priced=True, restarts_deadline=True),
    A.TO_CART: Step(lambda i: {}),
    A.FROM_CART: Step(lambda i: {}),
    A.EXPIRE: Step(lambda i: {"closed_at": i.at, "close_reason": i.memo, "deadline_at": None}),
    A.PAY: Step(lambda i: {"closed_at": i.at, "deadline_at": None}, priced=True),
    A.CANCEL: Step(lambda i: {"closed_at": i.at, "close_reason": i.memo}),
}

#: actions taken elsewhere than `DealService.act`, with the message that says where
ELSEWHERE: dict[DealAction, str] = {
    A.REQUEST: "거래상담 요청은 서비스 상세 화면에서 합니다.",
    A.PAY: "결제는 '결제요청', '장바구니' 또는 '결제하기' 탭의 결제 버튼으로 합니다.",
    A.CANCEL: "결제 취소는 '서비스 결제관리'의 결제성공 탭에서 합니다.",
}

#: states in which an answer is awaited and the deadline runs
AWAITING = frozenset({D.CONSULT_REQUESTED, D.PAYMENT_REQUESTED, D.IN_CART})
OPEN = frozenset({D.CONSULT_REQUESTED, D.ACCEPTED, D.PAYMENT_REQUESTED, D.IN_CART})
FINAL = frozenset({D.PAID, D.REJECTED, D.EXPIRED, D.CANCELLED})

STATE_LABELS = {
    D.CONSULT_REQUESTED: "거래상담",
    D.ACCEPTED: "거래수락",
    D.PAYMENT_REQUESTED: "결제요청",
    D.IN_CART: "장바구니",
    D.PAID: "결제완료",
    D.REJECTED: "반려",
    D.EXPIRED: "불가",
    D.CANCELLED: "결제취소",
}

ACTION_LABELS = {
    A.REQUEST: "거래상담 요청",
    A.ACCEPT: "거래수락",
    A.REJECT: "반려",
    A.REQUEST_PAYMENT: "결제요청",
    A.TO_CART: "장바구니 담기",
    A.FROM_CART: "장바구니에서 빼기",
    A.EXPIRE: "불가 처리",
    A.PAY: "결제",
    A.CANCEL: "결제취소",
}

EXPIRED_NO_ANSWER = "응답 기한(D+2 24:00)이 지나 자동으로 불가 처리되었습니다."
EXPIRED_NO_PAYMENT = "결제 기한(결제요청일 D+2 24:00)까지 결제하지 않아 자동으로 불가 처리되었습니다."
EXPIRED_ABANDONED = "예산포기가 확정되어 불가 처리되었습니다."


def deadline(requested_at: datetime, window_days: int = 2) -> datetime:
    """A request made on KST date D lapses at 00:00 KST of D+window+1 (24:00 of D+window)."""
    return kst_midnight_utc(kst_date(requested_at) + timedelta(days=window_days + 1))


def is_overdue(state: DealState, deadline_at: datetime | None, now: datetime) -> bool:
    return state in AWAITING and deadline_at is not None and now >= deadline_at


def effective_state(state: DealState, deadline_at: datetime | None, now: datetime) -> DealState:
    """What the deal is at `now`: an unanswered request past its deadline is EXPIRED, swept or not."""
    return D.EXPIRED if is_overdue(state, deadline_at, now) else state


def expiry_reason(state: DealState) -> str:
    """Why a deal waiting in `state` lapsed: the supplier did not answer, or the buyer did not pay."""
    return EXPIRED_NO_PAYMENT if state in (D.PAYMENT_REQUESTED, D.IN_CART) else EXPIRED_NO_ANSWER


def next_state(state: DealState, action: DealAction) -> DealState | None:
    return TRANSITIONS.get((state, action))


def refusal_message(state: DealState, action: DealAction) -> str:
    label = ACTION_LABELS[action]
    if state is D.EXPIRED:
        return f"응답 기한이 지나 불가 처리된 거래입니다. '{label}'{particle(label, '을')} 할 수 없습니다."
    if state in FINAL:
        return f"이미 '{STATE_LABELS[state]}' 상태로 끝난 거래입니다. '{label}'{particle(label, '을')} 할 수 없습니다."
    return f"'{STATE_LABELS[state]}' 상태의 거래에는 '{label}'{particle(label, '을')} 할 수 없습니다."
