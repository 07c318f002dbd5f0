"""Other desks' changes: the window asks the store (or the programme server) every few seconds
what changed since it last asked (`audit.changes_since`) and tells its pages, as if the change
had been made here. So an inbox refreshes when the other side acts, without any page polling
its own table."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

#: how often a desk asks (the feed is one indexed read of the audit log)
POLL_MS = 10_000


class ChangeFeed(QObject):
    """Polls for the logged-in actor; `restart()` on every login and logout."""

    def __init__(self, ctx: Any, parent: QObject, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self.ctx = ctx
        self._cursor: int | None = None
        self._told: set[int] = set()  # seqs of items already told, past the cursor
        self._actor = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def restart(self, actor) -> None:
        self._actor, self._cursor, self._told = actor, None, set()
        if actor is None:
            self._timer.stop()
            return
        self._timer.start()
        self.poll()

    def poll(self) -> None:
        actor, cursor = self._actor, self._cursor
        if actor is None:
            return
        audit = self.ctx.services.audit
        (self.ctx.query(lambda: audit.changes_since(actor, cursor), parent=None, key=("change-feed", id(self)))
         .success(lambda feed: self._heard(actor, feed))
         .failure(lambda exc: log.info("change feed not read: %s", exc))
         .quiet().run())

    def _heard(self, actor, feed) -> None:
        if actor is not self._actor:
            return  # a poll of the previous login
        new = [item for item in feed.items if item.seq not in self._told]
        self._told = {seq for seq in self._told | {item.seq for item in new} if seq > feed.cursor}
        self._cursor = feed.cursor
        changes = None
        for item in new:
            changes = item.changes if changes is None else changes | item.changes
        if changes:
            self.ctx.broadcast(changes, None)
