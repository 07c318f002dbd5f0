"""Input limits that hold on both stores (SPEC §8), through the real services.

Hypothesis draws arbitrary text for one field of a form at a time (NUL, lone surrogates, control
and invisible characters, full-width and Arabic-Indic digits, strings around and far beyond the
limit) while the other fields stay valid. On each store the service must
- raise nothing but a DomainError,
- accept exactly when the pure rule (rules/inputs.py + the field's format rule) accepts — so the
  decision is the same on SQLite and PostgreSQL — and refuse with the field's name otherwise,
- give back, through its own read method, the value the rule cleaned.

The store is the `services` fixture (one per test function and store); Hypothesis re-runs only
the inner body, which creates what it needs once and uses unique values per example.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvoucher_desktop.enums import (
    BillingExport,
    CompanyType,
    DealTab,
    EvaluationStatus,
    IssuerType,
    PaymentTab,
    Role,
    ScreeningStatus,
)
from kvoucher_desktop.models import Supplier, User
from kvoucher_desktop.services.dto import CompanyInfo, Page, ServiceForm
from kvoucher_desktop.services.errors import DomainError, SignupRefused, ValidationError
from kvoucher_desktop.services.rules import limits
from kvoucher_desktop.services.rules.inputs import (
    clean_amount,
    clean_number_text,
    clean_optional,
    clean_password,
    clean_search,
    clean_text,
)
from kvoucher_desktop.services.rules.numbers import (
    business_no_error,
    login_id_error,
    normalize_business_no,
    normalize_corporate_no,
    normalize_mobile,
    normalize_phone,
    password_error,
    valid_email,
)
from kvoucher_desktop.services.rules.search import split_keywords

from tests.factories import (
    PASSWORD,
    approved_buyer,
    company_in_state,
    make_agency,
    make_operator,
    make_service,
    make_supplier_account,
    mobile,
    signup_company,
    signup_form,
    valid_business_no,
    verify_phone,
)

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])
SIGNUP_SETTINGS = settings(SETTINGS, max_examples=20)

#: characters that broke one store or the other, or that the rules treat specially
SPECIAL = ["\x00", "\ud800", "\udfff", "\t", "\n", "\r\n", "\r", "\x1b", "\x7f", "\x85", "\u200b", "\u200d",
           "\u202e", "\ufeff", "\u2028", "\u3000", "１", "٣", "－", "가", "a", "Z", " ", "%", "_", "\\", "'", '"',
           "😀", "\U0010fffd"]
ANY_CHAR = st.characters(exclude_categories=())  # every code point, surrogates and controls included
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_serial = itertools.count(1)
REFUSED = object()
#: e-mail addresses the rule accepts (and some just over the limit)
EMAILS = st.builds(lambda local, n, pad: pad + local * n + "@회사.example.kr" + pad, st.sampled_from(["m", "담", "😀"]),
                   st.sampled_from([1, 5, 180, 184, 185, 186]), st.sampled_from(["", " "]))
LOGIN_IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{3,29}", fullmatch=True) | st.from_regex(r"[a-z]{40,60}", fullmatch=True)


def texts(limit: int = 100) -> st.SearchStrategy[str]:
    """Arbitrary text, special characters, and runs just under, at and far over `limit`."""
    near = st.builds(lambda pad, ch, n: pad + ch * n + pad, st.sampled_from(["", " ", "\n", "\x00", "\u3000"]),
                     st.sampled_from(["가", "a", "😀", "１"]),
                     st.sampled_from([0, 1, limit - 1, limit, limit + 1, limit * 3 + 7]))
    return st.one_of(st.text(ANY_CHAR, max_size=25), st.lists(st.sampled_from(SPECIAL), max_size=12).map("".join),
                     st.text(st.sampled_from(["가", "나", "a", "1", " "]), min_size=1, max_size=12), near,
                     st.just("x" * 1_000_000))


def values(limit: int = 100) -> st.SearchStrategy[Any]:
    """Ordinary text (a third), anything else, and the wrong Python types a caller might hand over."""
    ordinary = st.text(st.sampled_from("가나다한글 abcXYZ019-_.,()@#😀\u3000"), min_size=1, max_size=limit + 2)
    nasty = st.one_of(texts(limit), st.sampled_from([None, 17, 1.5, True, b"bytes", ["list"]]))
    return st.sampled_from([0, 1, 2]).flatmap(lambda pick: ordinary if pick == 0 else nasty)


def mixed(good: st.SearchStrategy, other: st.SearchStrategy) -> st.SearchStrategy:
    """Half from each (a plain one_of would flatten `other`'s many branches and starve `good`)."""
    return st.sampled_from([0, 1, 2]).flatmap(lambda pick: good if pick < 2 else other)


def numbers_typed(valid: Callable[[], str]) -> st.SearchStrategy[Any]:
    """Valid numbers (as typed, full-width, with Arabic-Indic digits) mixed with anything else."""
    def variants(kind: str) -> str:
        text = valid()
        return {"ascii": text, "full": text.translate(FULL_WIDTH), "arabic": text.translate(ARABIC_INDIC),
                "spaced": " " + text.replace("-", " ") + " ", "nul": text + "\x00"}[kind]
    return mixed(st.sampled_from(["ascii", "full", "spaced", "ascii", "arabic", "nul"]).map(variants), values(20))


def outcome(rule: Callable[[], Any]) -> Any:
    """What the pure rule says: the cleaned value, or REFUSED."""
    try:
        return rule()
    except ValidationError:
        return REFUSED


def check(expected: Any, act: Callable[[], Any], read: Callable[[Any], Any], field: str | tuple[str, ...]):
    """Run the service call; the decision must be the rule's, the value read back the cleaned one."""
    fields = (field,) if isinstance(field, str) else field
    try:
        result = act()
    except DomainError as exc:
        assert expected is REFUSED, f"the service refused ({exc.field}: {exc.message}) what the rule accepts"
        assert exc.field in fields, (exc.field, exc.message)
        return None
    assert expected is not REFUSED, "the service accepted what the rule refuses"
    assert read(result) == expected
    return result


def lazily(make: Callable[[], dict]) -> Callable[[], dict]:
    """Data created once per test function (the body runs once per example)."""
    box: dict = {}

    def get() -> dict:
        if not box:
            box.update(make())
        return box
    return get


def text_rule(key: str, *, required: bool = True, extra: Callable[[str], bool] = lambda v: True,
              then: Callable[[str], Any] = lambda v: v) -> Callable[[Any], Any]:
    def rule(value):
        cleaned = clean_text(value, key, required=required)
        if not extra(cleaned):
            raise ValidationError("format")
        return then(cleaned)
    return rule


def number_rule(key: str, normalise: Callable[[str], str | None], *, optional: bool = False):
    def rule(value):
        text = clean_number_text(value, key)
        if optional and not text:
            return None
        out = normalise(text)
        if out is None:
            raise ValidationError("format")
        return out
    return rule


# --- signup: every field of the company, managers and account steps -------------------------------
def _bno() -> str:
    return valid_business_no(3_000_000 + next(_serial), dashed=True)


def _mobile() -> str:
    return mobile(40_000_000 + next(_serial))


SIGNUP_FIELDS: dict[str, tuple[str, dict, Any, Callable[[Any], Any]]] = {
    # field: (step, form overrides, strategy, rule)
    "name": ("company", {}, values(100), text_rule("company.name")),
    "representative_name": ("company", dict(issuer_type=IssuerType.STAFF), values(100),
                            text_rule("company.representative_name")),
    "address": ("company", {}, values(300), text_rule("company.address")),
    "address_detail": ("company", {}, values(200), text_rule("company.address_detail", required=False)),
    "industry": ("company", {}, values(100), text_rule("company.industry")),
    "business_no": ("company", {}, numbers_typed(_bno), number_rule("company.business_no", normalize_business_no)),
    "corporate_no": ("company", dict(company_type=CompanyType.CORPORATION),
                     numbers_typed(lambda: f"110111-{1_000_000 + next(_serial):07d}"),
                     number_rule("company.corporate_no", normalize_corporate_no)),
    "representative_phone": ("company", dict(issuer_type=IssuerType.STAFF), numbers_typed(_mobile),
                             number_rule("company.representative_phone", normalize_mobile)),
    "phone": ("company", {}, numbers_typed(lambda: "02-1234-5678"), number_rule("company.phone", normalize_phone)),
    "employees": ("company", {}, numbers_typed(lambda: "1,200"),
                  lambda v: _employees_rule(v)),
    "manager_name": ("managers", dict(manager_same_as_representative=False), values(100),
                     text_rule("company.manager_name")),
    "manager_phone": ("managers", dict(manager_same_as_representative=False), numbers_typed(_mobile),
                      number_rule("company.manager_phone", normalize_mobile)),
    "manager_email": ("managers", {}, mixed(st.builds(lambda n: "m" * n + "@x.kr", st.integers(1, 200)) | EMAILS,
                                            values(200)),
                      text_rule("company.manager_email", required=False, extra=valid_email)),
    "login_id": ("account", {}, mixed(st.builds(lambda n: f"user{n}x", st.integers(0, 10**6)) | LOGIN_IDS,
                                      values(50)),
                 text_rule("account.login_id", required=False, extra=lambda v: login_id_error(v) is None)),
    "password": ("account", {}, mixed(st.builds(lambda n: f"pw-{n}-Ζ가😀", st.integers()), values(128)),
                 None),
}


def _employees_rule(value):
    from kvoucher_desktop.services.form_inputs import employees_number

    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return employees_number(clean_number_text(value, "company.employees"))


@pytest.mark.parametrize("field", sorted(SIGNUP_FIELDS))
def test_signup_fields(services, field):
    step, overrides, strategy, rule = SIGNUP_FIELDS[field]
    taken: set = set()  # business numbers and login ids accepted earlier in this test

    @SIGNUP_SETTINGS
    @given(value=strategy)
    def run(value):
        n = 700_000 + next(_serial)
        form = signup_form(services, n=n, login_id=f"signup{n}", **overrides)
        form = replace(form, **{field: value})
        expected = outcome(lambda: _account_password_rule(value, form.login_id) if field == "password" else rule(value))
        if field == "password":
            form.password_confirm = value
        if field in ("business_no", "login_id") and expected is not REFUSED:
            key = expected.lower() if field == "login_id" else expected
            if key in taken:
                expected = REFUSED
            taken.add(key)
        check(expected, lambda: services.signup.check_step(step, form), lambda _r: expected, field)
        # the whole submission decides the same and stores the cleaned value
        actor = check(expected, lambda: services.signup.submit(form).value, lambda a: a and expected, field)
        if actor is None:
            return
        if field == "login_id":
            assert actor.login_id == expected
        elif field == "password":
            assert services.accounts.login(form.login_id, expected).user_id == actor.user_id
        elif field == "employees":
            assert services.companies.get(actor).info.employees == expected
        elif field == "business_no":
            assert services.companies.get(actor).business_no == expected
        else:
            assert getattr(services.companies.get(actor).info, field) == expected

    run()


@pytest.mark.parametrize("field,issuer", [("representative_name", IssuerType.REPRESENTATIVE),
                                          ("manager_name", IssuerType.STAFF)])
def test_signup_identity_name(services, field, issuer):
    """The name given to 본인인증 is checked at the start of the verification and, as the
    representative's (or manager's) name, at the step and at submission."""

    @SIGNUP_SETTINGS
    @given(value=values(100))
    def run(value):
        expected = outcome(lambda: clean_text(value, "identity.name"))
        n = 720_000 + next(_serial)
        overrides = {field: value, "issuer_type": issuer, "login_id": f"ident{n}"}
        if issuer is IssuerType.STAFF:
            overrides["manager_same_as_representative"] = False
        actor = check(expected, lambda: services.signup.submit(signup_form(services, n=n, **overrides)).value,
                      lambda a: expected, ("name", field))
        if actor is not None:
            assert getattr(services.companies.get(actor).info, field) == expected

    run()


def test_signup_payment_manager(services):
    @SIGNUP_SETTINGS
    @given(name=mixed(st.sampled_from(["결제담당", " 김 결제\u3000", "가" * 100]), values(100)),
           phone=numbers_typed(_mobile))
    def run(name, phone):
        name_ok = outcome(lambda: clean_text(name, "company.payment_manager_name"))
        phone_ok = outcome(lambda: number_rule("company.payment_manager_phone", normalize_mobile)(phone))
        n = 740_000 + next(_serial)
        form = signup_form(services, n=n, login_id=f"paym{n}", payment_same_as_representative=False,
                           payment_manager_name=name, payment_manager_phone=phone)
        if name_ok is not REFUSED and phone_ok is not REFUSED:
            form.payment_manager_token = verify_phone(services, name, phone)
        expected = REFUSED if REFUSED in (name_ok, phone_ok) else (name_ok, phone_ok)
        actor = check(expected, lambda: services.signup.submit(form).value, lambda a: expected,
                      ("payment_manager_name", "payment_manager_phone", "payment_manager_verify"))
        if actor is not None:
            info = services.companies.get(actor).info
            assert (info.payment_manager_name, info.payment_manager_phone) == expected

    run()


# --- 기업정보관리: every field of the edit form ------------------------------------------------------
INFO_FIELDS: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "name": (values(100), text_rule("company.name")),
    "representative_name": (values(100), text_rule("company.representative_name")),
    "representative_phone": (numbers_typed(_mobile), number_rule("company.representative_phone", normalize_mobile)),
    "address": (values(300), text_rule("company.address")),
    "address_detail": (values(200), text_rule("company.address_detail", required=False)),
    "phone": (numbers_typed(lambda: "031-123-4567"), number_rule("company.phone", normalize_phone)),
    "industry": (values(100), text_rule("company.industry")),
    "employees": (st.one_of(st.integers(-5, 10**30), st.sampled_from(["12", 12.0, True, None])),
                  lambda v: _employee_count_rule(v)),
    "manager_name": (values(100), text_rule("company.manager_name")),
    "manager_phone": (numbers_typed(_mobile), number_rule("company.manager_phone", normalize_mobile)),
    "manager_email": (mixed(EMAILS, values(200)),
                      text_rule("company.manager_email", required=False, extra=valid_email)),
    "corporate_no": (numbers_typed(lambda: f"110111-{1_000_000 + next(_serial):07d}"),
                     number_rule("company.corporate_no", normalize_corporate_no)),
}


def _employee_count_rule(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limits.MAX_EMPLOYEES:
        raise ValidationError("employees")
    return value


@pytest.mark.parametrize("field", sorted(INFO_FIELDS))
def test_company_info_fields(services, field):
    strategy, rule = INFO_FIELDS[field]
    data = lazily(lambda: dict(zip(("actor", "company_id"), company_in_state(
        services, ScreeningStatus.ON_HOLD, company_type=CompanyType.CORPORATION))))

    @SETTINGS
    @given(value=strategy)
    def run(value):
        actor = data()["actor"]
        current = services.companies.get(actor).info
        expected = outcome(lambda: rule(value))
        check(expected, lambda: services.companies.update_info(actor, replace(current, **{field: value})),
              lambda _view: getattr(services.companies.get(actor).info, field), field)

    run()


def test_fixed_fields_of_company_info(services):
    """The payment manager is fixed after signup: typed the same (even full-width) it passes,
    anything else is refused with its field; never a database error."""
    actor, _ = company_in_state(services, ScreeningStatus.ON_HOLD)
    current = services.companies.get(actor).info

    same = {"payment_manager_name": [current.payment_manager_name, f" {current.payment_manager_name}\u3000"],
            "payment_manager_phone": [current.payment_manager_phone, current.payment_manager_phone.translate(FULL_WIDTH),
                                      current.payment_manager_phone.replace("-", "")]}

    @SETTINGS
    @given(draw=st.data())
    def run(draw):
        field = draw.draw(st.sampled_from(sorted(same)))
        value = draw.draw(mixed(st.sampled_from(same[field]), values(100)))
        rule = (text_rule("company.payment_manager_name") if field == "payment_manager_name"
                else number_rule("company.payment_manager_phone", normalize_mobile))
        cleaned = outcome(lambda: rule(value))
        expected = cleaned if cleaned == getattr(current, field) else REFUSED
        check(expected, lambda: services.companies.update_info(actor, replace(current, **{field: value})).value,
              lambda view: getattr(view.info, field), field)

    run()
    same_typed_full_width = current.payment_manager_phone.translate(FULL_WIDTH)
    services.companies.update_info(actor, replace(current, payment_manager_phone=same_typed_full_width))


# --- the service form ---------------------------------------------------------------------------------
def _keywords_rule(value):
    raw = clean_text(value, "service.keywords", required=False)
    words = split_keywords(raw)
    joined = ", ".join(words)
    if len(words) > 20 or any(len(w) > 30 for w in words) or len(joined) > 500:
        raise ValidationError("keywords")
    return joined


SERVICE_FIELDS: dict[str, tuple[Any, Callable[[Any], Any], Callable[[ServiceForm], Any]]] = {
    "name": (values(200), text_rule("service.name"), lambda f: f.name),
    "keywords": (mixed(st.builds(lambda n, w: ", ".join(f"{w}{i}" for i in range(n)), st.integers(1, 25),
                                 st.sampled_from(["화상", "a" * 29, "보안 솔루션", "#태그"])), values(500)),
                 _keywords_rule, lambda f: f.keywords),
    "description": (values(limits.DESCRIPTION_LIMIT), text_rule("service.description", required=False),
                    lambda f: f.description),
    "price": (mixed(st.integers(1, limits.MAX_AMOUNT), st.one_of(st.integers(-10, 10**31), st.sampled_from(
        [0, limits.MAX_AMOUNT + 1, 2**31, 2**63, "1000", 1000.0, True, None]))),
              lambda v: clean_amount(v, "price", "가격"), lambda f: f.price),
    "category_code": (mixed(st.sampled_from(["VIDEO", "EDUTECH", " VIDEO ", "video"]), values(32)),
                      lambda v: (text_rule("service.category_code", extra=lambda c: c in ("VIDEO", "EDUTECH")))(v),
                      lambda f: f.category_code),
}


@pytest.mark.parametrize("field", sorted(SERVICE_FIELDS))
def test_service_form_fields(services, field):
    strategy, rule, read = SERVICE_FIELDS[field]
    data = lazily(lambda: _supplier_with_service(services))

    @SETTINGS
    @given(value=strategy, new=st.booleans())
    def run(value, new):
        d = data()
        form = replace(services.catalog.service_form(d["supplier"], d["service_id"]), **{field: value})
        expected = outcome(lambda: rule(value))
        service_id = None if new else d["service_id"]
        fields = (field, "category_code") if field == "category_code" else field
        row = check(expected, lambda: services.catalog.save_service(d["supplier"], form, service_id).value,
                    lambda r: read(services.catalog.service_form(d["supplier"], r.id)), fields)
        if row is not None and field == "name":
            assert row.name == expected

    run()


def _supplier_with_service(services) -> dict:
    supplier = make_supplier_account(services)
    return {"supplier": supplier, "service_id": make_service(services, supplier, price=limits.MAX_AMOUNT).id}


# --- inquiries, answers, deal memos, amounts -------------------------------------------------------
def test_inquiry_question_and_answer(services):
    def make():
        supplier = make_supplier_account(services)
        service = make_service(services, supplier)
        return {"supplier": supplier, "service_id": service.id, "buyer": signup_company(services)}
    data = lazily(make)

    @SETTINGS
    @given(question=values(limits.INQUIRY_LIMIT), answer=values(limits.INQUIRY_LIMIT))
    def run(question, answer):
        d = data()
        asked = check(outcome(lambda: clean_text(question, "inquiry.question")),
                      lambda: services.catalog.ask(d["buyer"], d["service_id"], question).value,
                      lambda q: _inquiry(services, d["buyer"], q.id).question, "question")
        if asked is None:
            asked = services.catalog.ask(d["buyer"], d["service_id"], "문의합니다").value
        check(outcome(lambda: clean_text(answer, "inquiry.answer")),
              lambda: services.catalog.answer(d["supplier"], asked.id, answer).value,
              lambda q: _inquiry(services, d["supplier"], q.id).answer, "answer")

    run()


def _inquiry(services, actor, inquiry_id):
    return next(q for q in services.catalog.my_inquiries(actor) if q.id == inquiry_id)


def test_deal_memos_and_payment_amounts(services):
    def make():
        supplier = make_supplier_account(services)
        buyer, _ = approved_buyer(services)
        return {"supplier": supplier, "buyer": buyer, "service_id": make_service(services, supplier,
                                                                                  price=limits.MAX_AMOUNT).id}
    data = lazily(make)

    @SETTINGS
    @given(memo=values(limits.MEMO_LIMIT), reject_memo=values(limits.MEMO_LIMIT),
           amount=mixed(st.integers(1, limits.MAX_AMOUNT), st.one_of(st.integers(-10, 10**31), st.sampled_from(
               [limits.MAX_AMOUNT + 1, 2**31, "5000", 5000.0, True, None]))))
    def run(memo, reject_memo, amount):
        d = data()
        buyer, supplier = d["buyer"], d["supplier"]
        deal = check(outcome(lambda: clean_text(memo, "deal.memo")),
                     lambda: services.deals.request(buyer, d["service_id"], memo).value,
                     lambda v: services.deals.get(buyer, v.id).memo, "memo")
        if deal is None:
            deal = services.deals.request(buyer, d["service_id"], "상담 요청").value
        # 반려 memo: the deal ends, and the slot is free for the next example
        rejected = check(outcome(lambda: clean_text(reject_memo, "deal.memo")),
                         lambda: services.deals.reject(supplier, deal.id, reject_memo).value,
                         lambda v: services.deals.get(supplier, v.id).close_reason, "memo")
        if rejected is None:
            services.deals.reject(supplier, deal.id, "일정이 맞지 않습니다.")
        # a payment request's amount, on a service of its own (a requested payment holds the slot)
        service = make_service(services, supplier, price=limits.MAX_AMOUNT)
        deal = services.deals.accept(supplier, services.deals.request(buyer, service.id, "요청").value.id).value
        check(outcome(lambda: clean_amount(amount, "amount", "결제요청 금액")),
              lambda: services.deals.request_payment(supplier, deal.id, amount).value,
              lambda v: services.deals.get(buyer, v.id).amount, "amount")

    run()


# --- reasons ------------------------------------------------------------------------------------------
def test_screening_reasons_of_operator_and_agency(services):
    def make():
        operator = make_operator(services)
        demand, company_id = company_in_state(services, ScreeningStatus.REVIEWING, operator=operator)
        return {"operator": operator, "agency": make_agency(services), "demand": demand, "company_id": company_id}
    data = lazily(make)

    @SETTINGS
    @given(reason=values(limits.REASON_LIMIT), by_agency=st.booleans())
    def run(reason, by_agency):
        d = data()
        who = d["agency"] if by_agency else d["operator"]
        expected = outcome(lambda: clean_text(reason, "screening.reason"))
        held = check(expected, lambda: services.screening.hold(who, d["company_id"], reason).value,
                     lambda v: services.companies.get(d["operator"], v.id).status_reason, "reason")
        if held is not None:
            assert services.companies.get(d["demand"]).history[-1].reason == expected
            services.screening.resubmit(d["demand"])

    run()


def test_abandonment_and_decline_reasons(services):
    data = lazily(lambda: {"buyer": approved_buyer(services)[0], "agency": make_agency(services)})

    @SETTINGS
    @given(reason=values(limits.REASON_LIMIT), decline=values(limits.REASON_LIMIT))
    def run(reason, decline):
        d = data()
        buyer, agency = d["buyer"], d["agency"]
        services.clock.advance(seconds=1)  # requests and decisions of one example are the newest
        requested = check(outcome(lambda: clean_text(reason, "voucher.abandon_reason")),
                          lambda: services.vouchers.request_abandonment(buyer, reason).value,
                          lambda v: services.vouchers.get(buyer).abandonment.reason, "reason")
        if requested is None:
            services.vouchers.request_abandonment(buyer, "사업 계획이 바뀌었습니다.")
        pending = services.vouchers.get(buyer).abandonment.id
        declined = check(outcome(lambda: clean_text(decline, "voucher.decline_reason")),
                         lambda: services.vouchers.decline_abandonment(agency, pending, decline).value,
                         lambda v: services.vouchers.get(buyer).abandonment.decline_reason, "reason")
        if declined is None:
            services.vouchers.decline_abandonment(agency, pending, "사유가 부족합니다.")

    run()


def test_agency_hide_reason(services):
    def make():
        supplier = make_supplier_account(services)
        return {"agency": make_agency(services), "service_id": make_service(services, supplier).id}
    data = lazily(make)

    @SETTINGS
    @given(reason=values(limits.REASON_LIMIT), hidden=st.booleans())
    def run(reason, hidden):
        d = data()
        services.clock.advance(seconds=1)

        def read(_row):
            record = services.audit.records(d["agency"], entity_id=d["service_id"], action_prefix="service.agency",
                                            limit=1)[0]
            return json.loads(record.after)["reason"]
        check(outcome(lambda: clean_text(reason, "service.hide_reason", required=False)),
              lambda: services.catalog.set_hidden_by_agency(d["agency"], d["service_id"], hidden, reason).value, read,
              "reason")

    run()


# --- the agency's forms: announcements, operators, suppliers, accounts, categories, settings -------
def test_announcements(services):
    data = lazily(lambda: {"agency": make_agency(services)})

    @SETTINGS
    @given(title=values(300), body=values(limits.ANNOUNCEMENT_BODY_LIMIT))
    def run(title, body):
        t = outcome(lambda: clean_text(title, "announcement.title"))
        b = outcome(lambda: clean_text(body, "announcement.body"))
        expected = REFUSED if REFUSED in (t, b) else (t, b)
        check(expected, lambda: services.programme.save_announcement(data()["agency"], title=title, body=body).value,
              lambda a: next((x.title, x.body) for x in services.programme.announcements(1000) if x.id == a.id),
              ("title", "body"))

    run()


def test_operator_registration(services):
    data = lazily(lambda: {"agency": make_agency(services)})
    names: set[str] = {o.name for o in services.programme.operators(include_inactive=True)}

    strategies = {"name": values(200), "region": values(50), "phone": numbers_typed(lambda: "02-700-1234"),
                  "email": mixed(EMAILS, values(200))}

    @SETTINGS
    @given(draw=st.data())
    def run(draw):
        field = draw.draw(st.sampled_from(sorted(strategies)))
        value = draw.draw(strategies[field])
        n = next(_serial)
        typed = {"name": f"입력검사 운영기관 {n}", "region": "서울", "phone": "02-700-1234",
                 "email": f"op{n}@operator.example.kr", field: value}
        rules = {"name": text_rule("operator.name", extra=lambda v: v not in names),
                 "region": text_rule("operator.region"),
                 "phone": number_rule("operator.phone", normalize_phone),
                 "email": text_rule("operator.email", required=False, extra=valid_email)}
        expected = outcome(lambda: rules[field](value))
        view = check(expected, lambda: services.programme.save_operator(data()["agency"], **typed).value,
                     lambda o: getattr(next(x for x in services.programme.operators(include_inactive=True)
                                            if x.id == o.id), field), field)
        if view is not None:
            names.add(view.name)

    run()


def test_supplier_registration(services):
    data = lazily(lambda: {"agency": make_agency(services)})
    taken: set[str] = set()

    strategies = {"name": values(200), "representative_name": values(100), "address": values(300),
                  "business_no": numbers_typed(lambda: valid_business_no(5_000_000 + next(_serial), dashed=True)),
                  "phone": numbers_typed(lambda: "031-123-4567"), "email": mixed(EMAILS, values(200))}

    @SETTINGS
    @given(draw=st.data())
    def run(draw):
        field = draw.draw(st.sampled_from(sorted(strategies)))
        value = draw.draw(strategies[field])
        n = next(_serial)
        typed = {"name": f"입력검사 공급기업 {n}", "business_no": valid_business_no(6_000_000 + n),
                 "representative_name": "대표", "phone": "02-555-1234", "email": "", "address": "", field: value}
        rules = {"name": text_rule("supplier.name"),
                 "business_no": number_rule("supplier.business_no", normalize_business_no),
                 "representative_name": text_rule("supplier.representative_name"),
                 "phone": number_rule("supplier.phone", normalize_phone),
                 "email": text_rule("supplier.email", required=False, extra=lambda v: not v or valid_email(v)),
                 "address": text_rule("supplier.address", required=False)}
        expected = outcome(lambda: rules[field](value))
        if field == "business_no" and expected in taken:
            expected = REFUSED
        view = check(expected, lambda: services.programme.save_supplier(data()["agency"], **typed).value,
                     lambda s: _stored(services, Supplier, s.id, field), field)
        if view is not None:
            taken.add(view.business_no)

    run()


def test_account_creation(services):
    data = lazily(lambda: {"agency": make_agency(services), "operator_id": services.programme.operators()[0].id})
    taken: set[str] = {"agency"}

    strategies = {"display_name": values(100), "login_id": mixed(LOGIN_IDS, values(50)),
                  "password": mixed(st.builds(lambda n: f"pw-{n}-Ζ가😀", st.integers()), values(128)),
                  "phone": mixed(st.none(), numbers_typed(lambda: "02-3456-7890")),
                  "email": mixed(st.none(), mixed(EMAILS, values(200)))}

    @SETTINGS
    @given(draw=st.data())
    def run(draw):
        field = draw.draw(st.sampled_from(sorted(strategies)))
        value = draw.draw(strategies[field])
        n = next(_serial)
        typed = {"display_name": "심사 담당", "login_id": f"limitop{n}", "password": PASSWORD, "phone": None,
                 "email": None, field: value}
        rules = {
            "display_name": text_rule("account.display_name"),
            "login_id": text_rule("account.login_id", required=False,
                                  extra=lambda v: login_id_error(v) is None and v.lower() not in taken),
            "password": lambda v: _account_password_rule(v, typed["login_id"]),
            "phone": number_rule("account.phone", normalize_phone, optional=True),
            "email": _optional_email_rule,
        }
        expected = outcome(lambda: rules[field](value))

        def read(user):
            if field == "password":  # stored as a hash: the typed password logs in
                return services.accounts.login(typed["login_id"], value) and value
            return _stored(services, User, user.id, field)
        view = check(expected, lambda: services.accounts.create_account(
            data()["agency"], role=Role.OPERATOR, operator_id=data()["operator_id"], **typed).value, read, field)
        if view is not None:
            taken.add(view.login_id.lower())

    run()


def _account_password_rule(value, login_id):
    password = clean_password(value)
    if password_error(password, login_id) is not None:
        raise ValidationError("format")
    return password


def _optional_email_rule(value):
    email = clean_optional(value, "account.email", field="email")
    if email is not None and not valid_email(email):
        raise ValidationError("email")
    return email


def _stored(services, model, row_id, field):
    """A column as stored (for fields no read method shows)."""
    with services.programme.uow() as uow:
        return getattr(uow.session.get(model, row_id), field)


def test_account_passwords_are_stored_as_typed(services):
    agency = make_agency(services)
    operator_id = services.programme.operators()[0].id
    for password in ("가나다라마바사아자차", "pass word 12345", "😀" * 10, "x" * limits.PASSWORD_LIMIT):
        n = next(_serial)
        services.accounts.create_account(agency, role=Role.OPERATOR, operator_id=operator_id, login_id=f"pw{n}ok",
                                         password=password, display_name="담당")
        assert services.accounts.login(f"pw{n}ok", password).login_id == f"pw{n}ok"
    for password in ("x" * (limits.PASSWORD_LIMIT + 1), "nul\x00-inside-1", "\ud800" * 10, b"bytes-password"):
        with pytest.raises(ValidationError) as refused:
            services.accounts.create_account(agency, role=Role.OPERATOR, operator_id=operator_id,
                                             login_id=f"pw{next(_serial)}no", password=password, display_name="담당")
        assert refused.value.field == "password"


def test_category_names(services):
    data = lazily(lambda: {"agency": make_agency(services)})

    @SETTINGS
    @given(name=values(100))
    def run(name):
        check(outcome(lambda: clean_text(name, "category.name")),
              lambda: services.programme.rename_category(data()["agency"], "VIDEO", name),
              lambda c: next(x.name for x in services.programme.categories() if x.code == "VIDEO"), "name")

    run()


SETTING_INTS = {"voucher_amount": (1, limits.MAX_AMOUNT), "government_share_pct": (0, 100),
                "use_period_months": (1, 120), "deal_window_days": (1, 30), "settlement_days": (0, 365),
                "settlement_fee_bp": (0, 10_000)}


def test_programme_settings_numbers(services):
    data = lazily(lambda: {"agency": make_agency(services)})

    @SETTINGS
    @given(field=st.sampled_from(sorted(SETTING_INTS)),
           value=st.one_of(st.integers(-10, 10**30), st.sampled_from([0, 1, 100, 2**31, 2**63, "5", 5.0, True,
                                                                      None])))
    def run(field, value):
        low, high = SETTING_INTS[field]
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        current = services.programme.settings()
        check(value if ok else REFUSED,
              lambda: services.programme.update_settings(data()["agency"], replace(current, **{field: value})),
              lambda _v: getattr(services.programme.settings(), field), field)

    run()


# --- search boxes -------------------------------------------------------------------------------------
def test_search_boxes(services):
    def make():
        supplier = make_supplier_account(services)
        make_service(services, supplier, name="실시간 화상회의 솔루션")
        signup_company(services)
        return {"agency": make_agency(services), "operator": make_operator(services)}
    data = lazily(make)

    @SETTINGS
    @given(query=st.one_of(values(limits.SEARCH_LIMIT), st.just("가" * 30_000), st.just("화상 회의")),
           category=st.one_of(st.none(), st.sampled_from(["VIDEO", "\x00", "x" * 40])))
    def run(query, category):
        d = data()
        q = outcome(lambda: clean_search(query))
        c = outcome(lambda: clean_text(category, "service.category_code", required=False))
        both = REFUSED if REFUSED in (q, c) else q
        check(both, lambda: services.catalog.search(None, query, category), lambda p: isinstance(p, Page) and q,
              ("query", "category"))
        check(both, lambda: services.catalog.count(None, query, category), lambda n: n >= 0 and q,
              ("query", "category"))
        check(q, lambda: services.catalog.category_counts(query), lambda n: isinstance(n, dict) and q, "query")
        check(q, lambda: services.screening.list_companies(d["operator"], query=query),
              lambda p: isinstance(p, Page) and q, "query")
        check(q, lambda: services.accounts.list_accounts(d["agency"], query=query),
              lambda rows: isinstance(rows, list) and q, "query")

    run()


# --- the reported cases, one by one ------------------------------------------------------------------
def test_a_150_character_company_name_on_the_edit_form_is_refused_with_its_field(services):
    actor, _ = company_in_state(services, ScreeningStatus.ON_HOLD)
    before = services.companies.get(actor).info
    with pytest.raises(ValidationError) as refused:
        services.companies.update_info(actor, replace(before, name="가" * 150))
    assert refused.value.field == "name"
    assert refused.value.message == "기업명은 100자 이내로 입력해 주세요. (지금 150자)"
    assert services.companies.get(actor).info == before
    # exactly at the limit it is stored, also as the login's display name
    services.companies.update_info(actor, replace(before, name="나" * 100))
    assert services.companies.get(actor).info.name == "나" * 100
    assert services.accounts.login(actor.login_id, PASSWORD).name == "나" * 100


def test_a_150_character_company_name_is_refused_at_signup_too(services):
    form = signup_form(services, name="가" * 150)
    for call in (lambda: services.signup.check_step("company", form), lambda: services.signup.submit(form)):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.field == "name"


@pytest.mark.parametrize("where", ["signup name", "company edit", "service name", "inquiry", "memo", "reason",
                                   "announcement", "search", "login", "account", "operator"])
def test_nul_in_a_text_is_refused_with_a_message_never_a_database_error(services, where):
    nul = "회사\x00이름"
    agency = make_agency(services)
    calls = {
        "signup name": lambda: services.signup.submit(signup_form(services, name=nul)),
        "company edit": lambda: services.companies.update_info(
            *(lambda a: (a, replace(services.companies.get(a).info, address=nul)))(
                company_in_state(services, ScreeningStatus.ON_HOLD)[0])),
        "service name": lambda: make_service(services, make_supplier_account(services), name=nul),
        "inquiry": lambda: services.catalog.ask(signup_company(services),
                                                make_service(services, make_supplier_account(services)).id, nul),
        "memo": lambda: services.deals.request(approved_buyer(services)[0],
                                               make_service(services, make_supplier_account(services)).id, nul),
        "reason": lambda: services.screening.hold(
            agency, company_in_state(services, ScreeningStatus.REVIEWING)[1], nul),
        "announcement": lambda: services.programme.save_announcement(agency, title=nul, body="내용"),
        "search": lambda: services.catalog.search(None, nul),
        "login": lambda: services.accounts.login("agency\x00", PASSWORD),
        "account": lambda: services.accounts.create_account(agency, role=Role.AGENCY, login_id="nulcase",
                                                            password=PASSWORD, display_name=nul),
        "operator": lambda: services.programme.save_operator(agency, name=nul, region="서울", phone="02-123-4567",
                                                             email="a@b.kr"),
    }
    with pytest.raises(DomainError) as refused:
        calls[where]()
    assert "사용할 수 없는 문자" in refused.value.message or where == "login"


def test_a_one_megabyte_name_is_refused_on_sqlite_as_on_postgresql(services):
    huge = "가" * 1_000_000
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(signup_form(services, name=huge))
    assert refused.value.field == "name" and "100자 이내" in refused.value.message
    supplier = make_supplier_account(services)
    with pytest.raises(ValidationError) as refused:
        make_service(services, supplier, name=huge)
    assert refused.value.field == "name"
    with pytest.raises(ValidationError) as refused:
        make_service(services, supplier, description="설명" * 500_000)
    assert refused.value.field == "description"
    assert services.catalog.supplier_services(supplier) == []


def test_a_30000_character_search_is_a_message_not_a_database_error(services):
    supplier = make_supplier_account(services)
    make_service(services, supplier, name="화상회의 솔루션")
    for query in ("가" * 30_000, "가 " * 15_000, "%" * 30_000):
        with pytest.raises(ValidationError) as refused:
            services.catalog.search(None, query)
        assert refused.value.field == "query" and "검색어는 100자 이내로" in refused.value.message
        with pytest.raises(ValidationError):
            services.catalog.count(None, query)
        with pytest.raises(ValidationError):
            services.screening.list_companies(make_agency(services), query=query)
        with pytest.raises(ValidationError):
            services.accounts.list_accounts(make_agency(services), query=query)
    assert services.catalog.search(None, "화" * limits.SEARCH_LIMIT).rows == ()  # at the cap: an empty page
    assert len(services.catalog.search(None, "  화상회의\t").rows) == 1


FULL_WIDTH_NO = "２２０-８１-６２５１７"


def test_a_full_width_business_number_signs_up_as_ascii(services):
    actor = services.signup.submit(signup_form(services, business_no=FULL_WIDTH_NO)).value
    assert services.companies.get(actor).business_no == "2208162517"
    agency = make_agency(services)
    assert [r.business_no for r in services.screening.list_companies(agency, query="２２０８").rows] == ["2208162517"]
    with pytest.raises(SignupRefused) as refused:  # the same number typed in ASCII is the same company
        services.signup.submit(signup_form(services, business_no="220-81-62517"))
    assert refused.value.field == "business_no"


def test_a_rejected_number_cannot_sign_up_again_full_width(services):
    _, company_id = company_in_state(services, ScreeningStatus.REJECTED, business_no="2208162517")
    for typed in (FULL_WIDTH_NO, "220-81-62517", "２２０８１６２５１７", "220\u201381\u201362517"):
        form = signup_form(services, business_no=typed)
        for call in (lambda: services.signup.check_step("company", form), lambda: services.signup.submit(form)):
            with pytest.raises(SignupRefused) as refused:
                call()
            assert refused.value.field == "business_no" and "탈락" in refused.value.message


def test_a_full_width_number_on_the_previous_year_list_is_caught(services):
    agency = make_agency(services)
    assert services.programme.import_previous_participants(agency, "사업자등록번호\n２２０－８１－６２５１７\n").value == 1
    assert services.signup.is_previous_participant("220-81-62517")
    assert services.signup.is_previous_participant(FULL_WIDTH_NO)
    for typed in (FULL_WIDTH_NO, "2208162517"):
        with pytest.raises(SignupRefused) as refused:
            services.signup.check_step("documents", signup_form(services, business_no=typed))
        assert "장애인기업확인서 또는 여성기업확인서" in refused.value.message


def test_other_scripts_digits_are_refused_for_business_numbers(services):
    arabic = "220-81-62517".translate(ARABIC_INDIC)
    assert int(arabic.replace("-", "")) == 2208162517  # int() would have accepted it
    form = signup_form(services, business_no=arabic)
    with pytest.raises(ValidationError) as refused:
        services.signup.check_step("company", form)
    assert refused.value.field == "business_no"
    assert not services.signup.is_previous_participant(arabic)
    with pytest.raises(ValidationError):
        services.signup.submit(signup_form(services, employees="١٢"))


def test_amounts_beyond_the_columns_are_validation_errors(services):
    supplier = make_supplier_account(services)
    for price in (10**30, 2**31, limits.MAX_AMOUNT + 1, 1000.0, "1000", True):
        with pytest.raises(ValidationError) as refused:
            make_service(services, supplier, price=price)
        assert refused.value.field == "price"
    agency = make_agency(services)
    for amount in (10**30, 2**31):
        with pytest.raises(ValidationError) as refused:
            services.programme.update_settings(agency, replace(services.programme.settings(), voucher_amount=amount))
        assert refused.value.field == "voucher_amount"


def test_dates_and_cursor_times_at_the_edges_of_the_calendar_are_validation_errors(services):
    """A period ending on 9999-12-31 has no day after it, 0001-01-01 no 00:00 KST in UTC, and a
    cursor time of 0001-01-01T00:00+05:00 no UTC at all: each was an OverflowError (a 500 from the
    server); now the date is refused for its range, the cursor as one no page hands out."""
    agency = make_agency(services)
    buyer, _ = approved_buyer(services)
    first, last = date(1, 1, 1), date(9999, 12, 31)
    calls = {
        "start": [lambda: services.payments.counts(agency, start=first),
                  lambda: services.payments.list_tab(agency, PaymentTab.ALL, start=first),
                  lambda: services.payments.papers(agency, start=first, end=date(2026, 3, 2)),
                  lambda: services.statistics.payments_by_day(agency, start=first, end=date(2026, 3, 2))],
        "end": [lambda: services.payments.totals(agency, end=last),
                lambda: services.payments.export_billing(agency, BillingExport.CSV, end=last),
                lambda: services.statistics.payments_by_category(agency, start=last, end=last),
                lambda: services.statistics.payments_by_day(agency, end=date(1, 1, 5))],  # 30 days before it
        "application_end": [lambda: services.programme.update_settings(
            agency, replace(services.programme.settings(), application_end=last))],
    }
    for field, refused_calls in calls.items():
        for call in refused_calls:
            with pytest.raises(ValidationError) as refused:
                call()
            assert refused.value.field == field and refused.value.code == "out_of_range"
    assert services.payments.counts(agency, start=limits.DATE_MIN, end=limits.DATE_MAX) is not None
    before_year_one = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    for call in (lambda c: services.deals.list_tab(buyer, DealTab.CONSULT, cursor=c),
                 lambda c: services.payments.list_tab(agency, PaymentTab.ALL, cursor=c),
                 lambda c: services.evaluations.list_tab(buyer, EvaluationStatus.PENDING, cursor=c),
                 lambda c: services.screening.list_companies(agency, cursor=c)):
        with pytest.raises(ValidationError) as refused:
            call((before_year_one, uuid.uuid4()))
        assert refused.value.field == "cursor"


def test_wrong_python_types_at_service_boundaries_are_validation_errors(services):
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    buyer = signup_company(services)
    agency = make_agency(services)
    calls = [
        lambda: services.catalog.detail(None, 17),
        lambda: services.catalog.ask(buyer, str(service.id), "문의"),
        lambda: services.catalog.ask(buyer, service.id, b"bytes question"),
        lambda: services.catalog.search(None, 17),
        lambda: services.catalog.search(None, "", cursor=("x",)),
        lambda: services.catalog.search(None, "", limit=10**30),
        lambda: services.catalog.set_wished(buyer, service.id, "yes"),
        lambda: services.deals.get(buyer, 5),
        lambda: services.deals.request(buyer, service.id, b"memo"),
        lambda: services.deals.request_payment(supplier, service.id, "5000"),
        lambda: services.screening.hold(agency, 12345, "사유"),
        lambda: services.screening.act(agency, buyer.company_id, "HOLDING", "사유"),
        lambda: services.screening.list_companies(agency, query=["x"]),
        lambda: services.companies.update_info(buyer, {"name": "회사"}),
        lambda: services.companies.get(agency, 99),
        lambda: services.vouchers.request_abandonment(buyer, 12),
        lambda: services.programme.save_announcement(agency, title=None, body="내용"),
        lambda: services.programme.rename_category(agency, "VIDEO", 3),
        lambda: services.programme.update_settings(agency, replace(services.programme.settings(),
                                                                   government_share_pct="90")),
        lambda: services.accounts.create_account(agency, role="OPERATOR", login_id="typecase", password=PASSWORD,
                                                 display_name=b"name", operator_id=services.programme.operators()[0].id),
        lambda: services.accounts.list_accounts(agency, query=b"x"),
        lambda: services.signup.check_step("company", {"name": "dict"}),
        lambda: services.signup.check_step("nonsense", signup_form(services)),
        lambda: services.signup.submit(replace(signup_form(services), employees=b"12")),
        lambda: services.identity.start(b"name", "010-1234-5678"),
    ]
    for i, call in enumerate(calls):
        with pytest.raises(ValidationError):
            call()
        assert i >= 0


def test_fields_are_named_for_the_wizard(services):
    """Each signup field's refusal names the field the wizard marks (the step check and submit alike)."""
    for field, value in (("name", "a\x00"), ("address", "x" * 301), ("industry", "\u202e업종"),
                         ("address_detail", "y" * 201), ("manager_email", "m" * 196 + "@x.kr"),
                         ("employees", "\x00")):
        form = signup_form(services, **{field: value})
        step = "managers" if field == "manager_email" else "company"
        with pytest.raises(ValidationError) as refused:
            services.signup.check_step(step, form)
        assert refused.value.field == field, field


def test_cleaned_form_values_are_what_is_stored(services):
    form = signup_form(services, name="  ＡＢＣ 주식회사 \u3000", employees="１，２００",
                       phone="０２－１２３４－５６７８", address="  서울시 \t".strip())
    actor = services.signup.submit(form).value
    info = services.companies.get(actor).info
    assert info.name == "ＡＢＣ 주식회사"  # names keep what was typed (only numbers are NFKC-normalised)
    assert info.employees == 1200 and info.phone == "02-1234-5678"
    assert dataclasses.asdict(info)  # a plain dataclass
    assert isinstance(info, CompanyInfo)
