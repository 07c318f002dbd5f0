"""서비스 상세: one service with its supplier, the supplier's other services and the inquiries.

A demand company can 찜하기 / 찜 해제, start a 거래상담 요청 (with a memo) and ask a question.
When it may not start a deal (not logged in, not approved, no payment method, an open deal
already…) the button is disabled and the reason is written next to it. The agency can hide a
service from the catalog (with a reason) and show it again.
"""

from __future__ import annotations

import dataclasses
import html
import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import Role
from ...services.clock import format_deadline_kst, format_kst
from ...services.dto import ServiceDetail
from ...services.errors import DomainError
from ...services.rules.korean import particle
from ...services.rules.money import format_krw
from ..widgets.busy import BusyIndicator
from ..widgets.common import scrolling_body, title_label
from ..widgets.dialogs import ask_reason, ask_yes_no
from ..widgets.forms import LatestLoad
from ..widgets.notice import NoticeBox
from .deal_request import DealRequestDialog
from .inquiry_panel import InquiryPanel
from .models import keywords_text

IMAGE_SIZE = (260, 190)
#: data changes that can alter what this page shows whatever the ids (deal ids are not service ids)
ALWAYS_RELEVANT = {"deal", "voucher", "company", "payment", "evaluation", "inquiry", "category", "supplier"}




def _card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 14)
    return frame, layout


def _value_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


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
        self._announcing = False
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = scrolling_body(self, (24, 14, 24, 20))
        top = QHBoxLayout()
        self.back_button = QPushButton(self.tr("← 검색 결과로"))
        self.back_button.clicked.connect(lambda: self.ctx.window.open_page("catalog"))
        top.addWidget(self.back_button)
        top.addStretch(1)
        self.busy = BusyIndicator()
        self.loads = LatestLoad(self.ctx, self, self.busy)
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
        body.addWidget(self._build_summary())
        self.deal_notice = NoticeBox("success")
        self.open_inbox_button = QPushButton(self.tr("서비스 요청에서 보기"))
        self.open_inbox_button.clicked.connect(lambda: self.ctx.window.open_page("deal_inbox"))
        self.deal_notice.layout().addWidget(self.open_inbox_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.deal_notice.hide()
        body.addWidget(self.deal_notice)

        description, d_layout = _card()
        d_layout.addWidget(title_label(self.tr("서비스 설명"), 2))
        self.description = _value_label()
        d_layout.addWidget(self.description)
        self.dates = QLabel()
        self.dates.setObjectName("hint")
        d_layout.addWidget(self.dates)
        body.addWidget(description)

        row = QHBoxLayout()
        row.setSpacing(12)
        supplier, s_layout = _card()
        s_layout.addWidget(title_label(self.tr("공급기업 정보"), 2))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.supplier_name, self.supplier_rep = _value_label(), _value_label()
        self.supplier_phone, self.supplier_email = _value_label(), _value_label()
        form.addRow(self.tr("기업명"), self.supplier_name)
        form.addRow(self.tr("대표자"), self.supplier_rep)
        form.addRow(self.tr("전화번호"), self.supplier_phone)
        form.addRow(self.tr("이메일"), self.supplier_email)
        s_layout.addLayout(form)
        s_layout.addStretch(1)
        others, o_layout = _card()
        o_layout.addWidget(title_label(self.tr("이 공급기업의 다른 서비스"), 2))
        self.others = QLabel()
        self.others.setTextFormat(Qt.TextFormat.RichText)
        self.others.setWordWrap(True)
        self.others.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.others.linkActivated.connect(self._open_link)
        o_layout.addWidget(self.others)
        o_layout.addStretch(1)
        row.addWidget(supplier, 2)
        row.addWidget(others, 3)
        body.addLayout(row)

        inquiries, i_layout = _card()
        self.inquiries = InquiryPanel(self.ctx)
        self.inquiries.asked.connect(self._inquiry_asked)
        i_layout.addWidget(self.inquiries)
        body.addWidget(inquiries)

    def _build_summary(self) -> QFrame:
        frame, outer = _card()
        row = QHBoxLayout()
        row.setSpacing(18)
        outer.addLayout(row)
        self.image = QLabel()
        self.image.setFixedSize(*IMAGE_SIZE)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setStyleSheet("QLabel { background: #f0f4f8; border: 1px solid #d9e2ec; border-radius: 6px;"
                                 " color: #9aa5b1; }")
        row.addWidget(self.image, 0, Qt.AlignmentFlag.AlignTop)
        info = QVBoxLayout()
        info.setSpacing(6)
        self.category_label = QLabel()
        self.category_label.setStyleSheet("QLabel { color: #1e4e8c; font-weight: bold; }")
        info.addWidget(self.category_label)
        self.name_label = title_label("")
        self.name_label.setWordWrap(True)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        info.addWidget(self.name_label)
        self.supplier_line = QLabel()
        self.supplier_line.setObjectName("hint")
        info.addWidget(self.supplier_line)
        self.price_label = QLabel()
        self.price_label.setStyleSheet("QLabel { font-size: 15pt; font-weight: bold; color: #102a43; }")
        info.addWidget(self.price_label)
        self.rating_label = QLabel()
        info.addWidget(self.rating_label)
        self.keywords_label = _value_label()
        self.keywords_label.setObjectName("hint")
        info.addWidget(self.keywords_label)
        info.addStretch(1)
        row.addLayout(info, 1)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.wish_button = QPushButton()
        self.wish_button.clicked.connect(self.toggle_wish)
        self.request_button = QPushButton(self.tr("거래상담 요청"))
        self.request_button.setObjectName("primary")
        self.request_button.clicked.connect(self.open_request_dialog)
        self.open_deal_button = QPushButton(self.tr("진행 중인 거래 보기"))
        self.open_deal_button.clicked.connect(lambda: self.ctx.window.open_page("deal_inbox"))
        self.refusal_label = QLabel()
        self.refusal_label.setObjectName("hint")
        self.refusal_label.setWordWrap(True)
        self.login_button = QPushButton(self.tr("로그인"))  # the way forward for a visitor
        self.login_button.clicked.connect(lambda: self.ctx.window.open_login())
        self.hide_button = QPushButton()
        self.hide_button.setObjectName("danger")
        self.hide_button.clicked.connect(self.toggle_hidden)
        actions.addWidget(self.wish_button)
        actions.addWidget(self.request_button)
        actions.addWidget(self.open_deal_button)
        actions.addWidget(self.refusal_label, 1)
        actions.addWidget(self.login_button)
        actions.addWidget(self.hide_button)
        outer.addSpacing(6)
        outer.addLayout(actions)
        return frame

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
                self.ctx.error(self, exc)

        self.loads.run(load, lambda data: self._show(*data), on_error=failed,
                       text=self.tr("서비스 정보를 불러오는 중…"))

    def _show(self, detail: ServiceDetail, image: bytes | None, inquiries) -> None:
        self.detail = detail
        sv = detail.service
        self.problem.hide()
        self.category_label.setText(sv.category_name)
        self.name_label.setText(sv.name)
        self.supplier_line.setText(self.tr("공급기업 {name}").format(name=sv.supplier_name))
        self.price_label.setText(self.tr("{price} (부가세 포함)").format(price=format_krw(sv.price)))
        if sv.rating is not None and sv.rating_count:
            self.rating_label.setText(self.tr("★ 만족도 {r:.1f} / 5  (평가 {n}건)").format(r=sv.rating, n=sv.rating_count))
        else:
            self.rating_label.setText(self.tr("☆ 아직 만족도 평가가 없습니다"))
        self.keywords_label.setText(self.tr("키워드: {k}").format(k=keywords_text(sv)) if sv.keywords else "")
        self._show_image(image)
        self.description.setText(detail.description or self.tr("등록된 설명이 없습니다."))
        self.dates.setText(self.tr("등록 {created} · 최종 수정 {updated}").format(
            created=format_kst(detail.created_at), updated=format_kst(detail.updated_at)))
        sup = detail.supplier
        self.supplier_name.setText(sup.name)
        self.supplier_rep.setText(sup.representative_name or "-")
        self.supplier_phone.setText(sup.phone or "-")
        self.supplier_email.setText(sup.email or "-")
        self._show_others(detail)
        self._show_state_notice(detail)
        self._update_actions()
        actor = self.ctx.actor
        demand = actor is not None and actor.role is Role.DEMAND
        can_see = actor is not None and (actor.role in (Role.DEMAND, Role.AGENCY) or actor.supplier_id == sup.id)
        self.inquiries.set_service(sv.id, can_ask=demand, can_see=can_see, show_company=not demand,
                                   note=self._inquiry_note())
        self.inquiries.show_inquiries(inquiries)
        self.content.show()

    def _show_image(self, image: bytes | None) -> None:
        pixmap = QPixmap()
        if image and pixmap.loadFromData(image):
            self.image.setPixmap(pixmap.scaled(*IMAGE_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))
        else:
            self.image.setPixmap(QPixmap())
            self.image.setText(self.tr("대표 이미지 없음"))

    def _show_others(self, detail: ServiceDetail) -> None:
        if not detail.other_services:
            self.others.setText(self.tr("다른 서비스가 없습니다."))
            return
        lines = [
            f'<a href="service:{o.id}" style="color:#1e4e8c;">{html.escape(o.name)}</a>'
            f' <span style="color:#52606d;">· {html.escape(o.category_name)} · {format_krw(o.price)}</span>'
            for o in detail.other_services
        ]
        self.others.setText("<br>".join(lines))

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
        detail, actor = self.detail, self.ctx.actor
        if detail is None:
            return
        demand = actor is not None and actor.role is Role.DEMAND
        self.wish_button.setVisible(demand)
        self.wish_button.setText(self.tr("♥ 찜 해제") if detail.wished else self.tr("♡ 찜하기"))
        self.request_button.setEnabled(detail.can_request_deal)
        self.refusal_label.setText(detail.request_refusal or "")  # stays in the row (it holds the stretch)
        self.open_deal_button.setVisible(demand and detail.open_deal_id is not None)
        self.login_button.setVisible(actor is None)
        agency = actor is not None and actor.role is Role.AGENCY
        self.hide_button.setVisible(agency)
        self.hide_button.setText(self.tr("서비스 다시 보이기") if detail.service.hidden_by_agency
                                 else self.tr("서비스 숨기기"))

    # --- actions -----------------------------------------------------------------------------
    def _announce(self, what: str, ids: tuple) -> None:
        self._announcing = True
        try:
            self.ctx.changed(what, ids)
        finally:
            self._announcing = False

    def _open_link(self, link: str) -> None:
        if link.startswith("service:"):
            self.ctx.window.open_service(uuid.UUID(link.removeprefix("service:")))

    def toggle_wish(self) -> None:
        detail = self.detail
        if detail is None:
            return
        want = not detail.wished
        catalog, actor, service_id = self.ctx.services.catalog, self.ctx.actor, detail.service.id
        self.wish_button.setEnabled(False)

        def done(_result) -> None:
            self.wish_button.setEnabled(True)
            if self.detail is not None and self.detail.service.id == service_id:
                self.detail = dataclasses.replace(self.detail, wished=want)
                self._update_actions()
            self.ctx.window.statusBar().showMessage(
                self.tr("찜한 서비스에 담았습니다.") if want else self.tr("찜한 서비스에서 뺐습니다."), 4000)
            self._announce("wishlist", (service_id,))

        def failed(exc: BaseException) -> None:
            self.wish_button.setEnabled(True)
            self.ctx.error(self, exc)

        self.ctx.run(self, lambda: catalog.set_wished(actor, service_id, want), done, failed)

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
        self._announce("deal", (deal.id,))
        self.reload()

    def _inquiry_asked(self, q) -> None:
        self._announce("inquiry", (q.id,))

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

        def done(_row) -> None:
            self.hide_button.setEnabled(True)
            self._announce("service", (service_id,))
            self.reload()

        def failed(exc: BaseException) -> None:
            self.hide_button.setEnabled(True)
            self.ctx.error(self, exc)

        self.ctx.run(self, lambda: catalog.set_hidden_by_agency(actor, service_id, hidden, reason), done, failed)

    # --- other pages' changes ----------------------------------------------------------------
    def on_data_changed(self, what: str, ids: tuple) -> None:
        if self._announcing or self.service_id is None:
            return
        relevant = what in ALWAYS_RELEVANT or (what in ("wishlist", "service") and (not ids or self.service_id in ids))
        if not relevant:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True
