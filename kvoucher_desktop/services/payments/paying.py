"""결제하기: the quote, the attempts stored under the budget lock, each issuer step with its
answer recorded once, and the window's closing."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...enums import PaymentFailure, PaymentMethod, Role, ScreeningStatus
from ...models import Company, Deal, Payment, Service, Supplier
from ..changes import Changes, Done
from ..clock import kst_date
from ..dto import Actor, PaymentLine, PaymentQuote, PaymentView
from ..errors import Conflict, InvalidTransition, NotFound, Unavailable, ValidationError
from ..gateways.issuers import (
    FAILURE_MESSAGES,
    Approval,
    AttemptState,
    AttemptStatus,
    CodeSent,
    Failure,
    IdempotencyConflict,
    IssuerTimeout,
)
from ..guards import require_role
from ..rules import deals as deal_rules
from ..rules import payments as rules
from ..rules.cards import mask_card_number, normalize_card_number, normalize_expiry
from ..rules.inputs import clean_number_text, clean_uuid, clean_uuids
from ..rules.money import government_share
from ..rules.numbers import number_text
from ..uow import UnitOfWork
from .queries import PAYABLE, A, D, P, clean_key

log = logging.getLogger(__name__)


def _due_within_reservation(d: Deal, now: datetime) -> bool:
    """The deal's deadline comes before an attempt reserved now would end."""
    return d.deadline_at is not None and d.deadline_at < now + rules.RESERVATION_TTL


def _check_own(p: Payment | None, actor: Actor, method: PaymentMethod | None) -> None:
    """The buyer's own attempt (of `method`, when given), or NotFound / ValidationError."""
    if p is None or p.company_id != actor.company_id:
        raise NotFound("결제를 찾을 수 없습니다.")
    if method is not None and p.method is not method:
        raise ValidationError(f"이 결제는 {rules.METHOD_LABELS[p.method]} 결제입니다.", field="method")


def _six_digits(value: object, key: str, field: str, message: str) -> str:
    """A six-digit code or password as typed (full-width digits count), or the field's message."""
    digits = number_text(clean_number_text(value, key, field=field))
    if not (len(digits) == 6 and digits.isdigit()):
        raise ValidationError(message, field=field)
    return digits


class Paying:
    """The buyer's side of paying (a part of PaymentService)."""

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
                    d, service_name, _supplier = self._deal_of(uow, c, deal_id, lock=True)
                    digest = rules.request_hash(company=c.id, deal=d.id, amount=d.amount, method=c.payment_method)
                    existing = uow.payments.by_key(key)
                    if existing is not None:
                        if existing.request_hash != digest:
                            raise Conflict("이 결제 요청 식별값은 다른 결제에 이미 쓰였습니다. 결제창을 닫고 다시 "
                                           "시도해 주세요.", code="idempotency_conflict")
                        ids.append(existing.id)
                        continue
                    refusal = (self._company_refusal(c, budget, now) or self._deal_refusal(uow, d, service_name, now)
                               or self._deadline_refusal(uow, d, service_name, now))
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
                    self._hold_deadline(uow, actor, d, now)
                    ids.append(p.id)
                uow.commit()
                views = tuple(self._view(uow, pid, actor) for pid in ids)
        except IntegrityError:
            raise Conflict("다른 화면에서 이 거래의 결제가 먼저 시작되었습니다. 목록을 새로 고쳐 주세요.",
                           code="payment_started") from None
        return Done(views, self._changes(views))

    @staticmethod
    def _deadline_refusal(uow: UnitOfWork, d: Deal, service_name: str, now: datetime) -> str | None:
        """A deal held once for a payment (`_hold_deadline`) whose deadline would end before a new
        attempt's reservation: no new attempt (it could be approved after the deal lapsed)."""
        if _due_within_reservation(d, now) and uow.deals.was_held(d.id):
            return rules.deadline_near(service_name)
        return None

    @staticmethod
    def _hold_deadline(uow: UnitOfWork, actor: Actor, d: Deal, now: datetime) -> None:
        """A deal whose payment has started does not lapse while the attempt may still be decided:
        a deadline sooner than the reservation's end moves to it (the buyer was at the checkout in
        time; an approval would otherwise pay a deal the inbox already shows as 기한 만료, and free its
        service for a second deal meanwhile). Once per deal: starting again does not move it again."""
        if _due_within_reservation(d, now):  # once: a held deal refuses a new start (_deadline_refusal)
            before, held = d.deadline_at, now + rules.RESERVATION_TTL
            d.deadline_at = held
            uow.audit(actor, "deal.hold_for_payment", "deal", d.id,
                      before={"deadline_at": before.isoformat()}, after={"deadline_at": held.isoformat()})

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

    def _deal_of(self, uow: UnitOfWork, c: Company, deal_id: uuid.UUID, *, lock: bool = False
                 ) -> tuple[Deal, str, str]:
        """The company's deal with its service's and supplier's names; `lock`: its row held (start)."""
        stmt = (select(Deal, Service.name, Supplier.name).join(Service, Service.id == Deal.service_id)
                .join(Supplier, Supplier.id == Deal.supplier_id).where(Deal.id == deal_id))
        row = uow.session.execute(stmt.with_for_update(of=Deal) if lock else stmt).first()
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
        끝내지 않음) and give their budget back — except one whose last call went unanswered, which
        waits for the reconciler (its request may still arrive); an approved one is recorded as such;
        one waiting for its SMS code stays until the code lapses (the reconciler then records the
        issuer's answer)."""
        require_role(actor, Role.DEMAND)
        ids = clean_uuids(payment_ids, "payment_ids")
        views = []
        for pid in ids:
            p = self._own_attempt(actor, pid, None)
            if p.status is P.IN_PROGRESS:
                state = self._issuer(p.method).outcome(p.attempt_key)
                if state.status is AttemptStatus.UNKNOWN and p.failure_code is PaymentFailure.TIMEOUT:
                    # its request may still arrive: the reconciler decides after the reservation
                    views.append(self._answer(actor, pid, None).value)
                    continue
                answer = self._from_state(state, p.attempt_key, unknown=PaymentFailure.NOT_COMPLETED)
                views.append(self._answer(actor, pid, answer).value)
            else:
                views.append(self._answer(actor, pid, None).value)
        views = tuple(views)
        return Done(views, self._changes(views))

    def _own_attempt(self, actor: Actor, payment_id: uuid.UUID, method: PaymentMethod | None) -> Payment:
        with self.uow() as uow:
            p = uow.session.get(Payment, payment_id)
            _check_own(p, actor, method)
            uow.session.expunge(p)
            return p

    def _issuer(self, method: PaymentMethod):
        return self.cards if method is PaymentMethod.SHINHAN_CARD else self.zeropay

    def _step(self, actor: Actor, payment_id: uuid.UUID, method: PaymentMethod,
              call: Callable[[Payment], object]) -> Done[PaymentView]:
        """One step of the buyer's own attempt with its issuer (`call(attempt)`), its answer recorded;
        an attempt already settled answers as it stands (a double click, a retry)."""
        p = self._claim(actor, payment_id, method)
        if p.status is not P.IN_PROGRESS:
            return self._answer(actor, payment_id, None)
        return self._answer(actor, payment_id, self._ask(lambda: call(p), self._issuer(method), p.attempt_key, p.id))

    def _claim(self, actor: Actor, payment_id: uuid.UUID, method: PaymentMethod) -> Payment:
        """The buyer's attempt, its row locked and marked as being worked on (`updated_at`, committed)
        before the issuer is called: the reconciler leaves an attempt touched within a minute alone
        and checks again under the same lock, so it never fails an attempt whose call is on its way.
        No issuer call after the reservation's end (the deal is held that long, and the reconciler
        may settle the attempt from then on): `reservation_over`, the attempt left to the reconciler."""
        with self.uow() as uow:
            p = uow.payments.for_update(payment_id)
            _check_own(p, actor, method)
            if p.status is P.IN_PROGRESS:
                now = self.clock.now()
                if now >= p.created_at + rules.RESERVATION_TTL:
                    raise InvalidTransition(rules.RESERVATION_OVER_MESSAGE, code="reservation_over")
                p.updated_at = now
                uow.commit()
            uow.session.expunge(p)
            return p

    def _ask(self, call: Callable[[], object], issuer, key: str, payment_id: uuid.UUID):
        """The issuer's answer; after a time-out, what the issuer says happened to the attempt
        (`outcome`). When it has not heard of it, nothing is decided: the request may still be on
        its way, so the attempt stays IN_PROGRESS (its budget held) and `Unavailable` says to try
        again — the same call carries the same key, so the issuer does it at most once. Left alone,
        the reconciler settles it after `RESERVATION_TTL`."""
        try:
            return call()
        except IdempotencyConflict:
            raise Conflict("이 결제는 이미 다른 카드 정보로 진행 중입니다. 인증번호를 입력하거나, 결제창을 닫고 "
                           "다시 결제해 주세요.", code="idempotency_conflict") from None
        except IssuerTimeout:
            log.warning("issuer timed out on attempt %s; asking for its outcome", key)
            try:
                state = issuer.outcome(key)
            except IssuerTimeout:
                state = None
            if state is None or state.status is AttemptStatus.UNKNOWN:
                self._unanswered(payment_id)
                raise Unavailable(rules.NO_ANSWER_MESSAGE, code="issuer_no_answer") from None
            return self._from_state(state, key, unknown=PaymentFailure.TIMEOUT)

    def _unanswered(self, payment_id: uuid.UUID) -> None:
        """Mark an attempt whose last issuer call went unanswered (`failure_code` TIMEOUT while it is
        still IN_PROGRESS): closing the window then leaves it to the reconciler, which fails it
        with that reason after the reservation unless the issuer turns out to have done it."""
        with self.uow() as uow:
            p = uow.payments.for_update(payment_id)
            if p is not None and p.status is P.IN_PROGRESS:
                p.failure_code, p.updated_at = PaymentFailure.TIMEOUT, self.clock.now()
                uow.commit()

    @staticmethod
    def _unknown_reason(p) -> PaymentFailure:
        """Why an attempt the issuer never heard of is failed: its last call went unanswered
        (TIMEOUT), or the buyer never finished (NOT_COMPLETED)."""
        return PaymentFailure.TIMEOUT if p.failure_code is PaymentFailure.TIMEOUT else PaymentFailure.NOT_COMPLETED

    @staticmethod
    def _from_state(state: AttemptState, key: str, *, unknown: PaymentFailure):
        if state.status in (AttemptStatus.APPROVED, AttemptStatus.CANCELLED):
            return Approval(key, state.approval_no, state.amount, state.approved_at)
        if state.status is AttemptStatus.FAILED:
            return Failure(key, state.reason, FAILURE_MESSAGES[state.reason])
        if state.status is AttemptStatus.PENDING:
            return CodeSent(key, "", state.expires_at, -1)
        return Failure(key, unknown, FAILURE_MESSAGES[unknown])

    def _answer(self, actor: Actor | None, payment_id: uuid.UUID, answer,
                touched_before: datetime | None = None) -> Done[PaymentView]:
        """Record an issuer's answer on its attempt (once: a settled attempt keeps its outcome).
        `touched_before` (the reconciler's failure of an attempt the issuer never heard of): only
        while no desk has taken the attempt up since then, checked under the row lock."""
        now = self.clock.now()
        with self.uow() as uow:
            p = uow.payments.for_update(payment_id)
            step: dict = {}
            changed = False
            if touched_before is not None and p.updated_at > touched_before:
                answer = None  # a desk's call is on its way: its answer decides
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
            elif p.status is P.FAILED and isinstance(answer, Approval):
                late = answer  # charged at the issuer after the platform gave up on it: voided below
                log.error("issuer approved an attempt the platform recorded as failed: %s; voiding it", p.id)
                uow.audit(actor, "payment.void_late_approval", "payment", p.id, before={"status": P.FAILED.value},
                          after={"approval_no": late.approval_no, "amount": late.amount})
                changed = True
            if changed:
                uow.commit()
            method, key = p.method, p.attempt_key
            view = self._view(uow, p.id, actor, **step)
        if view.status is P.FAILED and isinstance(answer, Approval):
            self._void(method, key, answer.approval_no)
        return Done(view, self._changes((view,)) if changed else Changes())

    def _void(self, method: PaymentMethod, attempt_key: str, approval_no: str) -> None:
        """Cancel at the issuer a charge the platform does not hold (망취소), with a key of its own
        derived from the attempt's: asked again, the issuer answers the first cancellation."""
        try:
            self._issuer(method).cancel(f"void-{attempt_key}", approval_no)
        except IssuerTimeout:
            log.error("voiding approval %s of attempt %s timed out; ask the issuer", approval_no, attempt_key)

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
