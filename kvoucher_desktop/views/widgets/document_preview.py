"""Previewing an uploaded document: images in a dialog, PDFs in the system viewer.

`preview_document(parent, filename, data)` picks by content (magic bytes, like the services):
PNG/JPG open in an in-app dialog; a PDF is written to a temporary file and handed to the
operating system's viewer (`open_url`, injectable for tests). Returns the dialog it opened,
or None when the file went to an external viewer.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...services.rules.documents import sniff_content_type
from .dialogs import tell

_temp_dir: tempfile.TemporaryDirectory | None = None


def _tr(text: str) -> str:
    return QCoreApplication.translate("DocumentPreview", text)


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


class ImagePreviewDialog(QDialog):
    def __init__(self, filename: str, pixmap: QPixmap, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("미리보기 — {name}").format(name=filename))
        self.pixmap = pixmap
        layout = QVBoxLayout(self)
        info = QLabel(self.tr("{name}  ·  {w}×{h} 픽셀").format(name=filename, w=pixmap.width(), h=pixmap.height()))
        info.setObjectName("hint")
        self.image = QLabel()
        shown = pixmap
        if pixmap.width() > 900 or pixmap.height() > 640:
            shown = pixmap.scaled(900, 640, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(shown)
        scroll = QScrollArea()
        scroll.setWidget(self.image)
        scroll.setWidgetResizable(False)
        scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("닫기"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(info)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(max(460, min(shown.width() + 60, 960)), max(340, min(shown.height() + 120, 760)))


def _temp_folder() -> Path:
    global _temp_dir
    if _temp_dir is None:
        _temp_dir = tempfile.TemporaryDirectory(prefix="kvoucher-preview-")
    return Path(_temp_dir.name)


def write_temp_copy(filename: str, data: bytes) -> Path:
    """A private temporary copy (removed when the app exits) for an external viewer."""
    safe = "".join(ch for ch in Path(filename).name if ch not in '<>:"/\\|?*') or "document"
    folder = Path(tempfile.mkdtemp(dir=_temp_folder()))
    path = folder / safe
    path.write_bytes(data)
    os.chmod(path, 0o600)
    return path


def preview_document(parent: QWidget | None, filename: str, data: bytes,
                     open_url: Callable[[QUrl], bool] | None = None) -> QDialog | None:
    kind = sniff_content_type(data)
    if kind in ("image/png", "image/jpeg"):
        pixmap = QPixmap()
        if pixmap.loadFromData(data):
            dialog = ImagePreviewDialog(filename, pixmap, parent)
            dialog.open()
            return dialog
        tell(parent, _tr("미리보기"), _tr("이미지를 열 수 없습니다: {name}").format(name=filename), True)
        return None
    if kind == "application/pdf":
        path = write_temp_copy(filename, data)
        opener = open_url or QDesktopServices.openUrl
        if not opener(QUrl.fromLocalFile(str(path))):
            tell(parent, _tr("미리보기"), _tr(
                "PDF 뷰어를 열 수 없습니다.\n파일: {name} ({size})\n임시 사본: {path}"
            ).format(name=filename, size=format_size(len(data)), path=path), True)
        return None
    tell(parent, _tr("미리보기"), _tr("미리볼 수 없는 파일 형식입니다: {name}").format(name=filename), True)
    return None
