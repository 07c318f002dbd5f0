"""Opening a *stored* company document: image preview, PDF in the system viewer, save a copy.

`open_document(ctx, parent, doc)` loads the bytes in the background
(services.companies.document_content) and shows `DocumentPreviewDialog` with the document's
details. Images are drawn in the dialog; a PDF is written to a private temporary copy
(document_preview.write_temp_copy, shared with the signup upload preview) and handed to the
system viewer. Both can be saved. The URL opener and the save-path chooser are class
attributes so tests can replace them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...services.clock import format_kst
from ...services.dto import DocumentView
from .document_preview import format_size, write_temp_copy


def _choose_save_path(parent: QWidget, suggested: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, QCoreApplication.translate("DocumentPreviewDialog", "서류 저장"),
                                          suggested)
    return path


class DocumentPreviewDialog(QDialog):
    opener: Callable[[QUrl], bool] = staticmethod(QDesktopServices.openUrl)
    save_path_chooser: Callable[[QWidget, str], str] = staticmethod(_choose_save_path)

    def __init__(self, doc: DocumentView, data: bytes, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.data = data
        self.temp_path: Path | None = None
        self.saved_path: Path | None = None
        self.setWindowTitle(self.tr("서류 보기 — {label}").format(label=doc.label))
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        info = QLabel(self.tr("{label} · {filename} · {size} · 올린 시각 {at}").format(
            label=doc.label, filename=doc.filename, size=format_size(doc.size), at=format_kst(doc.uploaded_at)))
        info.setWordWrap(True)
        info.setObjectName("hint")
        layout.addWidget(info)
        self.image_label: QLabel | None = None
        buttons = QHBoxLayout()
        if doc.content_type.startswith("image/"):
            pixmap = QPixmap()
            pixmap.loadFromData(data)
            self.image_label = QLabel()
            self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            if pixmap.isNull():
                self.image_label.setText(self.tr("이미지를 표시할 수 없습니다. 저장한 뒤 다른 프로그램으로 열어 보세요."))
            else:
                self.image_label.setPixmap(pixmap)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(self.image_label)
            layout.addWidget(scroll, 1)
        else:
            note = QLabel(self.tr("PDF 문서는 컴퓨터에 설치된 PDF 뷰어로 엽니다."))
            note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(note, 1)
            self.open_button = QPushButton(self.tr("PDF 뷰어로 열기"))
            self.open_button.setObjectName("primary")
            self.open_button.clicked.connect(self.open_external)
            buttons.addWidget(self.open_button)
        self.status = QLabel("")
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.save_button = QPushButton(self.tr("다른 이름으로 저장…"))
        self.save_button.clicked.connect(self.save_copy)
        close = QPushButton(self.tr("닫기"))
        close.clicked.connect(self.accept)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def open_external(self) -> bool:
        """Write the PDF to a temporary file and open it with the system viewer."""
        self.temp_path = write_temp_copy(self.doc.filename, self.data)
        ok = bool(type(self).opener(QUrl.fromLocalFile(str(self.temp_path))))
        if not ok:
            self.status.setText(self.tr("PDF 뷰어를 열 수 없습니다. '다른 이름으로 저장'으로 저장한 뒤 열어 보세요."))
        return ok

    def save_copy(self) -> Path | None:
        path = type(self).save_path_chooser(self, self.doc.filename)
        if not path:
            return None
        try:
            Path(path).write_bytes(self.data)
        except OSError as exc:
            self.status.setText(self.tr("저장하지 못했습니다: {error}").format(error=exc.strerror or exc))
            return None
        self.saved_path = Path(path)
        self.status.setText(self.tr("저장했습니다: {path}").format(path=path))
        return self.saved_path


def open_document(ctx, parent: QWidget, doc: DocumentView,
                  shown: Callable[[DocumentPreviewDialog], None] | None = None) -> None:
    """Load a document's bytes in the background and show them."""
    actor = ctx.actor

    def done(result) -> None:
        view, data = result
        dialog = DocumentPreviewDialog(view, data, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if shown is not None:
            shown(dialog)

    ctx.run(parent, lambda: ctx.services.companies.document_content(actor, doc.id), done)
