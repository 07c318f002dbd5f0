"""Step 4 — 제출서류: one row per required document, plus the optional re-entry certificates.

Each chosen file is checked at once (content magic bytes, ≤10MB, a picture's declared size)
with the same rules the services use (the services also decode it when the step is checked);
a bad file shows its message in its own row and is not kept, other rows stay. 미리보기 opens
the in-app viewer on the chosen bytes.
Choosing a file goes through `choose_file(parent, title) -> (filename, bytes) | None`, an
attribute tests (or another front end) can replace to supply bytes without a dialog.
Whether the company took part last year (the re-entry certificates become required) is looked
up in the background when the page opens; attaching, removing or changing a row clears a
page message about that row.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from ...enums import DocumentType
from ...services.dto import DocumentUpload
from ...services.errors import ValidationError
from ...services.rules.documents import (
    DOC_LABELS,
    REENTRY_CERTIFICATES,
    clean_filename,
    document_error,
    image_size_error,
    required_documents,
    shown_name,
    sniff_content_type,
)
from ...services.rules.numbers import normalize_business_no
from ...services.signup import SignupForm
from ..widgets.document_preview import format_size
from ..widgets.viewer import show_viewer
from ..widgets.files import FileChooser, choose_document
from .base import StepPage, hint, notice

log = logging.getLogger(__name__)


ALL_TYPES = (
    DocumentType.BUSINESS_REGISTRATION,
    DocumentType.NATIONAL_TAX,
    DocumentType.LOCAL_TAX,
    DocumentType.CORPORATE_REGISTRY,
    DocumentType.INSURANCE_ROSTER,
    DocumentType.DISABLED_ENTERPRISE,
    DocumentType.WOMEN_ENTERPRISE,
)


class DocumentRow(QFrame):
    """One document: label, 파일 선택, file name and size, 미리보기, 삭제, and its own message."""

    changed = Signal()

    def __init__(self, doc_type: DocumentType, choose: Callable[[], FileChooser], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("docRow")
        self.doc_type = doc_type
        self._choose = choose
        self.filename = ""
        self.data: bytes | None = None
        self.preview_dialog = None

        self.label = QLabel(DOC_LABELS[doc_type])
        self.label.setObjectName("docLabel")
        self.tag = QLabel()
        self.tag.setObjectName("tagRequired")
        self.choose_button = QPushButton(self.tr("파일 선택"))
        self.file_label = QLabel(self.tr("선택된 파일 없음"))
        self.file_label.setObjectName("hint")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never markup
        self.file_label.setMinimumWidth(120)
        self.size_label = QLabel()
        self.size_label.setObjectName("hint")
        self.size_label.setMinimumWidth(70)
        self.size_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.preview_button = QPushButton(self.tr("미리보기"))
        self.remove_button = QPushButton(self.tr("삭제"))
        self.remove_button.setObjectName("danger")
        self.message = QLabel()
        self.message.setObjectName("rowError")
        self.message.setWordWrap(True)
        self.message.hide()

        self.year_combo: QComboBox | None = None
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(self.label)
        head.addWidget(self.tag)
        head.addStretch(1)
        grid.addLayout(head, 0, 0, 1, 5)
        grid.addWidget(self.choose_button, 1, 0)
        grid.addWidget(self.file_label, 1, 1)
        grid.addWidget(self.size_label, 1, 2)
        grid.addWidget(self.preview_button, 1, 3)
        grid.addWidget(self.remove_button, 1, 4)
        grid.setColumnStretch(1, 1)
        if doc_type in REENTRY_CERTIFICATES:
            self.year_combo = QComboBox()
            self.year_combo.setMinimumWidth(130)
            year_row = QHBoxLayout()
            year_row.setSpacing(8)
            year_row.addWidget(QLabel(self.tr("발급연도")))
            year_row.addWidget(self.year_combo)
            year_row.addStretch(1)
            grid.addLayout(year_row, 2, 0, 1, 5)
        grid.addWidget(self.message, 3, 0, 1, 5)

        self.choose_button.clicked.connect(self.choose)
        self.preview_button.clicked.connect(self.preview)
        self.remove_button.clicked.connect(self.remove)
        self._refresh()

    def set_required(self, required: bool, text: str = "") -> None:
        self.tag.setText(text or (self.tr("필수") if required else self.tr("선택")))
        self.tag.setObjectName("tagRequired" if required else "tagOptional")
        self.tag.style().unpolish(self.tag)
        self.tag.style().polish(self.tag)

    def set_years(self, years: list[int]) -> None:
        if self.year_combo is None or self.year_combo.count():
            return
        self.year_combo.addItem(self.tr("선택하세요"), None)
        for year in years:
            self.year_combo.addItem(self.tr("{y}년").format(y=year), year)

    def issued_year(self) -> int | None:
        return self.year_combo.currentData() if self.year_combo is not None else None

    @property
    def upload(self) -> DocumentUpload | None:
        if self.data is None:
            return None
        return DocumentUpload(self.doc_type, self.filename, self.data, self.issued_year())

    # --- actions ----------------------------------------------------------------------------
    def choose(self) -> None:
        title = self.tr("{label} 파일 선택").format(label=DOC_LABELS[self.doc_type])
        try:
            chosen = self._choose()(self, title)
        except OSError as exc:
            self.show_message(self.tr("파일을 읽을 수 없습니다: {err}").format(err=exc.strerror or exc))
            return
        if chosen is None:
            return
        self.set_file(*chosen)

    def set_file(self, filename: str, data: bytes) -> bool:
        """Keep the file if it is acceptable; otherwise show why (a previous good file stays)."""
        message = document_error(shown_name(filename), data) or image_size_error(
            data, self.tr("'{name}' 이미지").format(name=shown_name(filename)))
        if message:
            kept = self.tr(" 이전에 선택한 '{name}' 파일은 그대로 둡니다.").format(name=shown_name(self.filename)) if self.data else ""
            self.show_message(message + kept)
            return False
        self.filename, self.data = filename, data
        self.show_message("")
        self._refresh()
        self.changed.emit()
        return True

    def remove(self) -> None:
        self.filename, self.data = "", None
        self.show_message("")
        self._refresh()
        self.changed.emit()

    def preview(self) -> None:
        """The chosen file in the in-app viewer (from its bytes; never opened by the OS)."""
        if self.data is not None:
            info = self.tr("선택한 파일 {name} · {size}").format(name=shown_name(self.filename),
                                                             size=format_size(len(self.data)))
            self.preview_dialog = show_viewer(self, DOC_LABELS[self.doc_type], self.data, info=info)

    def stored_name(self) -> str:
        """The name the file will be listed under (cleaned, with the extension of its content)."""
        return clean_filename(self.filename, sniff_content_type(self.data), DOC_LABELS[self.doc_type])

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _refresh(self) -> None:
        has = self.data is not None
        self.file_label.setText(self.stored_name() if has else self.tr("선택된 파일 없음"))
        self.file_label.setObjectName("fileName" if has else "hint")
        self.file_label.style().unpolish(self.file_label)
        self.file_label.style().polish(self.file_label)
        self.size_label.setText(format_size(len(self.data)) if has else "")
        self.choose_button.setText(self.tr("다른 파일") if has else self.tr("파일 선택"))
        self.preview_button.setEnabled(has)
        self.remove_button.setEnabled(has)


class DocumentsPage(StepPage):
    step = "documents"

    def __init__(self, ctx, form: SignupForm, parent=None, choose_file: FileChooser | None = None):
        super().__init__(ctx, form, parent)
        self.set_heading(self.tr("제출서류"),
                         self.tr("PDF, JPG, PNG 파일만 올릴 수 있으며 파일마다 10MB 이하여야 합니다."))
        self.choose_file: FileChooser = choose_file or choose_document
        self.rows: dict[DocumentType, DocumentRow] = {}
        self._previous_bno: str | None = None  # the business number `previous` is about
        self.previous = False

        self.previous_notice = notice()
        self.previous_notice.hide()
        self.required_title = QLabel(self.tr("필수 서류"))
        self.required_title.setObjectName("sectionTitle")
        self.optional_title = QLabel(self.tr("선택 서류 — 전년도 참여기업의 재신청용"))
        self.optional_title.setObjectName("sectionTitle")
        self.optional_hint = hint(self.tr(
            "전년도 수요기업은 전년도에 발급된 장애인기업확인서 또는 여성기업확인서를 첨부하면 다시 신청할 수 있습니다."))

        lay = self.body_layout
        lay.addWidget(self.previous_notice)
        lay.addWidget(self.required_title)
        for doc_type in ALL_TYPES:
            row = DocumentRow(doc_type, lambda: self.choose_file)
            row.changed.connect(lambda r=row: self.field_changed(r))
            self.rows[doc_type] = row
            self.bind(f"doc:{doc_type.value}", row)
            if doc_type in REENTRY_CERTIFICATES:
                self.bind(f"year:{doc_type.value}", row.year_combo)
                continue
            lay.addWidget(row)
        lay.addSpacing(6)
        lay.addWidget(self.optional_title)
        lay.addWidget(self.optional_hint)
        for doc_type in ALL_TYPES:
            if doc_type in REENTRY_CERTIFICATES:
                lay.addWidget(self.rows[doc_type])
        lay.addStretch(1)

    def required(self) -> list[DocumentType]:
        return required_documents(self.form.company_type, self.form.issuer_type)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """Show the rows the chosen company type and issuer need; chosen files stay."""
        required = set(self.required())
        for doc_type, row in self.rows.items():
            optional = doc_type in REENTRY_CERTIFICATES
            row.setVisible(optional or doc_type in required)
            row.set_required(doc_type in required)
        self.programme_loaded(self.programme_year())
        bno = normalize_business_no(self.form.business_no)
        if bno == self._previous_bno:
            self._show_previous(self.previous)
            return
        self._previous_bno = bno
        self._show_previous(False)
        if bno is None:
            return
        service = self.ctx.services.signup
        self.run(lambda: service.is_previous_participant(bno),
                 lambda previous: self._previous_known(bno, previous),
                 lambda exc: self._previous_failed(bno, exc))

    def _previous_known(self, bno: str, previous: bool) -> None:
        if bno == self._previous_bno:
            self._show_previous(previous)

    def _previous_failed(self, bno: str, exc: BaseException) -> None:
        # only a notice and the tags; the Next check tells the truth
        log.error("previous-participant lookup failed: %r", exc)
        if bno == self._previous_bno:
            self._previous_bno = None  # look again when the page opens again

    def _show_previous(self, previous: bool) -> None:
        self.previous = previous
        year = self.programme_year()
        if previous:
            prev = year - 1 if year is not None else self.tr("전")
            self.previous_notice.setText(self.tr(
                "{prev}년 수요기업으로 참여한 기업입니다. {prev}년에 발급된 '장애인기업확인서' 또는 "
                "'여성기업확인서'를 아래 선택 서류에 첨부해야 다시 신청할 수 있습니다.").format(prev=prev))
        self.previous_notice.setVisible(previous)
        for doc_type in REENTRY_CERTIFICATES:
            if previous:
                self.rows[doc_type].set_required(True, self.tr("둘 중 하나 필수"))
            else:
                self.rows[doc_type].set_required(False)

    def programme_loaded(self, year: int | None) -> None:
        if year is None:
            return
        for doc_type in REENTRY_CERTIFICATES:
            self.rows[doc_type].set_years(list(range(year, year - 6, -1)))
        if self.previous:
            self._show_previous(True)  # the year in the notice

    def widgets_of_error(self, field: str | None) -> list:
        """Either re-entry certificate answers a message about the certificates."""
        widgets = super().widgets_of_error(field)
        certificates = [self.rows[t] for t in REENTRY_CERTIFICATES]
        if any(w in certificates for w in widgets):
            widgets += [w for w in certificates if w not in widgets]
        return widgets

    def local_check(self) -> None:
        for doc_type in REENTRY_CERTIFICATES:
            row = self.rows[doc_type]
            if row.data is not None and row.issued_year() is None:
                raise ValidationError(
                    self.tr("'{label}'의 발급연도를 선택해 주세요.").format(label=DOC_LABELS[doc_type]),
                    field=f"year:{doc_type.value}")

    def save(self, form: SignupForm) -> None:
        wanted = set(required_documents(form.company_type, form.issuer_type)) | set(REENTRY_CERTIFICATES)
        form.documents = {
            doc_type: row.upload for doc_type, row in self.rows.items()
            if doc_type in wanted and row.upload is not None
        }

    def show_error(self, message: str, field: str | None = None) -> None:
        super().show_error(message, field)
        if field and field.startswith("doc:"):
            row = self.widget_for(field)
            if isinstance(row, DocumentRow):
                row.choose_button.setFocus()
