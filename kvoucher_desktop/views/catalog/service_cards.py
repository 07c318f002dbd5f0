"""The cards of 서비스 상세: the summary with its action buttons, the description, the supplier
and the supplier's other services.

Each card builds itself and shows what it is given; the page loads and acts
(catalog/detail.py). The summary decides which of its buttons a visitor, a demand company or
the agency sees, but the buttons' actions are the page's.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...enums import Role
from ...services.clock import format_kst
from ...services.dto import Actor, ServiceDetail
from ...services.rules.money import format_krw
from ..widgets.common import title_label
from .models import keywords_text

IMAGE_SIZE = (260, 190)


def value_label() -> QLabel:
    """A plain-text value: wrapped and selectable with the mouse."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class Card(QFrame):
    """A white card of the detail page; `body` is its layout."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 14)


class ServiceSummaryCard(Card):
    """Image, category, name, supplier, price, rating and keywords, with the action buttons."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.body.addLayout(row)
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
        self.keywords_label = value_label()
        self.keywords_label.setObjectName("hint")
        info.addWidget(self.keywords_label)
        info.addStretch(1)
        row.addLayout(info, 1)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.wish_button = QPushButton()
        self.request_button = QPushButton(self.tr("거래상담 요청"))
        self.request_button.setObjectName("primary")
        self.open_deal_button = QPushButton(self.tr("진행 중인 거래 보기"))
        self.refusal_label = QLabel()
        self.refusal_label.setObjectName("hint")
        self.refusal_label.setWordWrap(True)
        self.login_button = QPushButton(self.tr("로그인"))  # the way forward for a visitor
        self.hide_button = QPushButton()
        self.hide_button.setObjectName("danger")
        actions.addWidget(self.wish_button)
        actions.addWidget(self.request_button)
        actions.addWidget(self.open_deal_button)
        actions.addWidget(self.refusal_label, 1)
        actions.addWidget(self.login_button)
        actions.addWidget(self.hide_button)
        self.body.addSpacing(6)
        self.body.addLayout(actions)

    def show_service(self, detail: ServiceDetail, image: bytes | None) -> None:
        sv = detail.service
        self.category_label.setText(sv.category_name)
        self.name_label.setText(sv.name)
        self.supplier_line.setText(self.tr("공급기업 {name}").format(name=sv.supplier_name))
        self.price_label.setText(self.tr("{price} (부가세 포함)").format(price=format_krw(sv.price)))
        if sv.rating is not None and sv.rating_count:
            self.rating_label.setText(self.tr("★ 만족도 {r:.1f} / 5  (평가 {n}건)").format(r=sv.rating, n=sv.rating_count))
        else:
            self.rating_label.setText(self.tr("☆ 아직 만족도 평가가 없습니다"))
        self.keywords_label.setText(self.tr("키워드: {k}").format(k=keywords_text(sv)) if sv.keywords else "")
        pixmap = QPixmap()
        if image and pixmap.loadFromData(image):
            self.image.setPixmap(pixmap.scaled(*IMAGE_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))
        else:
            self.image.setPixmap(QPixmap())
            self.image.setText(self.tr("대표 이미지 없음"))

    def update_actions(self, detail: ServiceDetail, actor: Actor | None) -> None:
        """The buttons the actor has, and why a deal cannot be requested (if so)."""
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


class DescriptionCard(Card):
    """서비스 설명, with when it was registered and last changed."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.body.addWidget(title_label(self.tr("서비스 설명"), 2))
        self.description = value_label()
        self.body.addWidget(self.description)
        self.dates = QLabel()
        self.dates.setObjectName("hint")
        self.body.addWidget(self.dates)

    def show_description(self, detail: ServiceDetail) -> None:
        self.description.setText(detail.description or self.tr("등록된 설명이 없습니다."))
        self.dates.setText(self.tr("등록 {created} · 최종 수정 {updated}").format(
            created=format_kst(detail.created_at), updated=format_kst(detail.updated_at)))


class SupplierCard(Card):
    """공급기업 정보: name, representative, phone and e-mail."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.body.addWidget(title_label(self.tr("공급기업 정보"), 2))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.supplier_name, self.supplier_rep = value_label(), value_label()
        self.supplier_phone, self.supplier_email = value_label(), value_label()
        form.addRow(self.tr("기업명"), self.supplier_name)
        form.addRow(self.tr("대표자"), self.supplier_rep)
        form.addRow(self.tr("전화번호"), self.supplier_phone)
        form.addRow(self.tr("이메일"), self.supplier_email)
        self.body.addLayout(form)
        self.body.addStretch(1)

    def show_supplier(self, detail: ServiceDetail) -> None:
        sup = detail.supplier
        self.supplier_name.setText(sup.name)
        self.supplier_rep.setText(sup.representative_name or "-")
        self.supplier_phone.setText(sup.phone or "-")
        self.supplier_email.setText(sup.email or "-")


class OtherServicesCard(Card):
    """The supplier's other services as links; `service_chosen(id)` when one is clicked."""

    service_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.body.addWidget(title_label(self.tr("이 공급기업의 다른 서비스"), 2))
        self.others = QLabel()
        self.others.setTextFormat(Qt.TextFormat.RichText)
        self.others.setWordWrap(True)
        self.others.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.others.linkActivated.connect(self._open_link)
        self.body.addWidget(self.others)
        self.body.addStretch(1)

    def _open_link(self, link: str) -> None:
        if link.startswith("service:"):
            self.service_chosen.emit(uuid.UUID(link.removeprefix("service:")))

    def show_others(self, detail: ServiceDetail) -> None:
        if not detail.other_services:
            self.others.setText(self.tr("다른 서비스가 없습니다."))
            return
        lines = [
            f'<a href="service:{o.id}" style="color:#1e4e8c;">{html.escape(o.name)}</a>'
            f' <span style="color:#52606d;">· {html.escape(o.category_name)} · {format_krw(o.price)}</span>'
            for o in detail.other_services
        ]
        self.others.setText("<br>".join(lines))
