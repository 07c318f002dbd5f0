"""The in-app viewer: a PDF's pages or a picture drawn from its bytes, never handed to the OS.

`DocumentViewer(title, data, kind)` takes what is shown, not where it came from, so company
documents, signup uploads and (later) receipts share it. The kind is sniffed from the bytes
(the `kind` a caller passes is only a claim): PDF pages are drawn by PDFium
(services.pdf.render_page) and pictures decoded by Qt, both in the background
(tasks.query) with a busy line, only the newest request being shown. Pages are
turned with the buttons, the page list or PgUp/PgDn (Home/End), zoomed with the buttons,
Ctrl+± or Ctrl+wheel; Ctrl+0 fits the width; Esc closes. "다른 이름으로 저장…" proposes
`<title>.<sniffed extension>` and forces that extension on whatever name is chosen
(rules.documents.save_as_name / with_sniffed_extension).

`show_viewer(parent, title, data, kind, info=...)` opens one (non-modal, deleted on close).
The page and zoom controls are a bar of their own (viewer_bar.py); this dialog draws and decides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QImageReader, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ...services.errors import DomainError
from ...services.pdf import MAX_RENDER_PIXELS, PdfError, RenderedPage, render_page
from ...services.rules.documents import (
    EXTENSIONS,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    save_as_name,
    sniff_content_type,
    with_sniffed_extension,
)
from ..tasks import query
from .files import save_file_name, write_file
from .viewer_bar import ZOOM_STEPS, ViewerBar

log = logging.getLogger(__name__)

PDF = "application/pdf"
PICTURES = ("image/png", "image/jpeg")
KIND_LABELS = {PDF: "PDF 문서", "image/png": "PNG 이미지", "image/jpeg": "JPG 이미지"}
MARGIN = 12  # around the page inside the scroll area


class PictureError(Exception):
    """The picture cannot be decoded (or declares a size over the limits)."""


@dataclass(frozen=True)
class Drawn:
    """What a background draw returns: the picture to show and what it was drawn at."""

    image: QImage
    zoom: float
    page_count: int
    source: QImage | None  # a decoded picture, kept so that zooming does not decode again


def _decode_picture(data: bytes) -> QImage:
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.width() > MAX_IMAGE_SIDE or size.height() > MAX_IMAGE_SIDE \
            or size.width() * size.height() > MAX_IMAGE_PIXELS:
        raise PictureError(f"{size.width()}x{size.height()}")
    image = reader.read()
    buffer.close()
    if image.isNull():
        raise PictureError(reader.errorString())
    return image


def _qimage(page: RenderedPage) -> QImage:
    """The page's pixels copied into a QImage that owns them (QImage(bytes, …) would borrow a
    Python buffer across threads, which PySide6 does not survive)."""
    image = QImage(page.width, page.height, QImage.Format.Format_RGBX8888)
    if image.bytesPerLine() == page.stride:
        image.bits()[:] = page.rgbx
    else:  # not expected (both are width × 4), but never write past a row
        bits, row = image.bits(), min(page.stride, image.bytesPerLine())
        for y in range(page.height):
            start = y * image.bytesPerLine()
            bits[start:start + row] = page.rgbx[y * page.stride:y * page.stride + row]
    return image


def draw(kind: str, data: bytes, source: QImage | None, index: int, zoom: float | None, width: int,
         ratio: float) -> Drawn:
    """Runs off the GUI thread: one PDF page, or the picture scaled. `zoom` None fits `width`
    (a picture is never enlarged to fit)."""
    if kind == PDF:
        page = render_page(data, index, zoom, width, ratio)
        image = _qimage(page)
        image.setDevicePixelRatio(ratio)
        return Drawn(image, page.zoom, page.page_count, None)
    if source is None:
        source = _decode_picture(data)
    if zoom is None:
        zoom = min(1.0, max(1, width) / max(1, source.width()))
    w, h = max(1, round(source.width() * zoom * ratio)), max(1, round(source.height() * zoom * ratio))
    if w * h > MAX_RENDER_PIXELS:
        shrink = (MAX_RENDER_PIXELS / (w * h)) ** 0.5
        w, h, zoom = max(1, int(w * shrink)), max(1, int(h * shrink)), zoom * shrink
    image = QImage(source) if (w, h) == (source.width(), source.height()) else source.scaled(
        w, h, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    image.setDevicePixelRatio(ratio)
    return Drawn(image, zoom, 1, source)


class DocumentViewer(QDialog):
    """A PDF (page by page) or a PNG/JPG picture, drawn from `data`."""

    rendered = Signal(int)  # the page (0-based) now on screen
    failed = Signal(str)  # the Korean message shown instead of the page

    def __init__(self, title: str, data: bytes, kind: str | None = None, parent: QWidget | None = None, *,
                 info: str = "", save_stem: str | None = None):
        super().__init__(parent)
        self.title = title
        self.data = bytes(data)
        self.kind = sniff_content_type(self.data)
        if kind is not None and kind != self.kind:
            log.warning("viewer: %r claimed to be %s but its content is %s", title, kind, self.kind)
        self.save_stem = save_stem or title
        self.page_count = 0
        self.current_page = 0
        self.zoom = 1.0  # the zoom of what is on screen
        self.fit_width = True
        self.saved_path: Path | None = None
        self._source: QImage | None = None
        self._dirty = False  # a request came while a draw was out: draw again when it is back
        self._inflight = False
        self._requested_width = 0
        self._shown_once = False
        self.setWindowTitle(self.tr("{title} — 미리보기").format(title=title))
        self._build(info)
        self._shortcuts()
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(150)
        self._resize_timer.timeout.connect(self._width_changed)
        self._update_controls()
        if self.kind is None:
            self._show_problem(self.tr("미리볼 수 없는 파일 형식입니다. PDF, JPG, PNG 파일만 볼 수 있습니다."))

    # --- layout ------------------------------------------------------------------------------
    def _build(self, info: str) -> None:
        layout = QVBoxLayout(self)
        heading = QLabel(self.title)
        heading.setObjectName("sectionTitle")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(heading)
        self.info_label = QLabel(info)
        self.info_label.setObjectName("hint")
        self.info_label.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never markup
        self.info_label.setWordWrap(True)
        self.info_label.setVisible(bool(info))
        layout.addWidget(self.info_label)

        self.bar = bar = ViewerBar(self.kind == PDF)
        bar.previous_page.connect(self.previous_page)
        bar.next_page.connect(self.next_page)
        bar.page_chosen.connect(self.go_to)
        bar.zoom_in.connect(self.zoom_in)
        bar.zoom_out.connect(self.zoom_out)
        bar.fit_to_width.connect(self.fit_to_width)
        # the bar's controls, named as before on the viewer
        self.prev_button, self.page_combo, self.page_total = bar.prev_button, bar.page_combo, bar.page_total
        self.next_button, self.separator, self.page_widgets = bar.next_button, bar.separator, bar.page_widgets
        self.zoom_out_button, self.zoom_label = bar.zoom_out_button, bar.zoom_label
        self.zoom_in_button, self.fit_button, self.busy = bar.zoom_in_button, bar.fit_button, bar.busy
        layout.addWidget(bar)

        self.page_label = QLabel()
        self.page_label.setObjectName("viewerPage")
        self.page_label.setStyleSheet("QLabel#viewerPage { background: #cbd2d9; color: #243b53; font-size: 11pt; }")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_label.setTextFormat(Qt.TextFormat.PlainText)
        self.page_label.setWordWrap(True)
        self.page_label.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("viewerCanvas")
        self.scroll.setWidgetResizable(False)  # the page keeps its size; scroll bars when larger
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.viewport().setObjectName("viewerBackdrop")
        self.scroll.viewport().setStyleSheet("QWidget#viewerBackdrop { background: #cbd2d9; }")
        self.scroll.setWidget(self.page_label)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.scroll.viewport().installEventFilter(self)
        layout.addWidget(self.scroll, 1)

        self.bottom = bottom = QHBoxLayout()  # the status line and the buttons (a subclass adds its own)
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 1)
        self.save_button = QPushButton(self.tr("다른 이름으로 저장…"))
        self.save_button.clicked.connect(self.save_as)
        self.close_button = QPushButton(self.tr("닫기"))
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.resize(960, 760)

    def _shortcuts(self) -> None:
        keys = (
            ((QKeySequence(Qt.Key.Key_PageDown),), self.next_page),
            ((QKeySequence(Qt.Key.Key_PageUp),), self.previous_page),
            ((QKeySequence(Qt.Key.Key_Home),), lambda: self.go_to(0)),
            ((QKeySequence(Qt.Key.Key_End),), lambda: self.go_to(self.page_count - 1)),
            ((QKeySequence("Ctrl++"), QKeySequence("Ctrl+="), QKeySequence("Ctrl+Shift+="),
              QKeySequence(QKeySequence.StandardKey.ZoomIn)), self.zoom_in),
            ((QKeySequence("Ctrl+-"), QKeySequence(QKeySequence.StandardKey.ZoomOut)), self.zoom_out),
            ((QKeySequence("Ctrl+0"),), self.fit_to_width),
        )
        self.shortcuts: list[QShortcut] = []
        for sequences, slot in keys:
            seen = set()
            for sequence in sequences:
                if sequence.isEmpty() or sequence.toString() in seen:
                    continue
                seen.add(sequence.toString())
                shortcut = QShortcut(sequence, self)
                shortcut.activated.connect(slot)
                self.shortcuts.append(shortcut)

    # --- actions -----------------------------------------------------------------------------
    def next_page(self) -> None:
        self.go_to(self.current_page + 1)

    def previous_page(self) -> None:
        self.go_to(self.current_page - 1)

    def go_to(self, index: int) -> None:
        if self.kind != PDF or not 0 <= index < max(1, self.page_count) or index == self.current_page:
            return
        self.current_page = index
        self._update_controls()
        self._request()

    def zoom_in(self) -> None:
        self._set_zoom(next((z for z in ZOOM_STEPS if z > self.zoom + 0.005), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self._set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.zoom - 0.005), ZOOM_STEPS[0]))

    def fit_to_width(self) -> None:
        self.fit_width = True
        self._update_controls()
        self._request()

    def _set_zoom(self, zoom: float) -> None:
        if self.kind is None:
            return
        self.fit_width = False
        self.zoom = zoom
        self._update_controls()
        self._request()

    def proposed_name(self) -> str | None:
        return save_as_name(self.save_stem, self.kind) if self.kind else None

    def save_as(self) -> Path | None:
        """Ask where, then write the bytes under the sniffed kind's extension."""
        if self.kind is None:
            return None
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        patterns = " ".join(f"*{ext}" for ext in EXTENSIONS[self.kind])
        chosen, _ = save_file_name(
            self, self.tr("다른 이름으로 저장"), str(Path(folder) / self.proposed_name()),
            f"{self.tr(KIND_LABELS[self.kind])} ({patterns})")
        if not chosen:
            return None
        path = Path(with_sniffed_extension(chosen, self.kind))
        if str(path) != str(Path(chosen)) and path.exists():
            self.status.setText(self.tr("같은 이름의 파일이 이미 있습니다: {path} — 다른 이름을 골라 주세요.")
                                .format(path=path))
            return None
        try:
            write_file(path, self.data)
        except DomainError as exc:
            self.status.setText(exc.message)
            return None
        self.saved_path = path
        self.status.setText(self.tr("저장했습니다: {path}").format(path=path))
        return path

    # --- drawing -----------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._shown_once and self.kind is not None:
            self._shown_once = True
            self.scroll.setFocus(Qt.FocusReason.OtherFocusReason)  # the document: arrows and PgUp/PgDn read it
            self._request()  # the layout has its size by now; a later resize re-fits (timer)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.fit_width and self._shown_once:
            self._resize_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Wheel \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            (self.zoom_in if event.angleDelta().y() > 0 else self.zoom_out)()
            return True
        return super().eventFilter(watched, event)

    def available_width(self) -> int:
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return max(100, self.scroll.width() - 2 * self.scroll.frameWidth() - bar - 2 * MARGIN - 4)

    def _width_changed(self) -> None:
        if self.fit_width and abs(self.available_width() - self._requested_width) > 2:
            self._request()

    def _request(self) -> None:
        """Draw what the controls say; while a draw is out, only the newest request follows it."""
        if self.kind is None:
            return
        self._dirty = True
        if not self._inflight:
            self._start()

    def _start(self) -> None:
        self._dirty = False
        kind, data, source = self.kind, self.data, self._source
        index, zoom = self.current_page, None if self.fit_width else self.zoom
        width = self._requested_width = self.available_width()
        ratio = self.devicePixelRatioF()
        self._inflight = True
        query(lambda: draw(kind, data, source, index, zoom, width, ratio), parent=self) \
            .busy(self.busy, self.tr("쪽을 그리는 중…") if kind == PDF else self.tr("그림을 그리는 중…")) \
            .success(self._drawn).failure(self._draw_failed).run()

    def _settle(self) -> bool:
        """One draw came back; False when a newer request was made meanwhile (and is started)."""
        self._inflight = False
        if self._dirty:
            self._start()
            return False
        return True

    def _drawn(self, result: Drawn) -> None:
        if result.source is not None:
            self._source = result.source
        if not self._settle():
            return
        self.page_count = result.page_count
        self.zoom = result.zoom
        self.page_label.setPixmap(QPixmap.fromImage(result.image))
        self.page_label.adjustSize()
        self.status.setText("")
        self._update_controls()
        self.rendered.emit(self.current_page)

    def _draw_failed(self, exc: BaseException) -> None:
        if not self._settle():
            return
        if isinstance(exc, PdfError):
            text = self.tr("PDF 파일을 열 수 없습니다. 손상되었거나 암호가 걸린 파일일 수 있습니다.")
        elif isinstance(exc, PictureError):
            text = self.tr("그림을 표시할 수 없습니다. 손상되었거나 너무 큰 그림일 수 있습니다.")
        else:
            log.error("viewer: drawing %r failed: %r", self.title, exc)
            text = self.tr("미리보기를 만들지 못했습니다. 자세한 내용은 로그 파일에 기록되었습니다.")
        self._show_problem(text)

    def _show_problem(self, text: str) -> None:
        self.page_label.setPixmap(QPixmap())
        self.page_label.setText(text)
        self.page_label.resize(self.available_width(), 160)
        self.status.setText(text)
        self._update_controls()
        self.failed.emit(text)

    def _update_controls(self) -> None:
        shown = self.kind is not None
        self.bar.show_state(paged=self.kind == PDF, shown=shown, page_count=self.page_count,
                            current_page=self.current_page, zoom=self.zoom, fit_width=self.fit_width)
        self.save_button.setEnabled(shown)


def show_viewer(parent: QWidget | None, title: str, data: bytes, kind: str | None = None, *, info: str = "",
                save_stem: str | None = None) -> DocumentViewer:
    """Open a viewer (non-modal, deleted when closed) and return it."""
    return open_on_screen(DocumentViewer(title, data, kind, parent, info=info, save_stem=save_stem))


def open_on_screen(viewer: DocumentViewer) -> DocumentViewer:
    """Open `viewer` non-modal, deleted when closed, no larger than its screen leaves room for."""
    viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    screen = viewer.screen().availableGeometry() if viewer.screen() is not None else None
    if screen is not None:
        viewer.resize(min(viewer.width(), screen.width() - 40), min(viewer.height(), screen.height() - 40))
    viewer.open()
    return viewer
