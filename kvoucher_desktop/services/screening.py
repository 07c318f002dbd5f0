"""Screening lifecycle (SPEC §5.1): transitions, operator dashboard, agency budget confirmation."""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..enums import Role, ScreeningAction, ScreeningStatus
from ..models import Company, OperatingAgency, ScreeningEvent
from .clock import kst_date
from .companies import company_view, next_seq
from .dto import Actor, BulkResult, CompanyRow, CompanyView, Page
from .errors import Conflict, DomainError, InvalidTransition, PermissionDenied, ValidationError
from .guards import company_for, require_role
from .programme import current_settings
from .rules.documents import DOC_LABELS, required_documents
from .rules.money import split_budget
from .rules.inputs import clean_cursor, clean_enum, clean_optional, clean_page_size, clean_search, clean_uuid, clean_uuids
from .rules.numbers import digits_only, number_text
from .rules.screening import ACTION_LABELS, ACTORS, REASON_REQUIRED, STATUS_LABELS, next_status, refusal_message
from .company_docs import current_documents
from .rules.korean import particle

PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000


def changed_meanwhile(seen: ScreeningStatus, now: ScreeningStatus) -> Conflict:
    """The refusal when the state the user decided on is no longer the company's state."""
    return Conflict(
        f"다른 창구에서 먼저 처리되어 상태가 바뀌었습니다('{STATUS_LABELS[seen]}' → '{STATUS_LABELS[now]}'). "
        "현재 상태를 확인한 뒤 다시 처리해 주세요.", code="changed")


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _row(c: Company, operator_name: str) -> CompanyRow:
    return CompanyRow(
        id=c.id, name=c.name, business_no=c.business_no, company_type=c.company_type,
        representative_name=c.representative_name, operator_name=operator_name, status=c.status,
        submitted_at=c.submitted_at, status_changed_at=c.status_changed_at,
        changed_after_confirm=c.changed_after_confirm_at is not None,
    )


class ScreeningService:
    def __init__(self, uow, clock):
        self.uow = uow
        self.clock = clock

    # --- transitions -------------------------------------------------------------------------
    def act(self, actor: Actor, company_id: uuid.UUID, action: ScreeningAction, reason: str | None = None, *,
            expected_status: ScreeningStatus | None = None) -> CompanyView:
        """Apply one screening action; checks role, jurisdiction, state and reason.

        `expected_status` is the state the user saw when deciding. The GUI always sends it: when
        another desk changed the state meanwhile, the action is refused (Conflict, code
        'changed') instead of being applied to a company the user did not see. Scripts and
        the demo may leave it out; then only the transition table decides.
        """
        if expected_status is not None:
            expected_status = clean_enum(expected_status, ScreeningStatus, "expected_status", "심사 상태")
        clean_uuid(company_id, "company_id")
        action = clean_enum(action, ScreeningAction, "action", "심사 처리")
        if action not in ACTORS or actor.role not in ACTORS[action]:
            raise PermissionDenied(f"'{ACTION_LABELS.get(action, action)}' 처리를 할 권한이 없습니다.", code="role")
        reason = clean_optional(reason, "screening.reason")
        if action in REASON_REQUIRED and not reason:
            raise ValidationError(f"'{ACTION_LABELS[action]}' 사유를 입력해 주세요.", field="reason")
        if actor.role is Role.AGENCY and action in (ScreeningAction.CONFIRM, ScreeningAction.HOLD) and not reason:
            raise ValidationError("전문기관이 심사 결과를 직권 변경할 때는 사유를 입력해야 합니다.", field="reason")
        now = self.clock.now()
        try:
            with self.uow() as uow:
                s = uow.session
                company = company_for(s, actor, company_id, for_update=True)
                before = company.status
                if expected_status is not None and before is not expected_status:
                    raise changed_meanwhile(expected_status, before)
                after = next_status(before, action)
                if after is None:
                    raise InvalidTransition(refusal_message(before, action))
                if action is ScreeningAction.RESUBMIT:
                    self._check_documents_complete(s, company)
                company.status = after
                company.status_reason = reason
                company.status_changed_at = now
                audit_after = {"status": after.value, "reason": reason}
                if action is ScreeningAction.CONFIRM:
                    company.confirmed_at = now
                    company.changed_after_confirm_at = None
                if action is ScreeningAction.APPROVE:
                    prog = current_settings(s)
                    gov, own = split_budget(prog.voucher_amount, prog.government_share_pct)
                    company.budget_total, company.budget_government, company.budget_self = prog.voucher_amount, gov, own
                    company.budget_government_pct = prog.government_share_pct
                    company.approved_at = now
                    company.use_period_end = add_months(kst_date(now), prog.use_period_months)
                    audit_after.update(budget_total=prog.voucher_amount, budget_government=gov, budget_self=own,
                                       use_period_end=company.use_period_end.isoformat())
                s.add(ScreeningEvent(
                    id=uuid.uuid4(), company_id=company.id, action=action, from_status=before, to_status=after,
                    reason=reason, actor_id=actor.user_id, actor_name=actor.name, actor_role=actor.role, at=now,
                    seq=next_seq(s, ScreeningEvent, company.id),
                ))
                override = actor.role is Role.AGENCY and action is not ScreeningAction.APPROVE
                uow.audit(actor, f"screening.{action.value.lower()}" + (".override" if override else ""),
                          "company", company.id, before={"status": before.value}, after=audit_after)
                uow.commit()
                return company_view(s, company)
        except StaleDataError:
            raise Conflict("다른 사용자가 먼저 이 기업을 처리했습니다. 목록을 새로 고친 뒤 다시 확인해 주세요.",
                           code="changed") from None

    def _check_documents_complete(self, s: Session, company: Company) -> None:
        present = {d.doc_type for d in current_documents(s, company.id)}
        for doc_type in required_documents(company.company_type, company.issuer_type):
            if doc_type not in present:
                raise ValidationError(f"필수 서류 '{DOC_LABELS[doc_type]}'{particle(DOC_LABELS[doc_type], '을')} 첨부한 뒤 다시 제출해 주세요.",
                                      field=f"doc:{doc_type.value}")

    def confirm(self, actor: Actor, company_id: uuid.UUID, reason: str | None = None, *,
                expected_status: ScreeningStatus | None = None) -> CompanyView:
        return self.act(actor, company_id, ScreeningAction.CONFIRM, reason, expected_status=expected_status)

    def hold(self, actor: Actor, company_id: uuid.UUID, reason: str, *,
             expected_status: ScreeningStatus | None = None) -> CompanyView:
        return self.act(actor, company_id, ScreeningAction.HOLD, reason, expected_status=expected_status)

    def reject(self, actor: Actor, company_id: uuid.UUID, reason: str, *,
               expected_status: ScreeningStatus | None = None) -> CompanyView:
        return self.act(actor, company_id, ScreeningAction.REJECT, reason, expected_status=expected_status)

    def resubmit(self, actor: Actor) -> CompanyView:
        return self.act(actor, actor.company_id, ScreeningAction.RESUBMIT)

    def approve(self, actor: Actor, company_id: uuid.UUID, *,
                expected_status: ScreeningStatus | None = None) -> CompanyView:
        return self.act(actor, company_id, ScreeningAction.APPROVE, expected_status=expected_status)

    def approve_many(self, actor: Actor, company_ids: list[uuid.UUID], progress=None, cancelled=None, *,
                     expected: Mapping[uuid.UUID, ScreeningStatus] | None = None) -> BulkResult:
        """Confirm budgets one company at a time; a failure does not stop the others.

        `expected` maps ids to the state the user saw (the budget page sends it for every row);
        an id without one is checked by the transition table alone (it must be CONFIRMED).
        """
        require_role(actor, Role.AGENCY)
        company_ids = clean_uuids(company_ids, "company_ids")
        ok, failed = [], []
        for i, cid in enumerate(company_ids):
            if cancelled is not None and cancelled():
                break
            try:
                self.approve(actor, cid, expected_status=(expected or {}).get(cid))
                ok.append(cid)
            except DomainError as exc:
                failed.append((cid, exc.message))
            if progress is not None:
                progress((i + 1) / len(company_ids), f"{i + 1}/{len(company_ids)}")
        return BulkResult(tuple(ok), tuple(failed))

    def acknowledge_changes(self, actor: Actor, company_id: uuid.UUID) -> CompanyView:
        """The operator has read the edits made after confirmation: clear the highlight."""
        require_role(actor, Role.OPERATOR, Role.AGENCY)
        clean_uuid(company_id, "company_id")
        with self.uow() as uow:
            s = uow.session
            company = company_for(s, actor, company_id, for_update=True)
            if company.changed_after_confirm_at is not None:
                before = company.changed_after_confirm_at.isoformat()
                company.changed_after_confirm_at = None
                uow.audit(actor, "screening.acknowledge_changes", "company", company.id,
                          before={"changed_after_confirm_at": before}, after={"changed_after_confirm_at": None})
                uow.commit()
            return company_view(s, company)

    # --- dashboard ---------------------------------------------------------------------------
    def _scope(self, actor: Actor, stmt):
        if actor.role is Role.OPERATOR:
            return stmt.where(Company.operator_id == actor.operator_id)
        if actor.role is Role.AGENCY:
            return stmt
        raise PermissionDenied("심사 목록을 볼 권한이 없습니다.", code="role")

    def counts(self, actor: Actor) -> dict[ScreeningStatus, int]:
        """Number of companies per state in the actor's jurisdiction."""
        with self.uow() as uow:
            stmt = self._scope(actor, select(Company.status, func.count()).group_by(Company.status))
            found = dict(uow.session.execute(stmt).all())
            return {st: int(found.get(st, 0)) for st in ScreeningStatus}

    def list_companies(
        self,
        actor: Actor,
        *,
        status: ScreeningStatus | None = None,
        query: str = "",
        changed_only: bool = False,
        cursor: tuple | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page:
        """One page of the dashboard, newest submission first (keyset on submitted_at, id)."""
        # the search box: SEARCH_LIMIT characters at most, checked before the store is asked
        query = clean_search(query)
        status = None if status is None else clean_enum(status, ScreeningStatus, "status", "심사 상태")
        cursor = clean_cursor(cursor, datetime, uuid.UUID)
        limit = clean_page_size(limit, MAX_PAGE_SIZE)
        with self.uow() as uow:
            stmt = self._scope(actor, select(Company, OperatingAgency.name).join(
                OperatingAgency, OperatingAgency.id == Company.operator_id))
            if status is not None:
                stmt = stmt.where(Company.status == status)
            if changed_only:
                stmt = stmt.where(Company.changed_after_confirm_at.is_not(None))
            q = query.strip()
            if q:
                digits = digits_only(q)  # full-width digits count (NFKC), other scripts' digits do not
                conditions = [Company.name.icontains(q, autoescape=True)]
                if len(digits) >= 3 and len(digits) == len(number_text(q).replace("-", "").replace(" ", "")):
                    conditions.append(Company.business_no.startswith(digits, autoescape=True))
                stmt = stmt.where(or_(*conditions))
            if cursor is not None:
                # a plain tuple takes the column types (UTC conversion); tuple_(*cursor) would bind
                # an aware datetime untyped and miscompare on a server whose time zone is not UTC
                stmt = stmt.where(tuple_(Company.submitted_at, Company.id) < tuple(cursor))
            stmt = stmt.order_by(Company.submitted_at.desc(), Company.id.desc()).limit(limit + 1)
            rows = uow.session.execute(stmt).all()
            more = len(rows) > limit
            rows = rows[:limit]
            page = tuple(_row(c, name) for c, name in rows)
            next_cursor = (rows[-1][0].submitted_at, rows[-1][0].id) if more else None
            return Page(page, next_cursor)
