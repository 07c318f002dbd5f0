"""평가하기: the five criteria (1–5 each) and an optional comment, saved once; and the same dialog
read-only for an evaluation that is saved (each criterion, its average, the comment).

Each criterion is a row of five radio buttons in its own group: Tab moves between the rows, the
arrow keys (or the keys 1–5) choose within one. A refusal (a score missing, a comment too long,
another desk saved it first) is shown in the dialog, which stays open with what was chosen.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QGridLayout, QHBoxLayout, QLabel,
                               QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget)

from ...enums import EvaluationStatus
from ...services.clock import format_kst
from ...services.dto import EvaluationView
from ...services.errors import DomainError
from ...services.rules.evaluations import CRITERIA, MAX_SCORE, MIN_SCORE
from ...services.rules.limits import limit
from ...services.rules.money import format_krw
from ..tasks import error_text
from ..widgets.common import ErrorLabel, mark_invalid

WORDS = {1: "매우 불만족", 2: "불만족", 3: "보통", 4: "만족", 5: "매우 만족"}
COMMENT_LIMIT = limit("evaluation.comment")


def stars(score: int) -> str:
    return "★" * score + "☆" * (MAX_SCORE - score)


class EvaluationDialog(QDialog):
    """평가하기 for a PENDING evaluation the actor may submit; otherwise the saved one, read-only."""

    def __init__(self, ctx, evaluation: EvaluationView, on_done: Callable[[EvaluationView], None] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.evaluation, self.on_done = ctx, evaluation, on_done
        self.editable = evaluation.status is EvaluationStatus.PENDING and evaluation.submit_refusal is None
        self.groups: dict[str, QButtonGroup] = {}
        self.score_labels: dict[str, QLabel] = {}
        self._error_field: str | None = None  # the criterion or field the shown message is about
        self._settled = False  # the store says it is saved already: 평가 저장 stays off
        self.setWindowTitle(self.tr("평가하기") if self.editable else self.tr("평가 내용"))
        self.setMinimumWidth(620)
        self._build()

    def _build(self) -> None:
        ev = self.evaluation
        layout = QVBoxLayout(self)
        what = QLabel(self.tr("{service} · {supplier} · {amount} · {at} 결제").format(
            service=ev.service_name, supplier=ev.supplier_name, amount=format_krw(ev.amount),
            at=format_kst(ev.paid_at or ev.created_at)), self)
        what.setWordWrap(True)
        what.setObjectName("dialogLead")
        layout.addWidget(what)
        if self.editable:
            hint = QLabel(self.tr("다섯 항목을 1점(매우 불만족)부터 5점(매우 만족)까지 골라 주세요. 저장한 평가는 "
                                  "바꿀 수 없습니다."), self)
        else:
            hint = QLabel(self.tr("{at}에 {who} 님이 저장한 평가입니다. 저장된 평가는 바꿀 수 없습니다.").format(
                at=format_kst(ev.evaluated_at), who=ev.evaluated_by_name or "-") if ev.status is EvaluationStatus.DONE
                else (ev.submit_refusal or ""), self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        for row, (field, label) in enumerate(CRITERIA):
            grid.addWidget(QLabel(self.tr(label), self), row, 0)
            grid.addWidget(self._editor(field, label) if self.editable else self._shown(field), row, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        if not self.editable and ev.average is not None:
            self.average_label = QLabel(self.tr("평균 {avg}점").format(avg=f"{ev.average:.1f}"), self)
            self.average_label.setObjectName("totalsLine")
            layout.addWidget(self.average_label)
        else:
            self.average_label = None
        layout.addWidget(QLabel(self.tr("의견 (선택, {n:,}자 이내)").format(n=COMMENT_LIMIT) if self.editable
                                else self.tr("의견"), self))
        self.comment = QPlainTextEdit(self)
        self.comment.setMinimumHeight(90)
        self.comment.setTabChangesFocus(True)
        if self.editable:
            self.comment.setPlaceholderText(self.tr("예: 일정에 맞춰 친절하게 진행해 주셨습니다."))
        else:
            self.comment.setPlainText(ev.comment or self.tr("(의견 없음)"))
            self.comment.setReadOnly(True)
        layout.addWidget(self.comment)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(self)
        if self.editable:
            self.ok_button = self.buttons.addButton(self.tr("평가 저장"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.ok_button.setObjectName("primary")
            self.buttons.accepted.connect(self.submit)
        else:
            self.ok_button = None
        self.close_button = self.buttons.addButton(self.tr("닫기"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _editor(self, field: str, label: str) -> QWidget:
        """Five radio buttons in a row of their own (the arrow keys stay within the criterion)."""
        row = QWidget(self)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        group = QButtonGroup(row)
        group.setExclusive(True)
        for score in range(MIN_SCORE, MAX_SCORE + 1):
            button = QRadioButton(f"{score} {self.tr(WORDS[score])}", row)
            button.setAccessibleName(f"{label} {score}점")
            group.addButton(button, score)
            box.addWidget(button)
        box.addStretch(1)
        group.idClicked.connect(lambda _id, f=field: self._chosen(f))
        self.groups[field] = group
        return row

    def _shown(self, field: str) -> QLabel:
        score = getattr(self.evaluation, field)
        text = "-" if score is None else f"{stars(score)}  {score}점 ({self.tr(WORDS[score])})"
        shown = QLabel(text, self)
        shown.setObjectName("scoreText")
        self.score_labels[field] = shown
        return shown

    # --- input -------------------------------------------------------------------------------
    def scores(self) -> dict[str, int | None]:
        """What is chosen, by field (None for a criterion not chosen yet)."""
        return {field: (group.checkedId() if group.checkedId() > 0 else None) for field, group in self.groups.items()}

    def choose(self, field: str, score: int) -> None:
        self.groups[field].button(score).click()

    def _chosen(self, field: str) -> None:
        for button in self.groups[field].buttons():
            mark_invalid(button, False)
        if self._error_field == field:  # the message was about this criterion: it is answered now
            self.error.clear_message()
            self._error_field = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """1–5 on a criterion's radio button chooses that score."""
        focus = self.focusWidget()
        text = event.text()
        if self.editable and isinstance(focus, QRadioButton) and text in {str(s) for s in range(1, 6)}:
            for group in self.groups.values():
                if focus in group.buttons():
                    group.button(int(text)).click()
                    group.button(int(text)).setFocus(Qt.FocusReason.ShortcutFocusReason)
                    return
        super().keyPressEvent(event)

    # --- saving ------------------------------------------------------------------------------
    def submit(self) -> None:
        if not self.editable:
            return
        self.error.clear_message()
        self._set_working(True)
        actor, evaluations = self.ctx.actor, self.ctx.services.evaluations
        evaluation_id, scores, comment = self.evaluation.id, self.scores(), self.comment.toPlainText()
        self.ctx.clear_failure()
        self.ctx.op(lambda: evaluations.submit(actor, evaluation_id, scores, comment), parent=self) \
            .success(self._saved).failure(self._failed).after(lambda: self._set_working(False)).run()

    def _set_working(self, working: bool) -> None:
        if self.ok_button is not None:
            self.ok_button.setEnabled(not working and not self._settled)
        self.close_button.setEnabled(not working)

    def _saved(self, view: EvaluationView) -> None:
        self.evaluation = view
        self.accept()
        if self.on_done is not None:
            self.on_done(view)

    def _failed(self, exc: BaseException) -> None:
        self.error.show_message(error_text(exc))
        field = exc.field if isinstance(exc, DomainError) else None
        self._error_field = field
        if getattr(exc, "code", None) == "evaluated":  # saved meanwhile (another desk): nothing to save here
            self._settled = True
        if field in self.groups:
            for button in self.groups[field].buttons():
                mark_invalid(button, True)
            self.groups[field].buttons()[0].setFocus()
        elif field == "comment":
            mark_invalid(self.comment, True)
            self.comment.setFocus()
