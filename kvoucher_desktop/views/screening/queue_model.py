"""The screening queue: CompanyRow pages from ScreeningService.list_companies (keyset)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from ...enums import ScreeningStatus
from ...services.clock import format_kst, to_kst
from ...services.dto import CompanyRow, CompanyView
from ...services.rules.numbers import format_business_no
from ...services.rules.screening import STATUS_LABELS
from ...services.screening import PAGE_SIZE
from ..widgets.common import STATUS_COLOURS
from ..widgets.tables import ALIGN_CENTER, Column, KeysetTableModel

from ..widgets.company_values import CHANGED_BACKGROUND, CHANGED_FOREGROUND, company_type_label


def row_from_view(view: CompanyView) -> CompanyRow:
    """The dashboard row of a company a service call just returned (for in-place updates)."""
    return CompanyRow(
        id=view.id, name=view.info.name, business_no=view.business_no, company_type=view.company_type,
        representative_name=view.info.representative_name, operator_name=view.operator.name,
        status=view.status, submitted_at=view.submitted_at, status_changed_at=view.status_changed_at,
        changed_after_confirm=view.changed_after_confirm_at is not None,
    )


def short_kst(moment) -> str:
    """MM-DD HH:MM in Korean time: a programme year fits, and the table stays narrow."""
    return to_kst(moment).strftime("%m-%d %H:%M") if moment else ""


class ScreeningQueueModel(KeysetTableModel):
    """Companies of the actor's jurisdiction, newest submission first, paged in the background.

    Rows edited after confirmation carry a "수정됨" marker and a tinted background.
    """

    MARKER_COLUMN = 1

    def __init__(self, ctx, *, show_operator: bool, page_size: int = PAGE_SIZE, parent: QObject | None = None):
        super().__init__(ctx, [], parent=parent)
        self.page_size = page_size
        columns = [
            Column(self.tr("상태"), lambda r: STATUS_LABELS[r.status], ALIGN_CENTER, 66),
            Column(self.tr("수정"), self._marker, ALIGN_CENTER, 54),
            Column(self.tr("기업명"), lambda r: r.name, width=200, tooltip=lambda r: r.name),
            Column(self.tr("사업자등록번호"), lambda r: format_business_no(r.business_no), ALIGN_CENTER, 112),
            Column(self.tr("형태"), lambda r: company_type_label(r.company_type), ALIGN_CENTER, 44),
            Column(self.tr("대표자"), lambda r: r.representative_name, ALIGN_CENTER, 70),
        ]
        if show_operator:
            columns.append(Column(self.tr("운영기관"), lambda r: r.operator_name, width=112,
                                  tooltip=lambda r: r.operator_name))
        columns += [
            Column(self.tr("신청일시"), lambda r: short_kst(r.submitted_at), ALIGN_CENTER, 96,
                   tooltip=lambda r: format_kst(r.submitted_at, seconds=True)),
            Column(self.tr("상태 변경"), lambda r: short_kst(r.status_changed_at), ALIGN_CENTER, 96,
                   tooltip=lambda r: format_kst(r.status_changed_at, seconds=True)),
        ]
        self._columns = columns
        self.filters: dict = {"status": None, "query": "", "changed_only": False}

    def _marker(self, row: CompanyRow) -> str:
        return self.tr("수정됨") if row.changed_after_confirm else ""

    def set_filters(self, *, status: ScreeningStatus | None = None, query: str = "",
                    changed_only: bool = False, year: int | None = None) -> None:
        """Start over with these filters (first page fetched in the background); `year`: the
        programme year (None: the current one)."""
        self.filters = {"status": status, "query": query.strip(), "changed_only": changed_only, "year": year}
        actor = self._ctx.actor
        screening = self._ctx.services.screening
        filters, limit = dict(self.filters), self.page_size

        def fetch(cursor):
            return screening.list_companies(actor, cursor=cursor, limit=limit, **filters)

        self.set_source(fetch)

    def row_data(self, row: CompanyRow, column: int, role: int):
        if role == Qt.ItemDataRole.BackgroundRole and row.changed_after_confirm:
            return CHANGED_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 0:
                return QColor(STATUS_COLOURS[row.status][0])
            if column == self.MARKER_COLUMN and row.changed_after_confirm:
                return CHANGED_FOREGROUND
        if role == Qt.ItemDataRole.FontRole and column in (0, self.MARKER_COLUMN):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and row.changed_after_confirm:
            return self.tr("심사확정 후 기업이 정보를 수정했습니다. 상세에서 수정 이력을 확인하세요.")
        return None
