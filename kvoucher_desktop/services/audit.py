"""Reading, sealing and verifying the append-only audit log (there is deliberately no way to change it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from ..enums import Role
from ..models import AuditRecord, Company, Deal, Evaluation, Inquiry, Payment
from . import audit_chain
from .audit_chain import AuditVerification, CheckpointView
from .changes import Changes, Entity
from .clock import Clock
from .dto import Actor, AuditView, ChangeFeed, ChangeItem
from .guards import require_role
from .rules.inputs import clean_int, clean_page_size, clean_search
from .uow import UowFactory

#: how many records one poll of `changes_since` reads at most (a desk that was away catches up
#: over several polls)
FEED_LIMIT = 500
#: records younger than this are sent again by the next poll: on PostgreSQL a transaction may
#: commit after one that took a later seq, and its record must not fall behind the cursor
FEED_MARGIN = timedelta(seconds=30)
#: records of what everybody may see (the catalog, the programme, its announcements)
_PUBLIC = {"announcement": Entity.ANNOUNCEMENT, "category": Entity.CATEGORY, "service": Entity.SERVICE,
           "supplier": Entity.SUPPLIER, "operating_agency": Entity.OPERATOR}
#: records of one party's rows: the model that says whose they are
_OWNED = {"deal": Deal, "payment": Payment, "evaluation": Evaluation, "inquiry": Inquiry}


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _owners(uow, model, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple]:
    """(company, supplier, deal or service) of each row of `model` among `ids`."""
    ids = list(ids)
    if not ids:
        return {}
    third = {Payment: Payment.deal_id, Evaluation: Evaluation.service_id}.get(model, model.id)
    rows = uow.session.execute(select(model.id, model.company_id, model.supplier_id, third)
                               .where(model.id.in_(ids))).all()
    return {r[0]: tuple(r[1:]) for r in rows}


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

    # --- what other desks changed ------------------------------------------------------------
    def changes_since(self, actor: Actor, after: int | None = None) -> ChangeFeed:
        """What was changed after the cursor `after` (one this gave earlier; None: start now), by
        anyone but the actor's own account, as far as the actor may know of it: the catalog, the
        programme and its announcements for everybody; a company's own records, deals, payments,
        evaluations and inquiries for the demand company and the supplier they concern; an
        operator's companies; everything for the agency. A desk polls this and reloads the pages
        the items touch (the inbox refreshes when the other side acts). Read from the audit log:
        every change is in it, in order."""
        if after is not None:
            after = clean_int(after, "after", "목록 위치", maximum=2**62)
        now = self.clock.now()
        with self.uow() as uow:
            if after is None:
                top = uow.session.execute(select(func.max(AuditRecord.seq))
                                          .where(AuditRecord.recorded_at <= now - FEED_MARGIN)).scalar()
                return ChangeFeed(int(top or 0), ())
            rows = uow.session.execute(
                select(AuditRecord.seq, AuditRecord.entity_type, AuditRecord.entity_id, AuditRecord.action,
                       AuditRecord.actor_id, AuditRecord.recorded_at)
                .where(AuditRecord.seq > after).order_by(AuditRecord.seq).limit(FEED_LIMIT)).all()
            owned = {kind: {_uuid(r.entity_id) for r in rows if r.entity_type == kind} - {None} for kind in _OWNED}
            owners = {kind: _owners(uow, model, owned[kind]) for kind, model in _OWNED.items()}
            companies = {_uuid(r.entity_id) for r in rows if r.entity_type == "company"} - {None}
            operator_of = dict(uow.session.execute(select(Company.id, Company.operator_id)
                                                   .where(Company.id.in_(companies))).all()) if companies else {}
        cursor, settled = after, True
        items = []
        for r in rows:
            settled = settled and r.recorded_at is not None and r.recorded_at <= now - FEED_MARGIN
            if settled:
                cursor = r.seq  # the cursor passes a record only when everything before it is old
            if r.actor_id is not None and r.actor_id == actor.user_id:
                continue  # the desk that made the change has told its own pages
            changes = self._visible_change(actor, r, owners, operator_of)
            if changes:
                items.append(ChangeItem(r.seq, changes))
        return ChangeFeed(cursor, tuple(items))

    @staticmethod
    def _visible_change(actor: Actor, r, owners: dict, operator_of: dict) -> Changes | None:
        """The change record `r` stands for, or None when `actor` may not know of it."""
        kind, agency = r.entity_type, actor.role is Role.AGENCY
        if kind in _PUBLIC:
            key = _uuid(r.entity_id) if kind != "category" else r.entity_id
            return Changes.of(_PUBLIC[kind], key) if key is not None else None
        if kind == "programme":
            year = int(r.entity_id) if r.entity_id.isdigit() else None
            entity = Entity.PARTICIPANT if r.action == "programme.previous_participants" else Entity.SETTINGS
            return Changes.of(entity, year) if year is not None else Changes({entity: ()})
        key = _uuid(r.entity_id)
        if key is None:
            return None
        if kind == "user":
            return Changes.of(Entity.ACCOUNT, key) if agency or key == actor.user_id else None
        if kind == "company":
            mine = (agency or actor.company_id == key
                    or actor.role is Role.OPERATOR and operator_of.get(key) == actor.operator_id is not None)
            return Changes({Entity.COMPANY: {key}, Entity.VOUCHER: {key}}) if mine else None
        if kind in _OWNED:
            found = owners[kind].get(key)
            if found is None:
                return None
            company_id, supplier_id, third = found
            if not (agency or actor.company_id == company_id is not None
                    or actor.supplier_id == supplier_id is not None):
                return None
            if kind == "payment":
                return Changes({Entity.PAYMENT: {key}, Entity.DEAL: {third}, Entity.VOUCHER: {company_id}})
            if kind == "evaluation":
                return Changes({Entity.EVALUATION: {key}, Entity.SERVICE: {third}})
            return Changes.of(Entity.DEAL if kind == "deal" else Entity.INQUIRY, key)
        return None

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
