"""예산확정: the agency confirms the voucher budget of CONFIRMED companies (→ APPROVED),
one at a time or ticked in bulk with a progress dialog that can cancel (SPEC §5.1)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import ScreeningStatus
from ...services.changes import Changes, Entity
from ...services.clock import format_kst
from ...services.dto import BulkResult, CompanyRow, ProgrammeView
from ...services.rules.money import format_krw, split_budget
from ...services.rules.numbers import format_business_no
from ...services.screening import PAGE_SIZE
from ..widgets.year_select import year_and_reload
from ..widgets.company_values import CHANGED_BACKGROUND, company_type_label
from ..tasks import from_self
from ..widgets.busy import page_head
from ..widgets.dialogs import ask_yes_no
from ..widgets.notice import NoticeBox
from ..widgets.tables import ALIGN_CENTER, Column, KeysetTableModel, make_table, selected_row
from ..widgets.common import SearchBox

FAILED_FOREGROUND = QColor("#b91c1c")


class BudgetQueueModel(KeysetTableModel):
    """CONFIRMED companies with a check box in the first column and the last bulk outcome."""

    checked_changed = Signal(int)

    def __init__(self, ctx, page_size: int = PAGE_SIZE, parent: QObject | None = None):
        super().__init__(ctx, [], parent=parent)
        self.page_size = page_size
        self.checked: set[uuid.UUID] = set()
        self.failures: dict[uuid.UUID, str] = {}
        self._columns = [
            Column(self.tr("선택"), lambda r: "", ALIGN_CENTER, 44),
            Column(self.tr("기업명"), lambda r: r.name, width=240, tooltip=lambda r: r.name),
            Column(self.tr("수정"), lambda r: self.tr("수정됨") if r.changed_after_confirm else "", ALIGN_CENTER, 54,
                   tooltip=lambda r: self.tr("심사확정 후 기업이 정보를 수정했습니다.") if r.changed_after_confirm else ""),
            Column(self.tr("사업자등록번호"), lambda r: format_business_no(r.business_no), ALIGN_CENTER, 116),
            Column(self.tr("형태"), lambda r: company_type_label(r.company_type), ALIGN_CENTER, 50),
            Column(self.tr("대표자"), lambda r: r.representative_name, ALIGN_CENTER, 80),
            Column(self.tr("운영기관"), lambda r: r.operator_name, width=130),
            Column(self.tr("심사확정일시"), lambda r: format_kst(r.status_changed_at), ALIGN_CENTER, 126),
            Column(self.tr("처리 결과"), lambda r: self.failures.get(r.id, ""), width=220,
                   tooltip=lambda r: self.failures.get(r.id, "")),
        ]

    def set_query(self, query: str = "", year: int | None = None) -> None:
        """The CONFIRMED companies of programme year `year` (None: the current one) matching `query`."""
        actor = self._ctx.actor
        screening = self._ctx.services.screening
        limit = self.page_size
        q = query.strip()
        self.checked.clear()
        self.failures.clear()
        self.checked_changed.emit(0)

        def fetch(cursor):
            return screening.list_companies(actor, status=ScreeningStatus.CONFIRMED, query=q, cursor=cursor,
                                            limit=limit, year=year)

        self.set_source(fetch)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def row_data(self, row: CompanyRow, column: int, role: int):
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if row.id in self.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and row.id in self.failures:
            return FAILED_FOREGROUND
        if role == Qt.ItemDataRole.BackgroundRole and row.changed_after_confirm:
            return CHANGED_BACKGROUND
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        row = self.row_at(index.row())
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.checked.add(row.id)
        else:
            self.checked.discard(row.id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit(len(self.checked))
        return True

    def set_all_checked(self, checked: bool) -> None:
        if checked:
            self.checked |= {r.id for r in self._rows}
        else:
            self.checked.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit(len(self.checked))

    def checked_ids(self) -> list[uuid.UUID]:
        """Ticked companies in list order."""
        return [r.id for r in self._rows if r.id in self.checked]

    def record_outcome(self, result: BulkResult) -> None:
        self.remove_keys(result.succeeded)
        self.checked -= set(result.succeeded)
        for company_id, reason in result.failed:
            self.failures[company_id] = reason
            self.checked.discard(company_id)
            pos = self.position_of(company_id)
            if pos is not None:
                self.dataChanged.emit(self.index(pos, 0), self.index(pos, len(self._columns) - 1))
        self.checked_changed.emit(len(self.checked))


class BudgetConfirmPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None, *, page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self.ctx = ctx
        self.settings: ProgrammeView | None = None
        self.last_result: BulkResult | None = None
        self.progress_dialog = None  # the bulk job's progress dialog while it runs
        self.pending_dialog = None
        self.model = BudgetQueueModel(ctx, page_size=page_size, parent=self)
        self._build()
        self.model.checked_changed.connect(lambda _n: self._update_buttons())
        self.model.loading_changed.connect(lambda _b: self._update_status())
        self.model.page_loaded.connect(lambda _n: self._update_status())
        self.model.rowsRemoved.connect(lambda *_: self._update_status())
        self.model.failed.connect(lambda exc: self.ctx.show_failure(exc, self))

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("예산확정"))
        self.year_select, self.reload_button = year_and_reload(self, head, self._apply_search, self.refresh)
        layout.addLayout(head)

        self.programme_notice = NoticeBox("info")
        self.programme_notice.set_text(self.tr("사업 설정을 불러오는 중…"))
        layout.addWidget(self.programme_notice)

        bar = QHBoxLayout()
        self.search = SearchBox(self.tr("기업명 또는 사업자등록번호로 검색"), self._apply_search)
        self.search_timer = self.search.timer
        bar.addWidget(self.search)
        self.check_all_button = QPushButton(self.tr("불러온 기업 모두 선택"))
        self.check_all_button.clicked.connect(lambda: self.model.set_all_checked(True))
        self.uncheck_button = QPushButton(self.tr("선택 해제"))
        self.uncheck_button.clicked.connect(lambda: self.model.set_all_checked(False))
        bar.addWidget(self.check_all_button)
        bar.addWidget(self.uncheck_button)
        bar.addStretch(1)
        self.approve_one_button = QPushButton(self.tr("현재 행 승인"))
        self.approve_one_button.clicked.connect(self.approve_current)
        self.approve_many_button = QPushButton(self.tr("선택 승인"))
        self.approve_many_button.setObjectName("primary")
        self.approve_many_button.clicked.connect(self.approve_checked)
        bar.addWidget(self.approve_one_button)
        bar.addWidget(self.approve_many_button)
        layout.addLayout(bar)

        self.table = make_table(self.model)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.status_line = QLabel()
        self.status_line.setObjectName("hint")
        layout.addWidget(self.status_line)

        self.result_notice = NoticeBox("success")
        self.failure_list = QListWidget()
        self.failure_list.setMaximumHeight(110)
        self.result_notice.layout().addWidget(self.failure_list)
        self.result_notice.hide()
        layout.addWidget(self.result_notice)
        self._update_buttons()

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.search_timer.stop()
        self.year_select.load()
        self.model.set_query(self.search.text(), self.year_select.year())
        self._load_settings()

    def _apply_search(self) -> None:
        self.model.set_query(self.search.text(), self.year_select.year())

    def _load_settings(self) -> None:
        programme = self.ctx.services.programme

        def done(settings: ProgrammeView) -> None:
            self.settings = settings
            gov, own = split_budget(settings.voucher_amount, settings.government_share_pct)
            self.programme_notice.set_text(
                self.tr("{year}년 기업당 바우처 예산 {amount}").format(year=settings.year,
                                                                 amount=format_krw(settings.voucher_amount)),
                self.tr("정부지원금 {gov} ({pct}%) · 자부담 {own} · 이용기간: 승인일로부터 {months}개월. "
                        "승인하면 이 금액으로 기업의 예산이 확정됩니다.").format(
                    gov=format_krw(gov), pct=settings.government_share_pct, own=format_krw(own),
                    months=settings.use_period_months))

        self.ctx.query(programme.settings, parent=self, key="settings") \
            .busy(text=self.tr("사업 설정을 불러오는 중…")).success(done).after(self._update_buttons).run()

    def _update_status(self) -> None:
        n = self.model.rowCount()
        if self.model.loading:
            text = self.tr("심사확정 기업 {n}개 표시 · 불러오는 중…").format(n=f"{n:,}")
        elif n == 0:
            text = self.tr("예산확정을 기다리는 심사확정 기업이 없습니다.")
        else:
            text = self.tr("심사확정 기업 {n}개 표시").format(n=f"{n:,}")
            if not self.model.exhausted:
                text += self.tr(" · 아래로 스크롤하면 더 불러옵니다")
        self.status_line.setText(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = self.progress_dialog is None and not self.busy.busy
        n = len(self.model.checked)
        self.approve_many_button.setText(self.tr("선택 승인 ({n})").format(n=n) if n else self.tr("선택 승인"))
        self.approve_many_button.setEnabled(idle and n > 0)
        self.approve_one_button.setEnabled(idle and selected_row(self.table) is not None)

    # --- approving ---------------------------------------------------------------------------
    def _amount_text(self) -> str:
        if self.settings is None:
            return ""
        return self.tr("기업당 {amount}").format(amount=format_krw(self.settings.voucher_amount))

    def approve_current(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        self.pending_dialog = ask_yes_no(
            self, self.tr("예산확정"),
            self.tr("'{name}'의 바우처 예산을 확정(승인)할까요? {amount}").format(name=row.name, amount=self._amount_text()),
            self.tr("승인"), lambda: self._approve([row.id]))

    def approve_checked(self) -> None:
        ids = self.model.checked_ids()
        if not ids:
            return
        self.pending_dialog = ask_yes_no(
            self, self.tr("선택 승인"),
            self.tr("선택한 {n}개 기업의 바우처 예산을 확정(승인)할까요? {amount}").format(
                n=len(ids), amount=self._amount_text()),
            self.tr("승인"), lambda: self._approve(ids))

    def _approve(self, ids: list[uuid.UUID]) -> None:
        self.pending_dialog = None
        actor = self.ctx.actor
        screening = self.ctx.services.screening
        rows = {i: self.model.row_at(self.model.position_of(i)) for i in ids if self.model.position_of(i) is not None}
        # the state each row showed: a company another desk changed meanwhile is refused
        seen = {cid: row.status for cid, row in rows.items()}

        def done(result: BulkResult) -> None:
            self._show_result(result, rows, len(ids), job.cancelled)

        def ended() -> None:
            self.progress_dialog = None
            self._update_buttons()

        job = self.ctx.job(lambda progress, cancelled: screening.approve_many(
            actor, ids, progress=progress, cancelled=cancelled, expected=seen),
            title=self.tr("예산확정"), label=self.tr("예산을 확정하는 중…"), parent=self)
        job.success(done).after(ended).run()
        self.progress_dialog = job.dialog
        self._update_buttons()

    def _show_result(self, result: BulkResult, rows: dict, asked: int, cancelled: bool) -> None:
        self.last_result = result
        self.model.record_outcome(result)
        done, failed = len(result.succeeded), len(result.failed)
        skipped = asked - done - failed
        title = self.tr("{done}개 기업을 승인했습니다.").format(done=done)
        parts = []
        if failed:
            parts.append(self.tr("{n}개 기업은 승인하지 못했습니다. 사유는 아래와 같습니다.").format(n=failed))
        if cancelled and skipped:
            parts.append(self.tr("취소하여 {n}개 기업은 처리하지 않았습니다.").format(n=skipped))
        kind = "warning" if failed or skipped else "success"
        self.result_notice.set_text(title, " ".join(parts), kind)
        self.failure_list.clear()
        for company_id, reason in result.failed:
            row = rows.get(company_id)
            who = f"{row.name} ({format_business_no(row.business_no)})" if row else str(company_id)
            self.failure_list.addItem(f"{who}: {reason}")
        self.failure_list.setVisible(bool(result.failed))
        self.result_notice.show()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        """A company changed elsewhere: drop it here when it is no longer CONFIRMED."""
        self.year_select.follow(changes)
        if not changes.touches(Entity.COMPANY) or from_self(self, initiator):
            return
        actor = self.ctx.actor
        companies = self.ctx.services.companies
        ids = changes.ids(Entity.COMPANY)
        if not ids:  # some companies changed: load the list again
            self.model.reload()
            return
        for company_id in ids:
            if self.model.position_of(company_id) is None:
                continue

            def done(view, cid=company_id) -> None:
                if view.status is not ScreeningStatus.CONFIRMED:
                    self.model.checked.discard(cid)
                    self.model.remove_keys([cid])
                    self.model.checked_changed.emit(len(self.model.checked))

            self.ctx.query(lambda cid=company_id: companies.get(actor, cid), parent=self).quiet() \
                .success(done).failure(lambda _e: None).run()
