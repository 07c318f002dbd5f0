"""The period filter of the payment lists: two dates with calendar pop-ups and 조회.

The default is the last three months up to today (KST, the services' clock): what a company
looks back on most, and short enough that the counts and totals answer at once; the programme
year is one change of the first date away."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from ...services.clock import kst_date

DEFAULT_MONTHS = 3


def _date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumWidth(130)
    return edit


def default_period(today: date) -> tuple[date, date]:
    start = QDate(today.year, today.month, today.day).addMonths(-DEFAULT_MONTHS).addDays(1)
    return date(start.year(), start.month(), start.day()), today


class PeriodBar(QWidget):
    """기간 [start] ~ [end] [조회]; `searched(start, end)` when 조회 is pressed."""

    searched = Signal(object, object)

    def __init__(self, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("기간"), self)
        self.start_edit, self.end_edit = _date_edit(self), _date_edit(self)
        self.start_edit.setAccessibleName(self.tr("조회 시작일"))
        self.end_edit.setAccessibleName(self.tr("조회 종료일"))
        label.setBuddy(self.start_edit)
        self.search_button = QPushButton(self.tr("조회"), self)
        self.search_button.setObjectName("primary")
        self.search_button.clicked.connect(self._search)
        note = QLabel(self.tr("결제일(한국시간) 기준, 시작일과 종료일 포함"), self)
        note.setObjectName("hint")
        row.addWidget(label)
        row.addWidget(self.start_edit)
        row.addWidget(QLabel("~", self))
        row.addWidget(self.end_edit)
        row.addWidget(self.search_button)
        row.addSpacing(8)
        row.addWidget(note)
        row.addStretch(1)
        self.set_period(*default_period(today))

    def set_period(self, start: date, end: date) -> None:
        self.start_edit.setDate(QDate(start.year, start.month, start.day))
        self.end_edit.setDate(QDate(end.year, end.month, end.day))

    def period(self) -> tuple[date, date]:
        s, e = self.start_edit.date(), self.end_edit.date()
        return date(s.year(), s.month(), s.day()), date(e.year(), e.month(), e.day())

    def _search(self) -> None:
        self.searched.emit(*self.period())


def today_of(ctx) -> date:
    return kst_date(ctx.services.clock.now())
