"""Garbage collection on the GUI thread only (Anki's approach).

Python's cyclic garbage collector runs in whichever thread happens to allocate when a
threshold is crossed — often a worker of `tasks.run_in_background`. If that collection
frees Qt wrappers (a closed dialog caught in a reference cycle), their C++ destructors run
in the worker thread and the process crashes. So automatic collection is switched off and
a timer on the GUI thread collects with the thresholds automatic collection would use.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiGarbageCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = 1000):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            gc.collect(0)
            if l1 > self.threshold[1]:
                gc.collect(1)
                if l2 > self.threshold[2]:
                    gc.collect(2)
