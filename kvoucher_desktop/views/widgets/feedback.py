"""The one place an action's outcome is told: a bar above the pages of the main window.

`success(text)` shows a green line that goes by itself after a while; `failure(text)` a red one
that stays until the user closes it or the next outcome replaces it. Either goes when the user
opens another page, so nothing of an earlier page lingers. The bar is read by screen readers
(its accessible name is the message and an alert is raised) and closed with its ✕ button or Esc.

The bar also takes the notice-box calls (`set_text(title, body, kind)`, `title`, `body`, `kind`).
Pages never hold it: they tell through their context (`ctx.show_success(text, detail)`,
`ctx.show_notice(title, body, kind)`, `ctx.show_failure(exc)`, `ctx.clear_feedback()`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from .notice import KINDS

#: how long a success stays on screen (a failure stays until it is closed or replaced)
SUCCESS_MS = 12_000

#: kinds a failure is shown with; the others are successes or plain information
FAILURE_KINDS = ("danger", "warning")

ICONS = {"success": "✔", "danger": "✖", "warning": "!", "info": "i"}


class FeedbackBar(QFrame):
    """Success or failure of the last action, with a close button."""

    #: emitted when the user closes the bar
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("feedback")
        self.kind = "success"
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 8, 12, 8)
        row.setSpacing(10)
        self.icon = QLabel()
        self.icon.setObjectName("feedbackIcon")
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon.setFixedWidth(22)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        texts.addWidget(self.title)
        texts.addWidget(self.body)
        row.addLayout(texts, 1)
        self.close_button = QToolButton()
        self.close_button.setObjectName("feedbackClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.close_button.setToolTip(self.tr("알림 닫기 (Esc)"))
        self.close_button.setAccessibleName(self.tr("알림 닫기"))
        self.close_button.clicked.connect(self.dismiss)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._set_kind("success")
        self.hide()

    # --- telling -----------------------------------------------------------------------------
    def success(self, text: str, detail: str = "") -> None:
        """An action succeeded: shown for `SUCCESS_MS`, or until replaced or the page changes."""
        self.set_text(text, detail, "success")

    def failure(self, text, detail: str = "") -> None:
        """An action failed (a text or an error carrying a Korean `message`): stays until closed,
        replaced or the page changes."""
        message = getattr(text, "message", None) or str(text)
        self.set_text(message, detail, "danger")

    def set_text(self, title: str, body: str = "", kind: str | None = None) -> None:
        """Show `title` (and `body`) as `kind` (success / info / warning / danger)."""
        kind = kind or self.kind
        self._set_kind(kind)
        self.title.setText(title)
        self.title.setVisible(bool(title))
        self.body.setText(body)
        self.body.setVisible(bool(body))
        label = {"success": self.tr("완료"), "danger": self.tr("오류"), "warning": self.tr("주의"),
                 "info": self.tr("안내")}.get(kind, "")
        self.setAccessibleName(f"{label}: {title}" if label else title)
        self.setAccessibleDescription(body)
        self._timer.stop()
        if kind not in FAILURE_KINDS:
            self._timer.start(SUCCESS_MS)
        self.show()
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    @property
    def text(self) -> str:
        """What the bar says now ('' when hidden)."""
        return self.title.text() if not self.isHidden() else ""

    @property
    def is_failure(self) -> bool:
        return not self.isHidden() and self.kind in FAILURE_KINDS

    def clear(self) -> None:
        """Hide the bar (a page change, the timer, or a new action's start)."""
        self._timer.stop()
        self.hide()
        self.title.clear()
        self.body.clear()
        self.setAccessibleName("")

    def dismiss(self) -> None:
        self.clear()
        self.dismissed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
            return
        super().keyPressEvent(event)

    # --- look --------------------------------------------------------------------------------
    def _set_kind(self, kind: str) -> None:
        fg, bg, border = KINDS[kind]
        self.kind = kind
        self.icon.setText(ICONS.get(kind, ""))
        self.setStyleSheet(
            f"QFrame#feedback {{ background: {bg}; border: none; border-bottom: 1px solid {border};"
            f" border-left: 5px solid {fg}; }}"
            f" QFrame#feedback QLabel {{ color: {fg}; background: transparent; border: none; }}"
            f" QLabel#feedbackIcon {{ font-weight: bold; font-size: 10.5pt; }}"
            f" QToolButton#feedbackClose {{ color: {fg}; border: none; padding: 2px 6px; font-size: 11pt; }}"
            f" QToolButton#feedbackClose:hover {{ background: rgba(0,0,0,0.06); border-radius: 4px; }}"
            f" QToolButton#feedbackClose:focus {{ border: 2px solid {fg}; border-radius: 4px; }}"
        )
        self.title.setStyleSheet("font-weight: bold; font-size: 10.5pt;")
