"""What several view packages show of a company (screening, budget confirmation, the company's own
pages): its type, a screening transition, the tint of a change after confirmation, and the table
of its information changes."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor

from ...enums import CompanyType, ScreeningStatus
from ...services.clock import format_kst
from ...services.dto import ChangeView
from ...services.rules.screening import STATUS_LABELS
from .tables import ALIGN_CENTER, Column, RowTableModel

#: a row changed after confirmation (the operator is told)
CHANGED_BACKGROUND = QColor("#fff1c7")
CHANGED_FOREGROUND = QColor("#9a3412")


def company_type_label(company_type: CompanyType) -> str:
    if company_type is CompanyType.CORPORATION:
        return QCoreApplication.translate("CompanyType", "법인")
    return QCoreApplication.translate("CompanyType", "개인")


def transition_text(from_status: ScreeningStatus | None, to_status: ScreeningStatus) -> str:
    before = STATUS_LABELS[from_status] if from_status is not None else "—"
    return f"{before} → {STATUS_LABELS[to_status]}"


class ChangeTableModel(RowTableModel):
    """ChangeView rows; changes made after confirmation are tinted (the operator is told)."""

    AFTER_CONFIRMATION = QColor("#fff7e0")

    def __init__(self, parent=None, *, show_marker: bool = True):
        super().__init__([], key=lambda c: (c.field, c.changed_at, c.new_value), parent=parent)
        columns = [
            Column(self.tr("항목"), lambda c: c.field_label, width=150),
            Column(self.tr("이전 값"), lambda c: c.old_value, width=220, tooltip=lambda c: c.old_value),
            Column(self.tr("변경 값"), lambda c: c.new_value, width=220, tooltip=lambda c: c.new_value),
            Column(self.tr("변경자"), lambda c: c.changed_by_name, width=150),
            Column(self.tr("변경 시각(한국시간)"), lambda c: format_kst(c.changed_at), ALIGN_CENTER, 140),
        ]
        if show_marker:
            columns.append(Column(self.tr("비고"), self._marker, ALIGN_CENTER, 120))
        self._columns = columns

    def _marker(self, change: ChangeView) -> str:
        return self.tr("심사확정 후 변경") if change.after_confirmation else ""

    def row_data(self, row: ChangeView, column: int, role: int):
        if role == Qt.ItemDataRole.BackgroundRole and row.after_confirmation:
            return self.AFTER_CONFIRMATION
        return None
