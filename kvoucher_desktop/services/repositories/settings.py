"""The programme settings in force (SPEC §4), as every area reads them."""

from __future__ import annotations

from sqlalchemy import select

from ...models import ProgrammeSettings
from ..errors import NotFound
from . import Repository
from .rows import read_one

#: the current programme year, as lists and counts read it (a row, no ORM object)
_CURRENT_YEAR = select(ProgrammeSettings.year).where(ProgrammeSettings.is_current.is_(True)).limit(1)


def current_year(connection) -> int:
    """The current programme year on `connection` (what `year=None` means to lists and counts)."""
    row = read_one(connection, _CURRENT_YEAR)
    if row is None:
        raise NotFound("사업 설정이 없습니다. 전문기관에 문의해 주세요.")
    return row[0]


def current_settings(session) -> ProgrammeSettings:
    """The current programme settings row of `session` (for code that holds only a session)."""
    p = session.scalars(select(ProgrammeSettings).where(ProgrammeSettings.is_current.is_(True))).first()
    if p is None:
        raise NotFound("사업 설정이 없습니다. 전문기관에 문의해 주세요.")
    return p


class SettingsRepository(Repository):
    def current(self) -> ProgrammeSettings:
        """The programme settings in force; NotFound (with a Korean message) on an unseeded store."""
        return current_settings(self.session)
