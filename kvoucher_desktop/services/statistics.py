"""Programme-wide statistics (SPEC §6, AGENCY; docs/services.md, "Statistics").

Each statistic of a programme year (default: the current one) is one aggregate SQL statement whose
rows go straight into frozen DTOs (repositories/rows.read_into): companies per screening state per
operating agency, the budget (approved, spent, in progress, remaining, abandoned), succeeded
payments per KST day and per category, and the catalog's ratings per supplier and per service.

The agency sees everything; an operator sees the screening counts of its own jurisdiction (the
same numbers its dashboard's chips show) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, bindparam, case, func, literal_column, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..enums import AbandonmentStatus, PaymentStatus, Role, ScreeningStatus
from ..models import AbandonmentRequest, Category, Company, Deal, OperatingAgency, Payment, Service, Supplier
from .clock import Clock, kst_date, kst_midnight_utc
from .dto import Actor
from .errors import PermissionDenied, ValidationError
from .exports import Column, ColumnKind, Table
from .guards import require_role
from .repositories.rows import fast, read_into, report
from .repositories.settings import current_year
from .rules.inputs import clean_date, clean_year
from .rules.screening import STATUS_LABELS
from .uow import UowFactory

S, P = ScreeningStatus, PaymentStatus
#: the order of the states in rows and tables (the dashboard chips' order)
STATES = (S.REVIEWING, S.ON_HOLD, S.CONFIRMED, S.APPROVED, S.REJECTED)
#: the longest period the per-day statistic takes (a programme year and a bit)
MAX_PERIOD_DAYS = 400


# --- DTOs ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OperatorScreeningRow:
    """Companies of one operating agency per screening state."""
    operator_name: str
    region: str
    reviewing: int
    on_hold: int
    confirmed: int
    approved: int
    rejected: int
    total: int

    def count(self, status: ScreeningStatus) -> int:
        return getattr(self, status.value.lower())


@dataclass(frozen=True)
class BudgetStats:
    """The year's budget: approved (as approved, before abandonments) = spent + in progress +
    remaining + abandoned, all in KRW."""
    approved_companies: int
    approved: int
    approved_government: int
    spent: int
    spent_government: int
    in_progress: int
    remaining: int
    abandoned_companies: int
    abandoned: int


@dataclass(frozen=True)
class DailyPaymentRow:
    """Succeeded payments approved on one KST day."""
    day: date
    count: int
    amount: int
    government_share: int


def every_day(rows, start: date, end: date) -> tuple[DailyPaymentRow, ...]:
    """`payments_by_day`'s rows with the days between `start` and `end` that had no payment as
    zeros, in day order: a chart's axis where a quiet day shows as a gap, not as a missing day."""
    by_day = {r.day: r for r in rows}
    return tuple(by_day.get(start + timedelta(days=i)) or DailyPaymentRow(start + timedelta(days=i), 0, 0, 0)
                 for i in range((end - start).days + 1))


@dataclass(frozen=True)
class CategoryPaymentRow:
    """Succeeded payments of one category's services (every category, none paid: zeros)."""
    code: str
    name: str
    count: int
    amount: int
    government_share: int


@dataclass(frozen=True)
class SupplierRatingRow:
    supplier_name: str
    services: int
    rating_count: int
    rating_points: int

    @property
    def average(self) -> float:
        """The mean of its completed evaluations (1–5), as the catalog's scale gives it."""
        return self.rating_points / self.rating_count / 100


@dataclass(frozen=True)
class ServiceRatingRow:
    service_name: str
    supplier_name: str
    category_name: str
    rating_count: int
    rating_points: int

    @property
    def average(self) -> float:
        return self.rating_points / self.rating_count / 100


# --- SQL -------------------------------------------------------------------------------------------
class kst_day(FunctionElement):
    """The KST calendar day of a stored UTC time (KST has no summer time: UTC + 9 hours)."""
    type = Date()
    inherit_cache = True


@compiles(kst_day)
def _kst_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+9 hours')"


@compiles(kst_day, "postgresql")
def _kst_day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) + INTERVAL '9 hours' AS DATE)"


def _sum(expr):
    return func.coalesce(func.sum(expr), 0)


def _year():
    return Company.programme_year == bindparam("year")


@report
def screening_stmt(operator: bool):
    """Companies of `year` per operating agency and state (`operator_id`: one jurisdiction); every
    active agency appears, an inactive one only with companies. The year's companies are counted
    per (agency, state) from the index of migration 0009 alone, then pivoted per agency."""
    OA = OperatingAgency
    per = select(Company.operator_id, Company.status, func.count().label("n")).where(_year())
    if operator:
        per = per.where(Company.operator_id == bindparam("operator_id"))
    per = per.group_by(Company.operator_id, Company.status).subquery()
    counts = [_sum(case((per.c.status == st, per.c.n), else_=0)) for st in STATES]
    stmt = (select(OA.name, OA.region, *counts, _sum(per.c.n))
            .select_from(OA).outerjoin(per, per.c.operator_id == OA.id)
            .group_by(OA.id, OA.name, OA.region, OA.active)
            .having(OA.active.is_(True) | (_sum(per.c.n) > 0))
            .order_by(OA.name))
    return stmt.where(OA.id == bindparam("operator_id")) if operator else stmt


@report
def budget_stmt():
    """The year's budget in one statement: the approved companies' budgets, their payments and their
    confirmed abandonments, each aggregated once and joined (one row each)."""
    approved = (select(func.count(Company.id).label("n"), _sum(Company.budget_total).label("total"),
                       _sum(Company.budget_government).label("gov"),
                       func.count(Company.budget_abandoned_at).label("n_abandoned"),
                       _sum(case((Company.budget_abandoned_at.is_(None), Company.budget_total), else_=0)).label("open"))
                .where(_year(), Company.approved_at.is_not(None)).subquery())
    # the payments summed per company first (from the payments index of 0009 alone), then the sums of
    # the year's companies (their year and abandonment from the company index of 0009). An outer join
    # with the year in its condition: SQLite then looks each company up in that index; an inner join
    # with the year in WHERE let it walk the year's companies and read every row (2.6× the time)
    per = (select(Payment.company_id.label("company_id"),
                  _sum(case((Payment.status == P.SUCCEEDED, Payment.amount), else_=0)).label("spent"),
                  _sum(case((Payment.status == P.SUCCEEDED, Payment.government_share), else_=0)).label("gov"),
                  _sum(case((Payment.status == P.IN_PROGRESS, Payment.amount), else_=0)).label("held"))
           .where(Payment.status.in_((P.SUCCEEDED, P.IN_PROGRESS))).group_by(Payment.company_id).subquery())
    of_year = Company.id.is_not(None)  # the outer join found the payer among the year's companies
    is_open = of_year & Company.budget_abandoned_at.is_(None)
    paid = (select(_sum(case((of_year, per.c.spent), else_=0)).label("spent"),
                   _sum(case((of_year, per.c.gov), else_=0)).label("spent_gov"),
                   _sum(case((is_open, per.c.spent), else_=0)).label("spent_open"),
                   _sum(case((is_open, per.c.held), else_=0)).label("held"))
            .select_from(per).outerjoin(Company, (Company.id == per.c.company_id) & _year()).subquery())
    r = AbandonmentRequest
    given_up = (select(_sum(r.budget_before - r.budget_after).label("abandoned"))
                .select_from(r).join(Company, Company.id == r.company_id)
                .where(_year(), r.status == AbandonmentStatus.CONFIRMED).subquery())
    return (select(approved.c.n, approved.c.total, approved.c.gov, approved.c.n_abandoned, approved.c.open,
                   paid.c.spent, paid.c.spent_gov, paid.c.spent_open, paid.c.held, given_up.c.abandoned)
            .select_from(approved).join(paid, true()).join(given_up, true()))


def _succeeded_in(stmt, start: bool, end: bool):
    return _in_period(stmt.where(_year(), Payment.status == P.SUCCEEDED), start, end)


def _in_period(stmt, start: bool, end: bool):
    if start:
        stmt = stmt.where(Payment.approved_at >= bindparam("first", type_=Payment.approved_at.type))
    if end:
        stmt = stmt.where(Payment.approved_at < bindparam("after", type_=Payment.approved_at.type))
    return stmt


@report
def daily_stmt(start: bool, end: bool):
    """Succeeded payments of `year`'s companies per KST day of approval (`first`/`after`: UTC bounds):
    the period's payments from the payments index of 0009 alone, each joined to its company's year
    (the company index of 0009), summed per day. `count(*)`, not `count(payments.id)`: the id is not
    in that index, and counting it read every payment's row (SQLite) or heap page (PostgreSQL)."""
    day = kst_day(Payment.approved_at)
    stmt = (select(day, func.count(), func.sum(Payment.amount), func.sum(Payment.government_share))
            .select_from(Payment).join(Company, Company.id == Payment.company_id))
    return _succeeded_in(stmt, start, end).group_by(day).order_by(day)


@report
def category_stmt(start: bool, end: bool):
    """Succeeded payments of `year`'s companies per category of the paid service; every category.
    Each payment from the payments index of 0009 with its company's year and its deal's service from
    their indexes of 0009 (`count(*)`, as per day: nothing reads a payment's row)."""
    per = (select(Service.category_code.label("code"), func.count().label("n"),
                  func.sum(Payment.amount).label("amount"), func.sum(Payment.government_share).label("gov"))
           .select_from(Payment).join(Company, Company.id == Payment.company_id)
           .join(Deal, Deal.id == Payment.deal_id).join(Service, Service.id == Deal.service_id))
    per = _succeeded_in(per, start, end).group_by(Service.category_code).subquery()
    return (select(Category.code, Category.name, func.coalesce(per.c.n, 0), func.coalesce(per.c.amount, 0),
                   func.coalesce(per.c.gov, 0))
            .select_from(Category).outerjoin(per, per.c.code == Category.code)
            .order_by(Category.sort_order, Category.code))


@report
def supplier_ratings_stmt():
    """Suppliers with rated services: services, evaluations and points, best mean first."""
    n, points = func.sum(Service.rating_count), func.sum(Service.rating_points)
    return (select(Supplier.name, func.count(Service.id), n, points)
            .select_from(Supplier).join(Service, Service.supplier_id == Supplier.id)
            .where(Service.rating_count > 0)
            .group_by(Supplier.id, Supplier.name)
            .order_by((points * literal_column("1.0") / n).desc(), n.desc(), Supplier.name))


@report
def service_ratings_stmt():
    """Rated services, best mean first (ties: more evaluations first)."""
    mean = Service.rating_points * literal_column("1.0") / Service.rating_count
    return (select(Service.name, Supplier.name, Category.name, Service.rating_count, Service.rating_points)
            .select_from(Service).join(Supplier, Supplier.id == Service.supplier_id)
            .join(Category, Category.code == Service.category_code)
            .where(Service.rating_count > 0)
            .order_by(mean.desc(), Service.rating_count.desc(), Service.name, fast(Service.id)))


# --- the service -----------------------------------------------------------------------------------
class StatisticsService:
    def __init__(self, uow: UowFactory, clock: Clock):
        self.uow = uow
        self.clock = clock

    def _year(self, uow, year: int | None) -> int:
        return year or current_year(uow.connection)

    def screening(self, actor: Actor, year: int | None = None) -> tuple[OperatorScreeningRow, ...]:
        """Companies of the year per operating agency and screening state (an operator: its own)."""
        require_role(actor, Role.AGENCY, Role.OPERATOR)
        year = clean_year(year)
        operator = actor.role is Role.OPERATOR
        with self.uow() as uow:
            params = {"year": self._year(uow, year)}
            if operator:
                params["operator_id"] = actor.operator_id
            return read_into(OperatorScreeningRow, uow.connection, screening_stmt(operator), params)

    def budget(self, actor: Actor, year: int | None = None) -> BudgetStats:
        """The year's budget: approved (as approved) = spent + in progress + remaining + abandoned."""
        self._agency(actor)
        year = clean_year(year)
        with self.uow() as uow:
            (row,) = read_into(tuple, uow.connection, budget_stmt(), {"year": self._year(uow, year)})
        n, total, gov, n_abandoned, open_total, spent, spent_gov, spent_open, held, abandoned = (int(v) for v in row)
        return BudgetStats(approved_companies=n, approved=total + abandoned, approved_government=gov,
                           spent=spent, spent_government=spent_gov, in_progress=held,
                           remaining=open_total - spent_open - held, abandoned_companies=n_abandoned,
                           abandoned=abandoned)

    def payments_by_day(self, actor: Actor, year: int | None = None, start: date | None = None,
                        end: date | None = None) -> tuple[DailyPaymentRow, ...]:
        """Succeeded payments per KST day of approval, both ends of the period included (default: the
        last 30 days up to today); days without payments are left out."""
        self._agency(actor)
        year = clean_year(year)
        first, after = self._period(start, end, default_days=30)
        with self.uow() as uow:
            rows = read_into(tuple, uow.connection, daily_stmt(True, True),
                             {"year": self._year(uow, year), "first": first, "after": after})
        return tuple(DailyPaymentRow(_as_date(d), int(n), int(a), int(g)) for d, n, a, g in rows)

    def payments_by_category(self, actor: Actor, year: int | None = None, start: date | None = None,
                             end: date | None = None) -> tuple[CategoryPaymentRow, ...]:
        """Succeeded payments per category of the paid service (the whole year when no period)."""
        self._agency(actor)
        year = clean_year(year)
        first, after = self._period(start, end) if start or end else (None, None)
        with self.uow() as uow:
            params = {"year": self._year(uow, year), "first": first, "after": after}
            return read_into(CategoryPaymentRow, uow.connection,
                             category_stmt(first is not None, after is not None), params)

    def supplier_ratings(self, actor: Actor) -> tuple[SupplierRatingRow, ...]:
        """Suppliers' mean evaluation over their rated services (every year: ratings stay with a service)."""
        self._agency(actor)
        with self.uow() as uow:
            return read_into(SupplierRatingRow, uow.connection, supplier_ratings_stmt())

    def service_ratings(self, actor: Actor) -> tuple[ServiceRatingRow, ...]:
        self._agency(actor)
        with self.uow() as uow:
            return read_into(ServiceRatingRow, uow.connection, service_ratings_stmt())

    # --- helpers -----------------------------------------------------------------------------------
    @staticmethod
    def _agency(actor: Actor) -> None:
        if actor.role is Role.OPERATOR:
            raise PermissionDenied("운영기관은 관할 기업의 심사 현황만 볼 수 있습니다.", code="role")
        require_role(actor, Role.AGENCY)

    def _period(self, start, end, default_days: int = 30) -> tuple[datetime, datetime]:
        """A period of KST days as UTC bounds [start 00:00 KST, the day after end 00:00 KST)."""
        today = kst_date(self.clock.now())
        end = clean_date(end, "end", "종료일") if end is not None else today
        start = clean_date(start, "start", "시작일") if start is not None else end - timedelta(days=default_days - 1)
        if end < start:
            raise ValidationError("종료일이 시작일보다 앞섭니다.", field="end")
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise ValidationError(f"기간은 {MAX_PERIOD_DAYS}일 이내로 정해 주세요.", field="start")
        return kst_midnight_utc(start), kst_midnight_utc(end + timedelta(days=1))


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


# --- tables for export (and the page's tables) -----------------------------------------------------
C, K, W = Column, ColumnKind.KRW, ColumnKind.COUNT


def screening_table(rows, year: int) -> Table:
    columns = (C("운영기관", width=24), C("지역", width=8), *(C(STATUS_LABELS[st], W, 10) for st in STATES),
               C("합계", W, 10))
    body = tuple((r.operator_name, r.region, *(r.count(st) for st in STATES), r.total) for r in rows)
    totals = ("합계", "", *(sum(r.count(st) for r in rows) for st in STATES), sum(r.total for r in rows))
    return Table(f"{year}년 심사 현황", columns, body, (totals,))


def budget_table(b: BudgetStats, year: int) -> Table:
    items = (("승인 기업 수", b.approved_companies, W), ("승인 예산", b.approved, K),
             ("정부지원금(현재 예산 기준)", b.approved_government, K), ("집행액", b.spent, K),
             ("집행액 중 정부지원금", b.spent_government, K), ("결제 진행 중", b.in_progress, K),
             ("잔액", b.remaining, K), ("예산포기 기업 수", b.abandoned_companies, W), ("포기 금액", b.abandoned, K))
    # one column per kind, so each cell keeps its format
    columns = (C("항목", width=28), C("금액", K, 20), C("기업 수", W, 12))
    body = tuple((label, v if kind is K else None, v if kind is W else None) for label, v, kind in items)
    return Table(f"{year}년 예산 현황", columns, body)


def _payment_columns(first: Column) -> tuple[Column, ...]:
    return (first, C("건수", W, 10), C("결제금액", K, 18), C("정부지원금", K, 18))


def daily_table(rows, year: int) -> Table:
    body = tuple((r.day, r.count, r.amount, r.government_share) for r in rows)
    totals = ("합계", sum(r.count for r in rows), sum(r.amount for r in rows), sum(r.government_share for r in rows))
    return Table(f"{year}년 일별 결제", _payment_columns(C("결제일", ColumnKind.DATE, 14)), body, (totals,))


def category_table(rows, year: int) -> Table:
    body = tuple((r.name, r.count, r.amount, r.government_share) for r in rows)
    totals = ("합계", sum(r.count for r in rows), sum(r.amount for r in rows), sum(r.government_share for r in rows))
    return Table(f"{year}년 분야별 결제", _payment_columns(C("분야", width=28)), body, (totals,))


def supplier_ratings_table(rows) -> Table:
    columns = (C("공급기업", width=30), C("평가 서비스 수", W, 14), C("평가 수", W, 10),
               C("평균 점수", ColumnKind.SCORE, 10))
    return Table("공급기업별 만족도", columns,
                 tuple((r.supplier_name, r.services, r.rating_count, r.average) for r in rows))


def service_ratings_table(rows) -> Table:
    columns = (C("서비스", width=40), C("공급기업", width=26), C("분야", width=22), C("평가 수", W, 10),
               C("평균 점수", ColumnKind.SCORE, 10))
    return Table("서비스별 만족도", columns,
                 tuple((r.service_name, r.supplier_name, r.category_name, r.rating_count, r.average)
                       for r in rows))
