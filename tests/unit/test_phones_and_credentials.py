"""Phone numbers, e-mail, login ids and passwords (SPEC §8)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvoucher_desktop.services.passwords import FAST_FOR_TESTS, Passwords
from kvoucher_desktop.services.rules.numbers import (
    is_common_password,
    login_id_error,
    normalize_mobile,
    normalize_phone,
    password_error,
    valid_email,
)

four = st.text(alphabet="0123456789", min_size=4, max_size=4)


@given(four, four)
def test_mobile_numbers_are_normalised_to_010_xxxx_xxxx(a, b):
    expected = f"010-{a}-{b}"
    for text in (expected, f"010{a}{b}", f" 010 {a} {b} ", f"010-{a}{b}", f"010{a}-{b}"):
        assert normalize_mobile(text) == expected
        assert normalize_phone(text) == expected


@given(st.sampled_from(["011", "016", "017", "018", "019", "02", "031", "070"]), four, four)
def test_only_010_numbers_are_mobiles(head, a, b):
    assert normalize_mobile(f"{head}-{a}-{b}") is None


@given(st.text(alphabet="0123456789-", max_size=15))
def test_a_normalised_mobile_is_always_in_the_one_form(text):
    result = normalize_mobile(text)
    if result is not None:
        assert len(result) == 13 and result.startswith("010-") and result[8] == "-"
        assert result.replace("-", "") == text.replace("-", "")


@pytest.mark.parametrize("text,expected", [
    ("02-123-4567", "02-123-4567"),
    ("0212345678", "02-1234-5678"),
    ("031-123-4567", "031-123-4567"),
    ("0311234567", "031-123-4567"),
    ("064-700-1017", "064-700-1017"),
    ("010-1234-5678", "010-1234-5678"),
    ("1234-5678", None),
    ("02-12-3456", None),
    ("02-1234-56789", None),
    ("tel 02-123-4567", None),
    ("", None),
])
def test_landlines(text, expected):
    assert normalize_phone(text) == expected


@pytest.mark.parametrize("text,ok", [
    ("manager@company.example.kr", True),
    (" a@b.co ", True),
    ("no-at-sign.example.kr", False),
    ("two@@example.kr", False),
    ("space in@example.kr", False),
    ("nodot@example", False),
    ("", False),
])
def test_email(text, ok):
    assert valid_email(text) is ok


@pytest.mark.parametrize("login_id,ok", [
    ("abcd", True), ("a" * 30, True), ("user_1.x-y", True),
    ("abc", False), ("a" * 31, False), ("1abc", False), ("_abc", False), ("한글아이디", False), ("ab cd", False),
])
def test_login_ids(login_id, ok):
    assert (login_id_error(login_id) is None) is ok


@given(st.text(min_size=10, max_size=40).filter(lambda p: p.strip() == p and not is_common_password(p)))
def test_any_password_of_ten_or_more_characters_is_accepted(password):
    assert password_error(password) is None


@given(st.text(max_size=9))
def test_passwords_shorter_than_ten_are_refused(password):
    assert password_error(password) == "비밀번호는 10자 이상이어야 합니다."


def test_password_must_not_contain_the_login_id_or_outer_spaces():
    assert password_error("xxMyIdxxxxxx", "myid") is not None
    assert password_error(" leading-space-pw") is not None
    assert password_error("trailing-space-pw ") is not None


def test_argon2id_hashes_verify_only_the_right_password():
    passwords = Passwords(FAST_FOR_TESTS)
    stored = passwords.hash("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored
    assert passwords.verify(stored, "correct horse battery")
    assert not passwords.verify(stored, "correct horse batterz")
    assert not passwords.verify(None, "correct horse battery")
    assert not passwords.verify("not-a-hash", "correct horse battery")
    assert passwords.hash("same") != passwords.hash("same")  # salted
