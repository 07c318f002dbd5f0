"""MoneyEdit: a KRW amount typed as digits, shown with thousands separators; value is int or None."""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

_NOT_DIGIT = re.compile(r"[^0-9]")
MAX_DIGITS = 12


class MoneyEdit(QLineEdit):
    """Accepts digits (commas and '원' typed or pasted are ignored) and keeps them grouped: 1,234,000."""

    value_changed = Signal(object)  # int | None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText(self.tr("0"))
        self.textEdited.connect(self._regroup)

    def _regroup(self, text: str) -> None:
        typed = text
        text = unicodedata.normalize("NFKC", text)  # full-width digits (an IME in full-width mode) count
        digits = _NOT_DIGIT.sub("", text)[:MAX_DIGITS].lstrip("0") or ("0" if _NOT_DIGIT.sub("", text) else "")
        grouped = f"{int(digits):,}" if digits else ""
        if grouped != typed:
            # keep the cursor at the same count of digits from the right
            tail = unicodedata.normalize("NFKC", typed[self.cursorPosition():])
            right = len(_NOT_DIGIT.sub("", tail))
            self.setText(grouped)
            pos = len(grouped)
            while right > 0 and pos > 0:
                pos -= 1
                if grouped[pos].isdigit():
                    right -= 1
            self.setCursorPosition(pos)
        self.value_changed.emit(self.value())

    def value(self) -> int | None:
        digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", self.text()))
        return int(digits) if digits else None

    def set_value(self, amount: int | None) -> None:
        self.setText("" if amount is None else f"{amount:,}")
        self.value_changed.emit(self.value())
