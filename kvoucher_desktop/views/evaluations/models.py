"""Table models of 서비스 정산 / 받은 평가: one keyset-paged table per tab (평가대기 / 평가완료) over
`evaluations.list_tab`; 평가완료 shows each row's average beside its five scores."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QColor, QFont

from ...enums import EvaluationStatus, Role
from ...services.clock import format_kst
from ...services.dto import EvaluationView
from ...services.rules.evaluations import CRITERIA
from ...services.rules.money import format_krw
from ..widgets.tables import ALIGN_CENTER, ALIGN_RIGHT, Column, KeysetTableModel

E = EvaluationStatus
#: the tabs each role has (the service refuses the rest): the supplier sees 평가완료 only
ROLE_TABS = {Role.DEMAND: (E.PENDING, E.DONE), Role.AGENCY: (E.PENDING, E.DONE), Role.SUPPLIER: (E.DONE,)}
SHORT = {"quality": "품질", "timeliness": "납기", "communication": "소통", "price": "가격", "overall": "만족도"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Evaluations", text)


def tab_label(tab: EvaluationStatus, role: Role | None = None) -> str:
    if tab is E.DONE and role is Role.SUPPLIER:
        return _tr("받은 평가")
    return {E.PENDING: _tr("평가대기"), E.DONE: _tr("평가완료")}[tab]


def average_text(ev: EvaluationView) -> str:
    return "-" if ev.average is None else _tr("{avg}점").format(avg=f"{ev.average:.1f}")


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


class EvaluationTableModel(KeysetTableModel):
    """One tab of the actor's evaluations, newest first, paged in the background."""

    def __init__(self, ctx, tab: EvaluationStatus, role: Role | None, parent: QObject | None = None):
        super().__init__(ctx, [], parent=parent)
        self.tab, self.role = tab, role
        self._columns = self.make_columns()

    def make_columns(self) -> list[Column]:
        tr = _tr
        columns = []
        if self.tab is E.PENDING:
            columns.append(Column(tr("결제일시"), lambda e: format_kst(e.paid_at or e.created_at), ALIGN_CENTER, 128))
        else:
            columns.append(Column(tr("평가일시"), lambda e: format_kst(e.evaluated_at), ALIGN_CENTER, 128))
        columns.append(Column(tr("서비스"), lambda e: e.service_name, width=240, tooltip=lambda e: e.service_name))
        if self.role is not Role.DEMAND:
            columns.append(Column(tr("수요기업"), lambda e: e.company_name, width=160, tooltip=lambda e: e.company_name))
        if self.role is not Role.SUPPLIER:
            columns.append(Column(tr("공급기업"), lambda e: e.supplier_name, width=130,
                                  tooltip=lambda e: e.supplier_name))
        columns.append(Column(tr("결제금액"), lambda e: format_krw(e.amount), ALIGN_RIGHT, 100))
        if self.tab is E.PENDING:
            columns.append(Column(tr("상태"), lambda e: e.status_label, ALIGN_CENTER, 80,
                                  tooltip=lambda e: e.submit_refusal or tr("평가하기를 눌러 평가해 주세요.")))
            return columns
        columns.append(Column(tr("평균"), average_text, ALIGN_CENTER, 70))
        for field, label in CRITERIA:
            columns.append(Column(tr(SHORT[field]), lambda e, f=field: str(getattr(e, f)), ALIGN_CENTER, 52,
                                  tooltip=lambda e, f=field, lb=label: f"{lb} {getattr(e, f)}점"))
        columns.append(Column(tr("의견"), lambda e: one_line(e.comment) or "-", width=200,
                              tooltip=lambda e: e.comment or ""))
        return columns

    @property
    def average_column(self) -> int | None:
        titles = [c.title for c in self._columns]
        return titles.index(_tr("평균")) if _tr("평균") in titles else None

    def row_data(self, row: EvaluationView, column: int, role: int):
        if column == self.average_column:
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#1d4ed8")
        return None

    def start(self) -> None:
        actor, evaluations, tab = self._ctx.actor, self._ctx.services.evaluations, self.tab
        self.set_source(lambda cursor: evaluations.list_tab(actor, tab, cursor))
