"""The detail beside a list (a company in the screening queue, a deal in the inbox): one frame
for both.

The frame holds the head (title and badge, a sub line, a busy line), the placeholder shown while
nothing is selected and the content below it; it loads one item by id off the GUI thread
(`ctx.query`), and only the newest selection is shown. A panel says how to fetch an item
(`fetch`, run in the background) and how to show it (`present`); `info_form` builds the
label/value rows both use.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..tasks import overtake
from .busy import BusyIndicator

#: the key of the panel's loads: only the newest is shown
LOAD_KEY = "detail"


def value_label() -> QLabel:
    """A read-only value: wrapped, selectable with the mouse, never a Tab stop."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def info_form(rows: tuple[tuple[str, str], ...], parent: QWidget | None = None) -> tuple[QFormLayout, dict[str, QLabel]]:
    """(key, title) rows as a form of value labels; returns the form and the labels by key."""
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    labels: dict[str, QLabel] = {}
    for key, text in rows:
        labels[key] = value_label()
        form.addRow(text, labels[key])
    return form, labels


class DetailPanel(QWidget):
    """Head, placeholder and content of a list's detail; loads the selected item, newest wins.

    Subclasses set `empty_title` (the title while nothing is shown) and the placeholder's text,
    implement `fetch(item_id)` (on the GUI thread: returns the work to run in the background,
    whose result is the item's view first, then whatever else `present` takes) and
    `present(view, *rest)`, and may override `_update_buttons`.
    """

    def __init__(self, ctx, badge: QLabel, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.empty_title = ""
        self.view: Any = None
        self._selected: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        head = QHBoxLayout()
        self.name_label = QLabel()
        self.name_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.name_label.setWordWrap(True)
        self.badge = badge
        head.addWidget(self.name_label, 1)
        head.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        self.sub_label = QLabel()
        self.sub_label.setObjectName("hint")
        self.sub_label.setWordWrap(True)
        layout.addWidget(self.sub_label)
        self.busy = BusyIndicator()
        layout.addWidget(self.busy)
        self.placeholder = QLabel()
        self.placeholder.setObjectName("hint")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.placeholder, 1)
        self.content = QWidget(self)  # parents first: nothing built here is styled twice
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.content, 1)

    # --- what a panel provides ---------------------------------------------------------------
    def fetch(self, item_id: uuid.UUID) -> Callable[[], tuple]:
        raise NotImplementedError

    def present(self, view, *rest) -> None:
        raise NotImplementedError

    def _update_buttons(self) -> None:
        """Enable what the shown item and the busy line allow (nothing by default)."""

    # --- showing -----------------------------------------------------------------------------
    @property
    def shown_id(self) -> uuid.UUID | None:
        """The item selected last (still loading, or shown)."""
        return self._selected

    def clear(self) -> None:
        overtake(self, LOAD_KEY)  # a load still out is not shown any more
        self._selected = None
        self.view = None
        self.name_label.setText(self.empty_title)
        self.badge.hide()
        self.sub_label.clear()
        self.placeholder.show()
        self.content.hide()

    def show_head(self, title: str, sub: str) -> None:
        """The item's title and sub line, and the content in place of the placeholder."""
        self.placeholder.hide()
        self.content.show()
        self.name_label.setText(title)
        self.sub_label.setText(sub)
        self.badge.show()

    def load(self, item_id: uuid.UUID, text: str, on_loaded=None) -> None:
        """Fetch the item in the background and show it; a newer selection overtakes it, and
        `on_loaded(result)` runs after it is shown. The old item stays until then."""
        self._selected = item_id

        def loaded(result: tuple) -> None:
            self.present(*result)
            if on_loaded is not None:
                on_loaded(result)

        self.ctx.query(self.fetch(item_id), parent=self, key=LOAD_KEY) \
            .busy(text=text).success(loaded).after(self._update_buttons).run()
        self._update_buttons()
