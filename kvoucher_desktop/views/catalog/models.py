"""Table models and small text helpers shared by the catalog pages."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QColor

from ...services.catalog import PAGE_SIZE
from ...services.dto import InquiryView, ServiceRow
from ...services.clock import format_kst
from ...services.rules.money import format_krw
from ..widgets.tables import ALIGN_CENTER, ALIGN_RIGHT, Column, KeysetTableModel, RowTableModel


def _tr(text: str) -> str:
    return QCoreApplication.translate("catalog", text)


def rating_text(row: ServiceRow) -> str:
    """"4.3 (12)" — the mean of completed evaluations and their count, or "-" without any."""
    if row.rating is None or not row.rating_count:
        return "-"
    return f"{row.rating:.1f} ({row.rating_count:,})"


def keywords_text(row: ServiceRow) -> str:
    return ", ".join(row.keywords)


def service_columns(*, supplier: bool = True, keywords: bool = True) -> list[Column]:
    columns = [
        Column(_tr("서비스명"), lambda r: r.name, width=280, tooltip=lambda r: r.name),
        Column(_tr("분류"), lambda r: r.category_name, ALIGN_CENTER, 170),
    ]
    if supplier:
        columns.append(Column(_tr("공급기업"), lambda r: r.supplier_name, width=170, tooltip=lambda r: r.supplier_name))
    columns += [
        Column(_tr("가격"), lambda r: format_krw(r.price), ALIGN_RIGHT, 120),
        Column(_tr("평점"), rating_text, ALIGN_CENTER, 80,
               tooltip=lambda r: _tr("만족도 평가 {n}건의 평균").format(n=r.rating_count) if r.rating_count else ""),
    ]
    if keywords:
        columns.append(Column(_tr("키워드"), keywords_text, width=200, tooltip=keywords_text))
    return columns


class ServiceSearchModel(KeysetTableModel):
    """Search results, paged through catalog.search with its (name, id) keyset cursor."""

    def __init__(self, ctx, page_size: int = PAGE_SIZE, parent: QObject | None = None):
        super().__init__(ctx, service_columns(), parent=parent)
        self.page_size = page_size
        self.query = ""
        self.category: str | None = None

    def set_search(self, query: str, category: str | None) -> None:
        catalog = self._ctx.services.catalog
        actor, limit = self._ctx.actor, self.page_size
        self.query, self.category = query, category

        def fetch(cursor):
            return catalog.search(actor, query, category, cursor, limit)

        self.set_source(fetch)


class ServiceListModel(RowTableModel):
    """A plain list of services (the wishlist)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(service_columns(), parent=parent)


WAITING_COLOUR = QColor("#b45309")
ANSWERED_COLOUR = QColor("#15803d")


def answer_state(q: InquiryView) -> str:
    return _tr("답변 완료") if q.answered_at is not None else _tr("답변 대기")


def one_line(text: str, limit: int = 80) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class InquiryListModel(RowTableModel):
    """A demand company's inquiries: service, question (one line), asked at, answer state."""

    def __init__(self, parent: QObject | None = None):
        super().__init__([
            Column(_tr("서비스"), lambda q: q.service_name, width=220, tooltip=lambda q: q.service_name),
            Column(_tr("문의 내용"), lambda q: one_line(q.question), width=420, tooltip=lambda q: q.question),
            Column(_tr("문의일시"), lambda q: format_kst(q.asked_at), ALIGN_CENTER, 130),
            Column(_tr("답변 상태"), answer_state, ALIGN_CENTER, 90),
        ], parent=parent)

    def row_data(self, row: InquiryView, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return WAITING_COLOUR if row.answered_at is None else ANSWERED_COLOUR
        return None
