"""Choosing a file and reading its bytes.

Pages keep the chooser in an attribute, `(parent, title) -> (file name, bytes) | None`
(the same shape as the signup wizard's `choose_file`), so tests can supply bytes without a
dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

FileChooser = Callable[[QWidget, str], "tuple[str, bytes] | None"]


def _choose(parent: QWidget, title: str, name_filter: str) -> tuple[str, bytes] | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), name_filter)
    if not path:
        return None
    p = Path(path)
    return p.name, p.read_bytes()


def choose_document(parent: QWidget, title: str) -> tuple[str, bytes] | None:
    """A PDF/JPG/PNG chosen with the system dialog (content is checked by the caller)."""
    return _choose(parent, title, QCoreApplication.translate("FileChooser", "제출 서류 (*.pdf *.jpg *.jpeg *.png);;모든 파일 (*)"))


def choose_image(parent: QWidget, title: str) -> tuple[str, bytes] | None:
    """A PNG/JPG picture chosen with the system dialog (content is checked by the caller)."""
    return _choose(parent, title, QCoreApplication.translate("FileChooser", "이미지 (*.png *.jpg *.jpeg);;모든 파일 (*)"))


def choose_csv(parent: QWidget, title: str) -> tuple[str, bytes] | None:
    return _choose(parent, title, QCoreApplication.translate("FileChooser", "CSV 파일 (*.csv *.txt);;모든 파일 (*)"))


def decode_text(data: bytes) -> str:
    """CSV files from Korean spreadsheets come as UTF-8 (with or without BOM) or CP949."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")
