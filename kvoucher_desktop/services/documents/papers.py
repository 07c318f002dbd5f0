"""The three documents of one payment (SPEC §11) drawn on an A4 page: 전표 (sales slip),
거래명세서 (transaction statement) and 취소전표 (cancellation slip). `draw_paper` draws one on a
sheet (the batch draws many into one PDF); `render_*` make a one-page PDF of it.

Same data, same bytes: the canvas is invariant (no creation time, a fixed document id) and the
metadata is made from the data only."""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ...enums import PaperKind, PaymentStatus
from ..clock import format_kst
from ..dto import PaperData
from ..rules.money import format_krw
from ..rules.payments import PAPER_TITLES, cancel_reason_text
from .fonts import REGULAR, register_fonts
from .sheet import (ACCENT, CONTENT_WIDTH, LABEL_FILL, MARGIN, MUTED, PAGE_HEIGHT, PAGE_WIDTH, Cell, Sheet, head,
                    label, money, value, wrap)

TITLES = PAPER_TITLES
SUBTITLES = {PaperKind.SLIP: "매출전표 · 공급받는자 보관용", PaperKind.STATEMENT: "공급받는자 보관용",
             PaperKind.CANCELLATION: "승인취소 · 공급받는자 보관용"}
PRODUCER = "kvoucher-desktop"
FOOTNOTE = ("금액은 부가가치세 포함 가격입니다. 공급가액 = 합계금액 ÷ 1.1 (원 단위 반올림), 부가세 = 합계금액 - 공급가액. "
            "정부지원금과 자부담은 결제 시 바우처 예산에서 나뉜 금액입니다.")


def kst(moment: datetime | None) -> str:
    return f"{format_kst(moment, seconds=True)} (KST)" if moment is not None else "-"


def method_rows(data: PaperData) -> list[Cell]:
    """결제수단 and the card (masked) or ZeroPay, as two label-value pairs."""
    if data.card_masked:
        return [label("결제수단"), value(data.method_label), label("카드번호"), value(data.card_masked)]
    return [label("결제수단"), value(data.method_label), label("결제구분"), value("제로페이 (모바일 상품권)")]


def parties(sheet: Sheet, data: PaperData) -> None:
    sheet.section("거래 당사자")
    b, s = data.buyer, data.supplier
    sheet.table([0.2, 0.4, 0.4], [
        [head("구분"), head("공급받는자 (구매자)"), head("공급자 (판매자)")],
        [label("상호"), value(b.name, max_lines=5), value(s.name, max_lines=5)],
        [label("사업자등록번호"), value(b.business_no), value(s.business_no)],
        [label("대표자"), value(b.representative), value(s.representative)],
    ])


def amounts(sheet: Sheet, data: PaperData, title: str = "결제 금액", total_label: str = "합계금액") -> None:
    sheet.section(title)
    sheet.table([0.2, 0.3, 0.2, 0.3], [
        [label("공급가액"), money(format_krw(data.supply_value)), label("정부지원금"),
         money(format_krw(data.government_share))],
        [label("부가세 (VAT)"), money(format_krw(data.vat)), label("자부담"), money(format_krw(data.self_share))],
        [Cell(total_label, "center", True, LABEL_FILL), money(format_krw(data.amount), 3, bold=True)],
    ])


def heading(sheet: Sheet, data: PaperData) -> None:
    """Platform name and document number on top, a rule, the title and its line."""
    top = PAGE_HEIGHT - MARGIN
    sheet.text(MARGIN, top, data.platform, 11, bold=True)
    sheet.text(PAGE_WIDTH - MARGIN, top, f"문서번호 {data.document_no}", 9, align="right", color=MUTED)
    sheet.rule(top - 3.5 * mm, 1.2)
    title = TITLES[data.kind]
    sheet.text(PAGE_WIDTH / 2, top - 17 * mm, title, 22, bold=True, align="center")
    sheet.text(PAGE_WIDTH / 2, top - 23.5 * mm, f"({SUBTITLES[data.kind]})", 9.5, align="center", color=MUTED)
    if data.kind is PaperKind.CANCELLATION:
        c = sheet.c
        c.setStrokeColor(ACCENT)
        c.setLineWidth(1.6)
        x, y = PAGE_WIDTH - MARGIN - 30 * mm, top - 21 * mm
        c.roundRect(x, y, 30 * mm, 11 * mm, 2 * mm, stroke=1, fill=0)
        sheet.text(x + 15 * mm, y + 3.3 * mm, "승인취소", 12, bold=True, align="center", color=ACCENT)
    sheet.y = top - 28 * mm


def footer(sheet: Sheet, data: PaperData, closing: str) -> None:
    sheet.y -= 7 * mm
    sheet.text(PAGE_WIDTH / 2, sheet.y, closing, 10.5, align="center")
    sheet.y -= 6 * mm
    sheet.text(PAGE_WIDTH / 2, sheet.y, f"공급자  {data.supplier.name[:40]}", 10, bold=True, align="center")
    bottom = MARGIN + 6 * mm
    sheet.rule(bottom + 5 * mm)
    for i, line in enumerate(wrap(FOOTNOTE, REGULAR, 7.5, CONTENT_WIDTH, 2)):
        sheet.text(MARGIN, bottom - i * 3.6 * mm, line, 7.5, color=MUTED)
    sheet.text(PAGE_WIDTH - MARGIN, MARGIN - 4 * mm, f"{data.platform} · {data.document_no}", 7.5,
               align="right", color=MUTED)


def draw_slip(sheet: Sheet, data: PaperData) -> None:
    heading(sheet, data)
    sheet.section("거래 정보")
    sheet.table([0.2, 0.3, 0.2, 0.3], [
        [label("문서번호"), value(data.document_no), label("거래일시"), value(kst(data.approved_at))],
        method_rows(data),
        [label("승인번호"), value(data.approval_no, bold=True), label("결제상태"),
         value("결제성공" if data.status is PaymentStatus.SUCCEEDED else "결제취소 (취소전표 참조)")],
        [label("서비스"), value(data.service_name, 3, max_lines=6)],
    ])
    parties(sheet, data)
    amounts(sheet, data)
    footer(sheet, data, "위 금액이 결제(승인)되었음을 확인합니다.")


def draw_cancellation(sheet: Sheet, data: PaperData) -> None:
    heading(sheet, data)
    sheet.section("취소 정보")
    sheet.table([0.2, 0.3, 0.2, 0.3], [
        [label("문서번호"), value(data.document_no), label("취소일시"), value(kst(data.cancelled_at), bold=True)],
        [label("원승인번호"), value(data.approval_no, bold=True), label("원거래일시"), value(kst(data.approved_at))],
        method_rows(data),
        [label("서비스"), value(data.service_name, 3, max_lines=6)],
        # the whole reason (CANCEL_REASON_LIMIT characters fit); only an older, longer one ends in …
        [label("취소 사유"), value(cancel_reason_text(data.cancel_reason), 3, max_lines=9)],
    ])
    parties(sheet, data)
    amounts(sheet, data, "취소 금액", "취소 합계금액")
    footer(sheet, data, "위 결제가 취소(승인취소)되었음을 확인합니다.")


def draw_statement(sheet: Sheet, data: PaperData) -> None:
    heading(sheet, data)
    sheet.table([0.2, 0.3, 0.2, 0.3], [
        [label("문서번호"), value(data.document_no), label("거래일시"), value(kst(data.approved_at))],
    ])
    parties(sheet, data)
    sheet.section("거래 내역")
    sheet.table([0.07, 0.37, 0.08, 0.16, 0.16, 0.16], [
        [head("번호"), head("품목 (서비스)"), head("수량"), head("단가"), head("공급가액"), head("세액")],
        [Cell("1", "center"), value(data.service_name, max_lines=8), Cell("1", "center"),
         money(format_krw(data.supply_value)), money(format_krw(data.supply_value)), money(format_krw(data.vat))],
        [label("합계", 4), money(format_krw(data.supply_value), bold=True), money(format_krw(data.vat), bold=True)],
        [label("합계금액 (부가세 포함)", 4), money(format_krw(data.amount), 2, bold=True)],
    ])
    sheet.section("결제 정보")
    rows = [
        method_rows(data),
        [label("승인번호"), value(data.approval_no, bold=True), label("결제일시"), value(kst(data.approved_at))],
        [label("정부지원금"), money(format_krw(data.government_share)), label("자부담"),
         money(format_krw(data.self_share))],
    ]
    if data.status is PaymentStatus.CANCELLED:
        rows.append([label("결제상태"), value("결제취소"), label("취소일시"), value(kst(data.cancelled_at))])
    sheet.table([0.2, 0.3, 0.2, 0.3], rows)
    footer(sheet, data, "위와 같이 거래하였음을 확인합니다.")


DRAW = {PaperKind.SLIP: draw_slip, PaperKind.STATEMENT: draw_statement, PaperKind.CANCELLATION: draw_cancellation}


def draw_paper(sheet: Sheet, data: PaperData) -> None:
    DRAW[data.kind](sheet, data)


def new_canvas(buffer: io.BytesIO, title: str, subject: str) -> Canvas:
    """An A4 canvas whose bytes depend on what is drawn only (invariant, fixed metadata)."""
    register_fonts()
    c = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1,
               initialFontName=REGULAR, initialFontSize=9.5)
    c.setTitle(title)
    c.setSubject(subject)
    c.setAuthor("K-비대면 바우처 플랫폼")
    c.setCreator(PRODUCER)
    c.setProducer(PRODUCER)
    return c


def render(data: PaperData, kind: PaperKind) -> bytes:
    if not isinstance(data, PaperData):
        raise TypeError("a document is rendered from PaperData")
    if data.kind is not kind:
        raise ValueError(f"{kind.value} asked for a paper of kind {data.kind.value}")
    buffer = io.BytesIO()
    c = new_canvas(buffer, f"{TITLES[kind]} {data.document_no}", TITLES[kind])
    draw_paper(Sheet(c), data)
    c.showPage()
    c.save()
    return buffer.getvalue()


def render_slip(data: PaperData) -> bytes:
    """전표 (sales slip) of a SUCCEEDED (or later cancelled) payment: one A4 page of PDF."""
    return render(data, PaperKind.SLIP)


def render_statement(data: PaperData) -> bytes:
    """거래명세서 (transaction statement) of one deal's payment: one A4 page of PDF."""
    return render(data, PaperKind.STATEMENT)


def render_cancellation_slip(data: PaperData) -> bytes:
    """취소전표 (cancellation slip) of a CANCELLED payment: one A4 page of PDF."""
    return render(data, PaperKind.CANCELLATION)
