"""Document sniffing, money splits, month arithmetic and clocks: pure rules."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kvoucher_desktop.enums import CompanyType, DocumentType, IssuerType
from kvoucher_desktop.models.base import UTCDateTime
from kvoucher_desktop.services.clock import KST, FixedClock, format_kst, kst_date, kst_midnight_utc
from kvoucher_desktop.services.rules.documents import (
    MAX_DOCUMENT_BYTES,
    document_error,
    required_documents,
    sniff_content_type,
)
from kvoucher_desktop.services.rules.money import format_krw, government_share, split_budget
from kvoucher_desktop.services.sample_files import sample_pdf, sample_png
from kvoucher_desktop.services.screening import add_months

MAGIC = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


# --- documents ------------------------------------------------------------------------------------
@given(st.sampled_from(sorted(MAGIC)), st.binary(max_size=200))
def test_known_magic_bytes_decide_the_kind(magic, rest):
    assert sniff_content_type(magic + rest) == MAGIC[magic]
    assert document_error("아무이름.txt", magic + rest) is None  # the name does not matter


@given(st.binary(min_size=1, max_size=200))
def test_anything_else_is_not_a_document(data):
    assume(not any(data.startswith(m) for m in MAGIC))
    assert sniff_content_type(data) is None
    assert "PDF, JPG, PNG 파일이 아닙니다" in document_error("scan.pdf", data)


def test_sample_files_are_what_they_say():
    assert sniff_content_type(sample_pdf("x")) == "application/pdf"
    assert sniff_content_type(sample_png()) == "image/png"
    assert sniff_content_type(b"%PDF") is None  # truncated magic
    assert sniff_content_type(b"\x89PNG") is None


def test_size_limit_is_ten_megabytes_inclusive():
    assert MAX_DOCUMENT_BYTES == 10 * 1024 * 1024
    header = b"%PDF-1.4\n"
    assert document_error("a.pdf", header + b"0" * (MAX_DOCUMENT_BYTES - len(header))) is None
    message = document_error("a.pdf", header + b"0" * (MAX_DOCUMENT_BYTES - len(header) + 1))
    assert "'a.pdf'" in message and "10MB 이하" in message
    assert "비어 있습니다" in document_error("a.pdf", b"")


@pytest.mark.parametrize("company_type,issuer_type,expected", [
    (CompanyType.SOLE, IssuerType.REPRESENTATIVE, []),
    (CompanyType.SOLE, IssuerType.STAFF, [DocumentType.INSURANCE_ROSTER]),
    (CompanyType.CORPORATION, IssuerType.REPRESENTATIVE, [DocumentType.CORPORATE_REGISTRY]),
    (CompanyType.CORPORATION, IssuerType.STAFF, [DocumentType.CORPORATE_REGISTRY, DocumentType.INSURANCE_ROSTER]),
])
def test_required_documents(company_type, issuer_type, expected):
    base = [DocumentType.BUSINESS_REGISTRATION, DocumentType.NATIONAL_TAX, DocumentType.LOCAL_TAX]
    assert required_documents(company_type, issuer_type) == base + expected


# --- money ----------------------------------------------------------------------------------------
@given(st.integers(0, 10**12), st.integers(0, 100))
def test_government_share_is_rounded_down_and_the_rest_is_self_payment(amount, pct):
    gov, own = split_budget(amount, pct)
    assert gov == government_share(amount, pct)
    assert gov == int(Fraction(amount * pct, 100))  # floor for non-negative amounts
    assert gov + own == amount and 0 <= gov <= amount and own >= 0
    assert isinstance(gov, int) and isinstance(own, int)


def test_money_examples():
    assert split_budget(4_000_000, 90) == (3_600_000, 400_000)
    assert split_budget(3_333_333, 70) == (2_333_333, 1_000_000)
    assert split_budget(999, 90) == (899, 100)
    assert format_krw(4_000_000) == "4,000,000원" and format_krw(None) == ""


@pytest.mark.parametrize("amount,pct", [(1000.0, 90), (1000, 90.0), ("1000", 90)])
def test_money_is_never_a_float(amount, pct):
    with pytest.raises(TypeError):
        government_share(amount, pct)


# --- months ---------------------------------------------------------------------------------------
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 60))
def test_add_months(day, months):
    result = add_months(day, months)
    index = day.year * 12 + day.month - 1 + months
    assert (result.year, result.month) == (index // 12, index % 12 + 1)
    assert result.day == min(day.day, calendar.monthrange(result.year, result.month)[1])
    assert result >= day
    if day.day <= 28:
        assert result.day == day.day


def test_add_months_examples():
    assert add_months(date(2026, 3, 2), 8) == date(2026, 11, 2)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


# --- time -----------------------------------------------------------------------------------------
def test_fixed_clock_is_aware_utc_and_moves():
    clock = FixedClock(datetime(2026, 3, 2, 10, 0, tzinfo=KST))
    assert clock.now() == datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    assert clock.now().utcoffset() == timedelta(0)
    clock.advance(hours=14)
    assert kst_date(clock.now()) == date(2026, 3, 3)
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 3, 2))
    with pytest.raises(ValueError):
        clock.set(datetime(2026, 3, 2))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)))
def test_kst_is_utc_plus_nine(moment):
    assert kst_date(moment) == (moment + timedelta(hours=9)).date()
    midnight = kst_midnight_utc(kst_date(moment))
    assert midnight <= moment < midnight + timedelta(days=1)
    assert format_kst(moment, seconds=True) == (moment + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")


def test_utc_column_refuses_naive_times_and_returns_aware_utc():
    column = UTCDateTime()
    with pytest.raises(ValueError):
        column.process_bind_param(datetime(2026, 3, 2, 10, 0), None)
    kst = datetime(2026, 3, 2, 10, 0, tzinfo=KST)
    stored = column.process_bind_param(kst, None)
    assert stored == datetime(2026, 3, 2, 1, 0) and stored.tzinfo is None
    assert column.process_result_value(stored, None) == kst
    assert column.process_result_value(stored, None).tzinfo == timezone.utc
