"""What a new user tripped over in the 회원가입 wizard: Enter in the code field, the code's
countdown, validation marks and banners, the 법인등록번호 rules and the summary's wrapping."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.factories import sms_code
from tests.views.helpers import shoot, type_text
from tests.views.test_signup_wizard import (  # noqa: F401 - fixtures
    chooser,
    ctx,
    send_code,
    settle,
    through_terms,
    wizard,
)


def _send(qtbot, wiz, phone="010-1234-5678"):
    page = wiz.identity_page
    box = page.verify
    type_text(box.name_edit, "홍길동")
    type_text(box.phone_edit, phone)
    send_code(qtbot, box)
    return page, box


# --- 본인인증: Enter means 확인, an m:ss countdown, "expired" only when it is ----------------------
def test_enter_in_the_code_field_confirms_the_code_and_nothing_else(qtbot, wizard, sqlite_services, clock):
    wiz = wizard
    through_terms(qtbot, wiz)
    page, box = _send(qtbot, wiz)
    clock.advance(seconds=30)  # a user reads the SMS and types
    type_text(box.code_edit, sms_code(sqlite_services, "010-1234-5678"))
    qtbot.keyClick(box.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.pending and not page.checking, timeout=10_000)
    settle(qtbot)
    assert box.is_verified, box.error.text()
    assert "유효시간" not in box.error.text() and not box.error.isVisible()
    assert not page.error_label.isVisible()
    assert wiz.currentPage() is page  # Enter was 확인, not 다음
    assert "완료" in box.status_label.text()


def test_enter_in_the_phone_field_sends_the_code(qtbot, wizard, sqlite_services):
    wiz = wizard
    through_terms(qtbot, wiz)
    box = wiz.identity_page.verify
    type_text(box.name_edit, "홍길동")
    type_text(box.phone_edit, "010-1234-5678")
    qtbot.keyClick(box.phone_edit, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: not box.pending, timeout=10_000)
    assert box.code_edit.isEnabled() and sms_code(sqlite_services, "010-1234-5678")
    assert not wiz.identity_page.error_label.isVisible()


def test_the_code_counts_down_and_expires_only_at_zero(qtbot, wizard, sqlite_services, clock):
    wiz = wizard
    through_terms(qtbot, wiz)
    page, box = _send(qtbot, wiz)
    assert box.countdown_label.isVisible() and box.countdown_label.text() == "3:00"
    clock.advance(seconds=65)
    qtbot.waitUntil(lambda: box.countdown_label.text() == "1:55", timeout=3_000)  # read each second
    shoot(wiz, "signup-identity-countdown")
    assert "지났습니다" not in box.status_label.text() and box.confirm_button.isEnabled()
    clock.advance(seconds=114)
    qtbot.waitUntil(lambda: box.countdown_label.text() == "0:01", timeout=3_000)
    assert box.code_edit.isEnabled() and "지났습니다" not in box.status_label.text()
    clock.advance(seconds=1)
    qtbot.waitUntil(lambda: box.countdown_label.text() == "0:00", timeout=3_000)
    assert "유효시간이 지났습니다" in box.status_label.text()
    assert not box.confirm_button.isEnabled() and not box.code_edit.isEnabled()
    assert box.send_button.isEnabled()
    # a new code counts from its own sending
    send_code(qtbot, box)
    assert box.countdown_label.text() == "3:00" and box.code_edit.isEnabled()
    type_text(box.code_edit, sms_code(sqlite_services, "010-1234-5678"))
    qtbot.keyClick(box.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.pending, timeout=10_000)
    assert box.is_verified and not box.countdown_label.isVisible()


def test_a_refusal_of_what_was_checked_before_the_verification_does_not_expire_it(
        qtbot, wizard, sqlite_services):
    """Next pressed while the code was being confirmed: the check saw no token; its refusal
    must not throw the fresh verification away."""
    wiz = wizard
    through_terms(qtbot, wiz)
    page, box = _send(qtbot, wiz)
    type_text(box.code_edit, sms_code(sqlite_services, "010-1234-5678"))
    page.save(page.form)  # what a check started before 확인 would have seen
    box.confirm()
    qtbot.waitUntil(lambda: box.is_verified, timeout=10_000)
    page.show_error("휴대폰 본인인증을 완료해 주세요.", "identity")  # that check's refusal
    qtbot.waitUntil(lambda: not page.checking, timeout=10_000)
    settle(qtbot)
    assert box.is_verified and "유효시간" not in box.error.text()
    assert wiz.currentPage() is wiz.company_page  # checked again with the token: passed


# --- validation: no ✔ beside a red field, no stale banner, 법인등록번호, the summary wraps ----------
def _to_company_page(qtbot, wiz, services):
    from tests.views.test_signup_wizard import through_identity

    through_terms(qtbot, wiz)
    through_identity(qtbot, wiz, services)
    return wiz.company_page


def test_a_refused_field_never_keeps_a_green_tick(qtbot, wizard, sqlite_services):
    from tests.factories import valid_business_no

    page = _to_company_page(qtbot, wizard, sqlite_services)
    type_text(page.business_no_edit, valid_business_no(7301))
    assert page.business_no_hint.objectName() == "hintOk" and "✔" in page.business_no_hint.text()
    page.show_error("이미 가입된 사업자등록번호입니다.", "business_no")  # as the service refuses it
    assert page.business_no_edit.property("invalid") is True
    assert "✔" not in page.business_no_hint.text() and page.business_no_hint.objectName() == "hintError"


def test_corporate_number_is_required_for_a_corporation_and_set_aside_for_a_sole_proprietor(
        qtbot, wizard, sqlite_services):
    from tests.views.test_signup_wizard import click, press_next

    page = _to_company_page(qtbot, wizard, sqlite_services)
    assert not page.corporate_no_edit.isEnabled() and page.corporate_label.text() == "법인등록번호"
    click(qtbot, page.corp_radio)
    assert page.corporate_no_edit.isEnabled() and page.corporate_label.text() == "법인등록번호 *"
    type_text(page.corporate_no_edit, "110111-123")
    click(qtbot, page.sole_radio)
    assert not page.corporate_no_edit.isEnabled() and page.corporate_no_edit.text() == ""
    click(qtbot, page.corp_radio)
    assert page.corporate_no_edit.text() == "110111-123"  # kept, given back
    # a refusal about it goes once it no longer applies
    page.show_error("법인등록번호는 13자리 숫자로 입력해 주세요.", "corporate_no")
    assert page.error_label.isVisible()
    click(qtbot, page.sole_radio)
    assert not page.error_label.isVisible() and page.corporate_no_edit.property("invalid") is False
    press_next(qtbot, wizard)  # the other fields are still missing: a fresh message, not the old one
    assert "법인등록번호" not in page.error_label.text()


def test_the_summary_wraps_long_values_instead_of_widening_the_page(qtbot, wizard):
    wiz = wizard
    long_name = "가나다라마바사아자차카타파하" * 4 + " 주식회사"
    wiz.form.name = long_name
    account = wiz.account_page
    account.initializePage()
    assert long_name in account.summary_text()
    from PySide6.QtWidgets import QFormLayout

    value = account.summary.itemAt(0, QFormLayout.ItemRole.FieldRole).widget()
    assert value.wordWrap() and value.text() == long_name
    assert value.minimumSizeHint().width() < 300  # never forces the page wider than the wizard
    assert value.heightForWidth(300) > value.heightForWidth(2000)  # it wraps into more lines
