"""서비스 문의 on a service's detail page: the inquiries the viewer may see, and a box to ask one.

A demand company sees its own inquiries and may ask; the supplier of the service and the agency
see all of them; others see none (SPEC §3). A refused question stays in the box with the reason
under it; an accepted one is cleared and appears at the top of the list.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ...services.clock import format_kst
from ...services.dto import InquiryView
from ..widgets.busy import BusyIndicator
from ..widgets.common import ErrorLabel, title_label
from ..widgets.forms import FieldErrors

#: more than this many inquiries on one page would only slow it; the rest are counted
MAX_SHOWN = 100

CARD_STYLE = ("QFrame#inquiryCard { background: white; border: 1px solid #d9e2ec; border-radius: 6px; }"
              " QFrame#inquiryCard QLabel { background: transparent; border: none; }")
ANSWER_STYLE = "QLabel { background: #f0f7ff; border-left: 3px solid #1e4e8c; padding: 6px 8px; }"
WAITING_STYLE = "QLabel { color: #b45309; font-weight: bold; }"


def _label(text: str, name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class InquiryCard(QFrame):
    def __init__(self, q: InquiryView, show_company: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.inquiry = q
        self.setObjectName("inquiryCard")
        self.setStyleSheet(CARD_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        who = f"{q.company_name} · {q.asked_by_name}" if show_company else q.asked_by_name
        layout.addWidget(_label(self.tr("문의 · {who} · {at}").format(who=who, at=format_kst(q.asked_at)), "hint"))
        self.question = _label(q.question)
        layout.addWidget(self.question)
        if q.answer is not None:
            self.answer = _label(self.tr("답변 ({who}, {at})\n{text}").format(
                who=q.answered_by_name or "", at=format_kst(q.answered_at), text=q.answer))
            self.answer.setStyleSheet(ANSWER_STYLE)
        else:
            self.answer = _label(self.tr("답변 대기"))
            self.answer.setStyleSheet(WAITING_STYLE)
        layout.addWidget(self.answer)


class InquiryPanel(QWidget):
    """Shows the inquiries of one service; `asked(InquiryView)` after a successful question."""

    asked = Signal(object)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service_id = None
        self.items: list[InquiryView] = []
        self.show_company = False
        self.can_see = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(title_label(self.tr("서비스 문의"), 2))
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        head.addWidget(self.count_label)
        head.addStretch(1)
        layout.addLayout(head)
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        self.ask_box = QWidget()
        ask = QVBoxLayout(self.ask_box)
        ask.setContentsMargins(0, 0, 0, 4)
        self.question = QPlainTextEdit()
        self.question.setPlaceholderText(self.tr("이 서비스에 대해 궁금한 점을 적어 주세요. 문의와 답변은 우리 기업과 "
                                                 "공급기업만 볼 수 있습니다."))
        self.question.setFixedHeight(84)
        ask.addWidget(self.question)
        self.error = ErrorLabel()
        ask.addWidget(self.error)
        self.errors = FieldErrors(self.error, {"question": self.question})
        row = QHBoxLayout()
        self.busy = BusyIndicator()
        row.addWidget(self.busy)
        row.addStretch(1)
        self.ask_button = QPushButton(self.tr("문의 등록"))
        self.ask_button.setObjectName("primary")
        self.ask_button.clicked.connect(self.submit)
        row.addWidget(self.ask_button)
        ask.addLayout(row)
        layout.addWidget(self.ask_box)

        self.list_layout = QVBoxLayout()
        self.list_layout.setSpacing(8)
        layout.addLayout(self.list_layout)
        self.empty = QLabel()
        self.empty.setObjectName("hint")
        layout.addWidget(self.empty)
        self.more = QLabel()
        self.more.setObjectName("hint")
        layout.addWidget(self.more)
        self.cards: list[InquiryCard] = []

    def set_service(self, service_id, *, can_ask: bool, can_see: bool, show_company: bool, note: str) -> None:
        """Point the panel at a service; a different service starts with an empty question box."""
        if service_id != self.service_id:
            self.question.clear()
            self.errors.clear()
        self.service_id = service_id
        self.show_company = show_company
        self.can_see = can_see
        self.ask_box.setVisible(can_ask)
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def show_inquiries(self, items: list[InquiryView]) -> None:
        self.items = list(items)
        for card in self.cards:
            self.list_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for q in self.items[:MAX_SHOWN]:
            card = InquiryCard(q, self.show_company)
            self.list_layout.addWidget(card)
            self.cards.append(card)
        n = len(self.items)
        self.count_label.setText(self.tr("{n}건").format(n=f"{n:,}") if n else "")
        self.empty.setText(self.tr("아직 문의가 없습니다."))
        self.empty.setVisible(n == 0 and self.can_see)
        rest = n - MAX_SHOWN
        self.more.setText(self.tr("이 밖에 오래된 문의 {n}건이 더 있습니다.").format(n=f"{rest:,}"))
        self.more.setVisible(rest > 0)

    def submit(self) -> None:
        if self.busy.busy or self.service_id is None:
            return
        self.errors.clear()
        text = self.question.toPlainText()
        actor, catalog, service_id = self.ctx.actor, self.ctx.services.catalog, self.service_id
        self.ask_button.setEnabled(False)

        def done(q: InquiryView) -> None:
            if q.service_id != self.service_id:
                return
            if self.question.toPlainText() == text:
                self.question.clear()
            self.show_inquiries([q, *self.items])
            self.ctx.show_success(self.tr("문의를 등록했습니다. 공급기업이 답변하면 여기와 '서비스 문의 내역'에 보입니다."))
            self.asked.emit(q)

        def failed(exc: BaseException) -> None:
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: catalog.ask(actor, service_id, text), parent=self) \
            .busy(text=self.tr("문의를 등록하는 중…")).success(done).failure(failed) \
            .after(lambda: self.ask_button.setEnabled(True)).run()
