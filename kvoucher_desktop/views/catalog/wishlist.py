"""찜한 서비스: a demand company's saved services, newest first; open one or take it off the list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from ...services.rules.korean import particle
from ..widgets.busy import page_head
from ...services.changes import Changes, Entity
from ..tasks import from_self
from ..widgets.tables import make_table, selected_row, set_rows_keeping_selection
from .models import ServiceListModel


class WishlistPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._loaded = False
        self.model = ServiceListModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("찜한 서비스"))
        layout.addLayout(head)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        layout.addWidget(self.count_label)

        self.stack = QStackedWidget()
        self.table = make_table(self.model, stretch=-1)
        self.table.activated.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.stack.addWidget(self.table)
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        self.empty = QLabel(self.tr("찜한 서비스가 없습니다.\n서비스 검색에서 마음에 드는 서비스를 찾아 '찜하기'를 눌러 두세요."))
        self.empty.setObjectName("hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_layout.addWidget(self.empty)
        go = QPushButton(self.tr("서비스 검색으로"))
        go.clicked.connect(lambda: self.ctx.navigate("catalog"))
        empty_layout.addWidget(go, 0, Qt.AlignmentFlag.AlignCenter)
        empty_layout.addStretch(2)
        self.stack.addWidget(empty)
        layout.addWidget(self.stack, 1)

        actions = QHBoxLayout()
        actions.addStretch(1)
        self.remove_button = QPushButton(self.tr("찜 해제"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.open_button = QPushButton(self.tr("상세보기"))
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self.open_selected)
        actions.addWidget(self.remove_button)
        actions.addWidget(self.open_button)
        layout.addLayout(actions)
        self._update_buttons()

    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        actor, catalog = self.ctx.actor, self.ctx.services.catalog
        if actor is None:
            return
        def done(rows) -> None:
            self._loaded = True
            set_rows_keeping_selection(self.table, rows)
            self._update_view()

        self.ctx.query(lambda: catalog.wishlist(actor), parent=self, key="list").success(done).run()

    def _update_view(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(self.tr("{n}개의 서비스를 찜해 두었습니다.").format(n=f"{n:,}") if n else "")
        self.stack.setCurrentIndex(0 if n else 1)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = selected_row(self.table) is not None
        self.open_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def open_selected(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self.ctx.navigate("service_detail", service_id=row.id)

    def remove_selected(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        actor, catalog = self.ctx.actor, self.ctx.services.catalog
        self.remove_button.setEnabled(False)

        def done(_wished) -> None:
            self.model.remove_keys([row.id])
            self._update_view()
            self.ctx.show_success(self.tr("'{name}'{eul} 찜한 서비스에서 뺐습니다.")
                                  .format(name=row.name, eul=particle(row.name, "을")))

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: catalog.set_wished(actor, row.id, False), parent=self) \
            .quiet().success(done).failure(failed).run()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if from_self(self, initiator) or not self._loaded:
            return
        services = changes.ids(Entity.SERVICE)
        if changes.touches(Entity.WISH, Entity.CATEGORY, Entity.SUPPLIER) or (changes.touches(Entity.SERVICE) and (
                not services or any(self.model.position_of(i) is not None for i in services))):
            self.reload()
