"""청구내역 as a file: the completed and the cancelled payments of a period, with their totals, as a
table for `exports` (XLSX, CSV). No Qt, no database: the payment service hands in the pages of
rows; this module decides the columns and the totals rows, and reports the job's progress while
the rows stream into the file (a supplier's year is ~100,000 rows: never all in memory at once).

The totals rows sum the very rows in the file (the period could gain a payment between two pages
of a long export; the file is then still consistent with itself): 결제성공 합계 (SUCCEEDED) and
결제취소 합계 (CANCELLED), never netted (a cancelled payment gave its budget back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from ..enums import PaymentStatus
from .clock import format_kst
from .dto import PaymentView
from .exports import Column, ColumnKind, Table
from .rules.payments import cancel_reason_text

P = PaymentStatus
K = ColumnKind
COLUMNS = (
    Column("결제일시", K.TEXT, 17), Column("상태", K.TEXT, 9), Column("서비스", K.TEXT, 28),
    Column("수요기업", K.TEXT, 20), Column("공급기업", K.TEXT, 20), Column("결제금액", K.KRW, 14),
    Column("정부지원금", K.KRW, 14), Column("자부담", K.KRW, 12), Column("결제수단", K.TEXT, 30),
    Column("승인번호", K.TEXT, 12), Column("취소일시", K.TEXT, 17), Column("취소 사유", K.TEXT, 30),
)
TOTALS = (("결제성공 합계", P.SUCCEEDED), ("결제취소 합계", P.CANCELLED))

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


class ExportCancelled(Exception):
    """The user cancelled the job between two pages of rows."""


def row_of(p: PaymentView) -> tuple:
    method = f"{p.method_label} {p.card_masked}" if p.card_masked else p.method_label
    return (format_kst(p.approved_at or p.created_at), p.status_label, p.service_name, p.company_name,
            p.supplier_name, p.amount, p.government_share, p.self_share, method, p.approval_no or "",
            format_kst(p.cancelled_at), cancel_reason_text(p.cancel_reason) if p.status is P.CANCELLED else "")


def title_of(start: date | None, end: date | None) -> str:
    span = f"{start:%Y-%m-%d} ~ {end:%Y-%m-%d}" if start and end else \
        f"{start:%Y-%m-%d} ~" if start else f"~ {end:%Y-%m-%d}" if end else "전체 기간"
    return f"청구내역 ({span})"


class _Sums:
    """Count and money per status of the rows that went by."""

    def __init__(self) -> None:
        self.by_status = {status: [0, 0, 0, 0] for _label, status in TOTALS}

    def add(self, p: PaymentView) -> None:
        line = self.by_status.get(p.status)
        if line is not None:
            line[0] += 1
            line[1] += p.amount
            line[2] += p.government_share
            line[3] += p.self_share

    def rows(self) -> list[tuple]:
        """The totals lines in the table's columns; the count sits in the status column."""
        out = []
        for label, status in TOTALS:
            n, amount, gov, own = self.by_status[status]
            out.append((label, f"{n:,}건", "", "", "", amount, gov, own, "", "", "", ""))
        return out


def _stream(pages: Iterable[tuple[PaymentView, ...]], sums: _Sums, total: int, progress: Progress | None,
            cancelled: Cancelled | None) -> Iterator[tuple]:
    done = 0
    for page in pages:
        if cancelled is not None and cancelled():
            raise ExportCancelled
        for p in page:
            sums.add(p)
            yield row_of(p)
        done += len(page)
        if progress is not None:
            progress(min(1.0, done / total) if total else 1.0, f"{done:,} / {max(done, total):,}건")
    if cancelled is not None and cancelled():
        raise ExportCancelled


def billing_table(pages: Iterable[tuple[PaymentView, ...]], start: date | None, end: date | None, *,
                  total: int = 0, progress: Progress | None = None, cancelled: Cancelled | None = None) -> Table:
    """The table of 청구내역 over `pages` of rows (read once, while the file is written): raises
    ExportCancelled from the writing when `cancelled()` turns true between two pages."""
    sums = _Sums()
    return Table(title=title_of(start, end), columns=COLUMNS,
                 rows=_stream(pages, sums, total, progress, cancelled), totals=sums.rows)
