"""services/exports.py: the column kinds' cell formats and values, KST times, sheet names, the CSV's
BOM and plain numbers, and a failed write leaving no file."""

from __future__ import annotations

import csv
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from kvoucher_desktop.services.exports import (
    ColumnKind as K,
    ExportColumn as C,
    ExportTable,
    sheet_title,
    suggested_name,
    write_csv,
    write_xlsx,
)

TABLE = ExportTable(
    "청구내역: 3월/4월",
    (C("내용"), C("건수", K.COUNT), C("금액", K.KRW), C("일자", K.DATE), C("결제시각", K.DATETIME),
     C("비율", K.PERCENT), C("점수", K.SCORE), C("비고", width=30)),
    rows=(("화상회의 솔루션", 2, 1_100_000, date(2026, 3, 5), datetime(2026, 3, 4, 15, 10, tzinfo=timezone.utc),
           0.9, 4.25, None),),
    totals=("합계", 2, 1_100_000, None, None, None, None, None),
)


def test_xlsx_cells_formats_widths_and_totals(tmp_path):
    sheet = load_workbook(write_xlsx(tmp_path / "out.xlsx", TABLE)).active
    assert sheet.title == "청구내역  3월 4월"
    assert [c.value for c in sheet[1]] == ["내용", "건수", "금액", "일자", "결제시각", "비율", "점수", "비고"]
    row = sheet[2]
    assert row[4].value == datetime(2026, 3, 5, 0, 10)  # KST, without a zone
    assert [c.number_format for c in row[1:7]] == ["#,##0", '#,##0"원"', "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0.0%",
                                                    "0.00"]
    assert [c.value for c in sheet[3]][:3] == ["합계", 2, 1_100_000] and sheet[3][0].font.b
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["H"].width == 30
    assert sheet.column_dimensions["A"].width >= len("화상회의 솔루션") * 2  # Hangul is wide


def test_csv_has_a_bom_and_plain_values(tmp_path):
    path = write_csv(tmp_path / "out.csv", TABLE)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1] == ["화상회의 솔루션", "2", "1100000", "2026-03-05", "2026-03-05 00:10", "90.0%", "4.25", ""]
    assert rows[2][:3] == ["합계", "2", "1100000"]


def test_names_and_bad_tables(tmp_path):
    taken: set[str] = set()
    assert sheet_title("가" * 40, taken) == "가" * 31 and sheet_title("가" * 40, taken) == "가" * 27 + " (2)"
    assert suggested_name("분야별 결제/3월", date(2026, 3, 5)) == "분야별 결제_3월_20260305.xlsx"
    with pytest.raises(ValueError):
        ExportTable("x", (C("a"),), rows=(("a", "b"),))
    with pytest.raises(ValueError):  # a naive time: no file, not even a temporary one
        write_xlsx(tmp_path / "bad.xlsx", ExportTable("x", (C("t", K.DATETIME),), rows=((datetime(2026, 1, 1),),)))
    assert list(tmp_path.iterdir()) == []
