"""서비스 정산 through the GUI: the buyer's 평가대기 / 평가완료 tabs with their counts, 평가하기 with
the five criteria chosen by keyboard and mouse, the average in 평가완료, a saved evaluation read-only
and a second submit refused; the supplier's 받은 평가 (DONE only); a payment elsewhere showing up."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kvoucher_desktop.enums import EvaluationStatus, Role
from kvoucher_desktop.services.changes import Changes, Entity
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.views.evaluations.form import EvaluationDialog
from kvoucher_desktop.views.evaluations.page import EvaluationPage
from kvoucher_desktop.views.pages import PAGES, ROLE_MENUS
from tests.services.test_payments import Desk
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

E = EvaluationStatus


class World:
    """A card buyer with two paid deals (2026-03-05 09:00 and 09:30 KST), both 평가대기."""

    def __init__(self, services, clock):
        self.services, self.clock = services, clock
        self.desk = d = Desk(services, clock)
        self.buyer, self.supplier = d.buyer, d.supplier
        clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=KST))
        self.p1 = d.pay_card(d.deal(1_100_000))
        clock.set(datetime(2026, 3, 5, 9, 30, tzinfo=KST))
        self.p2 = d.pay_card(d.deal(500_000))
        clock.set(datetime(2026, 3, 5, 12, 0, tzinfo=KST))
        pending = services.evaluations.list_tab(self.buyer, E.PENDING).rows
        self.e2, self.e1 = pending  # newest first


@pytest.fixture
def world(sqlite_services, clock):
    return World(sqlite_services, clock)


def open_page(qtbot, desk, actor, key: str) -> EvaluationPage:
    window = desk(actor, size=(1280, 800))
    page = window.open_page(key)
    settle(qtbot)
    assert isinstance(page, EvaluationPage)
    return page


def show_tab(qtbot, page: EvaluationPage, tab: EvaluationStatus):
    page.set_tab(tab)
    settle(qtbot)
    return page.models[tab]


def texts(page: EvaluationPage, tab: EvaluationStatus, title: str) -> list[str]:
    model = page.models[tab]
    column = [c.title for c in model.columns].index(title)
    return [model.columns[column].text(r) for r in model.rows()]


def test_the_menus_open_the_evaluation_pages():
    assert ("바우처 이용/정산관리", ("payment_manage", "billing", "evaluations")) in ROLE_MENUS[Role.DEMAND]
    assert {PAGES[k].load() for k in ("evaluations", "evaluations_received", "evaluations_overview")} == {
        EvaluationPage}
    assert PAGES["evaluations"].title == "서비스 정산" and PAGES["evaluations_received"].title == "받은 평가"


def test_the_buyer_evaluates_sees_the_average_and_cannot_evaluate_again(qtbot, qtmodeltester, desk, world):
    page = open_page(qtbot, desk, world.buyer, "evaluations")
    assert [page.tab_title(t) for t in (E.PENDING, E.DONE)] == ["평가대기 (2)", "평가완료 (0)"]
    pending = page.models[E.PENDING]
    qtmodeltester.check(pending)
    assert [r.id for r in pending.rows()] == [world.e2.id, world.e1.id]
    assert texts(page, E.PENDING, "결제일시") == ["2026-03-05 09:30", "2026-03-05 09:00"]
    assert texts(page, E.PENDING, "결제금액") == ["500,000원", "1,100,000원"]
    assert page.evaluate_button.isVisible() and not page.evaluate_button.isEnabled()  # nothing selected
    shoot(page, "evaluations_pending")

    assert page.select(world.e1.id)
    settle(qtbot)
    assert page.evaluate_button.isEnabled()
    page.evaluate_button.click()
    dialog = page.dialog
    assert isinstance(dialog, EvaluationDialog) and dialog.editable and dialog.isVisible()
    shoot(dialog, "evaluation_form")
    # the keyboard: focus a criterion's first button, the arrow keys and the digits choose
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    first = dialog.groups["quality"].button(1)
    first.setFocus()
    QTest.keyClick(first, Qt.Key.Key_5)
    assert dialog.scores()["quality"] == 5
    timeliness = dialog.groups["timeliness"].button(3)
    timeliness.click()
    timeliness.setFocus()
    QTest.keyClick(timeliness, Qt.Key.Key_Right)
    assert dialog.scores()["timeliness"] == 4
    # saving with a criterion missing: the service's message, the choices kept
    dialog.choose("communication", 5)
    dialog.choose("price", 3)
    dialog.ok_button.click()
    settle(qtbot)
    assert dialog.isVisible() and "전반적 만족도" in dialog.error.text()
    assert dialog.scores() == {"quality": 5, "timeliness": 4, "communication": 5, "price": 3, "overall": None}
    dialog.choose("overall", 4)
    assert not dialog.error.isVisible()  # the message was about 전반적 만족도: answered, it goes
    type_text(dialog.comment, "good service")
    dialog.ok_button.click()
    settle(qtbot)
    assert not dialog.isVisible()
    assert "평가를 저장했습니다." in page.ctx.feedback.text
    assert [page.tab_title(t) for t in (E.PENDING, E.DONE)] == ["평가대기 (1)", "평가완료 (1)"]
    assert [r.id for r in page.models[E.PENDING].rows()] == [world.e2.id]

    done = show_tab(qtbot, page, E.DONE)
    qtmodeltester.check(done)
    assert [r.id for r in done.rows()] == [world.e1.id]
    assert texts(page, E.DONE, "평균") == ["4.2점"]
    assert texts(page, E.DONE, "품질") == ["5"] and texts(page, E.DONE, "의견") == ["good service"]
    assert not page.evaluate_button.isVisible()
    shoot(page, "evaluations_done")
    shoot(page.window(), "evaluations_window")
    # opening it: each criterion read-only, no save button
    assert page.select(world.e1.id)
    page.activate_selected()
    shown = page.dialog
    assert not shown.editable and shown.ok_button is None and shown.comment.isReadOnly()
    assert shown.groups == {} and shown.score_labels["quality"].text().startswith("★★★★★")
    assert shown.average_label.text() == "평균 4.2점"
    shoot(shown, "evaluation_read_only")
    shown.reject()
    # the service's rating shows it
    row = world.services.catalog.detail(None, world.e1.service_id).service
    assert (row.rating, row.rating_count) == (4.2, 1)

    # a second desk with the form still open (the row as it was): refused by the service
    stale = EvaluationDialog(page.ctx, world.e1, None, page)
    stale.open()
    for field in stale.groups:
        stale.choose(field, 1)
    stale.ok_button.click()
    settle(qtbot)
    assert stale.isVisible() and "이미 평가를 마친" in stale.error.text()
    assert not stale.ok_button.isEnabled()  # nothing left to save from this form
    stale.reject()
    assert world.services.evaluations.get(world.buyer, world.e1.id).quality == 5


def test_the_supplier_sees_only_the_evaluations_received(qtbot, desk, world):
    world.services.evaluations.submit(world.buyer, world.e2.id, {f: 3 for f in (
        "quality", "timeliness", "communication", "price", "overall")}, "보통이었습니다.")
    page = open_page(qtbot, desk, world.supplier, "evaluations_received")
    assert page.tab_keys == (E.DONE,) and page.tab_title(E.DONE) == "받은 평가 (1)"
    assert texts(page, E.DONE, "수요기업") == [world.e2.company_name]
    assert texts(page, E.DONE, "평균") == ["3.0점"]
    assert page.note.text().startswith("받은 평가 1건 · 평균 3.0점.")  # the supplier's own mean, as rows write it
    assert not page.evaluate_button.isVisible()
    shoot(page, "evaluations_received")


def test_a_payment_elsewhere_shows_up_as_pending(qtbot, desk, world):
    page = open_page(qtbot, desk, world.buyer, "evaluations")
    assert page.tab_title(E.PENDING) == "평가대기 (2)"
    world.desk.pay_card(world.desk.deal(300_000))
    page.on_data_changed(Changes.of(Entity.PAYMENT), None)
    settle(qtbot)
    assert page.tab_title(E.PENDING) == "평가대기 (3)" and page.models[E.PENDING].rowCount() == 3


def test_the_agency_sees_every_evaluation_and_cannot_evaluate(qtbot, desk, world):
    from tests.factories import make_agency

    world.services.evaluations.submit(world.buyer, world.e1.id, {f: 4 for f in (
        "quality", "timeliness", "communication", "price", "overall")})
    page = open_page(qtbot, desk, make_agency(world.services), "evaluations_overview")
    assert [page.tab_title(t) for t in (E.PENDING, E.DONE)] == ["평가대기 (1)", "평가완료 (1)"]
    assert not page.evaluate_button.isVisible()
    assert page.select(world.e2.id)
    page.activate_selected()  # a pending one opens read-only for the agency, with why
    shown = page.dialog
    assert not shown.editable and shown.ok_button is None and shown.groups == {}
    shown.reject()
    show_tab(qtbot, page, E.DONE)
    assert texts(page, E.DONE, "수요기업") == [world.e1.company_name] and texts(page, E.DONE, "평균") == ["4.0점"]
    show_tab(qtbot, page, E.PENDING)
    assert "아직 점수가 없습니다" in page.note.text()  # no 항목별 점수 promised for pending rows


def test_with_nothing_left_to_evaluate_the_page_says_so(qtbot, desk, world):
    for ev in (world.e1, world.e2):
        world.services.evaluations.submit(world.buyer, ev.id, {f: 5 for f in (
            "quality", "timeliness", "communication", "price", "overall")})
    page = open_page(qtbot, desk, world.buyer, "evaluations")
    assert page.tab_title(E.PENDING) == "평가대기 (0)"
    assert not page.evaluate_button.isEnabled() and "평가할 거래가 없습니다" in page.note.text()
