"""사업자등록번호 and 법인등록번호 rules (SPEC §8), checked against an independent reference."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kvoucher_desktop.services.rules.numbers import (
    business_no_check_digit,
    business_no_error,
    format_business_no,
    format_corporate_no,
    normalize_business_no,
    normalize_corporate_no,
)


def reference_is_valid(digits: str) -> bool:
    """SPEC §8, written out independently: weights 1,3,7,1,3,7,1,3,5 on the first nine digits,
    plus floor(9th digit × 5 / 10); check = (10 − sum mod 10) mod 10 equals the 10th digit."""
    d = [int(c) for c in digits]
    total = d[0] * 1 + d[1] * 3 + d[2] * 7 + d[3] * 1 + d[4] * 3 + d[5] * 7 + d[6] * 1 + d[7] * 3 + d[8] * 5
    total += d[8] * 5 // 10
    return (10 - total % 10) % 10 == d[9]


ten_digits = st.text(alphabet="0123456789", min_size=10, max_size=10)


@given(ten_digits)
@example("1248100998")  # 삼성전자 124-81-00998
@example("0000000000")
@example("9999999999")
def test_ten_digits_are_accepted_iff_the_check_digit_holds(digits):
    valid = reference_is_valid(digits)
    assert normalize_business_no(digits) == (digits if valid else None)
    assert (business_no_error(digits) is None) is valid


@given(ten_digits)
def test_dashes_and_surrounding_spaces_do_not_matter(digits):
    valid = reference_is_valid(digits)
    for text in (f"{digits[:3]}-{digits[3:5]}-{digits[5:]}", f" {digits} ", f"{digits[:3]}-{digits[3:]}"):
        assert normalize_business_no(text) == (digits if valid else None)
        assert (business_no_error(text) is None) is valid


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_completes_nine_digits(first_nine):
    completions = [first_nine + str(last) for last in range(10)]
    assert [c for c in completions if normalize_business_no(c)] == [first_nine + str(business_no_check_digit(first_nine))]


@given(st.text(alphabet="0123456789-", max_size=14).filter(lambda t: len(t.replace("-", "")) != 10))
def test_other_lengths_are_refused(text):
    assert normalize_business_no(text) is None
    assert business_no_error(text) is not None


@given(ten_digits, st.sampled_from("aO/._+#가"), st.integers(0, 10))
def test_other_characters_are_refused_with_a_message(digits, bad, at):
    text = digits[:at] + bad + digits[at:]
    assert normalize_business_no(text) is None
    assert business_no_error(text) == "사업자등록번호는 숫자와 '-'만 입력할 수 있습니다."


@pytest.mark.parametrize("text,message", [
    ("", "사업자등록번호를 입력해 주세요."),
    ("   ", "사업자등록번호를 입력해 주세요."),
    ("123-45-678", "사업자등록번호는 10자리 숫자입니다. (예: 123-45-67890)"),
    ("124-81-00997", "유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주세요."),
    ("124-81-00998", None),
])
def test_messages(text, message):
    assert business_no_error(text) == message


def test_check_digit_needs_nine_digits():
    with pytest.raises(ValueError):
        business_no_check_digit("12345678")
    with pytest.raises(ValueError):
        business_no_check_digit("12345678a")


def test_formatting():
    assert format_business_no("1248100998") == "124-81-00998"
    assert format_business_no("12345") == "12345"
    assert format_corporate_no("1101111234567") == "110111-1234567"
    assert format_corporate_no(None) == ""


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_corporate_numbers_are_thirteen_digits(digits):
    assert normalize_corporate_no(digits) == digits
    assert normalize_corporate_no(f"{digits[:6]}-{digits[6:]}") == digits
    assert normalize_corporate_no(digits[:12]) is None
    assert normalize_corporate_no(digits + "1") is None
    assert normalize_corporate_no(digits[:6] + "x" + digits[7:]) is None
