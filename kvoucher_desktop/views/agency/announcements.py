"""사업공고 관리: the agency lists, writes, edits, pins and deletes announcements."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...services.clock import format_kst
from ...services.dto import AnnouncementView
from ..widgets.busy import page_head
from ..widgets.common import ErrorLabel
from ..widgets.dialogs import ask_yes_no
from ..widgets.forms import FieldErrors
from ..widgets.tables import ALIGN_CENTER, Column, RowTableModel, make_table


class AnnouncementAdminPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.editing: AnnouncementView | None = None
        self.pending_dialog = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("사업공고 관리"))
        self.new_button = QPushButton(self.tr("새 공고 쓰기"))
        self.new_button.clicked.connect(self.new_announcement)
        head.addWidget(self.new_button)
        layout.addLayout(head)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = RowTableModel([
            Column(self.tr("고정"), lambda a: self.tr("고정") if a.pinned else "", ALIGN_CENTER, 50),
            Column(self.tr("제목"), lambda a: a.title, width=300, tooltip=lambda a: a.title),
            Column(self.tr("게시일시"), lambda a: format_kst(a.posted_at), ALIGN_CENTER, 130),
        ], parent=self)
        self.table = make_table(self.model, stretch=1)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        splitter.addWidget(self.table)

        self.editor = QGroupBox(self.tr("새 공고"))
        form = QFormLayout(self.editor)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        self.title_edit.setPlaceholderText(self.tr("예: [공고] 2021년 비대면 서비스 바우처 사업 수요기업 모집"))
        self.body_edit = QPlainTextEdit()
        self.body_edit.setMinimumHeight(240)
        self.pinned = QCheckBox(self.tr("목록 맨 위에 고정"))
        form.addRow(self.tr("제목"), self.title_edit)
        form.addRow(self.tr("내용"), self.body_edit)
        form.addRow("", self.pinned)
        self.error = ErrorLabel()
        form.addRow(self.error)
        buttons = QHBoxLayout()
        self.delete_button = QPushButton(self.tr("삭제"))
        self.delete_button.setObjectName("danger")
        self.delete_button.clicked.connect(self.delete_current)
        self.save_button = QPushButton(self.tr("저장"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.errors = FieldErrors(self.error, {"title": self.title_edit, "body": self.body_edit})
        splitter.addWidget(self.editor)
        splitter.setSizes([560, 520])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    # --- data --------------------------------------------------------------------------------
    def refresh(self, select: uuid.UUID | None = None) -> None:
        programme = self.ctx.services.programme

        def done(rows: list[AnnouncementView]) -> None:
            self.model.set_rows(rows)
            if select is not None and self.model.position_of(select) is not None:
                self.table.selectRow(self.model.position_of(select))

        self.ctx.query(programme.announcements, parent=self).busy(text=self.tr("공고를 불러오는 중…")).success(done) \
            .after(self._update_buttons).run()
        self._update_buttons()

    def _current_changed(self, current, _previous) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None:
            self.edit(row)

    def edit(self, announcement: AnnouncementView) -> None:
        self.editing = announcement
        self.editor.setTitle(self.tr("공고 수정"))
        self.title_edit.setText(announcement.title)
        self.body_edit.setPlainText(announcement.body)
        self.pinned.setChecked(announcement.pinned)
        self.errors.clear()
        self._update_buttons()

    def new_announcement(self) -> None:
        self.editing = None
        self.table.clearSelection()
        self.editor.setTitle(self.tr("새 공고"))
        self.title_edit.clear()
        self.body_edit.clear()
        self.pinned.setChecked(False)
        self.errors.clear()
        self.title_edit.setFocus()
        self._update_buttons()

    def save(self) -> None:
        self.errors.clear()
        actor = self.ctx.actor
        programme = self.ctx.services.programme
        title, body, pinned = self.title_edit.text(), self.body_edit.toPlainText(), self.pinned.isChecked()
        announcement_id = self.editing.id if self.editing else None

        def done(saved: AnnouncementView) -> None:
            self.editing = saved
            self.editor.setTitle(self.tr("공고 수정"))
            self.refresh(select=saved.id)
            self.ctx.show_success(self.tr("'{title}' 공고를 저장했습니다.").format(title=saved.title))

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: programme.save_announcement(actor, title=title, body=body, pinned=pinned,
                                                     announcement_id=announcement_id), parent=self) \
            .busy(text=self.tr("저장하는 중…")).success(done).failure(failed).after(self._update_buttons).run()
        self._update_buttons()

    def delete_current(self) -> None:
        target = self.editing
        if target is None:
            return
        self.pending_dialog = ask_yes_no(
            self, self.tr("공고 삭제"),
            self.tr("'{title}' 공고를 삭제할까요?\n삭제한 공고는 되돌릴 수 없습니다.").format(title=target.title),
            self.tr("삭제"), lambda: self._delete(target), danger=True)

    def _delete(self, target: AnnouncementView) -> None:
        self.pending_dialog = None
        actor = self.ctx.actor
        programme = self.ctx.services.programme

        def done(_result) -> None:
            self.new_announcement()
            self.refresh()
            self.ctx.show_success(self.tr("'{title}' 공고를 삭제했습니다.").format(title=target.title))

        self.ctx.op(lambda: programme.delete_announcement(actor, target.id), parent=self) \
            .busy(text=self.tr("삭제하는 중…")).success(done).after(self._update_buttons).run()
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        self.save_button.setEnabled(idle)
        self.delete_button.setEnabled(idle and self.editing is not None)
        self.new_button.setEnabled(idle)
