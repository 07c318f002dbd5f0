"""Step 6 — 운영기관 선택: the regional operating agency that will screen the company.

The list is read in the background once: the wizard starts it when it opens (`load`); if that
failed, opening the page tries again."""

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
        self._loading = False

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
        self.load()

    def load(self) -> None:
        """Read the operating agencies in the background (once)."""
        if self._loaded or self._loading:
            return
        self._loading = True
        self.run(self.ctx.services.programme.operators, self._operators_loaded, self._operators_failed,
                 busy_text=self.tr("운영기관 목록을 불러오고 있습니다…"))

    @property
    def loaded(self) -> bool:
        return self._loaded

    def _operators_loaded(self, operators) -> None:
        self._loading = False
        self._loaded = True
        self.operators = list(operators)
        self.table.setRowCount(len(self.operators))
        for r, op in enumerate(self.operators):
            for c, text in enumerate((op.name, op.region, op.phone, op.email)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(op.id))
                self.table.setItem(r, c, item)

    def _operators_failed(self, exc: BaseException) -> None:
        self._loading = False
        wiz = self.wizard()
        if wiz is not None and wiz.currentPage() is self:
            self.show_exception(exc)
        # otherwise opening the page tries again

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
            self.field_changed(self.table)

    def save(self, form: SignupForm) -> None:
        op = self.selected_operator()
        form.operator_id = op.id if op else None
