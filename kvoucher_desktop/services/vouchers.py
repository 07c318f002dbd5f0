"""바우처 신청 (SPEC §5.2): payment method chosen once, the budget ledger, budget abandonment."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from sqlalchemy import case, event, select

from ..enums import AbandonmentStatus, PaymentMethod, Role, ScreeningStatus
from ..models import AbandonmentRequest, Company
from .changes import Changes, Done, Entity
from .clock import Clock, kst_date
from .dto import AbandonmentView, Actor, BudgetView, IssuedCardView, VoucherView
from .gateways.card import CardGateway
from .gateways.zeropay import ZeroPayGateway
from .errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from .guards import require_role
from .rules.cards import mask_card_number
from .rules.deals import EXPIRED_ABANDONED
from .rules.inputs import clean_enum, clean_number_text, clean_page_size, clean_text, clean_uuid
from .rules.korean import josa
from .rules.numbers import number_text
from .uow import UnitOfWork, UowFactory

METHOD_LABELS = {PaymentMethod.ZEROPAY: "제로페이", PaymentMethod.SHINHAN_CARD: "신한카드"}
ABANDONMENT_LABELS = {
    AbandonmentStatus.REQUESTED: "확인 대기",
    AbandonmentStatus.CONFIRMED: "예산포기 확정",
    AbandonmentStatus.DECLINED: "반려",
}
CARD_HELPDESK = "1544-7000"
ZEROPAY_HELPDESK = "1670-0582"

NOT_ELIGIBLE = {
    ScreeningStatus.REVIEWING: "운영기관이 심사 중입니다. 심사확정 후 전문기관이 예산을 확정(승인)하면 바우처를 신청할 수 "
                               "있습니다. 진행 상황은 '심사 및 예산확인'에서 볼 수 있습니다.",
    ScreeningStatus.ON_HOLD: "심사가 보류되었습니다. '심사 및 예산확인'에서 보류 사유를 확인하고 '기업정보 수정'에서 고쳐 "
                             "다시 제출해 주세요. 승인된 뒤에 바우처를 신청할 수 있습니다.",
    ScreeningStatus.CONFIRMED: "심사가 확정되었습니다. 전문기관이 예산을 확정(승인)하면 바우처를 신청할 수 있습니다.",
    ScreeningStatus.REJECTED: "심사에서 탈락하여 바우처를 신청할 수 없습니다. 탈락 사유는 '심사 및 예산확인'에서 볼 수 있습니다.",
}

_SIMPLE_PINS = {"012345", "123456", "234567", "345678", "456789", "987654", "876543", "765432", "654321", "543210"}


@event.listens_for(Company.payment_method, "set", active_history=True)
def _payment_method_is_final(target, value, oldvalue, initiator):
    """Last line of defence: no code path may change a chosen payment method (SPEC §5.2)."""
    if isinstance(oldvalue, PaymentMethod) and value != oldvalue:
        raise PermissionDenied("결제수단은 한 번 선택하면 바꿀 수 없습니다.", code="payment_method_final")
    return value


def card_request_from(c: Company) -> date | None:
    """Shinhan card issuance may be requested from the KST day after the choice."""
    if c.payment_method is not PaymentMethod.SHINHAN_CARD or c.payment_method_chosen_at is None:
        return None
    return kst_date(c.payment_method_chosen_at) + timedelta(days=1)


def abandonment_view(r: AbandonmentRequest, c: Company, remaining: int | None = None) -> AbandonmentView:
    return AbandonmentView(
        id=r.id, company_id=c.id, company_name=c.name, business_no=c.business_no, status=r.status,
        reason=r.reason, requested_at=r.requested_at, requested_by_name=r.requested_by_name,
        decided_at=r.decided_at, decided_by_name=r.decided_by_name, decline_reason=r.decline_reason,
        budget_before=r.budget_before, budget_after=r.budget_after, remaining=remaining,
    )


def zeropay_password_error(password: str, confirm: str) -> str | None:
    """Six ASCII digits (full-width digits count as typed, NFKC); Arabic-Indic and other digits do not."""
    password, confirm = number_text(password), number_text(confirm)
    if not re.fullmatch(r"[0-9]{6}", password):
        return "제로페이 상품권 비밀번호는 숫자 6자리로 정해 주세요."
    if len(set(password)) == 1 or password in _SIMPLE_PINS:
        return "같은 숫자나 연속된 숫자로만 된 비밀번호는 쓸 수 없습니다."
    if password != confirm:
        return "비밀번호 확인이 일치하지 않습니다."
    return None


class VoucherService:
    def __init__(self, uow: UowFactory, clock: Clock, cards: CardGateway, zeropay: ZeroPayGateway):
        self.uow = uow
        self.clock = clock
        self.cards = cards
        self.zeropay = zeropay

    def _latest_request(self, uow: UnitOfWork, company_id: uuid.UUID) -> AbandonmentRequest | None:
        # a pending request first (at most one exists), else the most recent decision
        pending_first = case((AbandonmentRequest.status == AbandonmentStatus.REQUESTED, 0), else_=1)
        return uow.session.scalars(select(AbandonmentRequest).where(AbandonmentRequest.company_id == company_id)
                         .order_by(pending_first, AbandonmentRequest.requested_at.desc(),
                                   AbandonmentRequest.decided_at.desc(), AbandonmentRequest.id).limit(1)).first()

    def _view(self, uow: UnitOfWork, c: Company) -> VoucherView:
        latest = self._latest_request(uow, c.id)
        return VoucherView(
            company_id=c.id, company_name=c.name, company_type=c.company_type, status=c.status,
            eligible=c.status is ScreeningStatus.APPROVED, why_not=NOT_ELIGIBLE.get(c.status),
            payment_method=c.payment_method, chosen_at=c.payment_method_chosen_at,
            card_request_from=card_request_from(c),
            zeropay_password_set=c.payment_method is PaymentMethod.ZEROPAY and self.zeropay.has_password(str(c.id)),
            card_masked=mask_card_number(c.card_last4) if c.card_last4 else None, card_issued_at=c.card_issued_at,
            card_expiry=self._card_expiry(c),
            budget=uow.budget.ledger(c), use_period_end=c.use_period_end,
            abandonment=abandonment_view(latest, c) if latest else None,
        )

    def _card_expiry(self, c: Company) -> str | None:
        if c.card_last4 is None:
            return None
        on_file = self.cards.card_of(str(c.id))
        return on_file.expiry if on_file is not None else None

    def get(self, actor: Actor, company_id: uuid.UUID | None = None) -> VoucherView:
        """바우처 신청 page data: eligibility, chosen method, budget panel, latest abandonment."""
        clean_uuid(company_id, "company_id", optional=True)
        with self.uow() as uow:
            c = uow.companies.for_actor(actor, company_id or actor.company_id)
            return self._view(uow, c)

    def choose_payment_method(self, actor: Actor, method: PaymentMethod, *, zeropay_password: str = "",
                              zeropay_password_confirm: str = "") -> Done[VoucherView]:
        """Apply for the voucher: choose ZeroPay or Shinhan card, once and for good.

        ZeroPay gift certificates are issued online at once, so the password is set here — with
        ZeroPay (its own record), never in the platform's store. Changes: VOUCHER {company id}."""
        require_role(actor, Role.DEMAND)
        if not isinstance(method, PaymentMethod):
            raise ValidationError("결제수단을 선택해 주세요.", field="method")
        password = None
        if method is PaymentMethod.ZEROPAY:
            password = self._clean_zeropay_password(zeropay_password, zeropay_password_confirm)
        now = self.clock.now()
        with self.uow() as uow:
            c = uow.companies.for_actor(actor, actor.company_id, for_update=True)
            if c.payment_method is not None:
                raise PermissionDenied(
                    f"결제수단은 이미 {josa(METHOD_LABELS[c.payment_method], '으로')} 정해졌으며 바꿀 수 없습니다.",
                    code="payment_method_final")
            if c.status is not ScreeningStatus.APPROVED:
                raise InvalidTransition(NOT_ELIGIBLE.get(c.status, "승인된 기업만 바우처를 신청할 수 있습니다."))
            c.payment_method, c.payment_method_chosen_at = method, now
            uow.audit(actor, "voucher.choose_method", "company", c.id, before={"payment_method": None},
                      after={"payment_method": method.value})
            uow.commit()
            if password is not None:  # after the choice stands; if this fails, the page offers it again
                self.zeropay.set_password(str(c.id), password)
            return Done(self._view(uow, c), Changes.of(Entity.VOUCHER, c.id))

    @staticmethod
    def _clean_zeropay_password(password: str, confirm: str) -> str:
        password = clean_number_text(password, "voucher.zeropay_password", field="zeropay_password")
        confirm = clean_number_text(confirm, "voucher.zeropay_password", field="zeropay_password")
        problem = zeropay_password_error(password, confirm)
        if problem:
            raise ValidationError(problem, field="zeropay_password")
        return number_text(password)

    def set_zeropay_password(self, actor: Actor, password: str, confirm: str) -> Done[VoucherView]:
        """ZeroPay: (re)set the gift-certificate password with ZeroPay — for a company whose
        password ZeroPay does not hold (set before passwords moved to the issuer, or the setting
        failed after the choice). Changes: VOUCHER {company id}."""
        require_role(actor, Role.DEMAND)
        password = self._clean_zeropay_password(password, confirm)
        with self.uow() as uow:
            c = uow.companies.for_actor(actor, actor.company_id)
            if c.payment_method is not PaymentMethod.ZEROPAY:
                raise InvalidTransition("제로페이를 결제수단으로 선택한 기업만 상품권 비밀번호를 정할 수 있습니다.")
            if self.zeropay.has_password(str(c.id)):
                raise InvalidTransition("상품권 비밀번호가 이미 정해져 있습니다. 바꾸려면 제로페이 고객센터("
                                        f"{ZEROPAY_HELPDESK})로 문의해 주세요.", code="password_set")
            self.zeropay.set_password(str(c.id), password)
            uow.audit(actor, "voucher.zeropay_password", "company", c.id, after={"set": True})
            uow.commit()
            return Done(self._view(uow, c), Changes.of(Entity.VOUCHER, c.id))

    def request_card(self, actor: Actor) -> Done[IssuedCardView]:
        """신한카드 카드 발급 신청: from the KST day after the choice. The issuer issues the voucher
        card and keeps its number; the platform keeps the last four digits. The number and expiry
        are handed back once, to be shown as the physical card would be. Changes: VOUCHER {company}."""
        require_role(actor, Role.DEMAND)
        now = self.clock.now()
        with self.uow() as uow:
            c = uow.companies.for_actor(actor, actor.company_id, for_update=True)
            if c.payment_method is not PaymentMethod.SHINHAN_CARD:
                raise InvalidTransition("결제수단으로 신한카드를 선택한 기업만 카드 발급을 신청할 수 있습니다.")
            start = card_request_from(c)
            if kst_date(now) < start:
                raise InvalidTransition(f"카드 발급은 결제수단을 선택한 다음 날({start:%Y-%m-%d})부터 신청할 수 있습니다.",
                                        code="too_early")
            if c.card_last4 is not None:
                raise InvalidTransition(f"바우처 카드가 이미 발급되었습니다({mask_card_number(c.card_last4)}). "
                                        f"분실·재발급은 카드 고객센터({CARD_HELPDESK})로 문의해 주세요.",
                                        code="card_issued")
            card = self.cards.issue_card(str(c.id), c.payment_manager_phone)
            c.card_last4, c.card_issued_at = card.last4, now
            uow.audit(actor, "voucher.card_issued", "company", c.id, after={"card_last4": card.last4})
            uow.commit()
            return Done(IssuedCardView(number=card.number, expiry=card.expiry, last4=card.last4,
                                       masked=mask_card_number(card.last4)), Changes.of(Entity.VOUCHER, c.id))

    # --- abandonment -------------------------------------------------------------------------
    def request_abandonment(self, actor: Actor, reason: str) -> Done[VoucherView]:
        """A demand company asks to give its budget up. Changes: VOUCHER {company id}."""
        require_role(actor, Role.DEMAND)
        reason = clean_text(reason, "voucher.abandon_reason", field="reason")
        with self.uow() as uow:
            s = uow.session
            c = uow.companies.for_actor(actor, actor.company_id, for_update=True)
            if c.status is not ScreeningStatus.APPROVED:
                raise InvalidTransition("예산이 확정(승인)된 기업만 예산포기를 신청할 수 있습니다.")
            if c.budget_abandoned_at is not None:
                raise InvalidTransition("이미 예산포기가 확정되었습니다.")
            latest = self._latest_request(uow, c.id)
            if latest is not None and latest.status is AbandonmentStatus.REQUESTED:
                raise Conflict("이미 예산포기를 신청했습니다. 전문기관의 확인을 기다려 주세요.")
            r = AbandonmentRequest(id=uuid.uuid4(), company_id=c.id, status=AbandonmentStatus.REQUESTED,
                                   reason=reason, requested_at=self.clock.now(), requested_by=actor.user_id,
                                   requested_by_name=actor.name)
            s.add(r)
            s.flush()
            uow.audit(actor, "voucher.abandon_request", "company", c.id, after={"reason": reason})
            uow.commit()
            return Done(self._view(uow, c), Changes.of(Entity.VOUCHER, c.id))

    def abandonments(self, actor: Actor, status: AbandonmentStatus | None = AbandonmentStatus.REQUESTED,
                     limit: int = 500) -> list[AbandonmentView]:
        """Abandonment requests for the agency, oldest waiting first."""
        require_role(actor, Role.AGENCY)
        status = None if status is None else clean_enum(status, AbandonmentStatus, "status", "처리 상태")
        limit = clean_page_size(limit, 5000)
        with self.uow() as uow:
            s = uow.session
            stmt = select(AbandonmentRequest, Company).join(Company, Company.id == AbandonmentRequest.company_id)
            if status is not None:
                stmt = stmt.where(AbandonmentRequest.status == status)
            rows = s.execute(stmt.order_by(AbandonmentRequest.requested_at, AbandonmentRequest.id).limit(limit)).all()
            return [abandonment_view(r, c, (uow.budget.ledger(c) or BudgetView(0, 0, 0, 0, 0, 0, 0, False)).remaining)
                    for r, c in rows]

    def confirm_abandonment(self, actor: Actor, request_id: uuid.UUID) -> Done[AbandonmentView]:
        """The agency confirms: the budget shrinks to what is spent (remaining 0), open deals expire.
        Changes: VOUCHER and COMPANY {company id} (the budget), DEAL {the ids expired} if any."""
        require_role(actor, Role.AGENCY)
        clean_uuid(request_id, "request_id")
        now = self.clock.now()
        with self.uow() as uow:
            r, c = self._pending(uow, request_id)
            budget = uow.budget.ledger(c)
            if budget.in_progress:
                raise Conflict("이 기업의 결제가 진행 중입니다. 결제가 끝난 뒤(성공 또는 실패) 예산포기를 확정해 주세요.",
                               code="payment_in_progress")
            # the budget becomes what was paid, with the payments' own shares (SPEC §5.2)
            gov, own = uow.budget.paid_shares(c.id)
            r.status, r.decided_at, r.decided_by, r.decided_by_name = AbandonmentStatus.CONFIRMED, now, actor.user_id, actor.name
            r.budget_before, r.budget_after = c.budget_total, budget.spent
            c.budget_total, c.budget_government, c.budget_self = budget.spent, gov, own
            c.budget_abandoned_at = now
            used = budget.spent
            expired = uow.deals.expire_open_of_company(c.id, now, EXPIRED_ABANDONED)
            uow.audit(actor, "voucher.abandon_confirm", "company", c.id,
                      before={"budget_total": r.budget_before},
                      after={"budget_total": used, "expired_deals": len(expired)})
            uow.commit()
            changes = Changes({Entity.VOUCHER: {c.id}, Entity.COMPANY: {c.id}})
            if expired:
                changes |= Changes.of(Entity.DEAL, *expired)
            return Done(abandonment_view(r, c, 0), changes)

    def decline_abandonment(self, actor: Actor, request_id: uuid.UUID, reason: str) -> Done[AbandonmentView]:
        """The agency declines a request; the budget stays. Changes: VOUCHER {company id}."""
        require_role(actor, Role.AGENCY)
        clean_uuid(request_id, "request_id")
        reason = clean_text(reason, "voucher.decline_reason", field="reason")
        now = self.clock.now()
        with self.uow() as uow:
            r, c = self._pending(uow, request_id)
            r.status, r.decided_at, r.decided_by, r.decided_by_name = AbandonmentStatus.DECLINED, now, actor.user_id, actor.name
            r.decline_reason = reason
            uow.audit(actor, "voucher.abandon_decline", "company", c.id, after={"reason": reason})
            uow.commit()
            return Done(abandonment_view(r, c, uow.budget.ledger(c).remaining), Changes.of(Entity.VOUCHER, c.id))

    def _pending(self, uow: UnitOfWork, request_id: uuid.UUID) -> tuple[AbandonmentRequest, Company]:
        s = uow.session
        r = s.scalars(select(AbandonmentRequest).where(AbandonmentRequest.id == request_id).with_for_update()).first()
        if r is None:
            raise NotFound("예산포기 신청을 찾을 수 없습니다.")
        if r.status is not AbandonmentStatus.REQUESTED:
            raise Conflict("이미 처리된 예산포기 신청입니다.")
        c = s.scalars(select(Company).where(Company.id == r.company_id).with_for_update()).one()
        return r, c

