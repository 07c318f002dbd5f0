"""서비스 정산 / 만족도 (SPEC §5.5): the evaluations of paid deals, their tabs and their one submit.

A payment that succeeds opens its deal's PENDING evaluation (평가대기) in its own transaction, and
a cancellation withdraws it while it is pending (services/repositories/evaluations.py). The
demand company that paid scores it once on five criteria, 1–5 each, with an optional comment:
then it is DONE (평가완료) and final — the service refuses a second submit, and the store's
triggers refuse any UPDATE or DELETE of a DONE row, whoever asks. Saving it adds its mean to the
service's rating in the same transaction, so the catalog and the detail page show the mean of
the completed evaluations with their count.

Who sees what: the demand company its own (both tabs), the supplier the DONE evaluations it
received, the agency all of them, an operator none.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.exc import DBAPIError

from ..enums import EvaluationStatus, Role
from ..models import Company, Evaluation, Payment, Service, Supplier, User
from .changes import Changes, Done, Entity
from .clock import Clock
from .dto import Actor, EvaluationAverage, EvaluationView, Page, TimeCursor, builder
from .errors import InvalidTransition, NotFound, PermissionDenied
from .repositories.rows import fast, prepared, read_tuples
from .rules import evaluations as rules
from .rules.inputs import clean_cursor, clean_enum, clean_optional, clean_page_size, clean_uuid
from .uow import UnitOfWork, UowFactory

E = EvaluationStatus
PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000

_COLUMNS = (Evaluation.id, Evaluation.deal_id, Evaluation.payment_id, Evaluation.company_id, Company.name,
            Evaluation.supplier_id, Supplier.name, Evaluation.service_id, Service.name, Payment.amount,
            Payment.approved_at, Evaluation.status, Evaluation.quality, Evaluation.timeliness,
            Evaluation.communication, Evaluation.price, Evaluation.overall, Evaluation.comment,
            Evaluation.created_at, Evaluation.evaluated_at, User.display_name)


def _rows():
    return (select(*(fast(c) for c in _COLUMNS))
            .join(Company, Company.id == Evaluation.company_id)
            .join(Supplier, Supplier.id == Evaluation.supplier_id)
            .join(Service, Service.id == Evaluation.service_id)
            .join(Payment, Payment.id == Evaluation.payment_id)
            .outerjoin(User, User.id == Evaluation.evaluated_by))


def _sort_column(status: EvaluationStatus):
    """평가대기 newest payment first, 평가완료 newest evaluation first."""
    return Evaluation.created_at if status is E.PENDING else Evaluation.evaluated_at


def _owned(stmt, owner: str | None):
    if owner is not None:
        stmt = stmt.where(getattr(Evaluation, owner) == bindparam("owner", type_=Evaluation.company_id.type))
    return stmt


@prepared
def _list_stmt(owner: str | None, status: EvaluationStatus, paged: bool, limit: int):
    at = _sort_column(status)
    stmt = _owned(_rows(), owner).where(Evaluation.status == bindparam("status", type_=Evaluation.status.type))
    if paged:
        stmt = stmt.where(tuple_(at, Evaluation.id) < tuple_(bindparam("after_at", type_=at.type),
                                                              bindparam("after_id", type_=Evaluation.id.type)))
    return stmt.order_by(at.desc(), Evaluation.id.desc()).limit(limit + 1)


@prepared
def _counts_stmt(owner: str | None):
    return _owned(select(fast(Evaluation.status), func.count()), owner).group_by(Evaluation.status)


@prepared
def _average_stmt(owner: str | None):
    """The DONE evaluations' count and the sum of their five scores (a mean ×100 is that sum × 20)."""
    e = Evaluation
    return _owned(select(func.count(), func.coalesce(func.sum(e.quality + e.timeliness + e.communication + e.price
                                                                + e.overall), 0)), owner) \
        .where(e.status == bindparam("status", type_=e.status.type))


@prepared
def _one_stmt():
    return _rows().where(Evaluation.id == bindparam("evaluation_id", type_=Evaluation.id.type))


_VIEW = builder(EvaluationView)


def submit_refusal(actor: Actor | None, company_id: uuid.UUID, status: EvaluationStatus) -> str | None:
    """Why `actor` may not submit this evaluation (SPEC §3: own paid deals, once), or None."""
    if actor is None or actor.role is not Role.DEMAND:
        return rules.ONLY_BUYER
    if actor.company_id != company_id:
        return "다른 기업의 거래는 평가할 수 없습니다."
    if status is E.DONE:
        return rules.ALREADY_DONE
    return None


def evaluation_views(rows, actor: Actor | None) -> tuple[EvaluationView, ...]:
    labels, mean = rules.STATUS_LABELS, rules.average
    out = []
    for (eid, deal_id, payment_id, company_id, company_name, supplier_id, supplier_name, service_id, service_name,
         amount, paid_at, status, quality, timeliness, communication, price, overall, comment, created_at,
         evaluated_at, evaluated_by_name) in rows:
        scores = (quality, timeliness, communication, price, overall)
        out.append(_VIEW((
            eid, deal_id, payment_id, company_id, company_name, supplier_id, supplier_name, service_id, service_name,
            amount, paid_at, status, labels[status], quality, timeliness, communication, price, overall,
            mean(scores) if status is E.DONE else None, comment, created_at, evaluated_at, evaluated_by_name,
            submit_refusal(actor, company_id, status))))
    return tuple(out)


def _visible(actor: Actor, company_id: uuid.UUID, supplier_id: uuid.UUID, status: EvaluationStatus) -> bool:
    if actor.role is Role.AGENCY:
        return True
    if actor.role is Role.DEMAND:
        return company_id == actor.company_id
    return actor.role is Role.SUPPLIER and supplier_id == actor.supplier_id and status is E.DONE


class EvaluationService:
    def __init__(self, uow: UowFactory, clock: Clock):
        self.uow = uow
        self.clock = clock

    # --- reads -------------------------------------------------------------------------------
    @staticmethod
    def _scope(actor: Actor) -> tuple[str | None, dict]:
        """(the owner column of the actor's side, its bound value)."""
        if actor.role is Role.DEMAND:
            return "company_id", {"owner": actor.company_id}
        if actor.role is Role.SUPPLIER:
            return "supplier_id", {"owner": actor.supplier_id}
        if actor.role is Role.AGENCY:
            return None, {}
        raise PermissionDenied("평가 내역은 수요기업, 공급기업과 전문기관만 볼 수 있습니다.", code="role")

    @staticmethod
    def _tabs(actor: Actor) -> tuple[EvaluationStatus, ...]:
        """The tabs the actor has: the supplier only 평가완료 (its evaluations received)."""
        if actor.role is Role.SUPPLIER:
            return (E.DONE,)
        if actor.role in (Role.DEMAND, Role.AGENCY):
            return (E.PENDING, E.DONE)
        return ()

    def counts(self, actor: Actor) -> dict[EvaluationStatus, int]:
        """Evaluations per tab the actor has: the buyer and the agency 평가대기 and 평가완료, the
        supplier 평가완료 only."""
        owner, params = self._scope(actor)
        with self.uow() as uow:
            rows = read_tuples(uow.connection, _counts_stmt(owner), params)
        by_status = dict(rows)
        return {status: by_status.get(status, 0) for status in self._tabs(actor)}

    def average(self, actor: Actor) -> EvaluationAverage:
        """The completed evaluations on the actor's side (the buyer's given, the supplier's
        received, the agency's every one): their count and mean, as the catalog computes a rating."""
        owner, params = self._scope(actor)
        with self.uow() as uow:
            count, total = read_tuples(uow.connection, _average_stmt(owner), dict(params, status=E.DONE))[0]
        return EvaluationAverage(int(count), rules.rating(int(total) * 100 // len(rules.FIELDS), int(count)))

    def list_tab(self, actor: Actor, status: EvaluationStatus, cursor: TimeCursor | None = None,
                 limit: int = PAGE_SIZE) -> Page[EvaluationView, TimeCursor]:
        """One tab, newest first (평가대기 by payment, 평가완료 by evaluation); keyset paging on
        (that time, id)."""
        owner, params = self._scope(actor)
        status = clean_enum(status, EvaluationStatus, "status", "탭")
        if status not in self._tabs(actor):
            raise PermissionDenied("공급기업은 수요기업이 평가를 마친 건만 볼 수 있습니다.", code="pending_hidden")
        cursor = clean_cursor(cursor, datetime, uuid.UUID)
        limit = clean_page_size(limit, MAX_PAGE_SIZE)
        params["status"] = status
        if cursor is not None:
            params["after_at"], params["after_id"] = cursor
        with self.uow() as uow:
            rows = read_tuples(uow.connection, _list_stmt(owner, status, cursor is not None, limit), params)
        out = evaluation_views(rows[:limit], actor)
        more = len(rows) > limit
        last = out[-1] if out else None
        key = None if last is None else (last.created_at if status is E.PENDING else last.evaluated_at, last.id)
        return Page(out, key if more else None)

    def _view(self, uow: UnitOfWork, evaluation_id: uuid.UUID, actor: Actor) -> EvaluationView:
        rows = read_tuples(uow.connection, _one_stmt(), {"evaluation_id": evaluation_id})
        if not rows:
            raise NotFound(rules.GONE)
        (view,) = evaluation_views(rows, actor)
        return view

    def get(self, actor: Actor, evaluation_id: uuid.UUID) -> EvaluationView:
        """One evaluation with each criterion, as the actor may see it."""
        clean_uuid(evaluation_id, "evaluation_id")
        self._scope(actor)
        with self.uow() as uow:
            view = self._view(uow, evaluation_id, actor)
        if not _visible(actor, view.company_id, view.supplier_id, view.status):
            raise PermissionDenied("다른 기업의 평가는 볼 수 없습니다.", code="not_own")
        return view

    # --- submitting --------------------------------------------------------------------------
    def submit(self, actor: Actor, evaluation_id: uuid.UUID, scores: Mapping[str, int | str],
               comment: str | None = None) -> Done[EvaluationView]:
        """평가하기: the five scores (1–5 each, by field name of `rules.evaluations.CRITERIA`; text
        digits are NFKC-normalised) and an optional comment, by the demand company of the deal,
        once. The service's rating takes the evaluation's mean in the same transaction.
        Changes: EVALUATION {id}, SERVICE {its service}."""
        clean_uuid(evaluation_id, "evaluation_id")
        if actor.role is not Role.DEMAND:
            raise PermissionDenied(rules.ONLY_BUYER, code="role")
        cleaned = rules.clean_scores(scores)
        comment = clean_optional(comment, "evaluation.comment", field="comment")
        now = self.clock.now()
        with self.uow() as uow:
            ev = uow.evaluations.for_update(evaluation_id)  # PostgreSQL: a second desk waits here
            if ev is None:
                raise NotFound(rules.GONE)
            refusal = submit_refusal(actor, ev.company_id, ev.status)
            if refusal is not None:
                if ev.status is E.DONE and actor.company_id == ev.company_id:
                    raise InvalidTransition(refusal, code="evaluated")
                raise PermissionDenied(refusal, code="not_own")
            service_id = ev.service_id
            try:
                saved = uow.evaluations.complete(ev.id, cleaned, comment, actor.user_id, now)
            except DBAPIError as exc:  # the store's trigger: it became DONE under us
                if "저장된 평가" not in str(exc.orig):
                    raise
                saved = False
            if not saved:
                raise InvalidTransition(rules.ALREADY_DONE, code="evaluated")
            points = rules.rating_points(cleaned[f] for f in rules.FIELDS)
            uow.evaluations.add_rating(service_id, points)
            uow.audit(actor, "evaluation.submit", "evaluation", evaluation_id,
                      before={"status": E.PENDING.value},
                      after={"status": E.DONE.value, **cleaned, "comment": comment, "rating_points": points})
            uow.commit()
            view = self._view(uow, evaluation_id, actor)
        return Done(view, Changes.of(Entity.EVALUATION, evaluation_id) | Changes.of(Entity.SERVICE, service_id))
