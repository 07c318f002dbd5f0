"""The documents for filing through the GUI (SPEC §5.4, §11): 전표 출력 and 거래명세서 출력 on
결제성공, 취소전표 출력 on 결제취소 open the app's viewer on the PDF; the viewer's 인쇄… prints
every page through the print path (a QPrinter writing a PDF file, the dialog replaced by the
test hook) and 다른 이름으로 저장… saves the bytes."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QPushButton

from kvoucher_desktop.enums import PaperKind, PaymentTab
from kvoucher_desktop.services.documents import render_batch, render_cancellation_slip
from kvoucher_desktop.views.style import apply_style
from kvoucher_desktop.views.widgets import printing
from kvoucher_desktop.views.widgets import viewer as viewer_module
from kvoucher_desktop.views.widgets.printing import PrintableViewer
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)
from tests.views.test_payment_management import World, open_payments, select, show_tab

K, T = PaperKind, PaymentTab


@pytest.fixture
def world(sqlite_services, clock):
    return World(sqlite_services, clock)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")


def print_to_file(qtbot, viewer: PrintableViewer, path: Path) -> tuple[bool, str]:
    """인쇄… with the dialog replaced: the printer writes a PDF file."""
    asked = []

    def hook(printer: QPrinter, go):
        asked.append(printer)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        go()

    viewer.ask_printer = hook
    with qtbot.waitSignal(viewer.printed, timeout=30_000) as ended:
        viewer.print_button.click()
    assert len(asked) == 1 and asked[0].fullPage()
    return tuple(ended.args)


def test_the_buttons_follow_the_tab_and_the_selection(qtbot, desk, world):
    page = open_payments(qtbot, desk, world.buyer, "payment_manage")
    buttons = page.papers.buttons
    assert not page.papers.isVisible()  # 총내역
    show_tab(qtbot, page, T.SUCCEEDED)
    assert [k for k, b in buttons.items() if b.isVisible()] == [K.SLIP, K.STATEMENT]
    assert buttons[K.SLIP].text() == "전표 출력" and buttons[K.STATEMENT].text() == "거래명세서 출력"
    assert not buttons[K.SLIP].isEnabled()  # nothing selected yet
    select(qtbot, page, world.ok1.id)
    assert buttons[K.SLIP].isEnabled() and buttons[K.STATEMENT].isEnabled()
    show_tab(qtbot, page, T.FAILED)
    assert not page.papers.isVisible()
    show_tab(qtbot, page, T.CANCELLED)
    assert [k for k, b in buttons.items() if b.isVisible()] == [K.CANCELLATION]
    assert buttons[K.CANCELLATION].text() == "취소전표 출력"
    select(qtbot, page, world.gone.id)
    assert buttons[K.CANCELLATION].isEnabled()


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_the_paper_buttons_keep_their_size(qtbot, desk, world, size):
    page = open_payments(qtbot, desk, world.buyer, "payment_manage", size=size)
    show_tab(qtbot, page, T.CANCELLED)
    button = page.papers.buttons[K.CANCELLATION]
    assert button.isVisible() and button.width() <= button.sizeHint().width() + 40


def focused_row(qtbot, desk, world, tab, payment_id):
    """The buyer's 서비스 결제관리 on `tab`, the payment selected and its list in focus."""
    page = open_payments(qtbot, desk, world.buyer, "payment_manage")
    show_tab(qtbot, page, tab)
    select(qtbot, page, payment_id)
    table = page.tabs.tables[tab]
    page.window().activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus, timeout=2000)
    return page, table


def test_tab_leaves_the_list_for_the_paper_buttons(qtbot, desk, world):
    """Keyboard alone: from the selected row Tab goes on to the buttons under the list (a table
    that took Tab for its cells would keep the focus among them)."""
    page, table = focused_row(qtbot, desk, world, T.SUCCEEDED, world.ok1.id)
    reached = []
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
        if reached[-1] is page.papers.buttons[K.SLIP]:
            break
    assert reached[0] is not table
    assert page.papers.buttons[K.SLIP] in reached


def test_enter_on_a_row_opens_its_paper(qtbot, desk, world):
    page, table = focused_row(qtbot, desk, world, T.CANCELLED, world.gone.id)
    with qtbot.waitSignal(page.papers.opened, timeout=15_000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    viewer = opened.args[0]
    assert viewer.title.startswith("취소전표 ")
    viewer.close()
    settle(qtbot)
    show_tab(qtbot, page, T.FAILED)  # no paper there: Enter opens nothing
    more = []
    page.papers.opened.connect(more.append)
    page.tabs.activated.emit()
    settle(qtbot)
    assert more == []


def test_a_slip_opens_from_succeeded_in_the_viewer(qtbot, desk, world, tmp_path, monkeypatch):
    page = open_payments(qtbot, desk, world.supplier, "payments_received")
    show_tab(qtbot, page, T.SUCCEEDED)
    select(qtbot, page, world.ok1.id)
    with qtbot.waitSignal(page.papers.opened, timeout=15_000) as opened:
        page.papers.buttons[K.SLIP].click()
    viewer = opened.args[0]
    assert isinstance(viewer, PrintableViewer)
    qtbot.waitUntil(lambda: viewer.page_count == 1, timeout=15_000)
    data = world.services.payments.paper(world.supplier, world.ok1.id, K.SLIP)
    assert viewer.title == f"전표 {data.document_no}" and viewer.print_button.text() == "인쇄…"
    text = pdf_text(viewer.data)
    assert data.document_no in text and world.ok1.approval_no in text and "1,100,000원" in text
    assert world.desk.card.masked in text
    shoot(viewer, "slip_viewer")
    # 다른 이름으로 저장…: the document number as the name, the bytes as rendered
    monkeypatch.setattr(viewer_module, "save_file_name", lambda parent, caption, proposed, name_filter: (
        str(tmp_path / Path(proposed).name), name_filter))
    saved = viewer.save_as()
    assert saved == tmp_path / f"{data.document_no}.pdf" and saved.read_bytes() == viewer.data
    viewer.close()
    settle(qtbot)
    # 거래명세서 출력 of the same row
    with qtbot.waitSignal(page.papers.opened, timeout=15_000) as opened:
        page.papers.buttons[K.STATEMENT].click()
    statement = opened.args[0]
    assert "거래명세서" in pdf_text(statement.data) and statement.title.startswith("거래명세서 ST-")
    statement.close()
    settle(qtbot)


def test_a_cancellation_slip_is_printed_through_the_print_path(qtbot, qapp, world, tmp_path):
    apply_style(qapp)
    data = world.services.payments.paper(world.buyer, world.gone.id, K.CANCELLATION)
    viewer = PrintableViewer(f"취소전표 {data.document_no}", render_cancellation_slip(data),
                             save_stem=data.document_no)
    qtbot.addWidget(viewer)
    viewer.show()
    out = tmp_path / "printed.pdf"
    ok, message = print_to_file(qtbot, viewer, out)
    assert ok and message == viewer.status.text() == "프린터로 보냈습니다 (1쪽)."
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4, the whole sheet
    text = reader.pages[0].extract_text().replace(" ", "").replace("\n", "")
    for field in ("취소전표", data.document_no, "원승인번호", data.approval_no, "취소일시", "K-비대면바우처플랫폼",
                  data.buyer.business_no, data.supplier.name.replace(" ", ""), "300,000원"):
        assert field in text, field
    settle(qtbot)
    assert viewer.print_button.text() == "인쇄…" and viewer.job is None


@pytest.mark.parametrize("answer", ["accept", "reject"])
def test_the_os_print_dialog_opens_with_the_page_range_and_decides(qtbot, qapp, world, answer, monkeypatch):
    """인쇄… without the test hook: the real QPrintDialog opens (modal) with the document's page range;
    accepting it prints on the printer it set up, cancelling it prints nothing."""
    apply_style(qapp)
    data = world.services.payments.paper(world.buyer, world.gone.id, K.CANCELLATION)
    viewer = PrintableViewer("취소전표", render_cancellation_slip(data), save_stem=data.document_no)
    qtbot.addWidget(viewer)
    viewer.show()
    printed, seen = [], {}
    monkeypatch.setattr(viewer, "_print_on", printed.append)

    def answer_dialog():
        dialog = viewer.print_dialog
        seen.update(title=dialog.windowTitle(), modal=dialog.isModal(), pages=(dialog.minPage(), dialog.maxPage()))
        dialog.accept() if answer == "accept" else dialog.reject()

    QTimer.singleShot(200, answer_dialog)
    viewer.print_button.click()  # returns once the dialog is answered
    assert seen == {"title": "인쇄", "modal": True, "pages": (1, 1)}
    assert printed == ([viewer.printer] if answer == "accept" else [])
    assert viewer.print_dialog is None


def test_the_viewer_deleted_while_the_print_dialog_is_open_prints_nothing_and_raises_nothing(qtbot, qapp, world,
                                                                                            monkeypatch):
    """A logout or an ended session deletes the pages (and a viewer) while the dialog's loop runs."""
    apply_style(qapp)
    data = world.services.payments.paper(world.buyer, world.gone.id, K.CANCELLATION)
    viewer = PrintableViewer("취소전표", render_cancellation_slip(data), save_stem=data.document_no)
    viewer.show()
    printed = []
    monkeypatch.setattr(viewer, "_print_on", printed.append)

    def gone():
        viewer.close()
        viewer.deleteLater()

    QTimer.singleShot(200, gone)
    viewer.print_button.click()  # returns when the dialog goes with the viewer
    qtbot.wait(50)
    assert printed == []


def test_a_batch_prints_every_page_without_holding_the_gui_thread(qtbot, qapp, world, tmp_path, monkeypatch):
    apply_style(qapp)
    papers = world.services.payments.papers(world.buyer)
    pdf = render_batch(papers * 3)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    drawn_on = []
    real = printing.draw_for_print

    def spy(data, index, dpi):
        import threading
        drawn_on.append(threading.current_thread() is threading.main_thread())
        return real(data, index, dpi)

    monkeypatch.setattr(printing, "draw_for_print", spy)
    viewer = PrintableViewer("증빙 문서 목록", pdf)
    qtbot.addWidget(viewer)
    viewer.show()
    beats: list[float] = []
    heart = QTimer(viewer)
    heart.setInterval(10)
    heart.timeout.connect(lambda: beats.append(time.perf_counter()))
    heart.start()
    ok, _message = print_to_file(qtbot, viewer, tmp_path / "batch.pdf")
    heart.stop()
    gaps = [b - a for a, b in zip(beats, beats[1:])]
    print(f"GUI heartbeat while printing {pages} pages: {len(beats)} beats, longest gap {max(gaps) * 1000:.0f} ms")
    assert len(beats) > 20 and max(gaps) < 0.3  # the window keeps answering (generous: a busy shared machine)
    assert ok and len(PdfReader(str(tmp_path / "batch.pdf")).pages) == pages == 1 + 3 * len(papers)
    assert drawn_on == [False] * pages  # every page drawn off the GUI thread


def test_printing_can_be_stopped(qtbot, qapp, world, tmp_path):
    apply_style(qapp)
    pdf = render_batch(world.services.payments.papers(world.buyer) * 4)
    viewer = PrintableViewer("증빙 문서 목록", pdf)
    qtbot.addWidget(viewer)
    viewer.show()
    viewer.ask_printer = lambda printer, go: (printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat),
                                              printer.setOutputFileName(str(tmp_path / "stopped.pdf")), go())
    with qtbot.waitSignal(viewer.printed, timeout=30_000) as ended:
        viewer.print_button.click()
        assert viewer.job is not None and viewer.job.dialog is not None  # the progress dialog, with 취소
        assert not viewer.print_button.isEnabled()
        qtbot.waitUntil(lambda: viewer.job.state.read()[0] > 0, timeout=20_000)  # a page is out
        viewer.job.dialog.findChild(QPushButton).click()  # the progress dialog's 취소
    ok, message = ended.args
    assert not ok and "중단" in message
    printed = len(PdfReader(str(tmp_path / "stopped.pdf")).pages)
    assert 1 <= printed < 9
    settle(qtbot)
    assert viewer.job is None and viewer.print_button.isEnabled()


def test_the_dialogs_page_range_is_printed(qtbot, qapp, world, tmp_path):
    apply_style(qapp)
    papers = world.services.payments.papers(world.buyer)
    pdf = render_batch(papers * 2)  # 1 + 4 pages
    viewer = PrintableViewer("증빙 문서 목록", pdf)
    qtbot.addWidget(viewer)
    viewer.show()

    def hook(printer, go):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "range.pdf"))
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        go()

    viewer.ask_printer = hook
    with qtbot.waitSignal(viewer.printed, timeout=30_000) as ended:
        viewer.print_button.click()
    assert ended.args[0] and "2쪽" in ended.args[1]
    reader = PdfReader(str(tmp_path / "range.pdf"))
    assert len(reader.pages) == 2  # the batch's pages 2 and 3: the first two documents
    assert [papers[0].document_no in p.extract_text() for p in reader.pages] == [True, False]
    assert papers[1].document_no in reader.pages[1].extract_text()
