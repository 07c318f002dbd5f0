"""기업정보 수정: the demand company edits its information and documents (SPEC §5.1, §8).

Editable only in ON_HOLD / CONFIRMED / APPROVED (the service decides, `CompanyView.editable`);
otherwise the form is read-only and says why. In ON_HOLD the hold reason is shown with
"수정 완료 후 재제출", which asks first (saying so when nothing was changed since the hold),
then saves pending edits and returns the company to REVIEWING.
A refused save keeps everything typed and marks the field the service named.

The business number, company type, voucher issuer type and payment manager are fixed after
signup (the payment manager's phone receives payment codes; the issuer type decides the
required documents): they are shown read-only and sent unchanged.
The optional certificates (장애인기업확인서 / 여성기업확인서) can be attached at any editable
time, with their issue year.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import CompanyType, DocumentType, IssuerType, ScreeningStatus
from ...services.clock import format_kst
from ...services.dto import CompanyInfo, CompanyView, DocumentUpload, DocumentView
from ...services.errors import ValidationError
from ...services.rules.documents import (
    DOC_LABELS,
    REENTRY_CERTIFICATES,
    document_error,
    image_size_error,
    required_documents,
    shown_name,
)
from ...services.rules.limits import limit
from ...services.rules.numbers import ascii_int, format_business_no, format_corporate_no
from ..widgets.busy import BusyIndicator
from ..widgets.common import (
    ErrorLabel,
    StatusBadge,
    mark_invalid,
    scrolling_body,
    title_label,
)
from ..widgets.dialogs import ask_yes_no
from ..widgets.document_preview import format_size
from ..widgets.documents import open_document
from ..widgets.files import choose_document
from ..widgets.forms import FieldErrors, run_busy
from ..widgets.notice import NoticeBox
from ..widgets.tables import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    Column,
    RowTableModel,
    make_table,
    selected_row,
)


def hold_time(view: CompanyView):
    """When the company was last put on hold (None when the history does not say)."""
    holds = [e.at for e in view.history if e.to_status is ScreeningStatus.ON_HOLD]
    return holds[-1] if holds else view.status_changed_at


#: the text fields of CompanyInfo, in form order: (field, group)
TEXT_FIELDS = (
    ("name", "company"),
    ("representative_name", "company"),
    ("representative_phone", "company"),
    ("phone", "company"),
    ("address", "company"),
    ("address_detail", "company"),
    ("industry", "company"),
    ("employees", "company"),
    ("manager_name", "manager"),
    ("manager_phone", "manager"),
    ("manager_email", "manager"),
    ("payment_manager_name", "manager"),
    ("payment_manager_phone", "manager"),
)

#: fields fixed after signup: shown read-only, sent unchanged (the service refuses a change)
FIXED_FIELDS = ("issuer_type", "payment_manager_name", "payment_manager_phone")

#: optional certificates in the documents table, in this order
OPTIONAL_DOCUMENTS = tuple(t for t in DocumentType if t in REENTRY_CERTIFICATES)


@dataclass(frozen=True)
class DocumentRow:
    doc_type: DocumentType
    label: str
    required: bool
    document: DocumentView | None

    @property
    def optional(self) -> bool:
        return self.doc_type in REENTRY_CERTIFICATES

    @property
    def title(self) -> str:
        year = self.document.issued_year if self.document else None
        return f"{self.label} ({year}년 발급)" if year else self.label


class IssuedYearDialog(QDialog):
    """Asks the issue year of a certificate; OK refuses "선택하세요" and keeps the dialog open."""

    def __init__(self, label: str, filename: str, years: list[int], current: int | None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("{label} 발급연도").format(label=label))
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        prompt = QLabel(self.tr("'{name}'의 발급연도를 선택해 주세요. 확인서에 적힌 발급일의 연도입니다.")
                        .format(name=shown_name(filename)))
        prompt.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never markup
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.year_combo = QComboBox()
        self.year_combo.addItem(self.tr("선택하세요"), None)
        for year in years:
            self.year_combo.addItem(self.tr("{y}년").format(y=year), year)
        if current is not None and self.year_combo.findData(current) >= 0:
            self.year_combo.setCurrentIndex(self.year_combo.findData(current))
        self.year_combo.currentIndexChanged.connect(lambda _i: self._unmark())
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("발급연도")))
        row.addWidget(self.year_combo, 1)
        layout.addLayout(row)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("첨부"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.cancel_button = self.buttons.addButton(self.tr("취소"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def year(self) -> int | None:
        return self.year_combo.currentData()

    def set_year(self, year: int) -> None:
        self.year_combo.setCurrentIndex(self.year_combo.findData(year))

    def _unmark(self) -> None:
        self.error.clear_message()
        mark_invalid(self.year_combo, False)

    def _try_accept(self) -> None:
        if self.year() is None:
            self.error.show_message(self.tr("발급연도를 선택해 주세요."))
            mark_invalid(self.year_combo, True)
            self.year_combo.setFocus()
            return
        self.accept()


class CompanyInfoPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.view: CompanyView | None = None
        self._loaded_values: dict[str, str] = {}
        self._announcing = False
        self.pending_dialog = None  # the open confirmation / issue-year dialog (tests answer it)
        #: (parent, title) -> (file name, bytes) | None; tests replace it
        self.choose_file = choose_document
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _labels(self) -> dict[str, str]:
        return {
            "name": self.tr("기업명"),
            "representative_name": self.tr("대표자명"),
            "representative_phone": self.tr("대표자 휴대폰"),
            "phone": self.tr("회사 전화번호"),
            "address": self.tr("사업장 주소"),
            "address_detail": self.tr("상세 주소"),
            "industry": self.tr("업종"),
            "employees": self.tr("상시 근로자 수"),
            "manager_name": self.tr("담당자 이름"),
            "manager_phone": self.tr("담당자 휴대폰"),
            "manager_email": self.tr("담당자 이메일"),
            "payment_manager_name": self.tr("결제 담당자 이름"),
            "payment_manager_phone": self.tr("결제 담당자 휴대폰"),
            "corporate_no": self.tr("법인등록번호"),
            "issuer_type": self.tr("바우처 발급자 구분"),
        }

    def _build(self) -> None:
        layout = scrolling_body(self)

        head = QHBoxLayout()
        head.addWidget(title_label(self.tr("기업정보 수정")))
        head.addSpacing(12)
        self.badge = StatusBadge()
        self.badge.hide()
        head.addWidget(self.badge)
        head.addStretch(1)
        self.busy = BusyIndicator()
        head.addWidget(self.busy)
        layout.addLayout(head)

        self.lock_notice = NoticeBox("info")
        self.lock_notice.hide()
        layout.addWidget(self.lock_notice)

        self.hold_notice = NoticeBox("warning")
        hold_row = QHBoxLayout()
        hold_row.addStretch(1)
        self.resubmit_button = QPushButton(self.tr("수정 완료 후 재제출"))
        self.resubmit_button.setObjectName("primary")
        self.resubmit_button.clicked.connect(self.resubmit)
        hold_row.addWidget(self.resubmit_button)
        self.hold_notice.layout().addLayout(hold_row)
        self.hold_notice.hide()
        layout.addWidget(self.hold_notice)

        self.message = NoticeBox("success")
        self.message.hide()
        layout.addWidget(self.message)
        self.error = ErrorLabel()
        layout.addWidget(self.error)

        labels = self._labels()
        self.fields: dict[str, QWidget] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        company_box = QGroupBox(self.tr("기업 기본정보"))
        company_form = QFormLayout(company_box)
        company_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.business_no = QLineEdit()
        self.business_no.setReadOnly(True)
        self.business_no.setToolTip(self.tr("사업자등록번호와 기업형태는 가입 후 변경할 수 없습니다."))
        self.company_type = QLineEdit()
        self.company_type.setReadOnly(True)
        self.company_type.setToolTip(self.business_no.toolTip())
        company_form.addRow(self.tr("사업자등록번호"), self.business_no)
        company_form.addRow(self.tr("기업형태"), self.company_type)
        self.corporate_no = QLineEdit()
        self.corporate_no.setMaxLength(14)
        self.corporate_no.setPlaceholderText("110111-1234567")
        company_form.addRow(labels["corporate_no"], self.corporate_no)
        self.fields["corporate_no"] = self.corporate_no
        manager_box = QGroupBox(self.tr("담당자 정보"))
        manager_form = QFormLayout(manager_box)
        manager_form.setLabelAlignment(company_form.labelAlignment())
        forms = {"company": company_form, "manager": manager_form}
        placeholders = {
            "representative_phone": "010-1234-5678", "manager_phone": "010-1234-5678",
            "payment_manager_phone": "010-1234-5678", "phone": "02-1234-5678",
            "manager_email": "name@example.kr", "employees": self.tr("대표자 포함"),
        }
        for name, group in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setMaxLength(limit(f"company.{name}"))  # the service's limit (rules/limits.py)
            edit.setPlaceholderText(placeholders.get(name, ""))
            edit.textEdited.connect(self._on_edited)
            forms[group].addRow(labels[name], edit)
            self.fields[name] = edit
        self.corporate_no.textEdited.connect(self._on_edited)
        # the issuer type decides the required documents: fixed, shown as read-only text
        self.issuer = QLineEdit()
        manager_form.addRow(labels["issuer_type"], self.issuer)
        self.fields["issuer_type"] = self.issuer
        fixed_tip = self.tr("가입 후에는 변경할 수 없습니다. 변경이 필요하면 관할 운영기관에 문의하세요.")
        for name in FIXED_FIELDS:
            edit = self.fields[name]
            edit.setReadOnly(True)
            edit.setToolTip(fixed_tip)
            edit.setPlaceholderText("")
        self.fixed_hint = QLabel(self.tr("결제 담당자와 바우처 발급자 구분은 가입 후에는 변경할 수 없습니다. "
                                         "변경이 필요하면 관할 운영기관에 문의하세요."))
        self.fixed_hint.setObjectName("hint")
        self.fixed_hint.setWordWrap(True)
        manager_form.addRow(self.fixed_hint)
        self.company_form = company_form
        self.field_errors = FieldErrors(self.error, self.fields)

        docs_box = QGroupBox(self.tr("제출 서류"))
        docs_layout = QVBoxLayout(docs_box)
        self.doc_model = RowTableModel([
            Column(self.tr("서류"), lambda r: r.title, width=200, tooltip=lambda r: r.title),
            Column(self.tr("구분"), lambda r: self.tr("필수") if r.required else self.tr("선택"), ALIGN_CENTER, 50),
            Column(self.tr("파일"), self._file_text, width=260, tooltip=self._file_tip),
            Column(self.tr("크기"), lambda r: format_size(r.document.size) if r.document else "", ALIGN_RIGHT, 64),
            Column(self.tr("올린 시각"), lambda r: format_kst(r.document.uploaded_at) if r.document else "",
                   ALIGN_CENTER, 130),
        ], key=lambda r: r.doc_type, parent=self)
        self.doc_table = make_table(self.doc_model, stretch=2)
        self.doc_table.setMinimumHeight(190)
        self.doc_table.doubleClicked.connect(lambda _i: self.preview_selected())
        self.doc_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        docs_layout.addWidget(self.doc_table)
        doc_buttons = QHBoxLayout()
        self.preview_button = QPushButton(self.tr("열기/미리보기"))
        self.preview_button.clicked.connect(self.preview_selected)
        self.replace_button = QPushButton(self.tr("파일 교체…"))
        self.replace_button.clicked.connect(self.replace_selected)
        doc_buttons.addWidget(self.preview_button)
        doc_buttons.addWidget(self.replace_button)
        doc_buttons.addStretch(1)
        docs_layout.addLayout(doc_buttons)
        hint = QLabel(self.tr("PDF, JPG, PNG 파일(10MB 이하)만 올릴 수 있습니다. "
                              "장애인기업확인서·여성기업확인서는 선택 서류로, 가입 후에도 발급연도와 함께 첨부할 수 있습니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        docs_layout.addWidget(hint)

        # documents span the full width below the two forms, so file names stay readable
        grid.addWidget(company_box, 0, 0)
        grid.addWidget(manager_box, 0, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(docs_box, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        layout.addStretch(1)
        # the save bar stays below the scrolling form, always in sight
        bar = QWidget()
        bar.setObjectName("saveBar")
        bar.setStyleSheet("QWidget#saveBar { background: white; border-top: 1px solid #d9e2ec; }")
        actions = QHBoxLayout(bar)
        actions.setContentsMargins(20, 8, 20, 8)
        self.dirty_label = QLabel(self.tr("저장하지 않은 변경 내용이 있습니다."))
        self.dirty_label.setObjectName("hint")
        actions.addWidget(self.dirty_label)
        actions.addStretch(1)
        self.revert_button = QPushButton(self.tr("되돌리기"))
        self.revert_button.clicked.connect(self._revert)
        self.save_button = QPushButton(self.tr("저장"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)
        self.layout().addWidget(bar)  # below the scroll area: always in sight
        self._update_buttons()

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        self._run(self.tr("기업정보를 불러오는 중…"), lambda: self.ctx.services.companies.get(actor),
                  lambda view: self._apply(view))

    def on_data_changed(self, what: str, ids: tuple) -> None:
        if (what == "company" and not self._announcing and self.view is not None and self.view.id in ids
                and not self.busy.busy):
            self.refresh()

    def _announce(self, view: CompanyView) -> None:
        self._announcing = True
        try:
            self.ctx.changed("company", (view.id,))
        finally:
            self._announcing = False

    def _apply(self, view: CompanyView, fill_form: bool | None = None) -> None:
        """Show a company; the typed form is kept when it has unsaved edits (unless fill_form)."""
        if fill_form is None:
            fill_form = not self.is_dirty()
        self.view = view
        self.badge.set_status(view.status)
        self.badge.show()
        self.business_no.setText(format_business_no(view.business_no))
        self.company_type.setText(self.tr("법인") if view.company_type is CompanyType.CORPORATION else self.tr("개인"))
        corporation = view.company_type is CompanyType.CORPORATION
        self.company_form.setRowVisible(self.corporate_no, corporation)
        if fill_form:
            self._fill(view.info)
        self._fill_fixed(view.info)
        self._loaded_values = self._values_of(view.info)
        self._show_documents(view)
        editable = view.editable
        for name, widget in self.fields.items():
            widget.setReadOnly(name in FIXED_FIELDS or not editable)
        self.fixed_hint.setText(self.tr(
            "결제 담당자와 바우처 발급자 구분은 가입 후에는 변경할 수 없습니다. "
            "변경이 필요하면 관할 운영기관({operator}, {phone})에 문의하세요."
        ).format(operator=view.operator.name, phone=view.operator.phone))
        if not editable:
            title = (self.tr("심사탈락된 기업은 정보를 수정할 수 없습니다.") if view.status is ScreeningStatus.REJECTED
                     else self.tr("지금은 기업정보를 수정할 수 없습니다."))
            body = view.not_editable_reason or ""
            if view.status is ScreeningStatus.REJECTED and view.status_reason:
                body += "\n" + self.tr("탈락 사유: {reason}").format(reason=view.status_reason)
            self.lock_notice.set_text(title, body, "danger" if view.status is ScreeningStatus.REJECTED else "info")
        self.lock_notice.setVisible(not editable)
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
        self._update_buttons()

    def _file_text(self, row: DocumentRow) -> str:
        if row.document is not None:
            return row.document.filename
        return self.tr("(선택) 미첨부") if row.optional else self.tr("(미첨부)")

    def _file_tip(self, row: DocumentRow) -> str:
        if row.document is not None:
            return row.document.filename
        if row.optional:
            return self.tr("선택 서류입니다. 행을 선택하고 '파일 첨부…'를 눌러 발급연도와 함께 올릴 수 있습니다.")
        return ""

    def _show_documents(self, view: CompanyView) -> None:
        required = required_documents(view.company_type, view.info.issuer_type)
        current = {d.doc_type: d for d in view.documents}
        order = list(required) + [t for t in current if t not in required and t not in OPTIONAL_DOCUMENTS]
        order += [t for t in OPTIONAL_DOCUMENTS if t not in required]
        selected = selected_row(self.doc_table)
        self.doc_model.set_rows(
            DocumentRow(t, DOC_LABELS[t], t in required, current.get(t)) for t in order
        )
        if selected is not None:
            self._select_document(selected.doc_type)
        # every row in sight (at most seven): the page scrolls, the table does not
        table = self.doc_table
        rows = max(5, self.doc_model.rowCount())
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height()
                               + rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth() + 2)

    def _select_document(self, doc_type: DocumentType) -> None:
        pos = self.doc_model.position_of(doc_type)
        if pos is not None:
            self.doc_table.selectRow(pos)

    # --- the form ----------------------------------------------------------------------------
    def _values_of(self, info: CompanyInfo) -> dict[str, str]:
        """The editable values as the form shows them (the fixed fields are not compared)."""
        values = {name: str(getattr(info, name) or "") for name, _g in TEXT_FIELDS if name not in FIXED_FIELDS}
        values["corporate_no"] = format_corporate_no(info.corporate_no)
        return values

    def _current_values(self) -> dict[str, str]:
        values = {name: self.fields[name].text() for name, _g in TEXT_FIELDS if name not in FIXED_FIELDS}
        values["corporate_no"] = self.corporate_no.text()
        return values

    def _fill(self, info: CompanyInfo) -> None:
        values = self._values_of(info)
        for name, value in values.items():
            self.fields[name].setText(value)
        self._fill_fixed(info)
        self._clear_marks()

    def _fill_fixed(self, info: CompanyInfo) -> None:
        self.fields["payment_manager_name"].setText(info.payment_manager_name)
        self.fields["payment_manager_phone"].setText(info.payment_manager_phone)
        self.issuer.setText(self.tr("대표자") if info.issuer_type is IssuerType.REPRESENTATIVE
                            else self.tr("담당자(임직원)"))

    def is_dirty(self) -> bool:
        return bool(self._loaded_values) and self._current_values() != self._loaded_values

    def _on_edited(self, *_args) -> None:
        self.message.hide()
        self._update_buttons()

    def _revert(self) -> None:
        if self.view is not None:
            self._fill(self.view.info)
            self.error.clear_message()
            self._update_buttons()

    def collect_info(self) -> CompanyInfo:
        """The typed form as CompanyInfo; raises ValidationError for a non-numeric head count.

        The fixed fields are the loaded values, never what a widget happens to hold.
        """
        assert self.view is not None
        v = self._current_values()
        loaded = self.view.info
        v["payment_manager_name"] = loaded.payment_manager_name
        v["payment_manager_phone"] = loaded.payment_manager_phone
        v["issuer_type"] = loaded.issuer_type.value
        employees = ascii_int(v["employees"])  # full-width digits count; other scripts' do not (SPEC §8)
        if employees is None:
            raise ValidationError(self.tr("상시 근로자 수는 숫자로 입력해 주세요."), field="employees")
        corporation = self.view.company_type is CompanyType.CORPORATION
        return CompanyInfo(
            name=v["name"], representative_name=v["representative_name"],
            representative_phone=v["representative_phone"], address=v["address"],
            address_detail=v["address_detail"], phone=v["phone"], industry=v["industry"],
            employees=employees, manager_name=v["manager_name"], manager_phone=v["manager_phone"],
            manager_email=v["manager_email"], payment_manager_name=v["payment_manager_name"],
            payment_manager_phone=v["payment_manager_phone"], issuer_type=IssuerType(v["issuer_type"]),
            corporate_no=v["corporate_no"] if corporation else None,
        )

    def _clear_marks(self) -> None:
        self.field_errors.clear()
        mark_invalid(self.doc_table, False)

    def _show_error(self, exc: BaseException) -> None:
        if not self.field_errors.show(exc):
            self.ctx.error(self, exc)
            return
        field = getattr(exc, "field", None) or ""
        if field.startswith("doc:"):
            try:
                self._select_document(DocumentType(field[4:]))
            except ValueError:
                pass
            mark_invalid(self.doc_table, True)
            self.doc_table.setFocus()

    # --- actions -----------------------------------------------------------------------------
    def save(self) -> None:
        if self.view is None or not self.view.editable:
            return
        self._clear_marks()
        try:
            info = self.collect_info()
        except ValidationError as exc:
            self._show_error(exc)
            return
        actor = self.ctx.actor

        def done(view: CompanyView) -> None:
            self._apply(view, fill_form=True)
            self.message.set_text(self.tr("기업정보를 저장했습니다."), self._after_save_note(view))
            self.message.show()
            self._announce(view)

        self._run(self.tr("저장하는 중…"), lambda: self.ctx.services.companies.update_info(actor, info), done,
                  self._show_error)

    def _after_save_note(self, view: CompanyView) -> str:
        if view.status in (ScreeningStatus.CONFIRMED, ScreeningStatus.APPROVED):
            return self.tr("심사확정 이후의 변경 내용은 관할 운영기관에 표시되며 '회원정보 수정이력'에 기록됩니다.")
        if view.status is ScreeningStatus.ON_HOLD:
            return self.tr("수정을 마쳤으면 '수정 완료 후 재제출'을 눌러 재심사를 요청하세요.")
        return ""

    def resubmit(self) -> None:
        """Ask, then save pending edits (if any) and hand the company back to the operator
        (ON_HOLD → REVIEWING). The question says so when nothing was changed since the hold."""
        if self.view is None or self.view.status is not ScreeningStatus.ON_HOLD or self.busy.busy:
            return
        self._clear_marks()
        info = None
        if self.is_dirty():
            try:
                info = self.collect_info()  # a bad field is shown before anything is asked
            except ValidationError as exc:
                self._show_error(exc)
                return
            self._ask_resubmit(self.view, info, changed=True)
            return
        view, actor = self.view, self.ctx.actor
        held_at = hold_time(view)

        def changed_since_hold() -> bool:
            changes = self.ctx.services.companies.history(actor)
            return held_at is None or any(c.changed_at >= held_at for c in changes)

        self._run(self.tr("수정 내역을 확인하는 중…"), changed_since_hold,
                  lambda changed: self._ask_resubmit(view, None, changed))

    def _ask_resubmit(self, view: CompanyView, info: CompanyInfo | None, changed: bool) -> None:
        if self.view is None or self.view.id != view.id or self.view.status is not ScreeningStatus.ON_HOLD:
            return
        after = self.tr(
            "재제출하면 상태가 다시 '심사중'으로 바뀌고 관할 운영기관({operator})에서 다시 심사합니다. "
            "심사 결과가 나올 때까지 기업정보와 서류를 수정할 수 없습니다."
        ).format(operator=view.operator.name)
        if not changed:
            question = self.tr("보류 사유에 대한 수정 내역이 없습니다. 그대로 재제출할까요?")
        elif info is not None:
            question = self.tr("수정한 내용으로 재제출할까요? 저장하지 않은 변경 내용도 함께 저장됩니다.")
        else:
            question = self.tr("수정한 내용으로 재제출할까요?")
        self.pending_dialog = ask_yes_no(self, self.tr("재제출"), f"{question}\n\n{after}", self.tr("재제출"),
                                         lambda: self._do_resubmit(info))
        self.pending_dialog.finished.connect(lambda _r: setattr(self, "pending_dialog", None))

    def _do_resubmit(self, info: CompanyInfo | None) -> None:
        actor = self.ctx.actor
        services = self.ctx.services

        def work() -> CompanyView:
            if info is not None:
                services.companies.update_info(actor, info)
            return services.screening.resubmit(actor)

        def done(view: CompanyView) -> None:
            self._apply(view, fill_form=True)
            self.message.set_text(
                self.tr("재제출했습니다. 상태가 '심사중'으로 바뀌었습니다."),
                self.tr("관할 운영기관({operator})에서 다시 심사합니다. 심사 결과는 '심사 및 예산확인'에서 확인하세요.")
                .format(operator=view.operator.name))
            self.message.show()
            self._announce(view)

        def failed(exc: BaseException) -> None:
            self._show_error(exc)
            self.refresh_keep_form()

        self._run(self.tr("재제출하는 중…"), work, done, failed)

    def refresh_keep_form(self) -> None:
        actor = self.ctx.actor
        self.ctx.run(self, lambda: self.ctx.services.companies.get(actor), lambda v: self._apply(v, fill_form=False),
                     lambda _exc: None)

    def preview_selected(self) -> None:
        row = selected_row(self.doc_table)
        if row is None or row.document is None:
            return
        open_document(self.ctx, self, row.document, shown=lambda d: setattr(self, "last_preview", d))

    def replace_selected(self) -> None:
        """Replace the selected document, or attach a missing one (a certificate asks its issue year)."""
        row = selected_row(self.doc_table)
        if row is None or self.view is None or not self.view.editable or self.busy.busy:
            return
        self.error.clear_message()
        mark_invalid(self.doc_table, False)
        chosen = self.choose_file(self, self.tr("{label} 파일 선택").format(label=row.label))
        if not chosen:
            return
        filename, data = chosen
        shown = shown_name(filename)
        problem = document_error(shown, data) or image_size_error(data, self.tr("'{name}' 이미지").format(name=shown))
        if problem:
            self.error.show_message(problem)
            mark_invalid(self.doc_table, True)
            return
        current_year = row.document.issued_year if row.document else None
        if not row.optional:
            self._upload(row, DocumentUpload(row.doc_type, filename, data, current_year))
            return
        year = self.view.programme_year
        dialog = IssuedYearDialog(row.label, filename, list(range(year, year - 6, -1)), current_year, self)
        dialog.accepted.connect(
            lambda: self._upload(row, DocumentUpload(row.doc_type, filename, data, dialog.year())))
        dialog.finished.connect(lambda _r: setattr(self, "pending_dialog", None))
        self.pending_dialog = dialog
        dialog.open()

    def _upload(self, row: DocumentRow, upload: DocumentUpload) -> None:
        actor = self.ctx.actor
        attached = row.document is None

        def done(view: CompanyView) -> None:
            self._apply(view)
            self._select_document(row.doc_type)
            title = (self.tr("'{label}' 서류를 첨부했습니다.") if attached
                     else self.tr("'{label}' 서류를 교체했습니다.")).format(label=row.label)
            self.message.set_text(title, self._after_save_note(view))
            self.message.show()
            self._announce(view)

        self._run(self.tr("서류를 올리는 중…"), lambda: self.ctx.services.companies.replace_document(actor, upload),
                  done, self._show_error)

    # --- plumbing ----------------------------------------------------------------------------
    def _run(self, text: str, fn, on_done, on_error=None) -> None:
        run_busy(self.ctx, self, self.busy, text, fn, on_done, on_error, after=self._update_buttons)

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        editable = self.view is not None and self.view.editable
        row = selected_row(self.doc_table)
        dirty = editable and self.is_dirty()
        self.save_button.setEnabled(idle and dirty)
        self.revert_button.setEnabled(idle and dirty)
        self.dirty_label.setVisible(dirty)
        self.replace_button.setEnabled(idle and editable and row is not None)
        self.replace_button.setText(self.tr("파일 첨부…") if row is not None and row.document is None
                                    else self.tr("파일 교체…"))
        self.preview_button.setEnabled(row is not None and row.document is not None)
        self.resubmit_button.setEnabled(idle and self.view is not None and self.view.status is ScreeningStatus.ON_HOLD)
