"""A statistic as the page shows it: the same `exports.Table` the XLSX export writes, in a read-only
table model (numbers right-aligned with thousands separators, money in 원, the totals rows bold)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from datetime import date

from ...services.exports import ColumnKind, Table

_NUMBERS = (ColumnKind.COUNT, ColumnKind.KRW, ColumnKind.PERCENT, ColumnKind.SCORE)


def cell_text(value, kind: ColumnKind) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and kind is ColumnKind.COUNT:
        return f"{value:,}"
    if isinstance(value, int) and kind is ColumnKind.KRW:
        return f"{value:,}원"
    if isinstance(value, float) and kind is ColumnKind.SCORE:
        return f"{value:.2f}"
    if isinstance(value, float) and kind is ColumnKind.PERCENT:
        return f"{value * 100:.1f}%"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class ExportTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: Table | None = None
        self._rows: list[tuple] = []
        self._first_total = 0

    def set_table(self, table: Table | None) -> None:
        """`table.rows` a sequence (read again on export), not a generator."""
        self.beginResetModel()
        self.table = table
        self._rows = [] if table is None else list(table.rows)
        self._first_total = len(self._rows)
        if table is not None:
            self._rows += list(table.totals_rows())
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.table is None else len(self.table.columns)

    def _is_totals(self, row: int) -> bool:
        return row >= self._first_total

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.table is None:
            return None
        kind = self.table.columns[index.column()].kind
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(self._rows[index.row()][index.column()], kind)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if kind in _NUMBERS else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self._is_totals(index.row()):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or self.table is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.table.columns[section].header
        return None
