"""Payment rules of SPEC §5.4 as pure functions: who may cancel when, what a tab holds, the
request an idempotency key stands for, and a supplier's settlement (D+10, the programme's fee)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta

from ...enums import PaperKind, PaymentMethod, PaymentStatus, PaymentTab, Role
from ..clock import kst_date

P = PaymentStatus

TAB_STATUSES: dict[PaymentTab, tuple[PaymentStatus, ...]] = {
    PaymentTab.ALL: (P.IN_PROGRESS, P.SUCCEEDED, P.FAILED, P.CANCELLED),
    PaymentTab.SUCCEEDED: (P.SUCCEEDED,),
    PaymentTab.FAILED: (P.FAILED,),
    PaymentTab.CANCELLED: (P.CANCELLED,),
    PaymentTab.BILLED: (P.SUCCEEDED, P.CANCELLED),
}
TAB_LABELS = {PaymentTab.ALL: "총내역", PaymentTab.SUCCEEDED: "결제성공", PaymentTab.FAILED: "결제실패",
              PaymentTab.CANCELLED: "결제취소", PaymentTab.BILLED: "청구내역"}
STATUS_LABELS = {P.IN_PROGRESS: "결제 진행 중", P.SUCCEEDED: "결제성공", P.FAILED: "결제실패", P.CANCELLED: "결제취소"}
METHOD_LABELS = {PaymentMethod.ZEROPAY: "제로페이", PaymentMethod.SHINHAN_CARD: "신한카드"}

#: an attempt the issuer has never heard of is failed this long after it was reserved (the
#: payment window was left open, or the desk stopped before the first call)
RESERVATION_TTL = timedelta(minutes=10)
#: a step of an attempt after its reservation ended (services/payments/paying.py `_claim`)
RESERVATION_OVER_MESSAGE = ("결제 시간(10분)이 지나 이 결제를 더 진행할 수 없습니다. 결제창을 닫고 다시 결제해 "
                            "주세요. 앞선 결제의 결과는 잠시 뒤 서비스 결제관리에서 확인할 수 있습니다.")
#: an issuer that did not answer and has no record of the attempt (services/payments/paying.py `_ask`)
NO_ANSWER_MESSAGE = ("결제사로부터 응답이 없어 결제 결과를 알 수 없습니다. 결제는 아직 끝나지 않았습니다. "
                     "같은 버튼을 다시 누르면 이 결제를 이어서 진행하며, 두 번 결제되지 않습니다.")
#: the reconciler leaves an attempt alone this long after its last change (a desk is at it)
RECONCILE_AFTER = timedelta(minutes=1)
#: a supplier is paid out this many days after the KST day of the payment
PAYOUT_DAYS = 10
MAX_BATCH = 50


def request_hash(**fields: object) -> str:
    """SHA-256 of what an idempotency key was first used for (keys sorted, values as text)."""
    text = json.dumps({k: str(v) for k, v in fields.items()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cancel_refusal(role: Role, *, own: bool, status: PaymentStatus, approved_at: datetime | None,
                   now: datetime, reason: str = "") -> str | None:
    """Why `role` may not cancel this payment now (None: it may). The buyer only on the KST day
    of the payment; after that — or any day — the supplier of the deal (with a reason) or the
    agency (with a reason); an operating agency never."""
    if status is P.CANCELLED:
        return "이미 취소된 결제입니다."
    if status is not P.SUCCEEDED or approved_at is None:
        return "결제에 성공한 건만 취소할 수 있습니다."
    if role is Role.DEMAND:
        if not own:
            return "다른 기업의 결제는 취소할 수 없습니다."
        day = kst_date(approved_at)
        if kst_date(now) != day:
            return (f"수요기업은 결제한 날({day:%Y-%m-%d}) 안에만 취소할 수 있습니다. "
                    "이후의 취소는 공급기업에 요청해 주세요.")
        return None
    if role is Role.SUPPLIER:
        if not own:
            return "다른 공급기업이 받은 결제는 취소할 수 없습니다."
        return None if reason else "취소 사유를 입력해 주세요. 수요기업에 그대로 보입니다."
    if role is Role.AGENCY:
        return None if reason else "취소 사유를 입력해 주세요."
    return "운영기관은 결제를 취소할 수 없습니다."


def over_budget(total: int, remaining: int) -> str | None:
    """Why a batch of `total` won cannot be paid from `remaining` (None: it fits)."""
    if total <= remaining:
        return None
    return (f"결제 합계 {total:,}원이 남은 예산 {remaining:,}원보다 많아 아무것도 결제하지 않았습니다. "
            "결제할 거래를 줄여 주세요.")


def payout_date(approved_at: datetime, days: int = PAYOUT_DAYS) -> date:
    """The supplier's payout date: D+10 (the programme's settlement days) of the payment's KST day."""
    return kst_date(approved_at) + timedelta(days=days)


def fee_of(amount: int, fee_bp: int) -> int:
    """The programme's settlement fee of an amount (basis points), rounded down to the won."""
    if not isinstance(amount, int) or not isinstance(fee_bp, int):
        raise TypeError("money and rates are integers")
    return amount * fee_bp // 10_000


def month_of(day: date) -> date:
    """The first day of `day`'s month (a month's key in the settlement summary)."""
    return day.replace(day=1)


def settlement_rows(payments, fee_bp: int, days: int = PAYOUT_DAYS) -> tuple[list, list]:
    """Received payments `(approved_at, amount, government share, self-payment)` added up per KST
    day and per KST month: `([(day, payout date, count, amount, gov, self, fee)], [(month, count,
    amount, gov, self, fee)])`, oldest first. The fee is taken of each payout (one day's
    payments are paid out together), a month's fee is the sum of its days' fees."""
    by_day: dict[date, list[int]] = {}
    for approved_at, amount, gov, own in payments:
        sums = by_day.setdefault(kst_date(approved_at), [0, 0, 0, 0])
        sums[0] += 1
        sums[1] += amount
        sums[2] += gov
        sums[3] += own
    days_out, months = [], {}
    for day in sorted(by_day):
        count, amount, gov, own = by_day[day]
        fee = fee_of(amount, fee_bp)
        days_out.append((day, day + timedelta(days=days), count, amount, gov, own, fee))
        m = months.setdefault(month_of(day), [0, 0, 0, 0, 0])
        for i, v in enumerate((count, amount, gov, own, fee)):
            m[i] += v
    return days_out, [(month, *sums) for month, sums in sorted(months.items())]


#: the documents for filing (SPEC §11): the prefix of each kind's document number
PAPER_PREFIXES = {PaperKind.SLIP: "SL", PaperKind.STATEMENT: "ST", PaperKind.CANCELLATION: "CX"}
PAPER_TITLES = {PaperKind.SLIP: "전표", PaperKind.STATEMENT: "거래명세서", PaperKind.CANCELLATION: "취소전표"}
METHOD_CODES = {PaymentMethod.SHINHAN_CARD: "C", PaymentMethod.ZEROPAY: "Z"}


def document_no(kind: PaperKind, method: PaymentMethod, approved_at: datetime, approval_no: str) -> str:
    """A paper's number, the same every time it is printed: kind, the KST day of the approval,
    the issuer (C card, Z ZeroPay) and its approval number (unique per issuer), e.g.
    `SL-20260305-C-48213377`; the three papers of a payment share all but the prefix."""
    return f"{PAPER_PREFIXES[kind]}-{kst_date(approved_at):%Y%m%d}-{METHOD_CODES[method]}-{approval_no}"


def paper_refusal(kind: PaperKind, status: PaymentStatus) -> str | None:
    """Why this payment has no paper of `kind` (None: it has): a 전표 and a 거래명세서 for a
    succeeded or cancelled payment, a 취소전표 only for a cancelled one."""
    if status is P.FAILED:
        return "결제에 실패한 건은 전표나 거래명세서를 출력할 수 없습니다. 결제실패 탭의 실패 사유를 확인해 주세요."
    if status is P.IN_PROGRESS:
        return "결제가 아직 끝나지 않아 문서를 출력할 수 없습니다."
    if kind is PaperKind.CANCELLATION and status is not P.CANCELLED:
        return "취소전표는 취소된 결제만 출력할 수 있습니다."
    return None


#: what a cancellation without a reason was: the buyer's own, on the KST day of the payment
SAME_DAY_CANCEL_REASON = "수요기업이 결제 당일 취소"


def cancel_reason_text(reason: str | None) -> str:
    """A cancellation's reason as every place shows it (lists, exports, 취소전표, the deal's history):
    the reason on one line, or what a cancellation without one was."""
    text = " ".join((reason or "").split())
    return text or SAME_DAY_CANCEL_REASON


def deadline_near(service_name: str) -> str:
    """Why a deal already held once for a payment takes no new attempt near its deadline."""
    return (f"'{service_name}' 거래는 결제 기한이 곧 지나 새 결제를 시작할 수 없습니다. "
            "공급기업에 결제요청을 다시 받아 결제해 주세요.")
