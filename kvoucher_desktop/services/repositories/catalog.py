"""Catalog services as the use cases of several areas load them (a deal starts on one, the
catalog shows one): visibility to the actor is checked here, once."""

from __future__ import annotations

import uuid

from ...enums import Role
from ...models import Service
from ..dto import Actor
from ..errors import NotFound, PermissionDenied
from ..guards import require_role
from . import Repository


def may_see_hidden(actor: Actor | None, sv: Service) -> bool:
    """The agency and the owning supplier see a service that is hidden (by its supplier or the agency)."""
    if actor is None:
        return False
    return actor.role is Role.AGENCY or (actor.role is Role.SUPPLIER and actor.supplier_id == sv.supplier_id)


class ServiceRepository(Repository):
    def load(self, actor: Actor | None, service_id: uuid.UUID) -> Service:
        """The service as `actor` may see it; NotFound when it is missing or hidden from the actor."""
        sv = self.session.get(Service, service_id)
        if sv is None or ((sv.hidden or sv.hidden_by_agency) and not may_see_hidden(actor, sv)):
            raise NotFound("서비스를 찾을 수 없습니다. 공급기업이 서비스를 내렸을 수 있습니다.")
        return sv

    def own(self, actor: Actor, service_id: uuid.UUID) -> Service:
        """One of the supplier's own services, for editing; refused for anybody else's."""
        require_role(actor, Role.SUPPLIER)
        sv = self.session.get(Service, service_id)
        if sv is None:
            raise NotFound("서비스를 찾을 수 없습니다.")
        if sv.supplier_id != actor.supplier_id:
            raise PermissionDenied("다른 공급기업의 서비스는 수정할 수 없습니다.", code="not_own")
        return sv
