"""The supplier's pages through the GUI: 서비스 관리 (register, refuse and keep the inputs, edit,
hide and show, counts of open inquiries) and 서비스 문의 답변 (answer, correct an answer, keep a
refused or unsent answer)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kvoucher_desktop.enums import ScreeningStatus
from kvoucher_desktop.services.dto import ServiceForm
from kvoucher_desktop.services.sample_files import sample_pdf, sample_png
from kvoucher_desktop.views.supplier.editor import ServiceEditorDialog
from tests.factories import company_in_state, make_agency, make_supplier_account
from tests.views.helpers import shoot as shoot_widget
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

QUESTION = ("화상회의 솔루션을 30명 규모로 쓰려고 합니다.\n"
            "동시 접속 인원 제한과 녹화 기능이 있는지, 바우처로 1년 이용이 가능한지 알려 주세요.")
ANSWER = "30명 동시 접속과 클라우드 녹화를 지원하며, 1년 이용권으로 바우처 결제가 가능합니다."


def texts(model, row: int) -> list[str]:
    return [model.index(row, c).data() for c in range(model.columnCount())]


def row_of(model, service_id) -> list[str]:
    pos = model.position_of(service_id)
    assert pos is not None, "the service is not in the table"
    return texts(model, pos)


def category_code(services, name: str) -> str:
    return next(c.code for c in services.programme.categories() if c.name == name)


def register(services, supplier, name="클라우드 화상회의 1년 이용권", price=1_200_000, **kw):
    form = ServiceForm(name=name, category_code=category_code(services, kw.pop("category", "화상회의")),
                       keywords=kw.pop("keywords", "화상회의, 원격수업"), price=price,
                       description=kw.pop("description", "최대 100명 동시 접속."), **kw)
    return services.catalog.save_service(supplier, form).value


def open_editor(qtbot, page, *, edit: bool = False) -> ServiceEditorDialog:
    (page.edit_button if edit else page.add_button).click()
    dialog = page.editor
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.loaded)
    return dialog


def choose_category(dialog: ServiceEditorDialog, name: str) -> None:
    index = dialog.category_combo.findText(name)
    assert index > 0, f"no category {name!r}"
    dialog.category_combo.setCurrentIndex(index)


@pytest.fixture
def supplier_desk(desk, sqlite_services):
    """(window, supplier actor) with the supplier's home page (서비스 관리) shown."""
    def make(actor=None):
        supplier = actor or make_supplier_account(sqlite_services, name="(주)클라우드브릿지")
        window = desk(supplier)
        return window, supplier
    return make


# --- 서비스 관리 -----------------------------------------------------------------------------------
def test_services_page_is_the_supplier_home_and_says_when_empty(qtbot, supplier_desk):
    window, _supplier = supplier_desk()
    page = window.pages["supplier_services"]
    assert window.current_key == "supplier_services"
    assert page.model.rowCount() == 0
    assert page.empty_notice.isVisible() and "등록한 서비스가 없습니다" in page.empty_notice.title.text()
    assert page.add_button.isEnabled()
    assert not page.edit_button.isEnabled() and not page.hide_button.isEnabled()
    assert not page.detail_button.isEnabled()


def test_register_a_service_through_the_dialog(qtbot, supplier_desk, sqlite_services):
    services = sqlite_services
    window, supplier = supplier_desk()
    page = window.pages["supplier_services"]
    dialog = open_editor(qtbot, page)
    assert dialog.windowTitle() == "서비스 등록"
    assert [dialog.category_combo.itemText(i) for i in range(1, dialog.category_combo.count())] == [
        c.name for c in services.programme.categories()]
    type_text(dialog.name_edit, "클라우드 화상회의 1년 이용권")
    choose_category(dialog, "화상회의")
    type_text(dialog.keywords_edit, "화상회의, 원격수업, 녹화")
    type_text(dialog.price_edit, "1200000")
    assert dialog.price_edit.text() == "1,200,000" and dialog.price_edit.value() == 1_200_000
    description = "최대 100명 동시 접속, 클라우드 녹화 10시간 포함."
    type_text(dialog.description_edit, description)
    assert dialog.description_count.text() == f"{len(description)} / 5,000자"
    picture = sample_png(320, 200, rgb=(30, 80, 170))
    dialog.choose_image = lambda _parent, _title: ("대표.png", picture)
    dialog.choose_image_button.click()
    assert dialog.image_box.has_picture and "대표.png" in dialog.image_note.text()
    qtbot.waitExposed(dialog)
    shoot_widget(dialog, "page_supplier_service_editor")
    dialog.save_button.click()
    settle(qtbot)
    assert not dialog.isVisible() and dialog.result() == ServiceEditorDialog.DialogCode.Accepted
    saved = dialog.saved_row
    assert saved.name == "클라우드 화상회의 1년 이용권" and saved.price == 1_200_000

    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert row_of(page.model, saved.id) == [
        "클라우드 화상회의 1년 이용권", "화상회의", "1,200,000원", "공개", "0", "0", "-"]
    assert page.edit_button.isEnabled()  # the new service is selected
    assert "등록했습니다" in page.message.title.text()
    assert "서비스 1개 (공개 1개 · 숨김 0개)" in page.summary.text()
    assert not page.empty_notice.isVisible()

    # anybody finds it in the catalog, also by a keyword and with the picture
    found = services.catalog.search(None, "원격수업").rows
    assert [r.id for r in found] == [saved.id]
    assert found[0].supplier_name == "(주)클라우드브릿지"
    assert services.catalog.detail(None, saved.id).image_type == "image/png"
    assert services.catalog.image(None, saved.id) == picture
    assert services.catalog.detail(None, saved.id).description == "최대 100명 동시 접속, 클라우드 녹화 10시간 포함."


def test_a_refused_service_keeps_what_was_typed(qtbot, supplier_desk, sqlite_services):
    services = sqlite_services
    window, supplier = supplier_desk()
    page = window.pages["supplier_services"]
    dialog = open_editor(qtbot, page)
    type_text(dialog.name_edit, "원격근무 협업툴")
    choose_category(dialog, "재택근무")
    type_text(dialog.keywords_edit, "협업, 메신저")
    type_text(dialog.price_edit, "0")
    type_text(dialog.description_edit, "팀 메신저와 전자결재")
    dialog.save_button.click()
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.error.isVisible() and dialog.error.text() == "가격은 0원보다 커야 합니다."
    assert dialog.price_edit.property("invalid") is True
    assert dialog.name_edit.text() == "원격근무 협업툴"
    assert dialog.category_combo.currentText() == "재택근무"
    assert dialog.keywords_edit.text() == "협업, 메신저"
    assert dialog.description_edit.toPlainText() == "팀 메신저와 전자결재"
    assert services.catalog.supplier_services(supplier) == []

    # an empty name: the name is marked, the price now typed stays too
    type_text(dialog.price_edit, "550000", replace=True)
    type_text(dialog.name_edit, "", replace=True)
    dialog.save_button.click()
    settle(qtbot)
    assert dialog.isVisible() and dialog.error.text() == "서비스명을 입력해 주세요."
    assert dialog.name_edit.property("invalid") is True and dialog.price_edit.property("invalid") is False
    assert dialog.price_edit.text() == "550,000" and dialog.keywords_edit.text() == "협업, 메신저"
    assert dialog.category_combo.currentText() == "재택근무"

    # no category chosen
    type_text(dialog.name_edit, "원격근무 협업툴")
    dialog.category_combo.setCurrentIndex(0)
    dialog.save_button.click()
    settle(qtbot)
    assert dialog.error.text() == "서비스 분류를 선택해 주세요."
    assert dialog.category_combo.property("invalid") is True

    # a file that is not a picture is refused at once, the inputs stay
    choose_category(dialog, "재택근무")
    dialog.choose_image = lambda _parent, _title: ("소개서.pdf", sample_pdf("소개서"))
    dialog.choose_image_button.click()
    assert "JPG 또는 PNG" in dialog.error.text() and dialog.image_box.property("invalid") is True
    assert dialog.new_image is None and not dialog.image_box.has_picture
    shoot_widget(dialog, "page_supplier_service_editor_error")

    dialog.save_button.click()
    settle(qtbot)
    assert not dialog.isVisible()
    [row] = services.catalog.supplier_services(supplier)
    assert (row.service.name, row.service.price, row.service.keywords) == ("원격근무 협업툴", 550_000, ("협업", "메신저"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)


def test_edit_the_price_of_a_service(qtbot, supplier_desk, sqlite_services):
    services = sqlite_services
    supplier = make_supplier_account(services)
    other = register(services, supplier, "네트워크 보안 점검", 800_000, category="네트워크·보안 솔루션")
    service = register(services, supplier, image=sample_png(rgb=(200, 60, 60)))
    window, _ = supplier_desk(supplier)
    page = window.pages["supplier_services"]
    assert page.model.rowCount() == 2
    page.select_service(service.id)
    dialog = open_editor(qtbot, page, edit=True)
    assert dialog.windowTitle() == "서비스 수정" and dialog.save_button.text() == "저장"
    assert dialog.name_edit.text() == "클라우드 화상회의 1년 이용권"
    assert dialog.category_combo.currentText() == "화상회의"
    assert dialog.keywords_edit.text() == "화상회의, 원격수업"
    assert dialog.price_edit.text() == "1,200,000"
    assert dialog.description_edit.toPlainText() == "최대 100명 동시 접속."
    assert dialog.image_box.has_picture and dialog.remove_image_button.isEnabled()
    shoot_widget(dialog, "page_supplier_service_editor_edit")
    type_text(dialog.price_edit, "990000", replace=True)
    dialog.save_button.click()
    settle(qtbot)
    assert not dialog.isVisible()
    assert row_of(page.model, service.id)[2] == "990,000원"
    assert row_of(page.model, other.id)[2] == "800,000원"
    assert services.catalog.detail(None, service.id).service.price == 990_000
    assert services.catalog.image(None, service.id) is not None  # the picture was left alone

    # removing the picture
    page.select_service(service.id)
    dialog = open_editor(qtbot, page, edit=True)
    dialog.remove_image_button.click()
    assert not dialog.image_box.has_picture and "지웁니다" in dialog.image_note.text()
    dialog.save_button.click()
    settle(qtbot)
    assert services.catalog.image(None, service.id) is None


def test_hide_and_show_a_service(qtbot, supplier_desk, sqlite_services):
    services = sqlite_services
    supplier = make_supplier_account(services)
    service = register(services, supplier)
    window, _ = supplier_desk(supplier)
    page = window.pages["supplier_services"]
    page.select_service(service.id)
    assert page.hide_button.text() == "숨기기"
    page.hide_button.click()
    assert "숨길까요" in page.pending_dialog.text()
    page.pending_dialog.yes_button.click()
    settle(qtbot)
    assert row_of(page.model, service.id)[3] == "숨김"
    assert page.model.index(page.model.position_of(service.id), 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert services.catalog.search(None, "화상회의").rows == ()
    assert page.hide_button.text() == "공개하기"
    assert "숨겼습니다" in page.message.title.text()
    assert "공개 0개 · 숨김 1개" in page.summary.text()
    form = services.catalog.service_form(supplier, service.id)
    assert form.hidden and form.keywords == "화상회의, 원격수업" and form.price == 1_200_000  # nothing else changed

    page.hide_button.click()  # showing again needs no question
    settle(qtbot)
    assert row_of(page.model, service.id)[3] == "공개"
    assert [r.id for r in services.catalog.search(None, "화상회의").rows] == [service.id]
    assert page.hide_button.text() == "숨기기"

    # the agency's hiding is shown as such
    services.catalog.set_hidden_by_agency(make_agency(services), service.id, True, "허위 광고 확인 중")
    page.refresh()
    settle(qtbot)
    assert row_of(page.model, service.id)[3] == "전문기관 숨김"
    assert page.agency_notice.isVisible() and "전문기관이 숨긴 서비스가 1개" in page.agency_notice.title.text()
    shoot(page, "supplier_services_hidden")
    assert "전문기관" in page.model.index(page.model.position_of(service.id), 3).data(Qt.ItemDataRole.ToolTipRole)


def test_detail_and_links_open_their_pages(qtbot, supplier_desk, sqlite_services, monkeypatch):
    services = sqlite_services
    supplier = make_supplier_account(services)
    service = register(services, supplier)
    window, _ = supplier_desk(supplier)
    page = window.pages["supplier_services"]
    opened = []
    monkeypatch.setattr(window, "open_service", lambda sid: opened.append(("service", sid)))
    monkeypatch.setattr(window, "open_page", lambda key: opened.append(("page", key)))
    page.select_service(service.id)
    page.detail_button.click()
    page.inquiries_button.click()
    page.deals_button.click()
    assert opened == [("service", service.id), ("page", "supplier_inquiries"), ("page", "deal_inbox")]


# --- 서비스 문의 답변 ------------------------------------------------------------------------------
@pytest.fixture
def asked(sqlite_services, clock):
    """A supplier with two services and a question from an approved demand company on one."""
    services = sqlite_services
    supplier = make_supplier_account(services, name="(주)클라우드브릿지")
    service = register(services, supplier)
    quiet = register(services, supplier, "원격근무 협업툴", 300_000, category="재택근무")
    demand, _company = company_in_state(services, ScreeningStatus.APPROVED)
    clock.advance(minutes=30)
    inquiry = services.catalog.ask(demand, service.id, QUESTION).value
    return supplier, demand, service, quiet, inquiry


def test_an_inquiry_is_counted_answered_and_the_count_drops(qtbot, supplier_desk, sqlite_services, asked):
    services = sqlite_services
    supplier, demand, service, quiet, inquiry = asked
    window, _ = supplier_desk(supplier)
    services_page = window.pages["supplier_services"]
    assert row_of(services_page.model, service.id)[5] == "1"
    assert row_of(services_page.model, quiet.id)[5] == "0"
    assert "미답변 문의 1건" in services_page.summary.text()
    assert services_page.inquiries_button.text() == "서비스 문의 답변 (1) →"
    shoot(services_page, "supplier_services")

    page = window.open_page("supplier_inquiries")
    settle(qtbot)
    assert page.model.rowCount() == 1
    cells = texts(page.model, 0)
    assert cells[0] == "클라우드 화상회의 1년 이용권"
    assert cells[1] == inquiry.company_name
    assert cells[2].startswith("화상회의 솔루션을 30명 규모로 쓰려고 합니다. 동시 접속") and cells[2].endswith("…")
    assert cells[3] == "2026-03-02 10:30"
    assert cells[4] == "답변대기"
    assert "답변대기 1건" in page.count_label.text()
    assert not page.answer_edit.isVisible()  # nothing chosen yet

    page.table.selectRow(0)
    assert page.question.toPlainText() == QUESTION
    assert inquiry.company_name in page.detail_meta.text()
    assert page.answer_button.text() == "답변 등록"
    type_text(page.answer_edit, ANSWER)
    shoot(page, "supplier_inquiries")
    page.answer_button.click()
    settle(qtbot)
    assert texts(page.model, 0)[4] == "답변완료"
    assert page.saved_label.text() == "답변을 등록했습니다."
    assert page.answer_button.text() == "답변 수정" and not page.answer_button.isEnabled()  # nothing changed yet
    [seen] = services.catalog.inquiries(demand, service.id)
    assert seen.answer == ANSWER and seen.answered_by_name == supplier.name

    # the services page (listening for changes) shows the count dropped
    qtbot.waitUntil(lambda: row_of(services_page.model, service.id)[5] == "0")
    assert "미답변 문의 0건" in services_page.summary.text()

    # correcting the answer
    type_text(page.answer_edit, " 자세한 견적은 거래상담으로 요청해 주세요.")
    assert page.answer_button.isEnabled()
    page.answer_button.click()
    settle(qtbot)
    assert page.saved_label.text() == "답변을 수정했습니다."
    assert services.catalog.inquiries(demand, service.id)[0].answer.endswith("거래상담으로 요청해 주세요.")

    # 미답변만: nothing left to answer
    page.set_unanswered_only(True)
    settle(qtbot)
    assert page.model.rowCount() == 0 and page.empty_notice.isVisible()
    assert "답변을 기다리는 문의가 없습니다" in page.empty_notice.title.text()
    page.set_unanswered_only(False)
    settle(qtbot)
    assert page.model.rowCount() == 1


def test_an_empty_answer_is_refused_and_an_unsent_draft_is_kept(qtbot, supplier_desk, sqlite_services, asked,
                                                                clock):
    services = sqlite_services
    supplier, demand, service, quiet, first = asked
    clock.advance(minutes=5)
    second = services.catalog.ask(demand, quiet.id, "협업툴 사용자 수 제한이 있나요?").value
    window, _ = supplier_desk(supplier)
    page = window.open_page("supplier_inquiries")
    settle(qtbot)
    assert page.model.rowCount() == 2
    assert page.model.row_at(0).id == second.id  # newest first among the unanswered

    page.table.selectRow(page.model.position_of(first.id))
    type_text(page.answer_edit, "   ")
    page.answer_button.click()
    settle(qtbot)
    assert page.error.isVisible() and page.error.text() == "답변 내용을 입력해 주세요."
    assert page.answer_edit.property("invalid") is True
    assert services.catalog.inquiries(demand, service.id)[0].answer is None

    type_text(page.answer_edit, "녹화 기능이 있습니다.", replace=True)
    page.table.selectRow(page.model.position_of(second.id))  # look at the other one before sending
    assert page.answer_edit.toPlainText() == "" and not page.error.isVisible()
    page.table.selectRow(page.model.position_of(first.id))
    assert page.answer_edit.toPlainText() == "녹화 기능이 있습니다."  # the draft came back
    page.answer_button.click()
    settle(qtbot)
    assert services.catalog.inquiries(demand, service.id)[0].answer == "녹화 기능이 있습니다."


def test_table_models_pass_the_model_tester(qtbot, qtmodeltester, supplier_desk, sqlite_services, asked):
    supplier, demand, service, quiet, inquiry = asked
    window, _ = supplier_desk(supplier)
    services_page = window.pages["supplier_services"]
    assert services_page.model.rowCount() == 2
    qtmodeltester.check(services_page.model, force_py=True)
    page = window.open_page("supplier_inquiries")
    settle(qtbot)
    assert page.model.rowCount() == 1
    qtmodeltester.check(page.model, force_py=True)


def test_supplier_home_points_to_the_service_pages(qtbot, supplier_desk):
    window, _ = supplier_desk()
    page = window.open_page("supplier_home")
    settle(qtbot)
    assert "서비스 관리" in page.note.body.text() and "이후 업데이트" not in page.note.body.text()
    page.services_button.click()
    assert window.current_key == "supplier_services"
