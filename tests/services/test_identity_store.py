"""본인인증 shared by every desk and every server worker of one store: the identity provider's
requests and tokens live in the issuers' store (`identity_requests`, `identity_tokens`), so a
verification started on one desk (or worker) is confirmed, counted and redeemed on any other."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from sqlalchemy import func, inspect, select, text, update

from kvoucher_desktop.services.errors import ValidationError, VerificationError
from kvoucher_desktop.services.gateways.identity import VerifiedIdentity
from kvoucher_desktop.services.gateways.identity_simulator import NOT_FOUND_MESSAGE, SimulatedIdentityVerifier
from kvoucher_desktop.services.gateways.issuer_store import (
    SCHEMA_VERSION,
    IdentityRequest,
    IdentityToken,
    IssuerSchema,
    IssuerStoreError,
    open_issuer_store,
)
from kvoucher_desktop.services.gateways.sms import SimulatedSms
from kvoucher_desktop.services.store import create_store_engine
from kvoucher_desktop.settings import sqlite_url

from tests.conftest import _build
from tests.concurrency import at_once
from tests.factories import mobile, signup_form, sms_code, valid_business_no

NAME = "홍길동"


@pytest.fixture
def second_desk(store_url, clock):
    """Another set of services on the same store: a second desk, or a second server worker."""
    built = _build(store_url, clock)
    yield built
    built.dispose()


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _verify_across(started_on, confirmed_on, name: str, phone: str) -> str:
    request = started_on.identity.start(name, phone)
    return confirmed_on.identity.confirm(request, sms_code(started_on, phone)).token


# --- two desks (or two workers) on one store ---------------------------------------------------------
def test_a_verification_started_on_one_desk_is_confirmed_and_signs_up_on_another(services, second_desk):
    form = signup_form(services, verify=False)
    name, phone = form.representative_name, form.representative_phone
    request = services.identity.start(name, phone)
    assert second_desk.identity.expires_at(request) == services.identity.expires_at(request) is not None
    verified = second_desk.identity.confirm(request, sms_code(services, phone))
    assert (verified.name, verified.phone) == (name, phone)
    for desk in (services, second_desk):
        assert desk.identity.check(verified.token, name, phone)
        with pytest.raises(VerificationError) as refused:  # confirmed once, wherever
            desk.identity.confirm(request, sms_code(services, phone))
        assert refused.value.message == NOT_FOUND_MESSAGE
    form = replace(form, identity_name=name, identity_phone=phone, identity_token=verified.token)
    actor = services.signup.submit(form).value  # on the desk that never saw the confirm
    assert actor.company_id is not None


def test_five_wrong_codes_are_counted_across_desks(services, second_desk):
    phone = "010-2222-3333"
    request = services.identity.start(NAME, phone)
    code = sms_code(services, phone)
    desks = [second_desk, services, second_desk, services]
    for left, desk in zip((4, 3, 2, 1), desks):
        with pytest.raises(VerificationError) as refused:
            desk.identity.confirm(request, _wrong(code))
        assert refused.value.message == f"인증번호가 일치하지 않습니다. (남은 횟수 {left}회)"
    with pytest.raises(VerificationError) as refused:
        second_desk.identity.confirm(request, _wrong(code))
    assert refused.value.message == "인증번호를 5회 잘못 입력했습니다. 인증번호를 다시 요청해 주세요."
    for desk in (services, second_desk):
        with pytest.raises(VerificationError):  # even the right code is too late now, on either desk
            desk.identity.confirm(request, code)


def test_a_lapsed_code_is_refused_on_the_other_desk(services, second_desk, clock):
    phone = "010-4444-5555"
    request = services.identity.start(NAME, phone)
    clock.advance(minutes=3, seconds=1)
    with pytest.raises(VerificationError) as refused:
        second_desk.identity.confirm(request, sms_code(services, phone))
    assert "3분" in refused.value.message


def test_a_token_redeemed_on_one_desk_is_refused_on_the_other(services, second_desk):
    form = signup_form(services)  # verified on `services`
    services.signup.submit(form)
    assert not second_desk.identity.check(form.identity_token, form.identity_name, form.identity_phone)
    second = replace(form, business_no=valid_business_no(777_002), login_id="second-company-b")
    with pytest.raises(ValidationError) as refused:
        second_desk.signup.submit(second)
    assert refused.value.field == "identity"

    token = _verify_across(second_desk, services, "김철수", mobile(66_666))
    assert services.identity.check(token, "김철수", mobile(66_666))
    second_desk.identity.redeem(token)
    second_desk.identity.redeem(token)  # again: nothing more happens
    assert not services.identity.check(token, "김철수", mobile(66_666))
    assert not second_desk.identity.check(token, "김철수", mobile(66_666))


def test_a_token_lapses_after_two_hours_on_every_desk(services, second_desk, clock):
    token = _verify_across(services, second_desk, NAME, mobile(77_777))
    clock.advance(hours=2)
    assert services.identity.check(token, NAME, mobile(77_777))
    clock.advance(seconds=1)
    assert not services.identity.check(token, NAME, mobile(77_777))
    assert not second_desk.identity.check(token, NAME, mobile(77_777))


def test_the_simulated_sms_of_a_request_stays_with_the_desk_that_sent_it(services, second_desk):
    request = services.identity.start(NAME, mobile(88_888))
    assert services.identity.message_of(request) is services.sms.last_to(mobile(88_888))
    assert second_desk.identity.message_of(request) is None  # what a development server shows (one worker)


# --- at once ---------------------------------------------------------------------------------------
def test_two_desks_confirming_one_request_at_once_get_one_token(services, second_desk):
    for round_no in range(8):
        phone = mobile(90_000 + round_no)
        request = services.identity.start(NAME, phone)
        code = sms_code(services, phone)
        results = at_once(lambda: services.identity.confirm(request, code),
                           lambda: second_desk.identity.confirm(request, code))
        won = [r for r in results if isinstance(r, VerifiedIdentity)]
        lost = [r for r in results if not isinstance(r, VerifiedIdentity)]
        assert len(won) == 1 and len(lost) == 1, results
        assert isinstance(lost[0], VerificationError) and lost[0].message == NOT_FOUND_MESSAGE, results
        assert services.identity.check(won[0].token, NAME, phone)
        assert second_desk.identity.check(won[0].token, NAME, phone)
        with services.issuer_store.transaction() as session:
            assert session.scalar(select(func.count()).select_from(IdentityToken).where(
                IdentityToken.request_id_hash == hashlib.sha256(request.encode()).hexdigest())) == 1


def test_wrong_codes_at_once_on_two_desks_are_each_counted(services, second_desk):
    for round_no in range(3):
        phone = mobile(91_000 + round_no)
        request = services.identity.start(NAME, phone)
        code = sms_code(services, phone)
        desks = [services, second_desk] * 3
        results = at_once(*(lambda desk=desk: desk.identity.confirm(request, _wrong(code)) for desk in desks))
        messages = sorted(r.message for r in results if isinstance(r, VerificationError))
        assert len(messages) == 6, results
        assert messages == sorted(
            [f"인증번호가 일치하지 않습니다. (남은 횟수 {left}회)" for left in (4, 3, 2, 1)]
            + ["인증번호를 5회 잘못 입력했습니다. 인증번호를 다시 요청해 주세요.", NOT_FOUND_MESSAGE]), results


# --- the issuers' store ------------------------------------------------------------------------------
@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "issuers.sqlite3"


def test_codes_request_ids_and_tokens_are_not_stored_in_clear(store_path, clock):
    store = open_issuer_store(sqlite_url(store_path))
    sms = SimulatedSms(clock)
    identity = SimulatedIdentityVerifier(store, clock, sms, seed=3)
    secrets_seen = []
    for n in range(3):
        phone = mobile(50_000 + n)
        request = identity.start(NAME, phone)
        code = sms.last_to(phone).text.split("[")[2].split("]")[0]
        token = identity.confirm(request, code).token
        secrets_seen += [request, code, token]
    store.dispose()  # the WAL is checkpointed into the file
    content = b"".join(p.read_bytes() for p in store_path.parent.glob(store_path.name + "*"))
    assert mobile(50_000).encode() in content  # the provider's own record does hold the phone
    for secret in secrets_seen:
        assert secret.encode() not in content


def test_requests_and_tokens_are_forgotten_a_day_after_the_code(store_path, clock):
    store = open_issuer_store(sqlite_url(store_path))
    try:
        sms = SimulatedSms(clock)
        identity = SimulatedIdentityVerifier(store, clock, sms)
        old = identity.start(NAME, mobile(1))
        token = identity.confirm(old, sms.last_to(mobile(1)).text.split("[")[2].split("]")[0]).token
        clock.advance(days=1, seconds=1)
        identity.start(NAME, mobile(2))
        assert identity.expires_at(old) is None
        assert not identity.check(token, NAME, mobile(1))
        with store.transaction() as session:
            assert session.scalar(select(func.count()).select_from(IdentityRequest)) == 1
            assert session.scalar(select(func.count()).select_from(IdentityToken)) == 0
    finally:
        store.dispose()


def _as_version_1(store_path) -> None:
    """Make the store at `store_path` what version 1 left: no identity tables, version 1."""
    store = open_issuer_store(sqlite_url(store_path))
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE identity_tokens"))
        conn.execute(text("DROP TABLE identity_requests"))
        conn.execute(update(IssuerSchema).values(version=1))
    store.dispose()


def test_a_version_1_store_gains_the_identity_tables(store_path, clock):
    _as_version_1(store_path)
    store = open_issuer_store(sqlite_url(store_path))
    try:
        assert {"identity_requests", "identity_tokens"} <= set(inspect(store.engine).get_table_names())
        with store.transaction() as session:
            assert session.scalar(select(IssuerSchema.version)) == SCHEMA_VERSION == 2
        sms = SimulatedSms(clock)
        identity = SimulatedIdentityVerifier(store, clock, sms)
        request = identity.start(NAME, mobile(3))
        assert identity.confirm(request, sms.last_to(mobile(3)).text.split("[")[2].split("]")[0]).token
    finally:
        store.dispose()


def test_a_store_of_a_later_version_is_refused_untouched(store_path):
    _as_version_1(store_path)
    store = open_issuer_store(sqlite_url(store_path))  # now version 2
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE identity_tokens"))
        conn.execute(update(IssuerSchema).values(version=SCHEMA_VERSION + 1))
    store.dispose()
    with pytest.raises(IssuerStoreError):
        open_issuer_store(sqlite_url(store_path))
    engine = create_store_engine(sqlite_url(store_path))
    try:
        assert "identity_tokens" not in inspect(engine).get_table_names()  # nothing of this version added
    finally:
        engine.dispose()


def test_old_requests_are_deleted_on_both_stores(services, clock):
    """PostgreSQL too: the identity tables among the platform's, apart from its migrations."""
    request = services.identity.start(NAME, mobile(4))
    clock.advance(days=2)
    services.identity.start(NAME, mobile(5))
    assert services.identity.expires_at(request) is None
