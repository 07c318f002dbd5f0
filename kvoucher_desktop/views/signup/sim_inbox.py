"""'시뮬레이터 — 문자 수신함' inside the wizard: the simulated SMS sent to the phone being verified.

The main window's simulator panel may be hidden behind the window-modal wizard, so the wizard
shows the simulated messages itself, in a box that is clearly marked as the simulator (the
`simBadge` label, an orange dashed frame). It is the only place in the wizard where a code can
appear. The wizard feeds it (`add`, on the GUI thread through a queued signal); the phone box
tells it which number is being verified (`watch`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ...services.clock import format_kst
from ...services.rules.numbers import normalize_mobile

#: additions to the wizard's style sheet
SMS_INBOX_STYLE = """
QFrame#simInbox { background: #fff7ed; border: 1px dashed #fb923c; border-radius: 6px; }
QLabel#simMessages { color: #431407; background: white; border: 1px solid #fed7aa; border-radius: 4px; padding: 6px 8px; }
QLabel#simEmpty { color: #9a3412; }
"""


class SimInbox(QFrame):
    """The newest simulated SMS to the watched phone (up to `limit`), newest first."""

    def __init__(self, parent: QWidget | None = None, *, limit: int = 3):
        super().__init__(parent)
        self.setObjectName("simInbox")
        self.limit = limit
        self.phone = ""
        self.messages: list = []  # every simulated SMS seen since the wizard opened
        self._available = True

        self.title = QLabel(self.tr("시뮬레이터 — 문자 수신함"))
        self.title.setObjectName("simBadge")
        self.note = QLabel(self.tr(
            "실제 휴대폰 대신, 시뮬레이터가 보낸 문자가 여기에 표시됩니다. (실제 서비스에서는 문자로 받습니다)"))
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.empty_label = QLabel(self.tr("'인증번호 받기'를 누르면 이 휴대폰 번호로 보낸 문자가 여기에 나타납니다."))
        self.empty_label.setObjectName("simEmpty")
        self.empty_label.setWordWrap(True)
        self.messages_label = QLabel()
        self.messages_label.setObjectName("simMessages")
        self.messages_label.setWordWrap(True)
        self.messages_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.messages_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.note)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.messages_label)

    @property
    def available(self) -> bool:
        """False with a real SMS gateway: the box is then never shown."""
        return self._available

    def set_available(self, available: bool) -> None:
        self._available = available
        if not available:
            self.hide()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt API
        super().setVisible(visible and self._available)

    def watch(self, phone: str) -> None:
        """Show the messages to `phone` (the number a code is being sent to)."""
        self.phone = normalize_mobile(phone) or phone.strip()
        self._render()

    def add(self, msg) -> None:
        self.messages.append(msg)
        if msg.phone == self.phone:
            self._render()

    def shown_messages(self) -> list:
        mine = [m for m in self.messages if self.phone and m.phone == self.phone]
        return list(reversed(mine[-self.limit:]))

    def text(self) -> str:
        return self.messages_label.text() if self.messages_label.isVisibleTo(self) else ""

    def _render(self) -> None:
        shown = self.shown_messages()
        self.messages_label.setText("\n\n".join(
            f"{format_kst(m.sent_at, seconds=True)}  →  {m.phone}\n{m.text}" for m in shown))
        self.messages_label.setVisible(bool(shown))
        self.empty_label.setVisible(not shown)
