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

from PySide6.QtWidgets import QHBoxLayout, QWidget

from ...enums import DocumentType, ScreeningStatus
from ...services.changes import NO_CHANGES, Changes, Done, Entity
from ...services.dto import CompanyInfo, CompanyView, DocumentUpload
from ...services.errors import ValidationError
from ...services.rules.documents import document_error, image_size_error, shown_name
from ..tasks import from_self
from ..widgets.busy import BusyIndicator
from ..widgets.common import ErrorLabel, StatusBadge, scrolling_body, title_label
from ..widgets.dialogs import ask_yes_no
from ..widgets.documents import open_document
from ..widgets.files import choose_document
from ..widgets.forms import FieldErrors
from ..widgets.notice import NoticeBox
from .company_docs_panel import OPTIONAL_DOCUMENTS, CompanyDocumentsBox, DocumentRow, IssuedYearDialog
from .company_form import FIXED_FIELDS, TEXT_FIELDS, CompanyForm, SaveBar
from .company_notices import CompanyStateNotices

__all__ = ["CompanyInfoPage", "DocumentRow", "FIXED_FIELDS", "IssuedYearDialog", "OPTIONAL_DOCUMENTS",
           "TEXT_FIELDS", "hold_time"]

#: what the form and the documents box hold, reachable on the page as before (tests read them)
FORM_PARTS = ("fields", "business_no", "company_type", "corporate_no", "issuer", "fixed_hint", "company_form")
DOCS_PARTS = ("doc_model", "doc_table", "preview_button", "replace_button")


def hold_time(view: CompanyView):
    """When the company was last put on hold (None when the history does not say)."""
    holds = [e.at for e in view.history if e.to_status is ScreeningStatus.ON_HOLD]
    return holds[-1] if holds else view.status_changed_at


class CompanyInfoPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.view: CompanyView | None = None
        self.pending_dialog = None  # the open confirmation / issue-year dialog (tests answer it)
        #: (parent, title) -> (file name, bytes) | None; tests replace it
        self.choose_file = choose_document
        self._build()

    # --- layout ------------------------------------------------------------------------------
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

        self.notices = CompanyStateNotices()
        self.lock_notice, self.hold_notice = self.notices.lock_notice, self.notices.hold_notice
        self.resubmit_button = self.notices.resubmit_button
        self.resubmit_button.clicked.connect(self.resubmit)
        layout.addWidget(self.notices)

        self.message = NoticeBox("success")
        self.message.hide()
        layout.addWidget(self.message)
        self.error = ErrorLabel()
        layout.addWidget(self.error)

        self.form = CompanyForm()
        self.form.edited.connect(self._on_edited)
        for name in FORM_PARTS:
            setattr(self, name, getattr(self.form, name))
        self.field_errors = FieldErrors(self.error, self.fields)
        layout.addWidget(self.form)

        # documents span the full width below the two forms, so file names stay readable
        self.docs = CompanyDocumentsBox()
        for name in DOCS_PARTS:
            setattr(self, name, getattr(self.docs, name))
        self.doc_table.doubleClicked.connect(lambda _i: self.preview_selected())
        self.doc_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.preview_button.clicked.connect(self.preview_selected)
        self.replace_button.clicked.connect(self.replace_selected)
        layout.addWidget(self.docs)

        layout.addStretch(1)
        bar = SaveBar()
        self.dirty_label, self.revert_button, self.save_button = bar.dirty_label, bar.revert_button, bar.save_button
        self.revert_button.clicked.connect(self._revert)
        self.save_button.clicked.connect(self.save)
        self.layout().addWidget(bar)  # below the scroll area: always in sight
        self._update_buttons()

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        companies = self.ctx.services.companies
        self.ctx.query(lambda: companies.get(actor), parent=self, key="company") \
            .busy(text=self.tr("기업정보를 불러오는 중…")).success(self._apply).after(self._update_buttons).run()
        self._update_buttons()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        if from_self(self, initiator) or self.view is None or self.busy.busy:
            return
        ids = changes.ids(Entity.COMPANY)
        if changes.touches(Entity.COMPANY) and (not ids or self.view.id in ids):
            self.refresh()

    def _apply(self, view: CompanyView, fill_form: bool | None = None) -> None:
        """Show a company; the typed form is kept when it has unsaved edits (unless fill_form)."""
        if fill_form is None:
            fill_form = not self.is_dirty()
        self.view = view
        self.badge.set_status(view.status)
        self.badge.show()
        self.form.show_company(view, fill_form)
        if fill_form:
            self._clear_marks()
        self.docs.show_documents(view)
        self.notices.show_company(view)
        self._update_buttons()

    # --- the form ----------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self.form.is_dirty()

    def _on_edited(self) -> None:
        self.message.hide()
        self._update_buttons()

    def _revert(self) -> None:
        if self.view is not None:
            self.form.fill(self.view.info)
            self._clear_marks()
            self.error.clear_message()
            self._update_buttons()

    def collect_info(self) -> CompanyInfo:
        """The typed form as CompanyInfo; raises ValidationError for a non-numeric head count.

        The fixed fields are the loaded values, never what a widget happens to hold.
        """
        assert self.view is not None
        return self.form.collect(self.view)

    def _clear_marks(self) -> None:
        self.field_errors.clear()
        self.docs.mark(False)

    def _show_error(self, exc: BaseException) -> None:
        if not self.field_errors.show(exc):
            self.ctx.show_failure(exc, self)
            return
        field = getattr(exc, "field", None) or ""
        if field.startswith("doc:"):
            try:
                self.docs.select_document(DocumentType(field[4:]))
            except ValueError:
                pass
            self.docs.mark(True)
            self.doc_table.setFocus()

    def _saved(self, title: str, body: str) -> None:
        self.message.set_text(title, body)
        self.message.show()

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
        actor, companies = self.ctx.actor, self.ctx.services.companies

        def done(view: CompanyView) -> None:
            self._apply(view, fill_form=True)
            self._saved(self.tr("기업정보를 저장했습니다."), self._after_save_note(view))

        self._change(self.tr("저장하는 중…"), lambda: companies.update_info(actor, info), done)

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
        companies = self.ctx.services.companies
        held_at = hold_time(view)

        def changed_since_hold() -> bool:
            changes = companies.history(actor)
            return held_at is None or any(c.changed_at >= held_at for c in changes)

        self.ctx.query(changed_since_hold, parent=self).busy(text=self.tr("수정 내역을 확인하는 중…")) \
            .success(lambda changed: self._ask_resubmit(view, None, changed)).after(self._update_buttons).run()
        self._update_buttons()

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

        def work() -> Done:
            saved = services.companies.update_info(actor, info).changes if info is not None else NO_CHANGES
            view, changes = services.screening.resubmit(actor)
            return Done(view, saved | changes)

        def done(view: CompanyView) -> None:
            self._apply(view, fill_form=True)
            self._saved(
                self.tr("재제출했습니다. 상태가 '심사중'으로 바뀌었습니다."),
                self.tr("관할 운영기관({operator})에서 다시 심사합니다. 심사 결과는 '심사 및 예산확인'에서 확인하세요.")
                .format(operator=view.operator.name))

        def failed(exc: BaseException) -> None:
            self._show_error(exc)
            self.refresh_keep_form()

        self._change(self.tr("재제출하는 중…"), work, done, failed)

    def refresh_keep_form(self) -> None:
        actor, companies = self.ctx.actor, self.ctx.services.companies
        self.ctx.query(lambda: companies.get(actor), parent=self, key="company").quiet() \
            .success(lambda v: self._apply(v, fill_form=False)).failure(lambda _exc: None).run()

    def preview_selected(self) -> None:
        row = self.docs.selected()
        if row is None or row.document is None:
            return
        open_document(self.ctx, self, row.document, shown=lambda d: setattr(self, "last_preview", d))

    def replace_selected(self) -> None:
        """Replace the selected document, or attach a missing one (a certificate asks its issue year)."""
        row = self.docs.selected()
        if row is None or self.view is None or not self.view.editable or self.busy.busy:
            return
        self.error.clear_message()
        self.docs.mark(False)
        chosen = self.choose_file(self, self.tr("{label} 파일 선택").format(label=row.label))
        if not chosen:
            return
        filename, data = chosen
        shown = shown_name(filename)
        problem = document_error(shown, data) or image_size_error(data, self.tr("'{name}' 이미지").format(name=shown))
        if problem:
            self.error.show_message(problem)
            self.docs.mark(True)
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
        actor, companies = self.ctx.actor, self.ctx.services.companies
        attached = row.document is None

        def done(view: CompanyView) -> None:
            self._apply(view)
            self.docs.select_document(row.doc_type)
            title = (self.tr("'{label}' 서류를 첨부했습니다.") if attached
                     else self.tr("'{label}' 서류를 교체했습니다.")).format(label=row.label)
            self._saved(title, self._after_save_note(view))

        self._change(self.tr("서류를 올리는 중…"), lambda: companies.replace_document(actor, upload), done)

    # --- plumbing ----------------------------------------------------------------------------
    def _change(self, text: str, fn, on_done, on_error=None) -> None:
        """A change of this company: every other page hears of it from the helper."""
        self.ctx.op(fn, parent=self).busy(text=text).success(on_done).failure(on_error or self._show_error) \
            .after(self._update_buttons).run()
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        editable = self.view is not None and self.view.editable
        dirty = editable and self.is_dirty()
        self.save_button.setEnabled(idle and dirty)
        self.revert_button.setEnabled(idle and dirty)
        self.dirty_label.setVisible(dirty)
        self.docs.update_buttons(idle, editable)
        self.resubmit_button.setEnabled(idle and self.view is not None and self.view.status is ScreeningStatus.ON_HOLD)
