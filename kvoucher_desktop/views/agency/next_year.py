"""다음 연도 열기 on the 사업 설정 page: a confirmation naming both years and what moves over, then
`ProgrammeService.open_next_year` off the GUI thread (the year the page shows is the one it closes:
a desk that is behind another is refused with a Korean message)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QWidget

from ...services.dto import ProgrammeView
from ..widgets.dialogs import ask_yes_no


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProgrammeSettingsPage", text)


def next_year_button(page) -> QPushButton:
    button = QPushButton(_tr("다음 연도 열기…"))
    button.setToolTip(_tr("현재 설정을 이어받아 다음 사업연도를 엽니다."))
    button.clicked.connect(page.ask_open_next_year)
    return button


def beside(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


def ask_open_next_year(page) -> QMessageBox | None:
    if page.loaded is None:
        return None
    year = page.loaded.year
    return ask_yes_no(page, _tr("다음 연도 열기"), _tr(
        "{next}년 사업을 엽니다. 현재 설정(바우처 금액, 정부지원 비율 등)을 이어받고, 신청 기간은 {next}년의 "
        "같은 날짜로 옮겨집니다.\n\n{year}년에 예산이 승인된 기업(예산포기 포함)은 {next}년의 전년도 참여기업이 "
        "됩니다. 되돌릴 수 없습니다. 계속할까요?").format(year=year, next=year + 1),
        _tr("{next}년 열기").format(next=year + 1), lambda: open_next_year(page, year), danger=True)


def open_next_year(page, from_year: int) -> None:
    ctx = page.ctx
    ctx.clear_feedback()
    actor, programme = ctx.actor, ctx.services.programme

    def done(opened: ProgrammeView) -> None:
        page.show_settings(opened)
        ctx.show_notice(_tr("{year}년 사업을 열었습니다.").format(year=opened.year),
                        _tr("목록과 통계는 이제 {year}년을 기본으로 보여 줍니다.").format(year=opened.year), "success")

    ctx.op(lambda: programme.open_next_year(actor, from_year), parent=page) \
        .busy(text=_tr("다음 연도를 여는 중…")).success(done).after(page._update_buttons).run()
    page._update_buttons()
