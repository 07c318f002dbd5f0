"""Reading, sealing and verifying the append-only audit log (there is deliberately no way to change it)."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from ..enums import Role
from ..models import AuditRecord
from . import audit_chain
from .audit_chain import AuditVerification, CheckpointView
from .clock import Clock
from .dto import Actor, AuditView
from .guards import require_role
from .rules.inputs import clean_page_size, clean_search
from .uow import UowFactory


def audit_view(r: AuditRecord) -> AuditView:
    return AuditView(r.at, r.actor_name, r.actor_role, r.action, r.entity_type, r.entity_id, r.before, r.after,
                     r.seq, r.client_address)


class AuditService:
    def __init__(self, uow: UowFactory, clock: Clock):
        self.uow = uow
        self.clock = clock

    def records(self, actor: Actor, *, entity_id: uuid.UUID | str | None = None, action_prefix: str = "", limit: int = 500) -> list[AuditView]:
        require_role(actor, Role.AGENCY)
        # filters typed in a box: checked before the store is asked (rules/limits.py)
        action_prefix = clean_search(action_prefix, field="action_prefix", key="audit.action_prefix")
        if entity_id is not None and not isinstance(entity_id, uuid.UUID):
            entity_id = clean_search(entity_id, field="entity_id", key="audit.entity_id")
        limit = clean_page_size(limit, 10_000)
        return self.records_unchecked(entity_id=entity_id, action_prefix=action_prefix, limit=limit)

    def records_unchecked(self, *, entity_id: uuid.UUID | str | None = None, action_prefix: str = "", limit: int = 500) -> list[AuditView]:
        """For tests, scripts and the agency: newest first."""
        with self.uow() as uow:
            # seq is the order the rows were written in (`at` may be backdated); a row without
            # one bypassed the app and comes last
            stmt = select(AuditRecord).order_by(AuditRecord.seq.desc().nulls_last(), AuditRecord.id).limit(limit)
            if entity_id is not None:
                stmt = stmt.where(AuditRecord.entity_id == str(entity_id))
            if action_prefix:
                stmt = stmt.where(AuditRecord.action.startswith(action_prefix))
            return [audit_view(r) for r in uow.session.scalars(stmt)]

    # --- tamper evidence (services/audit_chain.py) -------------------------------------------
    def seal(self) -> tuple[CheckpointView, ...]:
        """Seal what was recorded more than SEAL_MARGIN ago (the main window's sweep runs this every
        few minutes; no actor: like the deal sweep it is housekeeping that anyone's desk may do)."""
        return audit_chain.seal(self.uow, self.clock.now())

    def verify(self, actor: Actor, *, anchor_file: Path | None = None) -> AuditVerification:
        """감사 로그 검증 for the agency: seal, then check every row and checkpoint."""
        require_role(actor, Role.AGENCY)
        return self.verify_unchecked(anchor_file=anchor_file)

    def verify_unchecked(self, *, anchor_file: Path | None = None) -> AuditVerification:
        """For the command line (`--verify-audit`) and tests. With `anchor_file`, the newest
        checkpoint of an intact log is remembered there, and the one remembered last time must
        still be in the store unchanged."""
        sealed = self.seal()
        key = anchor = None
        if anchor_file is not None:
            with self.uow() as uow:
                key = audit_chain.store_key(uow.session.get_bind().engine.url)  # bound to an engine or a call's connection
            anchor = audit_chain.load_anchor(anchor_file, key)
        result = audit_chain.verify(self.uow, self.clock.now(), anchor=anchor, sealed_now=len(sealed))
        if anchor_file is not None and result.intact and result.newest_checkpoint is not None:
            audit_chain.save_anchor(anchor_file, key, result.newest_checkpoint, result.checked_at)
        return result
