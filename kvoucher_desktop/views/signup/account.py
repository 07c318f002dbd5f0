"""Step 7 — 아이디·비밀번호, a short summary, and "가입 신청" (submitted by the wizard)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from ...enums import CompanyType, IssuerType
from ...services.rules.documents import DOC_LABELS
from ...services.rules.limits import PASSWORD_LIMIT
from ...services.rules.numbers import (
    MIN_PASSWORD,
    format_business_no,
    login_id_error,
    normalize_business_no,
    password_error,
)
from ...services.signup import SignupForm
from .base import StepPage, WrapLabel, add_row, form_layout, hint


class AccountPage(StepPage):
    """The last page: "가입 신청" checks the account step in the background, then asks the
    wizard to submit (also in the background)."""

    step = "account"
    submit_requested = Signal()

    def __init__(self, ctx, form: SignupForm, parent=None):
        super().__init__(ctx, form, parent)
        self.set_heading(self.tr("아이디·비밀번호"),
                         self.tr("로그인에 쓸 아이디와 비밀번호를 정하고 '가입 신청'을 눌러 주세요."))
        self.setCommitPage(False)

        self.login_edit = QLineEdit()
        self.login_edit.setMaxLength(30)
        self.login_edit.setPlaceholderText(self.tr("영문으로 시작하는 4~30자"))
        self.login_hint = hint(self.tr("영문, 숫자, '_', '.', '-'를 쓸 수 있습니다."))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(PASSWORD_LIMIT)
        self.password_edit.setPlaceholderText(self.tr("{n}자 이상").format(n=MIN_PASSWORD))
        self.password_hint = hint(self.tr("{n}자 이상, 아이디를 포함하지 않게 정해 주세요.").format(n=MIN_PASSWORD))
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit.setMaxLength(PASSWORD_LIMIT)
        self.confirm_edit.setPlaceholderText(self.tr("비밀번호를 한 번 더 입력"))
        self.confirm_hint = hint()

        account_box = QGroupBox(self.tr("로그인 정보"))
        account_form = form_layout()
        add_row(account_form, self.tr("아이디 *"), self._with_hint(self.login_edit, self.login_hint))
        add_row(account_form, self.tr("비밀번호 *"), self._with_hint(self.password_edit, self.password_hint))
        add_row(account_form, self.tr("비밀번호 확인 *"), self._with_hint(self.confirm_edit, self.confirm_hint))
        account_box.setLayout(account_form)

        summary_box = QGroupBox(self.tr("신청 내용 확인"))
        self.summary = form_layout()
        self.summary.setVerticalSpacing(5)
        summary_box.setLayout(self.summary)

        self.busy_label = QLabel(self.tr("가입 신청을 처리하고 있습니다. 잠시만 기다려 주세요…"))
        self.busy_label.setObjectName("hint")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(8)
        self.set_busy(False)

        lay = self.body_layout
        lay.addWidget(account_box)
        lay.addWidget(summary_box)
        lay.addStretch(1)
        lay.addWidget(self.busy_label)
        lay.addWidget(self.busy_bar)

        self.bind("login_id", self.login_edit)
        self.bind("password", self.password_edit)
        self.bind("password_confirm", self.confirm_edit)
        self.pair_hint(self.login_edit, self.login_hint)
        self.pair_hint(self.password_edit, self.password_hint)
        self.pair_hint(self.confirm_edit, self.confirm_hint)
        self.login_edit.textChanged.connect(self._update_hints)
        self.password_edit.textChanged.connect(self._update_hints)
        self.confirm_edit.textChanged.connect(self._update_hints)

    @staticmethod
    def _with_hint(edit: QLineEdit, label: QLabel):
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(edit)
        layout.addWidget(label)
        return box

    def _set_hint(self, label: QLabel, text: str, kind: str) -> None:
        label.setText(text)
        if label.objectName() != kind:
            label.setObjectName(kind)
            label.style().unpolish(label)
            label.style().polish(label)

    def _update_hints(self) -> None:
        login = self.login_edit.text().strip()
        pw = self.password_edit.text()
        if login:
            error = login_id_error(login)
            self._set_hint(self.login_hint, error or self.tr("✔ 사용할 수 있는 형식입니다. (이미 쓰는 아이디인지는 가입 신청 때 확인합니다)"),
                           "hintError" if error else "hintOk")
        if pw:
            error = password_error(pw, login)
            self._set_hint(self.password_hint, error or self.tr("✔ 사용할 수 있는 비밀번호입니다."),
                           "hintError" if error else "hintOk")
        confirm = self.confirm_edit.text()
        if confirm:
            same = confirm == pw
            self._set_hint(self.confirm_hint, self.tr("✔ 비밀번호가 일치합니다.") if same
                           else self.tr("비밀번호가 일치하지 않습니다."), "hintOk" if same else "hintError")
        else:
            self._set_hint(self.confirm_hint, "", "hint")

    def set_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        for edit in (self.login_edit, self.password_edit, self.confirm_edit):
            edit.setEnabled(not busy)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        f = self.form
        wiz = self.wizard()
        op = wiz.operator_page.selected_operator() if wiz is not None else None
        bno = normalize_business_no(f.business_no)
        kind = self.tr("법인사업자") if f.company_type is CompanyType.CORPORATION else self.tr("개인사업자")
        issuer = self.tr("담당자(임직원)") if f.issuer_type is IssuerType.STAFF else self.tr("대표자")
        docs = ", ".join(DOC_LABELS[t] for t in f.documents)
        rows = [
            (self.tr("기업명"), f.name.strip()),
            (self.tr("사업자등록번호"), format_business_no(bno) if bno else f.business_no),
            (self.tr("기업 구분 / 발급자"), f"{kind} / {issuer}"),
            (self.tr("대표자"), f.representative_name.strip()),
            (self.tr("제출서류"), self.tr("{n}건 — {docs}").format(n=len(f.documents), docs=docs)),
            (self.tr("운영기관"), f"{op.name} ({op.region})" if op else "-"),
        ]
        while self.summary.rowCount():
            self.summary.removeRow(0)
        for label, value in rows:
            add_row(self.summary, label, WrapLabel(value))  # long values wrap, never clipped

    def summary_text(self) -> str:
        parts = []
        for r in range(self.summary.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole):
                item = self.summary.itemAt(r, role)
                if item is not None and item.widget() is not None:
                    parts.append(item.widget().text())
        return " ".join(parts)

    def save(self, form: SignupForm) -> None:
        form.login_id = self.login_edit.text().strip()
        form.password = self.password_edit.text()
        form.password_confirm = self.confirm_edit.text()

    def check_passed(self) -> None:
        """The account step is fine: the wizard submits in the background."""
        self.submit_requested.emit()

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        self.start_check()  # in the background; check_passed() then asks for the submission
        return False  # the wizard closes itself once the background submission succeeds
