"""Table models of the 서비스 요청 inbox: one keyset-paged table per tab, the 결제하기 table with
check boxes, and the event history of one deal.

`DealTableModel.sync()` refreshes a tab without a reset: it reloads as many rows as are loaded
(in the background), then removes, inserts and updates single rows, so the selection and the
scroll position survive a refresh.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from ...enums import DealState, DealTab, Role
from ...services.clock import format_deadline_kst, format_kst
from ...services.dto import DealEventView, DealView
from ...services.rules.money import format_krw
from ..widgets.tables import ALIGN_CENTER, ALIGN_RIGHT, Column, KeysetTableModel, RowTableModel

D = DealState

#: foreground colour of each state (table cells and the badge of the detail panel)
STATE_COLOURS = {
    D.CONSULT_REQUESTED: ("#1d4ed8", "#dbeafe"),
    D.ACCEPTED: ("#0f766e", "#ccfbf1"),
    D.PAYMENT_REQUESTED: ("#7c3aed", "#ede9fe"),
    D.IN_CART: ("#b45309", "#fef3c7"),
    D.PAID: ("#15803d", "#dcfce7"),
    D.REJECTED: ("#b91c1c", "#fee2e2"),
    D.EXPIRED: ("#52606d", "#e4e7eb"),
    D.CANCELLED: ("#9a3412", "#ffedd5"),
}

LIST_PRICE_FOREGROUND = QColor("#7b8794")  # a listed price, not yet a requested amount

#: tabs holding deals whose payment was requested: the date shown is that of the payment request
PAYMENT_TABS = (DealTab.PAYMENT_REQUESTED, DealTab.CART, DealTab.PAY)


def tab_label(tab: DealTab) -> str:
    tr = QCoreApplication.translate
    return {
        DealTab.CONSULT: tr("DealInbox", "거래상담"),
        DealTab.ACCEPTED: tr("DealInbox", "거래수락"),
        DealTab.PAYMENT_REQUESTED: tr("DealInbox", "결제요청"),
        DealTab.CART: tr("DealInbox", "장바구니"),
        DealTab.PAY: tr("DealInbox", "결제하기"),
        DealTab.DONE: tr("DealInbox", "결제완료·취소"),
        DealTab.CLOSED: tr("DealInbox", "반려·불가"),
    }[tab]




def amount_tooltip(deal: DealView) -> str:
    """The cell shows the requested amount, or (in grey) the listed price while none was requested."""
    tr = QCoreApplication.translate
    if deal.amount is not None:
        return tr("DealInbox", "결제요청 금액 {amount} (서비스 등록가 {price})").format(
            amount=format_krw(deal.amount), price=format_krw(deal.list_price))
    return tr("DealInbox", "서비스 등록가 {price} (아직 결제요청 금액이 없습니다)").format(price=format_krw(deal.list_price))


def pay_amount(deal: DealView) -> int:
    return deal.amount if deal.amount is not None else deal.list_price


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def last_if_none(value) -> tuple:
    """A sort key that puts a missing value after every present one."""
    return (value is None, value if value is not None else 0)


class DealTableModel(KeysetTableModel):
    """One inbox tab of the actor, most recently changed first, paged in the background."""

    synced = Signal()

    def __init__(self, ctx, tab: DealTab, role: Role, parent: QObject | None = None):
        super().__init__(ctx, [], parent=parent)
        self.tab = tab
        self.role = role
        self.merging = False  # True while a refresh patches rows (the views' selections follow by themselves)
        self._columns = self.make_columns()
        #: (column, order) of a header click, or None: the inbox's own order (most recently changed first)
        self.sort_order: tuple[int, Qt.SortOrder] | None = None
        self._arrival: dict = {}  # key -> place in the inbox's own order of the loaded rows

    def make_columns(self) -> list[Column]:
        tr = self.tr
        demand = self.role is Role.DEMAND
        closed = self.tab is DealTab.CLOSED
        if self.tab in PAYMENT_TABS:
            date_column = Column(tr("결제요청일시"), lambda d: format_kst(d.payment_requested_at or d.requested_at),
                                 ALIGN_CENTER, 124, sort=lambda d: d.payment_requested_at or d.requested_at)
        else:
            date_column = Column(tr("요청일시"), lambda d: format_kst(d.requested_at), ALIGN_CENTER, 124,
                                 sort=lambda d: d.requested_at)
        other = (lambda d: d.supplier_name) if demand else (lambda d: d.company_name)
        columns = [
            Column(tr("서비스명"), lambda d: d.service_name, width=150, tooltip=lambda d: d.service_name),
            Column(tr("공급기업") if demand else tr("수요기업"), other, width=100, tooltip=other),
            Column(tr("상태"), lambda d: d.state_label, ALIGN_CENTER, 62),
            date_column,
            Column(tr("금액"), lambda d: format_krw(pay_amount(d)), ALIGN_RIGHT, 96, tooltip=amount_tooltip,
                   sort=pay_amount),
        ]
        if closed or self.tab is DealTab.DONE:
            columns += [
                Column(tr("종료일시") if closed else tr("결제·취소일시"), lambda d: format_kst(d.closed_at),
                       ALIGN_CENTER, 124, sort=lambda d: last_if_none(d.closed_at)),
                Column(tr("반려 메모·불가 사유") if closed else tr("취소 사유"), lambda d: one_line(d.close_reason),
                       width=200, tooltip=lambda d: d.close_reason or ""),
            ]
        else:
            columns += [
                Column(tr("결제기한") if self.tab in PAYMENT_TABS else tr("응답기한"),
                       lambda d: format_deadline_kst(d.deadline_at) or "-", ALIGN_CENTER, 124,
                       tooltip=lambda d: self.tr("{at}이 지나면 불가 처리됩니다.").format(
                           at=format_deadline_kst(d.deadline_at)) if d.deadline_at else "",
                       sort=lambda d: last_if_none(d.deadline_at)),
                Column(tr("메모"), lambda d: one_line(d.memo), width=200, tooltip=lambda d: d.memo),
            ]
        return columns

    def start(self) -> None:
        """Load the first page of the tab (forgetting what was loaded)."""
        actor = self._ctx.actor
        deals = self._ctx.services.deals
        tab = self.tab
        self.set_source(lambda cursor: deals.list_tab(actor, tab, cursor))

    def place_synced(self, rows: list) -> None:
        self.merge_rows(rows)  # patched in place: no reset (the selection and scroll stay)

    def merge_rows(self, new_rows: list) -> None:
        """Make the rows equal to `new_rows` with single-row removes, inserts and updates."""
        self.merging = True
        try:
            self._note_arrival(new_rows, restart=True)
            self._merge(self._ordered(new_rows))
        finally:
            self.merging = False

    def _merge(self, new_rows: list) -> None:
        position = {self._key(r): i for i, r in enumerate(new_rows)}
        self.remove_keys([k for k in self._index if k not in position])
        # rows that moved (a changed deal goes to the top) are removed and inserted again
        last, moved = -1, []
        for r in self._rows:
            p = position[self._key(r)]
            if p > last:
                last = p
            else:
                moved.append(self._key(r))
        self.remove_keys(moved)
        # what is left is in the new order: walk the new rows, inserting the missing ones
        for i, r in enumerate(new_rows):
            if i < len(self._rows) and self._key(self._rows[i]) == self._key(r):
                if self._rows[i] != r:
                    self._rows[i] = r
                    self.dataChanged.emit(self.index(i, 0), self.index(i, len(self._columns) - 1))
            else:
                self.beginInsertRows(QModelIndex(), i, i)
                self._rows.insert(i, r)
                self.endInsertRows()
        self._reindex()

    def row_data(self, row: DealView, column: int, role: int):
        if column == self.state_column + 2 and role == Qt.ItemDataRole.ForegroundRole and row.amount is None:
            return LIST_PRICE_FOREGROUND
        if column == self.state_column:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(STATE_COLOURS[row.state][0])
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return None

    @property
    def state_column(self) -> int:
        return 2

    @property
    def name_columns(self) -> tuple[int, int]:
        """서비스명 and the other company's name: the columns that get the width their text needs."""
        return self.state_column - 2, self.state_column - 1

    # --- sorting the loaded rows (header clicks) ---------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the loaded rows by `column` (-1: the inbox's own order). Pages loaded later by
        scrolling, and refreshes, are put into the same order; the service's paging is untouched."""
        self.sort_order = (column, Qt.SortOrder(order)) if 0 <= column < len(self._columns) else None
        self._resort()

    def set_rows(self, rows) -> None:
        rows = list(rows)
        self._note_arrival(rows, restart=True)
        super().set_rows(self._ordered(rows))

    def append_rows(self, rows: list) -> None:
        self._note_arrival(rows, restart=False)
        super().append_rows(rows)
        if self.sort_order is not None:
            self._resort()

    def _note_arrival(self, rows, restart: bool) -> None:
        if restart:
            self._arrival = {}
        for r in rows:
            self._arrival.setdefault(self._key(r), len(self._arrival))

    def _ordered(self, rows: list) -> list:
        ordered = sorted(rows, key=lambda r: self._arrival.get(self._key(r), len(self._arrival)))
        if self.sort_order is None:
            return ordered
        column, order = self.sort_order
        spec = self._columns[column]
        key = spec.sort or spec.text
        return sorted(ordered, key=key, reverse=order == Qt.SortOrder.DescendingOrder)  # stable either way

    def _resort(self) -> None:
        ordered = self._ordered(self._rows)
        if [self._key(r) for r in ordered] == [self._key(r) for r in self._rows]:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(self._key(self._rows[i.row()]), i.column()) if i.isValid() else None for i in persistent]
        self._rows = ordered
        self._reindex()
        self.changePersistentIndexList(
            persistent, [self.index(self._index[k[0]], k[1]) if k is not None else QModelIndex() for k in kept])
        self.layoutChanged.emit()


class PayTableModel(DealTableModel):
    """결제하기: payment-requested deals (also those in the cart) with a check box each."""

    checked_changed = Signal()

    def __init__(self, ctx, role: Role, parent: QObject | None = None):
        super().__init__(ctx, DealTab.PAY, role, parent)
        self.checked: set[uuid.UUID] = set()

    def make_columns(self) -> list[Column]:
        return [Column(self.tr("선택"), lambda d: "", ALIGN_CENTER, 44, sort=lambda d: d.id not in self.checked),
                *super().make_columns()]

    @property
    def state_column(self) -> int:
        return 3

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def row_data(self, row: DealView, column: int, role: int):
        if column == 0 and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row.id in self.checked else Qt.CheckState.Unchecked
        if column == 0 and role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("함께 결제할 거래를 선택합니다.")
        return super().row_data(row, column, role)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        row = self.row_at(index.row())
        if row is None:
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.checked.add(row.id)
        else:
            self.checked.discard(row.id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()
        return True

    def set_checked(self, deal_id: uuid.UUID, checked: bool) -> bool:
        pos = self.position_of(deal_id)
        if pos is None:
            return False
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return self.setData(self.index(pos, 0), state.value, Qt.ItemDataRole.CheckStateRole)

    def checked_rows(self) -> list[DealView]:
        """Ticked deals in list order."""
        return [r for r in self._rows if r.id in self.checked]

    def checked_total(self) -> int:
        return sum(pay_amount(r) for r in self.checked_rows())

    def set_rows(self, rows) -> None:
        super().set_rows(rows)
        self._forget_missing()

    def merge_rows(self, new_rows: list) -> None:
        super().merge_rows(new_rows)
        self._forget_missing()

    def _forget_missing(self) -> None:
        gone = {k for k in self.checked if k not in self._index}
        if gone:
            self.checked -= gone
            self.checked_changed.emit()


def event_text(event: DealEventView) -> str:
    parts = []
    if event.amount is not None:
        parts.append(QCoreApplication.translate("DealInbox", "금액 {amount}").format(amount=format_krw(event.amount)))
    if event.memo:
        parts.append(event.memo)
    return " · ".join(parts) or "-"


def event_summary(event: DealEventView) -> str:
    return f"{format_kst(event.at)} (한국시간) · {event.action_label} · {event.actor_name}\n{event_text(event)}"


class DealEventModel(RowTableModel):
    """처리 이력 of one deal in the detail panel: 시각 | 처리 (with who) | 내용 (memo or amount)."""

    def __init__(self, parent=None):
        super().__init__([], key=lambda e: (e.at, e.action, e.to_state), parent=parent)
        self._columns = [
            Column(self.tr("시각"), lambda e: format_kst(e.at).replace(" ", "\n"), ALIGN_CENTER, 84,
                   tooltip=event_summary),
            Column(self.tr("처리"), lambda e: f"{e.action_label}\n{e.actor_name}", ALIGN_CENTER, 110,
                   tooltip=event_summary),
            Column(self.tr("내용"), event_text, width=200, tooltip=event_summary),
        ]
