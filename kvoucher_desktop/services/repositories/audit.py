"""The audit log as a repository: one record per change, in the transaction of the change.

`UnitOfWork.audit(...)` writes through it; repositories that change several rows in one call
(an expiry of every open deal of a company) write their records through it too.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from ...models import AuditRecord
from ...models.audit_chain import row_hash
from ..calls import client_address
from ..dto import Actor
from . import Repository


class AuditLog(Repository):
    def record(
        self,
        actor: Actor | None,
        action: str,
        entity_type: str,
        entity_id: Any,
        before: dict | None = None,
        after: dict | None = None,
        at: datetime | None = None,
    ) -> AuditRecord:
        """Append one audit record with its place in the log (`seq`, assigned by the INSERT itself)
        and the hash of its content (docs/decisions.md)."""
        now = self.clock.now()
        content = dict(
            id=uuid.uuid4(),
            at=at or now,
            recorded_at=now,
            actor_id=actor.user_id if actor else None,
            actor_role=actor.role.value if actor else "SYSTEM",
            actor_name=actor.name if actor else "시스템",
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=dump(before),
            after=dump(after),
            client_address=client_address(),
        )
        record = AuditRecord(**content, row_hash=row_hash(**content))  # seq: the INSERT computes it
        self.session.add(record)
        return record


def dump(data: dict | None) -> str | None:
    """The JSON text an audit record stores for `before`/`after` (keys sorted, Hangul kept)."""
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
