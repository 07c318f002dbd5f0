"""The shipped block list of common passwords (rules/common_passwords.txt), SPEC §8."""

from __future__ import annotations

from importlib import resources

import pytest

from kvoucher_desktop.services.rules.numbers import (
    MIN_PASSWORD,
    common_passwords,
    is_common_password,
    password_error,
)

BLOCKED_MESSAGE = "너무 흔해서 쉽게 짐작할 수 있는 비밀번호입니다. 다른 비밀번호를 입력해 주세요."


def test_the_list_ships_in_the_package_with_a_few_hundred_entries():
    text = resources.files("kvoucher_desktop.services.rules").joinpath("common_passwords.txt").read_text("utf-8")
    entries = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(entries) >= 300
    assert len(set(entries)) == len(entries) and all(e == e.lower() for e in entries)
    assert all(len(e) >= MIN_PASSWORD for e in entries)  # shorter ones are refused by length anyway
    assert common_passwords() == frozenset(entries)


@pytest.mark.parametrize("password", [
    "password12", "1234567890", "qwertyuiop", "1q2w3e4r5t",
    "PASSWORD12", "QwErTyUiOp", "1Q2W3E4R5T",  # case does not help
    "qwer1234!@#$", "iloveyou123", "p@ssw0rd123", "dkssudgktpdy", "1qaz2wsx3edc",
])
def test_common_passwords_are_refused_ignoring_case(password):
    assert is_common_password(password)
    assert password_error(password) == BLOCKED_MESSAGE


@pytest.mark.parametrize("password", ["test-pass-2026!", "demo-pass-2026", "correct horse battery", "1234567890-x"])
def test_uncommon_passwords_pass(password):
    assert not is_common_password(password)
    assert password_error(password) is None
