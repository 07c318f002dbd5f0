"""서비스 상세: one service with its supplier, the supplier's other services and the inquiries.

A demand company can 찜하기 / 찜 해제, start a 거래상담 요청 (with a memo) and ask a question.
When it may not start a deal (not logged in, not approved, no payment method, an open deal
already…) the button is disabled and the reason is written next to it. The agency can hide a
service from the catalog (with a reason) and show it again.
"""

from __future__ import annotations

import dataclasses
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ...enums import Role
from ...services.changes import Changes, Entity
from ...services.clock import format_deadline_kst
from ...services.dto import ServiceDetail
from ...services.errors import DomainError
from ...services.rules.korean import particle
from ..tasks import from_self, touched
from ..widgets.busy import BusyIndicator
from ..widgets.common import scrolling_body
from ..widgets.dialogs import ask_reason, ask_yes_no
from ..widgets.notice import NoticeBox
from .deal_request import DealRequestDialog
from .inquiry_panel import InquiryPanel
from .service_cards import IMAGE_SIZE, Card, DescriptionCard, OtherServicesCard, ServiceSummaryCard, SupplierCard

__all__ = ["ALWAYS_RELEVANT", "IMAGE_SIZE", "ServiceDetailPage"]

#: changes that can alter what this page shows whatever the ids (deal ids are not service ids)
ALWAYS_RELEVANT = (Entity.DEAL, Entity.VOUCHER, Entity.COMPANY, Entity.INQUIRY, Entity.CATEGORY, Entity.SUPPLIER)

#: what the cards hold, reachable on the page as before (tests read them)
SUMMARY_PARTS = ("image", "category_label", "name_label", "supplier_line", "price_label", "rating_label",
                 "keywords_label", "wish_button", "request_button", "open_deal_button", "refusal_label",
                 "login_button", "hide_button")


class ServiceDetailPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service_id: uuid.UUID | None = None
        self.detail: ServiceDetail | None = None
        self.request_dialog: DealRequestDialog | None = None
        self.hide_dialog = None
        self.last_deal = None
        self._stale = False
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = scrolling_body(self, (24, 14, 24, 20))
        top = QHBoxLayout()
        self.back_button = QPushButton(self.tr("← 검색 결과로"))
        self.back_button.clicked.connect(lambda: self.ctx.navigate("catalog"))
        top.addWidget(self.back_button)
        top.addStretch(1)
        self.busy = BusyIndicator()
        top.addWidget(self.busy)
        layout.addLayout(top)
        self.problem = NoticeBox("warning")
        self.problem.hide()
        layout.addWidget(self.problem)

        self.content = QWidget()
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(12)
        layout.addWidget(self.content)
        layout.addStretch(1)
        self.content.hide()

        self.state_notice = NoticeBox("warning")
        self.state_notice.hide()
        body.addWidget(self.state_notice)
        self.summary = ServiceSummaryCard()
        for name in SUMMARY_PARTS:
            setattr(self, name, getattr(self.summary, name))
        self.wish_button.clicked.connect(self.toggle_wish)
        self.request_button.clicked.connect(self.open_request_dialog)
        self.open_deal_button.clicked.connect(lambda: self.ctx.navigate("deal_inbox"))
        self.login_button.clicked.connect(lambda: self.ctx.navigate("login"))
        self.hide_button.clicked.connect(self.toggle_hidden)
        body.addWidget(self.summary)
        self.deal_notice = NoticeBox("success")
        self.open_inbox_button = QPushButton(self.tr("서비스 요청에서 보기"))
        self.open_inbox_button.clicked.connect(lambda: self.ctx.navigate("deal_inbox"))
        self.deal_notice.layout().addWidget(self.open_inbox_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.deal_notice.hide()
        body.addWidget(self.deal_notice)

        self.description_card = DescriptionCard()
        self.description, self.dates = self.description_card.description, self.description_card.dates
        body.addWidget(self.description_card)

        row = QHBoxLayout()
        row.setSpacing(12)
        self.supplier_card = SupplierCard()
        for name in ("supplier_name", "supplier_rep", "supplier_phone", "supplier_email"):
            setattr(self, name, getattr(self.supplier_card, name))
        self.others_card = OtherServicesCard()
        self.others = self.others_card.others
        self.others_card.service_chosen.connect(
            lambda service_id: self.ctx.navigate("service_detail", service_id=service_id))
        row.addWidget(self.supplier_card, 2)
        row.addWidget(self.others_card, 3)
        body.addLayout(row)

        inquiries = Card()
        self.inquiries = InquiryPanel(self.ctx)
        inquiries.body.addWidget(self.inquiries)
        body.addWidget(inquiries)

    # --- loading -----------------------------------------------------------------------------
    def show_service(self, service_id: uuid.UUID) -> None:
        if service_id != self.service_id:
            self.detail = None
            self.content.hide()
            self.deal_notice.hide()
        self.service_id = service_id
        self.reload()

    def refresh(self) -> None:
        if self._stale:
            self.reload()

    def reload(self) -> None:
        if self.service_id is None:
            return
        self._stale = False
        catalog, actor, service_id = self.ctx.services.catalog, self.ctx.actor, self.service_id

        def load():
            detail = catalog.detail(actor, service_id)
            image = catalog.image(actor, service_id) if detail.image_type else None
            return detail, image, catalog.inquiries(actor, service_id)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, DomainError):
                self.detail = None
                self.content.hide()
                self.problem.set_text(self.tr("서비스를 볼 수 없습니다"), exc.message)
                self.problem.show()
            else:
                self.ctx.show_failure(exc, self)

        self.ctx.query(load, parent=self, key="detail").busy(text=self.tr("서비스 정보를 불러오는 중…")) \
            .success(lambda data: self._show(*data)).failure(failed).run()

    def _show(self, detail: ServiceDetail, image: bytes | None, inquiries) -> None:
        self.detail = detail
        sv = detail.service
        self.problem.hide()
        self.summary.show_service(detail, image)
        self.description_card.show_description(detail)
        self.supplier_card.show_supplier(detail)
        self.others_card.show_others(detail)
        self._show_state_notice(detail)
        self._update_actions()
        actor = self.ctx.actor
        demand = actor is not None and actor.role is Role.DEMAND
        can_see = actor is not None and (actor.role in (Role.DEMAND, Role.AGENCY)
                                         or actor.supplier_id == detail.supplier.id)
        self.inquiries.set_service(sv.id, can_ask=demand, can_see=can_see, show_company=not demand,
                                   note=self._inquiry_note())
        self.inquiries.show_inquiries(inquiries)
        self.content.show()

    def _show_state_notice(self, detail: ServiceDetail) -> None:
        sv = detail.service
        if sv.hidden_by_agency:
            self.state_notice.set_text(self.tr("전문기관이 숨긴 서비스입니다"),
                                       self.tr("검색과 목록에 나타나지 않으며 새 거래를 시작할 수 없습니다."))
        elif sv.hidden:
            self.state_notice.set_text(self.tr("공급기업이 숨긴 서비스입니다"),
                                       self.tr("검색과 목록에 나타나지 않습니다."))
        self.state_notice.setVisible(sv.hidden or sv.hidden_by_agency)

    def _inquiry_note(self) -> str:
        actor = self.ctx.actor
        if actor is None:
            return self.tr("로그인한 수요기업은 이 서비스에 대해 공급기업에 문의할 수 있습니다.")
        if actor.role is Role.DEMAND:
            return self.tr("우리 기업이 남긴 문의와 공급기업의 답변입니다. 답변이 오면 '서비스 문의 내역'에서도 볼 수 있습니다.")
        if actor.role is Role.SUPPLIER:
            if self.detail is not None and actor.supplier_id == self.detail.supplier.id:
                return self.tr("이 서비스에 들어온 문의입니다. 답변은 '서비스 문의 답변'에서 할 수 있습니다.")
            return self.tr("다른 공급기업 서비스의 문의는 볼 수 없습니다.")
        if actor.role is Role.AGENCY:
            return self.tr("이 서비스에 들어온 모든 문의입니다.")
        return self.tr("서비스 문의는 수요기업과 해당 공급기업만 볼 수 있습니다.")

    def _update_actions(self) -> None:
        if self.detail is not None:
            self.summary.update_actions(self.detail, self.ctx.actor)

    # --- actions (every other page hears what changed from the helper) ------------------------
    def toggle_wish(self) -> None:
        detail = self.detail
        if detail is None:
            return
        want = not detail.wished
        catalog, actor, service_id = self.ctx.services.catalog, self.ctx.actor, detail.service.id
        self.wish_button.setEnabled(False)

        def done(_wished) -> None:
            if self.detail is not None and self.detail.service.id == service_id:
                self.detail = dataclasses.replace(self.detail, wished=want)
                self._update_actions()
            self.ctx.show_success(self.tr("찜한 서비스에 담았습니다.") if want else self.tr("찜한 서비스에서 뺐습니다."))

        self.ctx.op(lambda: catalog.set_wished(actor, service_id, want), parent=self).quiet() \
            .success(done).after(lambda: self.wish_button.setEnabled(True)).run()

    def open_request_dialog(self) -> DealRequestDialog | None:
        if self.detail is None or not self.detail.can_request_deal:
            return None
        if self.request_dialog is not None:
            if self.request_dialog.isVisible():
                self.request_dialog.raise_()
                return self.request_dialog
            self.request_dialog.deleteLater()  # the previous one is done with
        dialog = DealRequestDialog(self.ctx, self.detail, self)
        dialog.requested.connect(self._deal_requested)
        dialog.open()
        self.request_dialog = dialog
        return dialog

    def _deal_requested(self, deal) -> None:
        self.last_deal = deal
        self.deal_notice.set_text(
            self.tr("거래상담을 요청했습니다"),
            self.tr("공급기업이 {deadline}까지 수락하거나 반려합니다. 진행 상황은 '서비스 요청'에서 볼 수 있습니다.")
            .format(deadline=format_deadline_kst(deal.deadline_at)) if deal.deadline_at else
            self.tr("진행 상황은 '서비스 요청'에서 볼 수 있습니다."))
        self.deal_notice.show()
        self.reload()

    def toggle_hidden(self) -> None:
        detail = self.detail
        if detail is None:
            return
        if detail.service.hidden_by_agency:
            self.hide_dialog = ask_yes_no(
                self, self.tr("서비스 다시 보이기"),
                self.tr("'{name}'{eul} 다시 검색과 목록에 보이게 할까요?").format(
                    name=detail.service.name, eul=particle(detail.service.name, "을")),
                self.tr("다시 보이기"), lambda: self._set_hidden(False, ""))
        else:
            self.hide_dialog = ask_reason(
                self, self.tr("서비스 숨기기"),
                self.tr("'{name}'{eul} 검색과 목록에서 숨깁니다. 진행 중인 거래는 그대로 남습니다.\n"
                        "숨기는 사유를 입력해 주세요. 감사 기록에 남습니다.").format(
                    name=detail.service.name, eul=particle(detail.service.name, "을")),
                self.tr("숨기기"), lambda reason: self._set_hidden(True, reason))

    def _set_hidden(self, hidden: bool, reason: str) -> None:
        catalog, actor, service_id = self.ctx.services.catalog, self.ctx.actor, self.service_id
        self.hide_button.setEnabled(False)
        self.ctx.op(lambda: catalog.set_hidden_by_agency(actor, service_id, hidden, reason), parent=self).quiet() \
            .success(lambda _row: self.reload()).after(lambda: self.hide_button.setEnabled(True)).run()

    # --- other pages' changes ----------------------------------------------------------------
    def on_data_changed(self, changes: Changes, initiator) -> None:
        if from_self(self, initiator) or self.service_id is None:
            return
        relevant = (changes.touches(*ALWAYS_RELEVANT) or touched(changes, Entity.WISH, self.service_id)
                    or touched(changes, Entity.SERVICE, self.service_id))
        if not relevant:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True
