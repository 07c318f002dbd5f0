"""서비스 문의 내역: a demand company's inquiries (unanswered first) with the full question and answer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...services.clock import format_kst
from ...services.dto import InquiryView
from ..widgets.busy import page_head
from ...services.changes import Changes, Entity
from ..widgets.common import scrolling_body, title_label
from ..widgets.tables import make_table, selected_row, set_rows_keeping_selection
from .models import InquiryListModel


def _text_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


class InquiryDetail(QWidget):
    """The selected inquiry in full."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        body = scrolling_body(self, (12, 0, 0, 0))
        self.service = title_label("", 2)
        self.service.setWordWrap(True)
        body.addWidget(self.service)
        self.asked = QLabel()
        self.asked.setObjectName("hint")
        body.addWidget(self.asked)
        self.question = _text_label()
        self.question.setStyleSheet("QLabel { background: white; border: 1px solid #d9e2ec; border-radius: 6px;"
                                    " padding: 8px; }")
        body.addWidget(self.question)
        self.answer_title = QLabel()
        self.answer_title.setStyleSheet("QLabel { font-weight: bold; padding-top: 8px; }")
        body.addWidget(self.answer_title)
        self.answer = _text_label()
        self.answer.setStyleSheet("QLabel { background: #f0f7ff; border-left: 3px solid #1e4e8c; padding: 8px; }")
        body.addWidget(self.answer)
        self.open_button = QPushButton(self.tr("서비스 보기"))
        body.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        body.addStretch(1)
        self.show_inquiry(None)

    def show_inquiry(self, q: InquiryView | None) -> None:
        for widget in (self.service, self.asked, self.question, self.answer_title, self.answer, self.open_button):
            widget.setVisible(q is not None)
        if q is None:
            return
        self.service.setText(q.service_name)
        self.asked.setText(self.tr("{who} · {at} 문의").format(who=q.asked_by_name, at=format_kst(q.asked_at)))
        self.question.setText(q.question)
        if q.answer is not None:
            self.answer_title.setText(self.tr("답변 ({who}, {at})").format(
                who=q.answered_by_name or "", at=format_kst(q.answered_at)))
            self.answer.setText(q.answer)
        else:
            self.answer_title.setText(self.tr("답변 대기"))
            self.answer.setText(self.tr("공급기업이 아직 답변하지 않았습니다. 답변이 오면 여기에 표시됩니다."))


class MyInquiriesPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._loaded = False
        self.model = InquiryListModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("서비스 문의 내역"))
        layout.addLayout(head)
        filters = QHBoxLayout()
        self.unanswered_only = QCheckBox(self.tr("답변 대기만 보기"))
        self.unanswered_only.toggled.connect(lambda _c: self.reload())
        filters.addWidget(self.unanswered_only)
        filters.addSpacing(12)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        filters.addWidget(self.count_label, 1)
        layout.addLayout(filters)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = make_table(self.model, stretch=1)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.table.activated.connect(lambda _i: self.open_service())
        left_layout.addWidget(self.table, 1)
        self.empty = QLabel()
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        left_layout.addWidget(self.empty)
        self.detail = InquiryDetail()
        self.detail.open_button.clicked.connect(self.open_service)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setSizes([760, 440])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        actor, catalog = self.ctx.actor, self.ctx.services.catalog
        if actor is None:
            return
        only = self.unanswered_only.isChecked()

        def done(rows) -> None:
            self._loaded = True
            set_rows_keeping_selection(self.table, rows)
            self._selection_changed()
            n = len(rows)
            waiting = sum(1 for q in rows if q.answered_at is None)
            self.count_label.setText(self.tr("{n}건 · 답변 대기 {w}건").format(n=f"{n:,}", w=f"{waiting:,}") if n else "")
            self.empty.setText(self.tr("답변을 기다리는 문의가 없습니다.") if only else
                               self.tr("남긴 문의가 없습니다. 서비스 상세 화면의 '서비스 문의'에서 공급기업에 물어볼 수 있습니다."))
            self.empty.setVisible(n == 0)

        self.ctx.query(lambda: catalog.my_inquiries(actor, unanswered_only=only), parent=self, key="list") \
            .success(done).run()

    def _selection_changed(self) -> None:
        self.detail.show_inquiry(selected_row(self.table))

    def select_inquiry(self, inquiry_id) -> bool:
        pos = self.model.position_of(inquiry_id)
        if pos is None:
            return False
        self.table.selectRow(pos)
        return True

    def open_service(self) -> None:
        q = selected_row(self.table)
        if q is not None:
            self.ctx.navigate("service_detail", service_id=q.service_id)

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if changes.touches(Entity.INQUIRY) and self._loaded:
            self.reload()
