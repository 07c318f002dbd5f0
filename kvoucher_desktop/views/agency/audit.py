"""감사 로그 검증: the agency checks that no audit record was edited, inserted or removed
(SPEC §3). The check runs in the background (a programme-scale log takes a while); the page
shows the result: intact, or the table of problems."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...services.audit_chain import SEAL_MARGIN, AuditProblem, AuditVerification, ProblemKind, default_anchor_path
from ...services.clock import format_kst
from ..widgets.busy import page_head
from ..widgets.notice import NoticeBox
from ..widgets.tables import ALIGN_CENTER, ALIGN_RIGHT, Column, RowTableModel, make_table

DANGER = QColor("#b91c1c")


def _number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


class ProblemTableModel(RowTableModel):
    """종류 | 순번 | 봉인 (순번 …까지) | 기록 | 내용."""

    def __init__(self, parent: QObject | None = None):
        super().__init__([], key=lambda p: (p.kind, p.message), parent=parent)
        self._columns = [
            Column(self.tr("종류"), lambda p: self.tr(p.label), width=150),
            Column(self.tr("순번"), lambda p: _number(p.seq), ALIGN_RIGHT, 90),
            Column(self.tr("봉인(순번 …까지)"), lambda p: _number(p.checkpoint_upto), ALIGN_RIGHT, 130),
            Column(self.tr("기록 ID"), lambda p: p.record_id or "", ALIGN_CENTER, 280, tooltip=lambda p: p.record_id),
            Column(self.tr("내용"), lambda p: p.message, width=400, tooltip=lambda p: p.message),
        ]

    def row_data(self, row: AuditProblem, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return DANGER
        return None


class AuditVerifyPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: AuditVerification | None = None
        self.model = ProblemTableModel(self)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("감사 로그 검증"))
        self.run_button = QPushButton(self.tr("검증 시작"))
        self.run_button.setObjectName("primary")
        self.run_button.clicked.connect(self.run)
        head.addWidget(self.run_button)
        layout.addLayout(head)

        notice = NoticeBox("info")
        minutes = int(SEAL_MARGIN.total_seconds() // 60)
        notice.set_text(
            self.tr("감사 로그가 기록된 뒤 수정·삭제·추가되지 않았는지 확인합니다."),
            self.tr("모든 감사 기록의 해시를 다시 계산하고, 기록 묶음마다 남긴 봉인과 봉인끼리의 연결을 확인합니다. "
                    "봉인은 몇 분마다 자동으로 만들어지며 {m}분이 지난 기록부터 봉인됩니다. 마지막 검증 결과는 이 "
                    "컴퓨터의 데이터 폴더에도 기준점으로 남겨, 저장소 전체가 다시 쓰였는지도 다음 검증에서 "
                    "확인합니다. 기록이 많으면 1분 가까이 걸릴 수 있으며, 그동안 다른 화면을 계속 쓸 수 있습니다.")
            .format(m=minutes))
        layout.addWidget(notice)

        self.outcome = NoticeBox("success")
        self.outcome.hide()
        layout.addWidget(self.outcome)

        self.table = make_table(self.model, stretch=4)
        self.table.hide()
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.status_line = QLabel(self.tr("아직 검증하지 않았습니다. '검증 시작'을 누르세요."))
        self.status_line.setObjectName("hint")
        row.addWidget(self.status_line, 1)
        layout.addLayout(row)
        self.spacer = QWidget()
        layout.addWidget(self.spacer, 1)

    # --- running -----------------------------------------------------------------------------
    def run(self) -> None:
        actor = self.ctx.actor
        if actor is None or self.busy.busy:
            return
        audit = self.ctx.services.audit
        anchor = default_anchor_path()
        self.ctx.query(lambda: audit.verify(actor, anchor_file=anchor), parent=self) \
            .busy(text=self.tr("감사 로그를 검증하는 중…")).success(self.show_result) \
            .after(lambda: self.run_button.setEnabled(not self.busy.busy)).run()
        self.run_button.setEnabled(False)

    def show_result(self, result: AuditVerification) -> None:
        self.result = result
        newest = result.newest_checkpoint
        summary = self.tr("검사한 기록 {rows}건 · 봉인 {cps}개").format(
            rows=_number(result.rows_checked), cps=_number(result.checkpoints_checked))
        if newest is not None:
            summary += self.tr(" (마지막 봉인: 순번 {upto}까지, {at})").format(
                upto=_number(newest.upto_seq), at=format_kst(newest.created_at))
        details = [summary]
        if result.unsealed_rows:
            details.append(self.tr("아직 봉인되지 않은 최근 기록 {n}건은 각 기록의 해시로 확인했습니다.").format(
                n=_number(result.unsealed_rows)))
        if result.anchor is not None:
            details.append(self.tr("지난 검증의 기준점(순번 {upto}까지의 봉인)과도 비교했습니다.").format(
                upto=_number(result.anchor.upto_seq)))
        if result.intact:
            self.outcome.set_text(self.tr("이상 없음 — 수정·삭제·추가된 감사 기록을 찾지 못했습니다."),
                                  "\n".join(details), kind="success")
            self.model.set_rows([])
        else:
            hidden = result.problem_count - len(result.problems)
            if hidden > 0:
                details.append(self.tr("아래 표에는 처음 {shown}건만 보입니다.").format(shown=_number(len(result.problems))))
            self.outcome.set_text(self.tr("문제 {n}건을 찾았습니다 — 감사 기록이 앱 밖에서 바뀌었습니다.").format(
                n=_number(result.problem_count)), "\n".join(details), kind="danger")
            self.model.set_rows(result.problems)
        self.outcome.show()
        self.table.setVisible(not result.intact)
        self.spacer.setVisible(result.intact)
        self.status_line.setText(self.tr("마지막 검증: {at}").format(at=format_kst(result.checked_at, seconds=True)))

    def problem_kinds(self) -> list[ProblemKind]:
        return [p.kind for p in self.model.rows()]
