"""The main window's keyboard shortcuts: Ctrl+F goes to a search box, F5 reloads the page.

Both work on the page shown in the window: a page may offer `focus_search()` (else its first
visible search box is used, else the header's) and `reload()` (else `refresh()`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def install_shortcuts(window) -> tuple[QAction, QAction]:
    """Add the window-wide 검색 (Ctrl+F) and 새로 고침 (F5) actions to `window`; returns them."""
    find = QAction(_tr("검색"), window)
    find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
    find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    find.triggered.connect(window.focus_search)
    reload = QAction(_tr("새로 고침"), window)
    keys = [QKeySequence(Qt.Key.Key_F5)]  # and the platform's own refresh key where it differs
    keys += [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh) if k not in keys]
    reload.setShortcuts(keys)
    reload.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    reload.triggered.connect(window.reload_page)
    window.addActions([find, reload])
    return find, reload


def focus_search(page: QWidget | None, fallback: QLineEdit) -> None:
    """The page's search box when it has one (`focus_search()`, else its first visible search
    box), else `fallback` (the header's), with the text selected to type over."""
    focus = getattr(page, "focus_search", None)
    if focus is not None and focus() is not False:
        return
    from .widgets.common import SearchBox  # with the pages, not at start-up

    box = next((b for b in page.findChildren(SearchBox) if b.isVisible() and b.isEnabled()), None) \
        if page is not None else None
    box = box if box is not None else (fallback if fallback.isEnabled() else None)
    if box is not None:
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.selectAll()
