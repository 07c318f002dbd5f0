"""Small non-blocking dialogs: a reason input that requires text, and a yes/no question.

Both are opened with `open()` (window-modal, the event loop keeps running) and call back
on acceptance, so background work and tests are never stuck behind `exec()`.

They are children of their parent and die with it; they are deliberately not deleted on
close: deleting a box also drops its callbacks, and a callback holding the last Python
reference to a top-level parent would then delete that parent from inside the box's own
destructor (a crash).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from .common import ErrorLabel, mark_invalid


class FitsItsText:
    """A dialog (mixin, before QDialog) that keeps its minimum width and takes the height its wrapped
    texts need whenever they change (an error shown, changed or cleared), and gives it back: nothing
    is squeezed. Its layout keeps Qt's default size constraint (SetMinimumSize would replace the
    minimum width with the layout's own)."""

    def event(self, event: QEvent) -> bool:  # noqa: D401 - Qt API
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # e.g. a message shown, changed or cleared
            self.fit_to_contents()
        return handled

    def fit_to_contents(self) -> None:
        """Keep the width (never below the minimum) and take the height the wrapped text needs."""
        layout = self.layout()
        width = max(self.width(), self.minimumWidth())
        if layout.hasHeightForWidth():
            height = layout.totalHeightForWidth(width)
        else:
            height = layout.totalSizeHint().height()
        height = max(height, layout.totalMinimumSize().height())
        if self.size() != QSize(width, height):
            self.resize(width, height)


class ReasonDialog(QDialog):
    """Asks for a reason; OK refuses an empty text with a message and keeps the dialog open."""

    def __init__(self, title: str, prompt: str, ok_text: str, parent: QWidget | None = None,
                 max_length: int | None = None):
        super().__init__(parent)
        self.max_length = max_length
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(self.tr("사유를 입력해 주세요. 기업에 그대로 보여집니다."))
        self.edit.setMinimumHeight(110)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.cancel_button = self.buttons.addButton(self.tr("취소"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.prompt)
        layout.addWidget(self.edit)
        self.counter = QLabel()  # n / limit, so the limit is known before the service says it
        self.counter.setObjectName("hint")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.counter.setVisible(max_length is not None)
        if max_length is not None:
            self.edit.textChanged.connect(self._count)
            self._count()
        layout.addWidget(self.counter)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _count(self) -> None:
        n = len(self.edit.toPlainText().strip())
        over = n > self.max_length
        self.counter.setText(self.tr("{n:,} / {limit:,}자").format(n=n, limit=self.max_length)
                             + (self.tr(" — {k:,}자를 줄여 주세요").format(k=n - self.max_length) if over else ""))
        mark_invalid(self.edit, over)

    def reason(self) -> str:
        return self.edit.toPlainText().strip()

    def _try_accept(self) -> None:
        if not self.reason():
            self.error.show_message(self.tr("사유를 입력해야 처리할 수 있습니다."))
            mark_invalid(self.edit, True)
            self.edit.setFocus()
            return
        self.accept()


def ask_reason(parent: QWidget, title: str, prompt: str, ok_text: str,
               on_ok: Callable[[str], None]) -> ReasonDialog:
    dialog = ReasonDialog(title, prompt, ok_text, parent)
    dialog.accepted.connect(lambda: on_ok(dialog.reason()))
    dialog.open()
    return dialog


def ask_yes_no(parent: QWidget, title: str, text: str, yes_text: str, on_yes: Callable[[], None],
               danger: bool = False) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setText(box.tr("취소"))
    # what cannot be undone is never done by Enter alone: the safe answer is the default
    box.setDefaultButton(cancel if danger else yes)

    def finished() -> None:
        if box.clickedButton() is yes:
            on_yes()

    box.finished.connect(finished)
    box.yes_button = yes  # for tests and keyboard users alike: the button that says yes
    box.open()
    return box


def tell(parent: QWidget, title: str, text: str, warning: bool = False) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box
