"""The in-app document viewer (issue 8, "documents that cannot run"): PDF pages and pictures are
drawn from their bytes off the GUI thread, turned and zoomed with buttons and keys, saved under
the document type's name and the sniffed extension; the screening detail panel, the company
information page and the signup documents page open it, and nothing goes to the operating system."""

from __future__ import annotations

import os
import subprocess
import threading
import webbrowser
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QPushButton

from kvoucher_desktop.enums import DocumentType, ScreeningStatus
from kvoucher_desktop.services.dto import DocumentUpload
from kvoucher_desktop.services.sample_files import blank_png, sample_jpeg, sample_png, sample_scan_pdf
from kvoucher_desktop.views.style import apply_style
from kvoucher_desktop.views.widgets import viewer as viewer_module
from kvoucher_desktop.views.widgets.viewer import DocumentViewer, show_viewer
from tests.factories import HOLD_REASON, company_in_state, make_operator
from tests.views.helpers import shoot
from tests.views.page_support import desk, settle  # noqa: F401  (desk is a fixture)

S = ScreeningStatus
PDF_LINES = ("사업자등록증", "상호: 가나다 소프트 주식회사", "대표자: 홍길동", "사업장 소재지: 서울특별시 중구 세종대로 110")


@pytest.fixture
def two_pages() -> bytes:
    return sample_scan_pdf(PDF_LINES, pages=2)


@pytest.fixture
def nothing_goes_to_the_os(monkeypatch):
    """Every way a desktop program hands a file to the OS records the attempt instead."""
    calls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: calls.append(("openUrl", url)) or True)
    monkeypatch.setattr(os, "startfile", lambda *a, **k: calls.append(("startfile", a)), raising=False)
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append(("Popen", a)))
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: calls.append(("webbrowser", a)))
    return calls


def open_viewer(qtbot, qapp, data, kind=None, title="사업자등록증", size=(1280, 800), **kw) -> DocumentViewer:
    apply_style(qapp)
    viewer = DocumentViewer(title, data, kind, **kw)
    qtbot.addWidget(viewer)
    viewer.resize(*size)
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        viewer.show()
    return viewer


def key(qtbot, viewer, key_, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    viewer.activateWindow()
    viewer.scroll.setFocus()
    qtbot.keyClick(viewer.scroll, key_, modifiers)


def pixels(viewer) -> bytes:
    image = viewer.page_label.pixmap().toImage()
    return bytes(image.constBits())


# --- the viewer alone --------------------------------------------------------------------------------
def test_a_two_page_pdf_is_drawn_from_its_bytes_and_turned_with_buttons_and_keys(qtbot, qapp, two_pages):
    viewer = open_viewer(qtbot, qapp, two_pages, "application/pdf")
    assert viewer.kind == "application/pdf" and viewer.page_count == 2 and viewer.current_page == 0
    first = pixels(viewer)
    assert viewer.page_total.text() == "/ 2쪽" and viewer.page_combo.currentText() == "1"
    assert not viewer.prev_button.isEnabled() and viewer.next_button.isEnabled()
    qtbot.wait(50)
    shoot(viewer, "document_viewer_pdf")
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        viewer.next_button.click()
    assert viewer.current_page == 1 and viewer.page_combo.currentText() == "2"
    assert pixels(viewer) != first  # page 2 says "쪽 2 / 2"
    assert viewer.prev_button.isEnabled() and not viewer.next_button.isEnabled()
    viewer.next_page()  # past the last page: nothing happens
    assert viewer.current_page == 1
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        key(qtbot, viewer, Qt.Key.Key_PageUp)
    assert viewer.current_page == 0 and pixels(viewer) == first
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        key(qtbot, viewer, Qt.Key.Key_PageDown)
    assert viewer.current_page == 1
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        key(qtbot, viewer, Qt.Key.Key_Home)
    assert viewer.current_page == 0


def test_zoom_with_keys_and_fit_to_width(qtbot, qapp, two_pages):
    viewer = open_viewer(qtbot, qapp, two_pages)
    assert viewer.fit_width and viewer.fit_button.isChecked()
    fitted = viewer.page_label.pixmap().width()
    assert abs(fitted - viewer.available_width()) <= 2  # the page is as wide as the window allows
    assert viewer.zoom_label.text() == f"{round(viewer.zoom * 100)}%"
    before = viewer.zoom
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        key(qtbot, viewer, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.zoom > before and not viewer.fit_width
    assert viewer.page_label.pixmap().width() > fitted
    assert viewer.scroll.horizontalScrollBar().maximum() > 0  # wider than the window: it scrolls
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        key(qtbot, viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        key(qtbot, viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.zoom < before and viewer.page_label.pixmap().width() < fitted
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        key(qtbot, viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert viewer.fit_width and abs(viewer.page_label.pixmap().width() - fitted) <= 2
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        viewer.zoom_out_button.click()
    assert not viewer.fit_width
    # a narrower window: fit width follows it
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        viewer.fit_button.click()
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        viewer.resize(800, 700)
    assert viewer.page_label.pixmap().width() < fitted
    assert abs(viewer.page_label.pixmap().width() - viewer.available_width()) <= 2


def test_the_viewer_opens_with_the_document_in_focus(qtbot, qapp, two_pages):
    viewer = open_viewer(qtbot, qapp, two_pages)
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow, timeout=2000)
    assert viewer.focusWidget() is viewer.scroll  # not 축소 −: the first key reads the document


def test_escape_closes(qtbot, qapp, two_pages):
    viewer = open_viewer(qtbot, qapp, two_pages)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


@pytest.mark.parametrize("data,kind,size", [
    (sample_png(), "image/png", (120, 80)),
    (sample_jpeg(300, 200), "image/jpeg", (300, 200)),
], ids=["png", "jpeg"])
def test_a_picture_is_shown_at_its_size_without_page_controls(qtbot, qapp, data, kind, size):
    viewer = open_viewer(qtbot, qapp, data, title="대표 이미지")
    assert viewer.kind == kind and viewer.page_count == 1
    pixmap = viewer.page_label.pixmap()
    assert (pixmap.width(), pixmap.height()) == size  # fit width never enlarges a small picture
    assert not viewer.prev_button.isVisible() and not viewer.page_combo.isVisible()
    with qtbot.waitSignal(viewer.rendered, timeout=10_000):
        viewer.zoom_in_button.click()
    assert viewer.page_label.pixmap().width() > size[0]


def test_the_pdf_is_drawn_off_the_gui_thread_with_a_busy_line(qtbot, qapp, two_pages, monkeypatch):
    release = threading.Event()
    threads = []
    render_page = viewer_module.render_page

    def slow_render(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        release.wait(10)
        return render_page(*args, **kwargs)

    monkeypatch.setattr(viewer_module, "render_page", slow_render)
    apply_style(qapp)
    viewer = DocumentViewer("사업자등록증", two_pages)
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: threads == [False])
    assert viewer.busy.isVisible() and viewer.busy.label.text() == "쪽을 그리는 중…"
    # the GUI thread is free meanwhile: it answers, and a newer request waits for the draw out
    viewer.zoom_in()
    viewer.zoom_in()
    qtbot.wait(50)
    assert threads == [False]
    release.set()
    qtbot.waitUntil(lambda: not viewer.busy.isVisible() and viewer.page_count == 2, timeout=10_000)
    assert threads == [False, False]  # the two zooms were one draw, the newest
    assert viewer.zoom == 1.25 and not viewer.fit_width  # 100 % → 110 % → 125 %


def test_a_broken_pdf_or_unknown_bytes_say_so_in_korean(qtbot, qapp):
    apply_style(qapp)
    broken = DocumentViewer("지방세 완납증명서", b"%PDF-1.4\n" + b"0" * 100)
    qtbot.addWidget(broken)
    with qtbot.waitSignal(broken.failed, timeout=10_000) as failed:
        broken.show()
    assert failed.args[0].startswith("PDF 파일을 열 수 없습니다")
    assert broken.page_label.text() == failed.args[0]
    unknown = DocumentViewer("무엇", b"MZ\x90\x00 a program")
    qtbot.addWidget(unknown)
    unknown.show()
    assert "미리볼 수 없는 파일 형식" in unknown.page_label.text()
    assert not unknown.save_button.isEnabled() and unknown.save_as() is None


def test_save_as_proposes_the_type_label_and_forces_the_sniffed_extension(qtbot, qapp, two_pages, tmp_path,
                                                                         monkeypatch):
    asked = []
    answer = {"path": ""}

    def fake_dialog(parent, caption, proposed, name_filter):
        asked.append((caption, proposed, name_filter))
        return answer["path"], name_filter

    monkeypatch.setattr(viewer_module, "save_file_name", fake_dialog)
    viewer = open_viewer(qtbot, qapp, two_pages, title="사업자등록증",
                         info="사업자등록증 · 올린 파일 사업자등록증.pdf.bat")
    assert viewer.save_as() is None  # cancelled: nothing written
    caption, proposed, name_filter = asked[-1]
    assert caption == "다른 이름으로 저장" and Path(proposed).name == "사업자등록증.pdf"
    assert name_filter == "PDF 문서 (*.pdf)"
    answer["path"] = str(tmp_path / "사업자등록증.pdf")
    assert viewer.save_as() == tmp_path / "사업자등록증.pdf"
    assert (tmp_path / "사업자등록증.pdf").read_bytes() == two_pages
    answer["path"] = str(tmp_path / "내 사본.bat")  # a name typed with another extension
    assert viewer.save_as() == tmp_path / "내 사본.pdf"
    assert not (tmp_path / "내 사본.bat").exists()
    assert viewer.status.text() == f"저장했습니다: {tmp_path / '내 사본.pdf'}"
    # PNG bytes claimed to be a PDF and uploaded as x.exe: the bytes decide
    picture = open_viewer(qtbot, qapp, sample_png(), "application/pdf", title="국세 완납증명서")
    answer["path"] = str(tmp_path / "x.exe")
    assert picture.save_as() == tmp_path / "x.png"
    assert Path(asked[-1][1]).name == "국세 완납증명서.png"


def test_the_viewer_fits_a_1280_by_800_window_with_nothing_cut(qtbot, qapp, two_pages):
    viewer = open_viewer(qtbot, qapp, two_pages, info="사업자등록증 · 올린 파일 사업자등록증.pdf · 52 KB · 올린 시각 2026-03-02 10:00")
    qtbot.wait(50)
    for button in viewer.findChildren(QPushButton):
        if button.isVisible():
            assert button.width() >= button.sizeHint().width() - 1, button.text()
    for label in viewer.findChildren(QLabel):
        if label.isVisible() and label.text() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width() - 1, label.text()
    assert viewer.scroll.geometry().bottom() < viewer.save_button.geometry().top()
    path = shoot(viewer, "document_viewer_1280x800")
    assert path is None or Path(path).exists()


# --- the pages that list documents -------------------------------------------------------------
def test_the_screening_detail_opens_documents_in_the_viewer(qtbot, desk, sqlite_services, nothing_goes_to_the_os):
    services = sqlite_services
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    window = desk(operator)
    page = window.open_page("screening_dashboard")
    settle(qtbot)
    page.select_company(company_id)
    settle(qtbot)
    detail = page.detail
    detail.tabs.setCurrentIndex(1)
    docs = detail.doc_model
    row = next(i for i in range(docs.rowCount()) if docs.row_at(i).doc_type is DocumentType.BUSINESS_REGISTRATION)
    detail.doc_table.selectRow(row)
    detail.open_button.click()
    settle(qtbot)
    viewer = detail.last_preview
    assert isinstance(viewer, DocumentViewer) and viewer.isVisible()
    stored = services.companies.document_content(operator, docs.row_at(row).id)[1]
    assert viewer.data == stored and viewer.page_count == 1 and not viewer.page_label.pixmap().isNull()
    assert viewer.proposed_name() == "사업자등록증.pdf"
    assert "올린 파일" in viewer.info_label.text()
    assert nothing_goes_to_the_os == []


def test_the_company_info_page_opens_a_renamed_upload_in_the_viewer(qtbot, desk, sqlite_services,
                                                                   nothing_goes_to_the_os):
    services = sqlite_services
    operator = make_operator(services)
    demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    services.screening.hold(operator, company_id, HOLD_REASON)
    picture = sample_png(rgb=(200, 30, 30))
    services.companies.replace_document(demand, DocumentUpload(DocumentType.NATIONAL_TAX, "국세.png.exe", picture))
    window = desk(demand)
    page = window.open_page("company_info")
    settle(qtbot)
    pos = page.doc_model.position_of(DocumentType.NATIONAL_TAX)
    assert page.doc_model.data(page.doc_model.index(pos, 2)) == "국세.png"  # stored under its real kind
    page.doc_table.selectRow(pos)
    page.preview_button.click()
    settle(qtbot)
    viewer = page.last_preview
    assert isinstance(viewer, DocumentViewer) and viewer.kind == "image/png" and viewer.data == picture
    assert viewer.page_label.pixmap().width() == 120
    assert viewer.proposed_name() == "국세 완납증명서.png"
    assert nothing_goes_to_the_os == []


def test_show_viewer_opens_a_window_that_deletes_itself(qtbot, qapp, two_pages):
    apply_style(qapp)
    viewer = show_viewer(None, "영수증", two_pages, "application/pdf")
    assert viewer.isVisible() and viewer.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    settle(qtbot)
    assert viewer.page_count == 2
    viewer.close()


def test_no_view_hands_a_file_to_the_operating_system():
    """The views package has no call that opens a file or URL with the OS (the behaviour tests
    above show the pages use the viewer; this keeps a new call from creeping back)."""
    import kvoucher_desktop.views as views

    forbidden = ("QDesktopServices", "openUrl", "startfile", "subprocess", "webbrowser", "os.system",
                 "write_temp_copy")
    found = []
    for path in Path(views.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {word}" for word in forbidden if word in text]
    assert found == []


# --- a huge picture is refused where it is chosen ------------------------------------------------
def test_the_service_editor_refuses_a_20000_pixel_square_at_once(qtbot, desk, sqlite_services):
    from tests.factories import make_supplier_account

    window = desk(make_supplier_account(sqlite_services))
    page = window.pages["supplier_services"]
    page.add_button.click()
    dialog = page.editor
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.choose_image = lambda _parent, _title: ("포스터.png", blank_png(20_000, 20_000))
    dialog.choose_image_button.click()
    assert dialog.error.text().startswith("대표 이미지가 너무 큽니다(20,000×20,000 픽셀)")
    assert dialog.new_image is None and dialog.image_box.property("invalid") is True
    dialog.close()


def test_a_signup_document_row_refuses_a_20000_pixel_square_at_once(qtbot, qapp):
    from kvoucher_desktop.views.signup.documents import DocumentRow

    row = DocumentRow(DocumentType.LOCAL_TAX, lambda: None)
    qtbot.addWidget(row)
    row.show()
    assert row.set_file("스캔.png", sample_png()) and row.data is not None
    assert not row.set_file("../스캔\x00.png", blank_png(20_000, 20_000))
    assert row.message.text().startswith("'스캔.png' 이미지가 너무 큽니다(20,000×20,000 픽셀)")
    assert row.data == sample_png()  # the earlier good file stays
    assert row.set_file("C:\\scans\\지방세.pdf.bat", sample_scan_pdf())
    assert row.file_label.text() == "지방세.pdf"  # as it will be stored and listed
