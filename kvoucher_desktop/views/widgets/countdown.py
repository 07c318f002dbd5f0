"""How long a sent code stays valid: an m:ss label beside the code field, read every second.

The provider says when the code expires (`start(expires_at)`); the injected clock says how long
is left. At 0:00 the label stops and emits `expired` (only then is a code called expired). A
provider that does not say when (`expires_at` None) or a missing clock hides the label.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget


def format_remaining(seconds: float) -> str:
    """m:ss of a non-negative number of seconds, rounded up (2:59.4 left shows 3:00 → 2:59 next)."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


class CodeCountdown(QLabel):
    """m:ss left of a sent code's validity; `expired` once it reaches 0:00."""

    expired = Signal()

    def __init__(self, clock=None, parent: QWidget | None = None):
        super().__init__(parent)
        self._clock = clock  # services.clock
        self._expires_at: datetime | None = None
        self.setObjectName("countdown")
        self.setToolTip(self.tr("인증번호 남은 유효시간"))
        self.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)

    def start(self, expires_at: datetime | None) -> None:
        """Count down to `expires_at` (None: the provider does not say; nothing is shown)."""
        self._expires_at = expires_at
        if self.seconds_left() is None:
            self.stop()
            return
        self.show()
        self._timer.start()
        self.tick()

    def stop(self) -> None:
        self._timer.stop()
        self._expires_at = None
        self.hide()
        self.clear()

    def seconds_left(self) -> float | None:
        """Seconds the code is still valid for (None: nothing counted)."""
        if self._expires_at is None or self._clock is None:
            return None
        return max(0.0, (self._expires_at - self._clock.now()).total_seconds())

    def tick(self) -> None:
        """Show what is left; at 0:00 stop and say so (`expired`)."""
        left = self.seconds_left()
        if left is None:
            self.stop()
            return
        self.setText(format_remaining(left))
        if left > 0:
            return
        self._timer.stop()
        self.expired.emit()
