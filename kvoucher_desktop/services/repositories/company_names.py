"""The company-name search index (`company_name_grams`): kept in step with the companies, and
asked which of a query's grams has the fewest entries (docs/decisions.md, "Company search")."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, literal, select, union_all

from ...models import Company, CompanyNameGram
from ..rules.search import name_grams
from . import Repository
from .rows import read_tuples

#: counting a gram's entries stops here: enough to tell a selective gram from a common one
COUNT_CAP = 2000


def gram_rows(company_id: uuid.UUID, name: str, operator_id: uuid.UUID, submitted_at: datetime) -> list[dict]:
    return [dict(company_id=company_id, gram=g, operator_id=operator_id, submitted_at=submitted_at)
            for g in sorted(name_grams(name))]


class CompanyNameIndex(Repository):
    def write(self, company: Company, *, replace: bool = False) -> None:
        """Index the company's current name (a new company; `replace`: after a name edit)."""
        if replace:
            self.session.execute(delete(CompanyNameGram).where(CompanyNameGram.company_id == company.id))
        rows = gram_rows(company.id, company.name, company.operator_id, company.submitted_at)
        if rows:
            self.session.execute(insert(CompanyNameGram), rows)

    def driving_gram(self, grams: set[str], operator_id: uuid.UUID | None) -> str | None:
        """The gram with the fewest entries in the scope (counted up to COUNT_CAP), or None when
        one of them has none at all (then no name can match)."""
        ordered = sorted(grams)
        if len(ordered) == 1:
            return ordered[0]
        params = {f"g{i}": gram for i, gram in enumerate(ordered)}
        if operator_id is not None:
            params["operator_id"] = operator_id
        counts = dict(read_tuples(self.session.connection(), _counts(len(ordered), operator_id is not None), params))
        i = min(range(len(ordered)), key=lambda k: (counts.get(k, 0), k))
        return ordered[i] if counts.get(i, 0) else None


@functools.lru_cache(maxsize=64)
def _counts(n: int, scoped: bool):
    """One statement counting the entries of n grams, each up to COUNT_CAP (built once per shape)."""
    parts = []
    for i in range(n):
        inner = select(literal(1).label("one")).where(CompanyNameGram.gram == bindparam(f"g{i}"))
        if scoped:
            inner = inner.where(CompanyNameGram.operator_id == bindparam("operator_id"))
        inner = inner.limit(COUNT_CAP).subquery()
        parts.append(select(literal(i).label("i"), select(func.count()).select_from(inner).scalar_subquery()
                            .label("n")))
    return union_all(*parts)
