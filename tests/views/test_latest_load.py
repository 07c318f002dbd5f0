"""The one background helper (views/tasks.py through ViewContext): `query` delivers only the newest
run of a key, `op` broadcasts a use case's changes with its initiator, `job` reports progress and
can be cancelled, and every error ends in one place (a refused session returns to the login)."""

import threading
import uuid

import shiboken6

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QPushButton, QWidget

from kvoucher_desktop.services.changes import Changes, Done, Entity
from kvoucher_desktop.services.errors import DomainError, SessionInvalid
from kvoucher_desktop.views.context import ViewContext
from kvoucher_desktop.views.tasks import from_self, overtake, pending_tasks, touched
from kvoucher_desktop.views.widgets.busy import BusyIndicator


class Window(QMainWindow):
    """The part of the main window a ViewContext uses."""

    data_changed = Signal(object, object)
    actor = None

    def __init__(self):
        super().__init__()
        self.ended: list[str] = []
        self.opened: list[tuple] = []
        self.data_changed.connect(lambda changes, initiator: self.heard.append((changes, initiator)))
        self.heard: list[tuple] = []

    def session_ended(self, message: str) -> None:
        self.ended.append(message)

    def open_page(self, key):
        self.opened.append(("page", key))

    def open_service(self, service_id):
        self.opened.append(("service", service_id))

    def search_services(self, text, category):
        self.opened.append(("search", text, category))


class Feedback(QObject):
    def __init__(self):
        super().__init__()
        self.said: list[tuple[str, str]] = []

    def success(self, text):
        self.said.append(("success", text))

    def failure(self, text):
        self.said.append(("failure", text))


class Page(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.busy = BusyIndicator(self)


def made(qtbot):
    window = Window()
    qtbot.addWidget(window)
    page = Page(window)
    return ViewContext(None, window), window, page


def settle(qtbot):
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    qtbot.wait(10)


def test_only_the_newest_query_of_a_key_is_delivered(qtbot):
    ctx, window, page = made(qtbot)
    release_first = threading.Event()
    shown, after = [], []

    def slow_old():
        release_first.wait(5)
        return "old"

    ctx.query(slow_old, parent=page, key="list").success(shown.append).after(lambda: after.append(1)).run()
    ctx.query(lambda: "new", parent=page, key="list").success(shown.append).after(lambda: after.append(2)).run()
    other = []
    ctx.query(lambda: "other key", parent=page, key="counts").success(other.append).run()
    qtbot.waitUntil(lambda: shown == ["new"] and other == ["other key"])
    assert page.busy.busy  # the automatic busy line waits for the overtaken run too
    release_first.set()
    settle(qtbot)
    assert shown == ["new"]  # the overtaken result is dropped
    assert sorted(after) == [1, 2] and not page.busy.busy
    # the same key on another page does not overtake this one
    second = Page(window)
    got = []
    ctx.query(lambda: 1, parent=page, key="list").success(got.append).run()
    ctx.query(lambda: 2, parent=second, key="list").success(got.append).run()
    settle(qtbot)
    assert sorted(got) == [1, 2]


def test_an_overtaken_error_is_dropped_and_the_newest_error_ends_in_one_place(qtbot):
    ctx, window, page = made(qtbot)
    feedback = window.feedback = Feedback()
    release = threading.Event()

    def broken_old():
        release.wait(5)
        raise DomainError("오래된 오류")

    def broken():
        raise DomainError("저장소에 연결하지 못했습니다.")

    ctx.query(broken_old, parent=page, key="k").run()
    ctx.query(broken, parent=page, key="k").run()
    qtbot.waitUntil(lambda: feedback.said != [])
    release.set()
    settle(qtbot)
    assert feedback.said == [("failure", "저장소에 연결하지 못했습니다.")]
    caught = []
    ctx.query(broken, parent=page).failure(caught.append).run()
    settle(qtbot)
    assert [str(e) for e in caught] == ["저장소에 연결하지 못했습니다."] and len(feedback.said) == 1


def test_a_refused_session_returns_to_the_login_instead_of_the_failure_callback(qtbot):
    ctx, window, page = made(qtbot)
    caught = []

    def refused():
        raise SessionInvalid("다시 로그인해 주세요.")

    ctx.op(refused, parent=page).failure(caught.append).run()
    settle(qtbot)
    assert caught == [] and window.ended == ["다시 로그인해 주세요."] and not page.busy.busy


def test_an_op_hands_the_value_and_broadcasts_the_changes_with_its_initiator(qtbot):
    ctx, window, page = made(qtbot)
    deal_id = uuid.uuid4()
    changes = Changes.of(Entity.DEAL, deal_id)
    got = []
    ctx.op(lambda: Done("view", changes), parent=page).success(got.append).run()
    settle(qtbot)
    assert got == ["view"] and window.heard == [(changes, page)]
    assert changes.touches(Entity.DEAL) and changes.ids(Entity.DEAL) == {deal_id}
    assert from_self(page, page) and not from_self(Page(window), page)
    # a plain result, or a read, broadcasts nothing
    ctx.op(lambda: 3, parent=page).success(got.append).run()
    ctx.query(lambda: Done(4, changes), parent=page).success(got.append).run()
    settle(qtbot)
    assert sorted(got[1:]) == [3, 4] and len(window.heard) == 1  # the two runs end in any order
    got[1:] = [3, 4]
    # the initiator was closed meanwhile: nothing is delivered to it, the others still hear it
    release = threading.Event()
    gone = Page(window)

    def slow():
        release.wait(5)
        return Done("late", changes)

    ctx.op(slow, parent=gone).success(got.append).run()
    gone.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(gone))
    release.set()
    settle(qtbot)
    assert got == ["view", 3, 4] and len(window.heard) == 2 and window.heard[1][0] == changes


def test_a_refusal_broadcasts_what_was_committed_before_it(qtbot):
    ctx, window, page = made(qtbot)
    window.feedback = feedback = Feedback()
    committed = Changes.of(Entity.DEAL, uuid.uuid4())

    def expired():
        raise DomainError("응답 기한이 지나 불가 처리된 거래입니다.", changes=committed)

    ctx.op(expired, parent=page).run()
    settle(qtbot)
    assert feedback.said == [("failure", "응답 기한이 지나 불가 처리된 거래입니다.")]
    assert window.heard == [(committed, page)]
    ctx.op(refused_plainly, parent=page).failure(lambda exc: None).run()  # nothing committed: nothing heard
    settle(qtbot)
    assert len(window.heard) == 1


def refused_plainly():
    raise DomainError("처리할 수 없습니다.")


def test_a_job_reports_progress_keeps_a_log_and_can_be_cancelled(qtbot):
    ctx, window, page = made(qtbot)
    window.show()
    started, gate = threading.Event(), threading.Event()
    changes = Changes.of(Entity.COMPANY, 1)

    def work(progress, cancelled):
        done = 0
        for i in range(3):
            if cancelled():
                break
            progress((i + 1) / 3, f"{i + 1}/3")
            done += 1
            started.set()
            gate.wait(5)
        return Done(done, changes)

    results = []
    job = ctx.job(work, title="예산확정", label="확정하는 중…", parent=page).success(results.append).run()
    assert job.dialog is not None and job.dialog.isVisible() and job.dialog.windowTitle() == "예산확정"
    assert started.wait(5)
    qtbot.waitUntil(lambda: job.dialog.labelText() == "확정하는 중… 1/3" and job.dialog.value() > 300)
    job.dialog.findChild(QPushButton).click()  # 취소
    gate.set()
    settle(qtbot)
    assert job.cancelled and results == [1] and job.dialog is None
    assert job.log_lines == ["1/3"] and window.heard == [(changes, page)]


def test_the_window_is_reached_through_the_small_interface(qtbot):
    ctx, window, page = made(qtbot)
    ctx.show_success("저장했습니다.")
    assert window.statusBar().currentMessage() == "저장했습니다."
    ctx.status("불러왔습니다.")
    assert window.statusBar().currentMessage() == "불러왔습니다."
    service_id = uuid.uuid4()
    ctx.navigate("wishlist")
    ctx.navigate("service_detail", service_id=service_id)
    ctx.navigate("catalog", query="", category="ai")
    assert window.opened == [("page", "wishlist"), ("service", service_id), ("search", "", "ai")]
    window.feedback = feedback = Feedback()
    ctx.show_success("승인했습니다.")
    ctx.show_failure("다시 시도해 주세요.")
    assert feedback.said == [("success", "승인했습니다."), ("failure", "다시 시도해 주세요.")]


def test_overtake_drops_what_is_still_out_and_declared_changes_stand_in_for_a_plain_value(qtbot):
    ctx, window, page = made(qtbot)
    release = threading.Event()
    shown, after = [], []
    ctx.query(lambda: release.wait(5) and "late", parent=page, key="detail").success(shown.append) \
        .after(lambda: after.append(1)).run()
    overtake(page, "detail")  # e.g. the panel was cleared
    release.set()
    settle(qtbot)
    assert shown == [] and after == [1] and not page.busy.busy
    # an op returning a plain value broadcasts what it declared; a Done's own changes win
    declared = Changes.of(Entity.DEAL)
    ctx.op(lambda: 2, parent=page).changes(lambda count: declared if count else None).run()
    ctx.op(lambda: 0, parent=page).changes(lambda count: declared if count else None).run()
    own = Changes.of(Entity.DEAL, 7)
    ctx.op(lambda: Done(1, own), parent=page).changes(declared).run()
    settle(qtbot)
    heard = [c for c, _i in window.heard]
    assert len(heard) == 2 and set(heard) == {declared, own}  # the runs end in any order
    assert touched(declared, Entity.DEAL, 7) and touched(own, Entity.DEAL, 7)
    assert not touched(own, Entity.DEAL, 8) and not touched(own, Entity.COMPANY, 7)


def test_starting_an_op_clears_a_failure_the_bar_still_shows_a_query_does_not(qtbot):
    from kvoucher_desktop.views.widgets.feedback import FeedbackBar

    ctx, window, page = made(qtbot)
    window.feedback = bar = FeedbackBar(window)
    bar.failure("승인하지 못했습니다.")
    ctx.query(lambda: "rows", parent=page, key="list").run()  # a read is no new action
    settle(qtbot)
    assert bar.is_failure and bar.text == "승인하지 못했습니다."
    release = threading.Event()
    run = ctx.op(lambda: release.wait(5), parent=page).run()
    assert run.running and not bar.is_failure and bar.text == ""  # gone as the op starts
    release.set()
    settle(qtbot)
    bar.success("저장했습니다.")
    ctx.op(lambda: 1, parent=page).run()  # a success is left to its own timer
    assert bar.text == "저장했습니다."
    settle(qtbot)
    bar.failure("가져오지 못했습니다.")
    job = ctx.job(lambda progress, cancelled: 1, title="예산확정", parent=page).run()
    assert not bar.is_failure  # a job is an action too
    settle(qtbot)
    assert not job.running
