"""Permission checks shared by the services (SPEC §3)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..enums import Role
from ..models import Company
from .dto import Actor
from .errors import NotFound, PermissionDenied


def require_role(actor: Actor, *roles: Role) -> None:
    if actor.role not in roles:
        raise PermissionDenied("이 작업을 할 권한이 없습니다.", code="role")


def company_for(session: Session, actor: Actor, company_id: uuid.UUID, *, for_update: bool = False) -> Company:
    """Load a demand company the actor may see, or refuse."""
    stmt = select(Company).where(Company.id == company_id)
    if for_update:
        stmt = stmt.with_for_update()
    company = session.scalars(stmt).one_or_none()
    if company is None:
        raise NotFound("기업 정보를 찾을 수 없습니다.")
    check_company_access(actor, company.id, company.operator_id)
    return company


def check_company_access(actor: Actor, company_id: uuid.UUID, operator_id: uuid.UUID) -> None:
    """Refuse unless the actor may see this company: the agency, its own demand login, the
    operator of its jurisdiction (also for a company read as a row)."""
    if actor.role is Role.AGENCY:
        return
    if actor.role is Role.DEMAND and actor.company_id == company_id:
        return
    if actor.role is Role.OPERATOR and actor.operator_id == operator_id:
        return
    if actor.role is Role.OPERATOR:
        raise PermissionDenied("관할 운영기관이 아닌 기업은 조회하거나 처리할 수 없습니다.", code="jurisdiction")
    raise PermissionDenied("다른 기업의 정보는 볼 수 없습니다.", code="not_own")
