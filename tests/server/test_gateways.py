"""The outside parties over the wire (server/gateways.py, remote/client.py): 본인인증 is served by
every server with the same Korean refusals and gives a token the server's signup accepts; the
simulated SMS are served only by a development server, and only those to the caller's own phones
(the session decides) and of the verifications the desk started itself."""

from __future__ import annotations

import json

import httpx
import pytest

from kvoucher_desktop.remote import gateway_wire as wire
from kvoucher_desktop.remote.client import (
    CERTIFICATE_MESSAGE,
    ClientConfig,
    RemoteServices,
    Transport,
    check_server,
    connect,
    host_port,
    server_problem,
)
from kvoucher_desktop.server.app import ServerConfig, create_app
from kvoucher_desktop.services.errors import (
    SessionInvalid,
    SettingsError,
    Unavailable,
    ValidationError,
    VerificationError,
)
from tests.factories import PASSWORD, mobile, signup_company, signup_form, sms_code
from tests.live_server import DEV_TEST_SERVER, live_server


@pytest.fixture(scope="module")
def dev_server():
    """A programme server with the development endpoints (the session's `live_server` has none)."""
    with live_server(DEV_TEST_SERVER) as server:
        yield server


@pytest.fixture
def ca_file(tmp_path):
    """`ca_file(server)`: the CA of a test server as a PEM file, as a desk is given it (`--server-ca`)."""
    return lambda server: server.ca_file(tmp_path)


@pytest.fixture
def on_dev(dev_server, ca_file, services):
    """A desk's RemoteServices on the development server, which serves the test's services."""
    dev_server.serve(services)
    remote = connect(dev_server.url, ca_file=ca_file(dev_server), config=ClientConfig(retries=0))
    yield remote
    remote.dispose()


def login(remote: RemoteServices, login_id: str):
    return remote.accounts.login(login_id, PASSWORD)


# --- 본인인증 ----------------------------------------------------------------------------------
def test_identity_over_the_wire_gives_a_token_the_servers_signup_accepts(on_dev, services):
    remote = on_dev
    request_id = remote.identity.start("홍길동", "010 1234 5678")
    assert remote.identity.expires_at(request_id) is not None
    code = sms_code(services, "010-1234-5678")  # the server's own simulator sent it

    with pytest.raises(VerificationError) as wrong:
        remote.identity.confirm(request_id, "000000" if code != "000000" else "111111")
    assert wrong.value.message == "인증번호가 일치하지 않습니다. (남은 횟수 4회)"
    verified = remote.identity.confirm(request_id, code)
    assert (verified.name, verified.phone) == ("홍길동", "010-1234-5678") and verified.token
    with pytest.raises(VerificationError, match="인증 요청을 찾을 수 없습니다"):
        remote.identity.confirm(request_id, code)  # once only

    form = signup_form(services, verify=False, representative_name="홍길동", representative_phone="010-1234-5678",
                       identity_name="홍길동", identity_phone="010-1234-5678", identity_token=verified.token)
    actor = remote.signup.submit(form).value
    assert actor.company_id is not None and actor.token


def test_identity_refusals_are_the_same_korean_errors_with_their_field(on_dev):
    with pytest.raises(ValidationError) as bad_phone:
        on_dev.identity.start("홍길동", "02-123-4567")
    assert bad_phone.value.field == "phone" and "010-XXXX-XXXX" in bad_phone.value.message
    with pytest.raises(VerificationError, match="다시 요청해 주세요"):
        on_dev.identity.confirm("0123456789abcdef", "123456")
    assert on_dev.identity.expires_at("0123456789abcdef") is None


def test_codes_to_one_phone_are_limited_like_logins(services):
    from litestar.testing import TestClient

    app = create_app(services, ServerConfig(login_per_account=2))
    with TestClient(app) as client:
        answers = [client.post(wire.IDENTITY_START, json={"name": "홍길동", "phone": "010-1234-5678"})
                   for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[2].json()["error"]["message"] == wire.IDENTITY_RATE_LIMITED_MESSAGE
        other = client.post(wire.IDENTITY_START, json={"name": "김철수", "phone": "010-9999-0000"})
        assert other.status_code == 200
        unknown = client.post(wire.IDENTITY_START, json={"name": "a", "phone": "010-1111-2222", "code": "1"})
        assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "code"


# --- the simulated SMS (development only) ---------------------------------------------------------
def test_a_desk_reads_only_the_sms_to_its_own_account_and_company(on_dev, services):
    remote = on_dev
    assert remote.sms.available is True
    mine_rep, mine_manager, card_holder, other_rep = (mobile(31_000_000 + i) for i in range(4))
    mine = signup_company(services, representative_phone=mine_rep, manager_same_as_representative=False,
                          manager_name="담당자", manager_phone=mine_manager)
    other = signup_company(services, representative_phone=other_rep)
    services.cards.issue_card(str(mine.company_id), card_holder)  # the card issuer's codes go here

    services.sms.send(mine_manager, "[테스트] 담당자에게")
    services.sms.send(card_holder, "[신한카드] 카드 소지자에게")
    services.sms.send(other_rep, "[테스트] 다른 기업에게")
    services.sms.send(mobile(31_000_999), "[테스트] 아무도 아닌 번호")

    desk_mine = login(remote, mine.login_id)
    assert not remote.sms.wants_poll(None) and remote.sms.wants_poll(desk_mine)
    heard = []
    remote.sms.subscribe(heard.append)
    assert remote.sms.poll(desk_mine) == 3  # the representative's signup verification too
    texts = sorted(m.text for m in remote.sms.outbox)
    assert texts[1:] == ["[신한카드] 카드 소지자에게", "[테스트] 담당자에게"] and "본인확인" in texts[0]
    assert heard == remote.sms.outbox
    assert remote.sms.last_to(mine_manager).text == "[테스트] 담당자에게"
    assert remote.sms.poll(desk_mine) == 0  # each message once

    services.sms.send(other_rep, "[테스트] 다른 기업에게 또")
    services.sms.send(mine_rep, "[테스트] 대표자에게")
    assert remote.sms.poll(desk_mine) == 1 and remote.sms.outbox[-1].text == "[테스트] 대표자에게"
    assert remote.sms.poll(None) == 0  # no session, no request: nobody's phone

    # another desk of the other company: its own messages from its login on, none of the first one's
    desk_other = connect(remote.url, http=remote.transport.http, config=ClientConfig(retries=0))
    other_actor = login(desk_other, other.login_id)
    services.sms.send(other_rep, "[테스트] 다른 기업에게 셋째")
    services.sms.send(mine_manager, "[테스트] 담당자에게 또")
    desk_other.sms.poll(other_actor)
    assert {m.phone for m in desk_other.sms.outbox} == {other_rep}
    assert "[테스트] 다른 기업에게 셋째" in [m.text for m in desk_other.sms.outbox]


def test_before_login_a_desk_reads_the_code_of_its_own_verification_only(on_dev, services):
    remote = on_dev
    phone = mobile(32_000_001)
    services.sms.send(phone, "[테스트] 먼저 온 다른 문자")
    request_id = remote.identity.start("홍길동", phone)
    services.identity.start("남의요청", phone)  # another desk's verification of the same number
    services.sms.send(phone, "[테스트] 나중에 온 다른 문자")
    assert remote.sms.wants_poll(None)
    assert remote.sms.poll(None) == 1
    (message,) = remote.sms.outbox
    assert message.phone == phone and "본인확인 인증번호" in message.text
    assert remote.identity.confirm(request_id, sms_code(remote, phone)).phone == phone


def test_after_its_session_ends_a_desk_stops_asking_for_its_phones(on_dev, services):
    """A session that ended (here a logout on the server's side, as expiry or a lock would end it)
    is refused once; the panel's timer then does not ask with it again, and still reads the code
    of a verification the desk starts."""
    remote = on_dev
    representative = mobile(33_000_002)
    company = signup_company(services, representative_phone=representative)
    actor = login(remote, company.login_id)
    assert remote.sms.wants_poll(actor)
    services.accounts.logout(actor)
    with pytest.raises(SessionInvalid):
        remote.sms.poll(actor)
    assert not remote.sms.wants_poll(actor)
    phone = mobile(33_000_001)
    remote.identity.start("홍길동", phone)
    assert remote.sms.wants_poll(actor)  # for the verification, without the ended session
    assert remote.sms.poll(actor) == 1 and "본인확인" in remote.sms.outbox[-1].text
    again = login(remote, company.login_id)  # a new login is asked for again
    services.sms.send(representative, "[테스트] 다시 로그인한 뒤")
    assert remote.sms.poll(again) == 1 and remote.sms.outbox[-1].text == "[테스트] 다시 로그인한 뒤"


def test_the_body_cannot_name_phones_or_sessions(dev_server, services):
    dev_server.serve(services)
    with dev_server.http() as http:
        unknown = http.post(wire.DEV_SMS, json={"phones": ["010-1234-5678"]})
        assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "phones"
        forged = http.post(wire.DEV_SMS, json={}, headers={"Authorization": "Bearer " + "x" * 43})
        assert forged.status_code == 401 and forged.json()["error"]["type"] == "SessionInvalid"
        many = http.post(wire.DEV_SMS, json={"requests": ["a"] * (wire.MAX_POLLED_REQUESTS + 1)})
        assert many.status_code == 422


def test_without_dev_endpoints_the_sms_address_is_unknown_with_the_korean_envelope(live_server, ca_file, services):
    live_server.serve(services)
    services.sms.send("010-1234-5678", "[테스트] 보이면 안 되는 문자")
    with live_server.http() as http:
        answer = http.post(wire.DEV_SMS, json={})
    assert answer.status_code == 404
    assert answer.json() == {"error": {"type": "HTTPError", "code": "not_found", "message": "없는 주소입니다.",
                                       "field": None, "changes": None}}
    remote = connect(live_server.url, ca_file=ca_file(live_server), config=ClientConfig(retries=0))
    try:
        assert remote.sms.available is False and not remote.sms.wants_poll(None)
        assert remote.identity.start("홍길동", "010-1234-5678")  # 본인인증 is served all the same
    finally:
        remote.dispose()


# --- the health check of the 서버 연결 dialog ----------------------------------------------------
def test_check_server_names_the_server_or_says_why_not(live_server, ca_file):
    assert check_server(live_server.url, ca_file=ca_file(live_server)).startswith(host_port(live_server.url))
    with pytest.raises(Unavailable) as untrusted:  # the system's trust store knows no test CA
        check_server(live_server.url)
    assert untrusted.value.message == CERTIFICATE_MESSAGE and untrusted.value.code == "server_certificate"
    with pytest.raises(Unavailable) as closed:
        check_server("https://127.0.0.1:1")
    assert closed.value.code == "server_unreachable" and "서버" in server_problem(closed.value)
    with pytest.raises(ValueError, match="https"):
        check_server("http://example.org:8443")
    with pytest.raises(SettingsError, match="CA 파일을 읽을 수 없습니다"):
        check_server(live_server.url, ca_file="/nonexistent/ca.pem")


def test_a_server_that_is_no_programme_server_is_said_to_be_none(monkeypatch):
    from kvoucher_desktop.remote import client

    mock = httpx.Client(base_url="https://127.0.0.1:9", transport=httpx.MockTransport(
        lambda request: httpx.Response(200, content=json.dumps({"status": "up"}).encode())))
    monkeypatch.setattr(client, "Transport", lambda url, **kw: Transport(url, http=mock))
    with pytest.raises(Unavailable, match="K-비대면 바우처 서버가 응답하지 않습니다"):
        check_server("https://127.0.0.1:9")


def test_a_development_server_runs_one_worker(capsys):
    """The simulated SMS and verification requests live in a worker's memory: a second worker would
    not know the code the first one sent."""
    from kvoucher_desktop.server.run import main as server_main

    assert server_main(["--database-url", "sqlite://", "--dev-endpoints", "--workers", "2"]) == 2
    assert "--workers 1" in capsys.readouterr().err
