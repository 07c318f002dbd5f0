"""공급기업 정보: the supplier's own company profile (services are managed on 서비스 관리)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...services.dto import SupplierView
from ...services.rules.numbers import format_business_no
from ..widgets.busy import page_head
from ...services.changes import Changes, Entity
from ..tasks import touched
from ..widgets.notice import NoticeBox


class SupplierHomePage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.supplier: SupplierView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        head, self.busy = page_head(self.tr("공급기업 정보"))
        layout.addLayout(head)

        self.profile = QGroupBox(self.tr("기업 정보"))
        self.profile.setMaximumWidth(640)
        form = QFormLayout(self.profile)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.labels: dict[str, QLabel] = {}
        for key, text in (("name", self.tr("기업명")), ("business_no", self.tr("사업자등록번호")),
                          ("representative_name", self.tr("대표자")), ("phone", self.tr("연락처")),
                          ("email", self.tr("이메일"))):
            label = QLabel()
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.labels[key] = label
            form.addRow(text, label)
        layout.addWidget(self.profile)

        self.note = NoticeBox("info")
        self.note.setMaximumWidth(640)
        self.note.set_text(
            self.tr("안내"),
            self.tr("공급기업 계정과 기업 정보는 전문기관이 등록합니다. 기업 정보를 바꾸려면 전문기관에 요청해 주세요.\n"
                    "서비스 등록·수정·숨기기는 '서비스 관리'에서, 수요기업의 문의 답변은 '서비스 문의 답변'에서 합니다."))
        layout.addWidget(self.note)
        links = QHBoxLayout()
        self.services_button = QPushButton(self.tr("서비스 관리 열기"))
        self.services_button.clicked.connect(lambda: self.ctx.navigate("supplier_services"))
        self.inquiries_button = QPushButton(self.tr("서비스 문의 답변 열기"))
        self.inquiries_button.clicked.connect(lambda: self.ctx.navigate("supplier_inquiries"))
        links.addWidget(self.services_button)
        links.addWidget(self.inquiries_button)
        links.addStretch(1)
        layout.addLayout(links)
        self.missing = NoticeBox("warning")
        self.missing.set_text(self.tr("이 계정에 연결된 공급기업 정보를 찾을 수 없습니다."),
                              self.tr("전문기관에 계정의 소속 공급기업 확인을 요청해 주세요."))
        self.missing.setMaximumWidth(640)
        self.missing.hide()
        layout.addWidget(self.missing)
        layout.addStretch(1)

    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        programme = self.ctx.services.programme

        def done(suppliers: list[SupplierView]) -> None:
            self.show_supplier(next((s for s in suppliers if s.id == actor.supplier_id), None))

        self.ctx.query(programme.suppliers, parent=self, key="supplier") \
            .busy(text=self.tr("기업 정보를 불러오는 중…")).success(done).run()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if self.supplier is not None and touched(changes, Entity.SUPPLIER, self.supplier.id):
            self.refresh()

    def show_supplier(self, supplier: SupplierView | None) -> None:
        self.supplier = supplier
        self.profile.setVisible(supplier is not None)
        self.missing.setVisible(supplier is None)
        if supplier is None:
            return
        self.labels["name"].setText(supplier.name)
        self.labels["business_no"].setText(format_business_no(supplier.business_no))
        self.labels["representative_name"].setText(supplier.representative_name or "-")
        self.labels["phone"].setText(supplier.phone or "-")
        self.labels["email"].setText(supplier.email or "-")
