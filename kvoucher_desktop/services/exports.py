"""Tables as files people open in a spreadsheet: XLSX (openpyxl) and CSV (UTF-8 with a BOM, so
that Excel reads the Korean). No Qt, no database: a `Table` is a title, columns with a kind, rows
as tuples and optional totals rows; money stays an integer number of won (a number cell with the
KRW format, never text), so a spreadsheet can sum it again.

The workbook's own creation and modification times are fixed (they would say when the file was
made, which the file system already says); the zip entries still carry the time of writing.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

#: the workbook's own dates (openpyxl writes "now" otherwise)
FIXED_TIME = datetime(2020, 1, 1)
KRW_FORMAT = '#,##0"원"'
COUNT_FORMAT = "#,##0"


class ColumnKind(str, enum.Enum):
    TEXT = "TEXT"
    COUNT = "COUNT"  # an integer count
    KRW = "KRW"  # integer won
    DATE = "DATE"
    PERCENT = "PERCENT"  # a fraction (0.9 = 90 %)
    SCORE = "SCORE"  # a mean score, two decimals


FORMATS = {ColumnKind.KRW: KRW_FORMAT, ColumnKind.COUNT: COUNT_FORMAT, ColumnKind.DATE: "yyyy-mm-dd",
           ColumnKind.PERCENT: "0.0%", ColumnKind.SCORE: "0.00"}


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = ColumnKind.TEXT
    #: the column's width in characters in the workbook (a Hangul syllable counts about two)
    width: int = 14


@dataclass(frozen=True)
class Table:
    """`rows` may be a generator, read once while the file is written (a long export streams);
    `totals` may then be a function called after the last row (sums kept while they streamed)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[tuple]
    #: rows under the data (bold in the workbook), e.g. 합계
    totals: Sequence[tuple] | Callable[[], Sequence[tuple]] = field(default_factory=tuple)

    def totals_rows(self) -> Sequence[tuple]:
        return self.totals() if callable(self.totals) else self.totals


def _sheet_title(title: str) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\ ."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "Sheet1"


def to_xlsx(table: Table) -> bytes:
    """The table as one sheet: a bold, frozen header row with a filter, number formats per
    column kind, the totals rows in bold. Written in openpyxl's write-only mode: rows stream into
    the file (a supplier's year of received payments is ~100,000 rows; the ordinary mode holds
    every cell as an object)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    book.properties.creator = "K-비대면 바우처 플랫폼"
    book.properties.created = book.properties.modified = FIXED_TIME
    sheet = book.create_sheet(_sheet_title(table.title))
    for i, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    bold, fill, centre = Font(bold=True), PatternFill("solid", fgColor="E8EEF7"), Alignment(horizontal="center")
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        header.append(cell)
    sheet.append(header)
    formats = [FORMATS.get(c.kind) for c in table.columns]
    n = 0
    try:
        for n, row in enumerate(table.rows, start=1):
            sheet.append(_cells(sheet, row, formats, None))
    except BaseException:  # cancelled or failed: close the sheet's stream and remove its temporary file
        book.save(io.BytesIO())
        raise
    if n:  # written when the sheet closes, after its rows
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{1 + n}"
    for row in table.totals_rows():
        sheet.append(_cells(sheet, row, formats, bold))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(sheet, row: tuple, formats: list, font) -> list:
    """One row's cells: the column's number format; a text that starts with '=' stays text
    (openpyxl would store it as a formula that the spreadsheet runs: a service named "=HYPERLINK(…)")."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value, fmt in zip(row, formats):
        if fmt is None and font is None and not (isinstance(value, str) and value.startswith("=")):
            cells.append(value)  # a plain value: no cell object to build
            continue
        cell = WriteOnlyCell(sheet, value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
        if fmt is not None:
            cell.number_format = fmt
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def _formula_like(text: str) -> bool:
    return len(text) > 1 and text[0] in "=+-@" and not _is_number(text)


def _csv_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and _formula_like(value):
        return "'" + value  # a spreadsheet would run a formula typed into a service name
    return "" if value is None else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(table: Table) -> bytes:
    """The header, the rows and the totals rows as CSV, UTF-8 with a BOM and CRLF line ends (what
    Excel expects); money as plain integers."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    for row in table.totals_rows():
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
