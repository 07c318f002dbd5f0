"""What a use case changed: a typed value the views hear, never strings.

A mutating use case returns `Done(value, changes)`: its DTO (or None) beside the entities it
changed, by kind and id. `Done` is a named tuple, so `view, changes = service.act(...)` works,
and `.value` / `.changes` read one part. The background helper (views/tasks.py) hands `value`
to the page that asked and broadcasts `changes` to every open page, with the initiator.

Ids are the entity's own id (a UUID for rows, a code for settings-like entities). An entity
kind with an empty id set means "some rows of this kind changed; reload the list".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Entity(str, Enum):
    """The kinds of things a page can show and a use case can change."""

    ACCOUNT = "account"            # a login (user) row: created, locked, password changed
    COMPANY = "company"            # a demand or supplier company's record and screening state
    DOCUMENT = "document"          # a company's uploaded evidence document
    SUPPLIER = "supplier"          # a supplier company (공급기업) as the catalog knows it
    SERVICE = "service"            # a catalog service (등록 서비스)
    INQUIRY = "inquiry"            # a question on a service and its answer
    WISH = "wish"                  # a demand company's 관심 서비스 mark
    DEAL = "deal"                  # a deal in the 서비스 요청 inbox
    VOUCHER = "voucher"            # a company's voucher: budget, payment method, abandonment
    ANNOUNCEMENT = "announcement"  # a programme announcement (공고)
    OPERATOR = "operator"          # an operating agency (운영기관)
    CATEGORY = "category"          # a catalog category
    SETTINGS = "settings"          # the programme settings (one row)
    PARTICIPANT = "participant"    # the previous-participants list
    PAYMENT = "payment"            # a payment (issue 10)
    EVALUATION = "evaluation"      # an evaluation of a finished deal (issue 11)


class Changes(Mapping[Entity, frozenset]):
    """An immutable map from entity kind to the ids of that kind that changed."""

    __slots__ = ("_by_kind",)

    def __init__(self, by_kind: Mapping[Entity, Iterable[Any]] | None = None):
        self._by_kind: dict[Entity, frozenset] = {
            Entity(kind): frozenset(ids) for kind, ids in (by_kind or {}).items()}

    @classmethod
    def of(cls, kind: Entity, *ids: Any) -> "Changes":
        """Changes of one kind: `Changes.of(Entity.DEAL, deal.id)`."""
        return cls({kind: ids})

    def __getitem__(self, kind: Entity) -> frozenset:
        return self._by_kind[kind]

    def __iter__(self):
        return iter(self._by_kind)

    def __len__(self) -> int:
        return len(self._by_kind)

    def __or__(self, other: "Changes") -> "Changes":
        merged: dict[Entity, set] = {k: set(v) for k, v in self._by_kind.items()}
        for kind, ids in other.items():
            merged.setdefault(kind, set()).update(ids)
        return Changes(merged)

    def ids(self, kind: Entity) -> frozenset:
        """The changed ids of `kind` (empty when none of that kind changed, or "all of it")."""
        return self._by_kind.get(kind, frozenset())

    def touches(self, *kinds: Entity) -> bool:
        """True when any of `kinds` changed."""
        return any(kind in self._by_kind for kind in kinds)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Changes):
            return self._by_kind == other._by_kind
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._by_kind.items()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k.name}: {sorted(map(str, v))}" for k, v in self._by_kind.items())
        return f"Changes({{{inner}}})"


NO_CHANGES = Changes()


class Done(NamedTuple, Generic[T]):
    """What a mutating use case returns: its value (a DTO, a count or None) and what changed."""

    value: T
    changes: Changes
