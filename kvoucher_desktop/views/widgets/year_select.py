"""The programme-year selector of the dashboards and counts (SPEC §4: lists show the current year by
default). The years come from the store off the GUI thread; the current one is first and chosen
until the user picks another; a new year (다음 연도 열기, from any desk) is offered on the next load."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from ...services.changes import Changes, Entity
from .busy import reload_button


class YearSelector(QComboBox):
    #: the chosen year (an int), when the user changes it
    year_changed = Signal(int)

    def __init__(self, ctx: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._current: int | None = None
        self.setToolTip(self.tr("사업연도"))
        self.setMinimumContentsLength(10)
        self.currentIndexChanged.connect(self._changed)
        self._filling = False

    def year(self) -> int | None:
        """The chosen year; None before the years arrived (the services' default: the current one)."""
        data = self.currentData()
        return int(data) if data is not None else None

    def load(self) -> None:
        programme = self.ctx.services.programme
        self.ctx.query(lambda: (programme.years(), programme.settings().year), parent=self, key="years") \
            .quiet().success(lambda result: self.show_years(*result)).failure(lambda _e: None).run()

    def show_years(self, years: tuple[int, ...], current: int) -> None:
        """Fill the list; a year chosen before stays chosen, else the current one. A newly opened
        current year is chosen (and announced) when the user was on the previous current one."""
        chosen = self.year()
        follow = chosen is None or chosen == self._current
        self._filling = True
        try:
            self.clear()
            for y in years:
                self.addItem(self.tr("{year}년 (현재)").format(year=y) if y == current else
                             self.tr("{year}년").format(year=y), y)
            target = current if follow or chosen not in years else chosen
            self.setCurrentIndex(max(0, self.findData(target)))
        finally:
            self._filling = False
        changed = self._current is not None and follow and current != self._current
        self._current = current
        if changed:
            self.year_changed.emit(current)

    def follow(self, changes: Changes) -> None:
        """A page's data changed: a year opened (SETTINGS) is offered, and followed from the current one."""
        if changes.touches(Entity.SETTINGS):
            self.load()

    def select(self, year: int) -> None:
        """Choose `year` as the user would (emits year_changed)."""
        self.setCurrentIndex(self.findData(year))

    def _changed(self, _index: int) -> None:
        if not self._filling and self.year() is not None:
            self.year_changed.emit(self.year())


def year_and_reload(page: Any, head: QHBoxLayout, on_year: Callable[[], None],
                    on_reload: Callable[[], None]) -> tuple[YearSelector, QPushButton]:
    """The year selector and 새로 고침 at the end of a page's head row (the dashboards, 예산확정,
    통계): a year the user picks calls `on_year`, the button `on_reload`."""
    selector = YearSelector(page.ctx, page)
    selector.year_changed.connect(lambda _year: on_year())
    head.addWidget(selector)
    return selector, reload_button(head, on_reload)
