"""Programme parameters (SPEC §4) and the previous-participant list (SPEC §8), on both stores."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kvoucher_desktop.enums import ScreeningStatus
from kvoucher_desktop.services.errors import DomainError, ValidationError

from tests.factories import company_in_state, invalid_business_no, make_agency, valid_business_no


def test_defaults_of_the_spec_are_seeded_once(services):
    settings = services.programme.settings()
    assert settings.year == 2026
    assert (settings.application_start, settings.application_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert (settings.voucher_amount, settings.government_share_pct, settings.use_period_months) == (4_000_000, 90, 8)
    assert settings.deal_window_days == 2 and settings.same_day_cancel_only
    assert [c.name for c in services.programme.categories()] == [
        "화상회의", "재택근무", "네트워크·보안 솔루션", "에듀테크", "비대면 돌봄", "비대면 제도 도입 컨설팅"]
    operators = services.programme.operators()
    assert len(operators) == 17 and len({o.region for o in operators}) == 17
    services.programme.ensure_defaults()  # idempotent
    assert len(services.programme.operators()) == 17 and len(services.programme.categories()) == 6


@pytest.mark.parametrize("change,field", [
    (dict(voucher_amount=0), "voucher_amount"),
    (dict(government_share_pct=101), "government_share_pct"),
    (dict(government_share_pct=-1), "government_share_pct"),
    (dict(application_end=date(2025, 12, 31)), "application_end"),
    (dict(use_period_months=0), "use_period_months"),
])
def test_settings_are_validated(services, change, field):
    agency = make_agency(services)
    before = services.programme.settings()
    with pytest.raises(ValidationError) as refused:
        services.programme.update_settings(agency, replace(before, **change))
    assert refused.value.field == field
    assert services.programme.settings() == before


@pytest.mark.parametrize("year", [1999, 2025, 2027])
def test_the_year_cannot_be_changed_through_the_settings(services, year):
    """Saving the settings with another year is refused (never silently ignored): a new year is
    opened with 다음 연도 열기."""
    agency = make_agency(services)
    before = services.programme.settings()
    with pytest.raises(DomainError) as refused:
        services.programme.update_settings(agency, replace(before, year=year, voucher_amount=5_000_000))
    assert "다음 연도 열기" in refused.value.message and refused.value.field == "year"
    assert services.programme.settings() == before
    saved = services.programme.update_settings(agency, replace(before, voucher_amount=5_000_000)).value
    assert saved.year == 2026 and saved.voucher_amount == 5_000_000


def test_a_confirmed_budget_does_not_follow_later_setting_changes(services):
    agency = make_agency(services)
    _demand, first = company_in_state(services, ScreeningStatus.APPROVED)
    services.programme.update_settings(agency, replace(services.programme.settings(), voucher_amount=2_000_000,
                                                       government_share_pct=70))
    _demand, second = company_in_state(services, ScreeningStatus.APPROVED)
    one, two = services.companies.get(agency, first), services.companies.get(agency, second)
    assert (one.budget_total, one.budget_government, one.budget_self) == (4_000_000, 3_600_000, 400_000)
    assert (two.budget_total, two.budget_government, two.budget_self) == (2_000_000, 1_400_000, 600_000)


@pytest.mark.parametrize("csv_text", [
    "{a}\n{b}\n",
    "사업자등록번호\n{a}\n{b}\n",
    "\ufeff{a}\r\n{b}\r\n",  # Excel "CSV UTF-8": a BOM and CRLF
    "\ufeff사업자등록번호,기업명\r\n{a_dashed},가나상사\r\n\r\n{b},다라상사\r\n",
    "{a}\n{a_dashed}\n{b}\n",  # duplicates count once
], ids=["plain", "header", "bom", "bom-header-columns", "duplicates"])
def test_previous_participants_import(services, csv_text):
    a, b = valid_business_no(31), valid_business_no(32)
    text = csv_text.format(a=a, b=b, a_dashed=valid_business_no(31, dashed=True))
    assert services.programme.import_previous_participants(make_agency(services), text).value == 2
    assert services.signup.is_previous_participant(a) and services.signup.is_previous_participant(b)
    assert not services.signup.is_previous_participant(valid_business_no(33))


def test_previous_participants_import_replaces_the_list_and_refuses_bad_lines(services):
    agency = make_agency(services)
    services.programme.import_previous_participants(agency, valid_business_no(41))
    assert services.programme.import_previous_participants(agency, valid_business_no(42)).value == 1
    assert not services.signup.is_previous_participant(valid_business_no(41))
    with pytest.raises(ValidationError) as refused:
        services.programme.import_previous_participants(
            agency, f"{valid_business_no(43)}\n{invalid_business_no(44)}\n")
    assert "2번째 줄" in refused.value.message
    assert services.signup.is_previous_participant(valid_business_no(42))  # the old list stays
    assert not services.signup.is_previous_participant(valid_business_no(43))


def test_operators_come_in_the_usual_order_of_the_provinces(services):
    regions = [o.region for o in services.programme.operators()]
    assert regions[:3] == ["서울", "부산", "대구"] and regions[-1] == "제주"
    assert len(regions) == 17
