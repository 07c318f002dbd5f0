"""The programme server as an attacker and an unlucky network see it: identity only from the
session, other parties' ids refused, floods and oversized bodies turned away in Korean, TLS
verified, a lost answer of a payment step sent again and paid once."""

from __future__ import annotations

import dataclasses
import uuid

import httpx
import pytest
from litestar.testing import TestClient

from kvoucher_desktop.enums import PaymentStatus, PaymentTab, Role, ScreeningStatus
from kvoucher_desktop.remote import protocol
from kvoucher_desktop.remote.client import (
    ClientConfig,
    RemoteService,
    Transport,
    check_url,
)
from kvoucher_desktop.server.app import ServerConfig, create_app
from kvoucher_desktop.server.run import main as server_main
from kvoucher_desktop.services.errors import (
    AuthenticationError,
    PermissionDenied,
    SessionInvalid,
    Unavailable,
    ValidationError,
)
from tests.factories import PASSWORD, approved_buyer, company_in_state, make_agency
from tests.services.test_payments import Desk


_TRANSPORTS: list[Transport] = []


@pytest.fixture(autouse=True)
def _transports_closed():
    """Every transport `remote` made is closed after its test (no connection left to the GC)."""
    yield
    while _TRANSPORTS:
        _TRANSPORTS.pop().close()


def remote(server, services, name: str, **config) -> RemoteService:
    server.serve(services)
    transport = server.transport(ClientConfig(retries=0, **config))
    _TRANSPORTS.append(transport)
    return RemoteService(transport, name)


def post(server, path: str, body: bytes = b"{}", token: str | None = None) -> httpx.Response:
    with server.http() as http:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return http.post(f"{protocol.API_PREFIX}/{path}", content=body, headers=headers)


# --- identity -------------------------------------------------------------------------------------
def test_login_over_the_wire_gives_a_session_that_the_next_calls_carry(services, live_server):
    demand, company_id = approved_buyer(services)
    accounts = remote(live_server, services, "accounts")
    actor = accounts.login(demand.login_id, PASSWORD)
    assert actor.company_id == company_id and actor.role is Role.DEMAND and actor.token
    assert remote(live_server, services, "companies").get(actor).id == company_id


def test_a_forged_token_and_a_token_after_logout_are_refused(services, live_server):
    demand, _ = approved_buyer(services)
    companies = remote(live_server, services, "companies")
    forged = dataclasses.replace(demand, token=uuid.uuid4().hex + uuid.uuid4().hex)
    with pytest.raises(SessionInvalid):
        companies.get(forged)
    answer = post(live_server, "companies/get", token="not a token at all")
    assert answer.status_code == 401 and "로그인" in answer.json()["error"]["message"]
    remote(live_server, services, "accounts").logout(demand)
    with pytest.raises(SessionInvalid):
        companies.get(demand)  # the same token, replayed
    assert post(live_server, "companies/get", token=demand.token).status_code == 401


def test_an_edited_actor_gets_the_sessions_own_role_not_the_one_it_claims(services, live_server):
    """The client sends only the token: a desk that edits its Actor into the agency is still the
    demand company it logged in as."""
    demand, _ = approved_buyer(services)
    posing = dataclasses.replace(demand, role=Role.AGENCY, company_id=None)
    with pytest.raises(PermissionDenied):
        remote(live_server, services, "screening").counts(posing)
    with pytest.raises(PermissionDenied):
        remote(live_server, services, "accounts").list_accounts(posing)


def test_a_body_that_names_another_company_is_refused(services, live_server):
    demand, _own = approved_buyer(services)
    _other, other_id = company_in_state(services, ScreeningStatus.APPROVED)
    with pytest.raises(PermissionDenied):
        remote(live_server, services, "companies").get(demand, other_id)
    with pytest.raises(PermissionDenied):
        remote(live_server, services, "vouchers").get(demand, other_id)
    # an actor in the body is no field of any method: refused by name, not read
    body = protocol.encode({"company_id": str(other_id), "actor": {"role": "AGENCY", "company_id": str(other_id)}})
    answer = post(live_server, "companies/get", body, token=demand.token)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "actor" and "항목" in answer.json()["error"]["message"]


def test_a_call_without_a_token_is_a_visitor_only_where_the_service_allows_visitors(services, live_server):
    catalog = remote(live_server, services, "catalog")
    assert catalog.search(None).rows == ()  # the catalog is open before login
    answer = post(live_server, "companies/get")
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"


# --- errors and limits ------------------------------------------------------------------------------
def test_a_refusal_comes_back_as_the_services_own_error(services, live_server):
    agency = make_agency(services)
    with pytest.raises(ValidationError) as over_wire:
        remote(live_server, services, "programme").save_announcement(agency, title="", body="본문")
    with pytest.raises(ValidationError) as in_process:
        services.programme.save_announcement(agency, title="", body="본문")
    assert (over_wire.value.message, over_wire.value.code, over_wire.value.field) == (
        in_process.value.message, in_process.value.code, in_process.value.field)


def test_a_body_over_the_limit_is_refused_in_korean_before_it_is_read(services):
    app = create_app(services, ServerConfig(max_body_bytes=1000))
    with TestClient(app) as client:
        answer = client.post(f"{protocol.API_PREFIX}/catalog/search", content=b"{" + b" " * 2000 + b"}")
    assert answer.status_code == 413
    assert answer.json()["error"]["message"] == protocol.TOO_LARGE_MESSAGE


def test_a_login_flood_from_one_address_is_turned_away(services):
    approved_buyer(services)
    app = create_app(services, ServerConfig(login_per_address=5, login_per_account=1000))
    with TestClient(app) as client:
        codes = [client.post(f"{protocol.API_PREFIX}/accounts/login",
                             json={"login_id": f"nobody{i}", "password": "x"}).status_code for i in range(8)]
        last = client.post(f"{protocol.API_PREFIX}/accounts/login", json={"login_id": "x", "password": "y"})
    assert codes == [401] * 5 + [429] * 3
    assert last.status_code == 429 and last.headers["retry-after"] == "60"
    assert last.json()["error"]["message"] == protocol.RATE_LIMITED_MESSAGE


def test_a_login_flood_on_one_account_is_turned_away_even_with_the_right_password(services):
    demand, _ = approved_buyer(services)
    app = create_app(services, ServerConfig(login_per_address=1000, login_per_account=3))
    with TestClient(app) as client:
        wrong = [client.post(f"{protocol.API_PREFIX}/accounts/login",
                             json={"login_id": demand.login_id, "password": "wrong-one"}).status_code
                 for _ in range(3)]
        right = client.post(f"{protocol.API_PREFIX}/accounts/login",
                            json={"login_id": f"  {demand.login_id.upper()} ", "password": PASSWORD})
        other = client.post(f"{protocol.API_PREFIX}/accounts/login", json={"login_id": "someone", "password": "x"})
    assert wrong == [401, 401, 401]
    assert right.status_code == 429  # the same account, spelled otherwise
    assert other.status_code == 401  # another account is not held up
    error = protocol.error_from(right.content)
    assert isinstance(error, AuthenticationError) and error.code == "rate_limited"


# --- TLS and the network ------------------------------------------------------------------------------
def test_a_client_that_does_not_trust_the_certificate_does_not_talk_to_the_server(services, live_server):
    live_server.serve(services)
    transport = Transport(live_server.url, config=ClientConfig(retries=0))  # the system's trust store only
    try:
        with pytest.raises(Unavailable) as refused:
            RemoteService(transport, "catalog").search(None)
    finally:
        transport.close()
    # said as what it is (and not tried again: the same certificate gives the same answer)
    assert refused.value.code == "server_certificate" and "인증서를 확인할 수 없습니다" in refused.value.message


def test_plain_http_is_only_for_this_machine():
    assert check_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert check_url("https://voucher.example.kr:8443") == "https://voucher.example.kr:8443"
    with pytest.raises(ValueError, match="https"):
        check_url("http://voucher.example.kr:8080")
    assert server_main(["--database-url", "sqlite://", "--host", "0.0.0.0"]) == 2


def test_a_server_that_is_not_there_is_a_korean_message_after_the_retries(services):
    transport = Transport("https://127.0.0.1:9", config=ClientConfig(retries=2, retry_pause_s=0.01))
    try:
        with pytest.raises(Unavailable, match="서버에 연결할 수 없습니다"):
            RemoteService(transport, "catalog").search(None)
    finally:
        transport.close()


class _LosesFirstAnswer(httpx.BaseTransport):
    """A network that delivers the first request of `path` to the server, then drops its answer."""

    def __init__(self, inner: httpx.BaseTransport, path: str):
        self.inner, self.path, self.lost = inner, path, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith(self.path) and not self.lost:
            self.lost += 1
            response.read()
            response.close()  # the connection goes back to the pool, as after a reset it would be closed
            raise httpx.ReadError("connection reset", request=request)
        return response


def _lossy(server, path: str) -> tuple[Transport, _LosesFirstAnswer]:
    ssl_context = server.client_context()
    network = _LosesFirstAnswer(httpx.HTTPTransport(verify=ssl_context), path)
    http = httpx.Client(base_url=server.url, transport=network, timeout=30)
    return Transport(server.url, config=ClientConfig(retries=2, retry_pause_s=0.01), http=http), network


def test_a_payment_whose_answer_was_lost_is_sent_again_and_paid_once(services, clock, live_server):
    desk = Desk(services, clock)
    deal = desk.deal(1_100_000)
    before = desk.budget()
    live_server.serve(services)
    transport, network = _lossy(live_server, "/payments/confirm_code")
    payments = RemoteService(transport, "payments")
    try:
        (p,) = payments.start(desk.buyer, [(deal.id, uuid.uuid4().hex)], batch_key=uuid.uuid4().hex).value
        payments.send_card(desk.buyer, p.id, desk.card.number, desk.card.expiry)
        paid = payments.confirm_code(desk.buyer, p.id, desk.code()).value  # the first answer is lost
    finally:
        transport.close()
    assert network.lost == 1
    assert paid.status is PaymentStatus.SUCCEEDED
    assert desk.budget().spent == before.spent + 1_100_000  # charged once
    succeeded = services.payments.list_tab(desk.buyer, PaymentTab.SUCCEEDED).rows
    assert [x.id for x in succeeded] == [p.id]


def test_a_lost_answer_of_a_change_that_is_not_safe_to_repeat_is_told_not_repeated(services, live_server):
    agency = make_agency(services)
    live_server.serve(services)
    transport, network = _lossy(live_server, "/programme/save_announcement")
    try:
        with pytest.raises(Unavailable) as lost:
            RemoteService(transport, "programme").save_announcement(agency, title="공고 제목", body="본문")
    finally:
        transport.close()
    assert lost.value.code == "answer_lost" and "목록을 새로 고쳐" in lost.value.message
    assert [a.title for a in services.programme.announcements(limit=50)].count("공고 제목") == 1  # sent once


# --- the audit log ------------------------------------------------------------------------------------
def test_each_audit_record_of_a_call_through_the_server_has_the_client_address(services, live_server):
    agency = make_agency(services)
    made = remote(live_server, services, "programme").save_announcement(agency, title="서버로 쓴 공고", body="본문")
    services.programme.save_announcement(agency, title="데스크에서 쓴 공고", body="본문")
    records = {r.entity_id: r for r in services.audit.records(agency, action_prefix="announcement")}
    over_wire = records[str(made.value.id)]
    assert over_wire.client_address == "127.0.0.1"
    assert [r.client_address for k, r in records.items() if k != str(made.value.id)] == [None]
    verification = services.audit.verify(agency)
    assert verification.intact  # the address is under the row's hash, and old-form rows still verify


def test_the_client_address_is_under_the_row_hash():
    from kvoucher_desktop.models.audit_chain import row_hash

    content = (uuid.UUID(int=5), "2026-03-02 01:00:00.000000", "2026-03-02 01:00:00.000000", None, "AGENCY",
               "전문기관", "announcement.save", "announcement", "x", None, None)
    assert row_hash(*content) == row_hash(*content, None)
    assert row_hash(*content, "127.0.0.1") != row_hash(*content) != row_hash(*content, "")
    assert row_hash(*content, "127.0.0.1") != row_hash(*content, "127.0.0.2")


def test_logging_out_twice_over_the_wire_is_no_error_and_the_token_stays_dead(services, live_server):
    demand, _ = approved_buyer(services)
    accounts = remote(live_server, services, "accounts")
    accounts.logout(demand)
    accounts.logout(demand)  # as in process: an ended session may be logged out again
    with pytest.raises(SessionInvalid):
        accounts.current(demand)


def test_the_client_closes_an_idle_connection_before_the_server_does():
    """Else a call after a pause may meet a connection the server is closing ("Server
    disconnected"), which a change cannot simply be sent again after."""
    from kvoucher_desktop.remote import client
    from kvoucher_desktop.server import run

    assert 5 < client.KEEP_ALIVE_S < run.KEEP_ALIVE_S
    transport = Transport("https://127.0.0.1:9")
    try:
        assert transport.http._transport._pool._keepalive_expiry == client.KEEP_ALIVE_S
    finally:
        transport.close()


def test_calls_on_the_workers_loop_answer_as_calls_on_its_threads(services, monkeypatch):
    """`calls_in_threads=False` (KVOUCHER_SERVER_CALLS_ON_LOOP=1) runs each call on the event
    loop's own thread: the same answers, refusals included, and never a call on another thread."""
    import threading

    demand, _ = approved_buyer(services)
    ran_on: set[str] = set()
    counts = services.deals.counts

    def counting(*args, **kwargs):
        ran_on.add(threading.current_thread().name)
        return counts(*args, **kwargs)

    monkeypatch.setattr(services.deals, "counts", counting)
    answers = {}
    for in_threads in (True, False):
        with TestClient(create_app(services, ServerConfig(calls_in_threads=in_threads))) as client:
            token = client.post(f"{protocol.API_PREFIX}/accounts/login",
                                json={"login_id": demand.login_id, "password": PASSWORD}).json()["token"]
            ran_on.clear()
            ok = client.post(f"{protocol.API_PREFIX}/deals/counts", json={},
                             headers={"Authorization": f"Bearer {token}"})
            refused = client.post(f"{protocol.API_PREFIX}/deals/counts", json={})
            answers[in_threads] = (ok.status_code, ok.json(), refused.status_code, refused.json(), set(ran_on))
    assert answers[True][:4] == answers[False][:4] and answers[True][0] == 200
    in_pool, on_loop = answers[True][4], answers[False][4]
    assert len(in_pool) == 1 and len(on_loop) == 1 and in_pool != on_loop  # a pool's thread, then the loop's


def test_the_server_command_runs_calls_on_the_loop_when_told(monkeypatch):
    from kvoucher_desktop.server import run

    monkeypatch.setattr(run, "build_server_services", lambda url: object())
    monkeypatch.setattr("kvoucher_desktop.server.app.create_app", lambda services, config, on_shutdown=(): config)
    monkeypatch.setenv(run.ENV_URL, "sqlite://")
    monkeypatch.setenv(run.ENV_TIMERS, "0")
    monkeypatch.setenv(run.ENV_CALLS_ON_LOOP, "1")
    assert run.app_from_environment().calls_in_threads is False
    monkeypatch.delenv(run.ENV_CALLS_ON_LOOP)
    assert run.app_from_environment().calls_in_threads is True
