"""The limits table against the models, and the pure input checks of SPEC §8 (no store)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import String

from kvoucher_desktop.enums import IssuerType, Role
from kvoucher_desktop.models import Base
from kvoucher_desktop.services.dto import CompanyInfo, ServiceForm
from kvoucher_desktop.services.errors import ValidationError
from kvoucher_desktop.services.form_inputs import clean_company_info, clean_service_form, clean_signup_step
from kvoucher_desktop.services.rules import limits
from kvoucher_desktop.services.rules.inputs import (
    bad_character,
    clean_amount,
    clean_cursor,
    clean_enum,
    clean_int,
    clean_login,
    clean_number_text,
    clean_password,
    clean_search,
    clean_text,
    clean_uuid,
)
from kvoucher_desktop.services.rules.numbers import (
    ascii_int,
    business_no_error,
    digits_only,
    normalize_business_no,
    normalize_corporate_no,
    normalize_mobile,
    normalize_phone,
)
from kvoucher_desktop.services.signup import STEPS, SignupForm
from kvoucher_desktop.services.vouchers import zeropay_password_error

TABLES = Base.metadata.tables
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def column(name: str):
    table, col = name.split(".")
    return TABLES[table].c[col]


# --- the table equals the columns ----------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(limits.TEXT_LIMITS))
def test_every_text_limit_equals_its_smallest_column(key):
    spec = limits.TEXT_LIMITS[key]
    lengths = [column(c).type.length for c in spec.columns if isinstance(column(c).type, String)
               and column(c).type.length is not None]
    if lengths:
        assert spec.max_length == min(lengths), f"{key}: {spec.max_length} != min{lengths} of {spec.columns}"
    else:  # a Text column (or none): the limit is one of the documented choices
        assert spec.max_length in (limits.MEMO_LIMIT, limits.REASON_LIMIT, limits.INQUIRY_LIMIT,
                                   limits.DESCRIPTION_LIMIT, limits.ANNOUNCEMENT_BODY_LIMIT,
                                   limits.PREVIOUS_CSV_LIMIT, limits.SEARCH_LIMIT, limits.CANCEL_REASON_LIMIT), key
    assert spec.label and spec.max_length > 0


@pytest.mark.parametrize("key", sorted(limits.NUMBER_LIMITS))
def test_every_normalised_number_fits_its_columns(key):
    spec = limits.NUMBER_LIMITS[key]
    for name in spec.columns:
        assert spec.max_normalised <= column(name).type.length, (key, name)
    assert spec.max_input >= spec.max_normalised + 3  # room for dashes and spaces


def test_a_company_name_is_limited_by_its_logins_display_name():
    assert column("companies.name").type.length == 200
    assert column("users.display_name").type.length == 100
    assert limits.limit("company.name") == 100


def test_every_actor_name_column_is_as_long_as_a_display_name():
    for name in limits.ACTOR_NAME_COLUMNS:
        assert column(name).type.length == column("users.display_name").type.length, name


# Every user-typed text field of the forms has its entry (a field added later needs one too).
FORM_KEYS = {
    SignupForm: {
        "identity_name": "identity.name", "name": "company.name", "representative_name": "company.representative_name",
        "address": "company.address", "address_detail": "company.address_detail", "industry": "company.industry",
        "manager_name": "company.manager_name", "manager_email": "company.manager_email",
        "payment_manager_name": "company.payment_manager_name", "login_id": "account.login_id",
        "business_no": "company.business_no", "corporate_no": "company.corporate_no",
        "representative_phone": "company.representative_phone", "phone": "company.phone",
        "employees": "company.employees", "manager_phone": "company.manager_phone",
        "payment_manager_phone": "company.payment_manager_phone", "identity_phone": "identity.phone",
    },
    CompanyInfo: {
        "name": "company.name", "representative_name": "company.representative_name",
        "representative_phone": "company.representative_phone", "address": "company.address",
        "address_detail": "company.address_detail", "phone": "company.phone", "industry": "company.industry",
        "manager_name": "company.manager_name", "manager_phone": "company.manager_phone",
        "manager_email": "company.manager_email", "payment_manager_name": "company.payment_manager_name",
        "payment_manager_phone": "company.payment_manager_phone", "corporate_no": "company.corporate_no",
    },
    ServiceForm: {"name": "service.name", "category_code": "service.category_code", "keywords": "service.keywords",
                  "description": "service.description"},
}
NOT_TEXT = {"identity_token", "payment_manager_token", "password", "password_confirm"}  # opaque / hashed


@pytest.mark.parametrize("form", list(FORM_KEYS), ids=lambda f: f.__name__)
def test_every_text_field_of_a_form_has_a_limit(form):
    text_fields = {f.name for f in dataclasses.fields(form) if f.type in ("str", "str | None")} - NOT_TEXT
    assert text_fields == set(FORM_KEYS[form])
    for key in FORM_KEYS[form].values():
        assert key in limits.TEXT_LIMITS or key in limits.NUMBER_LIMITS


# --- characters -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["회사\x00명", "\ud800", "a\udfffb", "탭\t이름", "줄\n바꿈", "\x1b[31m", "a\x7fb",
                                  "a\x85b", "bidi\u202eevil", "zero\u200bwidth", "joiner\u200d", "bom\ufeffin",
                                  "soft\xadhyphen", "line\u2028sep", "\U000e0041tag"])
def test_control_invisible_and_unencodable_characters_are_refused_in_a_name(text):
    with pytest.raises(ValidationError) as refused:
        clean_text(text, "company.name")
    assert refused.value.field == "name"
    assert refused.value.message == "기업명에 사용할 수 없는 문자가 있습니다. (제어 문자, 보이지 않는 문자 등)"


def test_multiline_fields_keep_newlines_tabs_and_joiners_and_unify_line_ends():
    memo = "첫 줄\r\n둘째\t줄\r셋째 👨\u200d👩\u200d👧 \u2028넷째"
    assert clean_text(memo, "deal.memo") == "첫 줄\n둘째\t줄\n셋째 👨\u200d👩\u200d👧 \n넷째"
    for bad in ("a\x00b", "a\x0bb", "a\x1bb", "\ud83d", "a\u202eb", "a\u200bb", "a\ufeffb"):
        with pytest.raises(ValidationError) as refused:
            clean_text(bad, "deal.memo")
        assert refused.value.field == "memo" and "사용할 수 없는 문자" in refused.value.message


def test_length_is_counted_after_stripping_in_code_points():
    assert clean_text("  " + "가" * 100 + " \n", "company.name") == "가" * 100
    assert clean_text("😀" * 100, "company.name") == "😀" * 100  # astral characters count once
    with pytest.raises(ValidationError) as refused:
        clean_text("가" * 101, "company.name")
    assert refused.value.field == "name"
    assert refused.value.message == "기업명은 100자 이내로 입력해 주세요. (지금 101자)"
    with pytest.raises(ValidationError) as refused:
        clean_text("   ", "company.name")
    assert refused.value.message == "기업명을 입력해 주세요."
    assert clean_text("   ", "company.name", required=False) == ""


@pytest.mark.parametrize("value", [b"bytes", 12, 1.5, True, ["list"], {"a": 1}, object(), uuid.uuid4()])
def test_wrong_types_are_validation_errors_naming_the_field(value):
    with pytest.raises(ValidationError) as refused:
        clean_text(value, "service.name")
    assert refused.value.field == "name" and "서비스명" in refused.value.message
    with pytest.raises(ValidationError):
        clean_number_text(value, "company.business_no")
    with pytest.raises(ValidationError):
        clean_password(value)
    with pytest.raises(ValidationError):
        clean_search(value)
    assert clean_login(value, "password-12345") is None


def test_a_str_subclass_becomes_a_plain_str():
    out = clean_text(Role.AGENCY, "account.display_name")
    assert out == "AGENCY" and type(out) is str


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=120), st.sampled_from(sorted(limits.TEXT_LIMITS)))
def test_clean_text_refuses_or_returns_storable_text(text, key):
    spec = limits.TEXT_LIMITS[key]
    try:
        out = clean_text(text, key, required=False)
    except ValidationError as refused:
        assert refused.field == key.split(".", 1)[1]
        return
    out.encode("utf-8")  # no lone surrogate
    assert "\x00" not in out and len(out) <= spec.max_length and out == out.strip()
    assert bad_character(out, multiline=spec.multiline) is None
    assert clean_text(out, key, required=False) == out  # idempotent: what is stored is accepted again


# --- search ---------------------------------------------------------------------------------------
def test_search_queries_are_capped_and_white_space_separates_words():
    assert clean_search("  화상\t회의\n  솔루션 ") == "화상 회의 솔루션"
    assert clean_search("가" * limits.SEARCH_LIMIT) == "가" * limits.SEARCH_LIMIT
    with pytest.raises(ValidationError) as refused:
        clean_search("가" * 30_000)
    assert refused.value.field == "query" and "검색어는 100자 이내로" in refused.value.message
    with pytest.raises(ValidationError):
        clean_search("a\x00b")
    assert clean_search(None) == ""


# --- numbers: NFKC, then ASCII digits -------------------------------------------------------------
def test_full_width_business_numbers_are_normalised_to_ascii():
    assert normalize_business_no("２２０-８１-６２５１７") == "2208162517"
    assert normalize_business_no("２２０－８１－６２５１７") == "2208162517"  # full-width hyphens too
    assert normalize_business_no("220\u201381\u201362517") == "2208162517"  # an en dash
    assert normalize_business_no("220\u300081\u300062517") == "2208162517"  # ideographic spaces
    assert business_no_error("２２０-８１-６２５１７") is None
    assert digits_only("２２０-８１") == "22081"


def test_other_scripts_digits_are_refused_although_int_accepts_them():
    arabic = "220-81-62517".translate(ARABIC_INDIC)
    assert int("٢٢٠") == 220 and "٢".isdigit()  # why the rules never use int()/isdigit() on input
    assert normalize_business_no(arabic) is None
    assert business_no_error(arabic) == "사업자등록번호는 숫자와 '-'만 입력할 수 있습니다."
    assert normalize_mobile("010-1234-5678".translate(ARABIC_INDIC)) is None
    assert normalize_phone("02-1234-5678".translate(ARABIC_INDIC)) is None
    assert normalize_corporate_no("110111-1234567".translate(ARABIC_INDIC)) is None
    assert digits_only("٢٢٠") == ""
    assert ascii_int("١٢") is None and ascii_int("1_000") is None and ascii_int("+12") is None
    assert zeropay_password_error("٥٨٣٩٢٠", "٥٨٣٩٢٠") is not None


def test_full_width_phones_employees_and_pins_are_normalised():
    assert normalize_mobile("０１０-１２３４-５６７８") == "010-1234-5678"
    assert normalize_phone("０２－１２３４－５６７８") == "02-1234-5678"
    assert normalize_corporate_no("１１０１１１-１２３４５６７") == "1101111234567"
    assert ascii_int("１，２００") == 1200 and ascii_int("12") == 12
    assert zeropay_password_error("５８３９２０", "583920") is None


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=20))
def test_number_rules_never_raise_and_return_ascii(text):
    for rule in (normalize_business_no, normalize_corporate_no, normalize_mobile, normalize_phone):
        out = rule(text)
        assert out is None or (out.isascii() and set(out) <= set("0123456789-"))
    business_no_error(text)
    assert ascii_int(text) is None or 0 <= ascii_int(text) < 10**9


@given(st.integers(0, 10**9 - 1))
def test_a_full_width_business_number_means_the_same_number(n):
    first = f"{n:09d}"
    from kvoucher_desktop.services.rules.numbers import business_no_check_digit

    digits = first + str(business_no_check_digit(first))
    dashed = f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    assert normalize_business_no(dashed.translate(FULL_WIDTH)) == normalize_business_no(dashed) == digits


# --- whole numbers, ids, enums, cursors -----------------------------------------------------------
@pytest.mark.parametrize("value", ["1000", 1000.0, True, None, 10**30, 0, -5, limits.MAX_AMOUNT + 1])
def test_amounts_must_be_whole_won_in_range(value):
    with pytest.raises(ValidationError) as refused:
        clean_amount(value, "price", "가격")
    assert refused.value.field == "price"


def test_amount_limits_fit_an_integer_column():
    assert clean_amount(limits.MAX_AMOUNT, "price", "가격") == limits.MAX_AMOUNT
    assert limits.MAX_AMOUNT < limits.INT32_MAX == 2**31 - 1
    assert clean_int(limits.INT32_MAX, "n", "수") == limits.INT32_MAX
    with pytest.raises(ValidationError):
        clean_int(limits.INT32_MAX + 1, "n", "수")


@pytest.mark.parametrize("value", [5, "7b0b5a4e-0000-0000-0000-000000000000", b"x" * 16, None, 1.0])
def test_ids_must_be_uuids(value):
    with pytest.raises(ValidationError) as refused:
        clean_uuid(value, "service_id")
    assert refused.value.field == "service_id"


def test_enums_accept_members_and_values_only():
    assert clean_enum("STAFF", IssuerType, "issuer_type") is IssuerType.STAFF
    for bad in ("staff", 3, None, ["STAFF"]):
        with pytest.raises(ValidationError):
            clean_enum(bad, IssuerType, "issuer_type")


def test_cursors_must_be_the_pairs_a_page_hands_out():
    now = datetime(2026, 3, 2, tzinfo=timezone.utc)
    ident = uuid.uuid4()
    assert clean_cursor([now, ident], datetime, uuid.UUID) == (now, ident)
    before_year_one = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))  # no such time in UTC
    for bad in ((now,), ("x", ident), (now.replace(tzinfo=None), ident), (before_year_one, ident), "cursor", 5):
        with pytest.raises(ValidationError):
            clean_cursor(bad, datetime, uuid.UUID)


# --- whole forms ----------------------------------------------------------------------------------
def test_every_signup_step_refuses_wrong_types_with_a_field():
    assert [s for s in STEPS]  # the steps the wizard walks
    form = SignupForm(agree_terms="yes")
    with pytest.raises(ValidationError) as refused:
        clean_signup_step("terms", form)
    assert refused.value.field == "agree_terms"
    with pytest.raises(ValidationError) as refused:
        clean_signup_step("company", SignupForm(name=b"bytes"))
    assert refused.value.field == "name"
    with pytest.raises(ValidationError) as refused:
        clean_signup_step("operator", SignupForm(operator_id=17))
    assert refused.value.field == "operator_id"
    with pytest.raises(ValidationError) as refused:
        clean_signup_step("account", SignupForm(password="\ud800" * 10))
    assert refused.value.field == "password"
    cleaned = clean_signup_step("company", SignupForm(name="  회사  ", employees=12))
    assert cleaned.name == "회사" and cleaned.employees == "12"


def test_company_info_and_service_form_refuse_wrong_types():
    info = CompanyInfo("회사", "대표", "010-1234-5678", "주소", "", "02-123-4567", "업종", 3, "담당", "010-1111-2222",
                       "a@b.kr", "결제", "010-3333-4444", IssuerType.REPRESENTATIVE)
    assert clean_company_info(info) == info
    for change, field in ((dict(name=1), "name"), (dict(employees="3"), "employees"),
                          (dict(employees=True), "employees"), (dict(manager_email=b"a@b.kr"), "manager_email"),
                          (dict(issuer_type="boss"), "issuer_type"), (dict(phone=None), None)):
        if field is None:
            assert clean_company_info(dataclasses.replace(info, **change)).phone == ""
            continue
        with pytest.raises(ValidationError) as refused:
            clean_company_info(dataclasses.replace(info, **change))
        assert refused.value.field == field
    with pytest.raises(ValidationError):
        clean_company_info({"name": "회사"})
    form = ServiceForm("서비스", "VIDEO", "a, b", 1000)
    for change, field in ((dict(price=1000.0), "price"), (dict(price=10**30), "price"), (dict(price="1000"), "price"),
                          (dict(hidden="no"), "hidden"), (dict(description=b"x"), "description"),
                          (dict(image="not bytes"), "image")):
        with pytest.raises(ValidationError) as refused:
            clean_service_form(dataclasses.replace(form, **change))
        assert refused.value.field == field


def test_dates_are_dates():
    from kvoucher_desktop.services.rules.inputs import clean_date

    assert clean_date(date(2026, 1, 1), "d", "날짜") == date(2026, 1, 1)
    for bad in (datetime(2026, 1, 1), "2026-01-01", None):
        with pytest.raises(ValidationError):
            clean_date(bad, "d", "날짜")
    assert clean_date(limits.DATE_MIN, "d", "날짜") == limits.DATE_MIN
    assert clean_date(limits.DATE_MAX, "d", "날짜") == limits.DATE_MAX
    for far in (date.min, date.max, limits.DATE_MIN - timedelta(days=1), limits.DATE_MAX + timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            clean_date(far, "d", "날짜")
        assert refused.value.code == "out_of_range" and "2000-01-01" in refused.value.message
