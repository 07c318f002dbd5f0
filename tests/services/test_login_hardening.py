"""Login hardening (issue: data at rest and logs, races), on both stores: the failure count is
atomic under concurrent wrong passwords, and common passwords are refused wherever a password
is set (signup, account creation, password change)."""

from __future__ import annotations

import threading

import pytest

from kvoucher_desktop.enums import Role
from kvoucher_desktop.services.accounts import LOGIN_FAILED_MESSAGE
from kvoucher_desktop.services.errors import AccountLocked, AuthenticationError, ValidationError

from tests.factories import PASSWORD, make_agency, make_operator, operator_id, signup_form

BLOCKED = ("password12", "1234567890", "QWERTYUIOP", "1q2w3e4r5t")
THREADS = 20


def _audit_actions(services, user_id) -> list[str]:
    return [r.action for r in services.audit.records_unchecked(entity_id=user_id, action_prefix="account.")]


def test_concurrent_wrong_passwords_all_count_and_lock_the_account(services):
    """20 desks (threads) try wrong passwords at the same moment: every failure counts, so the
    account locks (before, on SQLite each read the same count and none ever locked)."""
    operator = make_operator(services, login_id="raced")
    start = threading.Barrier(THREADS)
    outcomes: list[BaseException] = []
    guard = threading.Lock()

    def attempt(n: int) -> None:
        start.wait()
        try:
            services.accounts.login("raced", f"wrong-password-{n:02d}")
        except BaseException as exc:  # noqa: BLE001 - every outcome is collected
            with guard:
                outcomes.append(exc)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == THREADS
    assert all(isinstance(e, AuthenticationError) for e in outcomes), [repr(e) for e in outcomes]
    locked = [e for e in outcomes if isinstance(e, AccountLocked)]
    assert locked, "20 concurrent wrong passwords must lock the account"
    plain = [e for e in outcomes if not isinstance(e, AccountLocked)]
    assert all(e.message == LOGIN_FAILED_MESSAGE for e in plain)
    with pytest.raises(AccountLocked):  # even the right password, now
        services.accounts.login("raced", PASSWORD)
    actions = _audit_actions(services, operator.user_id)
    # every attempt was counted: a failure, a lock, or refused because the account was locked
    counted = [a for a in actions if a in ("account.login_failed", "account.locked", "account.login_refused_locked")]
    assert len(counted) == THREADS + 1  # + the right password refused above
    assert actions.count("account.locked") >= 1
    assert actions.count("account.login_failed") <= THREADS - len(locked)


def test_concurrent_failures_of_one_account_leave_others_alone(services):
    make_operator(services, login_id="target")
    make_operator(services, login_id="neighbour")
    start = threading.Barrier(10)

    def attempt() -> None:
        start.wait()
        with pytest.raises(AuthenticationError):
            services.accounts.login("target", "wrong-password-00")

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert services.accounts.login("neighbour", PASSWORD).login_id == "neighbour"
    with pytest.raises(AccountLocked):
        services.accounts.login("target", PASSWORD)


# --- common passwords ---------------------------------------------------------------------------
@pytest.mark.parametrize("password", BLOCKED)
def test_signup_refuses_a_common_password(services, password):
    form = signup_form(services, password=password, password_confirm=password)
    with pytest.raises(ValidationError) as refused:
        services.signup.check_step("account", form)
    assert refused.value.field == "password" and "흔해서" in refused.value.message
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(form)
    assert refused.value.field == "password"
    with pytest.raises(AuthenticationError):  # nothing was created
        services.accounts.login(form.login_id, password)


@pytest.mark.parametrize("password", BLOCKED)
def test_account_creation_refuses_a_common_password(services, password):
    agency = make_agency(services)
    with pytest.raises(ValidationError) as refused:
        services.accounts.create_account(agency, role=Role.OPERATOR, login_id="new-op", password=password,
                                         display_name="심사담당", operator_id=operator_id(services))
    assert refused.value.field == "password" and "흔해서" in refused.value.message
    assert "new-op" not in {u.login_id for u in services.accounts.list_accounts(agency)}


@pytest.mark.parametrize("password", BLOCKED)
def test_password_change_refuses_a_common_password(services, password):
    operator = make_operator(services, login_id="changer")
    with pytest.raises(ValidationError) as refused:
        services.accounts.change_password(operator, PASSWORD, password, password)
    assert refused.value.field == "password" and "흔해서" in refused.value.message
    assert services.accounts.login("changer", PASSWORD).user_id == operator.user_id  # unchanged
