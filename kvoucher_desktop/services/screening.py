"""Screening lifecycle (SPEC §5.1): transitions, operator dashboard, agency budget confirmation."""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.orm.exc import StaleDataError

from ..enums import Role, ScreeningAction, ScreeningStatus
from ..models import Company, CompanyNameGram, OperatingAgency, ScreeningEvent
from ..models.companies import business_no_prefix
from .changes import NO_CHANGES, Changes, Done, Entity
from .clock import Clock, kst_date
from .dto import Actor, BulkResult, CompanyRow, CompanyView, Page, TimeCursor
from .errors import Conflict, DomainError, InvalidTransition, PermissionDenied, ValidationError
from .guards import require_role
from .repositories.rows import fast, no_index_on_sqlite, prepared, read_into, read_tuples
from .repositories.settings import current_year
from .rules.documents import DOC_LABELS, required_documents
from .rules.money import split_budget
from .rules.inputs import (
    clean_cursor,
    clean_enum,
    clean_optional,
    clean_page_size,
    clean_search,
    clean_uuid,
    clean_uuids,
    clean_year,
)
from .rules.numbers import digits_only, number_text
from .rules.search import query_grams
from .rules.screening import ACTION_LABELS, ACTORS, REASON_REQUIRED, STATUS_LABELS, next_status, refusal_message
from .rules.korean import particle
from .uow import UnitOfWork, UowFactory

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


#: the dashboard's columns, in the order of CompanyRow's fields: a list reads rows, not objects
_ROW_COLUMNS = (
    fast(Company.id), Company.name, Company.business_no, fast(Company.company_type), Company.representative_name,
    OperatingAgency.name.label("operator_name"), fast(Company.status), fast(Company.submitted_at),
    fast(Company.status_changed_at), Company.changed_after_confirm_at.is_not(None).label("changed_after_confirm"),
)


def _of_year():
    """The year filter of a dashboard page: on SQLite `+ 0` keeps it a filter on the rows the page's
    index walks (newest first; the current year's companies are the newest), so that its planner
    does not drive the page by the year's counting index (0009) and sort the whole year; PostgreSQL
    plans it by its statistics (`rows.no_index_on_sqlite`)."""
    return no_index_on_sqlite(Company.programme_year) == bindparam("year")


def _rows_stmt():
    return select(*_ROW_COLUMNS).join(OperatingAgency, OperatingAgency.id == Company.operator_id)


@prepared
def _counts_stmt(operator: bool):
    """Companies of a programme year (`year`) per state (`operator_id` for an operator's jurisdiction)."""
    stmt = select(Company.status, func.count()).where(Company.programme_year == bindparam("year")) \
        .group_by(Company.status)
    return stmt.where(Company.operator_id == bindparam("operator_id")) if operator else stmt


@prepared
def _page_stmt(operator: bool, status: bool, changed_only: bool, paged: bool, limit: int):
    """A dashboard page without a search (`year`, `operator_id`, `status`, `after_at`/`after_id`)."""
    stmt = _rows_stmt().where(_of_year())
    if operator:
        stmt = stmt.where(Company.operator_id == bindparam("operator_id"))
    if status:
        stmt = stmt.where(Company.status == bindparam("status"))
    if changed_only:
        stmt = stmt.where(Company.changed_after_confirm_at.is_not(None))
    if paged:  # typed binds: the UTC conversion of the column
        stmt = stmt.where(tuple_(Company.submitted_at, Company.id) < tuple_(
            bindparam("after_at", type_=Company.submitted_at.type), bindparam("after_id", type_=Company.id.type)))
    return stmt.order_by(Company.submitted_at.desc(), Company.id.desc()).limit(limit + 1)


def _search_filters(stmt, submitted_at, company_id, status: bool, changed_only: bool, paged: bool, limit: int):
    """A search's filters besides its index (`year`, `status`, `after_at`/`after_id`), newest first, one page."""
    stmt = stmt.where(_of_year())
    if status:
        stmt = stmt.where(Company.status == bindparam("status"))
    if changed_only:
        stmt = stmt.where(Company.changed_after_confirm_at.is_not(None))
    if paged:  # typed binds: the UTC conversion of the column
        stmt = stmt.where(tuple_(submitted_at, company_id) < tuple_(
            bindparam("after_at", type_=Company.submitted_at.type), bindparam("after_id", type_=Company.id.type)))
    return stmt.order_by(submitted_at.desc(), company_id.desc()).limit(limit + 1)


@prepared
def _name_stmt(operator: bool, status: bool, changed_only: bool, paged: bool, limit: int, contains: bool):
    """A name search: one gram's entries walked newest first (`gram`, `operator_id`; `needle`, the
    query with LIKE's wildcards escaped by '/', when the name decides)."""
    g = CompanyNameGram
    stmt = (select(*_ROW_COLUMNS).select_from(g).join(Company, Company.id == g.company_id)
            .join(OperatingAgency, OperatingAgency.id == Company.operator_id).where(g.gram == bindparam("gram")))
    if contains:
        stmt = stmt.where(Company.name.icontains(bindparam("needle", type_=Company.name.type), escape="/"))
    if operator:
        stmt = stmt.where(g.operator_id == bindparam("operator_id"))
    return _search_filters(stmt, g.submitted_at, g.company_id, status, changed_only, paged, limit)


@prepared
def _prefix_stmt(operator: bool, status: bool, changed_only: bool, paged: bool, limit: int):
    """Three digits (`prefix`): the page newest first from the first-three-digits index (0006)."""
    stmt = _rows_stmt().where(business_no_prefix(Company.business_no) == bindparam("prefix"))
    if operator:
        stmt = stmt.where(Company.operator_id == bindparam("operator_id"))
    return _search_filters(stmt, Company.submitted_at, Company.id, status, changed_only, paged, limit)


@prepared
def _range_stmt(operator: bool, status: bool, changed_only: bool, paged: bool, limit: int, bounded: bool):
    """Four or more digits: the page's ids from the range index of the numbers (`low`, `digits`,
    `high` when `bounded`), then their rows, newest first."""
    ids = select(Company.id).where(Company.business_no >= bindparam("low"),
                                   Company.business_no.startswith(bindparam("digits")))  # digits: no wildcards
    if bounded:
        ids = ids.where(Company.business_no < bindparam("high"))
    if operator:
        ids = ids.where(Company.operator_id == bindparam("operator_id"))
    ids = _search_filters(ids, Company.submitted_at, Company.id, status, changed_only, paged, limit)
    return (_rows_stmt().where(Company.id.in_(ids.scalar_subquery()))
            .order_by(Company.submitted_at.desc(), Company.id.desc()))


def _escaped(text: str) -> str:
    """A LIKE needle with '/' as the escape character (what `autoescape=True` does to a literal)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _number_range(digits: str) -> tuple[str, str | None]:
    """Bounds of the business numbers starting with `digits` that any B-tree index can serve
    (whatever the collation: digit strings of one length sort as numbers)."""
    if set(digits) == {"9"}:
        return digits, None
    return digits, str(int(digits) + 1).zfill(len(digits))


class ScreeningService:
    def __init__(self, uow: UowFactory, clock: Clock):
        self.uow = uow
        self.clock = clock

    # --- transitions -------------------------------------------------------------------------
    def act(self, actor: Actor, company_id: uuid.UUID, action: ScreeningAction, reason: str | None = None, *,
            expected_status: ScreeningStatus | None = None) -> Done[CompanyView]:
        """Apply one screening action; checks role, jurisdiction, state and reason.

        `expected_status` is the state the user saw when deciding. The GUI always sends it: when
        another desk changed the state meanwhile, the action is refused (Conflict, code
        'changed') instead of being applied to a company the user did not see. Scripts and
        the demo may leave it out; then only the transition table decides.

        Changes: the company; with APPROVE also its voucher (the budget is set).
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
                company = uow.companies.for_actor(actor, company_id, for_update=True)
                before = company.status
                if expected_status is not None and before is not expected_status:
                    raise changed_meanwhile(expected_status, before)
                after = next_status(before, action)
                if after is None:
                    raise InvalidTransition(refusal_message(before, action))
                if action is ScreeningAction.RESUBMIT:
                    self._check_documents_complete(uow, company)
                company.status = after
                company.status_reason = reason
                company.status_changed_at = now
                audit_after = {"status": after.value, "reason": reason}
                if action is ScreeningAction.CONFIRM:
                    company.confirmed_at = now
                    company.changed_after_confirm_at = None
                if action is ScreeningAction.APPROVE:
                    prog = uow.settings.current()
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
                    seq=uow.companies.next_seq(ScreeningEvent, company.id),
                ))
                override = actor.role is Role.AGENCY and action is not ScreeningAction.APPROVE
                uow.audit(actor, f"screening.{action.value.lower()}" + (".override" if override else ""),
                          "company", company.id, before={"status": before.value}, after=audit_after)
                uow.commit()
                changes = Changes.of(Entity.COMPANY, company.id)
                if action is ScreeningAction.APPROVE:
                    changes |= Changes.of(Entity.VOUCHER, company.id)
                return Done(uow.companies.view(company), changes)
        except StaleDataError:
            raise Conflict("다른 사용자가 먼저 이 기업을 처리했습니다. 목록을 새로 고친 뒤 다시 확인해 주세요.",
                           code="changed") from None

    def _check_documents_complete(self, uow: UnitOfWork, company: Company) -> None:
        present = {d.doc_type for d in uow.documents.current(company.id)}
        for doc_type in required_documents(company.company_type, company.issuer_type):
            if doc_type not in present:
                raise ValidationError(f"필수 서류 '{DOC_LABELS[doc_type]}'{particle(DOC_LABELS[doc_type], '을')} 첨부한 뒤 다시 제출해 주세요.",
                                      field=f"doc:{doc_type.value}")

    def confirm(self, actor: Actor, company_id: uuid.UUID, reason: str | None = None, *,
                expected_status: ScreeningStatus | None = None) -> Done[CompanyView]:
        return self.act(actor, company_id, ScreeningAction.CONFIRM, reason, expected_status=expected_status)

    def hold(self, actor: Actor, company_id: uuid.UUID, reason: str, *,
             expected_status: ScreeningStatus | None = None) -> Done[CompanyView]:
        return self.act(actor, company_id, ScreeningAction.HOLD, reason, expected_status=expected_status)

    def reject(self, actor: Actor, company_id: uuid.UUID, reason: str, *,
               expected_status: ScreeningStatus | None = None) -> Done[CompanyView]:
        return self.act(actor, company_id, ScreeningAction.REJECT, reason, expected_status=expected_status)

    def resubmit(self, actor: Actor) -> Done[CompanyView]:
        return self.act(actor, actor.company_id, ScreeningAction.RESUBMIT)

    def approve(self, actor: Actor, company_id: uuid.UUID, *,
                expected_status: ScreeningStatus | None = None) -> Done[CompanyView]:
        return self.act(actor, company_id, ScreeningAction.APPROVE, expected_status=expected_status)

    def approve_many(self, actor: Actor, company_ids: list[uuid.UUID], progress=None, cancelled=None, *,
                     expected: Mapping[uuid.UUID, ScreeningStatus] | None = None) -> Done[BulkResult]:
        """Confirm budgets one company at a time; a failure does not stop the others.

        `expected` maps ids to the state the user saw (the budget page sends it for every row);
        an id without one is checked by the transition table alone (it must be CONFIRMED).
        Changes: the companies approved and their vouchers (none when none was).
        """
        require_role(actor, Role.AGENCY)
        company_ids = clean_uuids(company_ids, "company_ids")
        ok, failed = [], []
        changes = NO_CHANGES
        for i, cid in enumerate(company_ids):
            if cancelled is not None and cancelled():
                break
            try:
                changes |= self.approve(actor, cid, expected_status=(expected or {}).get(cid)).changes
                ok.append(cid)
            except DomainError as exc:
                failed.append((cid, exc.message))
            if progress is not None:
                progress((i + 1) / len(company_ids), f"{i + 1}/{len(company_ids)}")
        return Done(BulkResult(tuple(ok), tuple(failed)), changes)

    def acknowledge_changes(self, actor: Actor, company_id: uuid.UUID) -> Done[CompanyView]:
        """The operator has read the edits made after confirmation: clear the highlight.
        Changes: the company (none when there was no highlight)."""
        require_role(actor, Role.OPERATOR, Role.AGENCY)
        clean_uuid(company_id, "company_id")
        with self.uow() as uow:
            company = uow.companies.for_actor(actor, company_id, for_update=True)
            changes = NO_CHANGES
            if company.changed_after_confirm_at is not None:
                before = company.changed_after_confirm_at.isoformat()
                company.changed_after_confirm_at = None
                uow.audit(actor, "screening.acknowledge_changes", "company", company.id,
                          before={"changed_after_confirm_at": before}, after={"changed_after_confirm_at": None})
                uow.commit()
                changes = Changes.of(Entity.COMPANY, company.id)
            return Done(uow.companies.view(company), changes)

    # --- dashboard ---------------------------------------------------------------------------
    def _scope(self, actor: Actor, stmt):
        if actor.role is Role.OPERATOR:
            return stmt.where(Company.operator_id == actor.operator_id)
        if actor.role is Role.AGENCY:
            return stmt
        raise PermissionDenied("심사 목록을 볼 권한이 없습니다.", code="role")

    def counts(self, actor: Actor, year: int | None = None) -> dict[ScreeningStatus, int]:
        """Number of companies of programme year `year` (default: the current one) per state in the
        actor's jurisdiction."""
        if actor.role not in (Role.OPERATOR, Role.AGENCY):
            self._scope(actor, None)  # refuses other roles
        year = clean_year(year)
        operator = actor.role is Role.OPERATOR
        with self.uow() as uow:
            params = {"year": year or current_year(uow.connection)}
            if operator:
                params["operator_id"] = actor.operator_id
            found = dict(read_tuples(uow.connection, _counts_stmt(operator), params))
            return {st: int(found.get(st, 0)) for st in ScreeningStatus}

    def list_companies(
        self,
        actor: Actor,
        *,
        status: ScreeningStatus | None = None,
        query: str = "",
        changed_only: bool = False,
        cursor: TimeCursor | None = None,
        limit: int = PAGE_SIZE,
        year: int | None = None,
    ) -> Page[CompanyRow, TimeCursor]:
        """One page of the dashboard, newest submission first (keyset on submitted_at, id), of the
        companies of programme year `year` (default: the current one).

        A query matches a name containing it (any case) or, for three or more digits, a business
        number starting with them. Names are found through `company_name_grams` (the gram of the
        query with the fewest entries, walked newest first), numbers through their index; the
        rows are read as rows straight into CompanyRow (docs/decisions.md, "Company search")."""
        # the search box: SEARCH_LIMIT characters at most, checked before the store is asked
        query = clean_search(query)
        status = None if status is None else clean_enum(status, ScreeningStatus, "status", "심사 상태")
        cursor = clean_cursor(cursor, datetime, uuid.UUID)
        limit = clean_page_size(limit, MAX_PAGE_SIZE)
        if actor.role not in (Role.OPERATOR, Role.AGENCY):
            self._scope(actor, None)  # refuses other roles before the store is asked
        operator_id = actor.operator_id if actor.role is Role.OPERATOR else None
        year = clean_year(year)

        q = query.strip()
        with self.uow() as uow:
            conn = uow.connection
            year = year or current_year(uow.connection)
            if not q:  # a statement built once per shape, the values bound (repositories/rows.prepared)
                params = {"operator_id": operator_id, "status": status, "year": year}
                if cursor is not None:
                    params["after_at"], params["after_id"] = cursor
                stmt = _page_stmt(operator_id is not None, status is not None, bool(changed_only), cursor is not None,
                                  limit)
                rows = read_into(CompanyRow, conn, stmt, params)  # CompanyRows already
            else:
                rows = ()
                # the shapes built once, the values bound (repositories/rows.prepared)
                shape = (operator_id is not None, status is not None, bool(changed_only), cursor is not None, limit)
                params = {"operator_id": operator_id, "status": status, "year": year}
                if cursor is not None:
                    params["after_at"], params["after_id"] = cursor
                gram = uow.company_names.driving_gram(query_grams(q), operator_id)
                if gram is not None:
                    contains = len(q.lower()) > 2  # its pairs narrow, the name decides; a shorter query is its gram
                    rows = read_into(CompanyRow, conn, _name_stmt(*shape, contains),
                                     dict(params, gram=gram, needle=_escaped(q)))
                digits = digits_only(q)  # full-width digits count (NFKC), other scripts' digits do not
                if len(digits) >= 3 and len(digits) == len(number_text(q).replace("-", "").replace(" ", "")):
                    if len(digits) == 3:  # one tax office, thousands: the page straight from the 3-digit index
                        numbers = read_into(CompanyRow, conn, _prefix_stmt(*shape), dict(params, prefix=digits))
                    else:  # a few hundred numbers at most: their ids from the range index, sorted
                        low, high = _number_range(digits)
                        numbers = read_into(CompanyRow, conn, _range_stmt(*shape, high is not None),
                                            dict(params, low=low, high=high, digits=digits))
                    if rows:  # names and numbers merged in the page's order
                        seen = {r.id for r in rows}
                        rows = tuple(sorted((*rows, *(r for r in numbers if r.id not in seen)),
                                            key=lambda r: (r.submitted_at, r.id), reverse=True))
                    else:
                        rows = numbers
            more = len(rows) > limit
            page = rows[:limit]  # CompanyRows already
            next_cursor = (page[-1].submitted_at, page[-1].id) if more else None
            return Page(page, next_cursor)
