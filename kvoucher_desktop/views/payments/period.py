"""The period filter of the payment lists: two dates with calendar pop-ups and 조회.

The default is the last three months up to today (KST, the services' clock): what a company
looks back on most, and short enough that the counts and totals answer at once; the programme
year is one change of the first date away."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...services.clock import kst_date
from ..widgets.common import ErrorLabel
from ..widgets.wide_digits import date_field, day_of

DEFAULT_MONTHS = 3


def default_period(today: date) -> tuple[date, date]:
    start = QDate(today.year, today.month, today.day).addMonths(-DEFAULT_MONTHS).addDays(1)
    return date(start.year(), start.month(), start.day()), today


class PeriodBar(QWidget):
    """기간 [start] ~ [end] [조회]; `searched(start, end)` when 조회 is pressed with a valid period.

    `period()` is the period last applied (조회), not what the fields show meanwhile: the lists,
    counts and totals of a page always speak of one period. An end before the start is refused
    here, beside the fields, and the page keeps the last period's results; the message goes with
    the next valid 조회."""

    searched = Signal(object, object)

    def __init__(self, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        row = QHBoxLayout()
        outer.addLayout(row)
        label = QLabel(self.tr("기간"), self)
        self.start_edit, self.end_edit = date_field(parent=self), date_field(parent=self)
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
        self.error = ErrorLabel(self)
        outer.addWidget(self.error)
        self._applied = default_period(today)
        self.set_period(*self._applied)

    def set_period(self, start: date, end: date) -> None:
        """Show and apply a period (no `searched`: the page loads it when it is ready)."""
        self.start_edit.setDate(QDate(start.year, start.month, start.day))
        self.end_edit.setDate(QDate(end.year, end.month, end.day))
        self._applied = (start, end)

    def shown_period(self) -> tuple[date, date]:
        return day_of(self.start_edit), day_of(self.end_edit)

    def period(self) -> tuple[date, date]:
        return self._applied

    def _search(self) -> None:
        start, end = self.shown_period()
        if end < start:
            self.error.show_message(self.tr("종료일이 시작일보다 앞섭니다. 기간을 고친 뒤 다시 조회해 주세요. "
                                            "목록은 앞서 조회한 기간 그대로입니다."))
            self.end_edit.setFocus()
            return
        self.error.clear_message()
        self._applied = (start, end)
        self.searched.emit(start, end)


def today_of(ctx) -> date:
    return kst_date(ctx.services.clock.now())
