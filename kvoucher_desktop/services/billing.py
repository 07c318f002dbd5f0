"""청구내역 as a file: the completed and the cancelled payments of a period, with their totals, as a
table for `exports` (XLSX, CSV). No Qt, no database: the payment service hands in the pages of
rows; this module decides the columns, the totals rows and the progress of the job.

The totals rows sum the very rows in the file (the period could gain a payment between two pages
of a long export; the file is then still consistent with itself): 결제완료 (SUCCEEDED), 결제취소
(CANCELLED) and 청구 합계 (completed − cancelled are never netted: a cancelled payment gave its
budget back, so the claim is the completed ones; the line says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from ..enums import PaymentStatus
from .clock import format_kst
from .dto import PaymentView
from .exports import Column, ColumnKind, Table

P = PaymentStatus

K = ColumnKind
COLUMNS = (
    Column("결제일시", K.TEXT, 17), Column("상태", K.TEXT, 9), Column("서비스", K.TEXT, 28),
    Column("수요기업", K.TEXT, 20), Column("공급기업", K.TEXT, 20), Column("결제금액", K.KRW, 14),
    Column("정부지원금", K.KRW, 14), Column("자부담", K.KRW, 12), Column("결제수단", K.TEXT, 30),
    Column("승인번호", K.TEXT, 12), Column("취소일시", K.TEXT, 17), Column("취소 사유", K.TEXT, 30),
)

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


def row_of(p: PaymentView) -> tuple:
    method = f"{p.method_label} {p.card_masked}" if p.card_masked else p.method_label
    return (format_kst(p.approved_at or p.created_at), p.status_label, p.service_name, p.company_name,
            p.supplier_name, p.amount, p.government_share, p.self_share, method, p.approval_no or "",
            format_kst(p.cancelled_at), " ".join((p.cancel_reason or "").split()))


def _sum(rows: list[PaymentView], status: PaymentStatus) -> tuple[int, int, int, int]:
    picked = [p for p in rows if p.status is status]
    return (len(picked), sum(p.amount for p in picked), sum(p.government_share for p in picked),
            sum(p.self_share for p in picked))


def totals_rows(rows: list[PaymentView]) -> list[tuple]:
    """결제완료 / 결제취소 lines: (label, …, amount, government share, self-payment, …) in the
    table's columns; the count sits in the status column."""
    out = []
    for label, status in (("결제완료 합계", P.SUCCEEDED), ("결제취소 합계", P.CANCELLED)):
        n, amount, gov, own = _sum(rows, status)
        out.append((label, f"{n:,}건", "", "", "", amount, gov, own, "", "", "", ""))
    return out


def title_of(start: date | None, end: date | None) -> str:
    span = f"{start:%Y-%m-%d} ~ {end:%Y-%m-%d}" if start and end else \
        f"{start:%Y-%m-%d} ~" if start else f"~ {end:%Y-%m-%d}" if end else "전체 기간"
    return f"청구내역 ({span})"


def gather(pages: Iterator[tuple[PaymentView, ...]], total: int, progress: Progress | None,
           cancelled: Cancelled | None, share: float = 0.9) -> list[PaymentView] | None:
    """Every row of the pages, reporting progress over the first `share` of the job; None when
    the user cancelled between two pages."""
    rows: list[PaymentView] = []
    for page in pages:
        if cancelled is not None and cancelled():
            return None
        rows.extend(page)
        if progress is not None:
            progress(share * min(1.0, len(rows) / total) if total else share, f"{len(rows):,} / {total:,}건")
    if cancelled is not None and cancelled():
        return None
    return rows


def billing_table(rows: list[PaymentView], start: date | None, end: date | None) -> Table:
    return Table(title=title_of(start, end), columns=COLUMNS, rows=[row_of(p) for p in rows],
                 totals=totals_rows(rows))
