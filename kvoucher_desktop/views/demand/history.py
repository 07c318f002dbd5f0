"""회원정보 수정이력: every change of the company's information and documents (SPEC §3)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ...services.changes import Changes, Entity
from ...services.dto import ChangeView
from ..tasks import touched
from ..widgets.busy import page_head
from ..widgets.company_values import ChangeTableModel
from ..widgets.tables import make_table


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
        if actor is None:
            return
        self._company_id = actor.company_id

        def done(changes: list[ChangeView]) -> None:
            self.model.set_rows(changes)
            self.empty.setVisible(not changes)

        self.ctx.query(lambda: self.ctx.services.companies.history(actor), parent=self, key="history") \
            .busy(text=self.tr("수정이력을 불러오는 중…")).success(done).run()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if self._company_id is not None and touched(changes, Entity.COMPANY, self._company_id):
            self.refresh()
