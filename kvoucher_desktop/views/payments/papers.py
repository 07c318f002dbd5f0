"""The print buttons of the payment lists (SPEC §5.4, §11): 전표 출력 and 거래명세서 출력 on
결제성공, 취소전표 출력 on 결제취소. The service gathers the paper's data and the renderer makes
the PDF, both off the GUI thread (ctx.query); the viewer then previews it, saves it as PDF and
prints it (views/widgets/printing.py)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ...enums import PaperKind, PaymentStatus, PaymentTab
from ...services.documents import render_cancellation_slip, render_slip, render_statement
from ...services.dto import PaymentView
from ...services.rules.payments import PAPER_TITLES
from ..widgets.printing import PrintableViewer, show_printable

RENDERERS = {PaperKind.SLIP: render_slip, PaperKind.STATEMENT: render_statement,
             PaperKind.CANCELLATION: render_cancellation_slip}
#: the buttons of each tab
TAB_PAPERS = {PaymentTab.SUCCEEDED: (PaperKind.SLIP, PaperKind.STATEMENT),
              PaymentTab.CANCELLED: (PaperKind.CANCELLATION,)}
#: the status a row must have for each paper (the service refuses the rest all the same)
NEEDS = {PaperKind.SLIP: PaymentStatus.SUCCEEDED, PaperKind.STATEMENT: PaymentStatus.SUCCEEDED,
         PaperKind.CANCELLATION: PaymentStatus.CANCELLED}


class PaperButtons(QWidget):
    """전표 출력 / 거래명세서 출력 / 취소전표 출력 for the selected payment of the current tab."""

    opened = Signal(object)  # the PrintableViewer just shown

    def __init__(self, ctx, busy=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.busy = ctx, busy
        self.row: PaymentView | None = None
        self.viewer: PrintableViewer | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[PaperKind, QPushButton] = {}
        for kind in PaperKind:
            button = QPushButton(self.tr("{title} 출력").format(title=self.tr(PAPER_TITLES[kind])), self)
            button.clicked.connect(lambda _checked=False, k=kind: self.open_paper(k))
            layout.addWidget(button)
            self.buttons[kind] = button
        layout.addStretch(1)  # the row's spare width stays beside the buttons (결제취소 has one button)
        self.show_for(None, None)

    def show_for(self, tab: PaymentTab | None, row: PaymentView | None) -> None:
        """The tab's buttons, enabled when the selected row has that paper."""
        self.row = row
        kinds = TAB_PAPERS.get(tab, ())
        self.setVisible(bool(kinds))
        for kind, button in self.buttons.items():
            button.setVisible(kind in kinds)
            ok = row is not None and row.status is NEEDS[kind]
            button.setEnabled(ok)
            button.setToolTip(self.tr("선택한 결제의 {title}를 미리 보고 저장하거나 인쇄합니다.")
                              .format(title=self.tr(PAPER_TITLES[kind])) if ok
                              else self.tr("출력할 결제를 목록에서 선택해 주세요."))

    def open_first(self) -> None:
        """Enter or a double click on a row: the tab's first paper for it (전표, 취소전표), if it has one."""
        for kind, button in self.buttons.items():
            if button.isVisible() and button.isEnabled():
                self.open_paper(kind)
                return

    def open_paper(self, kind: PaperKind) -> None:
        row = self.row
        if row is None:
            return
        actor, payments, render = self.ctx.actor, self.ctx.services.payments, RENDERERS[kind]

        def make():
            data = payments.paper(actor, row.id, kind)
            return data, render(data)

        self.ctx.query(make, parent=self, key="paper") \
            .busy(self.busy, self.tr("문서를 만드는 중…")).success(self._show).run()

    def _show(self, made) -> None:
        data, pdf = made
        title = f"{self.tr(PAPER_TITLES[data.kind])} {data.document_no}"
        self.viewer = viewer = show_printable(self.window(), title, pdf, save_stem=data.document_no,
                                              info=self.tr("{service} · {buyer} → {supplier}").format(
                                                  service=data.service_name, buyer=data.buyer.name,
                                                  supplier=data.supplier.name))
        self.opened.emit(viewer)
