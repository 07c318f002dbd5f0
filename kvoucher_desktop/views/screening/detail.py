"""The company detail beside the screening queue: information, documents, screening and
modification history, and the actions 심사확정 / 심사보류 / 심사탈락 / 수정사항 확인."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...enums import Role, ScreeningAction, ScreeningStatus
from ...services.accounts import ROLE_LABELS
from ...services.clock import format_kst
from ...services.companies import ISSUER_LABELS
from ...services.dto import ChangeView, CompanyView, ScreeningEventView
from ...services.errors import Conflict
from ...services.rules.money import format_krw
from ...services.rules.numbers import format_business_no, format_corporate_no
from ...services.rules.screening import ACTORS, TRANSITIONS
from ..demand.history import ChangeTableModel
from ..demand.status import transition_text
from ..widgets.common import StatusBadge, build_detail_head
from ..widgets.dialogs import ask_reason, ask_yes_no
from ..widgets.document_preview import format_size
from ..widgets.documents import open_document
from ..widgets.notice import NoticeBox
from ..widgets.tables import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    Column,
    RowTableModel,
    make_table,
    selected_row,
)
from .queue_model import company_type_label

A = ScreeningAction


def actor_text(event: ScreeningEventView) -> str:
    return f"{event.actor_name} ({ROLE_LABELS[event.actor_role]})"


def event_summary(event: ScreeningEventView) -> str:
    """The whole event as a tooltip: every cell of a row says all of it."""
    lines = [
        f"{format_kst(event.at)} (한국시간) · {event.action_label}",
        f"상태: {transition_text(event.from_status, event.to_status)}",
        f"처리자: {actor_text(event)}",
    ]
    if event.reason:
        lines.append(f"사유: {event.reason}")
    return "\n".join(lines)


class PanelEventModel(RowTableModel):
    """심사 이력 in the narrow detail panel: 시각 | 처리 (with who) | 사유 (wrapped, spare width)."""

    def __init__(self, parent=None):
        super().__init__([], key=lambda e: (e.at, e.action, e.to_status), parent=parent)
        self._columns = [
            # date over time, so the column stays narrow
            Column(self.tr("시각"), lambda e: format_kst(e.at).replace(" ", "\n"), ALIGN_CENTER, 84,
                   tooltip=event_summary),
            Column(self.tr("처리"), lambda e: f"{e.action_label}\n{e.actor_name}", ALIGN_CENTER, 96,
                   tooltip=event_summary),
            Column(self.tr("사유"), lambda e: e.reason or "-", width=200, tooltip=event_summary),
        ]


def change_summary(change: ChangeView) -> str:
    """One change in full: what, before → after, who and when (tooltip and the box below the table)."""
    lines = [
        f"{change.field_label}" + (" · 심사확정 후 변경" if change.after_confirmation else ""),
        f"이전 값: {change.old_value or '(없음)'}",
        f"변경 값: {change.new_value or '(없음)'}",
        f"변경: {change.changed_by_name} · {format_kst(change.changed_at)} (한국시간)",
    ]
    return "\n".join(lines)


class PanelChangeModel(ChangeTableModel):
    """수정 이력 in the narrow detail panel: 항목 (over its time) | 이전 값 | 변경 값.

    Who and when are on the second line of 항목 and in the tooltip; rows changed after
    confirmation keep the yellow background of ChangeTableModel and are bold.
    """

    def __init__(self, parent=None):
        super().__init__(parent, show_marker=False)
        self._columns = [
            Column(self.tr("항목"), lambda c: f"{c.field_label}\n{format_kst(c.changed_at)[5:]}", width=118,
                   tooltip=change_summary),
            Column(self.tr("이전 값"), lambda c: c.old_value or "-", width=130, tooltip=change_summary),
            Column(self.tr("변경 값"), lambda c: c.new_value or "-", width=130, tooltip=change_summary),
        ]

    def row_data(self, row: ChangeView, column: int, role: int):
        if role == Qt.ItemDataRole.FontRole and row.after_confirmation:
            parent = self.parent()
            font = QFont(parent.font()) if isinstance(parent, QWidget) else QFont()
            font.setBold(True)
            return font
        return super().row_data(row, column, role)


def _value_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CompanyDetailPanel(QWidget):
    """Loads one company in the background and offers the actions its state allows."""

    company_changed = Signal(object)  # CompanyView after an action of this panel

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.view: CompanyView | None = None
        self._wanted: uuid.UUID | None = None
        self.pending_dialog = None  # the open reason/confirmation dialog (tests answer it)
        self.last_preview = None
        self._build()
        self.clear()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = build_detail_head(self, StatusBadge(), self.tr(
            "왼쪽 목록에서 기업을 선택하면 상세 정보와 서류가 여기에 표시됩니다."))

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        self.changed_notice = NoticeBox("warning")
        ack_row = QHBoxLayout()
        ack_row.addStretch(1)
        self.ack_button = QPushButton(self.tr("수정사항 확인"))
        self.ack_button.setToolTip(self.tr("수정 내용을 확인했으면 눌러 주세요. 목록의 '수정됨' 표시가 사라집니다."))
        self.ack_button.clicked.connect(self.acknowledge)
        ack_row.addWidget(self.ack_button)
        self.changed_notice.layout().addLayout(ack_row)
        content.addWidget(self.changed_notice)
        self.reason_notice = NoticeBox("warning")
        content.addWidget(self.reason_notice)
        self.override_note = QLabel(self.tr("전문기관의 심사 처리는 직권 처리로 기록되며, 심사확정에도 사유가 필요합니다."))
        self.override_note.setObjectName("hint")
        self.override_note.setWordWrap(True)
        content.addWidget(self.override_note)

        actions = QHBoxLayout()
        self.confirm_button = QPushButton(self.tr("심사확정"))
        self.confirm_button.setObjectName("primary")
        self.hold_button = QPushButton(self.tr("심사보류(사유)"))
        self.reject_button = QPushButton(self.tr("심사탈락(사유)"))
        self.reject_button.setObjectName("danger")
        self.confirm_button.clicked.connect(lambda: self.start_action(A.CONFIRM))
        self.hold_button.clicked.connect(lambda: self.start_action(A.HOLD))
        self.reject_button.clicked.connect(lambda: self.start_action(A.REJECT))
        self.action_buttons = {A.CONFIRM: self.confirm_button, A.HOLD: self.hold_button,
                               A.REJECT: self.reject_button}
        for button in self.action_buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        content.addLayout(actions)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._info_tab(), self.tr("기업정보"))
        self.tabs.addTab(self._documents_tab(), self.tr("제출 서류"))
        self.tabs.addTab(self._history_tab(), self.tr("심사 이력"))
        self.tabs.addTab(self._changes_tab(), self.tr("수정 이력"))
        content.addWidget(self.tabs, 1)
        layout.addWidget(self.content, 1)

    def _info_tab(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        form = QFormLayout(inner)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.info_labels: dict[str, QLabel] = {}
        rows = (
            ("business_no", self.tr("사업자등록번호")), ("company_type", self.tr("기업형태")),
            ("corporate_no", self.tr("법인등록번호")), ("name", self.tr("기업명")),
            ("representative", self.tr("대표자")), ("phone", self.tr("회사 전화번호")),
            ("address", self.tr("사업장 주소")), ("industry", self.tr("업종")),
            ("employees", self.tr("상시 근로자 수")), ("issuer", self.tr("바우처 발급자")),
            ("manager", self.tr("담당자")), ("payment_manager", self.tr("결제 담당자")),
            ("operator", self.tr("운영기관")), ("submitted", self.tr("신청일시")),
            ("budget", self.tr("예산")),
        )
        for key, text in rows:
            label = _value_label()
            self.info_labels[key] = label
            form.addRow(text, label)
        self.info_form = form
        scroll.setWidget(inner)
        return scroll

    def _documents_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.doc_model = RowTableModel([
            Column(self.tr("서류"), lambda d: d.label, width=150),
            Column(self.tr("파일"), lambda d: d.filename, width=160, tooltip=lambda d: d.filename),
            Column(self.tr("종류"), lambda d: "PDF" if d.content_type == "application/pdf"
                   else d.content_type.split("/")[-1].upper(), ALIGN_CENTER, 52),
            Column(self.tr("크기"), lambda d: format_size(d.size), ALIGN_RIGHT, 62),
            Column(self.tr("올린 시각"), lambda d: format_kst(d.uploaded_at), ALIGN_CENTER, 126),
        ], parent=self)
        self.doc_table = make_table(self.doc_model, stretch=1)
        self.doc_table.doubleClicked.connect(lambda _i: self.open_selected_document())
        layout.addWidget(self.doc_table, 1)
        self.missing_label = QLabel()
        self.missing_label.setObjectName("errorLabel")
        self.missing_label.setWordWrap(True)
        layout.addWidget(self.missing_label)
        row = QHBoxLayout()
        self.open_button = QPushButton(self.tr("열기/미리보기"))
        self.open_button.clicked.connect(self.open_selected_document)
        row.addWidget(self.open_button)
        hint = QLabel(self.tr("이미지는 미리보기로, PDF는 PDF 뷰어로 엽니다. 창에서 저장할 수도 있습니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        row.addWidget(hint, 1)
        layout.addLayout(row)
        return tab

    def _history_tab(self) -> QWidget:
        # three columns that fit the panel (~420 px): the reason takes the spare width and wraps
        self.history_model = PanelEventModel(self)
        self.history_table = make_table(self.history_model, stretch=2)
        self.history_table.setWordWrap(True)
        self.history_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.history_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # rows grow with the wrapped reason (and shrink back when the panel gets wider)
        self.history_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return self.history_table

    def _changes_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.changes_model = PanelChangeModel(self)
        self.changes_table = make_table(self.changes_model, stretch=(1, 2))
        # two text lines per row: the field over its time, and each value wrapped to two lines
        # and elided after that (the full text is in the tooltip and in the box below)
        self.changes_table.setWordWrap(True)
        self.changes_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lines = self.changes_table.fontMetrics().lineSpacing()
        self.changes_table.verticalHeader().setDefaultSectionSize(2 * lines + 12)
        self.changes_table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected_change())
        layout.addWidget(self.changes_table, 1)
        self.change_detail = QLabel()
        self.change_detail.setObjectName("changeDetail")
        self.change_detail.setWordWrap(True)
        self.change_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.change_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_detail.setStyleSheet(
            "QLabel#changeDetail { background: white; border: 1px solid #d9e2ec; border-radius: 4px; padding: 6px; }")
        self.change_detail.hide()
        layout.addWidget(self.change_detail)
        hint = QLabel(self.tr("노란색·굵은 글씨 행은 심사확정 이후에 바뀐 항목입니다. "
                              "행을 선택하면 전체 내용이 아래에 표시됩니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        return tab

    def _show_selected_change(self) -> None:
        change = selected_row(self.changes_table)
        if change is None:
            self.change_detail.clear()
            self.change_detail.hide()
            return
        self.change_detail.setText(change_summary(change))
        self.change_detail.show()

    # --- showing -----------------------------------------------------------------------------
    def clear(self) -> None:
        self._wanted = None
        self.view = None
        self.name_label.setText(self.tr("기업 상세"))
        self.badge.hide()
        self.sub_label.clear()
        self.placeholder.show()
        self.content.hide()

    def show_company(self, company_id: uuid.UUID, *, announce: bool = False) -> None:
        """Load a company, its documents and modification history in the background.

        `announce`: tell the dashboard (company_changed) once loaded, because the company was
        changed at another desk (a refused action) and its queue row is out of date."""
        self._wanted = company_id
        actor = self.ctx.actor
        companies = self.ctx.services.companies
        self.busy.start(self.tr("기업 정보를 불러오는 중…"))
        self._update_buttons()

        def done(result) -> None:
            self.busy.stop()
            view, changes = result
            if view.id == self._wanted:
                self._show(view, changes)
            self._update_buttons()
            if announce:
                self.company_changed.emit(view)

        def failed(exc: BaseException) -> None:
            self.busy.stop()
            self._update_buttons()
            if company_id == self._wanted:
                self.ctx.error(self, exc)

        self.ctx.run(self, lambda: (companies.get(actor, company_id), companies.history(actor, company_id)),
                     done, failed)

    def reload(self, *, announce: bool = False) -> None:
        if self.view is not None:
            self.show_company(self.view.id, announce=announce)

    def _show(self, view: CompanyView, changes=None) -> None:
        self.view = view
        info = view.info
        self.placeholder.hide()
        self.content.show()
        self.name_label.setText(info.name)
        self.badge.set_status(view.status)
        self.badge.show()
        self.sub_label.setText(self.tr("{bno} · {ctype} · {operator}").format(
            bno=format_business_no(view.business_no), ctype=company_type_label(view.company_type),
            operator=view.operator.name))
        labels = self.info_labels
        labels["business_no"].setText(format_business_no(view.business_no))
        labels["company_type"].setText(company_type_label(view.company_type))
        labels["corporate_no"].setText(format_corporate_no(info.corporate_no) or "-")
        labels["name"].setText(info.name)
        labels["representative"].setText(f"{info.representative_name} · {info.representative_phone}")
        labels["phone"].setText(info.phone)
        labels["address"].setText(f"{info.address} {info.address_detail}".strip())
        labels["industry"].setText(info.industry)
        labels["employees"].setText(self.tr("{n}명").format(n=info.employees))
        labels["issuer"].setText(ISSUER_LABELS[info.issuer_type.value])
        labels["manager"].setText(f"{info.manager_name} · {info.manager_phone} · {info.manager_email}")
        labels["payment_manager"].setText(f"{info.payment_manager_name} · {info.payment_manager_phone}")
        labels["operator"].setText(f"{view.operator.name} ({view.operator.phone})")
        labels["submitted"].setText(format_kst(view.submitted_at))
        if view.budget_total is not None:
            labels["budget"].setText(self.tr("{total} (정부지원 {gov} / 자부담 {own}), 이용기간 {end}까지").format(
                total=format_krw(view.budget_total), gov=format_krw(view.budget_government),
                own=format_krw(view.budget_self), end=view.use_period_end.isoformat() if view.use_period_end else "-"))
        else:
            labels["budget"].setText(self.tr("미확정"))

        self.doc_model.set_rows(view.documents)
        if view.missing_documents:
            self.missing_label.setText(self.tr("미첨부 필수 서류: {docs}").format(docs=", ".join(view.missing_documents)))
        self.missing_label.setVisible(bool(view.missing_documents))
        self.history_model.set_rows(view.history)
        if changes is not None:
            self.changes_model.set_rows(changes)
            self._show_selected_change()

        changed = view.changed_after_confirm_at is not None
        if changed:
            after = [c for c in (changes if changes is not None else self.changes_model.rows()) if c.after_confirmation]
            fields = ", ".join(dict.fromkeys(c.field_label for c in after)) or "-"
            self.changed_notice.set_text(
                self.tr("심사확정 후 수정사항이 있습니다 ({at})").format(at=format_kst(view.changed_after_confirm_at)),
                self.tr("바뀐 항목: {fields}\n'수정 이력' 탭의 노란색 행에서 내용을 확인하세요.").format(fields=fields))
        self.changed_notice.setVisible(changed)
        if view.status_reason and view.status in (ScreeningStatus.ON_HOLD, ScreeningStatus.REJECTED):
            title = self.tr("보류 사유") if view.status is ScreeningStatus.ON_HOLD else self.tr("탈락 사유")
            self.reason_notice.set_text(f"{title}: {view.status_reason}", "",
                                        "warning" if view.status is ScreeningStatus.ON_HOLD else "danger")
            self.reason_notice.show()
        else:
            self.reason_notice.hide()
        actor = self.ctx.actor
        self.override_note.setVisible(actor is not None and actor.role is Role.AGENCY)
        self._update_buttons()

    def allowed(self, action: ScreeningAction) -> bool:
        actor = self.ctx.actor
        return (self.view is not None and actor is not None and actor.role in ACTORS.get(action, ())
                and (self.view.status, action) in TRANSITIONS)

    def _update_buttons(self) -> None:
        idle = not self.busy.busy
        for action, button in self.action_buttons.items():
            button.setEnabled(idle and self.allowed(action))
        self.ack_button.setEnabled(idle and self.view is not None and self.view.changed_after_confirm_at is not None)
        self.open_button.setEnabled(self.view is not None and bool(self.view.documents))

    # --- actions -----------------------------------------------------------------------------
    def start_action(self, action: ScreeningAction) -> None:
        """Ask what the action needs (a reason, or a yes) and then run it."""
        if not self.allowed(action):
            return
        view = self.view
        agency = self.ctx.actor.role is Role.AGENCY
        name = view.info.name
        if action is A.CONFIRM and not agency:
            self.pending_dialog = ask_yes_no(
                self, self.tr("심사확정"),
                self.tr("'{name}'을(를) 심사확정할까요?\n확정하면 전문기관의 예산확정 대상이 됩니다.").format(name=name),
                self.tr("심사확정"), lambda: self._run_action(view.id, action, None, view.status))
            return
        texts = {
            A.CONFIRM: (self.tr("심사확정(직권)"), self.tr("'{name}'을(를) 직권으로 심사확정하는 사유를 입력해 주세요."),
                        self.tr("심사확정")),
            A.HOLD: (self.tr("심사보류"), self.tr("'{name}'의 심사를 보류하는 사유를 입력해 주세요. "
                                              "기업은 사유를 보고 정보를 고친 뒤 재제출합니다."), self.tr("심사보류")),
            A.REJECT: (self.tr("심사탈락"), self.tr("'{name}'을(를) 심사탈락 처리하는 사유를 입력해 주세요. "
                                                "탈락하면 올해 다시 신청할 수 없습니다."), self.tr("심사탈락")),
        }
        title, prompt, ok_text = texts[action]
        if agency and action is not A.CONFIRM:
            title = self.tr("{title}(직권)").format(title=title)
        self.pending_dialog = ask_reason(self, title, prompt.format(name=name), ok_text,
                                         lambda reason: self._run_action(view.id, action, reason, view.status))

    def _run_action(self, company_id: uuid.UUID, action: ScreeningAction, reason: str | None,
                    seen: ScreeningStatus) -> None:
        """Run the action on the state the user saw: changed at another desk meanwhile, the
        service refuses it (Conflict 'changed') and the panel shows the current state."""
        self.pending_dialog = None
        actor = self.ctx.actor
        screening = self.ctx.services.screening
        self._run(self.tr("처리하는 중…"),
                  lambda: screening.act(actor, company_id, action, reason, expected_status=seen))

    def acknowledge(self) -> None:
        if self.view is None:
            return
        actor, company_id = self.ctx.actor, self.view.id
        screening = self.ctx.services.screening
        self._run(self.tr("확인 처리하는 중…"), lambda: screening.acknowledge_changes(actor, company_id))

    def _run(self, text: str, fn) -> None:
        self.busy.start(text)
        self._update_buttons()

        def done(view: CompanyView) -> None:
            self.busy.stop()
            if self._wanted == view.id:
                self._show(view)
            self._update_buttons()
            self.company_changed.emit(view)

        def failed(exc: BaseException) -> None:
            self.busy.stop()
            self._update_buttons()
            self.ctx.error(self, exc)
            # someone else may have acted first: show the current state (and in the queue)
            self.reload(announce=isinstance(exc, Conflict) and exc.code == "changed")

        self.ctx.run(self, fn, done, failed)

    def open_selected_document(self) -> None:
        doc = selected_row(self.doc_table)
        if doc is None and self.doc_model.rowCount() > 0:
            doc = self.doc_model.row_at(0)
        if doc is not None:
            open_document(self.ctx, self, doc, shown=lambda d: setattr(self, "last_preview", d))
