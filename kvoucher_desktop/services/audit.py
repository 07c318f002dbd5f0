"""Reading the append-only audit log (there is deliberately no way to change it)."""

from __future__ import annotations

from sqlalchemy import select

from ..enums import Role
from ..models import AuditRecord
from .dto import Actor, AuditView
from .guards import require_role


def audit_view(r: AuditRecord) -> AuditView:
    return AuditView(r.at, r.actor_name, r.actor_role, r.action, r.entity_type, r.entity_id, r.before, r.after)


class AuditService:
    def __init__(self, uow, clock):
        self.uow = uow
        self.clock = clock

    def records(self, actor: Actor, *, entity_id=None, action_prefix: str = "", limit: int = 500) -> list[AuditView]:
        require_role(actor, Role.AGENCY)
        return self.records_unchecked(entity_id=entity_id, action_prefix=action_prefix, limit=limit)

    def records_unchecked(self, *, entity_id=None, action_prefix: str = "", limit: int = 500) -> list[AuditView]:
        """For tests, scripts and the agency: newest first."""
        with self.uow() as uow:
            stmt = select(AuditRecord).order_by(AuditRecord.at.desc(), AuditRecord.id).limit(limit)
            if entity_id is not None:
                stmt = stmt.where(AuditRecord.entity_id == str(entity_id))
            if action_prefix:
                stmt = stmt.where(AuditRecord.action.startswith(action_prefix))
            return [audit_view(r) for r in uow.session.scalars(stmt)]
