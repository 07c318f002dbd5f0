#!/usr/bin/env python
"""The documents for filing (SPEC §11): each renderer's time as a ratio to a bare ReportLab A4
page with the same fonts measured in the same rounds, and the time of a 500-slip batch.

    python benchmarks/documents.py [--repeat 30] [--batch 500] [--batch-repeat 3]

Two anchors, both an invariant, compressed A4 canvas with NanumGothic regular and bold, one page,
saved — what a PDF in the bundled font costs before any layout:
- "same text": the document's own strings (recorded from one render: each with its face and
  size) drawn one after another with drawString — the same glyphs to subset and embed, no table,
  no wrapping, no lines. The goal (median ≤ 1.5×) is against this one: it measures the layout.
- "two lines": one line of Hangul in each face; embedding a hundred glyphs more is most of the
  difference (subsetting and compressing the outlines grows with the glyphs a page uses).
Each round renders the anchors, then the document (fonts registered once before the rounds, as
in the app). No store is involved: the renderers are pure functions of a PaperData.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from kvoucher_desktop.enums import PaperKind, PaymentMethod, PaymentStatus  # noqa: E402
from kvoucher_desktop.services.documents import (page_count, register_fonts, render_batch,  # noqa: E402
                                                 render_cancellation_slip, render_slip, render_statement)
from kvoucher_desktop.services.dto import PaperData, PaperParty  # noqa: E402
from kvoucher_desktop.services.rules.money import supply_and_vat  # noqa: E402
from kvoucher_desktop.services.rules.payments import document_no  # noqa: E402


def sample(kind: PaperKind, i: int = 0) -> PaperData:
    amount = 1_100_000 + 1_000 * i
    supply, vat = supply_and_vat(amount)
    gov = amount * 90 // 100
    approved = datetime(2026, 3, 5, 0, 0, tzinfo=timezone.utc) + timedelta(minutes=7 * i)
    cancelled = kind is PaperKind.CANCELLATION
    approval = str(40_000_000 + i)
    return PaperData(
        kind=kind, document_no=document_no(kind, PaymentMethod.SHINHAN_CARD, approved, approval),
        payment_id=uuid.UUID(int=i + 1), status=PaymentStatus.CANCELLED if cancelled else PaymentStatus.SUCCEEDED,
        buyer=PaperParty(f"주식회사 한빛원격 {i:04d}", "123-45-67890", "김민지"),
        supplier=PaperParty("(주)클라우드미팅 코리아", "220-81-62517", "이준호"),
        service_name="화상회의 솔루션 프리미엄 플랜 12개월 이용권 (최대 100명 동시 접속)", amount=amount,
        supply_value=supply, vat=vat, government_share=gov, self_share=amount - gov,
        method=PaymentMethod.SHINHAN_CARD, method_label="신한카드", card_masked="****-****-****-1234",
        approval_no=approval, approved_at=approved,
        cancelled_at=approved + timedelta(hours=2) if cancelled else None,
        cancel_reason="서비스 제공 일정이 맞지 않아 공급기업이 취소합니다." if cancelled else None)


def bare_page() -> bytes:
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1, pageCompression=1, initialFontName=regular)
    c.setFont(bold, 22)
    c.drawString(72, 760, "전표")
    c.setFont(regular, 11)
    c.drawString(72, 730, "K-비대면 바우처 플랫폼")
    c.showPage()
    c.save()
    return buffer.getvalue()


def texts_of(data: PaperData) -> list[tuple[str, float, str]]:
    """(font, size, text) of every string a render draws, in order."""
    from kvoucher_desktop.services.documents.papers import draw_paper, new_canvas
    from kvoucher_desktop.services.documents.sheet import Sheet

    c = new_canvas(io.BytesIO(), "", "")
    seen: list[tuple[str, float, str]] = []
    for name in ("drawString", "drawRightString", "drawCentredString"):
        def record(x, y, text, *a, _real=getattr(c, name), **k):
            seen.append((c._fontname, c._fontsize, text))
            return _real(x, y, text, *a, **k)
        setattr(c, name, record)
    draw_paper(Sheet(c), data)
    return seen


def same_text_page(texts: list[tuple[str, float, str]]) -> bytes:
    regular, _bold = register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1, pageCompression=1, initialFontName=regular)
    y = 800.0
    for font, size, text in texts:
        c.setFont(font, size)
        c.drawString(40, y, text)
        y = y - 12 if y > 60 else 800.0
    c.showPage()
    c.save()
    return buffer.getvalue()


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--batch-repeat", type=int, default=3)
    args = parser.parse_args(argv)
    register_fonts()
    datas = {"전표 render_slip": (render_slip, sample(PaperKind.SLIP)),
             "거래명세서 render_statement": (render_statement, sample(PaperKind.STATEMENT)),
             "취소전표 render_cancellation_slip": (render_cancellation_slip, sample(PaperKind.CANCELLATION))}
    rows = []
    two: list[float] = []
    for name, (render, data) in datas.items():
        texts = texts_of(data)
        for fn in (bare_page, lambda: same_text_page(texts), lambda: render(data)):  # warm-up
            fn()
        same: list[float] = []
        doc: list[float] = []
        for _ in range(args.repeat):
            two.append(timed(bare_page))
            same.append(timed(lambda: same_text_page(texts)))
            doc.append(timed(lambda: render(data)))
        rows.append((name, len(texts), statistics.median(doc), statistics.median(same), min(doc), min(same)))
    a = statistics.median(two)
    print(f"anchor 'two lines' (bare A4 page, NanumGothic regular+bold, one line each): median {a:.2f} ms")
    print(f"{'document':34} {'strings':>7} {'median ms':>9} {'same-text ms':>12} {'ratio':>6} {'min ratio':>9} "
          f"{'vs two lines':>12}")
    for name, n, m, ms, lo, lo_same in rows:
        print(f"{name:34} {n:7d} {m:9.2f} {ms:12.2f} {m / ms:5.2f}x {lo / lo_same:8.2f}x {m / a:11.2f}x")
    items = [sample(PaperKind.CANCELLATION if i % 10 == 9 else PaperKind.SLIP, i) for i in range(args.batch)]
    batch: list[float] = []
    size = 0
    for _ in range(args.batch_repeat):
        t0 = time.perf_counter()
        pdf = render_batch(items, progress=lambda _f, _m: None, cancelled=lambda: False)
        batch.append(time.perf_counter() - t0)
        size = len(pdf)
    b = statistics.median(batch)
    print(f"batch of {args.batch} ({args.batch - args.batch // 10} 전표 + {args.batch // 10} 취소전표, "
          f"{page_count(args.batch)} pages, {size / 1e6:.1f} MB): median {b:.2f} s, "
          f"{b / args.batch * 1000:.1f} ms per document ({args.batch_repeat} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
