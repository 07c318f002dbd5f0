"""청구내역 (SPEC §5.4, the manual's 청구내역): the completed and the cancelled payments of a period
together, their totals, and the XLSX and CSV exports read back, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kvoucher_desktop.enums import BillingExport, PaperKind, PaymentStatus, PaymentTab
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.errors import PermissionDenied, ValidationError

from tests.factories import make_agency, make_operator
from tests.services.test_payments import ZEROPAY, Desk, key

P = PaymentStatus


def paid_at(desk: Desk, when: datetime, amount: int):
    desk.clock.set(when)
    return desk.pay_zeropay(desk.deal(amount))


@pytest.fixture
def billed(services, clock):
    """Three completed payments (one later cancelled) and a failed one, on 03-05 and 03-06 KST."""
    desk = Desk(services, clock, ZEROPAY)
    paid = [paid_at(desk, datetime(2026, 3, 5, 9, 0, tzinfo=KST), 1_000_000),
            paid_at(desk, datetime(2026, 3, 5, 23, 59, tzinfo=KST), 333_333)]
    gone = paid_at(desk, datetime(2026, 3, 6, 10, 0, tzinfo=KST), 200_000)
    services.payments.cancel(desk.buyer, gone.id, key())
    desk.pay_zeropay(desk.deal(100_000), password="000000")  # failed: not a claim
    return desk, paid, gone


def test_billing_lists_completed_and_cancelled_payments_together(services, billed):
    desk, paid, gone = billed
    rows = services.payments.list_tab(desk.buyer, PaymentTab.BILLED).rows
    assert [r.id for r in rows] == [gone.id, paid[1].id, paid[0].id]  # newest first
    assert {r.status for r in rows} == {P.SUCCEEDED, P.CANCELLED}
    counts = services.payments.counts(desk.buyer)
    assert counts[PaymentTab.BILLED] == counts[PaymentTab.SUCCEEDED] + counts[PaymentTab.CANCELLED] == 3
    assert counts[PaymentTab.ALL] == 4
    only_the_fifth = services.payments.list_tab(desk.buyer, PaymentTab.BILLED, date(2026, 3, 5), date(2026, 3, 5))
    assert {r.id for r in only_the_fifth.rows} == {p.id for p in paid}
    assert [r.id for r in services.payments.list_tab(desk.supplier, PaymentTab.BILLED).rows] == [r.id for r in rows]


def _xlsx_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_xlsx_export_holds_every_row_and_totals_equal_to_the_service(services, billed):
    desk, paid, gone = billed
    data = services.payments.export_billing(desk.buyer, BillingExport.XLSX)
    rows = _xlsx_rows(data)
    header, body, totals = rows[0], rows[1:-2], rows[-2:]
    assert header[:8] == ["결제일시", "상태", "서비스", "수요기업", "공급기업", "결제금액", "정부지원금", "자부담"]
    assert len(body) == 3
    amount = header.index("결제금액")
    assert [r[amount] for r in body] == [gone.amount, paid[1].amount, paid[0].amount]
    assert all(isinstance(r[amount], int) for r in body)  # money is a number cell, not text
    assert body[0][header.index("상태")] == "결제취소" and body[0][header.index("취소일시")]
    service_totals = services.payments.totals(desk.buyer)
    done, cancelled = totals
    assert done[0] == "결제성공 합계" and cancelled[0] == "결제취소 합계"
    for line, expected in ((done, service_totals.succeeded), (cancelled, service_totals.cancelled)):
        assert line[1] == f"{expected.count:,}건"
        assert line[amount:amount + 3] == [expected.amount, expected.government_share, expected.self_share]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.cell(row=2, column=amount + 1).number_format == '#,##0"원"'
    assert sheet.freeze_panes == "A2"
    assert "****-****-****-" not in data.decode("latin-1")  # ZeroPay rows: no card at all


def test_csv_export_opens_in_excel_and_holds_the_same_rows(services, billed):
    desk, paid, gone = billed
    data = services.payments.export_billing(desk.supplier, BillingExport.CSV, date(2026, 3, 5), date(2026, 3, 6))
    assert data.startswith("\ufeff".encode("utf-8"))  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == _xlsx_rows(services.payments.export_billing(desk.supplier, BillingExport.XLSX))[0]
    amount = rows[0].index("결제금액")
    assert [int(r[amount]) for r in rows[1:-2]] == [gone.amount, paid[1].amount, paid[0].amount]
    totals = services.payments.totals(desk.supplier, date(2026, 3, 5), date(2026, 3, 6))
    assert int(rows[-2][amount]) == totals.succeeded.amount == 1_333_333
    assert int(rows[-1][amount]) == totals.cancelled.amount == 200_000
    assert data.count(b"\r\n") == len(rows)
    reason = rows[0].index("취소 사유")
    assert [r[reason] for r in rows[1:-2]] == ["수요기업이 결제 당일 취소", "", ""]  # as the list and the slip say
    slip = services.payments.paper(desk.supplier, gone.id, PaperKind.CANCELLATION)
    assert slip.cancel_reason == "수요기업이 결제 당일 취소"


def test_export_reports_progress_and_stops_when_cancelled(services, billed):
    desk, _paid, _gone = billed
    seen: list[float] = []
    data = services.payments.export_billing(desk.buyer, BillingExport.CSV, progress=lambda f, _m: seen.append(f))
    assert data and seen and seen == sorted(seen) and seen[-1] == 1.0
    from openpyxl.worksheet._writer import ALL_TEMP_FILES  # the write-only sheets' streams on disk

    before = list(ALL_TEMP_FILES)
    assert services.payments.export_billing(desk.buyer, BillingExport.XLSX, cancelled=lambda: True) is None
    assert ALL_TEMP_FILES == before  # a cancelled workbook leaves no open stream and no file behind


def test_export_is_the_actors_side_only_and_checks_its_input(services, billed):
    desk, _paid, _gone = billed
    other = Desk(services, desk.clock, ZEROPAY)
    empty = _xlsx_rows(services.payments.export_billing(other.buyer, BillingExport.XLSX))
    assert len(empty) == 3 and empty[1][1] == "0건"  # the header and two totals rows, nothing of desk's
    agency_rows = _xlsx_rows(services.payments.export_billing(make_agency(services), BillingExport.XLSX))
    assert len(agency_rows) - 3 >= 3
    with pytest.raises(PermissionDenied):
        services.payments.export_billing(make_operator(services), BillingExport.XLSX)
    with pytest.raises(ValidationError):
        services.payments.export_billing(desk.buyer, "PNG")
    with pytest.raises(ValidationError):
        services.payments.export_billing(desk.buyer, BillingExport.CSV, date(2026, 3, 6), date(2026, 3, 5))


def test_a_formula_typed_into_a_name_stays_text_in_both_files():
    from kvoucher_desktop.services.exports import Column, ColumnKind, Table, to_csv, to_xlsx

    table = Table("t", [Column("서비스"), Column("금액", ColumnKind.KRW)], [("=HYPERLINK(\"x\")", 1), ("-", 2)])
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=HYPERLINK(\"x\")"
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows[1] == ["'=HYPERLINK(\"x\")", "1"] and rows[2] == ["-", "2"]


def test_the_slips_pdf_holds_an_index_and_one_paper_per_completed_or_cancelled_payment(services, billed):
    from pypdf import PdfReader

    from kvoucher_desktop.services.documents import page_count

    desk, paid, gone = billed
    seen: list[float] = []
    data = services.payments.export_billing(desk.buyer, BillingExport.SLIPS, date(2026, 3, 5), date(2026, 3, 6),
                                            progress=lambda f, _m: seen.append(f))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == page_count(3) == 4
    index = reader.pages[0].extract_text()
    assert "2026-03-05 ~ 2026-03-06" in index
    texts = [page.extract_text() for page in reader.pages[1:]]
    assert [("취소전표" in t) for t in texts] == [False, False, True]  # oldest first; the cancelled one's slip
    for payment, text in zip(paid + [gone], texts):
        assert payment.approval_no in text
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert services.payments.export_billing(desk.buyer, BillingExport.SLIPS, cancelled=lambda: True) is None
    other = Desk(services, desk.clock, ZEROPAY)
    assert len(PdfReader(io.BytesIO(services.payments.export_billing(other.buyer, BillingExport.SLIPS))).pages) == 1
