"""Qt's own texts in Korean (file dialogs) and spin-box / date arrows that are drawn."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDateEdit, QFileDialog, QLabel, QPushButton, QSpinBox

from kvoucher_desktop.views.style import apply_style
from kvoucher_desktop.views.translations import install_translations
from kvoucher_desktop.views.widgets.files import file_dialog

HANGUL = re.compile("[가-힣]")


def test_qt_korean_translation_is_installed(qapp):
    assert install_translations(qapp)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"


def test_every_file_dialog_label_is_korean(qtbot, qapp, tmp_path):
    apply_style(qapp)
    for save in (False, True):
        dialog = file_dialog(None, "제출 서류 선택", str(tmp_path), "제출 서류 (*.pdf)", save=save)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        for which in QFileDialog.DialogLabel:
            assert HANGUL.search(dialog.labelText(which)), (which, dialog.labelText(which))
        shown = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QPushButton)
                 if w.isVisible() and w.text()]
        for text in shown:
            assert not re.search("Look in|File name|Files of type|Open|Save|Cancel", text), text
        dialog.grab().save(str(tmp_path / f"file-dialog-{save}.png"))
        dialog.reject()


def _arrow_pixels_at_right(widget, width: int = 20) -> int:
    """Pixels in the arrows' slate blue (#334e68) near the right edge: Qt's broken fallback draws
    grey frame corners there, never this colour."""
    image = widget.grab().toImage()
    count = 0
    for x in range(image.width() - width, image.width()):
        for y in range(image.height()):
            c = QColor(image.pixel(x, y))
            if c.lightness() < 140 and c.blue() - c.red() > 30:
                count += 1
    return count


def test_spin_box_and_date_arrows_are_drawn(qtbot, qapp):
    apply_style(qapp)
    for widget in (QSpinBox(), QDateEdit()):
        qtbot.addWidget(widget)
        widget.resize(140, 30)
        widget.show()
        qtbot.waitExposed(widget)
        assert _arrow_pixels_at_right(widget) >= 10, type(widget).__name__  # two arrows, not blank
