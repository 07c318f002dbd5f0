"""통계: the agency's programme-wide statistics (SPEC §6) of a programme year — companies per
screening state per operating agency, the budget, succeeded payments per KST day of a period and
per category, and the catalog's ratings. Each statistic is a table (the same one its XLSX export
writes) and, where a picture reads faster, a chart. Loading and writing run off the GUI thread."""

from __future__ import annotations

import functools

from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...services import statistics as st
from ...services.changes import Changes, Entity
from ...services.clock import kst_date
from ...services.exports import ColumnKind, Table, to_xlsx
from ...services.rules.screening import STATUS_LABELS
from ..widgets.busy import page_head
from ..widgets.common import STATUS_COLOURS, ErrorLabel
from ..widgets.files import save_file_name, write_file
from ..widgets.wide_digits import date_field, day_of
from ..widgets.year_select import year_and_reload
from .charts import BarChart
from .stat_tables import ExportTableModel

#: (parent, caption, proposed file name) -> the chosen path, "" when cancelled; tests replace it
SaveChooser = Callable[[QWidget, str, str], str]
BUDGET_COLOURS = ("#2563eb", "#f59e0b", "#16a34a", "#94a3b8")


def choose_xlsx(parent: QWidget, caption: str, proposed: str) -> str:
    path, _ = save_file_name(parent, caption, str(Path.home() / proposed), parent.tr("Excel 통합 문서 (*.xlsx)"))
    if path and not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    return path


class StatPanel(QWidget):
    """One statistic: a note line and its XLSX button above, the table (and chart) below."""

    def __init__(self, page: "StatisticsPage", key: str, chart: BarChart | None = None):
        super().__init__()
        self.page, self.key, self.chart = page, key, chart
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        self.note = QLabel(self.tr("불러오는 중…"))
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        bar.addWidget(self.note, 1)
        self.export_button = QPushButton(self.tr("XLSX 내보내기"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(lambda: page.export(self.key))
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = ExportTableModel(self)
        self.view = QTableView()
        self.view.setTabKeyNavigation(False)  # Tab goes on to the next control, arrows move in the table
        self.view.setModel(self.model)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(False)  # show_table stretches a name column
        self.splitter.addWidget(self.view)
        if chart is not None:
            self.splitter.addWidget(chart)
            self.splitter.setStretchFactor(0, 1)
            self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)
        self.table: Table | None = None
        self._sized_by_user = False
        self.splitter.splitterMoved.connect(lambda *_a: setattr(self, "_sized_by_user", True))

    def show_table(self, table: Table, note: str = "") -> None:
        self.table = table
        self.model.set_table(table)
        header = self.view.horizontalHeader()
        names = [i for i, column in enumerate(table.columns) if column.kind is ColumnKind.TEXT]
        for i, column in enumerate(table.columns):  # the workbook's widths, in characters
            self.view.setColumnWidth(i, max(80, min(320, column.width * 9)))
            # the spare width goes to the first name (an agency, a supplier, a service), not to a number
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch if names and i == names[0]
                                        else QHeaderView.ResizeMode.Interactive)
        self.note.setText(note)
        self.export_button.setEnabled(True)
        self.fit_table()

    def fit_table(self) -> None:
        """Give the table the height of its rows (up to 60 % of the panel) and the chart the rest,
        until the user moves the divider."""
        if self.chart is None or self._sized_by_user:
            return
        total = sum(self.splitter.sizes()) or self.splitter.height()
        rows = self.model.rowCount()
        row_height = self.view.verticalHeader().defaultSectionSize()
        wanted = self.view.horizontalHeader().sizeHint().height() + rows * row_height + 6
        table = max(120, min(wanted, int(total * 0.6)))
        self.splitter.setSizes([table, max(0, total - table)])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.fit_table()


class StatisticsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.choose_save_path: SaveChooser = choose_xlsx
        self.year: int | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("통계"))
        self.year_select, self.reload_button = year_and_reload(self, head, self.reload, self.reload)
        layout.addLayout(head)

        period = QHBoxLayout()
        period.addWidget(QLabel(self.tr("일별 결제 기간")))
        today = kst_date(self.ctx.services.clock.now())
        self.start_edit = date_field(today - timedelta(days=29), min_width=0)
        self.end_edit = date_field(today, min_width=0)
        period.addWidget(self.start_edit)
        period.addWidget(QLabel("~"))
        period.addWidget(self.end_edit)
        self.period_button = QPushButton(self.tr("기간 적용"))
        self.period_button.clicked.connect(self.apply_period)
        period.addWidget(self.period_button)
        period.addStretch(1)
        layout.addLayout(period)
        self.period_error = ErrorLabel(self)  # a refused period, beside its fields
        layout.addWidget(self.period_error)
        self._applied = (today - timedelta(days=29), today)

        self.tabs = QTabWidget()
        self.panels = {
            "screening": StatPanel(self, "screening", BarChart()),
            "budget": StatPanel(self, "budget", BarChart(money=True)),
            "daily": StatPanel(self, "daily", BarChart(money=True)),
            "category": StatPanel(self, "category", BarChart(horizontal=True, money=True)),
            "supplier_ratings": StatPanel(self, "supplier_ratings"),
            "service_ratings": StatPanel(self, "service_ratings"),
        }
        for key, title in (("screening", self.tr("심사 현황")), ("budget", self.tr("예산")),
                           ("daily", self.tr("일별 결제")), ("category", self.tr("분야별 결제")),
                           ("supplier_ratings", self.tr("공급기업 만족도")),
                           ("service_ratings", self.tr("서비스 만족도"))):
            self.tabs.addTab(self.panels[key], title)
        self.panels_order = tuple(self.panels)
        layout.addWidget(self.tabs, 1)

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.year_select.load()
        self.reload()

    def reload(self) -> None:
        for key in self.panels:
            self.load(key)

    def period(self) -> tuple[date, date]:
        """The period last applied (기간 적용): the chart and its table always speak of one."""
        return self._applied

    def apply_period(self) -> None:
        start, end = day_of(self.start_edit), day_of(self.end_edit)
        if end < start:
            problem = self.tr("종료일이 시작일보다 앞섭니다.")
        elif (end - start).days + 1 > st.MAX_PERIOD_DAYS:
            problem = self.tr("기간은 {n}일 이내로 정해 주세요.").format(n=st.MAX_PERIOD_DAYS)
        else:
            problem = ""
        if problem:
            self.period_error.show_message(problem + self.tr(" 일별 결제는 앞서 적용한 기간 그대로입니다."))
            self.end_edit.setFocus()
            return
        self.period_error.clear_message()
        self._applied = (start, end)
        self.load("daily")

    def load(self, key: str) -> None:
        actor, stats, year = self.ctx.actor, self.ctx.services.statistics, self.year_select.year()
        start, end = self.period()
        work = {
            "screening": lambda: stats.screening(actor, year),
            "budget": lambda: stats.budget(actor, year),
            "daily": lambda: stats.payments_by_day(actor, year, start, end),
            "category": lambda: stats.payments_by_category(actor, year),
            "supplier_ratings": lambda: stats.supplier_ratings(actor),
            "service_ratings": lambda: stats.service_ratings(actor),
        }[key]
        shown, programme = getattr(self, f"_show_{key}"), self.ctx.services.programme
        if key == "daily":  # the period the rows are of, whatever the fields say when they arrive
            shown = functools.partial(self._show_daily, period=(start, end))
        self.ctx.query(lambda: (work(), year or programme.settings().year), parent=self, key=key) \
            .busy(text=self.tr("통계를 불러오는 중…")).success(lambda result: shown(*result)).run()

    def _show_screening(self, rows, year) -> None:
        total = sum(r.total for r in rows)
        self.panels["screening"].show_table(st.screening_table(rows, year), note=self.tr(
            "{year}년 신청 기업 {n}곳, 운영기관별 심사 상태").format(year=year, n=f"{total:,}"))
        shown = [r for r in rows if r.total] or list(rows)
        self.panels["screening"].chart.set_bars(
            [r.region for r in shown],
            [(STATUS_LABELS[s], [r.count(s) for r in shown], STATUS_COLOURS[s][0]) for s in st.STATES])

    def _show_budget(self, b: st.BudgetStats, year) -> None:
        share = f"{b.spent / b.approved * 100:.1f}%" if b.approved else "-"
        self.panels["budget"].show_table(st.budget_table(b, year), note=self.tr(
            "{year}년 승인 예산 {approved}원 중 집행 {share} (승인 = 집행 + 진행 중 + 잔액 + 포기)").format(
            year=year, approved=f"{b.approved:,}", share=share))
        labels = [self.tr("집행"), self.tr("결제 진행 중"), self.tr("잔액"), self.tr("포기")]
        values = [b.spent, b.in_progress, b.remaining, b.abandoned]
        self.panels["budget"].chart.set_bars(labels, [(self.tr("금액"), values, BUDGET_COLOURS[0])])

    def _show_daily(self, rows, year, period: tuple[date, date] | None = None) -> None:
        start, end = period or self.period()
        self.panels["daily"].show_table(st.daily_table(rows, year), note=self.tr(
            "{year}년 사업 기업의 {start} ~ {end} 결제 완료 {n}건 {amount}원 (결제 승인일, 한국 시간)").format(
            year=year, start=start.isoformat(), end=end.isoformat(), n=f"{sum(r.count for r in rows):,}",
            amount=f"{sum(r.amount for r in rows):,}") if rows else self.tr(
            "{year}년 사업 기업의 결제가 이 기간에 없습니다. 다른 연도의 결제는 위의 연도를 바꿔 보세요.")
            .format(year=year))
        days = st.every_day(rows, start, end) if rows else ()  # a day without payments is a zero bar
        self.panels["daily"].chart.set_bars([f"{r.day.month}/{r.day.day}" for r in days],
                                            [(self.tr("결제금액"), [r.amount for r in days], "#2563eb")])

    def _show_category(self, rows, year) -> None:
        self.panels["category"].show_table(st.category_table(rows, year), note=self.tr(
            "{year}년 분야별 결제 완료 금액(정부지원금 포함)").format(year=year))
        self.panels["category"].chart.set_bars([r.name for r in rows],
                                               [(self.tr("결제금액"), [r.amount for r in rows], "#0f766e")])

    def _show_supplier_ratings(self, rows, _year) -> None:
        self.panels["supplier_ratings"].show_table(st.supplier_ratings_table(rows), note=self.tr(
            "평가받은 공급기업 {n}곳, 평가 평균 (1–5점, 평가 수로 가중; 모든 연도의 평가)").format(n=len(rows))
            if rows else self.tr("아직 완료된 평가가 없습니다."))

    def _show_service_ratings(self, rows, _year) -> None:
        self.panels["service_ratings"].show_table(st.service_ratings_table(rows), note=self.tr(
            "평가받은 서비스 {n}개, 평균 점수가 높은 순 (1–5점; 모든 연도의 평가)").format(n=len(rows))
            if rows else self.tr("아직 완료된 평가가 없습니다."))

    # --- export ------------------------------------------------------------------------------
    def export(self, key: str) -> None:
        table = self.panels[key].table
        if table is None:
            return
        today = kst_date(self.ctx.services.clock.now())
        path = self.choose_save_path(self, self.tr("XLSX로 저장"), file_name(table.title, today))
        if not path:
            return

        def write() -> Path:
            return write_file(path, to_xlsx(table))

        self.ctx.query(write, parent=self) \
            .busy(text=self.tr("XLSX 파일을 쓰는 중…")) \
            .success(lambda written: self.ctx.show_success(self.tr("XLSX 파일로 저장했습니다."), str(written))).run()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        self.year_select.follow(changes)
        if self.isVisible() and changes.touches(Entity.COMPANY, Entity.PAYMENT, Entity.VOUCHER, Entity.EVALUATION):
            self.reload()


def file_name(title: str, day: date) -> str:
    """The save dialog's proposal: the title without characters file systems refuse, and the day."""
    clean = "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in title).strip() or "통계"
    return f"{clean}_{day:%Y%m%d}.xlsx"
