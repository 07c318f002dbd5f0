"""The payment-method boxes of 바우처 신청: 결제수단 선택 (before the choice) and 결제수단 (after, with
카드 발급 신청 or 상품권 비밀번호 설정 when there is something left to do with the issuer).

They build and show; the page opens the confirmation dialog and loads (demand/voucher.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...enums import CompanyType, PaymentMethod
from ...services.clock import format_kst
from ...services.dto import VoucherView
from ...services.vouchers import CARD_HELPDESK, METHOD_LABELS, ZEROPAY_HELPDESK
from ..widgets.notice import NoticeBox
from .payment_method import _PRIMARY, M, MethodOption, method_descriptions


class MethodChoiceBox(QGroupBox):
    """One card per payment method and 신청; `selection_changed` when a card is picked."""

    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("결제수단 선택"))
        box = QVBoxLayout(self)
        intro = NoticeBox("info")
        intro.set_text(self.tr("바우처를 쓰려면 결제수단을 선택해 신청하세요."),
                       self.tr("결제수단은 한 번 선택하면 변경할 수 없으니 신중히 고르세요."))
        box.addWidget(intro)
        cards = QHBoxLayout()
        self.method_group = QButtonGroup(self)
        self.options: dict[PaymentMethod, MethodOption] = {}
        for method, text in method_descriptions(self.tr).items():
            option = MethodOption(method, text)
            self.method_group.addButton(option.radio)
            option.radio.toggled.connect(lambda _on: self.selection_changed.emit())
            cards.addWidget(option, 1)
            self.options[method] = option
        box.addLayout(cards)
        row = QHBoxLayout()
        self.choose_hint = QLabel(self.tr("결제수단을 고른 뒤 신청을 누르세요. 확인 창이 한 번 더 열립니다."))
        self.choose_hint.setObjectName("hint")
        self.choose_hint.setWordWrap(True)
        row.addWidget(self.choose_hint, 1)
        self.apply_button = QPushButton(self.tr("신청"))
        self.apply_button.setObjectName("primary")
        self.apply_button.setMinimumWidth(110)
        row.addWidget(self.apply_button)
        box.addLayout(row)

    def selected_method(self) -> PaymentMethod | None:
        return next((m for m, o in self.options.items() if o.radio.isChecked()), None)


class ChosenMethodBox(QGroupBox):
    """The chosen method, since when, and what the company does next (card issue or nothing)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("결제수단"))
        box = QVBoxLayout(self)
        top = QHBoxLayout()
        self.method_label = QLabel()
        self.method_label.setStyleSheet(f"font-size: 16pt; font-weight: bold; color: {_PRIMARY};")
        top.addWidget(self.method_label)
        self.fixed_note = QLabel(self.tr("결제수단은 한 번 선택하면 변경할 수 없습니다."))
        self.fixed_note.setObjectName("hint")
        top.addSpacing(12)
        top.addWidget(self.fixed_note, 1)
        box.addLayout(top)
        form = QFormLayout()
        self.chosen_form = form
        self.chosen_at_label = QLabel()
        self.card_date_label = QLabel()
        self.card_date_label.setStyleSheet("font-weight: bold;")
        self.zeropay_state = QLabel()
        self.zeropay_state.setWordWrap(True)
        self.card_state = QLabel()
        self.card_state.setStyleSheet("font-weight: bold;")
        form.addRow(self.tr("신청일시"), self.chosen_at_label)
        form.addRow(self.card_date_label)
        form.addRow(self.tr("바우처 카드"), self.card_state)
        form.addRow(self.tr("제로페이 상품권"), self.zeropay_state)
        box.addLayout(form)
        actions = QHBoxLayout()
        self.card_request_button = QPushButton(self.tr("카드 발급 신청"))
        self.card_request_button.setObjectName("primary")
        self.zeropay_password_button = QPushButton(self.tr("상품권 비밀번호 설정"))
        self.zeropay_password_button.setObjectName("primary")
        actions.addWidget(self.card_request_button)
        actions.addWidget(self.zeropay_password_button)
        actions.addStretch(1)
        box.addLayout(actions)
        self.guidance = NoticeBox("info")
        box.addWidget(self.guidance)
        self.helpdesk = QLabel(self.tr("문의: 신한카드 고객센터 {card} · 제로페이 고객센터 {zeropay}").format(
            card=CARD_HELPDESK, zeropay=ZEROPAY_HELPDESK))
        self.helpdesk.setObjectName("hint")
        self.helpdesk.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.helpdesk)

    def show_method(self, view: VoucherView) -> None:
        method = view.payment_method
        card = method is M.SHINHAN_CARD
        self.method_label.setText(self.tr(METHOD_LABELS[method]))
        self.chosen_at_label.setText(self.tr("{at} (한국시간)").format(at=format_kst(view.chosen_at)))
        issued = card and view.card_masked is not None
        self.chosen_form.setRowVisible(self.card_date_label, card and not issued)
        self.chosen_form.setRowVisible(self.card_state, issued)
        self.chosen_form.setRowVisible(self.zeropay_state, not card)
        self.card_request_button.setVisible(card and not issued)
        self.zeropay_password_button.setVisible(not card and not view.zeropay_password_set)
        if issued:
            self.card_state.setText(self.tr("{card} · 유효기간 {expiry} · 발급일 {day}").format(
                card=view.card_masked, expiry=view.card_expiry or "-",
                day=format_kst(view.card_issued_at)[:10] if view.card_issued_at else "-"))
        if card:
            day = view.card_request_from.isoformat() if view.card_request_from else ""
            self.card_date_label.setText(self.tr("카드 발급 신청 가능일: {day} (선택한 다음 날부터)").format(day=day))
            if view.company_type is CompanyType.CORPORATION:
                self.guidance.set_text(
                    self.tr("법인: 신한은행 지점 방문 발급"),
                    self.tr("가까운 신한은행 지점을 방문하여 법인 체크카드 발급을 신청하세요. 발급 신청은 {day}부터 "
                            "할 수 있습니다. 카드 문의: 신한카드 {phone}").format(day=day, phone=CARD_HELPDESK))
            else:
                self.guidance.set_text(
                    self.tr("개인사업자: 온라인 발급"),
                    self.tr("신한카드 홈페이지에서 개인 체크카드 또는 선불카드를 온라인으로 신청하세요. 발급 신청은 "
                            "{day}부터 할 수 있습니다. 카드 문의: 신한카드 {phone}").format(day=day, phone=CARD_HELPDESK))
        else:
            self.zeropay_state.setText(
                self.tr("온라인으로 발급되었습니다 · 상품권 비밀번호 설정됨") if view.zeropay_password_set
                else self.tr("온라인으로 발급되었습니다 · 상품권 비밀번호 미설정"))
            self.guidance.set_text(
                self.tr("제로페이 모바일 상품권"),
                self.tr("상품권은 온라인으로 바로 발급되어 추가로 신청할 것이 없습니다. 결제할 때 신청 시 정한 상품권 "
                        "비밀번호(숫자 6자리)를 입력합니다. 제로페이 문의: {phone}").format(phone=ZEROPAY_HELPDESK))
