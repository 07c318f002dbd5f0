"""회원정보 수정이력: every change of the company's information and documents (SPEC §3)."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ...services.clock import format_kst
from ...services.dto import ChangeView
from ..widgets.busy import page_head
from ..widgets.tables import ALIGN_CENTER, Column, RowTableModel, make_table


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


class ChangeHistoryPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._company_id = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        head, self.busy = page_head(self.tr("회원정보 수정이력"))
        self.reload_button = QPushButton(self.tr("새로 고침"))
        self.reload_button.clicked.connect(self.refresh)
        head.addWidget(self.reload_button)
        layout.addLayout(head)
        hint = QLabel(self.tr("기업정보와 제출 서류를 바꾼 기록입니다. 최근 변경이 위에 있습니다. "
                              "심사확정 이후의 변경은 관할 운영기관에도 표시됩니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.model = ChangeTableModel(self)
        self.table = make_table(self.model, stretch=(1, 2))
        layout.addWidget(self.table, 1)
        self.empty = QLabel(self.tr("아직 수정한 기록이 없습니다."))
        self.empty.setObjectName("hint")
        self.empty.hide()
        layout.addWidget(self.empty)

    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None or self.busy.busy:
            return
        self._company_id = actor.company_id
        self.busy.start(self.tr("수정이력을 불러오는 중…"))

        def done(changes: list[ChangeView]) -> None:
            self.busy.stop()
            self.model.set_rows(changes)
            self.empty.setVisible(not changes)

        def failed(exc: BaseException) -> None:
            self.busy.stop()
            self.ctx.error(self, exc)

        self.ctx.run(self, lambda: self.ctx.services.companies.history(actor), done, failed)

    def on_data_changed(self, what: str, ids: tuple) -> None:
        if what == "company" and self._company_id in ids:
            self.refresh()
