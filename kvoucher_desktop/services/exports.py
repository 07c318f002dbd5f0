"""Tables written for spreadsheets: XLSX (openpyxl) and CSV (UTF-8 with a BOM, which Excel reads as
UTF-8). Shared by every page that exports a list (statistics, 청구내역); no Qt, no store.

A table is a title, columns (a Korean header and a kind that decides the cell format) and rows of
plain values in the columns' order; an optional totals row is written last, in bold.

    table = ExportTable("분야별 결제", (ExportColumn("분야"), ExportColumn("건수", ColumnKind.COUNT),
                                       ExportColumn("금액", ColumnKind.KRW)),
                        rows=(("화상회의", 3, 3_300_000),), totals=("합계", 3, 3_300_000))
    write_xlsx(path, table)

Values by kind: TEXT str; COUNT and KRW int (money is whole won); DATE a date; DATETIME an aware
datetime (written in KST, Excel has no zones); PERCENT a fraction (0.9 is 90 %); SCORE a number
(a 1–5 mean). None leaves the cell empty.
"""

from __future__ import annotations

import csv
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path

from .clock import KST


class ColumnKind(str, Enum):
    TEXT = "text"
    COUNT = "count"
    KRW = "krw"
    DATE = "date"
    DATETIME = "datetime"
    PERCENT = "percent"
    SCORE = "score"


#: Excel number formats per kind
NUMBER_FORMATS = {
    ColumnKind.TEXT: "@",
    ColumnKind.COUNT: "#,##0",
    ColumnKind.KRW: '#,##0"원"',
    ColumnKind.DATE: "yyyy-mm-dd",
    ColumnKind.DATETIME: "yyyy-mm-dd hh:mm",
    ColumnKind.PERCENT: "0.0%",
    ColumnKind.SCORE: "0.00",
}


@dataclass(frozen=True)
class ExportColumn:
    header: str
    kind: ColumnKind = ColumnKind.TEXT
    #: width in Excel's character units; None: fitted to the header and the values
    width: float | None = None


@dataclass(frozen=True)
class ExportTable:
    title: str
    columns: tuple[ExportColumn, ...]
    rows: tuple[tuple, ...] = ()
    totals: tuple | None = None

    def __post_init__(self) -> None:
        n = len(self.columns)
        for row in (*self.rows, *((self.totals,) if self.totals is not None else ())):
            if len(row) != n:
                raise ValueError(f"{self.title}: a row has {len(row)} values for {n} columns")


def _kst_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime in an export (aware UTC or KST expected)")
    return value.astimezone(KST).replace(tzinfo=None)


def _display_width(text: str) -> int:
    """Characters as a spreadsheet shows them: Hangul and other wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_of(value, kind: ColumnKind) -> str:
    """A value as CSV (and width fitting) writes it."""
    if value is None:
        return ""
    if isinstance(value, str):  # also a label in a number column (a totals row's "합계")
        return value
    if kind is ColumnKind.DATETIME:
        return _kst_naive(value).strftime("%Y-%m-%d %H:%M")
    if kind is ColumnKind.DATE:
        return value.isoformat()
    if kind is ColumnKind.PERCENT:
        return f"{value * 100:.1f}%"
    if kind is ColumnKind.SCORE:
        return f"{value:.2f}"
    return str(value)


def _shown(value, kind: ColumnKind) -> str:
    if isinstance(value, int) and kind in (ColumnKind.COUNT, ColumnKind.KRW):
        return f"{value:,}" + ("원" if kind is ColumnKind.KRW else "")
    return text_of(value, kind)


def sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name: no []:*?/\\, at most 31 characters, unique in the workbook."""
    clean = "".join(" " if ch in '[]:*?/\\' else ch for ch in title).strip() or "Sheet"
    name, n = clean[:31], 2
    while name in taken:
        suffix = f" ({n})"
        name, n = clean[:31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _atomic_write(path: Path, write) -> Path:
    """Write through a temporary file beside `path`, then rename: a failed export leaves no half file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_xlsx(path, *tables: ExportTable) -> Path:
    """One sheet per table: the header row bold and frozen, number formats per column kind, column
    widths fitted (or as given), an autofilter, the totals row (if any) bold after the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if not tables:
        raise ValueError("no table to write")
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8EEF7")

    def build(target: Path) -> None:
        book = Workbook()
        book.remove(book.active)
        taken: set[str] = set()
        for table in tables:
            sheet = book.create_sheet(sheet_title(table.title, taken))
            kinds = [c.kind for c in table.columns]
            sheet.append([c.header for c in table.columns])
            for cell in sheet[1]:
                cell.font, cell.fill = bold, header_fill
                cell.alignment = Alignment(horizontal="center", vertical="center")
            body = list(table.rows) + ([table.totals] if table.totals is not None else [])
            for row in body:
                sheet.append([_kst_naive(v) if isinstance(v, datetime) else v for v in row])
            for i, column in enumerate(table.columns, start=1):
                letter = get_column_letter(i)
                fmt = NUMBER_FORMATS[column.kind]
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = fmt
                width = column.width
                if width is None:
                    longest = max([_display_width(column.header)]
                                  + [_display_width(_shown(r[i - 1], column.kind)) for r in body[:2000]])
                    width = min(max(longest + 2, 8), 60)
                sheet.column_dimensions[letter].width = width
            if table.totals is not None:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
            sheet.freeze_panes = "A2"
            if table.rows:
                sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
        book.save(target)

    return _atomic_write(Path(path), build)


def write_csv(path, table: ExportTable) -> Path:
    """The table as CSV in UTF-8 with a BOM (Excel then reads Hangul right): the header, the rows,
    the totals row; numbers plain (no thousands separators), times in KST."""
    kinds = [c.kind for c in table.columns]

    def build(target: Path) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow([c.header for c in table.columns])
            for row in (*table.rows, *((table.totals,) if table.totals is not None else ())):
                out.writerow([text_of(v, k) for v, k in zip(row, kinds)])

    return _atomic_write(Path(path), build)


def suggested_name(title: str, day: date, suffix: str = ".xlsx") -> str:
    """A file name for a save dialog: the title without characters file systems refuse, and the day."""
    clean = "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in title).strip() or "export"
    return f"{clean}_{day:%Y%m%d}{suffix}"
