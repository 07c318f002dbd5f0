"""Background jobs and the lifetime of what they report to (views/tasks.py): outcomes are handled on
the GUI thread only, nothing is shown for a widget deleted meanwhile, a job never frees Qt objects
in its worker thread, and closing the window or quitting while a job runs does not crash.

The crash itself is an abort of the process, so the real application runs in a subprocess
(tests/views/close_during_job.py) and the test reads its exit code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThreadPool
from PySide6.QtWidgets import QMessageBox, QWidget

from kvoucher_desktop.services.dto import Page
from kvoucher_desktop.services.errors import DomainError
from kvoucher_desktop.views import tasks
from kvoucher_desktop.views.context import ViewContext
from kvoucher_desktop.views.main_window import MainWindow
from kvoucher_desktop.views.tasks import pending_tasks, report_error, run_in_background
from kvoucher_desktop.views.widgets.tables import Column, KeysetTableModel
from tests.factories import make_supplier_account
from tests.views.page_support import desk, settle  # noqa: F401  (desk is a fixture)

ROOT = Path(__file__).resolve().parents[2]


class RecordingBox:
    """Stands in for QMessageBox in views/tasks.py: records the thread it was made on (and is no
    widget, so a box made off the GUI thread is seen here instead of aborting the test run)."""

    made: list[str] = []
    Icon, StandardButton = QMessageBox.Icon, QMessageBox.StandardButton

    def __init__(self, *args, **kwargs):
        RecordingBox.made.append(threading.current_thread().name)

    def __getattr__(self, name):  # setText, open, finished.connect, ...: do nothing
        return _Anything()


class _Anything:
    def __call__(self, *args, **kwargs):
        return None

    def __getattr__(self, name):
        return _Anything()


@pytest.fixture
def boxes(monkeypatch):
    RecordingBox.made = []
    monkeypatch.setattr(tasks, "QMessageBox", RecordingBox)
    monkeypatch.setattr(tasks, "_orphans", set())  # the stand-ins kept for answering go with the test
    return RecordingBox.made


def deleted_now(widget: QWidget) -> None:
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(widget)


def refused():
    raise DomainError("다시 시도해 주세요.")


def test_outcomes_are_handled_on_the_gui_thread(qtbot, boxes):
    seen = []
    run_in_background(None, lambda: 7, lambda r: seen.append(("done", r, threading.current_thread().name)))
    run_in_background(None, lambda: 1 / 0, None,
                      lambda e: seen.append(("error", type(e).__name__, threading.current_thread().name)))
    run_in_background(None, refused)  # shown by report_error
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    main = threading.main_thread().name
    assert sorted(seen) == [("done", 7, main), ("error", "ZeroDivisionError", main)]
    assert boxes == [main]


def test_nothing_is_called_for_a_widget_deleted_while_its_job_runs(qtbot, boxes):
    release = threading.Event()
    page = QWidget()
    calls = []
    run_in_background(page, lambda: release.wait(5), calls.append, calls.append)

    def fail():
        release.wait(5)
        raise DomainError("처리하지 못했습니다.")

    run_in_background(page, fail)  # would show a message box for the page
    deleted_now(page)
    release.set()
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    qtbot.wait(20)
    assert calls == [] and boxes == []


def test_a_job_frees_what_it_refers_to_on_the_gui_thread(qtbot):
    """The job's function is the last owner of a QObject: it must be freed on the GUI thread,
    not in the worker once the job has run (freeing Qt objects there crashes)."""
    freed = []

    class Held(QObject):
        def __del__(self):
            freed.append(threading.current_thread().name)

    def make_job():
        held = Held()
        return lambda: held.objectName()

    run_in_background(None, make_job())
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    assert QThreadPool.globalInstance().waitForDone(5000)
    qtbot.waitUntil(lambda: freed != [])
    assert freed == [threading.main_thread().name]


def off_the_gui_thread(fn) -> BaseException | None:
    """Run `fn` in a plain thread; the exception it raised, if any."""
    raised: list[BaseException] = []

    def body():
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            raised.append(exc)

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(5)
    return raised[0] if raised else None


def test_no_widget_work_off_the_gui_thread(qtbot, boxes):
    assert off_the_gui_thread(lambda: report_error(None, DomainError("확인해 주세요."))) is None
    assert boxes == []  # a widget made there aborts the process: the error is only logged
    refused_start = off_the_gui_thread(lambda: run_in_background(None, lambda: 1))
    assert isinstance(refused_start, RuntimeError)
    assert pending_tasks() == 0


def test_at_quit_nothing_is_delivered_and_the_wait_is_bounded(qtbot, monkeypatch, boxes):
    monkeypatch.setattr(tasks, "_closing", False)  # restored after the test: later tests run jobs
    monkeypatch.setattr(tasks, "_running", {})
    stuck = threading.Event()
    calls = []
    run_in_background(None, lambda: time.sleep(0.2), calls.append)
    run_in_background(None, lambda: stuck.wait(10), calls.append)
    started = time.monotonic()
    assert tasks.shut_down(timeout_ms=600) == 1  # the quick job ended, the stuck one is abandoned
    assert 0.5 < time.monotonic() - started < 3
    stuck.set()
    assert QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(50)
    assert calls == [] and boxes == []  # nothing is delivered once quitting
    assert run_in_background(None, lambda: calls.append("ran")) and calls == []  # nor started


def test_closing_the_window_during_the_start_up_sweep_shows_nothing(qtbot, qapp, sqlite_services, boxes):
    started, release = threading.Event(), threading.Event()

    def slow_sweep():
        started.set()
        release.wait(5)
        raise DomainError("만료 처리를 잠시 후 다시 시도해 주세요.")

    sqlite_services.deals.sweep = slow_sweep  # these services are this test's own
    window = MainWindow(sqlite_services, "SQLite: test")
    window.show()
    qtbot.waitUntil(started.is_set)
    changed = []
    window.data_changed.connect(lambda *a: changed.append(a))
    deleted_now(window)
    release.set()
    settle(qtbot)
    assert boxes == [] and changed == []


def test_a_page_model_outlives_the_teardown_of_a_model_tester_named_before_desk(qtbot, qtmodeltester, desk,
                                                                               sqlite_services):
    """The model tester is set up before `desk`, so it is torn down after it. A load still out
    when the test ends makes `desk`'s teardown run event loops while it waits: they used to delete
    the window (closed and deleteLater-ed by pytest-qt before any teardown), and the tester's
    teardown failed with "Signal source has been deleted" (the flaky supplier test)."""
    window = desk(make_supplier_account(sqlite_services))
    page = window.pages["supplier_services"]
    qtmodeltester.check(page.model, force_py=True)
    run_in_background(page, lambda: time.sleep(0.3))  # still out when the test ends


def test_a_paged_model_fetches_its_first_page_once_when_a_view_fetches_during_the_reset(qtbot):
    """A view asks for more rows when its model is reset (QAbstractItemView, the model tester):
    that already loads the first page, so starting over must not load it a second time. The
    duplicate could arrive while the next page was out and clear `loading`, so two pages came at
    once (the flaky screening-queue test, on a slower store)."""
    calls = []

    def fetch(cursor):
        calls.append(cursor)
        time.sleep(0.05)
        return Page(rows=(SimpleNamespace(id=len(calls), name="a"),), next_cursor=("next",))

    ctx = ViewContext(None, SimpleNamespace(actor=None))
    model = KeysetTableModel(ctx, [Column("이름", lambda row: row.name)])
    model.modelReset.connect(lambda: model.fetchMore())  # as a view does
    model.set_source(fetch)
    assert model.loading
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    assert calls == [None] and model.rowCount() == 1 and not model.loading
    model.fetchMore()
    assert model.loading and not model.canFetchMore()  # one page at a time
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    assert calls == [None, ("next",)] and model.rowCount() == 2


# --- the real application, closed while its start-up sweep is out ---------------------------------
@pytest.mark.parametrize("mode, delete", [("return", True), ("domain-error", False), ("stuck", True)])
def test_the_application_survives_closing_while_the_start_up_sweep_runs(store_url, mode, delete):
    """Today's abort: the window closes, the application quits and Qt deletes the job's signal
    object; the sweep ends, its report fails and a message box is opened in the worker thread.
    Now: exit code 0, no message box off the GUI thread, and quitting waits for the job (within
    QUIT_WAIT_MS, lowered to 0.3 s for the `stuck` sweep of 2 s)."""
    args = [sys.executable, "-m", "tests.views.close_during_job", store_url, mode] + (["delete"] if delete else [])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "boxes off the GUI thread: 0" in run.stdout, output
    for sign in ("created off the GUI thread", "Signal source has been deleted", "Error calling Python override",
                 "QWidget: Must construct"):
        assert sign not in output, output
    quit_took = float(re.search(r"quit took ([0-9.]+) s", run.stdout).group(1))
    if mode == "stuck":
        assert "sweep ended before: False" in run.stdout and quit_took < 1.5, output  # abandoned, not frozen
    else:
        assert "sweep ended before: True" in run.stdout, output  # the quit waited for the job
