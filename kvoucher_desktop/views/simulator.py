"""The clearly labelled simulator panel: what the simulated SMS gateway 'sent', and how the
simulated card issuer and ZeroPay answer the next payment (SPEC §7: they can be told to decline
or to time out, before or after approving).

On a desk of a programme server the simulators run inside the server: the SMS come from its
development endpoint, which `sms.poll(actor)` asks (a network call, so a timer here runs it through
the background helper, never on the GUI thread, one at a time); the messages reach the panel as
in process, through `subscribe`. A server without that endpoint (production) is said to have no
simulator here, and the issuers' answers are not offered at all (docs/decisions.md).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QDockWidget, QFormLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout,
                               QWidget)

from ..services.clock import format_kst

log = logging.getLogger(__name__)

#: how often a desk of a programme server asks it for new simulated SMS
POLL_INTERVAL_MS = 1500


#: (label, what the issuers' faults are told) of the 결제사 응답 setting; None: answer normally
ISSUER_MODES = (
    ("정상 응답", None),
    ("다음 결제 승인 거절", "decline"),
    ("다음 결제 응답 없음 (승인 전)", "timeout_before"),
    ("다음 결제 응답 유실 (승인 후)", "timeout_after"),
)


class SimulatorDock(QDockWidget):
    message_arrived = Signal(object)

    def __init__(self, sms, parent: QWidget | None = None, issuers: tuple = (), actor=None):
        """`actor()`: who is logged in (None: nobody), whose phones a server's SMS are asked for."""
        super().__init__(parent)
        self.setObjectName("simulatorDock")
        self.setWindowTitle(self.tr("시뮬레이터 — 문자 수신함"))
        body = QWidget()
        layout = QVBoxLayout(body)
        badge = QLabel(self.tr("시뮬레이터: 실제 휴대폰 대신 여기에 문자가 표시됩니다"))
        badge.setObjectName("simBadge")
        badge.setWordWrap(True)
        layout.addWidget(badge)
        self.badge = badge
        self.unavailable = QLabel(self.tr("이 서버에서는 시뮬레이터 문자 수신함을 쓸 수 없습니다. "
                                          "(서버의 개발용 기능이 꺼져 있습니다)"))
        self.unavailable.setObjectName("hint")
        self.unavailable.setWordWrap(True)
        self.unavailable.hide()
        layout.addWidget(self.unavailable)
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
        self._actor = actor or (lambda: None)
        self._polling = False
        self._poll_timer: QTimer | None = None
        if callable(getattr(sms, "poll", None)):  # a programme server's outbox
            if getattr(sms, "available", None) is False:
                self._show_unavailable()
            else:
                self._poll_timer = QTimer(self)
                self._poll_timer.setInterval(POLL_INTERVAL_MS)
                self._poll_timer.timeout.connect(self.poll)
                self._poll_timer.start()

    def poll(self) -> None:
        """Ask the server for new simulated SMS, off the GUI thread; not while a question is out."""
        actor = self._actor()
        if self._polling or not self._sms.wants_poll(actor):
            return
        from .tasks import query

        self._polling = True
        sms = self._sms
        query(lambda: sms.poll(actor), parent=self).quiet().failure(self._poll_failed) \
            .after(self._polled).run()

    def _polled(self) -> None:
        self._polling = False
        if getattr(self._sms, "available", None) is False and self._poll_timer is not None:
            self._poll_timer.stop()  # the server turned its development endpoints off
            self._show_unavailable()

    def _show_unavailable(self) -> None:
        """A server without the simulated SMS: the panel says so, and shows nothing else."""
        self.badge.hide()
        self.list.hide()
        self.unavailable.show()
        self.widget().layout().addStretch(1)

    def _poll_failed(self, exc: BaseException) -> None:
        # a lost connection or an ended session: the next tick asks again; the pages say what is wrong
        log.debug("simulated SMS not read: %s", exc)

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
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self._sms.unsubscribe(self.message_arrived.emit)
