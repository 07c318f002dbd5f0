"""The documents box of 기업정보 수정: every required and optional document of the company, with
its file, size and upload time, and the buttons to preview or replace (attach) one.

The box builds and shows; the page opens, checks and uploads (demand/company_info.py).
`IssuedYearDialog` asks the issue year of an optional certificate before it is attached.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...enums import DocumentType
from ...services.clock import format_kst
from ...services.dto import CompanyView, DocumentView
from ...services.rules.documents import DOC_LABELS, REENTRY_CERTIFICATES, required_documents, shown_name
from ..widgets.common import ErrorLabel, mark_invalid
from ..widgets.document_preview import format_size
from ..widgets.tables import ALIGN_CENTER, ALIGN_RIGHT, Column, RowTableModel, make_table, selected_row

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


class CompanyDocumentsBox(QGroupBox):
    """제출 서류: one row per document the company must or may submit."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("제출 서류"))
        layout = QVBoxLayout(self)
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
        layout.addWidget(self.doc_table)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton(self.tr("열기/미리보기"))
        self.replace_button = QPushButton(self.tr("파일 교체…"))
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.replace_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        hint = QLabel(self.tr("PDF, JPG, PNG 파일(10MB 이하)만 올릴 수 있습니다. "
                              "장애인기업확인서·여성기업확인서는 선택 서류로, 가입 후에도 발급연도와 함께 첨부할 수 있습니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)

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

    def show_documents(self, view: CompanyView) -> None:
        """The required documents first, then any other submitted one, then the optional ones;
        the selected row stays selected."""
        required = required_documents(view.company_type, view.info.issuer_type)
        current = {d.doc_type: d for d in view.documents}
        order = list(required) + [t for t in current if t not in required and t not in OPTIONAL_DOCUMENTS]
        order += [t for t in OPTIONAL_DOCUMENTS if t not in required]
        selected = self.selected()
        self.doc_model.set_rows(
            DocumentRow(t, DOC_LABELS[t], t in required, current.get(t)) for t in order
        )
        if selected is not None:
            self.select_document(selected.doc_type)
        # every row in sight (at most seven): the page scrolls, the table does not
        table = self.doc_table
        rows = max(5, self.doc_model.rowCount())
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height()
                               + rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth() + 2)

    def selected(self) -> DocumentRow | None:
        return selected_row(self.doc_table)

    def select_document(self, doc_type: DocumentType) -> None:
        pos = self.doc_model.position_of(doc_type)
        if pos is not None:
            self.doc_table.selectRow(pos)

    def mark(self, invalid: bool) -> None:
        """Mark the table (a refused file, or a document the service named)."""
        mark_invalid(self.doc_table, invalid)

    def update_buttons(self, idle: bool, editable: bool) -> None:
        row = self.selected()
        self.replace_button.setEnabled(idle and editable and row is not None)
        self.replace_button.setText(self.tr("파일 첨부…") if row is not None and row.document is None
                                    else self.tr("파일 교체…"))
        self.preview_button.setEnabled(row is not None and row.document is not None)
