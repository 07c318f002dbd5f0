"""서비스 결제관리, 청구내역 and the papers: tabs with counts, totals, exports, the settlement
summary and the documents for filing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select

from ...enums import BillingExport, PaperKind, PaymentTab, Role
from ...models import Payment
from .. import billing, documents, exports
from .. import payment_papers as papers_data
from ..dto import (
    Actor,
    Page,
    PaperData,
    PaymentSum,
    PaymentTotals,
    PaymentView,
    SettlementKind,
    SettlementRow,
    TimeCursor,
)
from ..errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from ..guards import require_role
from ..repositories.rows import read_tuples
from ..rules import payments as rules
from ..rules.inputs import clean_cursor, clean_enum, clean_page_size, clean_uuid
from .queries import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    P,
    _counts_stmt,
    _list_stmt,
    _totals_stmt,
    owns,
    payment_views,
    period_bounds,
)


class Lists:
    """The lists, exports and papers of payments (a part of PaymentService)."""

    # --- 서비스 결제관리 -----------------------------------------------------------------------
    def _bounds(self, actor: Actor, start: date | None, end: date | None) -> tuple[str | None, dict]:
        """(the owner column of the actor's side, the bound values: owner and the period's UTC bounds)."""
        if actor.role not in (Role.DEMAND, Role.SUPPLIER, Role.AGENCY):
            raise PermissionDenied("결제 내역은 수요기업, 공급기업과 전문기관만 볼 수 있습니다.", code="role")
        owner = "company_id" if actor.role is Role.DEMAND else "supplier_id" if actor.role is Role.SUPPLIER else None
        params: dict = {}
        if owner is not None:
            params["owner"] = actor.company_id if owner == "company_id" else actor.supplier_id
        first, after = period_bounds(start, end)
        if first is not None:
            params["start"] = first
        if after is not None:
            params["end"] = after
        return owner, params

    def counts(self, actor: Actor, start: date | None = None, end: date | None = None) -> dict[PaymentTab, int]:
        """Payments per tab in the period (KST days, both ends included)."""
        owner, params = self._bounds(actor, start, end)
        with self.uow() as uow:  # plain rows on the unit's connection
            rows = read_tuples(uow.connection, _counts_stmt(owner, "start" in params, "end" in params), params)
        by_status = {status: n for status, n in rows}
        return {tab: sum(by_status.get(s, 0) for s in rules.TAB_STATUSES[tab]) for tab in PaymentTab}

    def list_tab(self, actor: Actor, tab: PaymentTab, start: date | None = None, end: date | None = None,
                 cursor: TimeCursor | None = None, limit: int = PAGE_SIZE
                 ) -> Page[PaymentView, TimeCursor]:
        """One tab of 서비스 결제관리, newest first; keyset paging on (created_at, id)."""
        owner, params = self._bounds(actor, start, end)
        tab = clean_enum(tab, PaymentTab, "tab", "탭")
        cursor = clean_cursor(cursor, datetime, uuid.UUID)
        limit = clean_page_size(limit, MAX_PAGE_SIZE)
        if cursor is not None:
            params["after_at"], params["after_id"] = cursor
        stmt = _list_stmt(owner, tab, "start" in params, "end" in params, cursor is not None, limit)
        with self.uow() as uow:  # rows, not objects (a list page)
            rows = read_tuples(uow.connection, stmt, params)
        out = payment_views(rows[:limit], actor, self.clock.now())
        more = len(rows) > limit
        return Page(out, (out[-1].created_at, out[-1].id) if more else None)

    def totals(self, actor: Actor, start: date | None = None, end: date | None = None) -> PaymentTotals:
        """The totals line under the lists: count, amount, government share and self-payment of the
        SUCCEEDED payments of the period and, apart, of the CANCELLED ones (the same scope and KST
        days as `counts` and `list_tab`)."""
        owner, params = self._bounds(actor, start, end)
        with self.uow() as uow:
            rows = read_tuples(uow.connection, _totals_stmt(owner, "start" in params, "end" in params), params)
        sums = {status: PaymentSum(int(n), int(amount), int(gov), int(own)) for status, n, amount, gov, own in rows}
        return PaymentTotals(succeeded=sums.get(P.SUCCEEDED, PaymentSum()),
                             cancelled=sums.get(P.CANCELLED, PaymentSum()))

    # --- 청구내역 --------------------------------------------------------------------------------
    def export_billing(self, actor: Actor, kind: BillingExport, start: date | None = None, end: date | None = None,
                       *, progress: Callable[[float, str], None] | None = None,
                       cancelled: Callable[[], bool] | None = None) -> bytes | None:
        """청구내역 of the period (the actor's side, KST days as in `list_tab`) as a file: XLSX or CSV
        of every completed and cancelled payment with the totals rows (services/billing.py), or
        SLIPS: one PDF of the period's papers (`papers`) with index pages (services/documents). A job
        in calibre's shape: `progress(fraction, message)`, `cancelled()` looked at between pages of
        rows; None when the user cancelled."""
        kind = clean_enum(kind, BillingExport, "kind", "내려받기 형식")
        if kind is BillingExport.SLIPS:
            papers = self.papers(actor, start, end)
            if progress is not None:
                progress(0.05, f"{len(papers):,}건")
            return documents.render_batch(papers, heading=billing.title_of(start, end).removeprefix("청구내역 "),
                                          progress=None if progress is None else
                                          (lambda f, m: progress(0.05 + 0.95 * f, m)), cancelled=cancelled)
        total = self.counts(actor, start, end)[PaymentTab.BILLED]
        table = billing.billing_table(self._billed_pages(actor, start, end), start, end, total=total,
                                      progress=progress, cancelled=cancelled)
        try:
            return exports.to_xlsx(table) if kind is BillingExport.XLSX else exports.to_csv(table)
        except billing.ExportCancelled:
            return None

    def _billed_pages(self, actor: Actor, start: date | None, end: date | None):
        """The pages of 청구내역, newest first, as the list reads them."""
        cursor = None
        while True:
            page = self.list_tab(actor, PaymentTab.BILLED, start, end, cursor, MAX_PAGE_SIZE)
            yield page.rows
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def settlement(self, actor: Actor, start: date | None = None,
                   end: date | None = None) -> tuple[SettlementRow, ...]:
        """The supplier's received payments (SUCCEEDED, by the KST day of approval, both ends of
        the period included) per day and per month, and the settlement summary per payout date
        (D + the programme's settlement days, 10 by default) with the programme's fee
        (`settlement_fee_bp`, rounded down to the won per payout) and the net amount. Rows: DAY,
        then MONTH, then PAYOUT, each oldest first."""
        require_role(actor, Role.SUPPLIER)
        where = [Payment.supplier_id == actor.supplier_id, Payment.status == P.SUCCEEDED,
                 Payment.approved_at.is_not(None)]
        first, after = period_bounds(start, end)
        if first is not None:
            where.append(Payment.approved_at >= first)
        if after is not None:
            where.append(Payment.approved_at < after)
        with self.uow() as uow:
            settings = uow.settings.current()
            fee_bp, days = settings.settlement_fee_bp, settings.settlement_days
            rows = uow.session.execute(select(Payment.approved_at, Payment.amount, Payment.government_share,
                                              Payment.self_share).where(*where)).all()
        by_day, by_month = rules.settlement_rows(rows, fee_bp, days)
        out = [SettlementRow(SettlementKind.DAY, day, n, amount, gov, own, fee, amount - fee, payout, fee_bp)
               for day, payout, n, amount, gov, own, fee in by_day]
        out += [SettlementRow(SettlementKind.MONTH, month, n, amount, gov, own, fee, amount - fee, None, fee_bp)
                for month, n, amount, gov, own, fee in by_month]
        out += [SettlementRow(SettlementKind.PAYOUT, payout, n, amount, gov, own, fee, amount - fee, payout, fee_bp)
                for _day, payout, n, amount, gov, own, fee in by_day]
        return tuple(out)

    # --- documents for filing (SPEC §11) -----------------------------------------------------
    def paper(self, actor: Actor, payment_id: uuid.UUID, kind: PaperKind) -> PaperData:
        """The data of one document of a payment, for `services.documents`: a 전표 (SLIP) or a
        거래명세서 (STATEMENT) of a succeeded or cancelled payment, a 취소전표 (CANCELLATION) of a
        cancelled one. The buyer, the supplier of the service and the agency may read it; an
        operating agency and other companies never. The number is stable per payment and kind."""
        clean_uuid(payment_id, "payment_id")
        kind = clean_enum(kind, PaperKind, "kind", "문서 종류")
        if actor.role not in (Role.DEMAND, Role.SUPPLIER, Role.AGENCY):
            raise PermissionDenied("결제 문서는 수요기업, 공급기업과 전문기관만 출력할 수 있습니다.", code="role")
        with self.uow() as uow:
            rows = read_tuples(uow.connection, papers_data.one_stmt(), {"payment_id": payment_id})
        if not rows:
            raise NotFound("결제를 찾을 수 없습니다.")
        (row,) = rows
        if actor.role is not Role.AGENCY and not owns(actor, *papers_data.owners_of(row)):
            raise PermissionDenied("다른 기업의 결제는 볼 수 없습니다.", code="not_own")
        refusal = rules.paper_refusal(kind, papers_data.status_of(row))
        if refusal:
            raise InvalidTransition(refusal, code="no_paper")
        return papers_data.paper_of(row, kind)

    def papers(self, actor: Actor, start: date | None = None, end: date | None = None) -> tuple[PaperData, ...]:
        """The papers of a period for filing (청구내역's batch export): every succeeded payment's
        전표 and every cancelled payment's 취소전표, oldest first (by payment time, then id), in the
        scope of `list_tab` — the buyer's own, the supplier's received, the agency's all; KST
        days, both ends included. More than `MAX_BATCH_PAPERS`: ValidationError (a shorter period)."""
        owner, params = self._bounds(actor, start, end)
        limit = papers_data.MAX_BATCH_PAPERS
        stmt = papers_data.period_stmt(owner, "start" in params, "end" in params, limit)
        with self.uow() as uow:
            rows = read_tuples(uow.connection, stmt, params)
        if len(rows) > limit:
            raise ValidationError(f"한 번에 {limit:,}건까지 묶을 수 있습니다. 기간을 줄여 주세요.", field="start",
                                  code="too_many_papers")
        return tuple(papers_data.paper_of(row, papers_data.batch_kind(papers_data.status_of(row))) for row in rows)
