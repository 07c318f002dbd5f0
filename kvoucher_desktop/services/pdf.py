"""PDF pages through PDFium (pypdfium2), without Qt: the upload check opens a PDF, the viewer
renders its pages to RGB pixels (off the GUI thread) and makes them a picture.

PDFium is not thread-safe, not even for different documents, so every call into it holds
`PDFIUM_LOCK` (the upload checks of two desks and a viewer's page may run at once), and every
object is closed inside the lock rather than left to a finaliser on some other thread.
"""

from __future__ import annotations

import ctypes
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# Imported here, by whoever imports this module (the GUI thread at start-up), never lazily in a
# worker thread: PySide6's import hook is not safe there (a crash seen with a lazy import).
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

PDFIUM_LOCK = threading.RLock()
#: a rendered page never has more pixels than this (a huge MediaBox at 400 % would not fit)
MAX_RENDER_PIXELS = 40_000_000
#: points (1/72 inch) to pixels at 100 % zoom on a 96-dpi screen
POINTS_TO_PIXELS = 96 / 72


class PdfError(Exception):
    """The bytes are no PDF PDFium can open (corrupt, encrypted) or the page does not exist."""


@dataclass(frozen=True)
class RenderedPage:
    index: int  # 0-based
    page_count: int
    width: int
    height: int
    stride: int  # bytes per row (width × 4: no padding)
    rgbx: bytes  # 4 bytes (R, G, B, unused) per pixel, rows of `stride` bytes
    zoom: float  # the zoom it was drawn at (1.0 = 100 %, after any limit)


def _open(data: bytes):
    try:
        return pdfium.PdfDocument(bytes(data))
    except pdfium.PdfiumError as exc:
        raise PdfError(str(exc)) from None


def page_count(data: bytes) -> int:
    """How many pages PDFium finds; PdfError when it cannot open the document."""
    with PDFIUM_LOCK:
        pdf = _open(data)
        try:
            return len(pdf)
        finally:
            pdf.close()


@contextmanager
def _opened_page(data: bytes, index: int) -> Iterator[tuple[object, int]]:
    """(page `index`, the document's page count) inside the lock; the page and the document are
    closed after. PdfError when PDFium cannot open the document or the page does not exist."""
    with PDFIUM_LOCK:
        pdf = _open(data)
        try:
            count = len(pdf)
            if not 0 <= index < count:
                raise PdfError(f"page {index + 1} of {count}")
            page = pdf[index]
            try:
                yield page, count
            finally:
                page.close()
        finally:
            pdf.close()


def _size_pt(page) -> tuple[float, float]:
    """A page's width and height in points, at least 1 each."""
    width_pt, height_pt = page.get_size()
    return max(width_pt, 1.0), max(height_pt, 1.0)


def render_page(data: bytes, index: int, zoom: float | None, fit_width: int | None = None,
                device_ratio: float = 1.0) -> RenderedPage:
    """Page `index` of the PDF drawn at `zoom` (1.0 = 100 %), or, when `zoom` is None, as wide as
    `fit_width` pixels. `device_ratio` multiplies the pixels (high-dpi screens)."""
    with _opened_page(data, index) as (page, count):
        width_pt, height_pt = _size_pt(page)
        if zoom is None:
            zoom = max(1, fit_width or 1) / (width_pt * POINTS_TO_PIXELS)
        scale = zoom * POINTS_TO_PIXELS * device_ratio
        limit = math.sqrt(MAX_RENDER_PIXELS / (width_pt * height_pt))
        if scale > limit:
            scale = limit
            zoom = scale / (POINTS_TO_PIXELS * device_ratio)
        # 4 bytes a pixel, byte order reversed: R, G, B, x (Qt's RGBX8888), rows without padding
        bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
        try:
            rgbx = bytes(bitmap.buffer)
            return RenderedPage(index, count, bitmap.width, bitmap.height, bitmap.stride, rgbx, zoom)
        finally:
            bitmap.close()


@dataclass(frozen=True)
class TextRun:
    """A run of text on a page as PDFium finds it, in points from the page's bottom left."""

    text: str
    left: float
    bottom: float
    right: float
    top: float


def page_text_runs(data: bytes, index: int) -> tuple[TextRun, ...]:
    """The text of page `index` in runs (a line's stretch of text each) with their boxes: what a
    printed raster page carries as an invisible text layer, so that printing to a PDF file stays
    searchable."""
    with _opened_page(data, index) as (page, _count):
        textpage = page.get_textpage()
        try:
            runs = []
            for i in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(i)
                text = textpage.get_text_bounded(left, bottom, right, top).strip()
                if text:
                    runs.append(TextRun(text, left, bottom, right, top))
            return tuple(runs)
        finally:
            textpage.close()


def render_page_into(data: bytes, index: int, dpi: float,
                     buffer_for: Callable[[int, int], tuple[object, int]]) -> tuple[int, float, float]:
    """Draw page `index` at `dpi` (for a printer: PDFium's print mode) straight into a buffer the
    caller makes: `buffer_for(width, height)` returns a writable buffer of 4 bytes a pixel (R, G,
    B, unused) and its bytes per row. No copy of the pixels is made, and PDFium draws without
    holding Python's interpreter lock, so a GUI thread beside it keeps running. Returns
    (page count, width and height of the page in points)."""
    with _opened_page(data, index) as (page, count):
        width_pt, height_pt = _size_pt(page)
        scale = min(dpi / 72, math.sqrt(MAX_RENDER_PIXELS / (width_pt * height_pt)))
        width, height = max(1, round(width_pt * scale)), max(1, round(height_pt * scale))
        buffer, stride = buffer_for(width, height)
        cells = (ctypes.c_ubyte * (stride * height)).from_buffer(buffer)
        bitmap = pdfium_c.FPDFBitmap_CreateEx(width, height, pdfium_c.FPDFBitmap_BGRx, cells, stride)
        try:
            pdfium_c.FPDFBitmap_FillRect(bitmap, 0, 0, width, height, 0xFFFFFFFF)
            pdfium_c.FPDF_RenderPageBitmap(bitmap, page.raw, 0, 0, width, height, 0,
                                           pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_PRINTING
                                           | pdfium_c.FPDF_REVERSE_BYTE_ORDER)
        finally:
            pdfium_c.FPDFBitmap_Destroy(bitmap)
        del cells
        return count, width_pt, height_pt
