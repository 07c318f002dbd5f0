"""Choosing a file, reading its bytes, and writing one.

Pages keep the chooser in an attribute, `(parent, title) -> (file name, bytes) | None`
(the same shape as the signup wizard's `choose_file`), so tests can supply bytes without a
dialog.

Every file dialog comes from `file_dialog`, which gives Qt's own (non-native) dialog Korean
labels: Qt's Korean translation leaves some of them ("Look in:", "Files of type:") in English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from ...services.errors import DomainError

FileChooser = Callable[[QWidget, str], "tuple[str, bytes] | None"]


def write_file(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path`; a folder that cannot be written, a full disk or a file open in
    another program (Windows) is a DomainError with the system's reason, in Korean around it."""
    target = Path(path)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise DomainError(QCoreApplication.translate("files", "파일을 저장하지 못했습니다: {error}")
                          .format(error=exc.strerror or exc), code="write_failed") from exc
    return target


def _label(text: str) -> str:
    return QCoreApplication.translate("FileDialog", text)


def korean_labels(dialog: QFileDialog) -> QFileDialog:
    """Label every part of `dialog` in Korean (a native dialog speaks the system's language)."""
    saving = dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    labels = {
        QFileDialog.DialogLabel.LookIn: _label("찾는 위치:"),
        QFileDialog.DialogLabel.FileName: _label("파일 이름(&N):"),
        QFileDialog.DialogLabel.FileType: _label("파일 형식(&T):"),
        QFileDialog.DialogLabel.Accept: _label("저장(&S)") if saving else _label("열기(&O)"),
        QFileDialog.DialogLabel.Reject: _label("취소"),
    }
    for which, text in labels.items():
        dialog.setLabelText(which, text)
    return dialog


def file_dialog(parent: QWidget | None, title: str, directory: str, name_filter: str, *,
                save: bool = False) -> QFileDialog:
    """An open (or save) dialog with Korean labels; `selected_path` runs it."""
    dialog = QFileDialog(parent, title, directory, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    return korean_labels(dialog)


def selected_path(dialog: QFileDialog) -> str:
    """Run `dialog` (modal) and return the chosen path, or "" when cancelled."""
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return ""
    files = dialog.selectedFiles()
    return files[0] if files else ""


def open_file_name(parent: QWidget | None, caption: str, directory: str, name_filter: str) -> tuple[str, str]:
    """QFileDialog.getOpenFileName with Korean labels: (path or "", the filter chosen)."""
    dialog = file_dialog(parent, caption, directory, name_filter)
    return selected_path(dialog), dialog.selectedNameFilter()


def save_file_name(parent: QWidget | None, caption: str, proposed: str, name_filter: str) -> tuple[str, str]:
    """QFileDialog.getSaveFileName with Korean labels: (path or "", the filter chosen)."""
    dialog = file_dialog(parent, caption, proposed, name_filter, save=True)
    return selected_path(dialog), dialog.selectedNameFilter()


def _choose(parent: QWidget, title: str, name_filter: str) -> tuple[str, bytes] | None:
    path, _ = open_file_name(parent, title, str(Path.home()), name_filter)
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
