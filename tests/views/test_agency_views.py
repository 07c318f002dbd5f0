"""The agency's pages through the GUI: budget confirmation (bulk with progress, cancel and a
failure report; single), announcements, operating agencies, accounts (operator, supplier with a
newly registered supplier company, agency; unlock; previous-year CSV import), and the
supplier's own profile page."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kvoucher_desktop.enums import Role, ScreeningStatus
from kvoucher_desktop.services.errors import AuthenticationError
from kvoucher_desktop.services.sessions import ungated
from kvoucher_desktop.views.agency.accounts import SupplierDialog
from tests.factories import (
    PASSWORD,
    REJECT_REASON,
    company_in_state,
    invalid_business_no,
    make_agency,
    make_operator,
    make_supplier_account,
    valid_business_no,
)
from tests.views.helpers import type_text
from tests.views.page_support import desk, settle, shoot  # noqa: F401  (desk is a fixture)

S = ScreeningStatus


def tick(model, company_id) -> None:
    """Tick a row's check box the way the view does (setData with a check state)."""
    pos = model.position_of(company_id)
    assert pos is not None
    assert model.setData(model.index(pos, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)


@pytest.fixture
def agency_desk(desk, sqlite_services):
    """`agency_desk()` -> (window, agency actor); call it after making the test's data."""
    agency = make_agency(sqlite_services)
    return lambda: (desk(agency), agency)


# --- 예산확정 ------------------------------------------------------------------------------------
def test_bulk_approval_approves_the_ticked_and_reports_one_that_was_no_longer_confirmed(
        qtbot, agency_desk, sqlite_services, clock):
    services = sqlite_services
    operator = make_operator(services)
    ids = []
    for _ in range(4):
        clock.advance(minutes=10)
        ids.append(company_in_state(services, S.CONFIRMED, operator=operator)[1])
    window, _agency = agency_desk()
    page = window.pages["budget_confirm"]  # the agency's home page
    assert page.model.rowCount() == 4
    assert "정부지원금 3,600,000원 (90%)" in page.programme_notice.body.text()
    assert "자부담 400,000원" in page.programme_notice.body.text()
    assert not page.approve_many_button.isEnabled()
    ticked, untouched = ids[:3], ids[3]
    for cid in ticked:
        tick(page.model, cid)
    assert page.approve_many_button.text() == "선택 승인 (3)" and page.approve_many_button.isEnabled()
    # meanwhile the operator rejects one of the ticked companies at another desk
    clock.advance(minutes=5)
    gone = ticked[1]
    services.screening.reject(operator, gone, REJECT_REASON)
    page.approve_many_button.click()
    box = page.pending_dialog
    assert "선택한 3개 기업" in box.text() and "4,000,000원" in box.text()
    box.yes_button.click()
    assert page.progress_dialog is not None and page.progress_dialog.isVisible()
    settle(qtbot)
    assert page.progress_dialog is None
    result = page.last_result
    assert set(result.succeeded) == {ticked[0], ticked[2]}
    # the page sent the state it showed (심사확정): the refusal says it changed meanwhile
    assert result.failed == ((gone, "다른 창구에서 먼저 처리되어 상태가 바뀌었습니다('심사확정' → '심사탈락'). "
                                    "현재 상태를 확인한 뒤 다시 처리해 주세요."),)
    for cid in (ticked[0], ticked[2]):
        view = services.companies.get(make_agency(services), cid)
        assert view.status is S.APPROVED and view.budget_total == 4_000_000
    assert services.companies.get(operator, untouched).status is S.CONFIRMED
    # the summary names the failure and its reason; the failed row stays, marked, unticked
    assert page.result_notice.isVisible() and page.result_notice.kind == "warning"
    assert page.result_notice.title.text() == "2개 기업을 승인했습니다."
    name = services.companies.get(operator, gone).info.name
    assert page.failure_list.count() == 1
    assert page.failure_list.item(0).text().startswith(name) and "'심사확정' → '심사탈락'" in page.failure_list.item(0).text()
    assert page.model.rowCount() == 2
    pos = page.model.position_of(gone)
    assert page.model.data(page.model.index(pos, 8)).startswith("다른 창구에서 먼저 처리되어")
    assert page.model.data(page.model.index(pos, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert not page.approve_many_button.isEnabled()
    shoot(page, "budget_result")


def test_bulk_approval_can_be_cancelled_from_the_progress_dialog(qtbot, agency_desk, sqlite_services, clock,
                                                                 monkeypatch):
    services = sqlite_services
    operator = make_operator(services)
    ids = []
    for _ in range(3):
        clock.advance(minutes=1)
        ids.append(company_in_state(services, S.CONFIRMED, operator=operator)[1])
    window, _agency = agency_desk()
    page = window.pages["budget_confirm"]
    started, gate = threading.Event(), threading.Event()
    screening = ungated(services.screening)  # approve_many calls its own approve, behind the session gate
    real_approve = screening.approve

    def slow_approve(actor, company_id, **kw):  # the first approval waits until the test cancelled
        started.set()
        gate.wait(5)
        return real_approve(actor, company_id, **kw)

    monkeypatch.setattr(screening, "approve", slow_approve)
    page.check_all_button.click()
    assert len(page.model.checked) == 3
    page.approve_many_button.click()
    page.pending_dialog.yes_button.click()
    progress = page.progress_dialog
    assert progress.labelText().startswith("예산을 확정하는 중")
    assert started.wait(5)  # the worker is inside the first approval
    progress.findChild(QPushButton).click()  # 취소
    gate.set()
    settle(qtbot)
    result = page.last_result
    assert len(result.succeeded) == 1 and not result.failed
    assert "취소하여 2개 기업은 처리하지 않았습니다." in page.result_notice.body.text()
    statuses = [services.companies.get(operator, cid).status for cid in ids]
    assert statuses.count(S.APPROVED) == 1 and statuses.count(S.CONFIRMED) == 2


def test_single_approval_of_the_current_row(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    _demand, company_id = company_in_state(services, S.CONFIRMED)
    window, agency = agency_desk()
    page = window.pages["budget_confirm"]
    page.table.selectRow(0)
    assert page.approve_one_button.isEnabled()
    page.approve_one_button.click()
    page.pending_dialog.yes_button.click()
    settle(qtbot)
    assert services.companies.get(agency, company_id).status is S.APPROVED
    assert page.model.rowCount() == 0
    assert page.status_line.text() == "예산확정을 기다리는 심사확정 기업이 없습니다."


def test_budget_page_drops_a_company_the_dashboard_rejects(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    _demand, company_id = company_in_state(services, S.CONFIRMED)
    window, _agency = agency_desk()
    budget = window.pages["budget_confirm"]
    tick(budget.model, company_id)
    dash = window.open_page("screening_dashboard")
    settle(qtbot)
    dash.select_company(company_id)
    settle(qtbot)
    dash.detail.reject_button.click()
    type_text(dash.detail.pending_dialog.edit, "서류 위조")
    dash.detail.pending_dialog.ok_button.click()
    dash.detail.pending_dialog.yes_button.click()  # 심사탈락 is final: the second question
    settle(qtbot)  # announced with ctx.changed: the budget page removes the row and its tick
    assert budget.model.rowCount() == 0 and not budget.model.checked


# --- 사업공고 관리 ---------------------------------------------------------------------------------
def test_announcements_create_edit_pin_and_delete_with_confirmation(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    window, _agency = agency_desk()
    page = window.open_page("manage_announcements")
    settle(qtbot)
    assert page.model.rowCount() == 0
    page.new_button.click()
    type_text(page.body_edit, "접수 기간을 확인해 주세요.")
    page.save_button.click()
    settle(qtbot)
    assert page.error.text() == "공고 제목을 입력해 주세요."
    assert page.title_edit.property("invalid") is True
    assert page.body_edit.toPlainText() == "접수 기간을 확인해 주세요."  # kept
    type_text(page.title_edit, "[공고] 수요기업 모집")
    page.save_button.click()
    settle(qtbot)
    assert [a.title for a in services.programme.announcements()] == ["[공고] 수요기업 모집"]
    assert page.model.rowCount() == 1 and page.editing is not None
    # edit: pin it and change the title
    type_text(page.title_edit, "[공고] 수요기업 모집 (연장)", replace=True)
    page.pinned.setChecked(True)
    page.save_button.click()
    settle(qtbot)
    saved = services.programme.announcements()
    assert [(a.title, a.pinned) for a in saved] == [("[공고] 수요기업 모집 (연장)", True)]
    assert page.model.data(page.model.index(0, 0)) == "고정"
    shoot(page, "announcements")
    # delete asks first; cancelling keeps it
    page.delete_button.click()
    page.pending_dialog.reject()
    settle(qtbot)
    assert len(services.programme.announcements()) == 1
    page.delete_button.click()
    assert "삭제할까요" in page.pending_dialog.text()
    page.pending_dialog.yes_button.click()
    settle(qtbot)
    assert services.programme.announcements() == []
    assert page.model.rowCount() == 0 and page.editing is None


# --- 운영기관 관리 ---------------------------------------------------------------------------------
def test_operators_add_and_edit(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    window, _agency = agency_desk()
    page = window.open_page("manage_operators")
    settle(qtbot)
    assert page.model.rowCount() == 17
    page.new_button.click()
    type_text(page.name_edit, "세종 제2운영기관")
    type_text(page.region_edit, "세종")
    type_text(page.phone_edit, "전화없음")
    type_text(page.email_edit, "sejong2@operator.example.kr")
    page.save_button.click()
    settle(qtbot)
    assert page.error.text() == "연락처는 02-1234-5678 형식으로 입력해 주세요."
    assert page.phone_edit.property("invalid") is True and page.name_edit.text() == "세종 제2운영기관"
    type_text(page.phone_edit, "044-123-4567", replace=True)
    page.save_button.click()
    settle(qtbot)
    added = next(o for o in services.programme.operators() if o.name == "세종 제2운영기관")
    assert (added.region, added.phone, added.active) == ("세종", "044-123-4567", True)
    assert page.model.rowCount() == 18
    # edit: stop it
    page.table.selectRow(page.model.position_of(added.id))
    assert page.editing.id == added.id
    page.active.setChecked(False)
    page.save_button.click()
    settle(qtbot)
    assert added.id not in {o.id for o in services.programme.operators()}
    pos = page.model.position_of(added.id)
    assert page.model.data(page.model.index(pos, 4)) == "중지"
    shoot(page, "operators")


# --- 계정 관리 ----------------------------------------------------------------------------------
def test_accounts_create_operator_supplier_and_agency_accounts(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    window, agency = agency_desk()
    page = window.open_page("manage_accounts")
    settle(qtbot)
    assert [u.login_id for u in page.model.rows()] == ["agency"]
    # an operator of 부산
    page.role.setCurrentIndex(page.role.findText("운영기관"))
    assert page.operator.isVisibleTo(page) and not page.supplier.isVisibleTo(page)
    page.operator.setCurrentIndex(page.operator.findText("부산지역 운영기관 (부산)"))
    type_text(page.login_id, "busan-op")
    type_text(page.password, PASSWORD)
    type_text(page.password_confirm, PASSWORD + "x")
    type_text(page.display_name, "부산 심사담당")
    page.create_button.click()
    assert page.error.text() == "비밀번호 확인이 일치하지 않습니다."
    assert page.password_confirm.property("invalid") is True
    type_text(page.password_confirm, PASSWORD, replace=True)
    page.create_button.click()
    settle(qtbot)
    actor = services.accounts.login("busan-op", PASSWORD)
    assert actor.role is Role.OPERATOR
    assert actor.operator_id == next(o.id for o in services.programme.operators() if o.region == "부산")
    assert page.message.title.text() == "계정을 만들었습니다: busan-op (운영기관 · 부산지역 운영기관)"
    assert page.login_id.text() == ""
    # a supplier: register the supplier company first, in the dialog
    page.role.setCurrentIndex(page.role.findText("공급기업"))
    assert page.supplier.isVisibleTo(page) and page.supplier.count() == 0
    page.new_supplier_button.click()
    dialog = page.supplier_dialog
    assert isinstance(dialog, SupplierDialog)
    type_text(dialog.fields["name"], "(주)화상회의솔루션")
    type_text(dialog.fields["business_no"], invalid_business_no(777_001))
    type_text(dialog.fields["representative_name"], "정공급")
    type_text(dialog.fields["phone"], "02-555-1234")
    dialog.save_button.click()
    settle(qtbot)
    assert dialog.isVisible() and dialog.error.text() == "유효하지 않은 사업자등록번호입니다."
    assert dialog.fields["business_no"].property("invalid") is True
    type_text(dialog.fields["business_no"], valid_business_no(777_001, dashed=True), replace=True)
    dialog.save_button.click()
    settle(qtbot)
    supplier = next(s for s in services.programme.suppliers() if s.name == "(주)화상회의솔루션")
    assert page.supplier.currentText().startswith("(주)화상회의솔루션")
    type_text(page.login_id, "video-sol")
    type_text(page.password, PASSWORD)
    type_text(page.password_confirm, PASSWORD)
    type_text(page.display_name, "화상회의솔루션 담당")
    page.create_button.click()
    settle(qtbot)
    assert services.accounts.login("video-sol", PASSWORD).supplier_id == supplier.id
    # another agency account (no organisation)
    page.role.setCurrentIndex(page.role.findText("전문기관"))
    assert not page.operator.isVisibleTo(page) and not page.supplier.isVisibleTo(page)
    type_text(page.login_id, "agency2")
    type_text(page.password, PASSWORD)
    type_text(page.password_confirm, PASSWORD)
    type_text(page.display_name, "전문기관 부담당")
    page.create_button.click()
    settle(qtbot)
    assert {u.login_id for u in page.model.rows()} == {"agency", "busan-op", "video-sol", "agency2"}
    # the role filter narrows the list
    page.role_filter.setCurrentIndex(page.role_filter.findText("공급기업"))
    settle(qtbot)
    assert [u.login_id for u in page.model.rows()] == ["video-sol"]
    shoot(page, "accounts")


def test_accounts_unlock_a_locked_login(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    operator = make_operator(services, login_id="locked-op")
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            services.accounts.login("locked-op", "wrong-password!!")
    with pytest.raises(AuthenticationError, match="잠겼습니다"):
        services.accounts.login("locked-op", PASSWORD)
    window, _agency = agency_desk()
    page = window.open_page("manage_accounts")
    settle(qtbot)
    assert not page.unlock_button.isEnabled()
    row = next(i for i, u in enumerate(page.model.rows()) if u.login_id == "locked-op")
    status_column = page.model.columnCount() - 1
    assert page.model.index(row, status_column).data().startswith("잠김")
    page.table.selectRow(row)
    page.unlock_button.click()
    settle(qtbot)
    row = next(i for i, u in enumerate(page.model.rows()) if u.login_id == "locked-op")
    assert page.model.index(row, status_column).data() == "정상"
    assert page.message.title.text() == "'locked-op' 계정의 로그인 잠금을 해제했습니다."
    assert services.accounts.login("locked-op", PASSWORD).user_id == operator.user_id


def test_accounts_import_previous_year_participants_from_csv(qtbot, agency_desk, sqlite_services):
    services = sqlite_services
    window, _agency = agency_desk()
    page = window.open_page("manage_accounts")
    settle(qtbot)
    numbers = [valid_business_no(880_000 + i, dashed=True) for i in range(3)]
    csv = ("사업자등록번호,기업명\n" + "\n".join(f"{n},기업{i}" for i, n in enumerate(numbers))).encode("cp949")
    page.choose_file = lambda parent, title: ("2025_참여기업.csv", csv)
    page.import_button.click()
    assert "2025_참여기업.csv" in page.pending_dialog.text()
    page.pending_dialog.yes_button.click()
    settle(qtbot)
    assert page.message.title.text() == "전년도 참여기업 3개 사업자등록번호를 등록했습니다."
    assert all(services.signup.is_previous_participant(n) for n in numbers)
    # a broken file: the line is named, nothing is replaced
    page.choose_file = lambda parent, title: ("broken.csv", "사업자등록번호\n123-45-67890\n".encode())
    page.import_button.click()
    page.pending_dialog.yes_button.click()
    settle(qtbot)
    assert page.message.kind == "danger" and "2번째 줄" in page.message.body.text()
    assert all(services.signup.is_previous_participant(n) for n in numbers)


# --- 공급기업 -------------------------------------------------------------------------------------
def test_supplier_home_shows_its_own_profile(qtbot, desk, sqlite_services):
    make_supplier_account(sqlite_services, name="(주)다른공급사")
    supplier = make_supplier_account(sqlite_services, name="(주)클라우드브릿지")
    window = desk(supplier)
    page = window.open_page("supplier_home")
    settle(qtbot)
    assert page.labels["name"].text() == "(주)클라우드브릿지"
    assert page.labels["business_no"].text().count("-") == 2
    assert page.labels["phone"].text() == "02-3456-7890"
    assert page.profile.isVisible() and not page.missing.isVisible()
    assert "서비스 등록" in page.note.body.text()
    shoot(page, "supplier_home")
