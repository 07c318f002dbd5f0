"""Property-based requests against the live programme server (schemathesis, from our own OpenAPI
document): bodies the document's schemas allow and bodies that break them, sent without a
session, with a session of each role, with a malformed or unknown bearer token, and with ids
that exist in the store. Whatever comes, the server

- answers no 5xx,
- answers every 4xx with our error envelope `{"error": {"type", "code", "message", …}}` whose
  message is Korean,
- answers only the status codes and the content type the document lists for the operation,
- answers every 2xx with JSON of the operation's documented result schema.

One test per operation (xdist spreads them), each `EXAMPLES` Hypothesis examples (set
KVOUCHER_FUZZ_EXAMPLES to fuzz longer). The store is one SQLite file per module with a small
programme in it; every test points the session's live server at it first, so no test depends
on another having run. The examples change that store as they go (a deal rejected, a company
held, a setting changed), which changes what later examples reach but none of the checks.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import jsonschema_rs  # schemathesis' own JSON Schema library
import msgspec
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    status_code_conformance,
)

from kvoucher_desktop.enums import EvaluationStatus, PaymentMethod
from kvoucher_desktop.remote import protocol
from kvoucher_desktop.remote.openapi import openapi_document
from kvoucher_desktop.services.clock import FixedClock
from kvoucher_desktop.services.passwords import FAST_FOR_TESTS
from kvoucher_desktop.services.registry import build_services
from kvoucher_desktop.services.sessions import SessionPolicy
from kvoucher_desktop.settings import sqlite_url

from tests.factories import (
    START,
    approved_buyer,
    make_agency,
    make_operator,
    make_service,
    make_supplier_account,
)

EXAMPLES = int(os.environ.get("KVOUCHER_FUZZ_EXAMPLES", "8"))
HANGUL = re.compile(r"[가-힣]")

#: the document as the server serves it (through JSON: a default tuple is a list there)
DOCUMENT = msgspec.json.decode(protocol.encode(openapi_document()))
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
OPERATIONS = [(path, method.upper(), operation["operationId"])
              for path, item in DOCUMENT["paths"].items() for method, operation in item.items()]

#: these end the session they are called with (change_password ends every session of the
#: account): each example calls them with a new session of an account kept for them, so that the
#: other operations' sessions live through the whole run
SESSION_ENDING = {"accounts.logout", "accounts.change_password"}

# Dates and times: the programme's own years, any year, and the calendar's edges, which
# Hypothesis' strategies seldom reach (a period ending on 9999-12-31 has no day after it, and
# 0001-01-01T00:00+05:00 has no UTC time).
OFFSETS = [timezone.utc, timezone(timedelta(hours=9)), timezone(timedelta(hours=5)), timezone(timedelta(hours=-5))]
schemathesis.openapi.format("date", st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31"]),
    st.dates(date(2025, 1, 1), date(2027, 12, 31)).map(date.isoformat),
    st.dates().map(date.isoformat)))
schemathesis.openapi.format("date-time", st.one_of(
    st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]),
    st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.sampled_from(OFFSETS)).map(
        datetime.isoformat),
    st.datetimes(timezones=st.sampled_from(OFFSETS)).map(datetime.isoformat)))


# --- checks --------------------------------------------------------------------------------------
def _json(response) -> object:
    try:
        return response.json()
    except ValueError:
        raise AssertionError(f"{response.status_code} is not JSON: {response.text[:300]!r}") from None


@schemathesis.check
def korean_4xx(ctx, response, case):
    """A refusal is our error envelope, with a message in Korean."""
    if not 400 <= response.status_code < 500:
        return None
    body = _json(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not all(isinstance(error.get(k), str) for k in ("type", "code", "message")):
        raise AssertionError(f"{response.status_code} is not an error envelope: {response.text[:300]!r}")
    if not HANGUL.search(error["message"]):
        raise AssertionError(f"{response.status_code} without a Korean message: {response.text[:300]!r}")
    return None


def _result_validators() -> dict[str, jsonschema_rs.Draft202012Validator]:
    """A JSON Schema 2020-12 validator of each operation's 200 answer ($refs into the components)."""
    out = {}
    for path, item in DOCUMENT["paths"].items():
        for operation in item.values():
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            out[path] = jsonschema_rs.Draft202012Validator({**schema, "components": DOCUMENT["components"]},
                                                          validate_formats=True)
    return out


RESULTS = _result_validators()


@schemathesis.check
def result_as_documented(ctx, response, case):
    """A 2xx answer is JSON of the operation's documented 200 schema.

    This stands in for schemathesis' `response_schema_conformance`, which cannot judge this
    document: in 4.32 it rewrites an OpenAPI 3.1 `prefixItems` into the draft-4 `items: [...]`
    form and then builds a 2020-12 validator from that, so every tuple result (`Done[...]`,
    `(DocumentView, bytes)`) is reported as an invalid schema instead of being validated."""
    if not 200 <= response.status_code < 300 or case.method != case.operation.method.upper():
        return None  # (an OPTIONS request gets Litestar's own 204 with the Allow header)
    errors = [f"/{'/'.join(map(str, e.instance_path))}: {e.message}"
              for e in RESULTS[case.operation.path].iter_errors(_json(response))]
    if errors:
        raise AssertionError(f"{response.status_code} is not the documented result: {errors[:3]}")
    return None


# `positive_data_acceptance` is left out on purpose: JSON Schema's "integer" allows 1.0, which
# the server's strict decoding refuses (422), as it should
CHECKS = [not_a_server_error, korean_4xx, status_code_conformance, content_type_conformance, result_as_documented]


# --- the store the examples run against -----------------------------------------------------------
@dataclass
class World:
    services: object
    #: the Authorization header of each kind of caller (None: no header)
    auth: dict[str, str | None]
    #: ids that exist, by the body field that takes them
    ids: dict[str, list[str]]
    #: the account SESSION_ENDING operations get a new session of
    expendable_user: uuid.UUID


@pytest.fixture(scope="module")
def world(_sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "store.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    services = build_services(sqlite_url(path), FixedClock(START), hash_params=FAST_FOR_TESTS, migrate_schema=False,
                              simulator_seed=1, session_policy=SessionPolicy(idle=timedelta(days=3650),
                                                                               absolute=timedelta(days=3650)))
    agency = make_agency(services)
    operator = make_operator(services)
    buyer, company_id = approved_buyer(services, PaymentMethod.ZEROPAY)
    supplier = make_supplier_account(services)
    service = make_service(services, supplier)
    deals = []
    for on in (service, make_service(services, supplier)):  # one open deal per service
        deal = services.deals.request(buyer, on.id, "거래상담을 요청합니다.").value
        services.deals.accept(supplier, deal.id)
        services.deals.request_payment(supplier, deal.id, 1_100_000)
        deals.append(deal)
    (paid,) = services.payments.start(buyer, [(deals[0].id, uuid.uuid4().hex)], batch_key=uuid.uuid4().hex).value
    services.payments.pay_zeropay(buyer, paid.id, "583920")  # tests.factories.approved_buyer
    evaluations = services.evaluations.list_tab(buyer, EvaluationStatus.PENDING).rows
    inquiry = services.catalog.ask(buyer, service.id, "문의드립니다.").value
    announcement = services.programme.save_announcement(agency, title="공지", body="본문").value
    documents = services.companies.get(buyer).documents
    # accounts.lock may lock this one only: a locked account's sessions end
    lockable = make_supplier_account(services)
    expendable = make_operator(services)
    auth = {"none": None, "malformed": "Basic a2V5OnNlY3JldA==", "unknown": "Bearer " + "x" * 43,
            **{name: f"Bearer {actor.token}" for name, actor in
               (("agency", agency), ("operator", operator), ("demand", buyer), ("supplier", supplier))}}
    ids = {"service_id": [service.id], "company_id": [company_id], "company_ids": [company_id],
           "deal_id": [d.id for d in deals], "deal_ids": [d.id for d in deals],
           "payment_id": [paid.id], "payment_ids": [paid.id], "evaluation_id": [e.id for e in evaluations],
           "inquiry_id": [inquiry.id], "announcement_id": [announcement.id], "document_id": [d.id for d in documents],
           "operator_id": [operator.operator_id], "supplier_id": [supplier.supplier_id],
           "user_id": [lockable.user_id]}
    yield World(services, auth, {k: [str(v) for v in vs] for k, vs in ids.items()}, expendable.user_id)
    services.dispose()


@pytest.fixture(scope="module")
def http(live_server, tmp_path_factory):
    """One keep-alive HTTPS session and the CA file (schemathesis sends with requests, which
    takes the CA as a file)."""
    ca = tmp_path_factory.mktemp("fuzz-tls") / "ca.pem"
    live_server.ca.cert_pem.write_to_path(str(ca))
    with requests.Session() as session:
        yield session, str(ca)


def _with_existing_ids(body: dict, world: World, draw) -> None:
    """Each field that takes an id gets, half the time, one that exists (a list one of them)."""
    for name, value in list(body.items()):
        pool = world.ids.get(name)
        if pool and draw(st.booleans()):
            chosen = draw(st.sampled_from(pool))
            body[name] = [chosen] if isinstance(value, list) else chosen
    attempts = body.get("attempts")  # payments.start: [(deal id, idempotency key), …]
    if isinstance(attempts, list) and draw(st.booleans()):
        body["attempts"] = [[draw(st.sampled_from(world.ids["deal_id"])), uuid.uuid4().hex]]


def test_the_live_document_is_the_one_fuzzed(live_server):
    with live_server.http() as client:
        assert client.get("/openapi.json").json() == DOCUMENT


@pytest.mark.parametrize("path, method, operation_id", OPERATIONS, ids=[o for _, _, o in OPERATIONS])
def test_no_input_gets_a_5xx_or_a_refusal_without_a_korean_message(live_server, world, http, path, method,
                                                                    operation_id):
    live_server.serve(world.services)
    operation = SCHEMA[path][method]
    cases = operation.as_strategy(generation_mode=GenerationMode.POSITIVE) | operation.as_strategy(
        generation_mode=GenerationMode.NEGATIVE)
    session, ca = http

    @given(case=cases, caller=st.sampled_from(sorted(world.auth)), data=st.data())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    def example(case, caller, data):
        authorization = world.auth[caller]
        if operation_id in SESSION_ENDING and authorization and caller not in ("malformed", "unknown"):
            authorization = f"Bearer {world.services.sessions.open_for(world.expendable_user).token}"
        if isinstance(case.body, dict):
            _with_existing_ids(case.body, world, data.draw)
        headers = {"Authorization": authorization} if authorization else {}
        case.call_and_validate(base_url=live_server.url, session=session, verify=ca, headers=headers,
                               checks=CHECKS)

    example()


# --- what the fuzzer found, pinned ---------------------------------------------------------------
def _post(live_server, world, caller: str, path: str, body: dict):
    live_server.serve(world.services)
    authorization = world.auth[caller]
    with live_server.http() as client:
        return client.post(f"{protocol.API_PREFIX}/{path}", json=body,
                           headers={"Authorization": authorization} if authorization else {})


@pytest.mark.parametrize("caller, path, body, status, field", [
    ("agency", "payments/totals", {"end": "9999-12-31"}, 422, "end"),  # was a 500: no day after it
    ("agency", "statistics/payments_by_day", {"end": "0001-01-05"}, 422, "end"),  # its default start is before year 1
    ("demand", "deals/list_tab", {"tab": "CONSULT", "cursor": ["0001-01-01T00:00:00+05:00", str(uuid.uuid4())]},
     422, "cursor"),  # was a 500: no such time in UTC
    ("demand", "deals/list_tab", {"tab": "CONSULT", "cursor": ["2026-03-02T10:00:00", str(uuid.uuid4())]},
     422, "cursor"),  # the document says date-time: an offset is required
    ("malformed", "programme/settings", {}, 401, None),  # the document lists 401 for every operation
])
def test_what_the_fuzzer_found(live_server, world, caller, path, body, status, field):
    response = _post(live_server, world, caller, path, body)
    assert response.status_code == status
    error = response.json()["error"]
    assert HANGUL.search(error["message"]) and error["field"] == field
    operation = DOCUMENT["paths"][f"{protocol.API_PREFIX}/{path}"]["post"]
    assert str(status) in operation["responses"]
