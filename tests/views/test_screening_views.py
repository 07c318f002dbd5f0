"""Screening through the GUI: the operator's dashboard (queue model, paging, filters, detail,
actions), the demand company's status / company-info / history pages, and the whole path
hold → fix → resubmit → confirm → budget approval → 승인 with the budget panel."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, Qt, Signal

from kvoucher_desktop.enums import CompanyType, DocumentType, Role, ScreeningStatus
from kvoucher_desktop.services.dto import CompanyRow, Page
from kvoucher_desktop.services.sample_files import sample_png
from kvoucher_desktop.views.context import ViewContext
from kvoucher_desktop.views.screening.dashboard import ScreeningDashboardPage
from kvoucher_desktop.views.screening.queue_model import CHANGED_BACKGROUND, ScreeningQueueModel
from kvoucher_desktop.views.widgets.dialogs import ReasonDialog
from kvoucher_desktop.views.widgets.tables import make_table
from tests.factories import (
    HOLD_REASON,
    REJECT_REASON,
    company_in_state,
    make_agency,
    make_operator,
)
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

S = ScreeningStatus
HOLD_TEXT = "사업자등록증 사본이 흐려 확인할 수 없습니다. 선명한 사본을 올려 주세요."


def row_of(page, company_id) -> int:
    pos = page.model.position_of(company_id)
    assert pos is not None, "company not in the loaded rows"
    return pos


def open_dashboard(qtbot, desk, actor):
    window = desk(actor)
    page = window.open_page("screening_dashboard")
    settle(qtbot)
    return window, page


# --- THE PATH ------------------------------------------------------------------------------------
def test_hold_fix_resubmit_confirm_approve_through_the_gui(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    operator = make_operator(services)
    agency = make_agency(services)
    demand, company_id = company_in_state(services, S.REVIEWING, operator=operator)
    clock.advance(hours=1)

    # 1. the operator holds the company with a reason, in the dashboard
    op_window, dash = open_dashboard(qtbot, desk, operator)
    assert dash.chips[S.REVIEWING].text() == "심사중 1"
    assert dash.select_company(company_id)
    settle(qtbot)
    assert dash.detail.view.id == company_id
    assert dash.detail.hold_button.isEnabled() and dash.detail.confirm_button.isEnabled()
    dash.detail.hold_button.click()
    dialog = dash.detail.pending_dialog
    assert isinstance(dialog, ReasonDialog)
    type_text(dialog.edit, HOLD_TEXT)
    dialog.ok_button.click()
    settle(qtbot)
    assert services.companies.get(operator, company_id).status is S.ON_HOLD
    assert dash.model.row_at(row_of(dash, company_id)).status is S.ON_HOLD  # updated in place
    assert dash.chips[S.ON_HOLD].text() == "심사보류 1" and dash.chips[S.REVIEWING].text() == "심사중 0"
    assert dash.detail.badge.text() == "심사보류"
    assert not dash.detail.hold_button.isEnabled()

    # 2. the demand company sees the hold and its reason on the status page
    clock.advance(hours=2)
    demand_window = desk(demand)
    status = demand_window.pages["screening_status"]
    assert status.badge.text() == "심사보류"
    assert HOLD_TEXT in status.explanation.body.text()
    assert status.history_model.row_at(1).reason == HOLD_TEXT

    # 3. fixes a field and replaces a document on the company-info page, then resubmits
    info = demand_window.open_page("company_info")
    settle(qtbot)
    assert info.hold_notice.isVisible() and HOLD_TEXT in info.hold_notice.title.text()
    assert not info.fields["address_detail"].isReadOnly()
    type_text(info.fields["address_detail"], "본관 7층", replace=True)
    assert info.save_button.isEnabled()
    new_scan = sample_png(rgb=(10, 200, 30))
    info.choose_file = lambda parent, title: ("사업자등록증_선명.png", new_scan)
    info.doc_table.selectRow(info.doc_model.position_of(DocumentType.BUSINESS_REGISTRATION))
    info.replace_button.click()
    settle(qtbot)
    docs = {d.doc_type: d for d in services.companies.get(demand).documents}
    assert docs[DocumentType.BUSINESS_REGISTRATION].filename == "사업자등록증_선명.png"
    assert info.fields["address_detail"].text() == "본관 7층"  # the unsaved edit survived the upload
    info.resubmit_button.click()  # asks first: back to 심사중, no edits until the result
    question = info.pending_dialog
    assert "심사중" in question.text() and "수정할 수 없습니다" in question.text()
    question.yes_button.click()
    settle(qtbot)
    view = services.companies.get(demand)
    assert view.status is S.REVIEWING
    assert view.info.address_detail == "본관 7층"
    assert info.badge.text() == "심사중"
    assert info.fields["address_detail"].isReadOnly()  # REVIEWING: read-only again
    changes = services.companies.history(demand)
    assert {c.field_label for c in changes} >= {"상세 주소", "서류: 사업자등록증"}

    # 4. the operator confirms in the dashboard
    clock.advance(hours=3)
    dash.reload_button.click()
    settle(qtbot)
    assert dash.model.row_at(row_of(dash, company_id)).status is S.REVIEWING
    assert dash.select_company(company_id)
    settle(qtbot)
    assert [e.action_label for e in dash.detail.history_model.rows()] == ["가입신청", "심사보류", "재제출"]
    dash.detail.confirm_button.click()
    box = dash.detail.pending_dialog
    box.yes_button.click()
    settle(qtbot)
    assert services.companies.get(operator, company_id).status is S.CONFIRMED
    assert dash.model.row_at(row_of(dash, company_id)).status is S.CONFIRMED

    # 5. the agency approves it on the budget page
    clock.advance(days=1)
    agency_window = desk(agency)
    budget = agency_window.pages["budget_confirm"]
    assert budget.model.rowCount() == 1
    assert "4,000,000원" in budget.programme_notice.title.text()
    budget.model.setData(budget.model.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    budget.approve_many_button.click()
    budget.pending_dialog.yes_button.click()
    settle(qtbot)
    assert budget.progress_dialog is None
    assert budget.last_result.succeeded == (company_id,)
    assert budget.model.rowCount() == 0

    # 6. the demand status page shows 승인 with the budget panel
    status = demand_window.open_page("screening_status")
    settle(qtbot)
    assert status.badge.text() == "승인"
    assert status.budget_total.text() == "4,000,000원"
    assert status.budget_government.text() == "3,600,000원"
    assert status.budget_self.text() == "400,000원"
    assert status.budget_total.isVisible() and not status.budget_pending.isVisible()
    assert status.use_period_end.text() == "2026-11-03"
    assert status.operator_name.text() == "서울지역 운영기관" and status.operator_phone.text() == "02-2000-1001"
    final = services.companies.get(demand)
    assert (final.status, final.budget_total, final.budget_government, final.budget_self) == (
        S.APPROVED, 4_000_000, 3_600_000, 400_000)
    assert [e.action_label for e in final.history] == ["가입신청", "심사보류", "재제출", "심사확정", "예산확정(승인)"]
    shoot(status, "status_approved")


# --- the queue model -------------------------------------------------------------------------------
@pytest.fixture
def operator_ctx(qapp, sqlite_services):
    operator = make_operator(sqlite_services)
    return ViewContext(sqlite_services, _Window(operator)), operator


class _Window(QObject):
    data_changed = Signal(object, object)

    def __init__(self, actor):
        super().__init__()
        self.actor = actor


def test_queue_model_passes_modeltester_and_fetches_more_pages(qtbot, qtmodeltester, operator_ctx,
                                                              sqlite_services, clock):
    ctx, operator = operator_ctx
    ids = []
    for _ in range(7):
        clock.advance(minutes=5)
        ids.append(company_in_state(sqlite_services, S.REVIEWING, operator=operator)[1])
    model = ScreeningQueueModel(ctx, show_operator=False, page_size=3)
    qtmodeltester.check(model, force_py=True)
    model.set_filters()
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    assert not model.loading and model.canFetchMore()
    assert [model.row_at(i).id for i in range(3)] == ids[::-1][:3]  # newest submission first
    model.fetchMore()
    assert model.loading and not model.canFetchMore()  # one page at a time
    qtbot.waitUntil(lambda: model.rowCount() == 6)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 7)
    settle(qtbot)
    assert not model.canFetchMore() and model.exhausted
    assert [model.row_at(i).id for i in range(7)] == ids[::-1]
    index = model.index(0, 2)
    assert model.data(index) == model.row_at(0).name
    assert model.headerData(2, Qt.Orientation.Horizontal) == "기업명"
    qtmodeltester.check(model, force_py=True)


def test_dashboard_view_fetches_more_when_scrolled(qtbot, operator_ctx, sqlite_services, clock):
    ctx, operator = operator_ctx
    for _ in range(12):
        clock.advance(minutes=1)
        company_in_state(sqlite_services, S.REVIEWING, operator=operator)
    page = ScreeningDashboardPage(ctx, page_size=5)
    qtbot.addWidget(page)
    page.resize(1280, 400)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() >= 5)
    settle(qtbot)
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() >= 10)
    settle(qtbot)
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == 12)
    settle(qtbot)
    assert page.model.exhausted
    assert page.status_line.text() == "12건 표시 / 전체 12건"


class _FakeScreening:
    """80,000 synthetic queue rows served in keyset pages, counting the calls."""

    def __init__(self, n: int, start):
        self.rows = [
            CompanyRow(id=i, name=f"기업{i:05d}", business_no=f"{1_230_000_000 + i}", company_type=CompanyType.SOLE,
                       representative_name="대표", operator_name="서울지역 운영기관",
                       status=S.REVIEWING, submitted_at=start - timedelta(minutes=i),
                       status_changed_at=start - timedelta(minutes=i), changed_after_confirm=i % 97 == 0)
            for i in range(n)
        ]
        self.calls = 0

    def list_companies(self, actor, *, status=None, query="", changed_only=False, cursor=None, limit=200, year=None):
        self.calls += 1
        start = cursor[0] if cursor else 0
        end = start + limit
        return Page(tuple(self.rows[start:end]), (end,) if end < len(self.rows) else None)


def test_queue_with_80000_rows_loads_only_what_is_scrolled_to_and_never_blocks(qtbot, qapp, clock):
    fake = _FakeScreening(80_000, clock.now())
    # the fake service takes any actor: a stand-in, not an Actor (real services refuse hand-built ones)
    operator = SimpleNamespace(user_id=1, role=Role.OPERATOR, name="심사", operator_id=1)
    ctx = ViewContext(SimpleNamespace(screening=fake), _Window(operator))
    model = ScreeningQueueModel(ctx, show_operator=False)
    table = make_table(model, stretch=2)
    qtbot.addWidget(table)
    table.resize(900, 600)
    table.show()
    model.set_filters()
    qtbot.waitUntil(lambda: model.rowCount() == 200)
    slowest = 0.0
    for expected in (400, 600, 800, 1000):
        began = time.perf_counter()
        table.scrollToBottom()  # the view calls fetchMore; the page is fetched in the background
        slowest = max(slowest, time.perf_counter() - began)
        qtbot.waitUntil(lambda: model.rowCount() == expected)
    settle(qtbot)
    assert fake.calls == 5 and model.rowCount() == 1000  # never the whole 80,000
    assert slowest < 0.25, f"scrolling blocked the GUI thread for {slowest:.3f}s"
    began = time.perf_counter()
    for row in range(model.rowCount()):
        model.data(model.index(row, 2))
        model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
    assert time.perf_counter() - began < 0.5


def test_status_chips_and_search_narrow_the_rows(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    operator = make_operator(services)
    made = {}
    for status in (S.REVIEWING, S.REVIEWING, S.ON_HOLD, S.CONFIRMED, S.REJECTED):
        clock.advance(minutes=3)
        demand, cid = company_in_state(services, status, operator=operator)
        made[cid] = (status, services.companies.get(demand))
    _window, page = open_dashboard(qtbot, desk, operator)
    assert page.model.rowCount() == 5
    assert page.chips[None].text() == "전체 5"
    assert page.chips[S.REVIEWING].text() == "심사중 2"
    page.chips[S.REVIEWING].click()
    settle(qtbot)
    assert page.model.rowCount() == 2
    assert {page.model.row_at(i).status for i in range(2)} == {S.REVIEWING}
    assert page.status_line.text() == "2건 표시 / 전체 2건"
    page.chips[S.REJECTED].click()
    settle(qtbot)
    assert [page.model.row_at(0).status] == [S.REJECTED] and page.model.rowCount() == 1
    page.chips[None].click()
    settle(qtbot)
    # search by name (Hangul typed like a user; the search waits for a pause in typing)
    target = next(v for st, v in made.values() if st is S.ON_HOLD)
    type_text(page.search, target.info.name)
    assert page.search_timer.isActive()
    qtbot.waitUntil(lambda: not page.search_timer.isActive())
    settle(qtbot)
    assert page.model.rowCount() == 1 and page.model.row_at(0).id == target.id
    # search by business number with dashes
    other = next(v for st, v in made.values() if st is S.CONFIRMED)
    bno = other.business_no
    type_text(page.search, f"{bno[:3]}-{bno[3:5]}-{bno[5:]}", replace=True)
    qtbot.waitUntil(lambda: not page.search_timer.isActive())
    settle(qtbot)
    assert page.model.rowCount() == 1 and page.model.row_at(0).id == other.id
    # a search and a chip together
    page.chips[S.REVIEWING].click()
    settle(qtbot)
    assert page.model.rowCount() == 0
    assert page.status_line.text() == "조건에 맞는 기업이 없습니다."


def test_changed_after_confirmation_rows_are_highlighted_until_acknowledged(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    operator = make_operator(services)
    plain_demand, plain_id = company_in_state(services, S.CONFIRMED, operator=operator)
    demand, company_id = company_in_state(services, S.CONFIRMED, operator=operator)
    clock.advance(hours=1)
    info = services.companies.get(demand).info
    services.companies.update_info(demand, replace(info, address_detail="별관 2층"))
    _window, page = open_dashboard(qtbot, desk, operator)
    changed_row, plain_row = row_of(page, company_id), row_of(page, plain_id)
    model = page.model
    assert model.data(model.index(changed_row, 1)) == "수정됨"
    assert model.data(model.index(changed_row, 2), Qt.ItemDataRole.BackgroundRole) == CHANGED_BACKGROUND
    assert model.data(model.index(plain_row, 1)) == ""
    assert model.data(model.index(plain_row, 2), Qt.ItemDataRole.BackgroundRole) is None
    # "수정사항 있음만" narrows to it
    page.changed_only.setChecked(True)
    settle(qtbot)
    assert model.rowCount() == 1 and model.row_at(0).id == company_id
    # the detail marks the after-confirmation edits; acknowledging clears the highlight in place
    page.select_company(company_id)
    settle(qtbot)
    detail = page.detail
    assert detail.changed_notice.isVisible() and "상세 주소" in detail.changed_notice.body.text()
    changes = detail.changes_model
    assert changes.rowCount() == 1 and changes.row_at(0).after_confirmation
    assert changes.data(changes.index(0, 0), Qt.ItemDataRole.BackgroundRole) == changes.AFTER_CONFIRMATION
    assert changes.data(changes.index(0, 1), Qt.ItemDataRole.FontRole).bold()
    assert "심사확정 후 변경" in changes.data(changes.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    shoot(page, "dashboard_changed")
    detail.ack_button.click()
    settle(qtbot)
    assert services.companies.get(operator, company_id).changed_after_confirm_at is None
    assert model.data(model.index(0, 1)) == ""
    assert model.data(model.index(0, 2), Qt.ItemDataRole.BackgroundRole) is None
    assert not detail.changed_notice.isVisible()


def test_operator_sees_only_its_own_jurisdiction(qtbot, desk, sqlite_services):
    services = sqlite_services
    seoul = make_operator(services, "서울")
    busan = make_operator(services, "부산")
    _d1, seoul_company = company_in_state(services, S.REVIEWING, operator=seoul)
    _d2, busan_company = company_in_state(services, S.REVIEWING, operator=busan)
    _window, page = open_dashboard(qtbot, desk, seoul)
    assert [page.model.row_at(i).id for i in range(page.model.rowCount())] == [seoul_company]
    assert page.chips[None].text() == "전체 1"
    assert page.scope_label.text() == "서울지역 운영기관 관할 기업"
    assert page.model.columnCount() == 8  # no 운영기관 column for an operator
    # searching for the other company's number finds nothing
    bno = services.companies.get(busan, busan_company).business_no
    type_text(page.search, bno)
    page.apply_filters()
    settle(qtbot)
    assert page.model.rowCount() == 0


def test_agency_sees_everything_and_must_give_a_reason_to_confirm(qtbot, desk, sqlite_services):
    services = sqlite_services
    agency = make_agency(services)
    _d1, seoul_company = company_in_state(services, S.REVIEWING, region="서울")
    _d2, busan_company = company_in_state(services, S.REVIEWING, region="부산")
    _window, page = open_dashboard(qtbot, desk, agency)
    assert {page.model.row_at(i).id for i in range(2)} == {seoul_company, busan_company}
    assert page.model.columnCount() == 9
    page.select_company(busan_company)
    settle(qtbot)
    assert page.detail.override_note.isVisible()
    page.detail.confirm_button.click()
    dialog = page.detail.pending_dialog
    assert isinstance(dialog, ReasonDialog) and dialog.windowTitle() == "심사확정(직권)"
    dialog.ok_button.click()  # empty: refused, the dialog stays
    assert dialog.isVisible() and dialog.error.text() == "사유를 입력해야 처리할 수 있습니다."
    type_text(dialog.edit, "운영기관 요청으로 직권 확정")
    dialog.ok_button.click()
    settle(qtbot)
    view = services.companies.get(agency, busan_company)
    assert view.status is S.CONFIRMED
    confirm = next(e for e in view.history if e.to_status is S.CONFIRMED)
    assert confirm.reason == "운영기관 요청으로 직권 확정" and confirm.actor_role is Role.AGENCY


def test_action_buttons_follow_the_transition_table(qtbot, desk, sqlite_services):
    services = sqlite_services
    operator = make_operator(services)
    companies = {st: company_in_state(services, st, operator=operator)[1] for st in S}
    _window, page = open_dashboard(qtbot, desk, operator)
    expected = {
        S.REVIEWING: (True, True, True), S.ON_HOLD: (False, False, False), S.CONFIRMED: (False, False, True),
        S.APPROVED: (False, False, False), S.REJECTED: (False, False, False),
    }
    for status, cid in companies.items():
        page.select_company(cid)
        settle(qtbot)
        d = page.detail
        assert (d.confirm_button.isEnabled(), d.hold_button.isEnabled(), d.reject_button.isEnabled()) == \
            expected[status], status
    # rejecting a CONFIRMED company asks for a reason and shows it
    page.select_company(companies[S.CONFIRMED])
    settle(qtbot)
    page.detail.reject_button.click()
    type_text(page.detail.pending_dialog.edit, "허위 서류 제출 확인")
    page.detail.pending_dialog.ok_button.click()
    page.detail.pending_dialog.yes_button.click()  # 심사탈락 is final: the second question
    settle(qtbot)
    assert services.companies.get(operator, companies[S.CONFIRMED]).status is S.REJECTED
    assert page.detail.reason_notice.isVisible() and "허위 서류 제출 확인" in page.detail.reason_notice.title.text()


# the documents tab opens the in-app viewer: tests/views/test_document_viewer.py


# --- the demand company's pages ---------------------------------------------------------------
def test_company_info_is_read_only_while_reviewing_and_says_why(qtbot, desk, sqlite_services):
    demand, _cid = company_in_state(sqlite_services, S.REVIEWING)
    window = desk(demand)
    page = window.open_page("company_info")
    settle(qtbot)
    assert page.lock_notice.isVisible()
    assert page.lock_notice.body.text().startswith("심사중에는 기업정보를 수정할 수 없습니다.")
    assert all(w.isReadOnly() for w in page.fields.values())
    assert page.fields["issuer_type"].text() == "대표자"
    assert page.business_no.isReadOnly() and page.company_type.text() == "개인"
    assert not page.save_button.isEnabled() and not page.replace_button.isEnabled()
    assert not page.hold_notice.isVisible()
    page.doc_table.selectRow(0)
    assert page.preview_button.isEnabled() and not page.replace_button.isEnabled()
    shoot(page, "company_info_reviewing")


def test_company_info_validation_error_keeps_typed_input_and_marks_the_field(qtbot, desk, sqlite_services):
    services = sqlite_services
    demand, _cid = company_in_state(services, S.CONFIRMED)
    window = desk(demand)
    page = window.open_page("company_info")
    settle(qtbot)
    assert not page.lock_notice.isVisible()
    type_text(page.fields["industry"], "정보통신업", replace=True)
    type_text(page.fields["manager_email"], "담당자-메일-없음", replace=True)
    page.save_button.click()
    settle(qtbot)
    assert page.error.text() == "담당자 이메일 주소 형식이 올바르지 않습니다."
    assert page.fields["manager_email"].property("invalid") is True
    assert page.fields["manager_email"].hasFocus()
    assert page.fields["manager_email"].text() == "담당자-메일-없음"
    assert page.fields["industry"].text() == "정보통신업"  # nothing typed is lost
    assert services.companies.get(demand).info.industry == "소프트웨어 개발"
    # a non-numeric head count is caught before the service, on its field
    type_text(page.fields["manager_email"], "new@company.example.kr", replace=True)
    type_text(page.fields["employees"], "열두명", replace=True)
    page.save_button.click()
    assert page.error.text() == "상시 근로자 수는 숫자로 입력해 주세요."
    assert page.fields["employees"].property("invalid") is True
    type_text(page.fields["employees"], "15", replace=True)
    page.save_button.click()
    settle(qtbot)
    view = services.companies.get(demand)
    assert (view.info.industry, view.info.manager_email, view.info.employees) == (
        "정보통신업", "new@company.example.kr", 15)
    assert page.message.isVisible() and page.message.title.text() == "기업정보를 저장했습니다."
    assert "관할 운영기관에 표시" in page.message.body.text()
    assert view.changed_after_confirm_at is not None
    assert page.fields["manager_email"].property("invalid") is False


def test_a_bad_replacement_file_is_refused_with_the_same_message(qtbot, desk, sqlite_services):
    demand, _cid = company_in_state(sqlite_services, S.ON_HOLD)
    window = desk(demand)
    page = window.open_page("company_info")
    settle(qtbot)
    page.choose_file = lambda parent, title: ("지방세.txt", b"not a document")
    page.doc_table.selectRow(page.doc_model.position_of(DocumentType.LOCAL_TAX))
    page.replace_button.click()
    assert page.error.text() == "'지방세.txt'은(는) PDF, JPG, PNG 파일이 아닙니다. 파일 내용을 확인해 주세요."
    assert page.doc_table.property("invalid") is True
    settle(qtbot)
    docs = {d.doc_type: d.filename for d in sqlite_services.companies.get(demand).documents}
    assert docs[DocumentType.LOCAL_TAX] == "local_tax.pdf"
    shoot(page, "company_info_on_hold")


def test_status_page_of_a_rejected_company_shows_the_reason_and_no_reapplication(qtbot, desk, sqlite_services,
                                                                                  clock):
    operator = make_operator(sqlite_services)
    demand, company_id = company_in_state(sqlite_services, S.REVIEWING, operator=operator)
    clock.advance(days=1)
    sqlite_services.screening.reject(operator, company_id, REJECT_REASON)
    window = desk(demand)
    page = window.pages["screening_status"]
    assert page.badge.text() == "심사탈락"
    assert page.explanation.kind == "danger"
    assert f"탈락 사유: {REJECT_REASON}" in page.explanation.body.text()
    assert "다시 신청할 수 없습니다" in page.explanation.body.text()
    assert not page.budget_total.isVisible() and page.budget_pending.isVisible()
    rows = page.history_model
    assert [rows.data(rows.index(i, 2)) for i in range(2)] == ["— → 심사중", "심사중 → 심사탈락"]
    assert rows.data(rows.index(1, 4)) == REJECT_REASON
    info = window.open_page("company_info")
    settle(qtbot)
    assert info.lock_notice.kind == "danger" and REJECT_REASON in info.lock_notice.body.text()


def test_change_history_page_lists_every_change(qtbot, desk, sqlite_services, clock):
    services = sqlite_services
    demand, _cid = company_in_state(services, S.ON_HOLD)
    info = services.companies.get(demand).info
    services.companies.update_info(demand, replace(info, industry="출판업"))
    window = desk(demand)
    page = window.open_page("change_history")
    settle(qtbot)
    model = page.model
    assert model.rowCount() == 1 and not page.empty.isVisible()
    assert [model.data(model.index(0, c)) for c in range(5)] == [
        "업종", "소프트웨어 개발", "출판업", info.name, "2026-03-02 10:00"]
    assert model.data(model.index(0, 5)) == ""  # before confirmation: no marker
    clock.advance(minutes=30)
    # a save on the company-info page is announced and shows up here at once
    company_page = window.open_page("company_info")
    settle(qtbot)
    type_text(company_page.fields["address_detail"], "별관 9층", replace=True)  # factories make "N층"
    company_page.save_button.click()
    settle(qtbot)
    assert model.rowCount() == 2 and model.row_at(0).field_label == "상세 주소"
    window.open_page("change_history")
    settle(qtbot)
    shoot(page, "change_history")
