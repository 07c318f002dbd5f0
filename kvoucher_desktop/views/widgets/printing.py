"""Printing a PDF (a document for filing) through the OS print dialog, and the viewer with 인쇄….

`print_pdf` prints the pages of a PDF onto a QPrinter, all of it off the GUI thread (Qt supports
QPainter on a QPrinter or a QImage in any thread): each page is drawn by PDFium at the printer's
resolution (at most `MAX_PRINT_DPI`) straight into a QImage, put on the printer's page with the
PDF's own margins (the whole sheet, aspect kept) in strips, and the page's text laid on top as an
invisible layer (PDFium's text runs, fully transparent: a printer prints nothing of them, a
"print to PDF file" stays searchable). It runs as a background job (views/tasks.Job: calibre's
contract, a progress dialog that can cancel). Python's interpreter lock is what could still hold
the window: PDFium draws without it (ctypes), and the print engine, which keeps it while it
compresses a picture (about 0.5 s for a whole page at 300 dpi), is handed strips of a few
milliseconds each; the GUI thread's longest gap while printing stays around 50 ms.

`PrintableViewer` is the app's DocumentViewer with a 인쇄… button: QPrintDialog (opened, never
exec'd), then the job. Tests replace `ask_printer(printer, go)` to set a PDF output file and call
`go()` without any dialog.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QPushButton, QWidget
from shiboken6 import isValid

from ...services.pdf import PdfError, TextRun, page_count, page_text_runs, render_page_into
from ..style import register_fonts
from ..tasks import Job
from .viewer import PDF, DocumentViewer, open_on_screen

log = logging.getLogger(__name__)

#: pages are drawn for the printer at its resolution, but never finer than this: an A4 page at
#: 300 dpi is 8.7 million pixels (35 million at 600 dpi, which the print engine then compresses
#: on the GUI thread for every page; a PDF printer reports 1200 dpi)
MAX_PRINT_DPI = 300
POINTS_PER_INCH = 72
#: a page picture goes to the printer in strips of this many rows: the print engine compresses
#: each strip in one call that keeps Python's interpreter lock (about 0.5 s for a whole page at
#: 300 dpi, which would stall the GUI thread); a strip takes a few milliseconds
STRIP_ROWS = 128
#: rows each strip reaches into the next one, which is drawn over them: a viewer that scales the
#: strips down (a PDF printed to a file, on screen) blends their edges, and would show a seam
STRIP_OVERLAP = 6


@dataclass(frozen=True)
class PrintPage:
    """One page drawn for the printer (made off the GUI thread)."""

    index: int
    page_count: int
    image: QImage
    width_pt: float
    height_pt: float
    runs: tuple[TextRun, ...]


def draw_for_print(data: bytes, index: int, dpi: int) -> PrintPage:
    """Runs off the GUI thread: page `index` at `dpi` drawn by PDFium straight into a QImage (no
    copy of its pixels), and its text runs."""
    made: list[QImage] = []

    def buffer_for(width: int, height: int):
        image = QImage(width, height, QImage.Format.Format_RGBX8888)
        made.append(image)
        return image.bits(), image.bytesPerLine()

    count, width_pt, height_pt = render_page_into(data, index, dpi, buffer_for)
    return PrintPage(index, count, made[0], width_pt, height_pt, page_text_runs(data, index))


class PrintError(Exception):
    """The printer could not be opened or refused a page (a Korean message)."""


def paint_page(painter: QPainter, printer: QPrinter, page: PrintPage, font: QFont) -> None:
    """The page's picture fitted to the paper (aspect kept, centred), then its text, invisible."""
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    scale = min(paper.width() / page.width_pt, paper.height() / page.height_pt)
    w, h = page.width_pt * scale, page.height_pt * scale
    x0, y0 = paper.x() + (paper.width() - w) / 2, paper.y() + (paper.height() - h) / 2
    image = page.image
    rows, step = image.height(), h / max(1, image.height())
    for top in range(0, rows, STRIP_ROWS):  # in strips, each reaching into the next (no seam shows)
        n = min(STRIP_ROWS + STRIP_OVERLAP, rows - top)
        painter.drawImage(QRectF(x0, y0 + top * step, w, n * step), image, QRectF(0, top, image.width(), n))
    painter.setPen(QColor(0, 0, 0, 0))
    for run in page.runs:
        font.setPixelSize(max(1, round((run.top - run.bottom) * scale)))
        painter.setFont(font)
        # each word at its share of the run (spaces are not drawn as glyphs)
        n, pos = max(1, len(run.text)), 0
        for word in run.text.split(" "):
            if word:
                x = x0 + (run.left + (run.right - run.left) * pos / n) * scale
                painter.drawText(QPointF(x, y0 + (page.height_pt - run.bottom) * scale), word)
            pos += len(word) + 1


def pages_to_print(printer: QPrinter, count: int) -> range:
    """The pages the dialog asked for (0-based): all, or its page range."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        return range(min(count, printer.fromPage()) - 1, min(count, max(printer.fromPage(), printer.toPage())))
    return range(count)


def print_pdf(data: bytes, printer: QPrinter, family: str, progress: Callable[[float, str], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> tuple[int, int]:
    """Runs off the GUI thread: print the pages of `data` on `printer`; returns (pages printed,
    pages asked for) — fewer when `cancelled()` said so (what was printed is handed over)."""
    pages = pages_to_print(printer, page_count(data))
    dpi = max(72, min(printer.resolution(), MAX_PRINT_DPI))
    font = QFont(family)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("프린터를 열 수 없습니다. 프린터 설정을 확인해 주세요.")
    printed = 0
    try:
        for index in pages:
            if cancelled is not None and cancelled():
                break
            page = draw_for_print(data, index, dpi)
            if printed and not printer.newPage():
                raise PrintError("다음 쪽을 프린터로 보내지 못했습니다.")
            paint_page(painter, printer, page, font)
            printed += 1
            if progress is not None:
                progress(printed / len(pages), f"{printed} / {len(pages)}쪽")
    finally:
        painter.end()
    return printed, len(pages)


def new_printer() -> QPrinter:
    """A printer set to A4, printing the whole sheet (the documents carry their own margins)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    return printer


class PrintableViewer(DocumentViewer):
    """The document viewer with 인쇄… (PDFs only): the OS print dialog, then a PdfPrintJob."""

    printed = Signal(bool, str)  # a print run ended: all pages sent, and what the status line says

    def __init__(self, title: str, data: bytes, parent: QWidget | None = None, *, info: str = "",
                 save_stem: str | None = None):
        super().__init__(title, data, PDF, parent, info=info, save_stem=save_stem)
        self.job: Job | None = None  # the print job while it runs
        self.printer: QPrinter | None = None
        self.print_dialog: QPrintDialog | None = None
        self.print_pages = 0
        #: how a printer is chosen: `ask_printer(printer, go)` calls `go()` once it is set up
        self.ask_printer: Callable[[QPrinter, Callable[[], None]], None] = self._ask_with_dialog
        self.print_button = QPushButton(self.tr("인쇄…"))
        self.print_button.setEnabled(self.kind == PDF)
        self.print_button.clicked.connect(self.print_document)
        self.bottom.insertWidget(self.bottom.indexOf(self.save_button), self.print_button)

    def print_document(self) -> None:
        if self.job is not None or self.kind != PDF:
            return
        self.printer = printer = new_printer()
        printer.setDocName(self.save_stem)
        try:
            self.print_pages = page_count(self.data)
        except PdfError:
            self._print_failed(PdfError("unreadable"))
            return
        self.ask_printer(printer, lambda: self._print_on(printer))

    def _ask_with_dialog(self, printer: QPrinter, go: Callable[[], None]) -> None:
        """The OS print dialog, modal: `exec()`, the one way Windows and macOS show their native
        dialog (PySide6's QPrintDialog has no argument-less `open()`); events keep flowing meanwhile."""
        self.print_dialog = dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("인쇄"))
        dialog.setMinMax(1, max(1, self.print_pages))
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            # the nested loop may have seen the viewer closed and deleted (a logout, the session ending)
            self.print_dialog = None
            if isValid(dialog):
                dialog.deleteLater()
        if accepted and isValid(self) and self.isVisible():
            go()

    def _print_on(self, printer: QPrinter) -> None:
        data, family = self.data, register_fonts()
        self.print_button.setEnabled(False)
        self.status.setText(self.tr("인쇄하는 중…"))
        self.job = Job(None, lambda progress, cancelled: print_pdf(data, printer, family, progress, cancelled),
                       self, self.tr("인쇄"), self.tr("프린터로 보내는 중…")) \
            .success(self._print_done).failure(self._print_failed).after(self._print_ended).run()

    def _print_done(self, result: tuple[int, int]) -> None:
        printed, asked = result
        if printed == asked:
            self._print_result(True, self.tr("프린터로 보냈습니다 ({n}쪽).").format(n=printed))
        else:
            self._print_result(False, self.tr("인쇄를 중단했습니다. {n}쪽까지 보냈습니다.").format(n=printed))

    def _print_failed(self, exc: BaseException) -> None:
        if isinstance(exc, PrintError):
            text = self.tr(str(exc))
        elif isinstance(exc, PdfError):
            text = self.tr("PDF 파일을 열 수 없어 인쇄하지 못했습니다.")
        else:
            log.error("printing failed: %r", exc)
            text = self.tr("인쇄하지 못했습니다. 자세한 내용은 로그 파일에 기록되었습니다.")
        self._print_result(False, text)

    def _print_result(self, ok: bool, text: str) -> None:
        self.status.setText(text)
        self.printed.emit(ok, text)

    def _print_ended(self) -> None:
        self.job = None
        self.print_button.setEnabled(self.kind == PDF)


def show_printable(parent: QWidget | None, title: str, data: bytes, *, info: str = "",
                   save_stem: str | None = None) -> PrintableViewer:
    """Open a viewer with 인쇄… (non-modal, deleted when closed) and return it."""
    viewer = PrintableViewer(title, data, parent, info=info, save_stem=save_stem)
    open_on_screen(viewer)
    return viewer
