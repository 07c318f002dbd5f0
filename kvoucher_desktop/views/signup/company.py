"""Step 3 — 기업정보: company type, numbers, representative, address, phone, industry, staff.

While the business number is typed, a debounced background lookup tells whether it belongs to a
previous year's participant (a notice only: the Next check tells the truth)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import CompanyType, IssuerType
from ...services.rules.limits import limit
from ...services.rules.numbers import business_no_error, digits_only, normalize_business_no
from ...services.signup import SignupForm
from .base import StepPage, add_row, form_layout, hint, notice

log = logging.getLogger(__name__)

#: how long typing must pause before the previous-participant lookup runs (milliseconds)
LOOKUP_DELAY_MS = 300


def _edit(placeholder: str = "", max_length: int = 100) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(max_length)
    return edit


def _stack(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    for w in widgets:
        layout.addWidget(w)
    return box


class CompanyPage(StepPage):
    step = "company"

    def __init__(self, ctx, form: SignupForm, parent=None):
        super().__init__(ctx, form, parent)
        self.set_heading(self.tr("기업정보 입력"),
                         self.tr("사업자등록증과 같은 내용으로 입력해 주세요. * 표시는 필수 항목입니다."))
        self._prefilled: tuple[str, str] | None = None
        self._typed_rep: tuple[str, str] | None = None
        self._checked_bno: str | None = None  # the number the notice is (being) looked up for
        self.previous_participant = False
        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self._lookup_previous)

        # 기업 구분
        self.sole_radio = QRadioButton(self.tr("개인사업자"))
        self.corp_radio = QRadioButton(self.tr("법인사업자"))
        self.type_group = QButtonGroup(self)
        self.type_group.addButton(self.sole_radio)
        self.type_group.addButton(self.corp_radio)
        self.sole_radio.setChecked(True)
        type_row = QHBoxLayout()
        type_row.setContentsMargins(0, 0, 0, 0)
        type_row.addWidget(self.sole_radio)
        type_row.addSpacing(24)
        type_row.addWidget(self.corp_radio)
        type_row.addStretch(1)
        type_widget = QWidget()
        type_widget.setLayout(type_row)

        self.name_edit = _edit(self.tr("사업자등록증의 상호"), limit("company.name"))
        self.business_no_edit = _edit(self.tr("123-45-67890"), 14)
        self.business_no_hint = hint(self.tr("숫자 10자리 ('-'는 넣어도 되고 빼도 됩니다)"))
        self.corporate_no_edit = _edit(self.tr("110111-1234567 (법인만)"), 16)
        self.corporate_hint = hint(self.tr("법인사업자만 입력합니다."))
        self.previous_notice = notice()
        self.previous_notice.hide()

        company_box = QGroupBox(self.tr("기업 정보"))
        company_form = form_layout()
        add_row(company_form, self.tr("기업 구분 *"), type_widget)
        add_row(company_form, self.tr("기업명 *"), self.name_edit)
        add_row(company_form, self.tr("사업자등록번호 *"), _stack(self.business_no_edit, self.business_no_hint))
        self.corporate_label = add_row(company_form, self.tr("법인등록번호"),
                                       _stack(self.corporate_no_edit, self.corporate_hint))
        self._corporate_typed = ""  # what was typed, kept while 개인사업자 is chosen
        company_box.setLayout(company_form)

        self.rep_name_edit = _edit(self.tr("예: 홍길동"), limit("company.representative_name"))
        self.rep_phone_edit = _edit(self.tr("010-1234-5678"), 13)
        self.rep_hint = hint()
        rep_box = QGroupBox(self.tr("대표자"))
        rep_form = form_layout()
        add_row(rep_form, self.tr("대표자명 *"), self.rep_name_edit)
        add_row(rep_form, self.tr("대표자 휴대폰 *"), _stack(self.rep_phone_edit, self.rep_hint))
        rep_box.setLayout(rep_form)

        self.address_edit = _edit(self.tr("예: 서울특별시 중구 세종대로 110"), limit("company.address"))
        self.address_detail_edit = _edit(self.tr("건물명, 층, 호수"), limit("company.address_detail"))
        self.phone_edit = _edit(self.tr("02-1234-5678"), 14)
        self.industry_edit = _edit(self.tr("예: 소프트웨어 개발 및 공급업"), limit("company.industry"))
        self.employees_edit = _edit(self.tr("예: 12"), 7)
        self.employees_edit.setMaximumWidth(140)
        employees_row = QWidget()
        er = QHBoxLayout(employees_row)
        er.setContentsMargins(0, 0, 0, 0)
        er.addWidget(self.employees_edit)
        er.addWidget(QLabel(self.tr("명 (대표자 포함)")))
        er.addStretch(1)
        site_box = QGroupBox(self.tr("사업장"))
        site_form = form_layout()
        add_row(site_form, self.tr("사업장 주소 *"), self.address_edit)
        add_row(site_form, self.tr("상세주소"), self.address_detail_edit)
        add_row(site_form, self.tr("회사 전화번호 *"), self.phone_edit)
        add_row(site_form, self.tr("업종 *"), self.industry_edit)
        add_row(site_form, self.tr("상시 근로자 수 *"), employees_row)
        site_box.setLayout(site_form)

        lay = self.body_layout
        lay.addWidget(company_box)
        lay.addWidget(self.previous_notice)
        lay.addWidget(rep_box)
        lay.addWidget(site_box)
        lay.addStretch(1)

        self.bind("company_type", self.sole_radio)
        self.bind("name", self.name_edit)
        self.bind("business_no", self.business_no_edit)
        self.bind("corporate_no", self.corporate_no_edit)
        self.bind("representative_name", self.rep_name_edit)
        self.bind("representative_phone", self.rep_phone_edit)
        self.bind("address", self.address_edit)
        self.bind("address_detail", self.address_detail_edit)
        self.bind("phone", self.phone_edit)
        self.bind("industry", self.industry_edit)
        self.bind("employees", self.employees_edit)
        self.pair_hint(self.business_no_edit, self.business_no_hint)

        self.corp_radio.toggled.connect(self._type_changed)
        self.business_no_edit.textChanged.connect(self._business_no_changed)
        self._type_changed()

    # --- behaviour --------------------------------------------------------------------------
    def company_type(self) -> CompanyType:
        return CompanyType.CORPORATION if self.corp_radio.isChecked() else CompanyType.SOLE

    def _type_changed(self) -> None:
        """법인: 법인등록번호 is required (marked *) and editable. 개인: it does not apply — the field
        is disabled and empty, and what was typed comes back if 법인 is chosen again."""
        corp = self.corp_radio.isChecked()
        if corp:
            if not self.corporate_no_edit.text():
                self.corporate_no_edit.setText(self._corporate_typed)
        else:
            self._corporate_typed = self.corporate_no_edit.text()
            self.corporate_no_edit.clear()
            if self.corporate_no_edit in self._error_widgets or self.corporate_no_edit in self._marked:
                self.clear_errors()  # the message was about a field that no longer applies
        self.corporate_no_edit.setEnabled(corp)
        self.corporate_label.setText(self.tr("법인등록번호 *") if corp else self.tr("법인등록번호"))
        self.corporate_hint.setText(
            self.tr("법인은 필수입니다. 13자리 숫자 (예: 110111-1234567)") if corp
            else self.tr("법인사업자만 입력합니다."))

    def _set_hint(self, label: QLabel, text: str, kind: str) -> None:
        label.setText(text)
        label.setObjectName(kind)
        label.style().unpolish(label)
        label.style().polish(label)

    def _business_no_changed(self, text: str) -> None:
        stripped = text.strip()
        message = business_no_error(stripped)
        digits = digits_only(stripped)
        if not stripped:
            self._set_hint(self.business_no_hint, self.tr("숫자 10자리 ('-'는 넣어도 되고 빼도 됩니다)"), "hint")
        elif message is None:
            self._set_hint(self.business_no_hint, self.tr("✔ 올바른 사업자등록번호 형식입니다."), "hintOk")
        elif len(digits) < 10 and all(ch.isdigit() or ch in "- " for ch in stripped):
            self._set_hint(self.business_no_hint,
                           self.tr("{n}/10자리 입력했습니다.").format(n=len(digits)), "hint")
        else:
            self._set_hint(self.business_no_hint, message, "hintError")
        if normalize_business_no(stripped) != self._checked_bno:
            self._checked_bno = None  # an answer about the old number is now stale
            self._show_previous(False)
        self._lookup_timer.start()  # debounced: looked up once typing pauses

    def lookup_pending(self) -> bool:
        return self._lookup_timer.isActive()

    def _lookup_previous(self) -> None:
        bno = normalize_business_no(self.business_no_edit.text().strip())
        if bno == self._checked_bno:
            return
        self._checked_bno = bno
        if bno is None:
            self._show_previous(False)
            return
        service = self.ctx.services.signup
        self.run(lambda: service.is_previous_participant(bno),
                 lambda previous: self._previous_known(bno, previous),
                 lambda exc: self._previous_failed(bno, exc))

    def _previous_known(self, bno: str, previous: bool) -> None:
        if bno == self._checked_bno:  # else the number changed meanwhile: a newer lookup runs
            self._show_previous(previous)

    def _previous_failed(self, bno: str, exc: BaseException) -> None:
        # only a notice; the Next check will tell the truth
        log.error("previous-participant lookup failed: %r", exc)
        if bno == self._checked_bno:
            self._checked_bno = None  # look again after the next edit

    def _show_previous(self, previous: bool) -> None:
        self.previous_participant = previous
        if previous:
            year = self.programme_year()
            self.previous_notice.setText(self.tr(
                "이 사업자등록번호는 {prev}년 수요기업으로 참여한 기록이 있습니다. "
                "다시 신청하려면 {prev}년에 발급된 '장애인기업확인서' 또는 '여성기업확인서'를 "
                "제출서류 단계에서 첨부해야 합니다.").format(prev=year - 1 if year else self.tr("전")))
        self.previous_notice.setVisible(previous)

    def programme_loaded(self, year: int | None) -> None:
        if self.previous_participant:
            self._show_previous(True)  # the year in the notice

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """Prefill the representative from the verified identity when the issuer is 대표자."""
        f = self.form
        rep_name, rep_phone = self.rep_name_edit.text(), self.rep_phone_edit.text()
        if f.issuer_type is IssuerType.REPRESENTATIVE:
            if self._prefilled is None:
                self._typed_rep = (rep_name, rep_phone)  # given back if the issuer changes again
            self.rep_name_edit.setText(f.identity_name)
            self.rep_phone_edit.setText(f.identity_phone)
            self._prefilled = (f.identity_name, f.identity_phone)
            for edit in (self.rep_name_edit, self.rep_phone_edit):
                edit.setReadOnly(True)
            self.rep_hint.setText(self.tr(
                "발급자가 대표자이므로 본인인증한 이름과 휴대폰 번호가 입력됩니다. "
                "바꾸려면 '본인인증' 단계에서 다시 인증해 주세요."))
        else:
            if self._prefilled is not None:
                if (rep_name, rep_phone) == self._prefilled and self._typed_rep is not None:
                    self.rep_name_edit.setText(self._typed_rep[0])
                    self.rep_phone_edit.setText(self._typed_rep[1])
                self._prefilled = None
            for edit in (self.rep_name_edit, self.rep_phone_edit):
                edit.setReadOnly(False)
            self.rep_hint.setText(self.tr("대표자의 휴대폰 번호를 입력해 주세요. (010-XXXX-XXXX)"))

    def save(self, form: SignupForm) -> None:
        form.company_type = self.company_type()
        form.name = self.name_edit.text()
        form.business_no = self.business_no_edit.text()
        form.corporate_no = self.corporate_no_edit.text() if self.corp_radio.isChecked() else ""
        form.representative_name = self.rep_name_edit.text()
        form.representative_phone = self.rep_phone_edit.text()
        form.address = self.address_edit.text()
        form.address_detail = self.address_detail_edit.text()
        form.phone = self.phone_edit.text()
        form.industry = self.industry_edit.text()
        form.employees = self.employees_edit.text()
