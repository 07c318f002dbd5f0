"""The company-info page after signup (resubmit confirmation, optional certificates, the
fields fixed at signup) and the operator's narrow detail panel (history columns that fit)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QScrollArea

from kvoucher_desktop.enums import DocumentType, ScreeningStatus
from kvoucher_desktop.services.sample_files import sample_png
from kvoucher_desktop.views.demand.company_info import IssuedYearDialog
from tests.factories import company_in_state, make_operator
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

S = ScreeningStatus
NO_CHANGES = "보류 사유에 대한 수정 내역이 없습니다. 그대로 재제출할까요?"
FIXED_TIP = "가입 후에는 변경할 수 없습니다. 변경이 필요하면 관할 운영기관에 문의하세요."
LONG_REASON = ("제출하신 사업자등록증 사본이 흐려 사업장 소재지와 개업연월일을 확인할 수 없습니다. "
               "또한 지방세 완납증명서의 발급일이 신청일 기준 30일을 넘었습니다. 선명한 사업자등록증 사본과 "
               "최근 30일 이내에 발급된 지방세 완납증명서를 다시 올린 뒤 재제출해 주세요.")


def open_info(qtbot, desk, demand):
    window = desk(demand)
    page = window.open_page("company_info")
    settle(qtbot)
    return window, page


def shoot_page(page, name: str) -> str:
    """The whole scrolled body of a page (the documents table is below the fold)."""
    return shoot(page.findChild(QScrollArea).widget(), name)


def answer(box, yes: bool) -> None:
    (box.yes_button if yes else box.button(QMessageBox.StandardButton.Cancel)).click()


# --- 수정 완료 후 재제출 asks first ------------------------------------------------------------
def test_resubmit_asks_first_cancel_keeps_on_hold_and_yes_returns_to_reviewing(qtbot, desk, sqlite_services,
                                                                             clock):
    services = sqlite_services
    demand, _cid = company_in_state(services, S.ON_HOLD)
    clock.advance(hours=1)
    _window, page = open_info(qtbot, desk, demand)
    type_text(page.fields["address_detail"], "본관 3층", replace=True)
    page.resubmit_button.click()
    box = page.pending_dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    text = box.text()
    assert NO_CHANGES not in text  # an unsaved edit counts as a change
    assert "심사중" in text and "다시 심사" in text and "수정할 수 없습니다" in text
    assert "저장하지 않은 변경 내용도 함께 저장됩니다" in text
    shoot(box, "company_info_resubmit_question")
    answer(box, yes=False)
    settle(qtbot)
    view = services.companies.get(demand)
    assert view.status is S.ON_HOLD and view.info.address_detail != "본관 3층"  # nothing happened
    assert page.fields["address_detail"].text() == "본관 3층"  # and nothing typed is lost
    assert page.badge.text() == "심사보류" and page.resubmit_button.isEnabled()
    page.resubmit_button.click()
    answer(page.pending_dialog, yes=True)
    settle(qtbot)
    view = services.companies.get(demand)
    assert view.status is S.REVIEWING and view.info.address_detail == "본관 3층"
    assert page.badge.text() == "심사중" and not page.hold_notice.isVisible()
    assert page.message.title.text() == "재제출했습니다. 상태가 '심사중'으로 바뀌었습니다."


def test_resubmit_without_changes_since_the_hold_says_so(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.ON_HOLD, operator=operator)
    # a change of an earlier hold round does not count for the current hold
    clock.advance(hours=1)
    info = services.companies.get(demand).info
    services.companies.update_info(demand, replace(info, industry="출판업"))
    services.screening.resubmit(demand)
    clock.advance(hours=1)
    services.screening.hold(operator, company_id, "업종을 다시 확인해 주세요.")
    clock.advance(hours=1)
    _window, page = open_info(qtbot, desk, demand)
    page.resubmit_button.click()
    settle(qtbot)  # the page looks at the change history in the background first
    box = page.pending_dialog
    assert box is not None and box.text().startswith(NO_CHANGES)
    assert "심사중" in box.text()
    shoot(box, "company_info_resubmit_no_changes")
    answer(box, yes=False)
    settle(qtbot)
    assert services.companies.get(demand).status is S.ON_HOLD
    # a saved change after the hold (here: a replaced document) is a change
    clock.advance(minutes=5)
    page.choose_file = lambda parent, title: ("사업자등록증.png", sample_png(rgb=(20, 20, 200)))
    page.doc_table.selectRow(page.doc_model.position_of(DocumentType.BUSINESS_REGISTRATION))
    page.replace_button.click()
    settle(qtbot)
    page.resubmit_button.click()
    settle(qtbot)
    box = page.pending_dialog
    assert NO_CHANGES not in box.text() and box.text().startswith("수정한 내용으로 재제출할까요?")
    answer(box, yes=True)
    settle(qtbot)
    assert services.companies.get(demand).status is S.REVIEWING


# --- optional certificates after signup --------------------------------------------------------
def test_an_optional_certificate_can_be_attached_after_signup(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    demand, _cid = company_in_state(services, S.CONFIRMED)
    clock.advance(hours=1)
    window, page = open_info(qtbot, desk, demand)
    model = page.doc_model
    for doc_type in (DocumentType.DISABLED_ENTERPRISE, DocumentType.WOMEN_ENTERPRISE):
        pos = model.position_of(doc_type)
        assert pos is not None, doc_type
        assert model.data(model.index(pos, 1)) == "선택"
        assert model.data(model.index(pos, 2)) == "(선택) 미첨부"
    pos = model.position_of(DocumentType.WOMEN_ENTERPRISE)
    page.doc_table.selectRow(pos)
    assert page.replace_button.isEnabled() and page.replace_button.text() == "파일 첨부…"
    assert not page.preview_button.isEnabled()
    scan = sample_png(rgb=(180, 40, 120))
    page.choose_file = lambda parent, title: ("여성기업확인서.png", scan)
    page.replace_button.click()
    dialog = page.pending_dialog
    assert isinstance(dialog, IssuedYearDialog) and dialog.isVisible()
    assert dialog.year() is None
    dialog.ok_button.click()  # no year chosen: refused, the dialog stays
    assert dialog.isVisible() and dialog.error.text() == "발급연도를 선택해 주세요."
    shoot(dialog, "company_info_issued_year")
    dialog.set_year(2025)
    dialog.ok_button.click()
    settle(qtbot)
    docs = {d.doc_type: d for d in services.companies.get(demand).documents}
    assert docs[DocumentType.WOMEN_ENTERPRISE].filename == "여성기업확인서.png"
    assert docs[DocumentType.WOMEN_ENTERPRISE].issued_year == 2025
    pos = model.position_of(DocumentType.WOMEN_ENTERPRISE)
    assert model.data(model.index(pos, 0)) == "여성기업확인서 (2025년 발급)"
    assert model.data(model.index(pos, 2)) == "여성기업확인서.png"
    assert page.message.title.text() == "'여성기업확인서' 서류를 첨부했습니다."
    assert page.replace_button.text() == "파일 교체…"  # the row stays selected, now with a file
    changes = services.companies.history(demand)
    assert changes[0].field_label == "서류: 여성기업확인서" and changes[0].old_value == ""
    assert changes[0].after_confirmation
    history = window.open_page("change_history")
    settle(qtbot)
    assert history.model.row_at(0).field_label == "서류: 여성기업확인서"
    # replacing it again keeps the year it had unless another is chosen
    page = window.open_page("company_info")
    settle(qtbot)
    page.doc_table.selectRow(model.position_of(DocumentType.WOMEN_ENTERPRISE))
    page.choose_file = lambda parent, title: ("여성기업확인서_재발급.png", sample_png(rgb=(1, 2, 3)))
    page.replace_button.click()
    dialog = page.pending_dialog
    assert dialog.year() == 2025
    dialog.cancel_button.click()
    settle(qtbot)
    docs = {d.doc_type: d for d in services.companies.get(demand).documents}
    assert docs[DocumentType.WOMEN_ENTERPRISE].filename == "여성기업확인서.png"  # cancelled: nothing stored


# --- fields fixed at signup -------------------------------------------------------------------------
def _background(widget):
    image = widget.grab().toImage()
    return image.pixelColor(image.width() - 6, image.height() // 2).name()


def test_issuer_type_and_payment_manager_are_read_only_and_sent_unchanged(qtbot, desk, sqlite_services):
    services = sqlite_services
    demand, _cid = company_in_state(services, S.APPROVED)
    before = services.companies.get(demand).info
    _window, page = open_info(qtbot, desk, demand)
    assert not page.lock_notice.isVisible()
    fixed = [page.fields[n] for n in ("issuer_type", "payment_manager_name", "payment_manager_phone")]
    assert all(w.isReadOnly() and w.toolTip() == FIXED_TIP for w in fixed)
    assert not page.fields["industry"].isReadOnly()  # the rest is editable in APPROVED
    assert page.fields["issuer_type"].text() == "대표자"
    assert page.fields["payment_manager_phone"].text() == before.payment_manager_phone
    # visibly read-only: the same grey as the business number, not the white of an editable field
    grey = _background(page.business_no)
    assert all(_background(w) == grey for w in fixed)
    assert _background(page.fields["industry"]) != grey
    assert page.fixed_hint.isVisible() and "가입 후에는 변경할 수 없습니다" in page.fixed_hint.text()
    # whatever a widget might hold, the page sends the values of signup
    page.fields["payment_manager_phone"].setText("010-0000-0000")
    assert page.collect_info().payment_manager_phone == before.payment_manager_phone
    page.fields["payment_manager_phone"].setText(before.payment_manager_phone)
    type_text(page.fields["industry"], "정보서비스업", replace=True)
    page.save_button.click()
    settle(qtbot)
    assert not page.error.isVisible(), page.error.text()
    after = services.companies.get(demand).info
    assert after.industry == "정보서비스업"
    assert (after.issuer_type, after.payment_manager_name, after.payment_manager_phone) == (
        before.issuer_type, before.payment_manager_name, before.payment_manager_phone)
    shoot_page(page, "company_info_approved")


def test_company_info_on_hold_screenshot(qtbot, desk, sqlite_services):
    demand, _cid = company_in_state(sqlite_services, S.ON_HOLD)
    _window, page = open_info(qtbot, desk, demand)
    assert page.hold_notice.isVisible()
    assert page.doc_model.position_of(DocumentType.DISABLED_ENTERPRISE) is not None
    assert all(page.fields[n].isReadOnly() for n in ("issuer_type", "payment_manager_name"))
    assert not page.fields["manager_name"].isReadOnly()
    shoot_page(page, "company_info_on_hold_fixed")


# --- the operator's detail panel ---------------------------------------------------------------------
def _fits(table, column: int) -> bool:
    header = table.horizontalHeader()
    return header.sectionPosition(column) + header.sectionSize(column) <= table.viewport().width()


def test_detail_panel_history_columns_fit_the_panel(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    clock.advance(hours=1)
    services.screening.hold(operator, company_id, LONG_REASON)
    clock.advance(hours=1)
    info = services.companies.get(demand).info
    services.companies.update_info(demand, replace(
        info, address="서울특별시 강남구 테헤란로 123 케이바우처타워", address_detail="본관 12층 1203호"))
    services.screening.resubmit(demand)
    services.screening.confirm(operator, company_id)
    clock.advance(hours=1)
    services.companies.update_info(demand, replace(
        services.companies.get(demand).info, industry="응용 소프트웨어 개발 및 공급업"))
    window = desk(operator)
    page = window.open_page("screening_dashboard")
    settle(qtbot)
    assert page.select_company(company_id)
    settle(qtbot)
    detail = page.detail
    assert detail.width() <= 480

    # 심사 이력: 시각 | 처리 | 사유, the reason wrapped in the spare width
    detail.tabs.setCurrentIndex(2)
    qtbot.wait(20)
    table, model = detail.history_table, detail.history_model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == ["시각", "처리", "사유"]
    assert _fits(table, 2) and table.horizontalHeader().sectionSize(2) >= 150
    hold_row = next(i for i, e in enumerate(model.rows()) if e.reason == LONG_REASON)
    assert model.data(model.index(hold_row, 2)) == LONG_REASON
    assert table.rowHeight(hold_row) >= 3 * table.fontMetrics().lineSpacing()  # wrapped, all of it
    assert operator.name in model.data(model.index(hold_row, 1))  # 처리자 on the second line
    tip = model.data(model.index(hold_row, 0), Qt.ItemDataRole.ToolTipRole)
    assert operator.name in tip and "심사중 → 심사보류" in tip and LONG_REASON in tip
    shoot(detail, "detail_history")

    # 수정 이력: 항목 (over its time) | 이전 값 | 변경 값, both values sharing the width
    detail.tabs.setCurrentIndex(3)
    qtbot.wait(20)
    table, model = detail.changes_table, detail.changes_model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == ["항목", "이전 값", "변경 값"]
    header = table.horizontalHeader()
    assert _fits(table, 2)
    assert header.sectionSize(1) >= 100 and abs(header.sectionSize(1) - header.sectionSize(2)) <= 1
    rows = model.rows()
    assert rows[0].field_label == "업종" and rows[0].after_confirmation
    assert not any(c.after_confirmation for c in rows[1:])
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) == model.AFTER_CONFIRMATION
    assert model.data(model.index(0, 2), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is None
    address = next(i for i, c in enumerate(rows) if c.field == "address")
    tip = model.data(model.index(address, 2), Qt.ItemDataRole.ToolTipRole)
    assert "서울특별시 강남구 테헤란로 123 케이바우처타워" in tip and demand.name in tip
    assert not detail.change_detail.isVisible()
    table.selectRow(address)
    assert detail.change_detail.isVisible()
    assert "변경 값: 서울특별시 강남구 테헤란로 123 케이바우처타워" in detail.change_detail.text()
    shoot(detail, "detail_changes")

    # a wider panel gives the reason more room and the rows shrink back
    detail.tabs.setCurrentIndex(2)
    qtbot.wait(20)
    narrow = detail.history_table.rowHeight(hold_row)
    page.splitter.setSizes([500, 780])
    qtbot.waitUntil(lambda: detail.history_table.rowHeight(hold_row) < narrow, timeout=2000)
    assert _fits(detail.history_table, 2)


def test_a_rename_of_the_own_company_refreshes_the_header_name(qtbot, desk, sqlite_services):
    demand, _ = company_in_state(sqlite_services, S.ON_HOLD)
    window, page = open_info(qtbot, desk, demand)
    assert window.user_label.text().startswith(f"{demand.name} 님")
    info = sqlite_services.companies.get(demand).info
    renamed = "주식회사 바뀐이름"
    # what the page's 저장 runs: the helper broadcasts ACCOUNT {the demand's user id} with COMPANY
    window.ctx.op(lambda: sqlite_services.companies.update_info(demand, replace(info, name=renamed)),
                  parent=page).run()
    settle(qtbot)
    assert window.user_label.text().startswith(f"{renamed} 님")
    assert window.actor.name == renamed and window.actor.user_id == demand.user_id
