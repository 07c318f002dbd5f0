"""거래상담 요청: the dialog a demand company fills in from a service's detail page (SPEC §5.3).

The memo is required; a refusal (empty memo, too long, an open deal meanwhile) is shown under
the memo and the dialog stays open with everything typed.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ...services.deals import MAX_MEMO
from ...services.dto import ServiceDetail
from ...services.rules.money import format_krw
from ..widgets.busy import BusyIndicator
from ..widgets.common import ErrorLabel
from ..widgets.forms import FieldErrors


class DealRequestDialog(QDialog):
    """Asks for the memo and calls deals.request in the background; `requested(DealView)` on success."""

    requested = Signal(object)

    def __init__(self, ctx, detail: ServiceDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.deal = None
        self.setWindowTitle(self.tr("거래상담 요청"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        sv = detail.service
        summary = QLabel(self.tr("<b>{name}</b><br>{supplier} · {category} · {price}").format(
            name=html.escape(sv.name), supplier=html.escape(sv.supplier_name),
            category=html.escape(sv.category_name), price=format_krw(sv.price)))
        summary.setWordWrap(True)
        layout.addWidget(summary)
        prompt = QLabel(self.tr("공급기업에 전할 내용을 적어 주세요. 필요한 서비스 범위, 사용 인원, 희망 일정을 "
                                "적으면 상담이 빨라집니다."))
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.memo = QPlainTextEdit()
        self.memo.setPlaceholderText(self.tr("예: 직원 15명이 쓸 화상회의 서비스를 4월부터 6개월간 이용하고 싶습니다."))
        self.memo.setMinimumHeight(140)
        self.memo.textChanged.connect(self._update_counter)
        layout.addWidget(self.memo)
        self.counter = QLabel()
        self.counter.setObjectName("hint")
        layout.addWidget(self.counter)
        note = QLabel(self.tr("공급기업이 기한 안에 수락하거나 반려하지 않으면 요청은 '불가'로 끝나며, "
                              "그 뒤에 다시 요청할 수 있습니다."))
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.errors = FieldErrors(self.error, {"memo": self.memo})
        bottom = QHBoxLayout()
        self.busy = BusyIndicator()
        bottom.addWidget(self.busy, 1)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("요청하기"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.cancel_button = self.buttons.addButton(self.tr("취소"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self._update_counter()

    def _update_counter(self) -> None:
        n = len(self.memo.toPlainText().strip())
        self.counter.setText(self.tr("{n} / {max}자").format(n=f"{n:,}", max=f"{MAX_MEMO:,}"))

    def reject(self) -> None:
        if self.busy.busy:
            return  # the request is on its way; its answer must reach the page
        super().reject()

    def submit(self) -> None:
        if self.busy.busy:
            return  # pressed twice: the first request is still on its way
        self.errors.clear()
        actor, deals = self.ctx.actor, self.ctx.services.deals
        service_id, memo = self.detail.service.id, self.memo.toPlainText()
        self.ok_button.setEnabled(False)

        def done(deal) -> None:
            self.ok_button.setEnabled(True)
            self.deal = deal
            self.requested.emit(deal)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.ok_button.setEnabled(True)
            if not self.errors.show(exc):
                self.ctx.show_failure(exc, self)

        self.ctx.op(lambda: deals.request(actor, service_id, memo), parent=self) \
            .busy(text=self.tr("요청하는 중…")).success(done).failure(failed).run()
