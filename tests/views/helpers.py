"""Test helpers for driving widgets like a user.

`type_text(widget, text)` types into a QLineEdit / QTextEdit / QPlainTextEdit one character at
a time with real key events that carry the character as their text — the way a keyboard (or an
input method committing a syllable) delivers it. It is safe for Hangul, unlike
`qtbot.keyClicks`, which aborts the process on non-ASCII text (PySide6 6.12, offscreen), and
QLineEdit emits `textEdited` for every character, exactly as when a person types.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

_NO_MODS = Qt.KeyboardModifier.NoModifier


def _key_for(ch: str) -> int:
    if ch == "\n":
        return Qt.Key.Key_Return
    if ch.isascii() and ch.isalnum():
        return ord(ch.upper())  # Qt.Key_A.. and Qt.Key_0.. are the upper-case ASCII codes
    if ch == " ":
        return Qt.Key.Key_Space
    return 0  # a character without its own key: only its text matters (as from an input method)


def _send_key(widget: QWidget, key: int, text: str = "", modifiers=_NO_MODS) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text))
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyRelease, key, modifiers, text))


def type_text(widget: QWidget, text: str, *, replace: bool = False) -> None:
    """Type `text` at the cursor of `widget` (after selecting everything and deleting it when
    `replace` is true). The widget must be enabled and editable, as for a real user."""
    assert widget.isEnabled(), f"{widget!r} is disabled"
    if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
        assert not widget.isReadOnly(), f"{widget!r} is read-only"
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    if replace:
        _send_key(widget, Qt.Key.Key_A, "", Qt.KeyboardModifier.ControlModifier)
        _send_key(widget, Qt.Key.Key_Backspace)
    for ch in text:
        _send_key(widget, _key_for(ch), "\r" if ch == "\n" else ch)


def shoot(widget: QWidget, name: str) -> str | None:
    """Render `widget` to `<name>.png` in the folder named by KVOUCHER_TEST_SHOTS, to look at
    by eye; without that variable nothing is written. Returns the path written, if any."""
    import os
    from pathlib import Path

    folder = os.environ.get("KVOUCHER_TEST_SHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    path = str(Path(folder) / f"{name}.png")
    assert widget.grab().save(path)
    return path


def record_changes(window, into: list) -> None:
    """Collect what the window broadcasts as (kind, ids) pairs, e.g. ("deal", (deal_id,))."""
    window.data_changed.connect(lambda changes, _initiator: into.extend(
        (kind.value, tuple(ids)) for kind, ids in changes.items()))
