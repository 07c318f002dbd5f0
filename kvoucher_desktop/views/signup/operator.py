"""Step 6 — 운영기관 선택: the regional operating agency that will screen the company."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ...services.signup import SignupForm
from .base import StepPage, hint, notice


class OperatorPage(StepPage):
    step = "operator"

    def __init__(self, ctx, form: SignupForm, parent=None):
        super().__init__(ctx, form, parent)
        self.set_heading(self.tr("운영기관 선택"),
                         self.tr("가입 심사를 맡을 운영기관을 선택해 주세요."))
        self.operators = []
        self._loaded = False

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("운영기관"), self.tr("지역"), self.tr("전화번호"), self.tr("이메일")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(260)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.chosen_label = hint()

        self.body_layout.addWidget(notice(self.tr(
            "운영기관마다 차이는 없으므로 원하시는 곳을 선택하여 진행하시면 됩니다.")))
        self.body_layout.addWidget(self.table, 1)
        self.body_layout.addWidget(self.chosen_label)
        self.bind("operator_id", self.table)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        if self._loaded:
            return
        try:
            self.operators = self.ctx.services.programme.operators()
        except Exception as exc:  # noqa: BLE001
            self.show_exception(exc)
            return
        self._loaded = True
        self.table.setRowCount(len(self.operators))
        for r, op in enumerate(self.operators):
            for c, text in enumerate((op.name, op.region, op.phone, op.email)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(op.id))
                self.table.setItem(r, c, item)

    def select_operator(self, operator_id: uuid.UUID) -> None:
        for r, op in enumerate(self.operators):
            if op.id == operator_id:
                self.table.selectRow(r)
                return

    def selected_operator(self):
        rows = self.table.selectionModel().selectedRows()
        return self.operators[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        op = self.selected_operator()
        if op is None:
            self.chosen_label.setText(self.tr("선택한 운영기관이 없습니다."))
        else:
            self.chosen_label.setText(self.tr("선택한 운영기관: {name} ({region}, {phone})").format(
                name=op.name, region=op.region, phone=op.phone))
            self._unmark(self.table)

    def save(self, form: SignupForm) -> None:
        op = self.selected_operator()
        form.operator_id = op.id if op else None
