"""Login, lockout and accounts (SPEC §8), on both stores."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kvoucher_desktop.enums import Role
from kvoucher_desktop.services.accounts import LOGIN_FAILED_MESSAGE
from kvoucher_desktop.services.errors import AccountLocked, AuthenticationError, PermissionDenied, ValidationError

from tests.factories import PASSWORD, make_agency, make_operator, operator_id, signup_company

WRONG = "wrong-password-123"


@pytest.fixture
def user(services):
    return make_operator(services, login_id="lockme")


def _fail(services, login_id, times):
    for _ in range(times):
        with pytest.raises(AuthenticationError) as refused:
            services.accounts.login(login_id, WRONG)
    return refused.value


def test_login_returns_the_actor_of_the_account(services, user):
    actor = services.accounts.login("lockme", PASSWORD)
    assert actor == user
    assert services.accounts.login("  LockMe ", PASSWORD).user_id == user.user_id  # id ignores case
    demand = signup_company(services)
    assert services.accounts.login(demand.login_id, PASSWORD).company_id == demand.company_id


def test_unknown_id_and_wrong_password_get_the_same_message(services, user):
    """No remaining-attempts hint that only an existing id gets: both answers are identical."""
    with pytest.raises(AuthenticationError) as unknown:
        services.accounts.login("nobody", PASSWORD)
    for _ in range(4):  # also the 4th wrong password (one before the lock) says nothing more
        with pytest.raises(AuthenticationError) as wrong:
            services.accounts.login("lockme", WRONG)
        assert not isinstance(unknown.value, AccountLocked) and not isinstance(wrong.value, AccountLocked)
        assert unknown.value.message == wrong.value.message == LOGIN_FAILED_MESSAGE
        assert (unknown.value.code, unknown.value.field) == (wrong.value.code, wrong.value.field)
    assert "남은" not in LOGIN_FAILED_MESSAGE and "5회" in LOGIN_FAILED_MESSAGE


def test_five_wrong_passwords_lock_for_ten_minutes(services, clock, user):
    last = _fail(services, "lockme", 4)
    assert not isinstance(last, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        services.accounts.login("lockme", WRONG)
    assert "10분" in locked.value.message
    assert "2026-03-02 10:10" in locked.value.message  # until when, in KST

    with pytest.raises(AccountLocked):  # even the right password
        services.accounts.login("lockme", PASSWORD)
    clock.advance(minutes=9, seconds=59)
    with pytest.raises(AccountLocked):
        services.accounts.login("lockme", PASSWORD)
    clock.advance(seconds=1)
    assert services.accounts.login("lockme", PASSWORD).user_id == user.user_id


def test_lockout_is_audited(services, clock, user):
    _fail(services, "lockme", 4)
    with pytest.raises(AccountLocked):
        services.accounts.login("lockme", WRONG)
    records = services.audit.records_unchecked(entity_id=user.user_id, action_prefix="account.locked")
    assert len(records) == 1
    record = records[0]
    assert (record.actor_name, record.actor_role, record.entity_type) == (user.name, "OPERATOR", "user")
    assert record.at == clock.now()
    assert json.loads(record.after)["locked_until"].startswith((clock.now() + timedelta(minutes=10)).isoformat()[:19])
    clock.advance(minutes=1)
    with pytest.raises(AccountLocked):  # attempts during the lock are refused and audited too
        services.accounts.login("lockme", PASSWORD)
    refused = services.audit.records_unchecked(entity_id=user.user_id, action_prefix="account.login_refused_locked")
    assert [r.at for r in refused] == [clock.now()]


def test_after_the_lock_expires_the_count_starts_again(services, clock, user):
    _fail(services, "lockme", 4)
    with pytest.raises(AccountLocked):
        services.accounts.login("lockme", WRONG)
    clock.advance(minutes=10)
    last = _fail(services, "lockme", 4)  # four fresh tries, not an immediate re-lock
    assert not isinstance(last, AccountLocked)
    with pytest.raises(AccountLocked):
        services.accounts.login("lockme", WRONG)


def test_a_successful_login_resets_the_counter(services, user):
    _fail(services, "lockme", 4)
    services.accounts.login("lockme", PASSWORD)
    last = _fail(services, "lockme", 4)  # without the reset the first of these would lock
    assert not isinstance(last, AccountLocked)
    assert services.accounts.login("lockme", PASSWORD).user_id == user.user_id
    _fail(services, "lockme", 4)
    with pytest.raises(AccountLocked):  # five in a row still lock
        services.accounts.login("lockme", WRONG)


def test_failures_are_counted_per_account(services, user):
    make_operator(services, login_id="bystander")
    _fail(services, "lockme", 3)
    _fail(services, "bystander", 3)
    assert services.accounts.login("lockme", PASSWORD)
    assert services.accounts.login("bystander", PASSWORD)


def test_the_agency_can_lift_a_lock(services, user):
    _fail(services, "lockme", 4)
    with pytest.raises(AccountLocked):
        services.accounts.login("lockme", WRONG)
    agency = make_agency(services)
    with pytest.raises(PermissionDenied):
        services.accounts.unlock(user, user.user_id)
    services.accounts.unlock(agency, user.user_id)
    assert services.accounts.login("lockme", PASSWORD).user_id == user.user_id
    record = services.audit.records_unchecked(entity_id=user.user_id, action_prefix="account.unlock")[0]
    assert record.actor_role == "AGENCY" and json.loads(record.after) == {"locked_until": None, "active": True}
    assert json.loads(record.before)["locked_until"] is not None


def test_change_password(services, user):
    with pytest.raises(ValidationError) as refused:
        services.accounts.change_password(user, WRONG, "new-password-1", "new-password-1")
    assert refused.value.field == "old_password"
    with pytest.raises(ValidationError) as refused:
        services.accounts.change_password(user, PASSWORD, "short", "short")
    assert refused.value.field == "password"
    with pytest.raises(ValidationError) as refused:
        services.accounts.change_password(user, PASSWORD, "new-password-1", "new-password-2")
    assert refused.value.field == "password_confirm"
    services.accounts.change_password(user, PASSWORD, "new-password-1", "new-password-1")
    with pytest.raises(AuthenticationError):
        services.accounts.login("lockme", PASSWORD)
    assert services.accounts.login("lockme", "new-password-1").user_id == user.user_id


# --- accounts created by the agency ---------------------------------------------------------------
def test_agency_creates_accounts_listed_with_their_organisation(services):
    agency = make_agency(services)
    seoul = operator_id(services, "서울")
    view = services.accounts.create_account(agency, role=Role.OPERATOR, login_id="op-seoul", password=PASSWORD,
                                            display_name="  서울 담당  ", operator_id=seoul).value
    assert (view.role, view.display_name, view.organisation) == (Role.OPERATOR, "서울 담당", "서울지역 운영기관")
    actor = services.accounts.login("op-seoul", PASSWORD)
    assert actor.operator_id == seoul and actor.role is Role.OPERATOR
    listed = services.accounts.list_accounts(agency, Role.OPERATOR)
    assert [(u.login_id, u.organisation) for u in listed] == [("op-seoul", "서울지역 운영기관")]
    [record] = services.audit.records_unchecked(entity_id=view.id, action_prefix="account.create")
    assert record.actor_role == "AGENCY" and json.loads(record.after)["role"] == "OPERATOR"


@pytest.mark.parametrize("kwargs,field", [
    (dict(login_id="agency"), "login_id"),  # taken (by the bootstrap agency)
    (dict(login_id="AGENCY"), "login_id"),  # taken, other case
    (dict(login_id="x"), "login_id"),  # too short
    (dict(login_id="1abc"), "login_id"),  # must start with a letter
    (dict(password="123456789"), "password"),  # 9 characters
    (dict(password="newoperator-pw"), "password"),  # contains the id
    (dict(operator_id=None), "operator_id"),
    (dict(display_name="  "), "display_name"),
    (dict(role=Role.DEMAND), "role"),
    (dict(role=Role.SUPPLIER), "supplier_id"),
])
def test_account_creation_is_validated(services, kwargs, field):
    agency = make_agency(services)
    values = dict(role=Role.OPERATOR, login_id="newoperator", password=PASSWORD, display_name="담당",
                  operator_id=operator_id(services))
    values.update(kwargs)
    before = services.accounts.list_accounts(agency)
    with pytest.raises(ValidationError) as refused:
        services.accounts.create_account(agency, **values)
    assert refused.value.field == field
    assert services.accounts.list_accounts(agency) == before


# --- demand accounts through a search ----------------------------------------------------------
def _lock(services, login_id):
    _fail(services, login_id, 4)
    with pytest.raises(AccountLocked):
        services.accounts.login(login_id, WRONG)


def test_demand_accounts_are_listed_only_for_a_search(services):
    agency = make_agency(services)
    staff = make_operator(services, login_id="op-search")
    demand = signup_company(services)
    company_name = services.companies.get(demand).info.name
    _lock(services, demand.login_id)
    # without a query: staff only, as before
    assert demand.login_id not in {u.login_id for u in services.accounts.list_accounts(agency)}
    assert services.accounts.list_accounts(agency, Role.DEMAND) == []
    # part of the login id, other case: the demand login is found, locked, with its company
    needle = demand.login_id[2:-1].upper()
    found = services.accounts.list_accounts(agency, query=needle)
    [row] = [u for u in found if u.login_id == demand.login_id]
    assert row.role is Role.DEMAND and row.locked_until is not None
    assert row.organisation == company_name
    # the query filters staff accounts too; the role filter still applies
    assert staff.login_id not in {u.login_id for u in found}
    assert [u.login_id for u in services.accounts.list_accounts(agency, Role.DEMAND, needle)] == [demand.login_id]
    assert services.accounts.list_accounts(agency, Role.OPERATOR, needle) == []
    assert [u.login_id for u in services.accounts.list_accounts(agency, query="op-SEARCH")] == ["op-search"]
    # the display name (the company name) is searched too; wildcards are plain characters
    by_name = services.accounts.list_accounts(agency, query=row.display_name)
    assert demand.login_id in {u.login_id for u in by_name}
    assert services.accounts.list_accounts(agency, query="%") == []
    # found, then unlocked
    services.accounts.unlock(agency, row.id)
    assert services.accounts.login(demand.login_id, PASSWORD).user_id == demand.user_id


def test_a_demand_search_lists_at_most_200_accounts(services, clock):
    from kvoucher_desktop.models import User
    from kvoucher_desktop.services.accounts import DEMAND_SEARCH_LIMIT

    agency = make_agency(services)
    make_operator(services, login_id="manydemand-op")  # staff rows come on top of the limit
    hashed = services.passwords.hash(PASSWORD)
    with services.programme.uow() as uow:
        for i in range(DEMAND_SEARCH_LIMIT + 5):
            uow.session.add(User(login_id=f"manydemand{i:04d}", password_hash=hashed, role=Role.DEMAND,
                                 display_name=f"수요기업{i:04d}", created_at=clock.now()))
        uow.commit()
    assert DEMAND_SEARCH_LIMIT == 200
    found = services.accounts.list_accounts(agency, query="manydemand")
    demand = [u.login_id for u in found if u.role is Role.DEMAND]
    assert len(demand) == 200 and demand == sorted(demand) and demand[0] == "manydemand0000"
    assert [u.login_id for u in found if u.role is not Role.DEMAND] == ["manydemand-op"]
    assert len(services.accounts.list_accounts(agency, query="manydemand0204")) == 1


def test_an_operator_cannot_list_or_search_accounts(services):
    operator = make_operator(services)
    demand = signup_company(services)
    with pytest.raises(PermissionDenied):
        services.accounts.list_accounts(operator)
    with pytest.raises(PermissionDenied):
        services.accounts.list_accounts(operator, query=demand.login_id)
