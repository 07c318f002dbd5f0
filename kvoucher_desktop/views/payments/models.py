"""Table models of 서비스 결제관리: one keyset-paged table per tab (총내역 / 결제성공 / 결제실패 /
결제취소) over `payments.list_tab`, and the supplier's settlement summary (per day, month and
payout date) from `payments.settlement`.

`PaymentTableModel.sync()` reloads as many rows as are loaded (in the background) and puts them
in place keeping the selected row selected, so a cancellation elsewhere does not throw the user
back to the top of a long list.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont

from ...enums import PaymentStatus, PaymentTab, Role
from ...services.clock import format_kst
from ...services.dto import PaymentView, SettlementKind, SettlementRow
from ...services.rules.money import format_krw
from ...services.rules.payments import cancel_reason_text
from ..widgets.tables import ALIGN_CENTER, ALIGN_RIGHT, Column, KeysetTableModel, RowTableModel

P = PaymentStatus
TABS = (PaymentTab.ALL, PaymentTab.SUCCEEDED, PaymentTab.FAILED, PaymentTab.CANCELLED)
STATUS_COLOURS = {P.IN_PROGRESS: "#b45309", P.SUCCEEDED: "#15803d", P.FAILED: "#b91c1c", P.CANCELLED: "#9a3412"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("PaymentManage", text)


def tab_label(tab: PaymentTab) -> str:
    return {PaymentTab.ALL: _tr("총내역"), PaymentTab.SUCCEEDED: _tr("결제성공"), PaymentTab.FAILED: _tr("결제실패"),
            PaymentTab.CANCELLED: _tr("결제취소")}[tab]


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def method_text(p: PaymentView) -> str:
    """결제수단: the card as ****-****-****-1234 after the issuer's name, ZeroPay by its name."""
    return f"{p.method_label} {p.card_masked}" if p.card_masked else p.method_label


def status_text(p: PaymentView) -> str:
    if p.cancel_pending:
        return _tr("취소 요청 중")
    return p.status_label


def paid_at(p: PaymentView):
    return p.approved_at or p.created_at


class PaymentTableModel(KeysetTableModel):
    """One tab of the actor's payments in a period, newest first, paged in the background."""

    synced = Signal()

    def __init__(self, ctx, tab: PaymentTab, role: Role, parent: QObject | None = None):
        super().__init__(ctx, [], parent=parent)
        self.tab, self.role = tab, role
        self.period: tuple[date | None, date | None] = (None, None)
        self._columns = self.make_columns()
        titles = [c.title for c in self._columns]
        self._status_column = titles.index(_tr("상태")) if _tr("상태") in titles else None

    def make_columns(self) -> list[Column]:
        tr = _tr
        other = (lambda p: p.supplier_name) if self.role is Role.DEMAND else (lambda p: p.company_name)
        columns = [
            Column(tr("결제일시"), lambda p: format_kst(paid_at(p)), ALIGN_CENTER, 128,
                   tooltip=lambda p: tr("{at} (한국시간)").format(at=format_kst(paid_at(p), seconds=True))),
            Column(tr("서비스"), lambda p: p.service_name, width=170, tooltip=lambda p: p.service_name),
            Column(tr("공급기업") if self.role is Role.DEMAND else tr("수요기업"), other, width=160, tooltip=other),
            Column(tr("결제금액"), lambda p: format_krw(p.amount), ALIGN_RIGHT, 100),
            Column(tr("정부지원금"), lambda p: format_krw(p.government_share), ALIGN_RIGHT, 100),
            Column(tr("자부담"), lambda p: format_krw(p.self_share), ALIGN_RIGHT, 90),
            Column(tr("결제수단"), method_text, width=200, tooltip=method_text),
        ]
        # a column that would say the same on every row of the tab is left out (결제실패 has no
        # approval number, and a one-state tab's name is its state): the reason gets the room
        if self.tab is not PaymentTab.FAILED:
            columns.append(Column(tr("승인번호"), lambda p: p.approval_no or "-", ALIGN_CENTER, 90))
        if self.tab not in (PaymentTab.FAILED, PaymentTab.CANCELLED):
            columns.append(Column(tr("상태"), status_text, ALIGN_CENTER, 80,
                                  tooltip=lambda p: (p.cancel_refusal or "") if p.status is P.SUCCEEDED else ""))
        if self.tab is PaymentTab.FAILED:
            columns.append(Column(tr("실패 사유"), lambda p: one_line(p.failure_reason), width=220,
                                  tooltip=lambda p: p.failure_reason or ""))
        elif self.tab is PaymentTab.BILLED:
            columns.append(Column(tr("취소일시"), lambda p: format_kst(p.cancelled_at) or "-", ALIGN_CENTER, 128,
                                  tooltip=lambda p: one_line(p.cancel_reason)))
        elif self.tab is PaymentTab.CANCELLED:
            columns += [
                Column(tr("취소일시"), lambda p: format_kst(p.cancelled_at), ALIGN_CENTER, 128),
                Column(tr("취소 사유"), lambda p: cancel_reason_text(p.cancel_reason), width=200,
                       tooltip=lambda p: tr("{reason} · 취소한 사람: {who}").format(
                           reason=cancel_reason_text(p.cancel_reason), who=p.cancelled_by_name or "-")),
            ]
        return columns

    @property
    def status_column(self) -> int | None:
        return self._status_column

    def row_data(self, row: PaymentView, column: int, role: int):
        if column == self.status_column:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(STATUS_COLOURS[row.status])
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return None

    # --- loading -----------------------------------------------------------------------------
    def set_period(self, start: date | None, end: date | None) -> None:
        """The period the tab lists (KST days, both ends included); loads again when it started."""
        if (start, end) != self.period:
            self.period = (start, end)
            if self.started:
                self.start()

    def start(self) -> None:
        actor, payments, tab = self._ctx.actor, self._ctx.services.payments, self.tab
        start, end = self.period
        self.set_source(lambda cursor: payments.list_tab(actor, tab, start, end, cursor))


class SettlementModel(RowTableModel):
    """One kind of the supplier's settlement rows: per day, per month, or per payout date."""

    def __init__(self, kind: SettlementKind, parent: QObject | None = None):
        tr = _tr
        first = {SettlementKind.DAY: Column(tr("결제일"), lambda r: f"{r.period:%Y-%m-%d}", ALIGN_CENTER, 110),
                 SettlementKind.MONTH: Column(tr("결제월"), lambda r: f"{r.period:%Y-%m}", ALIGN_CENTER, 110),
                 SettlementKind.PAYOUT: Column(tr("지급 예정일"), lambda r: f"{r.period:%Y-%m-%d}", ALIGN_CENTER, 110)}
        columns = [first[kind], Column(tr("건수"), lambda r: f"{r.count:,}건", ALIGN_RIGHT, 70),
                   Column(tr("결제금액"), lambda r: format_krw(r.amount), ALIGN_RIGHT, 120)]
        if kind is SettlementKind.DAY:
            columns.append(Column(tr("지급 예정일"), lambda r: f"{r.payout_date:%Y-%m-%d}", ALIGN_CENTER, 110))
        columns += [Column(tr("수수료"), lambda r: format_krw(r.fee), ALIGN_RIGHT, 100,
                           tooltip=lambda r: tr("수수료율 {rate}% (지급 건별, 원 단위 버림)").format(
                               rate=f"{r.fee_bp / 100:g}")),
                    Column(tr("정산금액"), lambda r: format_krw(r.net), ALIGN_RIGHT, 120)]
        super().__init__(columns, key=lambda r: (r.kind, r.period), parent=parent)
        self.kind = kind

    def set_settlement(self, rows: tuple[SettlementRow, ...]) -> None:
        self.set_rows([r for r in rows if r.kind is self.kind])
