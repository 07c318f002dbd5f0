"""The totals line of a period under the payments' lists (서비스 결제관리, 청구내역)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ...services.dto import PaymentTotals
from ...services.rules.money import format_krw


def totals_text(totals: PaymentTotals) -> str:
    ok, gone = totals.succeeded, totals.cancelled
    return (f"결제성공 {ok.count:,}건 · 결제금액 {format_krw(ok.amount)} · 정부지원금 {format_krw(ok.government_share)}"
            f" · 자부담 {format_krw(ok.self_share)}    |    결제취소 {gone.count:,}건 · {format_krw(gone.amount)}"
            f" (정부지원금 {format_krw(gone.government_share)} · 자부담 {format_krw(gone.self_share)})")


class TotalsLine(QLabel):
    """"2026-03-01 ~ 2026-03-05 합계 — 결제성공 …": wrapped, selectable to copy."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("totalsLine")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def show_totals(self, period: tuple[date, date], totals: PaymentTotals) -> None:
        start, end = period
        self.setText(self.tr("{start} ~ {end} 합계 — {totals}").format(
            start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}", totals=totals_text(totals)))
