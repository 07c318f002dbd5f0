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

import uuid
from collections.abc import Sequence
from dataclasses import replace

from ...enums import Role
from ...models import Payment
from ..changes import Changes, Entity
from ..clock import Clock
from ..dto import Actor, PaymentView
from ..errors import NotFound, PermissionDenied
from ..gateways.card import CardGateway
from ..gateways.zeropay import ZeroPayGateway
from ..repositories.rows import read_tuples
from ..rules.inputs import clean_uuid
from ..uow import UnitOfWork, UowFactory
from .cancelling import Cancelling
from .lists import Lists
from .paying import Paying
from .queries import _one_stmt, owns, payment_views


class PaymentService(Paying, Cancelling, Lists):
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

    def _changes(self, views: Sequence[PaymentView]) -> Changes:
        return (Changes.of(Entity.PAYMENT, *(v.id for v in views)) | Changes.of(Entity.DEAL, *(v.deal_id for v in views))
                | Changes.of(Entity.VOUCHER, *{v.company_id for v in views}))
