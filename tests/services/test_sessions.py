"""Actors the store vouches for (SPEC §3): login sessions and the one gate in front of every
public service method, on both stores, with the production session policy.

The table test calls EVERY public method that takes an actor — found by introspecting the
`Services` object, and checked against the methods docs/services.md names — with forged,
edited, logged-out, expired, locked and password-changed handles: none succeeds.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from kvoucher_desktop.enums import (BillingExport, DealAction, DealTab, DocumentType, EvaluationStatus, PaymentMethod, PaymentTab,
                                    PaperKind, Role, ScreeningAction, ScreeningStatus)
from kvoucher_desktop.models import AuditRecord, LoginSession, User
from kvoucher_desktop.services.accounts import ACCOUNT_DISABLED_MESSAGE, LOGIN_FAILED_MESSAGE
from kvoucher_desktop.services.dto import Actor, ServiceForm
from kvoucher_desktop.services.errors import (
    SESSION_INVALID_MESSAGE,
    AccountLocked,
    AuthenticationError,
    PermissionDenied,
    SessionInvalid,
    ValidationError,
)
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
from kvoucher_desktop.services.registry import build_services
from kvoucher_desktop.services.sessions import PRODUCTION_SESSIONS, GatedService, gated_methods, hash_token

from tests.conftest import SIMULATOR_SEED
from tests.factories import (
    PASSWORD,
    approved_buyer,
    company_in_state,
    document,
    make_agency,
    make_operator,
    make_service,
    make_supplier_account,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "services.md"
IDLE, ABSOLUTE = PRODUCTION_SESSIONS.idle, PRODUCTION_SESSIONS.absolute
NEW_PASSWORD = "brand-new-secret-77"


@pytest.fixture
def services(store_url, clock):
    """This module's services use the production session policy (the suite's fixture is lenient)."""
    built = build_services(store_url, clock, hash_params=FAST_FOR_TESTS, migrate_schema=False,
                           simulator_seed=SIMULATOR_SEED, session_policy=PRODUCTION_SESSIONS)
    yield built
    built.dispose()


def _service_names(services) -> list[str]:
    return [name for name, value in vars(services).items() if isinstance(value, GatedService)]


def _audit_count(services) -> int:
    with services.programme.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditRecord))


def _audit_actors_that_are_no_user(services) -> set:
    with services.programme.uow() as uow:
        s = uow.session
        named = set(s.scalars(select(AuditRecord.actor_id).where(AuditRecord.actor_id.is_not(None))))
        users = set(s.scalars(select(User.id)))
    return named - users


# --- the world every method of the table is called in ------------------------------------------
@dataclass
class World:
    agency: Actor
    victim: Actor  # a second agency account: its handles are ended in the cases below
    operator: Actor
    busan_operator: Actor
    demand: Actor
    company_id: uuid.UUID
    other_company_id: uuid.UUID  # REVIEWING, in the Seoul operator's jurisdiction
    quitter: Actor  # an approved company that asked to give up its budget
    abandonment_id: uuid.UUID
    supplier: Actor
    other_supplier: Actor
    service_id: uuid.UUID
    deal_id: uuid.UUID
    inquiry_id: uuid.UUID
    announcement_id: uuid.UUID
    document_id: uuid.UUID
    info: object
    settings: object
    seoul_id: uuid.UUID


def build_world(services) -> World:
    agency = make_agency(services)
    victim_view = services.accounts.create_account(agency, role=Role.AGENCY, login_id="victim-agency",
                                                   password=PASSWORD, display_name="전문기관 두번째").value
    victim = services.accounts.login("victim-agency", PASSWORD)
    assert victim.user_id == victim_view.id
    operator = make_operator(services, "서울")
    busan_operator = make_operator(services, "부산")
    demand, company_id = approved_buyer(services, operator=operator)
    _other, other_company_id = company_in_state(services, ScreeningStatus.REVIEWING, operator=operator)
    quitter, _quitter_company = approved_buyer(services, operator=operator)
    abandonment = services.vouchers.request_abandonment(quitter, "사업을 접게 되었습니다.").value
    supplier = make_supplier_account(services)
    other_supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    deal = services.deals.request(demand, service.id, "견적 부탁드립니다.").value
    inquiry = services.catalog.ask(demand, service.id, "설치도 해 주시나요?").value
    announcement = services.programme.save_announcement(agency, title="공지", body="내용").value
    company = services.companies.get(demand)
    return World(
        agency=agency, victim=victim, operator=operator, busan_operator=busan_operator, demand=demand,
        company_id=company_id, other_company_id=other_company_id, quitter=quitter,
        abandonment_id=abandonment.abandonment.id,
        supplier=supplier, other_supplier=other_supplier, service_id=service.id, deal_id=deal.id,
        inquiry_id=inquiry.id, announcement_id=announcement.id, document_id=company.documents[0].id,
        info=company.info, settings=services.programme.settings(), seoul_id=operator.operator_id,
    )


#: (service, method) -> the arguments after the actor, as the method's rightful caller would pass them
ARGS = {
    ("accounts", "change_password"): lambda w: ((PASSWORD, NEW_PASSWORD, NEW_PASSWORD), {}),
    ("accounts", "create_account"): lambda w: ((), dict(role=Role.OPERATOR, login_id="forged-op", password=PASSWORD,
                                                          display_name="위조 심사담당", operator_id=w.seoul_id)),
    ("accounts", "list_accounts"): lambda w: ((), {}),
    ("accounts", "current"): lambda w: ((), {}),
    ("accounts", "lock"): lambda w: ((w.operator.user_id, "위조된 잠금"), {}),
    ("accounts", "logout"): lambda w: ((), {}),
    ("accounts", "unlock"): lambda w: ((w.operator.user_id,), {}),
    ("audit", "records"): lambda w: ((), {}),
    ("audit", "verify"): lambda w: ((), {}),
    ("audit", "changes_since"): lambda w: ((), {"after": 0}),
    ("catalog", "answer"): lambda w: ((w.inquiry_id, "위조된 답변"), {}),
    ("catalog", "ask"): lambda w: ((w.service_id, "위조된 문의"), {}),
    ("catalog", "count"): lambda w: ((), {}),
    ("catalog", "detail"): lambda w: ((w.service_id,), {}),
    ("catalog", "image"): lambda w: ((w.service_id,), {}),
    ("catalog", "inquiries"): lambda w: ((w.service_id,), {}),
    ("catalog", "my_inquiries"): lambda w: ((), {}),
    ("catalog", "save_service"): lambda w: ((ServiceForm("위조 서비스", "VIDEO", "", 1_000_000, "설명"),), {}),
    ("catalog", "search"): lambda w: ((), {}),
    ("catalog", "service_form"): lambda w: ((w.service_id,), {}),
    ("catalog", "set_hidden_by_agency"): lambda w: ((w.service_id, True, "위조된 숨김"), {}),
    ("catalog", "set_wished"): lambda w: ((w.service_id, True), {}),
    ("catalog", "supplier_services"): lambda w: ((), {}),
    ("catalog", "wishlist"): lambda w: ((), {}),
    ("companies", "document_content"): lambda w: ((w.document_id,), {}),
    ("companies", "get"): lambda w: ((w.company_id,), {}),
    ("companies", "history"): lambda w: ((w.company_id,), {}),
    ("companies", "replace_document"): lambda w: ((document(DocumentType.LOCAL_TAX),), {}),
    ("companies", "update_info"): lambda w: ((replace(w.info, address_detail="위조 주소"),), {}),
    ("deals", "accept"): lambda w: ((w.deal_id,), {}),
    ("deals", "act"): lambda w: ((w.deal_id, DealAction.ACCEPT), {}),
    ("deals", "counts"): lambda w: ((), {}),
    ("deals", "events"): lambda w: ((w.deal_id,), {}),
    ("deals", "get"): lambda w: ((w.deal_id,), {}),
    ("deals", "list_tab"): lambda w: ((DealTab.CONSULT,), {}),
    ("deals", "move_from_cart"): lambda w: ((w.deal_id,), {}),
    ("deals", "move_to_cart"): lambda w: ((w.deal_id,), {}),
    ("deals", "reject"): lambda w: ((w.deal_id, "위조된 반려"), {}),
    ("deals", "request"): lambda w: ((w.service_id, "위조된 요청"), {}),
    ("deals", "request_payment"): lambda w: ((w.deal_id, 1_000_000), {}),
    ("programme", "delete_announcement"): lambda w: ((w.announcement_id,), {}),
    ("programme", "import_previous_participants"): lambda w: (("사업자등록번호\n1234567891\n",), {}),
    ("programme", "rename_category"): lambda w: (("VIDEO", "위조 분류"), {}),
    ("programme", "save_announcement"): lambda w: ((), dict(title="위조 공지", body="위조")),
    ("programme", "save_operator"): lambda w: ((), dict(name="위조 운영기관", region="서울", phone="02-1234-5678",
                                                          email="x@example.kr")),
    ("programme", "save_supplier"): lambda w: ((), dict(name="위조 공급기업", business_no="1234567891",
                                                          representative_name="위조", phone="02-1234-5678")),
    ("programme", "update_settings"): lambda w: ((replace(w.settings, voucher_amount=99_000_000),), {}),
    ("screening", "acknowledge_changes"): lambda w: ((w.other_company_id,), {}),
    ("screening", "act"): lambda w: ((w.other_company_id, ScreeningAction.CONFIRM), {}),
    ("screening", "approve"): lambda w: ((w.other_company_id,), {}),
    ("screening", "approve_many"): lambda w: (([w.other_company_id],), {}),
    ("screening", "confirm"): lambda w: ((w.other_company_id,), {}),
    ("screening", "counts"): lambda w: ((), {}),
    ("screening", "hold"): lambda w: ((w.other_company_id, "위조된 보류"), {}),
    ("screening", "list_companies"): lambda w: ((), {}),
    ("screening", "reject"): lambda w: ((w.other_company_id, "위조된 반려"), {}),
    ("screening", "resubmit"): lambda w: ((), {}),
    ("vouchers", "abandonments"): lambda w: ((), {}),
    ("vouchers", "choose_payment_method"): lambda w: ((PaymentMethod.SHINHAN_CARD,), {}),
    ("vouchers", "confirm_abandonment"): lambda w: ((w.abandonment_id,), {}),
    ("vouchers", "decline_abandonment"): lambda w: ((w.abandonment_id, "위조된 반려"), {}),
    ("vouchers", "get"): lambda w: ((w.company_id,), {}),
    ("vouchers", "request_abandonment"): lambda w: (("위조된 포기",), {}),
    ("vouchers", "request_card"): lambda w: ((), {}),
    ("vouchers", "set_zeropay_password"): lambda w: (("583920", "583920"), {}),
    ("payments", "abandon"): lambda w: (([uuid.uuid4()],), {}),
    ("payments", "cancel"): lambda w: ((uuid.uuid4(), uuid.uuid4().hex, "위조된 취소"), {}),
    ("payments", "confirm_code"): lambda w: ((uuid.uuid4(), "123456"), {}),
    ("payments", "counts"): lambda w: ((), {}),
    ("payments", "export_billing"): lambda w: ((BillingExport.CSV,), {}),
    ("payments", "paper"): lambda w: ((uuid.uuid4(), PaperKind.SLIP), {}),
    ("payments", "papers"): lambda w: ((), {}),
    ("payments", "get"): lambda w: ((uuid.uuid4(),), {}),
    ("payments", "list_tab"): lambda w: ((PaymentTab.ALL,), {}),
    ("payments", "pay_zeropay"): lambda w: ((uuid.uuid4(), "583920"), {}),
    ("payments", "quote"): lambda w: (([w.deal_id],), {}),
    ("payments", "resend_code"): lambda w: ((uuid.uuid4(),), {}),
    ("payments", "settlement"): lambda w: ((), {}),
    ("payments", "send_card"): lambda w: ((uuid.uuid4(), "9410000000000000", "01/30"), {}),
    ("payments", "start"): lambda w: (([(w.deal_id, uuid.uuid4().hex)],), {}),
    ("payments", "totals"): lambda w: ((), {}),
    ("programme", "open_next_year"): lambda w: ((), {}),
    ("programme", "previous_participants"): lambda w: ((), {}),
    ("statistics", "screening"): lambda w: ((), {}),
    ("statistics", "budget"): lambda w: ((), {}),
    ("statistics", "payments_by_day"): lambda w: ((), {}),
    ("statistics", "payments_by_category"): lambda w: ((), {}),
    ("statistics", "supplier_ratings"): lambda w: ((), {}),
    ("statistics", "service_ratings"): lambda w: ((), {}),
    ("evaluations", "average"): lambda w: ((), {}),
    ("evaluations", "counts"): lambda w: ((), {}),
    ("evaluations", "get"): lambda w: ((uuid.uuid4(),), {}),
    ("evaluations", "list_tab"): lambda w: ((EvaluationStatus.DONE,), {}),
    ("evaluations", "submit"): lambda w: ((uuid.uuid4(), {"quality": 5, "timeliness": 5, "communication": 5,
                                                          "price": 5, "overall": 5}, "위조된 평가"), {}),
}


def _gated(services) -> list[tuple[str, str, bool, bool]]:
    """(service, method, accepts None, accepts an ended session) of every gated method."""
    return [(name, method, none_ok, ended_ok)
            for name in _service_names(services)
            for method, (none_ok, ended_ok) in sorted(gated_methods(getattr(services, name)).items())]


def _documented_methods() -> dict[str, set[str]]:
    """service attribute -> the method names docs/services.md gives in its section."""
    found: dict[str, set[str]] = {}
    text = DOCS.read_text(encoding="utf-8")
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading = re.match(r"`services\.(\w+)`", section)
        if heading is None:
            continue
        names = found.setdefault(heading.group(1), set())
        for span in re.findall(r"`([^`]+)`", section):  # a span may run over a line break
            head = re.match(r"^\s*([a-z_]+(?:\s*/\s*[a-z_]+)*)\s*(\(|$)", span)
            if head:
                names |= {n.strip() for n in head.group(1).split("/")}
    return found


# --- the handles ----------------------------------------------------------------------------------
def _forged_agency(services, w, clock):
    return Actor(uuid.uuid4(), Role.AGENCY, "전문기관")


def _forged_agency_with_a_made_up_token(services, w, clock):
    return Actor(uuid.uuid4(), Role.AGENCY, "전문기관", token="x" * 43)


def _real_agency_id_without_its_token(services, w, clock):
    return replace(w.agency, token="")


def _agency_fields_not_an_actor(services, w, clock):
    a = w.agency
    return SimpleNamespace(user_id=a.user_id, role=a.role, name=a.name, login_id=a.login_id, company_id=None,
                           supplier_id=None, operator_id=None, token=a.token)


def _demand_edited_to_agency(services, w, clock):
    return replace(w.demand, role=Role.AGENCY)


def _demand_edited_to_another_company(services, w, clock):
    return replace(w.demand, company_id=w.other_company_id)


def _supplier_edited_to_another_supplier(services, w, clock):
    return replace(w.supplier, supplier_id=w.other_supplier.supplier_id)


def _operator_edited_to_another_operator(services, w, clock):
    return replace(w.operator, operator_id=w.busan_operator.operator_id)


def _operator_edited_to_agency_and_user(services, w, clock):
    return replace(w.operator, user_id=w.agency.user_id, role=Role.AGENCY, operator_id=None)


def _logged_out(services, w, clock):
    services.accounts.logout(w.victim)
    return w.victim


def _idle_past_the_limit(services, w, clock):
    clock.set(clock.now() + IDLE)
    return w.victim


def _past_the_absolute_expiry(services, w, clock):
    used = clock.now()
    while clock.now() + timedelta(minutes=50) < used + ABSOLUTE:  # kept in use: never idle
        clock.advance(minutes=50)
        services.audit.records(w.victim, limit=1)
    clock.set(used + ABSOLUTE)
    return w.victim


def _account_locked_by_the_agency(services, w, clock):
    services.accounts.lock(w.agency, w.victim.user_id, "퇴직자 계정")
    return w.victim


def _after_a_password_change(services, w, clock):
    other_desk = services.accounts.login("victim-agency", PASSWORD)
    services.accounts.change_password(other_desk, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    return w.victim


#: (id, handle maker, a real session that may have ended: logout of it quietly does nothing)
HANDLES = [
    ("forged-agency", _forged_agency, False),
    ("forged-token", _forged_agency_with_a_made_up_token, False),
    ("agency-id-without-token", _real_agency_id_without_its_token, False),
    ("not-an-actor", _agency_fields_not_an_actor, False),
    ("demand-role-edited", _demand_edited_to_agency, False),
    ("demand-company-edited", _demand_edited_to_another_company, False),
    ("supplier-id-edited", _supplier_edited_to_another_supplier, False),
    ("operator-id-edited", _operator_edited_to_another_operator, False),
    ("operator-user-edited", _operator_edited_to_agency_and_user, False),
    ("logged-out", _logged_out, True),
    ("idle", _idle_past_the_limit, True),
    ("absolute", _past_the_absolute_expiry, True),
    ("locked-by-agency", _account_locked_by_the_agency, True),
    ("password-changed", _after_a_password_change, True),
]


@pytest.mark.parametrize("make_handle,ended_session", [pytest.param(m, e, id=i) for i, m, e in HANDLES])
def test_no_public_method_accepts_a_handle_the_store_does_not_vouch_for(services, clock, make_handle,
                                                                       ended_session):
    world = build_world(services)
    handle = make_handle(services, world, clock)
    before = _audit_count(services)
    succeeded, missing = [], []
    gated = _gated(services)
    assert len(gated) >= 60  # the whole API, not a handful
    for service, method, _none_ok, ended_ok in gated:
        if (service, method) not in ARGS:
            missing.append(f"{service}.{method}")
            continue
        args, kwargs = ARGS[service, method](world)
        call = getattr(getattr(services, service), method)
        if ended_ok and ended_session:  # logout of an ended session: no error, and nothing happens
            assert call(handle, *args, **kwargs) is None
            continue
        try:
            call(handle, *args, **kwargs)
        except SessionInvalid as refused:
            assert refused.message == SESSION_INVALID_MESSAGE and refused.code == "session"
        except Exception as other:  # noqa: BLE001 - collected and reported below
            succeeded.append(f"{service}.{method}: {type(other).__name__} {other}")
        else:
            succeeded.append(f"{service}.{method}: succeeded")
    assert not missing, f"add these methods to ARGS (the table must cover every method): {missing}"
    assert not succeeded, succeeded
    assert _audit_count(services) == before  # nothing was changed, nothing was recorded
    assert _audit_actors_that_are_no_user(services) == set()


def test_the_table_covers_every_method_docs_services_md_names(services):
    documented = _documented_methods()
    gated = {(s, m) for s, m, *_ in _gated(services)}
    gated_services = set(_service_names(services))
    assert gated_services == {"accounts", "programme", "signup", "companies", "screening", "audit", "catalog",
                              "vouchers", "deals", "payments", "evaluations", "statistics"}
    for service in gated_services:
        named = documented.get(service, set())
        actor_methods = set(gated_methods(getattr(services, service)))
        # every method the documentation names that takes an actor is in the table
        assert {(service, n) for n in named & actor_methods} <= set(ARGS)
        # every actor method is named in the documentation and is in the table
        for s, m in gated:
            if s == service:
                assert m in named, f"{s}.{m} takes an actor but docs/services.md does not name it"
                assert (s, m) in ARGS, f"{s}.{m} is missing from the table ARGS"
    assert ("accounts", "lock") in gated and ("accounts", "logout") in gated
    # and nothing in the table is stale
    assert set(ARGS) <= gated


def test_the_same_calls_with_the_rightful_handle_do_work(services):
    """The table's arguments are real: with a live handle of the right account, calls succeed."""
    w = build_world(services)
    services.screening.confirm(w.operator, w.other_company_id)
    services.deals.accept(w.supplier, w.deal_id)
    services.catalog.answer(w.supplier, w.inquiry_id, "네, 설치해 드립니다.")
    services.vouchers.decline_abandonment(w.agency, w.abandonment_id, "사유가 부족합니다.")
    services.programme.rename_category(w.agency, "VIDEO", "영상회의")
    assert services.companies.get(w.demand, w.company_id).info.name


# --- None and things that are no Actor -------------------------------------------------------------
def test_none_is_allowed_only_where_a_visitor_may_read(services):
    w = build_world(services)
    assert services.catalog.search(None).rows
    assert services.catalog.detail(None, w.service_id).service.id == w.service_id
    services.catalog.count(None)
    services.catalog.inquiries(None, w.service_id)
    for call in (lambda: services.companies.get(None, w.company_id), lambda: services.screening.counts(None),
                 lambda: services.audit.records(None), lambda: services.accounts.logout(None),
                 lambda: services.catalog.wishlist(None)):
        with pytest.raises(SessionInvalid):
            call()
    # an invalid handle is refused where None would be allowed: it does not fall back to a visitor
    with pytest.raises(SessionInvalid):
        services.catalog.search(_forged_agency(services, w, None))
    for not_an_actor in ("agency", w.agency.token, {"user_id": w.agency.user_id}, 42):
        with pytest.raises(SessionInvalid):
            services.catalog.search(not_an_actor)
        with pytest.raises(SessionInvalid):
            services.screening.counts(not_an_actor)
    # the actor passed by keyword goes through the same gate
    with pytest.raises(SessionInvalid):
        services.screening.counts(actor=replace(w.operator, operator_id=w.busan_operator.operator_id))
    assert services.screening.counts(actor=w.operator)


def test_methods_without_an_actor_pass_through(services):
    assert services.programme.settings().year
    assert services.catalog.category_counts() is not None
    services.signup.is_previous_participant("1234567891")
    assert services.deals.sweep().value == 0


def test_the_service_runs_with_the_stores_account_not_the_handed_fields(services):
    agency = make_agency(services)
    renamed = replace(agency, name="가짜 이름", login_id="someone-else")  # not identity: still this session
    services.programme.save_announcement(renamed, title="공지", body="본문")
    [record] = services.audit.records(agency, action_prefix="announcement.save")
    assert record.actor_name == "전문기관 담당자"


# --- login, signup and the token -------------------------------------------------------------------
def test_login_and_signup_open_sessions_whose_token_is_stored_only_as_a_hash(services, clock):
    agency = make_agency(services)
    first = services.accounts.login("agency", PASSWORD)
    second = services.accounts.login("agency", PASSWORD)
    demand, _company = company_in_state(services, ScreeningStatus.REVIEWING)
    for handle in (first, second, demand):
        assert len(handle.token) == 43 and re.fullmatch(r"[A-Za-z0-9_-]+", handle.token)
        assert handle.token not in repr(handle)
    assert first.token != second.token and first == second  # the token is not part of equality
    with services.programme.uow() as uow:
        rows = [_columns(r) for r in uow.session.scalars(select(LoginSession))]
    raw = json.dumps([[str(v) for v in vars(r).values()] for r in rows])
    by_hash = {r.token_hash: r for r in rows}
    for handle in (first, second, demand):
        row = by_hash[hashlib.sha256(handle.token.encode()).hexdigest()]
        assert row.token_hash == hash_token(handle.token)
        assert row.user_id == handle.user_id and row.ended_at is None
        assert row.created_at == row.last_used_at == clock.now()
        assert row.expires_at == clock.now() + ABSOLUTE
        assert handle.token not in raw
    assert services.companies.get(demand).info.name  # the signup's handle works at once
    assert services.screening.counts(agency) is not None


def test_resolve_token_is_the_same_check_for_a_bearer_token(services, clock):
    agency = make_agency(services)
    assert services.sessions.resolve_token(agency.token) == agency
    for bad in ("", "x" * 43, "x" * 10_000, None, 12345, "\ud800" * 43, agency.token + "\x00", agency.token[:-1]):
        with pytest.raises(SessionInvalid):
            services.sessions.resolve_token(bad)
        with pytest.raises(SessionInvalid):  # the same inside an Actor
            services.screening.counts(replace(agency, token=bad))
    services.accounts.logout(agency)
    with pytest.raises(SessionInvalid):
        services.sessions.resolve_token(agency.token)


# --- logout ---------------------------------------------------------------------------------------
def _columns(row: LoginSession) -> SimpleNamespace:
    return SimpleNamespace(**{c.key: getattr(row, c.key) for c in LoginSession.__table__.columns})


def _session_row(services, handle) -> SimpleNamespace:
    with services.programme.uow() as uow:
        return _columns(uow.session.scalars(
            select(LoginSession).where(LoginSession.token_hash == hash_token(handle.token))).one())


def test_logout_ends_only_its_session_and_twice_is_no_error(services, clock):
    make_agency(services)
    desk_a = services.accounts.login("agency", PASSWORD)
    desk_b = services.accounts.login("agency", PASSWORD)
    clock.advance(minutes=5)
    services.accounts.logout(desk_a)
    row = _session_row(services, desk_a)
    assert (row.ended_at, row.end_reason) == (clock.now(), "logout")
    with pytest.raises(SessionInvalid):
        services.audit.records(desk_a)
    assert services.audit.records(desk_b, action_prefix="account.logout")  # the other desk goes on
    logouts = len(services.audit.records(desk_b, action_prefix="account.logout"))
    services.accounts.logout(desk_a)  # again: nothing happens
    clock.set(clock.now() + IDLE)
    services.accounts.logout(desk_b)  # expired meanwhile: no error either
    assert _session_row(services, desk_a).ended_at == row.ended_at
    agency = make_agency(services)
    assert len(services.audit.records(agency, action_prefix="account.logout")) == logouts
    with pytest.raises(SessionInvalid):  # but an edited or forged handle is refused even here
        services.accounts.logout(replace(desk_a, role=Role.OPERATOR))


# --- expiry ---------------------------------------------------------------------------------------
def test_idle_expiry_boundary(services, clock):
    agency = make_agency(services)
    clock.set(clock.now() + IDLE - timedelta(seconds=1))
    services.screening.counts(agency)  # one second before: fine, and the use is recorded
    assert _session_row(services, agency).last_used_at == clock.now()
    clock.set(clock.now() + IDLE - timedelta(seconds=1))
    services.screening.counts(agency)
    clock.set(clock.now() + IDLE)
    with pytest.raises(SessionInvalid) as refused:
        services.screening.counts(agency)
    assert "다시 로그인" in refused.value.message
    row = _session_row(services, agency)
    assert (row.ended_at, row.end_reason) == (clock.now(), "idle")
    clock.set(clock.now() - IDLE)  # even if the clock went back: an ended session stays ended
    with pytest.raises(SessionInvalid):
        services.screening.counts(agency)


def test_absolute_expiry_boundary_even_when_used_all_the_time(services, clock):
    agency = make_agency(services)
    opened = clock.now()
    while clock.now() + timedelta(minutes=30) < opened + ABSOLUTE:
        clock.advance(minutes=30)
        services.screening.counts(agency)
    clock.set(opened + ABSOLUTE - timedelta(seconds=1))
    services.screening.counts(agency)
    clock.set(opened + ABSOLUTE)
    with pytest.raises(SessionInvalid):
        services.screening.counts(agency)
    assert _session_row(services, agency).end_reason == "expired"
    fresh = services.accounts.login("agency", PASSWORD)  # logging in again opens a new one
    assert services.screening.counts(fresh) is not None


def test_last_use_is_written_at_most_once_a_minute(services, clock):
    agency = make_agency(services)
    opened = clock.now()
    for _ in range(5):
        clock.advance(seconds=10)
        services.screening.counts(agency)
    assert _session_row(services, agency).last_used_at == opened  # 50 s of reads: no write
    clock.advance(seconds=10)
    services.screening.counts(agency)
    assert _session_row(services, agency).last_used_at == opened + timedelta(seconds=60)


def test_the_production_policy_values():
    assert (PRODUCTION_SESSIONS.idle, PRODUCTION_SESSIONS.absolute, PRODUCTION_SESSIONS.touch_every) == (
        timedelta(minutes=60), timedelta(hours=12), timedelta(seconds=60))


# --- password change and the agency lock ----------------------------------------------------------
def test_a_password_change_ends_every_session_of_that_account_only(services, clock):
    operator = make_operator(services, login_id="pw-change")
    desk_a = services.accounts.login("pw-change", PASSWORD)
    bystander = make_operator(services)
    services.accounts.change_password(desk_a, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    for handle in (operator, desk_a):
        with pytest.raises(SessionInvalid):
            services.screening.counts(handle)
        assert _session_row(services, handle).end_reason == "password_change"
    assert services.screening.counts(bystander) is not None
    with pytest.raises(AuthenticationError):
        services.accounts.login("pw-change", PASSWORD)
    again = services.accounts.login("pw-change", NEW_PASSWORD)
    assert services.screening.counts(again) is not None
    [record] = services.audit.records(make_agency(services), action_prefix="account.password_change")
    assert json.loads(record.after) == {"sessions_ended": 2}


def test_a_refused_password_change_ends_nothing(services):
    operator = make_operator(services)
    with pytest.raises(ValidationError):
        services.accounts.change_password(operator, "wrong-old-password", NEW_PASSWORD, NEW_PASSWORD)
    assert services.screening.counts(operator) is not None


def test_the_agency_locks_an_account_its_sessions_end_and_it_cannot_log_in(services, clock):
    agency = make_agency(services)
    operator = make_operator(services, login_id="to-lock")
    other_desk = services.accounts.login("to-lock", PASSWORD)
    clock.advance(minutes=1)
    services.accounts.lock(agency, operator.user_id, "  퇴직  ")
    for handle in (operator, other_desk):
        with pytest.raises(SessionInvalid):
            services.screening.counts(handle)
        assert _session_row(services, handle).end_reason == "account_locked"
    with pytest.raises(AccountLocked) as refused:  # the right password: told why
        services.accounts.login("to-lock", PASSWORD)
    assert refused.value.message == ACCOUNT_DISABLED_MESSAGE
    with pytest.raises(AuthenticationError) as wrong:  # a wrong one: the usual answer
        services.accounts.login("to-lock", "wrong-password-9")
    assert wrong.value.message == LOGIN_FAILED_MESSAGE
    [row] = [u for u in services.accounts.list_accounts(agency, Role.OPERATOR) if u.login_id == "to-lock"]
    assert row.active is False
    [record] = services.audit.records(agency, action_prefix="account.lock")
    assert record.actor_role == "AGENCY" and record.entity_id == str(operator.user_id)
    assert json.loads(record.before) == {"active": True}
    assert json.loads(record.after) == {"active": False, "reason": "퇴직", "sessions_ended": 2}
    services.accounts.unlock(agency, operator.user_id)
    with pytest.raises(SessionInvalid):  # unlocking does not revive the ended sessions
        services.screening.counts(operator)
    assert services.screening.counts(services.accounts.login("to-lock", PASSWORD)) is not None


def test_only_the_agency_locks_with_a_reason_and_never_itself(services):
    agency = make_agency(services)
    operator = make_operator(services)
    with pytest.raises(PermissionDenied):
        services.accounts.lock(operator, agency.user_id, "사유")
    for reason in ("", "   ", "x" * 1_001, "a\x00b"):
        with pytest.raises(ValidationError) as refused:
            services.accounts.lock(agency, operator.user_id, reason)
        assert refused.value.field == "reason"
    with pytest.raises(ValidationError) as refused:
        services.accounts.lock(agency, agency.user_id, "사유")
    assert refused.value.field == "user_id"
    assert services.screening.counts(operator) is not None and services.screening.counts(agency) is not None


def test_a_lockout_by_wrong_passwords_does_not_end_a_live_session(services):
    """Someone guessing the password locks the login for 10 minutes; the desk already in stays in."""
    operator = make_operator(services, login_id="guessed")
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            services.accounts.login("guessed", "wrong-password-9")
    with pytest.raises(AccountLocked):
        services.accounts.login("guessed", "wrong-password-9")
    assert services.screening.counts(operator) is not None


def test_no_view_opens_a_session_without_a_login():
    """`sessions.open_for` skips the password check: start-up code and tests only."""
    views = Path(__file__).resolve().parents[2] / "kvoucher_desktop" / "views"
    assert not [p for p in views.rglob("*.py") if "open_for" in p.read_text(encoding="utf-8")]
