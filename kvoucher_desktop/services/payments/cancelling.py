"""결제취소 and recovery: a cancellation stored with its own key before the issuer is asked, and
the reconciler that settles what a lost answer left open."""

from __future__ import annotations

import logging
import uuid

from ...enums import Role
from ...models import Payment
from ..changes import Changes, Done
from ..dto import Actor, PaymentView
from ..errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from ..gateways.issuers import AttemptStatus, Cancelled, IssuerTimeout
from ..rules import deals as deal_rules
from ..rules import payments as rules
from ..rules.inputs import clean_text, clean_uuid
from .queries import A, D, P, clean_key, owns

log = logging.getLogger(__name__)


class Cancelling:
    """Cancelling and reconciling (a part of PaymentService)."""

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
                memo = rules.cancel_reason_text(p.cancel_reason)
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
                unknown = self._unknown_reason(p)
                cancel_key, approval_no = p.cancel_key, p.approval_no
            issuer = self._issuer(method)
            try:
                if status is P.IN_PROGRESS:
                    state = issuer.outcome(key)
                    if state.status is AttemptStatus.PENDING:
                        continue
                    if state.status is AttemptStatus.UNKNOWN and now - created < rules.RESERVATION_TTL:
                        continue
                    # under the row lock, only while no desk took it up since the list was read (a
                    # desk on another machine, its clock behind, may claim it in between)
                    done = self._answer(None, pid, self._from_state(state, key, unknown=unknown),
                                        touched_before=now - rules.RECONCILE_AFTER)
                else:
                    done = self._cancelled(None, pid, issuer.cancel(cancel_key, approval_no))
            except IssuerTimeout:
                continue
            if done.changes:
                settled.append(done.value)
        return Done(len(settled), self._changes(tuple(settled)) if settled else Changes())
