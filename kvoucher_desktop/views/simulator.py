"""The clearly labelled simulator panel: what the simulated SMS gateway 'sent'."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..services.clock import format_kst


class SimulatorDock(QDockWidget):
    message_arrived = Signal(object)

    def __init__(self, sms, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("simulatorDock")
        self.setWindowTitle(self.tr("시뮬레이터 — 문자 수신함"))
        body = QWidget()
        layout = QVBoxLayout(body)
        badge = QLabel(self.tr("시뮬레이터: 실제 휴대폰 대신 여기에 문자가 표시됩니다"))
        badge.setObjectName("simBadge")
        badge.setWordWrap(True)
        layout.addWidget(badge)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        layout.addWidget(self.list)
        self.setWidget(body)
        self._sms = sms
        self.message_arrived.connect(self._add, Qt.ConnectionType.QueuedConnection)
        for msg in list(sms.outbox)[-50:]:
            self._add(msg)
        self.message_arrived.connect(self._reveal)
        sms.subscribe(self.message_arrived.emit)  # called from worker threads: queued to the GUI

    def _add(self, msg) -> None:
        item = QListWidgetItem(f"{format_kst(msg.sent_at, seconds=True)}  →  {msg.phone}\n{msg.text}")
        self.list.insertItem(0, item)

    def _reveal(self, _msg) -> None:
        """A new simulated SMS: show the panel so the user can read the code."""
        self.show()
        self.raise_()

    def detach(self) -> None:
        self._sms.unsubscribe(self.message_arrived.emit)
