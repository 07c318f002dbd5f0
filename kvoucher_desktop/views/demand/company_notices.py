"""The notices at the top of 기업정보 수정: why the form is locked (not editable now, or
rejected with its reason), and the hold reason with "수정 완료 후 재제출" (ON_HOLD).

They show a company; the page runs the resubmission (demand/company_info.py).
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ...enums import ScreeningStatus
from ...services.dto import CompanyView
from ..widgets.notice import NoticeBox


class CompanyStateNotices(QWidget):
    """`lock_notice` while the form is read-only; `hold_notice` (with `resubmit_button`) on hold."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.lock_notice = NoticeBox("info")
        self.lock_notice.hide()
        layout.addWidget(self.lock_notice)
        self.hold_notice = NoticeBox("warning")
        hold_row = QHBoxLayout()
        hold_row.addStretch(1)
        self.resubmit_button = QPushButton(self.tr("수정 완료 후 재제출"))
        self.resubmit_button.setObjectName("primary")
        hold_row.addWidget(self.resubmit_button)
        self.hold_notice.layout().addLayout(hold_row)
        self.hold_notice.hide()
        layout.addWidget(self.hold_notice)

    def show_company(self, view: CompanyView) -> None:
        rejected = view.status is ScreeningStatus.REJECTED
        if not view.editable:
            title = (self.tr("심사탈락된 기업은 정보를 수정할 수 없습니다.") if rejected
                     else self.tr("지금은 기업정보를 수정할 수 없습니다."))
            body = view.not_editable_reason or ""
            if rejected and view.status_reason:
                body += "\n" + self.tr("탈락 사유: {reason}").format(reason=view.status_reason)
            self.lock_notice.set_text(title, body, "danger" if rejected else "info")
        self.lock_notice.setVisible(not view.editable)
        on_hold = view.status is ScreeningStatus.ON_HOLD
        if on_hold:
            body = self.tr(
                "사유를 확인하고 기업정보나 서류를 고친 뒤 '수정 완료 후 재제출'을 누르세요. "
                "상태가 다시 '심사중'으로 바뀌고 관할 운영기관({operator})에서 재심사합니다."
            ).format(operator=view.operator.name)
            if view.missing_documents:
                body += "\n" + self.tr("미첨부 필수 서류: {docs}").format(docs=", ".join(view.missing_documents))
            self.hold_notice.set_text(self.tr("심사보류 사유: {reason}").format(reason=view.status_reason or "-"), body)
        self.hold_notice.setVisible(on_hold)
