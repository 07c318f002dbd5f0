"""감사 로그 검증 through the GUI: the agency's menu opens it, the check runs in the background with
a busy line, and the page shows "intact" or the table of problems."""

from __future__ import annotations

from kvoucher_desktop.services.audit_chain import ProblemKind
from tests.factories import make_agency, make_operator
from tests.services.test_audit_chain import AFTER_MARGIN, sealed_log, seqs, tamper, write
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)


def open_page(window):
    titles = [a.text() for a in window.menuBar().actions()]
    menu = window.menuBar().actions()[titles.index("사업관리")].menu()
    action = next(a for a in menu.actions() if a.text() == "감사 로그 검증")
    action.trigger()
    return window.pages["audit_verify"]


def test_the_agency_verifies_the_audit_log_in_the_background(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    sealed_log(services, clock)
    window = desk(make_agency(services), size=(1280, 800))
    page = open_page(window)
    assert window.stack.currentWidget() is page
    assert not page.outcome.isVisible()

    qtbot.mouseClick(page.run_button, qtbot_left())
    assert page.busy.busy and page.busy.isVisible()  # the GUI thread is free while the check runs
    assert not page.run_button.isEnabled()
    settle(qtbot)
    assert not page.busy.busy and page.run_button.isEnabled()
    assert page.outcome.isVisible() and page.outcome.kind == "success"
    assert "이상 없음" in page.outcome.title.text()
    assert f"검사한 기록 {len(seqs(services))}건" in page.outcome.body.text()
    assert not page.table.isVisible()
    shoot(window, "audit_verify_intact")

    target = seqs(services)[4]
    tamper(services, "UPDATE audit_log SET actor_name = '누군가' WHERE seq = :s", params={"s": target})
    tamper(services, "DELETE FROM audit_log WHERE seq = :s", params={"s": seqs(services)[1]})
    write(services, 1, "test.tail")
    clock.advance(**AFTER_MARGIN)
    qtbot.mouseClick(page.run_button, qtbot_left())
    settle(qtbot)
    assert page.outcome.kind == "danger" and "문제 2건" in page.outcome.title.text()
    assert page.table.isVisible()
    assert sorted(page.problem_kinds()) == sorted([ProblemKind.EDITED, ProblemKind.RANGE_CHANGED])
    model = page.model
    texts = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    edited = next(t for t in texts if t[0] == "기록 변경")
    assert edited[1] == str(target) and f"순번 {target}" in edited[4]
    shoot(window, "audit_verify_problems")


def test_the_problem_table_passes_the_model_tester(qtbot, qtmodeltester, desk, sqlite_services, clock):
    services = sqlite_services
    sealed_log(services, clock)
    tamper(services, "DELETE FROM audit_checkpoints WHERE upto_seq = (SELECT min(upto_seq) FROM audit_checkpoints)")
    window = desk(make_agency(services))
    page = open_page(window)
    page.run()
    settle(qtbot)
    assert page.model.rowCount() == 1
    qtmodeltester.check(page.model)


def test_only_the_agency_has_the_page(qtbot, desk, sqlite_services):
    window = desk(make_operator(sqlite_services))
    assert "audit_verify" not in window.page_actions


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_main_windows_sweep_seals_the_audit_log(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    window = desk(make_agency(services))
    settle(qtbot)
    write(services, 3)
    clock.advance(**AFTER_MARGIN)
    window.sweep_deals()  # what the 5-minute timer runs
    settle(qtbot)
    result = services.audit.verify_unchecked()
    assert result.intact and result.checkpoints_checked >= 1
    assert result.newest_checkpoint.upto_seq == max(seqs(services))
    assert result.sealed_now == 0  # the sweep had sealed everything already
