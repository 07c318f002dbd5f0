"""The clearly labelled simulator panel: what the simulated SMS gateway 'sent', and how the
simulated card issuer and ZeroPay answer the next payment (SPEC §7: they can be told to decline
or to time out, before or after approving)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QDockWidget, QFormLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout,
                               QWidget)

from ..services.clock import format_kst


#: (label, what the issuers' faults are told) of the 결제사 응답 setting; None: answer normally
ISSUER_MODES = (
    ("정상 응답", None),
    ("다음 결제 승인 거절", "decline"),
    ("다음 결제 응답 없음 (승인 전)", "timeout_before"),
    ("다음 결제 응답 유실 (승인 후)", "timeout_after"),
)


class SimulatorDock(QDockWidget):
    message_arrived = Signal(object)

    def __init__(self, sms, parent: QWidget | None = None, issuers: tuple = ()):
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
        self._issuers = issuers
        self._watch = QTimer(self)  # while an answer is armed: back to 정상 once a payment used it
        self._watch.setInterval(500)
        self._watch.timeout.connect(self.refresh_issuer_mode)
        self.issuer_mode = QComboBox()
        for label, _fault in ISSUER_MODES:
            self.issuer_mode.addItem(self.tr(label))
        self.issuer_mode.setToolTip(self.tr("신한카드와 제로페이 시뮬레이터가 다음 결제에 어떻게 답할지 정합니다. "
                                            "한 번 쓰이면 정상 응답으로 돌아갑니다."))
        self.issuer_mode.currentIndexChanged.connect(self._arm_issuers)
        form = QFormLayout()
        form.addRow(self.tr("결제사 응답"), self.issuer_mode)
        if issuers:
            layout.addLayout(form)
        self.setWidget(body)
        self._sms = sms
        self.message_arrived.connect(self._add, Qt.ConnectionType.QueuedConnection)
        for msg in list(sms.outbox)[-50:]:
            self._add(msg)
        self.message_arrived.connect(self._reveal)
        sms.subscribe(self.message_arrived.emit)  # called from worker threads: queued to the GUI

    def _arm_issuers(self, index: int) -> None:
        """The next deciding call of each issuer answers as chosen (once); then normally again."""
        fault = ISSUER_MODES[index][1]
        for issuer in self._issuers:
            issuer.faults.clear()
            if fault is not None:
                getattr(issuer.faults, fault)()
        if fault is not None:
            self._watch.start()

    def refresh_issuer_mode(self) -> None:
        """Once a payment has used the chosen answer: 정상 응답 again, for both issuers."""
        if self.issuer_mode.currentIndex() and any(i.faults.armed is None for i in self._issuers):
            for issuer in self._issuers:
                issuer.faults.clear()
            self.issuer_mode.blockSignals(True)
            self.issuer_mode.setCurrentIndex(0)
            self.issuer_mode.blockSignals(False)
        if not self.issuer_mode.currentIndex():
            self._watch.stop()

    def _add(self, msg) -> None:
        item = QListWidgetItem(f"{format_kst(msg.sent_at, seconds=True)}  →  {msg.phone}\n{msg.text}")
        self.list.insertItem(0, item)

    def _reveal(self, _msg) -> None:
        """A new simulated SMS: show the panel so the user can read the code."""
        self.show()
        self.raise_()

    def detach(self) -> None:
        self._sms.unsubscribe(self.message_arrived.emit)
