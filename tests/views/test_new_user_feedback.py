"""One feedback pattern for every action (issue: what a new user tripped over): a bar above the
pages tells success and failure, is read by screen readers, can be closed, goes when another page
opens; a success goes by itself, a failure stays until closed or replaced. Pages that used a
banner of their own or the status line tell it there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from kvoucher_desktop.enums import Role
from kvoucher_desktop.services.errors import DomainError
from kvoucher_desktop.views.widgets import feedback as feedback_module
from kvoucher_desktop.views.widgets.feedback import FeedbackBar
from tests.factories import make_agency
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)


# --- the bar itself --------------------------------------------------------------------------------
def test_success_is_shown_read_out_and_goes_by_itself(qtbot, monkeypatch):
    monkeypatch.setattr(feedback_module, "SUCCESS_MS", 50)
    bar = FeedbackBar()
    qtbot.addWidget(bar)
    assert bar.isHidden()  # nothing to say yet
    bar.success("저장했습니다.")
    assert bar.isVisible() and bar.kind == "success" and bar.text == "저장했습니다."
    assert bar.accessibleName() == "완료: 저장했습니다."
    assert bar.close_button.accessibleName() == "알림 닫기"
    qtbot.waitUntil(lambda: bar.isHidden(), timeout=2000)
    assert bar.text == ""


def test_failure_stays_until_closed_or_replaced(qtbot, monkeypatch):
    monkeypatch.setattr(feedback_module, "SUCCESS_MS", 50)
    bar = FeedbackBar()
    qtbot.addWidget(bar)
    bar.failure(DomainError("기한이 지난 거래입니다."))
    assert bar.isVisible() and bar.kind == "danger" and bar.is_failure
    assert bar.title.text() == "기한이 지난 거래입니다." and bar.accessibleName() == "오류: 기한이 지난 거래입니다."
    qtbot.wait(200)
    assert bar.isVisible()  # no timer for a failure
    dismissed = []
    bar.dismissed.connect(lambda: dismissed.append(1))
    bar.close_button.click()
    assert bar.isHidden() and dismissed == [1]

    bar.failure("다시 해 주세요.")
    bar.success("다시 해서 저장했습니다.")  # the next outcome replaces it
    assert bar.kind == "success" and bar.text == "다시 해서 저장했습니다."
    bar.failure("또 실패했습니다.")
    QApplication.sendEvent(bar, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier))
    assert bar.isHidden()


# --- in the window ---------------------------------------------------------------------------------
@pytest.fixture
def agency_window(desk, sqlite_services):  # noqa: F811  (the imported fixture)
    return desk(make_agency(sqlite_services))


def test_the_window_has_one_bar_above_its_pages_and_a_new_page_clears_it(qtbot, agency_window):
    window = agency_window
    bar = window.feedback
    assert isinstance(bar, FeedbackBar) and bar.isHidden()
    window.ctx.show_success("승인했습니다.")  # the context's small interface ends here
    assert bar.isVisible() and bar.text == "승인했습니다."
    assert bar.mapTo(window, bar.rect().bottomLeft()).y() <= window.page_area.mapTo(window, window.page_area.rect().topLeft()).y()
    shoot(window, "feedback_success")
    window.open_page(window.current_key)  # the same page again keeps it
    assert bar.isVisible()
    window.open_page("manage_announcements")
    settle(qtbot)
    assert bar.isHidden()  # an old banner does not linger on another page

    window.ctx.show_failure(DomainError("공고 제목을 입력해 주세요."))
    assert bar.is_failure and bar.text == "공고 제목을 입력해 주세요."
    shoot(window, "feedback_failure")
    window.open_page("programme_settings")
    settle(qtbot)
    assert bar.isHidden()


def test_logout_clears_the_bar(qtbot, agency_window):
    window = agency_window
    window.ctx.show_success("저장했습니다.")
    window.logout()
    settle(qtbot)
    assert window.feedback.isHidden()


def test_settings_save_is_told_in_the_bar_not_in_a_page_banner(qtbot, agency_window):
    window = agency_window
    page = window.open_page("programme_settings")
    settle(qtbot)
    page.save_button.click()
    settle(qtbot)
    bar = window.feedback
    assert bar.isVisible() and bar.title.text() == "사업 설정을 저장했습니다."
    assert page.message is bar
    window.open_page("manage_accounts")
    settle(qtbot)
    assert bar.isHidden()


def test_an_account_lock_is_told_in_the_bar(qtbot, agency_window, sqlite_services):
    from tests.factories import make_operator

    operator = make_operator(sqlite_services, login_id="feedback-op")
    window = agency_window
    page = window.open_page("manage_accounts")
    settle(qtbot)
    assert page.message is window.feedback
    page._say("'feedback-op' 계정의 로그인 잠금을 해제했습니다.")
    assert window.feedback.isVisible() and window.feedback.kind == "success"
    page._say("가져오지 못했습니다.", "2번째 줄: 사업자등록번호가 아닙니다.", "danger")
    assert window.feedback.is_failure and "2번째 줄" in window.feedback.body.text()
    assert operator.role is Role.OPERATOR


def test_pages_tell_through_the_context_and_never_reach_the_window(qtbot, agency_window):
    import pathlib
    import re

    import kvoucher_desktop.views as views

    window, ctx = agency_window, agency_window.ctx
    ctx.show_success("서비스를 저장했습니다.", "숨김으로 저장했으므로 서비스 검색에는 보이지 않습니다.")
    bar = window.feedback
    assert bar.kind == "success" and bar.title.text() == "서비스를 저장했습니다."
    assert bar.body.text() == "숨김으로 저장했으므로 서비스 검색에는 보이지 않습니다."
    ctx.show_notice("가져오지 못했습니다.", "2번째 줄: 사업자등록번호가 아닙니다.", "danger")
    assert bar.is_failure and bar.body.text() == "2번째 줄: 사업자등록번호가 아닙니다."
    ctx.show_notice("전문기관이 숨긴 서비스입니다.", kind="warning")
    assert bar.kind == "warning" and not bar.body.isVisible() and ctx.feedback is bar
    ctx.clear_feedback()
    assert bar.isHidden()
    # only the context and the window itself touch the window: no page or widget does
    root = pathlib.Path(views.__file__).parent
    own = {"context.py", "main_window.py", "window_chrome.py", "window_session.py", "window_size.py"}
    reaching = re.compile(r"ctx\.window\b|getattr\(\s*(self\.)?ctx\s*,\s*[\"']window[\"']")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name not in own and reaching.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_keyring_note_after_login_is_in_the_bar(qtbot, agency_window):
    window = agency_window

    class Dialog:
        keyring_note = "이 컴퓨터에는 아이디를 기억할 저장소가 없습니다."

    window._keyring_note(Dialog())
    assert window.feedback.isVisible() and window.feedback.text == Dialog.keyring_note
    assert window.statusBar().currentMessage() == ""


def test_a_deal_action_is_told_in_the_bar(qtbot, desk, sqlite_services):  # noqa: F811
    from tests.views.test_deal_inbox import Store, open_inbox, select

    store = Store(sqlite_services)
    window, page = open_inbox(qtbot, desk, store.supplier)
    select(qtbot, page, store.consult)
    page.detail.accept_button.click()
    settle(qtbot)
    bar = window.feedback
    assert bar.isVisible() and bar.kind == "success"
    assert bar.text == "'화상회의 솔루션 베이직' 거래상담을 수락했습니다. 이제 결제를 요청할 수 있습니다."
    assert window.statusBar().currentMessage() == ""


def test_saving_an_announcement_is_told_in_the_bar(qtbot, agency_window):
    from tests.views.helpers import type_text

    window = agency_window
    page = window.open_page("manage_announcements")
    settle(qtbot)
    type_text(page.title_edit, "2026년 공급기업 모집")
    type_text(page.body_edit, "모집합니다.")
    page.save_button.click()
    settle(qtbot)
    assert window.feedback.isVisible() and window.feedback.text == "'2026년 공급기업 모집' 공고를 저장했습니다."


def test_a_failure_goes_when_the_user_starts_the_next_action(qtbot, agency_window, sqlite_services):
    from tests.factories import make_operator

    make_operator(sqlite_services, login_id="feedback-next")
    window = agency_window
    page = window.open_page("manage_accounts")
    settle(qtbot)
    row = next(i for i in range(page.model.rowCount()) if page.model.row_at(i).login_id == "feedback-next")
    page.table.selectRow(row)
    window.ctx.show_failure(DomainError("잠그지 못했습니다."))
    page.refresh()  # reading again is no new action: the failure stays
    settle(qtbot)
    assert window.feedback.is_failure and window.feedback.text == "잠그지 못했습니다."
    page.table.selectRow(row)
    page.unlock_button.click()  # the next action: what failed before is no longer the news
    assert not window.feedback.is_failure
    settle(qtbot)
    assert window.feedback.kind == "success" and window.feedback.text == "'feedback-next' 계정의 로그인 잠금을 해제했습니다."
