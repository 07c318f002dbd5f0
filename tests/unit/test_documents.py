"""The documents for filing (SPEC §11) as pure functions: every field of the 전표, 거래명세서 and
취소전표 read back from the PDF's text, the same bytes for the same data and other bytes for other
data, A4 and the bundled font, and the batch (index pages, one page per document, cancelling)."""

from __future__ import annotations

import io
import threading
import uuid
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from kvoucher_desktop.enums import PaperKind, PaymentMethod, PaymentStatus
from kvoucher_desktop.services.documents import (ROWS_PER_INDEX_PAGE, index_page_count, page_count, render_batch,
                                                 render_cancellation_slip, render_slip, render_statement)
from kvoucher_desktop.services.dto import PaperData, PaperParty
from kvoucher_desktop.services.rules.money import supply_and_vat

K = PaperKind
RENDER = {K.SLIP: render_slip, K.STATEMENT: render_statement, K.CANCELLATION: render_cancellation_slip}
PREFIX = {K.SLIP: "SL", K.STATEMENT: "ST", K.CANCELLATION: "CX"}
TITLE = {K.SLIP: "전표", K.STATEMENT: "거래명세서", K.CANCELLATION: "취소전표"}


def paper(kind: PaperKind = K.SLIP, **changes) -> PaperData:
    supply, vat = supply_and_vat(1_234_567)
    cancelled = kind is K.CANCELLATION
    data = PaperData(
        kind=kind, document_no=f"{PREFIX[kind]}-20260305-C-48213377", payment_id=uuid.UUID(int=7),
        status=PaymentStatus.CANCELLED if cancelled else PaymentStatus.SUCCEEDED,
        buyer=PaperParty("주식회사 한빛원격", "123-45-67890", "김민지"),
        supplier=PaperParty("(주)클라우드미팅", "220-81-62517", "이준호"),
        service_name="화상회의 프리미엄 12개월", amount=1_234_567, supply_value=supply, vat=vat,
        government_share=1_111_110, self_share=123_457, method=PaymentMethod.SHINHAN_CARD, method_label="신한카드",
        card_masked="****-****-****-4321", approval_no="48213377",
        approved_at=datetime(2026, 3, 5, 0, 0, 12, tzinfo=timezone.utc),
        cancelled_at=datetime(2026, 3, 6, 1, 30, 5, tzinfo=timezone.utc) if cancelled else None,
        cancel_reason="일정이 맞지 않아 취소합니다." if cancelled else None)
    return replace(data, **changes)


def text_of(pdf: bytes) -> str:
    """The PDF's text with the spaces taken out (extraction splits runs differently per reader)."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def squeeze(text: str) -> str:
    return text.replace(" ", "")


def common_fields(data: PaperData) -> list[str]:
    return ["K-비대면바우처플랫폼", TITLE[data.kind], data.document_no, data.buyer.name, data.buyer.business_no,
            data.buyer.representative, data.supplier.name, data.supplier.business_no, data.supplier.representative,
            data.service_name, "1,234,567원", "1,122,334원", "112,233원", "1,111,110원", "123,457원",
            "신한카드", data.card_masked, "공급받는자", "공급자", "공급가액", "부가세", "정부지원금", "자부담", "결제수단"]


def test_supply_and_vat_of_the_sample():
    assert supply_and_vat(1_234_567) == (1_122_334, 112_233)


@pytest.mark.parametrize("kind", list(K))
def test_every_field_is_on_the_page(kind):
    data = paper(kind)
    text = text_of(RENDER[kind](data))
    fields = common_fields(data) + ["승인번호", "48213377", "2026-03-0509:00:12(KST)"]
    if kind is K.CANCELLATION:
        fields += ["원승인번호", "원거래일시", "취소일시", "2026-03-0610:30:05(KST)", squeeze(data.cancel_reason),
                   "취소사유", "승인취소"]
    if kind is K.STATEMENT:
        fields += ["품목", "수량", "단가", "세액", "합계금액(부가세포함)"]
    missing = [f for f in fields if squeeze(f) not in text]
    assert missing == []


def test_a_zeropay_slip_names_zeropay_and_no_card():
    data = paper(K.SLIP, method=PaymentMethod.ZEROPAY, method_label="제로페이", card_masked=None)
    text = text_of(render_slip(data))
    assert "제로페이" in text and "****" not in text and "카드번호" not in text


def test_a_statement_of_a_cancelled_payment_says_so():
    data = paper(K.STATEMENT, status=PaymentStatus.CANCELLED,
                 cancelled_at=datetime(2026, 3, 6, 1, 30, 5, tzinfo=timezone.utc))
    text = text_of(render_statement(data))
    assert "결제취소" in text and "2026-03-0610:30:05(KST)" in text


@pytest.mark.parametrize("kind", list(K))
def test_same_data_same_bytes_other_data_other_bytes(kind):
    render = RENDER[kind]
    first = render(paper(kind))
    assert render(paper(kind)) == first
    assert b"CreationDate" not in first or b"D:20000101" in first  # the invariant canvas's fixed date
    for change in ({"amount": 1_234_568}, {"approval_no": "48213378"}, {"service_name": "화상회의 베이직"},
                   {"buyer": PaperParty("주식회사 한빛원격", "123-45-67891", "김민지")}):
        assert render(paper(kind, **change)) != first, change


def test_the_page_is_a4_and_embeds_the_bundled_font():
    reader = PdfReader(io.BytesIO(render_slip(paper())))
    (page,) = reader.pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    fonts = {f["/BaseFont"] for f in page["/Resources"]["/Font"].values()}
    assert any("NanumGothic" in str(f) for f in fonts) and all("Helvetica" not in str(f) for f in fonts)
    assert reader.metadata.title == "전표 SL-20260305-C-48213377"


def test_a_renderer_refuses_a_paper_of_another_kind():
    with pytest.raises(ValueError):
        render_slip(paper(K.CANCELLATION))
    with pytest.raises(TypeError):
        render_statement({"kind": K.STATEMENT})


def test_long_names_are_wrapped_inside_their_cells_and_kept():
    name = "주식회사 아주 긴 이름의 원격근무 솔루션 공급 기업 연구개발 센터 본부"
    data = paper(K.SLIP, supplier=PaperParty(name, "220-81-62517", "이준호"), service_name="가" * 150)
    text = text_of(render_slip(data))
    assert squeeze(name) in text and "가" * 60 in text


def test_renders_from_threads_give_the_same_bytes():
    expected = render_cancellation_slip(paper(K.CANCELLATION))
    out: list[bytes] = []
    threads = [threading.Thread(target=lambda: out.append(render_cancellation_slip(paper(K.CANCELLATION))))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [expected] * 4


def batch_items(n: int) -> list[PaperData]:
    return [paper(K.CANCELLATION if i % 4 == 3 else K.SLIP, document_no=f"SL-20260305-C-{10000000 + i}",
                  approval_no=str(10000000 + i)) for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, ROWS_PER_INDEX_PAGE, ROWS_PER_INDEX_PAGE + 1])
def test_the_batch_has_its_index_pages_then_one_page_per_document(n):
    items = batch_items(n)
    pdf = render_batch(items, heading="2026-03-01 ~ 2026-03-31")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == page_count(n) == index_page_count(n) + n
    assert index_page_count(n) == (1 if n <= ROWS_PER_INDEX_PAGE else 2)
    index = "".join(p.extract_text() for p in reader.pages[:index_page_count(n)]).replace(" ", "")
    assert "증빙문서목록" in index
    for item in items:
        assert item.document_no in index
    for i, item in enumerate(items):
        page = reader.pages[index_page_count(n) + i].extract_text().replace(" ", "")
        assert item.document_no in page
        assert ("취소전표" in page) is (item.kind is K.CANCELLATION)
    assert render_batch(items, heading="2026-03-01 ~ 2026-03-31") == pdf


@pytest.mark.parametrize("number", ["CX-20261231-C-88888888", "CX-20261231-Z-99999999", "ST-20260830-C-00000000"])
def test_the_index_prints_every_document_number_whole(number):
    """The number is what a filer looks a paper up by: the widest ones fit their index column."""
    from kvoucher_desktop.services.documents.batch import INDEX_WIDTHS
    from kvoucher_desktop.services.documents.fonts import REGULAR, register_fonts
    from kvoucher_desktop.services.documents.sheet import MARGIN, PAD, PAGE_WIDTH, wrap

    register_fonts()
    width = INDEX_WIDTHS[2] * (PAGE_WIDTH - 2 * MARGIN) - 2 * PAD
    assert wrap(number, REGULAR, 8, width, 1) == [number]
    kind_width = INDEX_WIDTHS[1] * (PAGE_WIDTH - 2 * MARGIN) - 2 * PAD
    assert all(wrap(title, REGULAR, 8, kind_width, 1) == [title] for title in ("전표", "취소전표"))  # what a batch holds
    from kvoucher_desktop.services.documents.fonts import BOLD
    for head, fraction in zip(("번호", "문서", "문서번호", "일시 (KST)", "서비스", "금액", "쪽"), INDEX_WIDTHS):
        assert wrap(head, BOLD, 8.5, fraction * (PAGE_WIDTH - 2 * MARGIN) - 2 * PAD, 1) == [head]
    pdf = render_batch([paper(K.CANCELLATION, document_no=number)])
    assert number in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace(" ", "")
    assert sum(INDEX_WIDTHS) == pytest.approx(1.0)


def test_the_batch_reports_progress_and_stops_when_cancelled():
    items = batch_items(30)
    seen: list[tuple[float, str]] = []
    assert render_batch(items, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _m in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 3
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 12  # mid-batch

    progressed: list[float] = []
    assert render_batch(items, progress=lambda f, _m: progressed.append(f), cancelled=cancelled) is None
    assert 10 < len(asked) < 30 and all(f < 1.0 for f in progressed)


@pytest.mark.parametrize("kind", list(K))
def test_the_longest_texts_stay_above_the_footnote(kind):
    """Names, service and reason at their column limits (200, 200, 100 and a long reason): the
    layout ends above the footnote (nothing overlaps it), on one page."""
    from kvoucher_desktop.services.documents.papers import draw_paper, new_canvas
    from kvoucher_desktop.services.documents.sheet import MARGIN, Sheet
    from reportlab.lib.units import mm

    long = paper(kind, buyer=PaperParty("가" * 200, "123-45-67890", "김" * 100),
                 supplier=PaperParty("W" * 200, "220-81-62517", "M" * 100), service_name="서" * 200,
                 cancel_reason=("취소 사유가 깁니다. " * 60) if kind is K.CANCELLATION else None,
                 amount=999_999_999, supply_value=909_090_908, vat=90_909_091)
    sheet = Sheet(new_canvas(io.BytesIO(), "", ""))
    draw_paper(sheet, long)
    assert sheet.y > MARGIN + 12 * mm
    assert len(PdfReader(io.BytesIO(RENDER[kind](long))).pages) == 1


def test_a_cancellation_reason_at_its_limit_is_printed_whole():
    """The filed copy keeps the reason: CANCEL_REASON_LIMIT of the widest characters, wrapped, no …,
    with the other texts at their limits and the layout still above the footnote."""
    from kvoucher_desktop.services.documents.papers import draw_paper, new_canvas
    from kvoucher_desktop.services.documents.sheet import MARGIN, Sheet
    from kvoucher_desktop.services.rules.limits import CANCEL_REASON_LIMIT
    from reportlab.lib.units import mm

    reason = ("서비스 제공 일정이 맞지 않아 취소합니다" * 20)[:CANCEL_REASON_LIMIT - 1] + "끝"
    long = paper(K.CANCELLATION, buyer=PaperParty("가" * 200, "123-45-67890", "김" * 100),
                 supplier=PaperParty("W" * 200, "220-81-62517", "M" * 100), service_name="서" * 200,
                 cancel_reason=reason, amount=999_999_999, supply_value=909_090_908, vat=90_909_091)
    sheet = Sheet(new_canvas(io.BytesIO(), "", ""))
    draw_paper(sheet, long)
    assert sheet.y > MARGIN + 12 * mm
    text = PdfReader(io.BytesIO(RENDER[K.CANCELLATION](long))).pages[0].extract_text()
    flat = text.replace(" ", "").replace("\n", "")
    assert reason.replace(" ", "") in flat  # to its last character: not cut with …
