"""All slips of a period in one PDF for filing (SPEC §11): index pages first (document number,
date, service, amount and the page of each), then each payment's paper as the service chose it
(a 전표 for a succeeded payment, a 취소전표 for a cancelled one). Long work in calibre's job
shape: `progress(fraction, message)` after each document, `cancelled()` asked before each; a
cancelled batch returns None (nothing half-made is handed on)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab.lib.units import mm

from ...enums import PaperKind
from ..clock import format_kst
from ..dto import PaperData
from ..rules.money import format_krw
from .papers import TITLES, draw_paper, new_canvas
from .sheet import HEAD_FILL, MARGIN, MUTED, PAGE_HEIGHT, PAGE_WIDTH, Cell, Sheet, value

#: index rows per page (the first page has the heading and a summary above them)
ROWS_PER_INDEX_PAGE = 34
INDEX_TITLE = "증빙 문서 목록"
#: the batch's own progress messages: every this many documents
PROGRESS_EVERY = 10


#: the index's columns (번호, 문서, 문서번호, 일시, 서비스, 금액, 쪽) as fractions of the content width
INDEX_WIDTHS = (0.06, 0.10, 0.25, 0.18, 0.21, 0.13, 0.07)


def index_page_count(n: int) -> int:
    """Index pages for `n` documents (one even for none)."""
    return max(1, -(-n // ROWS_PER_INDEX_PAGE))


def page_count(n: int) -> int:
    """Pages of a batch of `n` documents: the index, then one page each."""
    return index_page_count(n) + n


def _paper_date(item: PaperData):
    return item.cancelled_at if item.kind is PaperKind.CANCELLATION and item.cancelled_at else item.approved_at


def _page_number(sheet: Sheet, number: int, total: int) -> None:
    sheet.text(PAGE_WIDTH / 2, MARGIN - 4 * mm, f"{number} / {total}", 8, align="center", color=MUTED)


def _index_page(sheet: Sheet, items: Sequence[PaperData], first: int, page: int, pages: int, total_pages: int,
                heading: str) -> None:
    top = PAGE_HEIGHT - MARGIN
    sheet.text(MARGIN, top, "K-비대면 바우처 플랫폼", 11, bold=True)
    sheet.text(PAGE_WIDTH - MARGIN, top, f"목록 {page} / {pages}", 9, align="right", color=MUTED)
    sheet.rule(top - 3.5 * mm, 1.2)
    sheet.text(PAGE_WIDTH / 2, top - 15 * mm, INDEX_TITLE, 18, bold=True, align="center")
    sheet.y = top - 20 * mm
    if heading:
        sheet.text(PAGE_WIDTH / 2, sheet.y, heading, 9.5, align="center", color=MUTED)
    sheet.y -= 4 * mm
    if page == 1:
        slips = [i for i in items if i.kind is not PaperKind.CANCELLATION]
        gone = [i for i in items if i.kind is PaperKind.CANCELLATION]
        sheet.text(MARGIN, sheet.y, f"전표 {len(slips):,}건 {format_krw(sum(i.amount for i in slips))} · "
                                    f"취소전표 {len(gone):,}건 {format_krw(sum(i.amount for i in gone))}", 9.5)
        sheet.y -= 3.5 * mm
    rows = [[Cell(t, "center", True, HEAD_FILL, size=8.5, max_lines=1)
             for t in ("번호", "문서", "문서번호", "일시 (KST)", "서비스", "금액", "쪽")]]
    chunk = items[first:first + ROWS_PER_INDEX_PAGE]
    start_page = index_page_count(len(items)) + 1
    for offset, item in enumerate(chunk):
        i = first + offset
        rows.append([Cell(str(i + 1), "center", size=8, max_lines=1),
                     Cell(TITLES[item.kind], "center", size=8, max_lines=1),
                     Cell(item.document_no, size=8, max_lines=1),
                     Cell(format_kst(_paper_date(item)), "center", size=8, max_lines=1),
                     Cell(item.service_name, size=8, max_lines=1),
                     Cell(format_krw(item.amount), "right", size=8, max_lines=1),
                     Cell(str(start_page + i), "center", size=8, max_lines=1)])
    if not items:
        rows.append([value("이 기간에 발행할 문서가 없습니다.", 7)])
    # the number is what a filer looks a paper up by: its column holds the longest one whole
    sheet.table(INDEX_WIDTHS, rows, min_height=6.4 * mm)
    _page_number(sheet, page, total_pages)


def render_batch(items: Sequence[PaperData], *, progress: Callable[[float, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None, heading: str = "") -> bytes | None:
    """One PDF: the index pages, then one page per item in the order given. `heading` (e.g. the
    period) is printed under the index title. Returns None when `cancelled()` said so."""
    items = tuple(items)
    if not all(isinstance(i, PaperData) for i in items):
        raise TypeError("a batch is rendered from PaperData")
    buffer = io.BytesIO()
    c = new_canvas(buffer, f"{INDEX_TITLE} {heading}".strip(), INDEX_TITLE)
    pages, total = index_page_count(len(items)), page_count(len(items))
    for page in range(pages):
        if cancelled is not None and cancelled():
            return None
        _index_page(Sheet(c), items, page * ROWS_PER_INDEX_PAGE, page + 1, pages, total, heading)
        c.showPage()
    n = len(items)
    for i, item in enumerate(items):
        if cancelled is not None and cancelled():
            return None
        sheet = Sheet(c)
        draw_paper(sheet, item)
        _page_number(sheet, pages + i + 1, total)
        c.showPage()
        if progress is not None and (i + 1 == n or (i + 1) % PROGRESS_EVERY == 0):
            progress((i + 1) / n * 0.95, f"{i + 1:,}/{n:,}")
    if cancelled is not None and cancelled():
        return None
    c.save()
    if progress is not None:
        progress(1.0, "PDF 완성")
    return buffer.getvalue()
