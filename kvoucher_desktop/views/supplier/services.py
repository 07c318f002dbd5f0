"""서비스 관리: the supplier's own services (its home page after login).

A table of every service with its visibility, open deals, unanswered inquiries and rating;
register, edit, hide/show and open the public detail page; links to the inquiries to answer
and to the deal inbox. A supplier has a handful of services (about 2,500 over 640 suppliers),
so the list is loaded whole and reloaded when a service, inquiry or deal changes.
"""

from __future__ import annotations

import dataclasses
import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...services.dto import ServiceRow, SupplierServiceRow
from ...services.rules.money import format_krw
from ..widgets.busy import page_head
from ..widgets.dialogs import ask_yes_no
from ...services.changes import Changes, Entity
from ..widgets.notice import NoticeBox
from ..widgets.tables import ALIGN_CENTER, ALIGN_RIGHT, Column, RowTableModel, make_table, selected_row
from .editor import ServiceEditorDialog

HIDDEN_FOREGROUND = QColor("#7b8794")
AGENCY_HIDDEN_FOREGROUND = QColor("#b91c1c")
ATTENTION_FOREGROUND = QColor("#c2410c")


def visibility_label(row: ServiceRow) -> str:
    """공개 / 숨김 / 전문기관 숨김 (the agency's hiding wins: the supplier cannot undo it)."""
    from PySide6.QtCore import QCoreApplication

    tr = lambda text: QCoreApplication.translate("SupplierServices", text)  # noqa: E731
    if row.hidden_by_agency:
        return tr("전문기관 숨김")
    return tr("숨김") if row.hidden else tr("공개")


def rating_text(row: ServiceRow) -> str:
    if row.rating is None:
        return "-"
    return f"★ {row.rating:.1f} ({row.rating_count:,})"


class SupplierServicesModel(RowTableModel):
    """The supplier's services; hidden ones greyed, rows waiting on the supplier highlighted."""

    def __init__(self, parent=None):
        super().__init__([], key=lambda r: r.service.id, parent=parent)
        self._columns = [
            Column(self.tr("서비스명"), lambda r: r.service.name, width=300, tooltip=self._name_tooltip),
            Column(self.tr("분류"), lambda r: r.service.category_name, width=170),
            Column(self.tr("가격"), lambda r: format_krw(r.service.price), ALIGN_RIGHT, 120),
            Column(self.tr("공개"), lambda r: visibility_label(r.service), ALIGN_CENTER, 100,
                   tooltip=self._visibility_tooltip),
            Column(self.tr("진행 중 거래"), lambda r: f"{r.open_deals:,}", ALIGN_CENTER, 96),
            Column(self.tr("미답변 문의"), lambda r: f"{r.unanswered_inquiries:,}", ALIGN_CENTER, 96),
            Column(self.tr("평점"), lambda r: rating_text(r.service), ALIGN_CENTER, 110),
        ]

    def _name_tooltip(self, r: SupplierServiceRow) -> str:
        keywords = ", ".join(r.service.keywords)
        return f"{r.service.name}\n{self.tr('키워드')}: {keywords}" if keywords else r.service.name

    def _visibility_tooltip(self, r: SupplierServiceRow) -> str:
        if r.service.hidden_by_agency:
            return self.tr("전문기관이 숨긴 서비스입니다. 다시 공개하려면 전문기관에 문의해 주세요.")
        if r.service.hidden:
            return self.tr("서비스 검색에 보이지 않고 새 거래상담을 받지 않습니다.")
        return self.tr("서비스 검색에 보입니다.")

    def row_data(self, row: SupplierServiceRow, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 3 and row.service.hidden_by_agency:
                return AGENCY_HIDDEN_FOREGROUND
            if column == 5 and row.unanswered_inquiries:
                return ATTENTION_FOREGROUND
            if row.service.hidden or row.service.hidden_by_agency:
                return HIDDEN_FOREGROUND
        if role == Qt.ItemDataRole.FontRole and column == 5 and row.unanswered_inquiries:
            font = QFont()
            font.setBold(True)
            return font
        return None


class SupplierServicesPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = SupplierServicesModel(self)
        self.editor: ServiceEditorDialog | None = None
        self.pending_dialog = None
        self._select_after_load: uuid.UUID | None = None
        self._build()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        head, self.busy = page_head(self.tr("서비스 관리"))
        self._loaded = False  # whether a list has arrived yet
        self.inquiries_button = QPushButton(self.tr("서비스 문의 답변 →"))
        self.inquiries_button.clicked.connect(lambda: self.ctx.navigate("supplier_inquiries"))
        self.deals_button = QPushButton(self.tr("서비스 요청(거래) →"))
        self.deals_button.clicked.connect(lambda: self.ctx.navigate("deal_inbox"))
        self.reload_button = QPushButton(self.tr("새로 고침"))
        self.reload_button.clicked.connect(lambda: (self.ctx.clear_feedback(), self.refresh()))
        head.addWidget(self.inquiries_button)
        head.addWidget(self.deals_button)
        head.addWidget(self.reload_button)
        layout.addLayout(head)

        self.agency_notice = NoticeBox("warning")
        self.agency_notice.hide()
        layout.addWidget(self.agency_notice)

        bar = QHBoxLayout()
        self.add_button = QPushButton(self.tr("서비스 등록"))
        self.add_button.setObjectName("primary")
        self.add_button.clicked.connect(self.add_service)
        self.edit_button = QPushButton(self.tr("수정"))
        self.edit_button.clicked.connect(self.edit_current)
        self.hide_button = QPushButton(self.tr("숨기기"))
        self.hide_button.clicked.connect(self.toggle_hidden)
        self.detail_button = QPushButton(self.tr("상세 보기"))
        self.detail_button.setToolTip(self.tr("수요기업이 보는 서비스 상세 화면을 엽니다."))
        self.detail_button.clicked.connect(self.open_detail)
        for button in (self.add_button, self.edit_button, self.hide_button, self.detail_button):
            bar.addWidget(button)
        bar.addStretch(1)
        legend = QLabel(self.tr("회색 행: 숨긴 서비스 · 주황색 숫자: 답변을 기다리는 문의"))
        legend.setObjectName("hint")
        bar.addWidget(legend)
        layout.addLayout(bar)

        self.table = make_table(self.model, stretch=0)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        layout.addWidget(self.summary)
        self.empty_notice = NoticeBox("info")
        self.empty_notice.set_text(
            self.tr("아직 등록한 서비스가 없습니다."),
            self.tr("'서비스 등록'을 눌러 서비스명, 분류, 가격(VAT 포함)과 설명을 적으면 바로 서비스 검색에 나타납니다."))
        self.empty_notice.hide()
        layout.addWidget(self.empty_notice)
        self._update_buttons()
        self._update_summary()

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        catalog = self.ctx.services.catalog
        keep = self._select_after_load or self._current_id()

        def done(rows: list[SupplierServiceRow]) -> None:
            self._loaded = True
            self.model.set_rows(rows)
            self._select_after_load = None
            if keep is not None:
                self.select_service(keep)
            self._update_summary()
            self._update_buttons()

        # only the latest list load fills the table
        self.ctx.query(lambda: catalog.supplier_services(actor), parent=self, key="list") \
            .busy(text=self.tr("서비스 목록을 불러오는 중…")).success(done).after(self._update_buttons).run()
        self._update_buttons()

    def on_data_changed(self, changes: Changes, initiator) -> None:
        """Its own changes too: the list shows the saved row (and selects it)."""
        if changes.touches(Entity.SERVICE, Entity.INQUIRY, Entity.DEAL):
            self.refresh()

    def _current_id(self) -> uuid.UUID | None:
        row = selected_row(self.table)
        return row.service.id if row is not None else None

    def select_service(self, service_id: uuid.UUID) -> bool:
        pos = self.model.position_of(service_id)
        if pos is None:
            return False
        self.table.selectRow(pos)
        self.table.scrollTo(self.model.index(pos, 0))
        return True

    def _update_summary(self) -> None:
        rows = self.model.rows()
        self.empty_notice.setVisible(not rows and self._loaded and not self.busy.busy)
        by_agency = [r.service.name for r in rows if r.service.hidden_by_agency]
        if by_agency:
            self.agency_notice.set_text(
                self.tr("전문기관이 숨긴 서비스가 {n}개 있습니다.").format(n=len(by_agency)),
                self.tr("{names} — 서비스 검색에 보이지 않고 새 거래상담을 받을 수 없습니다. "
                        "다시 공개하려면 전문기관에 문의해 주세요.").format(names=", ".join(by_agency[:3]) + (
                            " …" if len(by_agency) > 3 else "")))
        self.agency_notice.setVisible(bool(by_agency))
        if not rows:
            self.summary.setText("")
            return
        public = sum(1 for r in rows if not r.service.hidden and not r.service.hidden_by_agency)
        deals = sum(r.open_deals for r in rows)
        unanswered = sum(r.unanswered_inquiries for r in rows)
        self.summary.setText(
            self.tr("서비스 {n}개 (공개 {public}개 · 숨김 {hidden}개) · 진행 중 거래 {deals}건 · 미답변 문의 {q}건").format(
                n=f"{len(rows):,}", public=f"{public:,}", hidden=f"{len(rows) - public:,}", deals=f"{deals:,}",
                q=f"{unanswered:,}"))
        self.inquiries_button.setText(self.tr("서비스 문의 답변 ({n}) →").format(n=f"{unanswered:,}") if unanswered
                                      else self.tr("서비스 문의 답변 →"))

    def _update_buttons(self) -> None:
        row = selected_row(self.table)
        idle = not self.busy.busy
        self.add_button.setEnabled(self.ctx.actor is not None)
        self.edit_button.setEnabled(row is not None)
        self.detail_button.setEnabled(row is not None)
        hidden = row is not None and row.service.hidden
        self.hide_button.setText(self.tr("공개하기") if hidden else self.tr("숨기기"))
        self.hide_button.setEnabled(idle and row is not None)
        if row is not None and row.service.hidden_by_agency:
            self.hide_button.setToolTip(self.tr("전문기관이 숨긴 서비스는 공급기업이 다시 공개할 수 없습니다. "
                                                "전문기관에 문의해 주세요."))
        else:
            self.hide_button.setToolTip("")

    # --- actions -----------------------------------------------------------------------------
    def add_service(self) -> None:
        self._open_editor(None)

    def edit_current(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self._open_editor(row.service.id)

    def _open_editor(self, service_id: uuid.UUID | None) -> ServiceEditorDialog:
        dialog = ServiceEditorDialog(self.ctx, service_id, self)
        dialog.saved.connect(lambda row, new=service_id is None: self._saved(row, new))
        dialog.open()
        self.editor = dialog
        return dialog

    def _saved(self, row: ServiceRow, new: bool) -> None:
        self._select_after_load = row.id
        if not self.select_service(row.id):
            self.refresh()  # a new service: the change announcement reloads; make sure it is picked
        self.ctx.show_success(
            (self.tr("'{name}' 서비스를 등록했습니다.") if new else self.tr("'{name}' 서비스를 저장했습니다.")).format(
                name=row.name),
            self.tr("숨김으로 저장했으므로 서비스 검색에는 보이지 않습니다.") if row.hidden else "")

    @property
    def message(self):
        """Where this page's outcomes are told: the window's feedback bar (read through the context)."""
        return self.ctx.feedback

    def open_detail(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self.ctx.navigate("service_detail", service_id=row.service.id)

    def toggle_hidden(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        hide = not row.service.hidden
        if hide:
            self.pending_dialog = ask_yes_no(
                self, self.tr("서비스 숨기기"),
                self.tr("'{name}' 서비스를 숨길까요?\n\n숨긴 서비스는 서비스 검색에 보이지 않고 새 거래상담을 받지 않습니다. "
                        "진행 중인 거래는 그대로 진행됩니다.").format(name=row.service.name),
                self.tr("숨기기"), lambda: self._set_hidden(row.service.id, True))
        else:
            self._set_hidden(row.service.id, False)

    def _set_hidden(self, service_id: uuid.UUID, hidden: bool) -> None:
        actor = self.ctx.actor
        catalog = self.ctx.services.catalog

        def work() -> ServiceRow:
            form = catalog.service_form(actor, service_id)
            return catalog.save_service(actor, dataclasses.replace(form, hidden=hidden), service_id)  # a Done

        def done(saved: ServiceRow) -> None:
            self._select_after_load = saved.id
            if saved.hidden_by_agency and not saved.hidden:
                title = self.tr("'{name}' 서비스를 공개로 바꿨지만, 전문기관이 숨긴 서비스라 아직 검색에 보이지 않습니다.")
            elif saved.hidden:
                title = self.tr("'{name}' 서비스를 숨겼습니다. 서비스 검색에 보이지 않습니다.")
            else:
                title = self.tr("'{name}' 서비스를 공개했습니다. 서비스 검색에 다시 보입니다.")
            self.ctx.show_notice(title.format(name=saved.name), "",
                                 "warning" if saved.hidden_by_agency and not saved.hidden else "success")

        self.ctx.op(work, parent=self).busy(text=self.tr("숨기는 중…") if hidden else self.tr("공개하는 중…")) \
            .success(done).after(self._update_buttons).run()
        self._update_buttons()
