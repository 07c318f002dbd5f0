"""결제하기 and 서비스 결제관리 (SPEC §5.4): paying deals exactly once, cancelling, and the lists.

Exactly once, in Stripe's way: the client makes an idempotency key for each attempt before its
first call. `start` stores every attempt of a payment window (IN_PROGRESS, with its key and a
hash of its request) under the company's budget lock — the batch total must fit the remaining
budget before anything is charged, and the reservation keeps it so — and only then are the
issuers called, each with the attempt's key (`send_card` → `confirm_code`, `pay_zeropay`). A
retry with the same key answers what the first call did; the same key for another request is
refused. An answer the issuer gave but the desk never heard (a time-out, a crash before the
local commit) is found by asking the issuer (`outcome`), at once and by `reconcile`, which the
application runs at start and every few minutes. Cancelling stores its own key before the
issuer is asked, and `reconcile` finishes a cancellation whose answer was lost.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.exc import IntegrityError

from ..enums import (BillingExport, DealAction, DealState, PaperKind, PaymentFailure, PaymentMethod, PaymentStatus,
                     PaymentTab, Role, ScreeningStatus)
from ..models import Company, Deal, Payment, Service, Supplier
from . import billing, documents, exports
from .changes import Changes, Done, Entity
from .clock import Clock, kst_date, kst_midnight_utc
from .dto import (Actor, Page, PaperData, builder, PaymentLine, PaymentQuote, PaymentSum, PaymentTotals, PaymentView, SettlementKind,
                  SettlementRow)
from .errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from .gateways.card import CardGateway
from .gateways.issuers import (FAILURE_MESSAGES, Approval, AttemptState, AttemptStatus, Cancelled, CodeSent,
                               Failure, IdempotencyConflict, IssuerTimeout, failure_message)
from .gateways.zeropay import ZeroPayGateway
from . import payment_papers as papers_data
from .guards import require_role
from .repositories.payments import in_period
from .repositories.rows import fast, prepared, read_tuples
from .rules import deals as deal_rules
from .rules import payments as rules
from .rules.cards import mask_card_number, normalize_card_number, normalize_expiry
from .rules.inputs import clean_cursor, clean_date, clean_enum, clean_number_text, clean_page_size, clean_text, \
    clean_uuid, clean_uuids
from .rules.money import government_share
from .rules.numbers import number_text
from .uow import UnitOfWork, UowFactory

log = logging.getLogger(__name__)

D, P, A = DealState, PaymentStatus, DealAction
PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000
KEY_LENGTH = 64
PAYABLE = (D.PAYMENT_REQUESTED, D.IN_CART)
CANCEL_ASKED = "취소를 요청했습니다. 결제사의 답을 기다리고 있습니다."


def clean_key(value: object, field: str = "attempt_key") -> str:
    """An idempotency key made by the client: 8–64 characters of [A-Za-z0-9_-]."""
    if not isinstance(value, str) or not 8 <= len(value) <= KEY_LENGTH or \
            any(not (ch.isascii() and (ch.isalnum() or ch in "-_")) for ch in value):
        raise ValidationError("결제 요청 식별값이 올바르지 않습니다. 결제창을 닫고 다시 시도해 주세요.", field=field,
                              code="bad_key")
    return value


#: the columns a payment view reads, as a row (lists and single reads: no ORM objects to build)
_LIST_COLUMNS = (Payment.id, Payment.deal_id, Payment.attempt_key, Payment.batch_key, Payment.company_id,
                 Payment.supplier_id, Payment.method, Payment.status, Payment.amount, Payment.government_share,
                 Payment.self_share, Payment.approval_no, Payment.created_at, Payment.approved_at, Payment.failure_code,
                 Payment.failure_reason, Payment.cancelled_at, Payment.cancel_reason, Payment.cancelled_by_name,
                 Payment.card_last4, Payment.cancel_key)


def _list_rows():
    return (select(*(fast(c) for c in _LIST_COLUMNS), Company.name, Supplier.name, Service.name)
            .join(Company, Company.id == Payment.company_id)
            .join(Supplier, Supplier.id == Payment.supplier_id)
            .join(Deal, Deal.id == Payment.deal_id)
            .join(Service, Service.id == Deal.service_id))


def period_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """A period of KST days, both ends included, as UTC bounds: [start 00:00 KST, the day after end
    00:00 KST); either may be open."""
    first = None if start is None else kst_midnight_utc(clean_date(start, "start", "시작일"))
    after = None if end is None else kst_midnight_utc(clean_date(end, "end", "종료일") + timedelta(days=1))
    if first is not None and after is not None and after <= first:
        raise ValidationError("종료일이 시작일보다 앞섭니다.", field="end")
    return first, after


@prepared
def _totals_stmt(owner: str | None, start: bool, end: bool):
    """Count and sums of the period's SUCCEEDED and CANCELLED payments, per status."""
    return in_period(select(fast(Payment.status), func.count(), func.coalesce(func.sum(Payment.amount), 0),
                            func.coalesce(func.sum(Payment.government_share), 0),
                            func.coalesce(func.sum(Payment.self_share), 0)), owner, start, end) \
        .where(Payment.status.in_((P.SUCCEEDED, P.CANCELLED))).group_by(Payment.status)


@prepared
def _counts_stmt(owner: str | None, start: bool, end: bool):
    return in_period(select(fast(Payment.status), func.count()), owner, start, end).group_by(Payment.status)


@prepared
def _list_stmt(owner: str | None, tab: PaymentTab, start: bool, end: bool, paged: bool, limit: int):
    """One tab's page, built once per shape (the values are bound at execution)."""
    stmt = in_period(_list_rows(), owner, start, end).where(Payment.status.in_(rules.TAB_STATUSES[tab]))
    if paged:
        stmt = stmt.where(tuple_(Payment.created_at, Payment.id) < tuple_(
            bindparam("after_at", type_=Payment.created_at.type), bindparam("after_id", type_=Payment.id.type)))
    return stmt.order_by(Payment.created_at.desc(), Payment.id.desc()).limit(limit + 1)


@prepared
def _one_stmt():
    return _list_rows().where(Payment.id == bindparam("payment_id", type_=Payment.id.type))


def owns(actor: Actor, company_id: uuid.UUID, supplier_id: uuid.UUID) -> bool:
    """The payment is the actor's own: its company's (buyer) or received by its supplier."""
    if actor.role is Role.DEMAND:
        return company_id == actor.company_id
    return actor.role is Role.SUPPLIER and supplier_id == actor.supplier_id


_PAYMENT_VIEW = builder(PaymentView)


def payment_views(rows, actor: Actor | None, now: datetime) -> tuple[PaymentView, ...]:
    """Views of rows of `_list_rows()`, by position, with why `actor` may not cancel each (none for
    the system's reconciler). A page builds hundreds: filled in one pass (no generated __init__),
    the refusals computed once per status for the supplier and the agency (theirs do not depend on
    the day), the masks once per card."""
    role = actor.role if actor is not None else None
    demand = role is Role.DEMAND
    method_labels, status_labels, refusal_of = rules.METHOD_LABELS, rules.STATUS_LABELS, rules.cancel_refusal
    masks: dict = {}
    by_status: dict = {}
    out = []
    for (pid, deal_id, attempt_key, batch_key, company_id, supplier_id, method, status, amount, gov, own_share,
         approval_no, created_at, approved_at, failure_code, failure_reason, cancelled_at, cancel_reason,
         cancelled_by_name, card_last4, cancel_key, company_name, supplier_name, service_name) in rows:
        own = actor is not None and owns(actor, company_id, supplier_id)
        if actor is None:
            refusal = None
        elif demand:
            refusal = refusal_of(role, own=own, status=status, approved_at=approved_at, now=now, reason="-")
        else:
            at_key = (status, own, approved_at is None)
            refusal = by_status.get(at_key, by_status)
            if refusal is by_status:
                refusal = by_status[at_key] = refusal_of(role, own=own, status=status, approved_at=approved_at,
                                                         now=now, reason="-")
        if refusal is None and cancel_key is not None and actor is not None:
            refusal = CANCEL_ASKED
        masked = None
        if card_last4:
            masked = masks.get(card_last4)
            if masked is None:
                masked = masks[card_last4] = mask_card_number(card_last4)
        out.append(_PAYMENT_VIEW((
            pid, deal_id, attempt_key, batch_key, company_id, company_name, supplier_id, supplier_name, service_name,
            method, method_labels[method], masked, status, status_labels[status], amount, gov, own_share,
            approval_no, created_at, approved_at, failure_code, failure_reason, cancelled_at, cancel_reason,
            cancelled_by_name, cancel_key is not None and status is P.SUCCEEDED, refusal, None, None, None, None)))
    return tuple(out)


def _six_digits(value: object, key: str, field: str, message: str) -> str:
    """A six-digit code or password as typed (full-width digits count), or the field's message."""
    digits = number_text(clean_number_text(value, key, field=field))
    if not (len(digits) == 6 and digits.isdigit()):
        raise ValidationError(message, field=field)
    return digits


class PaymentService:
    def __init__(self, uow: UowFactory, clock: Clock, cards: CardGateway, zeropay: ZeroPayGateway):
        self.uow = uow
        self.clock = clock
        self.cards = cards
        self.zeropay = zeropay

    # --- reads -------------------------------------------------------------------------------
    def _view(self, uow: UnitOfWork, payment_id: uuid.UUID, actor: Actor | None = None, **step) -> PaymentView:
        """The payment as the lists show it, with what a payment step adds (`step`: the code's
        expiry, tries left, a message)."""
        rows = read_tuples(uow.connection, _one_stmt(), {"payment_id": payment_id})
        if not rows:
            raise NotFound("결제를 찾을 수 없습니다.")
        (view,) = payment_views(rows, actor, self.clock.now())
        return replace(view, **step) if step else view

    def _check_visible(self, actor: Actor, p: Payment) -> None:
        if actor.role is Role.AGENCY or owns(actor, p.company_id, p.supplier_id):
            return
        raise PermissionDenied("다른 기업의 결제는 볼 수 없습니다.", code="not_own")

    def get(self, actor: Actor, payment_id: uuid.UUID) -> PaymentView:
        clean_uuid(payment_id, "payment_id")
        with self.uow() as uow:
            p = uow.session.get(Payment, payment_id)
            if p is None:
                raise NotFound("결제를 찾을 수 없습니다.")
            self._check_visible(actor, p)
            return self._view(uow, p.id, actor)

    def quote(self, actor: Actor, deal_ids: Sequence[uuid.UUID]) -> PaymentQuote:
        """What paying these deals would charge: each deal's amount and shares, the total, and the
        remaining budget before and after (`refusal` says why they cannot be paid now)."""
        require_role(actor, Role.DEMAND)
        ids = self._clean_deal_ids(deal_ids)
        now = self.clock.now()
        with self.uow() as uow:
            c = uow.companies.for_actor(actor, actor.company_id)
            budget = uow.budget.ledger(c)
            pct = budget.government_pct if budget else 0
            lines, refusal = [], self._company_refusal(c, budget, now)
            for deal_id in ids:
                d, service_name, supplier_name = self._deal_of(uow, c, deal_id)
                refusal = refusal or self._deal_refusal(uow, d, service_name, now)
                amount = d.amount or 0
                gov = government_share(amount, pct)
                lines.append(PaymentLine(d.id, service_name, supplier_name, amount, gov, amount - gov))
            total = sum(line.amount for line in lines)
            remaining = budget.remaining if budget else 0
            refusal = refusal or rules.over_budget(total, remaining)
            return PaymentQuote(
                lines=tuple(lines), method=c.payment_method,
                card_masked=mask_card_number(c.card_last4) if c.card_last4 else None, total=total,
                government_total=sum(line.government_share for line in lines),
                self_total=sum(line.self_share for line in lines), remaining_before=remaining,
                remaining_after=remaining - total, refusal=refusal)

    # --- paying: reserve ---------------------------------------------------------------------
    def start(self, actor: Actor, attempts: Sequence[tuple[uuid.UUID, str]],
              batch_key: str | None = None) -> Done[tuple[PaymentView, ...]]:
        """Reserve one payment attempt per ticked deal, `(deal id, idempotency key)` each: all or
        nothing, only when the batch total fits the remaining budget (the company's budget is
        locked meanwhile). A key already used for the same deal answers its attempt as it stands.
        Changes: PAYMENT {the attempts}, DEAL {their deals}, VOUCHER {company}."""
        require_role(actor, Role.DEMAND)
        items = self._clean_attempts(attempts)
        batch_key = None if batch_key is None else clean_key(batch_key, "batch_key")
        now = self.clock.now()
        try:
            with self.uow() as uow:
                uow.payments.lock_budget(actor.company_id)
                c = uow.companies.for_actor(actor, actor.company_id)
                budget = uow.budget.ledger(c)
                ids, new = [], []
                for deal_id, key in items:
                    d, service_name, _supplier = self._deal_of(uow, c, deal_id)
                    digest = rules.request_hash(company=c.id, deal=d.id, amount=d.amount, method=c.payment_method)
                    existing = uow.payments.by_key(key)
                    if existing is not None:
                        if existing.request_hash != digest:
                            raise Conflict("이 결제 요청 식별값은 다른 결제에 이미 쓰였습니다. 결제창을 닫고 다시 "
                                           "시도해 주세요.", code="idempotency_conflict")
                        ids.append(existing.id)
                        continue
                    refusal = self._company_refusal(c, budget, now) or self._deal_refusal(uow, d, service_name, now)
                    if refusal:
                        raise InvalidTransition(refusal, code="not_payable")
                    new.append((d, key, digest))
                total = sum(d.amount for d, _k, _h in new)
                remaining = budget.remaining if budget else 0
                over = rules.over_budget(total, remaining)
                if over:
                    raise InvalidTransition(over, code="budget_exceeded")
                pct = budget.government_pct if budget else 0
                for d, key, digest in new:
                    gov = government_share(d.amount, pct)
                    p = Payment(id=uuid.uuid4(), deal_id=d.id, company_id=c.id, supplier_id=d.supplier_id,
                                method=c.payment_method, status=P.IN_PROGRESS, amount=d.amount,
                                government_share=gov, self_share=d.amount - gov, created_at=now, updated_at=now,
                                attempt_key=key, request_hash=digest, batch_key=batch_key,
                                created_by=actor.user_id,
                                card_last4=c.card_last4 if c.payment_method is PaymentMethod.SHINHAN_CARD else None)
                    uow.session.add(p)
                    uow.session.flush()
                    uow.audit(actor, "payment.start", "payment", p.id, after={
                        "deal_id": str(d.id), "amount": d.amount, "method": c.payment_method.value})
                    ids.append(p.id)
                uow.commit()
                views = tuple(self._view(uow, pid, actor) for pid in ids)
        except IntegrityError:
            raise Conflict("다른 화면에서 이 거래의 결제가 먼저 시작되었습니다. 목록을 새로 고쳐 주세요.",
                           code="payment_started") from None
        return Done(views, self._changes(views))

    def _clean_attempts(self, attempts) -> list[tuple[uuid.UUID, str]]:
        if isinstance(attempts, (str, bytes)) or not hasattr(attempts, "__iter__"):
            raise ValidationError("결제할 거래를 선택해 주세요.", field="attempts")
        items = []
        for item in attempts:
            if not isinstance(item, tuple) or len(item) != 2:
                raise ValidationError("결제할 거래를 선택해 주세요.", field="attempts")
            items.append((clean_uuid(item[0], "deal_id"), clean_key(item[1])))
        if not items:
            raise ValidationError("결제할 거래를 선택해 주세요.", field="attempts")
        if len(items) > rules.MAX_BATCH:
            raise ValidationError(f"한 번에 {rules.MAX_BATCH}건까지 결제할 수 있습니다.", field="attempts")
        if len({d for d, _k in items}) != len(items) or len({k for _d, k in items}) != len(items):
            raise ValidationError("같은 거래(또는 식별값)가 두 번 들어 있습니다.", field="attempts")
        return items

    def _clean_deal_ids(self, deal_ids) -> list[uuid.UUID]:
        ids = clean_uuids(deal_ids, "deal_ids")
        if not ids or len(ids) > rules.MAX_BATCH or len(set(ids)) != len(ids):
            raise ValidationError(f"결제할 거래를 1건 이상 {rules.MAX_BATCH}건 이하로 선택해 주세요.", field="deal_ids")
        return ids

    def _deal_of(self, uow: UnitOfWork, c: Company, deal_id: uuid.UUID) -> tuple[Deal, str, str]:
        row = uow.session.execute(select(Deal, Service.name, Supplier.name)
                                  .join(Service, Service.id == Deal.service_id)
                                  .join(Supplier, Supplier.id == Deal.supplier_id)
                                  .where(Deal.id == deal_id)).first()
        if row is None or row[0].company_id != c.id:
            raise NotFound("거래를 찾을 수 없습니다.")
        return row[0], row[1], row[2]

    def _company_refusal(self, c: Company, budget, now: datetime) -> str | None:
        if c.status is not ScreeningStatus.APPROVED or budget is None:
            return "예산이 확정(승인)된 수요기업만 결제할 수 있습니다."
        if c.payment_method is None:
            return "먼저 '바우처 신청'에서 결제수단을 선택해 주세요."
        if c.payment_method is PaymentMethod.SHINHAN_CARD and c.card_last4 is None:
            return "바우처 카드가 아직 발급되지 않았습니다. '바우처 신청'에서 카드 발급을 신청해 주세요."
        if budget.abandoned:
            return "예산포기가 확정되어 결제할 수 없습니다."
        if c.use_period_end is not None and kst_date(now) > c.use_period_end:
            return f"바우처 사용기간({c.use_period_end:%Y-%m-%d})이 끝나 결제할 수 없습니다."
        return None

    def _deal_refusal(self, uow: UnitOfWork, d: Deal, service_name: str, now: datetime) -> str | None:
        state = deal_rules.effective_state(d.state, d.deadline_at, now)
        if state not in PAYABLE or not d.amount:
            label = deal_rules.STATE_LABELS[state]
            return f"'{service_name}' 거래는 '{label}' 상태라 결제할 수 없습니다. 결제요청을 받은 거래만 결제할 수 있습니다."
        live = uow.payments.live_of_deal(d.id)
        if live is not None:
            what = "결제 중" if live.status is P.IN_PROGRESS else "결제 완료"
            return f"'{service_name}' 거래는 이미 {what}입니다."
        return None

    # --- paying: the issuers -----------------------------------------------------------------
    def send_card(self, actor: Actor, payment_id: uuid.UUID, card_number: str, expiry: str) -> Done[PaymentView]:
        """Card: the number and expiry go to the issuer, which sends an SMS code to the payment
        manager's phone (the answer carries `code_expires_at`). Never stored by the platform."""
        require_role(actor, Role.DEMAND)
        clean_uuid(payment_id, "payment_id")
        digits = normalize_card_number(number_text(clean_number_text(card_number, "payment.card_number",
                                                                     field="card_number")))
        if digits is None or len(digits) != 16:  # a typo is fixed here; a wrong number is the issuer's to refuse
            raise ValidationError("카드번호 16자리를 숫자로 입력해 주세요.", field="card_number")
        typed_expiry = clean_number_text(expiry, "payment.card_expiry", field="expiry")
        if normalize_expiry(number_text(typed_expiry)) is None:
            raise ValidationError("유효기간을 MM/YY 형식으로 입력해 주세요. 예: 03/31", field="expiry")
        return self._step(actor, payment_id, PaymentMethod.SHINHAN_CARD, lambda p: self.cards.begin_payment(
            p.attempt_key, str(p.company_id), digits, number_text(typed_expiry), p.amount, str(p.supplier_id)))

    def resend_code(self, actor: Actor, payment_id: uuid.UUID) -> Done[PaymentView]:
        """Card: a new SMS code (the 3 minutes start again; the tries left stay)."""
        require_role(actor, Role.DEMAND)
        clean_uuid(payment_id, "payment_id")
        return self._step(actor, payment_id, PaymentMethod.SHINHAN_CARD,
                          lambda p: self.cards.resend_code(p.attempt_key))

    def confirm_code(self, actor: Actor, payment_id: uuid.UUID, code: str) -> Done[PaymentView]:
        """Card: the SMS code typed → approved (SUCCEEDED, the deal 결제완료), a wrong code (tries
        left in the answer), or FAILED (5 wrong codes, the code expired)."""
        require_role(actor, Role.DEMAND)
        clean_uuid(payment_id, "payment_id")
        code = _six_digits(code, "payment.code", "code", "문자로 받은 인증번호 6자리를 입력해 주세요.")
        return self._step(actor, payment_id, PaymentMethod.SHINHAN_CARD,
                          lambda p: self.cards.confirm(p.attempt_key, code))

    def pay_zeropay(self, actor: Actor, payment_id: uuid.UUID, password: str) -> Done[PaymentView]:
        """ZeroPay: the gift-certificate password goes to ZeroPay → approved or FAILED (a wrong
        password; five in a row lock ZeroPay payment for 30 minutes)."""
        require_role(actor, Role.DEMAND)
        clean_uuid(payment_id, "payment_id")
        password = _six_digits(password, "payment.zeropay_password", "password",
                               "제로페이 상품권 비밀번호 6자리를 입력해 주세요.")
        return self._step(actor, payment_id, PaymentMethod.ZEROPAY, lambda p: self.zeropay.pay(
            p.attempt_key, str(p.company_id), password, p.amount, str(p.supplier_id)))

    def abandon(self, actor: Actor, payment_ids: Sequence[uuid.UUID]) -> Done[tuple[PaymentView, ...]]:
        """The payment window was closed: attempts the issuer never heard of become FAILED (결제를
        끝내지 않음) and give their budget back; an approved one is recorded as such; one waiting for
        its SMS code stays until the code lapses (the reconciler then records the issuer's answer)."""
        require_role(actor, Role.DEMAND)
        ids = clean_uuids(payment_ids, "payment_ids")
        views = []
        for pid in ids:
            p = self._own_attempt(actor, pid, None)
            if p.status is P.IN_PROGRESS:
                state = self._issuer(p.method).outcome(p.attempt_key)
                answer = self._from_state(state, p.attempt_key, unknown=PaymentFailure.NOT_COMPLETED)
                views.append(self._answer(actor, pid, answer).value)
            else:
                views.append(self._answer(actor, pid, None).value)
        views = tuple(views)
        return Done(views, self._changes(views))

    def _own_attempt(self, actor: Actor, payment_id: uuid.UUID, method: PaymentMethod | None) -> Payment:
        with self.uow() as uow:
            p = uow.session.get(Payment, payment_id)
            if p is None or p.company_id != actor.company_id:
                raise NotFound("결제를 찾을 수 없습니다.")
            if method is not None and p.method is not method:
                raise ValidationError(f"이 결제는 {rules.METHOD_LABELS[p.method]} 결제입니다.", field="method")
            uow.session.expunge(p)
            return p

    def _issuer(self, method: PaymentMethod):
        return self.cards if method is PaymentMethod.SHINHAN_CARD else self.zeropay

    def _step(self, actor: Actor, payment_id: uuid.UUID, method: PaymentMethod,
              call: Callable[[Payment], object]) -> Done[PaymentView]:
        """One step of the buyer's own attempt with its issuer (`call(attempt)`), its answer recorded;
        an attempt already settled answers as it stands (a double click, a retry)."""
        p = self._own_attempt(actor, payment_id, method)
        if p.status is not P.IN_PROGRESS:
            return self._answer(actor, payment_id, None)
        return self._answer(actor, payment_id, self._ask(lambda: call(p), self._issuer(method), p.attempt_key))

    def _ask(self, call: Callable[[], object], issuer, key: str):
        """The issuer's answer; after a time-out, what the issuer says happened to the attempt
        (`outcome`): a TIMEOUT failure when it has not heard of it."""
        try:
            return call()
        except IdempotencyConflict:
            raise Conflict("이 결제는 이미 다른 카드 정보로 진행 중입니다. 인증번호를 입력하거나, 결제창을 닫고 "
                           "다시 결제해 주세요.", code="idempotency_conflict") from None
        except IssuerTimeout:
            log.warning("issuer timed out on attempt %s; asking for its outcome", key)
            return self._from_state(issuer.outcome(key), key, unknown=PaymentFailure.TIMEOUT)

    @staticmethod
    def _from_state(state: AttemptState, key: str, *, unknown: PaymentFailure):
        if state.status in (AttemptStatus.APPROVED, AttemptStatus.CANCELLED):
            return Approval(key, state.approval_no, state.amount, state.approved_at)
        if state.status is AttemptStatus.FAILED:
            return Failure(key, state.reason, FAILURE_MESSAGES[state.reason])
        if state.status is AttemptStatus.PENDING:
            return CodeSent(key, "", state.expires_at, -1)
        return Failure(key, unknown, FAILURE_MESSAGES[unknown])

    def _answer(self, actor: Actor | None, payment_id: uuid.UUID, answer) -> Done[PaymentView]:
        """Record an issuer's answer on its attempt (once: a settled attempt keeps its outcome)."""
        now = self.clock.now()
        with self.uow() as uow:
            p = uow.payments.for_update(payment_id)
            step: dict = {}
            changed = False
            if p.status is P.IN_PROGRESS and isinstance(answer, Approval):
                self._succeed(uow, actor, p, answer, now)
                changed = True
            elif p.status is P.IN_PROGRESS and isinstance(answer, Failure):
                self._fail(uow, actor, p, answer.reason, answer.message, now)
                changed = True
            elif p.status is P.IN_PROGRESS and isinstance(answer, CodeSent):
                tries = answer.tries_left if answer.tries_left >= 0 else None
                step = {"code_expires_at": answer.expires_at, "tries_left": tries,
                        "phone_masked": answer.phone_masked or None,
                        "message": (f"인증번호가 맞지 않습니다. 남은 입력 횟수 {tries}회" if tries is not None and tries < 5
                                    else None)}
            elif p.status is P.SUCCEEDED and isinstance(answer, Failure):
                log.error("issuer refused an attempt the platform recorded as succeeded: %s", p.id)
            if changed:
                uow.commit()
            view = self._view(uow, p.id, actor, **step)
        return Done(view, self._changes((view,)) if changed else Changes())

    def _succeed(self, uow: UnitOfWork, actor: Actor | None, p: Payment, answer: Approval, now: datetime) -> None:
        p.status, p.approval_no, p.approved_at, p.updated_at = P.SUCCEEDED, answer.approval_no, answer.approved_at, now
        p.failure_code = p.failure_reason = None
        d = uow.deals.get_for_update(p.deal_id)
        # paid whatever the deal's state became meanwhile: the issuer has charged
        uow.deals.move(d, A.PAY, D.PAID, actor, deal_rules.StepInput(at=now, amount=p.amount))
        uow.audit(actor, "payment.succeed", "payment", p.id, before={"status": P.IN_PROGRESS.value},
                  after={"status": P.SUCCEEDED.value, "approval_no": answer.approval_no, "amount": p.amount})
        ev = uow.evaluations.open_for(p, d, now)  # 평가대기 of the paid deal (SPEC §5.5)
        if ev is not None:
            uow.audit(actor, "evaluation.open", "evaluation", ev.id, after={
                "status": ev.status.value, "deal_id": str(d.id), "payment_id": str(p.id)})

    def _fail(self, uow: UnitOfWork, actor: Actor | None, p: Payment, reason: PaymentFailure, message: str,
              now: datetime) -> None:
        p.status, p.failure_code, p.failure_reason, p.updated_at = P.FAILED, reason, message, now
        uow.audit(actor, "payment.fail", "payment", p.id, before={"status": P.IN_PROGRESS.value},
                  after={"status": P.FAILED.value, "reason": reason.value})

    # --- cancelling --------------------------------------------------------------------------
    def cancel(self, actor: Actor, payment_id: uuid.UUID, cancel_key: str, reason: str = "") -> Done[PaymentView]:
        """결제취소: the buyer on the KST day of the payment; the supplier of the deal or the agency
        any day, with a reason. The key is stored before the issuer is asked; the budget comes back,
        the deal becomes 결제취소 (a new deal for the service may start). Changes: PAYMENT, DEAL, VOUCHER."""
        clean_uuid(payment_id, "payment_id")
        cancel_key = clean_key(cancel_key, "cancel_key")
        reason = clean_text(reason, "payment.cancel_reason", field="reason", required=False)
        now = self.clock.now()
        with self.uow() as uow:
            p = uow.payments.for_update(payment_id)
            if p is None:
                raise NotFound("결제를 찾을 수 없습니다.")
            self._check_visible(actor, p)
            if p.cancel_key == cancel_key:  # a retry: the first request's outcome
                if p.status is P.CANCELLED:
                    return Done(self._view(uow, p.id, actor), Changes())
            elif p.cancel_key is not None:
                if p.status is P.CANCELLED:
                    raise InvalidTransition("이미 취소된 결제입니다.", code="cancelled")
                raise Conflict("이 결제는 이미 취소를 요청했습니다. 결과를 기다려 주세요.", code="cancel_pending")
            else:
                other = uow.payments.by_cancel_key(cancel_key)
                if other is not None:
                    raise Conflict("이 취소 요청 식별값은 다른 결제에 이미 쓰였습니다.", code="idempotency_conflict")
                refusal = rules.cancel_refusal(actor.role, own=owns(actor, p.company_id, p.supplier_id), status=p.status, approved_at=p.approved_at,
                                               now=now, reason=reason)
                if refusal:
                    raise (PermissionDenied if actor.role is Role.OPERATOR else InvalidTransition)(
                        refusal, code="cancel_refused", field="reason" if "사유" in refusal else None)
                p.cancel_key, p.cancel_requested_at, p.updated_at = cancel_key, now, now
                p.cancel_reason = reason or None
                p.cancelled_by, p.cancelled_by_name, p.cancelled_by_role = actor.user_id, actor.name, actor.role.value
                uow.audit(actor, "payment.cancel_request", "payment", p.id, after={"reason": reason or None})
                uow.commit()
            approval_no, method = p.approval_no, p.method
        try:
            answer = self._issuer(method).cancel(cancel_key, approval_no)
        except IssuerTimeout:
            log.warning("issuer timed out cancelling %s; the reconciler asks again", payment_id)
            with self.uow() as uow:
                view = self._view(uow, payment_id, actor, message="결제사의 응답이 없어 취소 결과를 확인하고 있습니다. "
                                                            "잠시 후 목록을 새로 고쳐 주세요.")
            return Done(view, self._changes((view,)))
        return self._cancelled(actor, payment_id, answer)

    def _cancelled(self, actor: Actor | None, payment_id: uuid.UUID, answer: Cancelled) -> Done[PaymentView]:
        now = self.clock.now()
        with self.uow() as uow:
            p = uow.payments.for_update(payment_id)
            if p.status is P.SUCCEEDED:
                p.status, p.cancelled_at, p.updated_at = P.CANCELLED, answer.cancelled_at, now
                d = uow.deals.get_for_update(p.deal_id)
                memo = p.cancel_reason or "수요기업이 결제 당일 취소"
                uow.deals.move(d, A.CANCEL, D.CANCELLED, actor, deal_rules.StepInput(at=now, memo=memo))
                uow.audit(actor, "payment.cancel", "payment", p.id, before={"status": P.SUCCEEDED.value},
                          after={"status": P.CANCELLED.value, "amount": p.amount})
                withdrawn = uow.evaluations.withdraw(p.id)  # a pending one goes; a saved one stays
                if withdrawn is not None:
                    uow.audit(actor, "evaluation.withdraw", "evaluation", withdrawn,
                              before={"status": "PENDING", "payment_id": str(p.id)}, after=None)
                uow.commit()
            view = self._view(uow, p.id, actor)
        return Done(view, self._changes((view,)))

    # --- recovery ----------------------------------------------------------------------------
    def reconcile(self, limit: int = 500) -> Done[int]:
        """Ask the issuers about attempts still in progress and cancellations still unanswered (at
        start and every few minutes; the system's, not a user's): approved → SUCCEEDED, refused →
        FAILED, never heard of for `RESERVATION_TTL` → FAILED (결제를 끝내지 않음), a code still
        running → left alone. Returns how many payments it settled."""
        now = self.clock.now()
        with self.uow() as uow:
            ids = uow.payments.to_reconcile(now - rules.RECONCILE_AFTER, limit)
        settled: list[PaymentView] = []
        for pid in ids:
            with self.uow() as uow:
                p = uow.session.get(Payment, pid)
                status, method, key, created = p.status, p.method, p.attempt_key, p.created_at
                cancel_key, approval_no = p.cancel_key, p.approval_no
            issuer = self._issuer(method)
            try:
                if status is P.IN_PROGRESS:
                    state = issuer.outcome(key)
                    if state.status is AttemptStatus.PENDING:
                        continue
                    if state.status is AttemptStatus.UNKNOWN and now - created < rules.RESERVATION_TTL:
                        continue
                    done = self._answer(None, pid, self._from_state(state, key, unknown=PaymentFailure.NOT_COMPLETED))
                else:
                    done = self._cancelled(None, pid, issuer.cancel(cancel_key, approval_no))
            except IssuerTimeout:
                continue
            if done.changes:
                settled.append(done.value)
        return Done(len(settled), self._changes(tuple(settled)) if settled else Changes())

    def _changes(self, views: Sequence[PaymentView]) -> Changes:
        return (Changes.of(Entity.PAYMENT, *(v.id for v in views)) | Changes.of(Entity.DEAL, *(v.deal_id for v in views))
                | Changes.of(Entity.VOUCHER, *{v.company_id for v in views}))

    # --- 서비스 결제관리 -----------------------------------------------------------------------
    def _bounds(self, actor: Actor, start: date | None, end: date | None) -> tuple[str | None, dict]:
        """(the owner column of the actor's side, the bound values: owner and the period's UTC bounds)."""
        if actor.role not in (Role.DEMAND, Role.SUPPLIER, Role.AGENCY):
            raise PermissionDenied("결제 내역은 수요기업, 공급기업과 전문기관만 볼 수 있습니다.", code="role")
        owner = "company_id" if actor.role is Role.DEMAND else "supplier_id" if actor.role is Role.SUPPLIER else None
        params: dict = {}
        if owner is not None:
            params["owner"] = actor.company_id if owner == "company_id" else actor.supplier_id
        first, after = period_bounds(start, end)
        if first is not None:
            params["start"] = first
        if after is not None:
            params["end"] = after
        return owner, params

    def counts(self, actor: Actor, start: date | None = None, end: date | None = None) -> dict[PaymentTab, int]:
        """Payments per tab in the period (KST days, both ends included)."""
        owner, params = self._bounds(actor, start, end)
        with self.uow() as uow:  # plain rows on the unit's connection
            rows = read_tuples(uow.connection, _counts_stmt(owner, "start" in params, "end" in params), params)
        by_status = {status: n for status, n in rows}
        return {tab: sum(by_status.get(s, 0) for s in rules.TAB_STATUSES[tab]) for tab in PaymentTab}

    def list_tab(self, actor: Actor, tab: PaymentTab, start: date | None = None, end: date | None = None,
                 cursor: tuple | None = None, limit: int = PAGE_SIZE) -> Page:
        """One tab of 서비스 결제관리, newest first; keyset paging on (created_at, id)."""
        owner, params = self._bounds(actor, start, end)
        tab = clean_enum(tab, PaymentTab, "tab", "탭")
        cursor = clean_cursor(cursor, datetime, uuid.UUID)
        limit = clean_page_size(limit, MAX_PAGE_SIZE)
        if cursor is not None:
            params["after_at"], params["after_id"] = cursor
        stmt = _list_stmt(owner, tab, "start" in params, "end" in params, cursor is not None, limit)
        with self.uow() as uow:  # rows, not objects (a list page)
            rows = read_tuples(uow.connection, stmt, params)
        out = payment_views(rows[:limit], actor, self.clock.now())
        more = len(rows) > limit
        return Page(out, (out[-1].created_at, out[-1].id) if more else None)

    def totals(self, actor: Actor, start: date | None = None, end: date | None = None) -> PaymentTotals:
        """The totals line under the lists: count, amount, government share and self-payment of the
        SUCCEEDED payments of the period and, apart, of the CANCELLED ones (the same scope and KST
        days as `counts` and `list_tab`)."""
        owner, params = self._bounds(actor, start, end)
        with self.uow() as uow:
            rows = read_tuples(uow.connection, _totals_stmt(owner, "start" in params, "end" in params), params)
        sums = {status: PaymentSum(int(n), int(amount), int(gov), int(own)) for status, n, amount, gov, own in rows}
        return PaymentTotals(succeeded=sums.get(P.SUCCEEDED, PaymentSum()),
                             cancelled=sums.get(P.CANCELLED, PaymentSum()))

    # --- 청구내역 --------------------------------------------------------------------------------
    def export_billing(self, actor: Actor, kind: BillingExport, start: date | None = None, end: date | None = None,
                       *, progress: Callable[[float, str], None] | None = None,
                       cancelled: Callable[[], bool] | None = None) -> bytes | None:
        """청구내역 of the period (the actor's side, KST days as in `list_tab`) as a file: XLSX or CSV
        of every completed and cancelled payment with the totals rows (services/billing.py), or
        SLIPS: one PDF of the period's papers (`papers`) with index pages (services/documents). A job
        in calibre's shape: `progress(fraction, message)`, `cancelled()` looked at between pages of
        rows; None when the user cancelled."""
        kind = clean_enum(kind, BillingExport, "kind", "내려받기 형식")
        if kind is BillingExport.SLIPS:
            papers = self.papers(actor, start, end)
            if progress is not None:
                progress(0.05, f"{len(papers):,}건")
            return documents.render_batch(papers, heading=billing.title_of(start, end).removeprefix("청구내역 "),
                                          progress=None if progress is None else
                                          (lambda f, m: progress(0.05 + 0.95 * f, m)), cancelled=cancelled)
        total = self.counts(actor, start, end)[PaymentTab.BILLED]
        table = billing.billing_table(self._billed_pages(actor, start, end), start, end, total=total,
                                      progress=progress, cancelled=cancelled)
        try:
            return exports.to_xlsx(table) if kind is BillingExport.XLSX else exports.to_csv(table)
        except billing.ExportCancelled:
            return None

    def _billed_pages(self, actor: Actor, start: date | None, end: date | None):
        """The pages of 청구내역, newest first, as the list reads them."""
        cursor = None
        while True:
            page = self.list_tab(actor, PaymentTab.BILLED, start, end, cursor, MAX_PAGE_SIZE)
            yield page.rows
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def settlement(self, actor: Actor, start: date | None = None,
                   end: date | None = None) -> tuple[SettlementRow, ...]:
        """The supplier's received payments (SUCCEEDED, by the KST day of approval, both ends of
        the period included) per day and per month, and the settlement summary per payout date
        (D + the programme's settlement days, 10 by default) with the programme's fee
        (`settlement_fee_bp`, rounded down to the won per payout) and the net amount. Rows: DAY,
        then MONTH, then PAYOUT, each oldest first."""
        require_role(actor, Role.SUPPLIER)
        where = [Payment.supplier_id == actor.supplier_id, Payment.status == P.SUCCEEDED,
                 Payment.approved_at.is_not(None)]
        first, after = period_bounds(start, end)
        if first is not None:
            where.append(Payment.approved_at >= first)
        if after is not None:
            where.append(Payment.approved_at < after)
        with self.uow() as uow:
            settings = uow.settings.current()
            fee_bp, days = settings.settlement_fee_bp, settings.settlement_days
            rows = uow.session.execute(select(Payment.approved_at, Payment.amount, Payment.government_share,
                                              Payment.self_share).where(*where)).all()
        by_day, by_month = rules.settlement_rows(rows, fee_bp, days)
        out = [SettlementRow(SettlementKind.DAY, day, n, amount, gov, own, fee, amount - fee, payout, fee_bp)
               for day, payout, n, amount, gov, own, fee in by_day]
        out += [SettlementRow(SettlementKind.MONTH, month, n, amount, gov, own, fee, amount - fee, None, fee_bp)
                for month, n, amount, gov, own, fee in by_month]
        out += [SettlementRow(SettlementKind.PAYOUT, payout, n, amount, gov, own, fee, amount - fee, payout, fee_bp)
                for _day, payout, n, amount, gov, own, fee in by_day]
        return tuple(out)

    # --- documents for filing (SPEC §11) -----------------------------------------------------
    def paper(self, actor: Actor, payment_id: uuid.UUID, kind: PaperKind) -> PaperData:
        """The data of one document of a payment, for `services.documents`: a 전표 (SLIP) or a
        거래명세서 (STATEMENT) of a succeeded or cancelled payment, a 취소전표 (CANCELLATION) of a
        cancelled one. The buyer, the supplier of the service and the agency may read it; an
        operating agency and other companies never. The number is stable per payment and kind."""
        clean_uuid(payment_id, "payment_id")
        kind = clean_enum(kind, PaperKind, "kind", "문서 종류")
        if actor.role not in (Role.DEMAND, Role.SUPPLIER, Role.AGENCY):
            raise PermissionDenied("결제 문서는 수요기업, 공급기업과 전문기관만 출력할 수 있습니다.", code="role")
        with self.uow() as uow:
            rows = read_tuples(uow.connection, papers_data.one_stmt(), {"payment_id": payment_id})
        if not rows:
            raise NotFound("결제를 찾을 수 없습니다.")
        (row,) = rows
        if actor.role is not Role.AGENCY and not owns(actor, *papers_data.owners_of(row)):
            raise PermissionDenied("다른 기업의 결제는 볼 수 없습니다.", code="not_own")
        refusal = rules.paper_refusal(kind, papers_data.status_of(row))
        if refusal:
            raise InvalidTransition(refusal, code="no_paper")
        return papers_data.paper_of(row, kind)

    def papers(self, actor: Actor, start: date | None = None, end: date | None = None) -> tuple[PaperData, ...]:
        """The papers of a period for filing (청구내역's batch export): every succeeded payment's
        전표 and every cancelled payment's 취소전표, oldest first (by payment time, then id), in the
        scope of `list_tab` — the buyer's own, the supplier's received, the agency's all; KST
        days, both ends included. More than `MAX_BATCH_PAPERS`: ValidationError (a shorter period)."""
        owner, params = self._bounds(actor, start, end)
        limit = papers_data.MAX_BATCH_PAPERS
        stmt = papers_data.period_stmt(owner, "start" in params, "end" in params, limit)
        with self.uow() as uow:
            rows = read_tuples(uow.connection, stmt, params)
        if len(rows) > limit:
            raise ValidationError(f"한 번에 {limit:,}건까지 묶을 수 있습니다. 기간을 줄여 주세요.", field="start",
                                  code="too_many_papers")
        return tuple(papers_data.paper_of(row, papers_data.batch_kind(papers_data.status_of(row))) for row in rows)
