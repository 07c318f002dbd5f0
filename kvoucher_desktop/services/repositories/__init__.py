"""Queries and locks that several areas share, reached through the unit of work.

Each area module (deals.py, vouchers.py, catalog.py, …) imports only rules, repositories,
dto, changes and errors, never another area module: what two use cases share lives here as
a method of a repository that `uow.<name>` hands out (`uow.deals.open_of(...)`,
`uow.budget.ledger(company_id)`, `uow.settings.current()`), cosmicpython's repositories.
A repository holds the unit of work's session and clock and nothing else.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..clock import Clock


class Repository:
    """Base: the session of one unit of work and its clock."""

    def __init__(self, session: Session, clock: Clock):
        self.session = session
        self.clock = clock
