"""Full-width digits in Qt's number and date fields (SPEC §8: digits typed in a Korean input
mode count as digits), and the app's date field. QSpinBox, QDoubleSpinBox and QDateEdit take ASCII
digits only and drop ０–９ without a word; `accept_wide_digits(widget)` gives them the digits NFKC
would give."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QLineEdit, QWidget

from ...services.rules.limits import DATE_MAX, DATE_MIN
from ...services.rules.numbers import number_text

#: ０–９, the full-width minus, full stop and colon: what these fields would take as ASCII
_WIDE = frozenset(chr(0xFF10 + i) for i in range(10)) | {"－", "．", "："}


def narrow(text: str) -> str:
    """`text` as the services read a typed number (`rules.numbers.number_text`: NFKC) when it holds
    full-width digits or separators; otherwise unchanged."""
    return number_text(text) if any(ch in _WIDE for ch in text) else text


class _WideDigits(QObject):
    """Re-sends a key press or an input-method commit that holds full-width digits as ASCII."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.KeyPress and event.matches(QKeySequence.StandardKey.Paste):
            pasted = QGuiApplication.clipboard().text()
            line = watched.findChild(QLineEdit)
            if pasted and narrow(pasted) != pasted and line is not None:
                line.insert(narrow(pasted))  # through the field's own validator, as typed text
                return True
        if kind == QEvent.Type.KeyPress:
            text = event.text()
            if text and len(text) == 1 and text in _WIDE:
                watched.event(_key(number_text(text), event.modifiers()))
                return True
        elif kind == QEvent.Type.InputMethod:
            commit = event.commitString()
            if commit and narrow(commit) != commit:  # an input method's full-width mode
                # the same event with the digits narrowed: the composition ends as the input method
                # meant it (no stale pre-edit text left in the field)
                fixed = QInputMethodEvent(event.preeditString(), event.attributes())
                fixed.setCommitString(narrow(commit), event.replacementStart(), event.replacementLength())
                QCoreApplication.sendEvent(watched, fixed)  # through this filter again: nothing to narrow
                return True
        return False


def _key(ch: str, modifiers) -> QKeyEvent:
    """The key press of an ASCII digit or separator."""
    key = {"-": Qt.Key.Key_Minus, ".": Qt.Key.Key_Period, ":": Qt.Key.Key_Colon}.get(ch) or Qt.Key(ord(ch))
    return QKeyEvent(QEvent.Type.KeyPress, key, modifiers, ch)


_FILTER: _WideDigits | None = None


def accept_wide_digits(widget: QAbstractSpinBox) -> QAbstractSpinBox:
    """Install the full-width digit filter on a spin box or date field; returns the widget."""
    global _FILTER
    if _FILTER is None:
        _FILTER = _WideDigits()
    widget.installEventFilter(_FILTER)
    return widget


def date_field(day: date | None = None, parent: QWidget | None = None, min_width: int = 130) -> QDateEdit:
    """The app's date field: yyyy-MM-dd with a calendar pop-up, full-width digits accepted, and
    only the dates a service takes (those of the programme years, `rules/limits.py`)."""
    edit = QDateEdit(parent)
    edit.setDateRange(QDate(DATE_MIN.year, DATE_MIN.month, DATE_MIN.day),
                      QDate(DATE_MAX.year, DATE_MAX.month, DATE_MAX.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumWidth(min_width)
    if day is not None:
        edit.setDate(QDate(day.year, day.month, day.day))
    return accept_wide_digits(edit)


def day_of(edit: QDateEdit) -> date:
    """The field's day as a `date`."""
    d = edit.date()
    return date(d.year(), d.month(), d.day())
