"""서비스 문의 답변: the inquiries demand companies asked about the supplier's services.

Unanswered ones first; a filter shows only those. Selecting a row shows the whole question and
an answer editor (답변 등록, or 답변 수정 for an answered one). A refused answer stays in the
editor with the message; an unsent draft is kept per inquiry while the user looks at others.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...services.clock import format_kst
from ...services.dto import InquiryView
from ..widgets.busy import BusyIndicator, page_head
from ..widgets.common import ErrorLabel, title_label
from ...services.changes import Changes, Entity
from ..tasks import from_self
from ..widgets.forms import FieldErrors, set_read_only
from ..widgets.notice import NoticeBox
from ..widgets.tables import ALIGN_CENTER, Column, RowTableModel, make_table, selected_row

SUMMARY_CHARS = 60
WAITING_FOREGROUND = QColor("#c2410c")
DONE_FOREGROUND = QColor("#15803d")


def summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The question on one line, cut at `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class InquiriesModel(RowTableModel):
    def __init__(self, parent=None):
        super().__init__([], parent=parent)
        self._columns = [
            Column(self.tr("서비스"), lambda r: r.service_name, width=220, tooltip=lambda r: r.service_name),
            Column(self.tr("수요기업"), lambda r: r.company_name, width=170),
            Column(self.tr("문의 내용(요약)"), lambda r: summary(r.question), width=320,
                   tooltip=lambda r: r.question),
            Column(self.tr("문의일시"), lambda r: format_kst(r.asked_at), ALIGN_CENTER, 130),
            Column(self.tr("상태"), self.state_text, ALIGN_CENTER, 84),
        ]

    def state_text(self, r: InquiryView) -> str:
        return self.tr("답변완료") if r.answered_at is not None else self.tr("답변대기")

    def row_data(self, row: InquiryView, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            return DONE_FOREGROUND if row.answered_at is not None else WAITING_FOREGROUND
        return None


class SupplierInquiriesPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = InquiriesModel(self)
        self.current: InquiryView | None = None
        #: answers typed but not yet sent, by inquiry id (kept while the user looks at other rows)
        self.drafts: dict[uuid.UUID, str] = {}
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("서비스 문의 답변"))
        self.services_button = QPushButton(self.tr("← 서비스 관리"))
        self.services_button.clicked.connect(lambda: self.ctx.navigate("supplier_services"))
        self.reload_button = QPushButton(self.tr("새로 고침"))
        self.reload_button.clicked.connect(self.refresh)
        head.addWidget(self.services_button)
        head.addWidget(self.reload_button)
        layout.addLayout(head)

        bar = QHBoxLayout()
        self.filter_group = QButtonGroup(self)
        self.unanswered_radio = QRadioButton(self.tr("미답변만"))
        self.all_radio = QRadioButton(self.tr("전체"))
        self.all_radio.setChecked(True)
        for button in (self.unanswered_radio, self.all_radio):
            self.filter_group.addButton(button)
            bar.addWidget(button)
        self.unanswered_radio.toggled.connect(lambda _c: self.refresh())
        bar.addSpacing(16)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        hint = QLabel(self.tr("답변을 기다리는 문의가 위에 옵니다."))
        hint.setObjectName("hint")
        bar.addWidget(hint)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = make_table(self.model, stretch=2)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([330, 330])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        self.empty_notice = NoticeBox("info")
        self.empty_notice.hide()
        layout.addWidget(self.empty_notice)
        self.show_inquiry(None)

    def _build_detail(self) -> QWidget:
        self.detail = QFrame()
        self.detail.setObjectName("card")
        box = QVBoxLayout(self.detail)
        box.setContentsMargins(14, 10, 14, 10)
        self.detail_title = title_label("", level=2)
        self.detail_title.setWordWrap(True)
        self.detail_meta = QLabel()
        self.detail_meta.setObjectName("hint")
        self.detail_meta.setWordWrap(True)
        self.question = QPlainTextEdit()
        set_read_only(self.question)
        self.question.setMaximumHeight(110)
        self.question.setFrameShape(QFrame.Shape.NoFrame)
        self.question.setStyleSheet("QPlainTextEdit { background: #f8fafc; }")
        self.answer_meta = QLabel()
        self.answer_meta.setObjectName("hint")
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setPlaceholderText(self.tr("답변을 입력해 주세요. 문의한 수요기업에 그대로 보여집니다."))
        self.answer_edit.setMinimumHeight(80)
        self.answer_edit.setTabChangesFocus(True)
        self.answer_edit.textChanged.connect(self._update_buttons)
        self.error = ErrorLabel()
        self.errors = FieldErrors(self.error, {"answer": self.answer_edit})
        self.answer_busy = BusyIndicator()
        self.saved_label = QLabel()
        self.saved_label.setObjectName("hint")
        row = QHBoxLayout()
        row.addWidget(self.answer_busy)
        row.addWidget(self.saved_label)
        row.addStretch(1)
        self.answer_button = QPushButton(self.tr("답변 등록"))
        self.answer_button.setObjectName("primary")
        self.answer_button.clicked.connect(self.send_answer)
        row.addWidget(self.answer_button)
        box.addWidget(self.detail_title)
        box.addWidget(self.detail_meta)
        box.addWidget(self.question)
        box.addWidget(self.answer_meta)
        box.addWidget(self.answer_edit, 1)
        box.addWidget(self.error)
        box.addLayout(row)
        self.placeholder = QLabel(self.tr("목록에서 문의를 고르면 내용과 답변란이 여기에 나옵니다."))
        self.placeholder.setObjectName("hint")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.placeholder)
        return self.detail

    # --- loading -----------------------------------------------------------------------------
    def unanswered_only(self) -> bool:
        return self.unanswered_radio.isChecked()

    def set_unanswered_only(self, only: bool) -> None:
        (self.unanswered_radio if only else self.all_radio).setChecked(True)

    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        catalog = self.ctx.services.catalog
        only = self.unanswered_only()
        keep = self.current.id if self.current is not None else None

        def done(rows: list[InquiryView]) -> None:
            self._keep_draft()
            self.current = None
            self.model.set_rows(rows)
            if keep is not None and (pos := self.model.position_of(keep)) is not None:
                self.table.selectRow(pos)
            else:
                self.show_inquiry(None)
            self._update_counts()

        self.ctx.query(lambda: catalog.my_inquiries(actor, unanswered_only=only), parent=self, key="list") \
            .busy(text=self.tr("문의를 불러오는 중…")).success(done).run()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if changes.touches(Entity.INQUIRY, Entity.SERVICE) and not from_self(self, initiator):
            self.refresh()

    def _update_counts(self) -> None:
        rows = self.model.rows()
        waiting = sum(1 for r in rows if r.answered_at is None)
        if self.unanswered_only():
            self.count_label.setText(self.tr("답변대기 {n}건").format(n=f"{waiting:,}"))
        else:
            self.count_label.setText(self.tr("전체 {n}건 · 답변대기 {w}건").format(n=f"{len(rows):,}", w=f"{waiting:,}"))
        if rows:
            self.empty_notice.hide()
        else:
            self.empty_notice.set_text(self.tr("답변을 기다리는 문의가 없습니다.") if self.unanswered_only()
                                       else self.tr("아직 받은 문의가 없습니다."),
                                       self.tr("수요기업이 서비스 상세 화면에서 문의하면 여기에 나타납니다."))
            self.empty_notice.show()

    # --- detail ------------------------------------------------------------------------------
    def _selection_changed(self) -> None:
        self._keep_draft()
        self.show_inquiry(selected_row(self.table))

    def _keep_draft(self) -> None:
        """Remember what is typed for the shown inquiry when it differs from the stored answer."""
        if self.current is None:
            return
        text = self.answer_edit.toPlainText()
        if text.strip() and text != (self.current.answer or ""):
            self.drafts[self.current.id] = text
        else:
            self.drafts.pop(self.current.id, None)

    def show_inquiry(self, inquiry: InquiryView | None) -> None:
        self.current = inquiry
        self.errors.clear()
        self.saved_label.setText("")
        shown = inquiry is not None
        for widget in (self.detail_title, self.detail_meta, self.question, self.answer_meta, self.answer_edit):
            widget.setVisible(shown)
        self.placeholder.setVisible(not shown)
        if inquiry is None:
            self.answer_edit.blockSignals(True)
            self.answer_edit.clear()
            self.answer_edit.blockSignals(False)
            self._update_buttons()
            return
        self.detail_title.setText(inquiry.service_name)
        who = inquiry.company_name if inquiry.asked_by_name == inquiry.company_name else self.tr(
            "{company} · {person}").format(company=inquiry.company_name, person=inquiry.asked_by_name)
        self.detail_meta.setText(self.tr("{who} · {when} 문의").format(who=who, when=format_kst(inquiry.asked_at)))
        self.question.setPlainText(inquiry.question)
        if inquiry.answered_at is not None:
            self.answer_meta.setText(self.tr("답변완료 · {person} · {when} — 고쳐서 '답변 수정'을 누르면 답변이 바뀝니다.").format(
                person=inquiry.answered_by_name or "-", when=format_kst(inquiry.answered_at)))
        else:
            self.answer_meta.setText(self.tr("답변대기 — 답변을 적고 '답변 등록'을 누르세요."))
        self.answer_edit.setPlainText(self.drafts.get(inquiry.id, inquiry.answer or ""))
        self.answer_edit.moveCursor(QTextCursor.MoveOperation.End)  # go on writing where the text ends
        self._update_buttons()

    def _update_buttons(self) -> None:
        inquiry = self.current
        self.answer_button.setVisible(inquiry is not None)
        if inquiry is None:
            return
        self.answer_button.setText(self.tr("답변 수정") if inquiry.answered_at is not None else self.tr("답변 등록"))
        text = self.answer_edit.toPlainText()
        unchanged = inquiry.answered_at is not None and text.strip() == (inquiry.answer or "").strip()
        self.answer_button.setEnabled(not self.answer_busy.busy and not unchanged)

    # --- answering ---------------------------------------------------------------------------
    def send_answer(self) -> None:
        inquiry = self.current
        if inquiry is None or self.answer_busy.busy:
            return
        self.errors.clear()
        actor = self.ctx.actor
        catalog = self.ctx.services.catalog
        text = self.answer_edit.toPlainText()
        edit = inquiry.answered_at is not None

        def done(saved: InquiryView) -> None:
            self.drafts.pop(saved.id, None)
            self.model.update_row(saved)
            if self.current is not None and self.current.id == saved.id:
                self.show_inquiry(saved)
                self.saved_label.setText(self.tr("답변을 수정했습니다.") if edit else self.tr("답변을 등록했습니다."))
            self._update_counts()

        def failed(exc: BaseException) -> None:
            if self.current is not None and self.current.id != inquiry.id:
                self.drafts[inquiry.id] = text  # the user moved on; the text waits for them
                self.ctx.show_failure(exc, self)
            elif not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: catalog.answer(actor, inquiry.id, text), parent=self) \
            .busy(self.answer_busy, self.tr("답변을 보내는 중…")).success(done).failure(failed) \
            .after(self._update_buttons).run()
        self._update_buttons()
