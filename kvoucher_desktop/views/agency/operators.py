"""운영기관 관리: the agency keeps the list of operating agencies (name, region, contact)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...services.dto import OperatorView
from ..widgets.busy import page_head
from ..widgets.common import ErrorLabel
from ..widgets.forms import FieldErrors
from ..widgets.tables import ALIGN_CENTER, Column, RowTableModel, make_table

INACTIVE = QColor("#9aa5b1")


class OperatorTableModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__([], parent=parent)
        self._columns = [
            Column(self.tr("기관명"), lambda o: o.name, width=170),
            Column(self.tr("지역"), lambda o: o.region, ALIGN_CENTER, 60),
            Column(self.tr("연락처"), lambda o: o.phone, ALIGN_CENTER, 110),
            Column(self.tr("이메일"), lambda o: o.email, width=220),
            Column(self.tr("상태"), lambda o: self.tr("운영") if o.active else self.tr("중지"), ALIGN_CENTER, 56),
        ]

    def row_data(self, row: OperatorView, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return INACTIVE
        return None


class OperatorAdminPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.editing: OperatorView | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("운영기관 관리"))
        self.new_button = QPushButton(self.tr("운영기관 추가"))
        self.new_button.clicked.connect(self.new_operator)
        head.addWidget(self.new_button)
        layout.addLayout(head)
        hint = QLabel(self.tr("수요기업은 가입할 때 운영 중인 기관 가운데 하나를 고릅니다. 운영을 중지한 기관은 "
                              "새 가입자에게 보이지 않지만, 이미 배정된 기업의 심사는 계속합니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = OperatorTableModel(self)
        self.table = make_table(self.model, stretch=3)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        splitter.addWidget(self.table)

        self.editor = QGroupBox(self.tr("운영기관 추가"))
        form = QFormLayout(self.editor)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("예: 서울지역 운영기관"))
        self.region_edit = QLineEdit()
        self.region_edit.setPlaceholderText(self.tr("예: 서울"))
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("02-1234-5678")
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("voucher@operator.example.kr")
        self.active = QCheckBox(self.tr("운영 중 (가입 시 선택 가능)"))
        self.active.setChecked(True)
        form.addRow(self.tr("기관명"), self.name_edit)
        form.addRow(self.tr("관할 지역"), self.region_edit)
        form.addRow(self.tr("연락처"), self.phone_edit)
        form.addRow(self.tr("이메일"), self.email_edit)
        form.addRow("", self.active)
        self.error = ErrorLabel()
        form.addRow(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton(self.tr("저장"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        form.addRow(row)
        self.errors = FieldErrors(self.error, {"name": self.name_edit, "region": self.region_edit,
                                               "phone": self.phone_edit, "email": self.email_edit})
        splitter.addWidget(self.editor)
        splitter.setSizes([680, 400])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

    def refresh(self, select: uuid.UUID | None = None) -> None:
        programme = self.ctx.services.programme

        def done(rows: list[OperatorView]) -> None:
            self.model.set_rows(rows)
            if select is not None and self.model.position_of(select) is not None:
                self.table.selectRow(self.model.position_of(select))

        self.ctx.query(lambda: programme.operators(include_inactive=True), parent=self) \
            .busy(text=self.tr("운영기관을 불러오는 중…")).success(done).after(self._update_buttons).run()
        self._update_buttons()

    def _current_changed(self, current, _previous) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None:
            self.edit(row)

    def edit(self, operator: OperatorView) -> None:
        self.editing = operator
        self.editor.setTitle(self.tr("운영기관 정보 수정"))
        self.name_edit.setText(operator.name)
        self.region_edit.setText(operator.region)
        self.phone_edit.setText(operator.phone)
        self.email_edit.setText(operator.email)
        self.active.setChecked(operator.active)
        self.errors.clear()

    def new_operator(self) -> None:
        self.editing = None
        self.table.clearSelection()
        self.editor.setTitle(self.tr("운영기관 추가"))
        for edit in (self.name_edit, self.region_edit, self.phone_edit, self.email_edit):
            edit.clear()
        self.active.setChecked(True)
        self.errors.clear()
        self.name_edit.setFocus()

    def save(self) -> None:
        self.errors.clear()
        actor = self.ctx.actor
        programme = self.ctx.services.programme
        values = dict(name=self.name_edit.text(), region=self.region_edit.text(), phone=self.phone_edit.text(),
                      email=self.email_edit.text(), active=self.active.isChecked(),
                      operator_id=self.editing.id if self.editing else None)

        def done(saved: OperatorView) -> None:
            self.editing = saved
            self.editor.setTitle(self.tr("운영기관 정보 수정"))
            self.refresh(select=saved.id)
            self.ctx.show_success(self.tr("'{name}' 운영기관 정보를 저장했습니다.").format(name=saved.name))

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: programme.save_operator(actor, **values), parent=self) \
            .busy(text=self.tr("저장하는 중…")).success(done).failure(failed).after(self._update_buttons).run()
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        self.save_button.setEnabled(idle)
        self.new_button.setEnabled(idle)
