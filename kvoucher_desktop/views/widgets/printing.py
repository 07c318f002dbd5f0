"""Printing a PDF (a document for filing) through the OS print dialog, and the viewer with 인쇄….

`PdfPrintJob` prints every page of a PDF onto a QPrinter: each page is drawn by PDFium at the
printer's resolution (at most `MAX_PRINT_DPI`) off the GUI thread (tasks.query), and on the GUI
thread a QPainter puts the picture on the printer's page, fitted to the paper with the PDF's own
margins (full page), and the page's text as an invisible layer on top (PDFium's text runs, drawn
fully transparent: a printer prints nothing of it, a "print to PDF file" stays searchable). One
page is drawn while the GUI thread paints the previous one, so many pages never freeze the window.

`PrintableViewer` is the app's DocumentViewer with a 인쇄… button: QPrintDialog (opened, never
exec'd), then a PdfPrintJob. Tests replace `ask_printer(printer, go)` to set a PDF output file
and call `go()` without any dialog.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QPushButton, QWidget

from ...services.pdf import PdfError, TextRun, page_text_runs, render_page
from ..style import register_fonts
from ..tasks import query
from .viewer import PDF, DocumentViewer, _qimage

log = logging.getLogger(__name__)

#: pages are drawn for the printer at its resolution, but never finer than this: an A4 page at
#: 300 dpi is 8.7 million pixels (35 million at 600 dpi, which the print engine then compresses
#: on the GUI thread for every page; a PDF printer reports 1200 dpi)
MAX_PRINT_DPI = 300
POINTS_PER_INCH = 72


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
    """Runs off the GUI thread: page `index` at `dpi`, and its text runs."""
    page = render_page(data, index, dpi / 96)  # render_page's zoom 1.0 is 96 dpi
    image = _qimage(page)
    scale = page.zoom * 96 / POINTS_PER_INCH
    return PrintPage(index, page.page_count, image, page.width / scale, page.height / scale,
                     page_text_runs(data, index))


class PdfPrintJob(QObject):
    """Print all pages of `data` on `printer` (already set up by the dialog or a test)."""

    progressed = Signal(int, int)  # pages printed, page count
    finished = Signal(bool, str)  # printed all, the Korean message when not

    def __init__(self, data: bytes, printer: QPrinter, parent: QWidget):
        super().__init__(parent)
        self.data, self.printer, self.owner = bytes(data), printer, parent
        self.dpi = max(72, min(printer.resolution(), MAX_PRINT_DPI))
        self.painter: QPainter | None = None
        self.printed = 0
        self.page_count = 0
        self.aborted = False
        self.done = False
        self.font = QFont(register_fonts())

    def start(self) -> None:
        self._request(0)

    def abort(self) -> None:
        """Stop after the page being drawn (what is printed so far is handed to the printer)."""
        self.aborted = True

    def _request(self, index: int) -> None:
        data, dpi = self.data, self.dpi
        query(lambda: draw_for_print(data, index, dpi), parent=self.owner) \
            .quiet().success(self._drawn).failure(self._failed).run()

    def _drawn(self, page: PrintPage) -> None:
        if self.done:
            return
        if self.aborted:
            self._finish(False, self.tr("인쇄를 중단했습니다. {n}쪽까지 보냈습니다.").format(n=self.printed))
            return
        self.page_count = page.page_count
        more = page.index + 1 < page.page_count
        if more:  # the next page is drawn while this one is painted
            self._request(page.index + 1)
        if self.painter is None:
            self.painter = QPainter()
            if not self.painter.begin(self.printer):
                self.painter = None
                self._finish(False, self.tr("프린터를 열 수 없습니다. 프린터 설정을 확인해 주세요."))
                return
        elif not self.printer.newPage():
            self._finish(False, self.tr("다음 쪽을 프린터로 보내지 못했습니다."))
            return
        self._paint(page)
        self.printed = page.index + 1
        self.progressed.emit(self.printed, self.page_count)
        if not more:
            self._finish(True, "")

    def _paint(self, page: PrintPage) -> None:
        """The page's picture fitted to the paper (aspect kept, centred), then its text, invisible."""
        painter = self.painter
        paper = self.printer.paperRect(QPrinter.Unit.DevicePixel)
        scale = min(paper.width() / page.width_pt, paper.height() / page.height_pt)
        w, h = page.width_pt * scale, page.height_pt * scale
        x0, y0 = paper.x() + (paper.width() - w) / 2, paper.y() + (paper.height() - h) / 2
        painter.drawImage(QRectF(x0, y0, w, h), page.image)
        painter.setPen(QColor(0, 0, 0, 0))
        for run in page.runs:
            size = max(1.0, (run.top - run.bottom) * scale)
            self.font.setPixelSize(max(1, round(size)))
            painter.setFont(self.font)
            # each word at its share of the run (spaces are not drawn as glyphs)
            words, n, pos = run.text.split(" "), max(1, len(run.text)), 0
            for word in words:
                if word:
                    x = x0 + (run.left + (run.right - run.left) * pos / n) * scale
                    painter.drawText(QPointF(x, y0 + (page.height_pt - run.bottom) * scale), word)
                pos += len(word) + 1

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, PdfError):
            self._finish(False, self.tr("PDF 파일을 열 수 없어 인쇄하지 못했습니다."))
        else:
            log.error("printing failed: %r", exc)
            self._finish(False, self.tr("인쇄하지 못했습니다. 자세한 내용은 로그 파일에 기록되었습니다."))

    def _finish(self, ok: bool, message: str) -> None:
        if self.done:
            return
        self.done = True
        if self.painter is not None:
            self.painter.end()
            self.painter = None
        self.finished.emit(ok, message)


def new_printer() -> QPrinter:
    """A printer set to A4, printing the whole sheet (the documents carry their own margins)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    return printer


class PrintableViewer(DocumentViewer):
    """The document viewer with 인쇄… (PDFs only): the OS print dialog, then a PdfPrintJob."""

    printed = Signal(bool, str)  # a print run ended: all pages sent, the message otherwise

    def __init__(self, title: str, data: bytes, parent: QWidget | None = None, *, info: str = "",
                 save_stem: str | None = None):
        super().__init__(title, data, PDF, parent, info=info, save_stem=save_stem)
        self.job: PdfPrintJob | None = None
        self.printer: QPrinter | None = None
        self.print_dialog: QPrintDialog | None = None
        #: how a printer is chosen: `ask_printer(printer, go)` calls `go()` once it is set up
        self.ask_printer: Callable[[QPrinter, Callable[[], None]], None] = self._ask_with_dialog
        self.print_button = QPushButton(self.tr("인쇄…"))
        self.print_button.setEnabled(self.kind == PDF)
        self.print_button.clicked.connect(self.print_document)
        self.bottom.insertWidget(self.bottom.indexOf(self.save_button), self.print_button)

    def print_document(self) -> None:
        if self.job is not None:  # 인쇄 중단
            self.job.abort()
            return
        if self.kind != PDF:
            return
        self.printer = printer = new_printer()
        printer.setDocName(self.save_stem)
        self.ask_printer(printer, lambda: self._print_on(printer))

    def _ask_with_dialog(self, printer: QPrinter, go: Callable[[], None]) -> None:
        self.print_dialog = dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("인쇄"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(go)
        dialog.open()

    def _print_on(self, printer: QPrinter) -> None:
        self.job = job = PdfPrintJob(self.data, printer, self)
        job.progressed.connect(lambda n, total: self.status.setText(
            self.tr("인쇄 중… {n} / {total}쪽").format(n=n, total=total)))
        job.finished.connect(self._print_finished)
        self.print_button.setText(self.tr("인쇄 중단"))
        self.status.setText(self.tr("인쇄를 준비하는 중…"))
        job.start()

    def _print_finished(self, ok: bool, message: str) -> None:
        job, self.job = self.job, None
        self.print_button.setText(self.tr("인쇄…"))
        self.status.setText(self.tr("프린터로 보냈습니다 ({n}쪽).").format(n=job.printed) if ok else message)
        job.deleteLater()
        self.printed.emit(ok, message)


def show_printable(parent: QWidget | None, title: str, data: bytes, *, info: str = "",
                   save_stem: str | None = None) -> PrintableViewer:
    """Open a viewer with 인쇄… (non-modal, deleted when closed) and return it."""
    viewer = PrintableViewer(title, data, parent, info=info, save_stem=save_stem)
    viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    screen = viewer.screen().availableGeometry() if viewer.screen() is not None else None
    if screen is not None:
        viewer.resize(min(viewer.width(), screen.width() - 40), min(viewer.height(), screen.height() - 40))
    viewer.open()
    return viewer
