"""Step 1 — 약관 동의: 이용약관 and 개인정보 처리방침, each required, and 전체 동의."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QTextBrowser, QVBoxLayout

from ...services.signup import SignupForm
from .base import StepPage


def _tr(text: str) -> str:
    return QCoreApplication.translate("SignupTerms", text)


def terms_text() -> str:
    return _tr(
        "제1조 (목적)\n"
        "이 약관은 K-비대면 바우처 플랫폼(이하 '플랫폼')이 제공하는 수요기업 바우처 서비스의 이용 조건과 "
        "절차, 이용자와 전문기관·운영기관의 권리와 의무를 정합니다.\n\n"
        "제2조 (회원가입)\n"
        "① 수요기업 회원가입은 대표자 또는 담당자(임직원)의 휴대폰 본인인증을 거쳐 신청합니다.\n"
        "② 가입 신청 후 선택한 운영기관의 심사를 받으며, 심사 결과는 '심사 및 예산확인'에서 확인할 수 있습니다.\n"
        "③ 사실과 다른 정보나 서류를 제출한 경우 가입 승인이 취소되거나 지원금이 환수될 수 있습니다.\n\n"
        "제3조 (바우처 이용)\n"
        "① 바우처는 플랫폼에 등록된 서비스의 결제에만 사용할 수 있으며, 현금으로 바꿀 수 없습니다.\n"
        "② 바우처의 사용 기간과 자부담 비율은 해당 연도 사업공고에 따릅니다.\n\n"
        "제4조 (회원의 의무)\n"
        "회원은 아이디와 비밀번호를 안전하게 관리하여야 하며, 이를 제3자에게 알려주거나 빌려줄 수 없습니다.\n\n"
        "제5조 (이용 제한)\n"
        "부정한 방법으로 바우처를 사용하거나 공급기업과 담합한 경우 이용이 제한되고 관련 법령에 따라 조치됩니다."
    )


def privacy_text() -> str:
    return _tr(
        "1. 수집하는 개인정보 항목\n"
        "- 필수: 본인인증 정보(이름, 휴대폰 번호), 대표자 이름·휴대폰 번호, 담당자 이름·휴대폰 번호·이메일, "
        "결제 담당자 이름·휴대폰 번호, 아이디, 비밀번호(암호화 저장)\n"
        "- 제출 서류에 포함된 정보: 사업자등록증, 국세·지방세 완납증명서, 법인 등기부등본, "
        "4대보험 사업장 가입자 명부 등\n\n"
        "2. 수집·이용 목적\n"
        "수요기업 가입 심사, 바우처 예산 확정과 집행, 서비스 거래·결제·정산, 사업 관련 안내\n\n"
        "3. 보유 및 이용 기간\n"
        "사업 종료 후 5년간 보관하며, 관계 법령에서 정한 기간이 더 긴 경우 그 기간을 따릅니다.\n\n"
        "4. 제3자 제공\n"
        "심사와 사업 관리를 위해 선택한 운영기관과 전문기관에 제공합니다.\n\n"
        "5. 동의 거부 권리\n"
        "개인정보 수집·이용에 동의하지 않을 수 있으나, 동의하지 않으면 회원가입을 할 수 없습니다."
    )


class TermsPage(StepPage):
    step = "terms"

    def __init__(self, ctx, form: SignupForm, parent=None):
        super().__init__(ctx, form, parent)
        self.set_heading(self.tr("약관 동의"),
                         self.tr("K-비대면 바우처 플랫폼 이용을 위해 아래 약관을 읽고 동의해 주세요."))

        self.all_check = QCheckBox(self.tr("위 내용에 모두 동의합니다. (전체 동의)"))
        self.all_check.setObjectName("allConsent")
        all_box = QFrame()
        all_box.setObjectName("card")
        all_layout = QVBoxLayout(all_box)
        all_layout.addWidget(self.all_check)

        self.terms_view = self._text_box(terms_text())
        self.terms_check = QCheckBox(self.tr("이용약관에 동의합니다. (필수)"))
        self.privacy_view = self._text_box(privacy_text())
        self.privacy_check = QCheckBox(self.tr("개인정보 수집·이용에 동의합니다. (필수)"))

        lay = self.body_layout
        lay.addWidget(self._section(self.tr("이용약관 (필수)")))
        lay.addWidget(self.terms_view)
        lay.addWidget(self.terms_check)
        lay.addSpacing(6)
        lay.addWidget(self._section(self.tr("개인정보 처리방침 (필수)")))
        lay.addWidget(self.privacy_view)
        lay.addWidget(self.privacy_check)
        lay.addSpacing(6)
        lay.addWidget(all_box)
        lay.addStretch(1)

        self.bind("agree_terms", self.terms_check)
        self.bind("agree_privacy", self.privacy_check)
        self.all_check.clicked.connect(self._set_all)
        self.terms_check.toggled.connect(self._sync_all)
        self.privacy_check.toggled.connect(self._sync_all)

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        return label

    @staticmethod
    def _text_box(text: str) -> QTextBrowser:
        view = QTextBrowser()
        view.setPlainText(text)
        view.setReadOnly(True)
        view.setMinimumHeight(120)
        view.setMaximumHeight(150)
        return view

    def _set_all(self, checked: bool) -> None:
        self.terms_check.setChecked(checked)
        self.privacy_check.setChecked(checked)

    def _sync_all(self) -> None:
        both = self.terms_check.isChecked() and self.privacy_check.isChecked()
        self.all_check.blockSignals(True)
        self.all_check.setChecked(both)
        self.all_check.blockSignals(False)

    def save(self, form: SignupForm) -> None:
        form.agree_terms = self.terms_check.isChecked()
        form.agree_privacy = self.privacy_check.isChecked()
