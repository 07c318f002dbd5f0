"""Garbage collection on the GUI thread only (Anki's approach), in small steps.

Python's cyclic garbage collector runs in whichever thread happens to allocate when a
threshold is crossed — often a worker of `tasks.run_in_background`. If that collection
frees Qt wrappers (a closed dialog caught in a reference cycle), their C++ destructors run
in the worker thread and the process crashes. So automatic collection is switched off and
a timer on the GUI thread collects instead.

A collection pauses the GUI thread for as long as it takes to walk the objects of the
generations it collects (about 0.5 µs each), so *when* it collects decides the pause, not
only how often:

* The young generation is collected as soon as it is over Python's own threshold, looked at
  every `interval_ms` (50 ms). Checking once a second let workers pile up 110,000–145,000 young
  objects (the rows of a few pages, a store's modules), and their collection blocked for
  60–85 ms.
* The middle generation is collected once the objects that moved into it since its last
  collection reach `middle_objects` — counted, not the ten young collections Python waits for,
  which under load are ten big batches walked at once.
* The full collection walks every object not frozen at start-up (`gc.freeze`, views/preload.py),
  so none runs before that freeze (the collector sees it in `gc.get_freeze_count()`; at the
  latest a minute after start).
  Python runs it only when the objects that reached the old generation since the last one are
  over a quarter of those that were there (`old_share`); so does this, and it waits for a
  quiet moment for it: no background task running and the timer on time, for `quiet_ticks`
  checks in a row. Waiting is bounded: past `old_share_limit` it collects anyway.

`CollectionPolicy` holds these decisions without Qt (tests drive it with counts); the collector
below is its timer.
"""

from __future__ import annotations

import gc
import sys
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer


@dataclass
class CollectionPolicy:
    """Which generation to collect, from the collector's counts. Counts of objects are estimates:
    what the young generation held when it was collected is what moved on (its survivors, less
    what it freed; never more)."""

    young: int = 700
    middle_objects: int = 10_000
    old_share: float = 0.25
    old_share_limit: float = 1.0
    #: objects in the old generation after the last full collection (set by the collector); None
    #: while start-up is still importing: no full collection until its objects are frozen
    old_objects: int | None = None
    #: estimated objects moved into the middle / old generation since their last collection
    middle_pending: int = 0
    old_pending: int = 0
    #: collections made so far
    runs: int = 0

    def choose(self, young_count: int, quiet: bool) -> int | None:
        """The generation to collect now (0, 1 or 2), or None. `young_count` is gc.get_count()[0]."""
        if young_count > self.young:
            if self.middle_pending + young_count >= self.middle_objects:
                return 1
            return 0
        if self.old_objects is None:
            return None
        share = self.old_pending / max(self.old_objects, self.middle_objects)
        if share > self.old_share_limit or (quiet and share > self.old_share):
            return 2
        return None

    def collected(self, generation: int, young_count: int, old_objects: int | None = None) -> None:
        """Account for a collection of `generation` that found `young_count` young objects; after a
        full one, `old_objects` is what the old generation holds now."""
        self.runs += 1
        if generation == 0:
            self.middle_pending += young_count
        elif generation == 1:
            self.old_pending += self.middle_pending + young_count
            self.middle_pending = 0
        else:
            self.middle_pending = self.old_pending = 0
            if old_objects is not None:
                self.old_objects = old_objects


class GuiGarbageCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = 50, quiet_ticks: int = 20):
        super().__init__(parent)
        self.policy = CollectionPolicy(young=gc.get_threshold()[0])
        gc.disable()
        self.interval_ms = interval_ms
        self.quiet_ticks = quiet_ticks
        self._on_time = 0
        self._last = time.perf_counter()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)
        QTimer.singleShot(60_000, self, self._full_collections_at_the_latest)

    def _full_collections_at_the_latest(self) -> None:
        if self.policy.old_objects is None:
            self._start_full_collections()

    def _start_full_collections(self) -> None:
        """Start-up's objects are frozen (`gc.freeze`, views/preload.py): from now on the old
        generation holds only what the session made, and full collections walk just that."""
        self.policy.old_objects = len(gc.get_objects(generation=2))
        self.policy.old_pending = 0

    def _quiet(self) -> bool:
        """No background task and the timer on time for `quiet_ticks` checks in a row."""
        tasks = sys.modules.get(f"{__package__}.tasks")  # not imported before the first paint: none run
        now = time.perf_counter()
        late = (now - self._last) * 1000 > self.interval_ms * 1.5
        self._last = now
        self._on_time = 0 if late or (tasks is not None and tasks.pending_tasks()) else self._on_time + 1
        return self._on_time >= self.quiet_ticks

    def check(self) -> None:
        if self.policy.old_objects is None and gc.get_freeze_count():
            self._start_full_collections()
        young = gc.get_count()[0]
        generation = self.policy.choose(young, self._quiet())
        if generation is None:
            return
        gc.collect(generation)
        old = len(gc.get_objects(generation=2)) if generation == 2 else None
        self.policy.collected(generation, young, old)
