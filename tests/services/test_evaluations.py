"""Evaluations (SPEC §5.5) through the services, on SQLite and PostgreSQL: a payment that succeeds
opens its pending evaluation, a cancellation withdraws it, the buyer submits once, nobody else
can, the inputs' limits, the service's rating, and the store refusing to change a saved one."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from kvoucher_desktop.enums import DealState, EvaluationStatus, PaymentStatus
from kvoucher_desktop.models import Evaluation
from kvoucher_desktop.services.changes import Entity
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from kvoucher_desktop.services.rules import evaluations as rules
from kvoucher_desktop.services.rules import payments as payment_rules

from tests.factories import approved_buyer, audit_actions, make_agency, make_operator, make_supplier_account
from tests.services.test_payments import Desk, key

E = EvaluationStatus
GOOD = {"quality": 5, "timeliness": 4, "communication": 5, "price": 3, "overall": 4}  # mean 4.2


def pending_of(services, desk):
    return services.evaluations.list_tab(desk.buyer, E.PENDING).rows


def paid_evaluation(desk, amount: int = 1_100_000):
    deal = desk.deal(amount)
    p = desk.pay_card(deal)
    assert p.status is PaymentStatus.SUCCEEDED
    (ev,) = [e for e in pending_of(desk.services, desk) if e.deal_id == deal.id]
    return deal, p, ev


def raw(services, sql: str, **params):
    with services.engine.begin() as conn:
        return conn.execute(text(sql), params)


def db_id(services, value: uuid.UUID):
    return value if services.engine.dialect.name == "postgresql" else value.hex


# --- creation and removal --------------------------------------------------------------------------
def test_a_successful_payment_opens_one_pending_evaluation(services, clock):
    desk = Desk(services, clock)
    deal = desk.deal()
    (attempt,) = desk.start(deal)
    assert pending_of(services, desk) == ()  # not while the payment is in progress
    services.payments.send_card(desk.buyer, attempt.id, desk.card.number, desk.card.expiry)
    p = services.payments.confirm_code(desk.buyer, attempt.id, desk.code()).value
    (ev,) = pending_of(services, desk)
    assert (ev.deal_id, ev.payment_id, ev.company_id, ev.supplier_id) == (deal.id, p.id, desk.company_id,
                                                                          desk.supplier.supplier_id)
    assert ev.status is E.PENDING and ev.status_label == "평가대기" and ev.average is None
    assert ev.service_id == deal.service_id and ev.amount == p.amount and ev.submit_refusal is None
    assert services.evaluations.counts(desk.buyer) == {E.PENDING: 1, E.DONE: 0}
    assert "evaluation.open" in audit_actions(services, ev.id)


def test_a_failed_payment_opens_none(services, clock):
    desk = Desk(services, clock)
    (p,) = desk.start(desk.deal())
    services.cards.faults.decline()
    assert services.payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry).value.status \
        is PaymentStatus.FAILED
    assert pending_of(services, desk) == ()


def test_the_reconciler_opens_it_for_an_approval_whose_answer_was_lost(services, clock):
    desk = Desk(services, clock)
    deal = desk.deal()
    (p,) = desk.start(deal)
    services.payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry)
    services.cards.confirm(p.attempt_key, desk.code())  # the issuer's side only: the desk died
    assert pending_of(services, desk) == ()
    clock.advance(seconds=payment_rules.RECONCILE_AFTER.total_seconds())
    assert services.payments.reconcile().value == 1
    (ev,) = pending_of(services, desk)
    assert ev.deal_id == deal.id and ev.payment_id == p.id


def test_a_cancellation_withdraws_the_pending_one_and_a_new_deal_gets_its_own(services, clock):
    desk = Desk(services, clock)
    deal, p, ev = paid_evaluation(desk)
    done = services.payments.cancel(desk.buyer, p.id, key())
    assert done.value.status is PaymentStatus.CANCELLED
    assert pending_of(services, desk) == ()
    with pytest.raises(NotFound):
        services.evaluations.submit(desk.buyer, ev.id, GOOD)
    # the service again, a new deal paid: a new pending evaluation
    again = services.deals.request(desk.buyer, deal.service_id, "다시 상담합니다.").value
    services.deals.accept(desk.supplier, again.id)
    services.deals.request_payment(desk.supplier, again.id, 1_100_000)
    desk.pay_card(again)
    (new,) = pending_of(services, desk)
    assert new.deal_id == again.id and new.id != ev.id


def test_a_saved_evaluation_stays_and_keeps_counting_after_its_payment_is_cancelled(services, clock):
    desk = Desk(services, clock)
    clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=KST))
    deal, p, ev = paid_evaluation(desk)
    services.evaluations.submit(desk.buyer, ev.id, GOOD)
    clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=KST))
    services.payments.cancel(desk.supplier, p.id, key(), "공급기업 사정으로 취소합니다.")
    kept = services.evaluations.get(desk.buyer, ev.id)
    assert kept.status is E.DONE and kept.average == pytest.approx(4.2)
    row = services.catalog.detail(desk.buyer, deal.service_id).service
    assert (row.rating, row.rating_count) == (4.2, 1)


# --- submitting ------------------------------------------------------------------------------------
def test_the_buyer_submits_once_and_the_rating_shows_it(services, clock):
    desk = Desk(services, clock)
    deal, _p, ev = paid_evaluation(desk)
    done = services.evaluations.submit(desk.buyer, ev.id, GOOD, "  친절하고 빠른 서비스였습니다.\r\n감사합니다. ")
    view = done.value
    assert view.status is E.DONE and view.status_label == "평가완료" and view.average == pytest.approx(4.2)
    assert view.scores() == (5, 4, 5, 3, 4) and view.comment == "친절하고 빠른 서비스였습니다.\n감사합니다."
    assert view.evaluated_at == clock.now() and view.evaluated_by_name == desk.buyer.name
    assert view.submit_refusal == rules.ALREADY_DONE
    assert done.changes.ids(Entity.EVALUATION) == {ev.id} and done.changes.ids(Entity.SERVICE) == {deal.service_id}
    assert services.evaluations.counts(desk.buyer) == {E.PENDING: 0, E.DONE: 1}
    assert [e.id for e in services.evaluations.list_tab(desk.buyer, E.DONE).rows] == [ev.id]
    detail = services.catalog.detail(None, deal.service_id).service
    assert (detail.rating, detail.rating_count) == (4.2, 1)
    (listed,) = [r for r in services.catalog.search(None, "").rows if r.id == deal.service_id]
    assert (listed.rating, listed.rating_count) == (4.2, 1)
    with pytest.raises(InvalidTransition, match="이미 평가를 마친"):
        services.evaluations.submit(desk.buyer, ev.id, {**GOOD, "quality": 1})
    assert services.evaluations.get(desk.buyer, ev.id).quality == 5
    assert services.catalog.detail(None, deal.service_id).service.rating_count == 1
    assert audit_actions(services, ev.id) == ["evaluation.open", "evaluation.submit"]


def test_a_second_desk_with_the_form_still_open_is_refused(services, clock):
    desk = Desk(services, clock)
    _deal, _p, ev = paid_evaluation(desk)
    second = desk.buyer  # the same company's other window (the same login)
    services.evaluations.submit(desk.buyer, ev.id, GOOD)
    with pytest.raises(InvalidTransition) as err:
        services.evaluations.submit(second, ev.id, {f: 1 for f in rules.FIELDS})
    assert err.value.code == "evaluated" and "바꿀 수 없습니다" in err.value.message


def test_nobody_but_the_paying_company_may_submit(services, clock):
    desk = Desk(services, clock)
    _deal, _p, ev = paid_evaluation(desk)
    other, _company = approved_buyer(services)
    for actor in (other, desk.supplier, make_operator(services), make_agency(services),
                  make_supplier_account(services)):
        with pytest.raises(PermissionDenied):
            services.evaluations.submit(actor, ev.id, GOOD)
    assert services.evaluations.get(desk.buyer, ev.id).status is E.PENDING


def test_who_sees_which_evaluations(services, clock):
    desk = Desk(services, clock)
    _d1, _p1, pending = paid_evaluation(desk)
    _d2, _p2, done = paid_evaluation(desk)
    services.evaluations.submit(desk.buyer, done.id, GOOD)
    supplier, agency = desk.supplier, make_agency(services)
    # the supplier: the evaluations it received, DONE only
    assert services.evaluations.counts(supplier) == {E.DONE: 1}
    assert [e.id for e in services.evaluations.list_tab(supplier, E.DONE).rows] == [done.id]
    assert services.evaluations.list_tab(supplier, E.DONE).rows[0].submit_refusal == rules.ONLY_BUYER
    with pytest.raises(PermissionDenied):
        services.evaluations.list_tab(supplier, E.PENDING)
    with pytest.raises(PermissionDenied):
        services.evaluations.get(supplier, pending.id)
    assert services.evaluations.get(supplier, done.id).average == pytest.approx(4.2)
    # another supplier, another buyer: nothing
    stranger = make_supplier_account(services)
    assert services.evaluations.counts(stranger) == {E.DONE: 0}
    with pytest.raises(PermissionDenied):
        services.evaluations.get(stranger, done.id)
    other, _company = approved_buyer(services)
    assert services.evaluations.counts(other) == {E.PENDING: 0, E.DONE: 0}
    with pytest.raises(PermissionDenied):
        services.evaluations.get(other, pending.id)
    # the agency: all; an operator: none
    assert services.evaluations.counts(agency) == {E.PENDING: 1, E.DONE: 1}
    assert services.evaluations.get(agency, pending.id).submit_refusal == rules.ONLY_BUYER
    operator = make_operator(services)
    for call in (lambda: services.evaluations.counts(operator),
                 lambda: services.evaluations.list_tab(operator, E.DONE),
                 lambda: services.evaluations.get(operator, done.id)):
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.parametrize("scores, field", [
    ({**GOOD, "quality": 0}, "quality"),
    ({**GOOD, "overall": 6}, "overall"),
    ({**GOOD, "price": 3.0}, "price"),
    ({**GOOD, "price": True}, "price"),
    ({**GOOD, "timeliness": "６"}, "timeliness"),
    ({**GOOD, "timeliness": "٣"}, "timeliness"),  # Arabic-Indic: NFKC leaves it, refused
    ({k: v for k, v in GOOD.items() if k != "communication"}, "communication"),
    ({**GOOD, "communication": None}, "communication"),
    ({**GOOD, "extra": 5}, "scores"),
    ([5, 4, 5, 3, 4], "scores"),
])
def test_scores_out_of_range_or_malformed_are_refused(services, clock, scores, field):
    desk = Desk(services, clock)
    _deal, _p, ev = paid_evaluation(desk)
    with pytest.raises(ValidationError) as err:
        services.evaluations.submit(desk.buyer, ev.id, scores)
    assert err.value.field == field
    assert services.evaluations.get(desk.buyer, ev.id).status is E.PENDING


def test_full_width_digits_are_scores(services, clock):
    desk = Desk(services, clock)
    _deal, _p, ev = paid_evaluation(desk)
    view = services.evaluations.submit(desk.buyer, ev.id, {"quality": "５", "timeliness": " 4 ", "communication": "３",
                                                           "price": 2, "overall": "１"}).value
    assert view.scores() == (5, 4, 3, 2, 1) and view.average == pytest.approx(3.0)


@pytest.mark.parametrize("comment, code", [
    ("좋았습니다\x00", "bad_character"),
    ("좋았\x1b[31m습니다", "bad_character"),
    ("가" * 1_001, "too_long"),
    (12345, "wrong_type"),
])
def test_a_comment_over_the_limit_or_with_control_characters_is_refused(services, clock, comment, code):
    desk = Desk(services, clock)
    _deal, _p, ev = paid_evaluation(desk)
    with pytest.raises(ValidationError) as err:
        services.evaluations.submit(desk.buyer, ev.id, GOOD, comment)
    assert (err.value.field, err.value.code) == ("comment", code)
    assert services.evaluations.submit(desk.buyer, ev.id, GOOD, "가" * 1_000).value.comment == "가" * 1_000


def test_the_rating_is_the_mean_of_the_completed_evaluations_with_their_count(services, clock):
    desk = Desk(services, clock)
    service_id = None
    means = []
    for scores in ({f: 5 for f in rules.FIELDS}, {f: 2 for f in rules.FIELDS}, GOOD):
        deal, _p, ev = paid_evaluation(desk) if service_id is None else _again(desk, service_id)
        service_id = deal.service_id
        services.evaluations.submit(desk.buyer, ev.id, scores)
        means.append(sum(scores.values()) / 5)
    row = services.catalog.detail(None, service_id).service
    assert row.rating_count == 3 and row.rating == round(sum(means) / 3, 2) == 3.73
    (listed,) = [r for r in services.catalog.search(None, "").rows if r.id == service_id]
    assert (listed.rating, listed.rating_count) == (row.rating, row.rating_count)


def test_the_average_of_each_side_is_computed_as_the_rating_is(services, clock):
    """evaluations.average: the buyer's given, the supplier's received, the agency's all — count and
    the mean of the means; nothing of another party's; (0, None) with none."""
    from kvoucher_desktop.services.dto import EvaluationAverage

    desk = Desk(services, clock)
    other = Desk(services, clock)
    assert services.evaluations.average(desk.supplier) == EvaluationAverage(0, None)
    service_id = None
    for scores in ({f: 5 for f in rules.FIELDS}, {f: 2 for f in rules.FIELDS}, GOOD):
        deal, _p, ev = paid_evaluation(desk) if service_id is None else _again(desk, service_id)
        service_id = deal.service_id
        services.evaluations.submit(desk.buyer, ev.id, scores)
    _d, _p2, elsewhere = paid_evaluation(other)
    services.evaluations.submit(other.buyer, elsewhere.id, {f: 1 for f in rules.FIELDS})
    _d3, _p3, _pending = paid_evaluation(other)  # pending: not counted
    rating = services.catalog.detail(None, service_id).service.rating
    assert services.evaluations.average(desk.supplier) == EvaluationAverage(3, rating) == EvaluationAverage(3, 3.73)
    assert services.evaluations.average(desk.buyer) == EvaluationAverage(3, 3.73)
    assert services.evaluations.average(other.supplier) == EvaluationAverage(1, 1.0)
    assert services.evaluations.average(make_agency(services)) == EvaluationAverage(4, round((5 + 2 + 4.2 + 1) / 4, 2))
    with pytest.raises(PermissionDenied):
        services.evaluations.average(make_operator(services))


def _again(desk, service_id):
    """A new deal on the same service, paid (the earlier one is PAID: the slot is free)."""
    s = desk.services
    deal = s.deals.request(desk.buyer, service_id, "다시 이용하려고 상담합니다.").value
    s.deals.accept(desk.supplier, deal.id)
    s.deals.request_payment(desk.supplier, deal.id, 1_100_000)
    desk.pay_card(deal)
    (ev,) = [e for e in pending_of(s, desk) if e.deal_id == deal.id]
    return deal, None, ev


def test_list_pages_by_keyset(services, clock):
    desk = Desk(services, clock)
    made = []
    for _ in range(5):
        clock.advance(minutes=1)
        made.append(paid_evaluation(desk, 500_000)[2].id)
    first = services.evaluations.list_tab(desk.buyer, E.PENDING, limit=2)
    second = services.evaluations.list_tab(desk.buyer, E.PENDING, first.next_cursor, limit=2)
    third = services.evaluations.list_tab(desk.buyer, E.PENDING, second.next_cursor, limit=2)
    assert [e.id for e in first.rows + second.rows + third.rows] == made[::-1] and third.next_cursor is None


# --- the store keeps a saved evaluation ------------------------------------------------------------
def test_the_store_refuses_to_update_or_delete_a_done_row(services, clock):
    desk = Desk(services, clock)
    _d1, _p1, done = paid_evaluation(desk)
    _d2, _p2, pending = paid_evaluation(desk)
    services.evaluations.submit(desk.buyer, done.id, GOOD)
    for sql in ("UPDATE evaluations SET quality = 1 WHERE id = :id",
                "UPDATE evaluations SET comment = 'x' WHERE id = :id",
                "UPDATE evaluations SET status = 'PENDING', quality = NULL, timeliness = NULL, communication = NULL,"
                " price = NULL, overall = NULL, evaluated_at = NULL WHERE id = :id",
                "DELETE FROM evaluations WHERE id = :id"):
        with pytest.raises(DBAPIError, match="저장된 평가는 바꾸거나 지울 수 없습니다"):
            raw(services, sql, id=db_id(services, done.id))
    with pytest.raises(DBAPIError):
        raw(services, "DELETE FROM evaluations")  # the pending one is not removed either: all or nothing
    assert services.evaluations.get(desk.buyer, done.id).scores() == (5, 4, 5, 3, 4)
    # a pending row may become DONE (once) or go; the store's CHECKs keep its scores 1–5
    with pytest.raises(DBAPIError):
        raw(services, "UPDATE evaluations SET status = 'DONE', quality = 6, timeliness = 1, communication = 1, "
                      "price = 1, overall = 1, evaluated_at = created_at WHERE id = :id",
            id=db_id(services, pending.id))
    with pytest.raises(DBAPIError):
        raw(services, "UPDATE evaluations SET status = 'DONE' WHERE id = :id", id=db_id(services, pending.id))
    assert raw(services, "DELETE FROM evaluations WHERE id = :id", id=db_id(services, pending.id)).rowcount == 1
    if services.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError):
            raw(services, "TRUNCATE evaluations")


# --- the arithmetic ------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(1, 5), min_size=5, max_size=5), min_size=1, max_size=60))
def test_rating_points_add_up_to_the_mean_of_the_means(evaluations):
    points = sum(rules.rating_points(s) for s in evaluations)
    assert all(rules.rating_points(s) == sum(s) * 20 for s in evaluations)  # exact: no rounding
    expected = sum(sum(s) / 5 for s in evaluations) / len(evaluations)
    assert rules.rating(points, len(evaluations)) == round(expected, 2) or \
        abs(rules.rating(points, len(evaluations)) - expected) <= 0.005 + 1e-9
    assert 1 <= rules.rating(points, len(evaluations)) <= 5


def test_desks_racing_to_submit_one_evaluation_save_it_once(services, clock):
    """Six windows of the company press 저장 at the same moment: one evaluation is saved, the others
    are told it is saved already, and the rating counts it once (PostgreSQL: the row lock; SQLite:
    its single writer and the conditional UPDATE)."""
    import threading

    desks = 6
    desk = Desk(services, clock)
    deal, _p, ev = paid_evaluation(desk)
    barrier = threading.Barrier(desks)
    outcomes: list = []

    def submit(score: int):
        barrier.wait()
        try:
            scores = {f: score for f in rules.FIELDS}
            outcomes.append(services.evaluations.submit(desk.buyer, ev.id, scores).value.status)
        except InvalidTransition as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=submit, args=(1 + i % 5,)) for i in range(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(map(str, outcomes)) == sorted(map(str, [E.DONE] + ["evaluated"] * (desks - 1)))
    saved = services.evaluations.get(desk.buyer, ev.id)
    row = services.catalog.detail(None, deal.service_id).service
    assert row.rating_count == 1 and row.rating == saved.average
