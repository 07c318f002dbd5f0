"""The four tabs of the screening detail panel: 기업정보, 제출 서류, 심사 이력, 수정 이력.

They show one company (`show_company`) and hold no actions: the panel opens a document when
the open button is pressed or a row double-clicked (`open_requested`). A tab is built when it is
first shown, or one of its parts is read, and filled when shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...services.accounts import ROLE_LABELS
from ...services.clock import format_kst
from ...services.companies import ISSUER_LABELS
from ...services.dto import ChangeView, CompanyView, ScreeningEventView
from ...services.rules.money import format_krw
from ...services.rules.numbers import format_business_no, format_corporate_no
from ..widgets.company_values import ChangeTableModel, company_type_label, transition_text
from ..widgets.detail_panel import info_form
from ..widgets.document_preview import format_size
from ..widgets.tables import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    Column,
    RowTableModel,
    make_table,
    selected_row,
)


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


class CompanyTabs(QTabWidget):
    """One company's information, documents, screening history and modification history."""

    open_requested = Signal()  # 열기/미리보기 pressed or a document row double-clicked

    #: the parts each tab holds, by tab index (built when the tab is first shown or a part is read)
    PARTS = {
        0: ("info_labels", "info_form"),
        1: ("doc_model", "doc_table", "missing_label", "open_button"),
        2: ("history_model", "history_table"),
        3: ("changes_model", "changes_table", "change_detail"),
    }

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._builders = (self._info_tab, self._documents_tab, self._history_tab, self._changes_tab)
        self.built: set[int] = set()
        self._stale: set[int] = set()  # built tabs not yet filled with the company shown
        self.view: CompanyView | None = None
        self.changes: list[ChangeView] | None = None
        self._open_enabled = False
        for title in (self.tr("기업정보"), self.tr("제출 서류"), self.tr("심사 이력"), self.tr("수정 이력")):
            holder = QWidget(self)  # an empty place until the tab is first shown
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 0, 0, 0)
            self.addTab(holder, title)
        self.currentChanged.connect(self.ensure_tab)
        self.ensure_tab(self.currentIndex())

    def __getattr__(self, name: str):
        # a part of a tab not built yet: build (and fill) that tab, then hand the part
        for index, parts in CompanyTabs.PARTS.items():
            if name in parts:
                self.ensure_tab(index)
                return object.__getattribute__(self, name)
        raise AttributeError(name)

    def ensure_tab(self, index: int) -> None:
        """Build tab `index` if it is not yet built, and fill it if the shown company is newer."""
        if index < 0 or index >= len(self._builders):
            return
        if index not in self.built:
            self.built.add(index)
            holder = self.widget(index)
            holder.layout().addWidget(self._builders[index](holder))
            if index == 1:
                self.open_button.setEnabled(self._open_enabled)
            self._stale.add(index)
        if index in self._stale and self.view is not None:
            self._stale.discard(index)
            self._fill(index)

    # --- layout ------------------------------------------------------------------------------
    def _info_tab(self, holder: QWidget) -> QWidget:
        scroll = QScrollArea(holder)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget(scroll)
        self.info_form, self.info_labels = info_form((
            ("business_no", self.tr("사업자등록번호")), ("company_type", self.tr("기업형태")),
            ("corporate_no", self.tr("법인등록번호")), ("name", self.tr("기업명")),
            ("representative", self.tr("대표자")), ("phone", self.tr("회사 전화번호")),
            ("address", self.tr("사업장 주소")), ("industry", self.tr("업종")),
            ("employees", self.tr("상시 근로자 수")), ("issuer", self.tr("바우처 발급자")),
            ("manager", self.tr("담당자")), ("payment_manager", self.tr("결제 담당자")),
            ("operator", self.tr("운영기관")), ("submitted", self.tr("신청일시")),
            ("budget", self.tr("예산")),
        ), inner)
        scroll.setWidget(inner)
        return scroll

    def _documents_tab(self, holder: QWidget) -> QWidget:
        tab = QWidget(holder)
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
        self.doc_table.doubleClicked.connect(lambda _i: self.open_requested.emit())
        layout.addWidget(self.doc_table, 1)
        self.missing_label = QLabel()
        self.missing_label.setObjectName("errorLabel")
        self.missing_label.setWordWrap(True)
        layout.addWidget(self.missing_label)
        row = QHBoxLayout()
        self.open_button = QPushButton(self.tr("열기/미리보기"))
        self.open_button.clicked.connect(lambda: self.open_requested.emit())
        row.addWidget(self.open_button)
        hint = QLabel(self.tr("이미지는 미리보기로, PDF는 PDF 뷰어로 엽니다. 창에서 저장할 수도 있습니다."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        row.addWidget(hint, 1)
        layout.addLayout(row)
        return tab

    def _history_tab(self, holder: QWidget) -> QWidget:
        # three columns that fit the panel (~420 px): the reason takes the spare width and wraps
        self.history_model = PanelEventModel(self)
        self.history_table = make_table(self.history_model, stretch=2)
        self.history_table.setWordWrap(True)
        self.history_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.history_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # rows grow with the wrapped reason (and shrink back when the panel gets wider)
        self.history_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return self.history_table

    def _changes_tab(self, holder: QWidget) -> QWidget:
        tab = QWidget(holder)
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
    def show_company(self, view: CompanyView, changes: list[ChangeView] | None = None) -> None:
        """Show a company: the current tab is filled now, the others when shown (or a part of
        theirs is read); the modification history only changes when `changes` came with the view."""
        self.view = view
        self._stale.update(self.built & {0, 1, 2})
        if changes is not None:
            self.changes = changes
            self._stale.update(self.built & {3})
        self.ensure_tab(self.currentIndex())

    def set_open_enabled(self, enabled: bool) -> None:
        self._open_enabled = enabled
        if 1 in self.built:
            self.open_button.setEnabled(enabled)

    def _fill(self, index: int) -> None:
        view = self.view
        if index == 0:
            self._fill_info(view)
        elif index == 1:
            self.doc_model.set_rows(view.documents)
            if view.missing_documents:
                self.missing_label.setText(
                    self.tr("미첨부 필수 서류: {docs}").format(docs=", ".join(view.missing_documents)))
            self.missing_label.setVisible(bool(view.missing_documents))
        elif index == 2:
            self.history_model.set_rows(view.history)
        elif self.changes is not None:
            self.changes_model.set_rows(self.changes)
            self._show_selected_change()

    def _fill_info(self, view: CompanyView) -> None:
        info = view.info
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

    def selected_document(self):
        """The selected document, else the first one, else None."""
        doc = selected_row(self.doc_table)
        if doc is None and self.doc_model.rowCount() > 0:
            doc = self.doc_model.row_at(0)
        return doc
