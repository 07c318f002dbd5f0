"""The 회원가입 wizard driven like a user: consent, phone verification through the simulated SMS
(read from the wizard's own simulator inbox), company info typed in Hangul, documents through the
injectable file reader, operator, account, submission in the background — and validation that
keeps everything typed. Every service call runs off the GUI thread, so the helpers wait for the
background work (`press_next`, `send_code`, ...)."""

from __future__ import annotations

import hashlib
import threading

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
    QWizard,
)

from kvoucher_desktop.enums import CompanyType, DocumentType, IssuerType, ScreeningStatus
from kvoucher_desktop.services.rules.numbers import normalize_business_no
from kvoucher_desktop.services.sample_files import sample_pdf, sample_png
from kvoucher_desktop.views.context import ViewContext
from kvoucher_desktop.views.signup.wizard import SignupWizard
from kvoucher_desktop.views.style import apply_style
from kvoucher_desktop.views.tasks import pending_tasks
from tests.factories import (
    PASSWORD,
    invalid_business_no,
    make_agency,
    signup_company,
    sms_code,
    valid_business_no,
)
from tests.views.helpers import shoot, type_text

#: the wizard also runs against the live server: signup, its step checks and 본인인증 over HTTPS
pytestmark = pytest.mark.over_http


class _Window(QObject):
    """The part of the main window a ViewContext uses."""

    data_changed = Signal(object, object)
    actor = None


class FakeChooser:
    """Stands in for the file dialog: returns the next (filename, bytes) it was given."""

    def __init__(self):
        self.next: tuple[str, bytes] | None = None
        self.titles: list[str] = []

    def __call__(self, parent, title):
        self.titles.append(title)
        chosen, self.next = self.next, None
        return chosen


@pytest.fixture
def ctx(qapp, sqlite_services):
    apply_style(qapp)
    window = _Window()
    yield ViewContext(sqlite_services, window)


@pytest.fixture
def chooser():
    return FakeChooser()


def open_wizard(qtbot, ctx, chooser) -> SignupWizard:
    wiz = SignupWizard(ctx, None, choose_file=chooser)
    wiz.confirm_cancel = False
    qtbot.addWidget(wiz)
    wiz.show()
    qtbot.waitExposed(wiz)
    wiz.activateWindow()
    return wiz


@pytest.fixture
def wizard(qtbot, ctx, chooser):
    wiz = open_wizard(qtbot, ctx, chooser)
    yield wiz
    settle(qtbot)  # no background result may land after the store is gone


def settle(qtbot, timeout: int = 10_000) -> None:
    """Wait until every background task has reported back to the GUI thread."""
    qtbot.waitUntil(lambda: pending_tasks() == 0, timeout=timeout)


# --- driving helpers -------------------------------------------------------------------------
def click(qtbot, button):
    """Click like a user: check boxes and radio buttons on their indicator (a stretched one
    does not react to a click in its empty right half), push buttons in the middle."""
    assert button.isVisible() and button.isEnabled(), button.text()
    if isinstance(button, (QCheckBox, QRadioButton)):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def press_next(qtbot, wiz):
    """Next, then wait for its background check: the page changed or an error is shown."""
    page = wiz.currentPage()
    click(qtbot, wiz.button(QWizard.WizardButton.NextButton))
    qtbot.waitUntil(lambda: not page.checking, timeout=10_000)
    assert wiz.currentPage() is not page or page.error_label.isVisible()


def press_finish(qtbot, wiz):
    """가입 신청, then wait for the check (and the submission it starts) to answer."""
    page = wiz.account_page
    click(qtbot, wiz.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: not page.checking and not wiz.busy, timeout=10_000)


def press_back(qtbot, wiz):
    click(qtbot, wiz.button(QWizard.WizardButton.BackButton))


def send_code(qtbot, box):
    click(qtbot, box.send_button)
    qtbot.waitUntil(lambda: not box.pending, timeout=10_000)


def confirm_code(qtbot, box):
    click(qtbot, box.confirm_button)
    qtbot.waitUntil(lambda: not box.pending, timeout=10_000)


def inboxes(wiz):
    return (wiz.identity_page.inbox, wiz.managers_page.payment_inbox)


def ui_texts(wiz) -> str:
    """Every text the wizard shows outside its simulator inboxes."""
    texts = [wiz.windowTitle()]
    for w in wiz.findChildren(QWidget):
        if any(inbox is w or inbox.isAncestorOf(w) for inbox in inboxes(wiz)):
            continue
        if isinstance(w, (QLabel, QLineEdit, QAbstractButton)):
            texts.append(w.text())
        if isinstance(w, QLineEdit):
            texts.append(w.placeholderText())
        elif isinstance(w, QTextEdit):
            texts.append(w.toPlainText())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        texts.append(w.toolTip())
    return "\n".join(texts)


def verify(qtbot, services, box, name, phone, inbox=None):
    type_text(box.name_edit, name)
    type_text(box.phone_edit, phone)
    send_code(qtbot, box)
    code = sms_code(services, phone)
    if inbox is not None:  # the code shows in the wizard's simulator inbox, and nowhere else
        qtbot.waitUntil(lambda: code in inbox.text())
        assert code not in ui_texts(box.window())
    assert code not in box.status_label.text() and code not in box.sim_note.text()
    type_text(box.code_edit, code)
    confirm_code(qtbot, box)
    assert box.is_verified, box.error.text()


def through_terms(qtbot, wiz):
    click(qtbot, wiz.terms_page.all_check)
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.identity_page


def through_identity(qtbot, wiz, services, *, staff=False, name="홍길동", phone="010-1234-5678"):
    page = wiz.identity_page
    if staff:
        click(qtbot, page.staff_radio)
    verify(qtbot, services, page.verify, name, phone, page.inbox)
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.company_page, page.error_label.text()


COMPANY = {
    "name_edit": "가나다소프트 주식회사",
    "corporate_no_edit": "110111-1234567",
    "rep_name_edit": "김대표",
    "rep_phone_edit": "010-2222-3333",
    "address_edit": "서울특별시 중구 세종대로 110",
    "address_detail_edit": "3층 301호",
    "phone_edit": "02-1234-5678",
    "industry_edit": "소프트웨어 개발 및 공급업",
    "employees_edit": "12",
}


def fill_company(qtbot, wiz, business_no, *, corporation=True, values=COMPANY):
    page = wiz.company_page
    if corporation:
        click(qtbot, page.corp_radio)
    for attr, text in values.items():
        edit = getattr(page, attr)
        if edit.isReadOnly() or not edit.isEnabled():
            continue  # prefilled from the identity / not for this company type
        type_text(edit, text)
    type_text(page.business_no_edit, business_no)


def attach(qtbot, wiz, chooser, doc_type, filename, data):
    row = wiz.documents_page.rows[doc_type]
    chooser.next = (filename, data)
    click(qtbot, row.choose_button)
    return row


def to_company_page(qtbot, wiz, services, **kw):
    through_terms(qtbot, wiz)
    through_identity(qtbot, wiz, services, **kw)


# --- tests -----------------------------------------------------------------------------------
def test_whole_signup_of_a_corporation_by_staff(qtbot, wizard, sqlite_services, chooser):
    services, wiz = sqlite_services, wizard
    shots = []

    def shot():
        shots.append(f"signup_page{len(shots) + 1}")
        shoot(wiz, shots[-1])

    shot()
    through_terms(qtbot, wiz)

    # 2. 본인인증 by a staff member (담당자)
    page = wiz.identity_page
    click(qtbot, page.staff_radio)
    assert page.staff_note.isVisible() and "4대보험" in page.staff_note.text()
    verify(qtbot, services, page.verify, "이담당", "010-5555-1234", page.inbox)
    assert "본인인증이 완료" in page.verify.status_label.text()
    shot()
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.company_page
    assert wiz.form.issuer_type is IssuerType.STAFF and wiz.form.identity_token

    # 3. 기업정보: a corporation; the staff issuer leaves the representative to be typed
    company = wiz.company_page
    assert not company.corporate_no_edit.isEnabled()
    assert not company.rep_name_edit.isReadOnly() and company.rep_name_edit.text() == ""
    bno = valid_business_no(7001, dashed=True)
    fill_company(qtbot, wiz, bno)
    assert company.corporate_no_edit.isEnabled()
    assert company.business_no_hint.objectName() == "hintOk"
    qtbot.waitUntil(lambda: not company.lookup_pending())
    settle(qtbot)
    assert not company.previous_notice.isVisible()
    shot()
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.documents_page, company.error_label.text()

    # 4. 제출서류: corporation + staff → 등기부등본 and 4대보험 명부 are required too
    docs = wiz.documents_page
    visible_required = [t for t, r in docs.rows.items() if r.isVisible() and r.tag.text() == "필수"]
    assert visible_required == [
        DocumentType.BUSINESS_REGISTRATION, DocumentType.NATIONAL_TAX, DocumentType.LOCAL_TAX,
        DocumentType.CORPORATE_REGISTRY, DocumentType.INSURANCE_ROSTER]
    files = {
        DocumentType.BUSINESS_REGISTRATION: ("사업자등록증.png", sample_png()),
        DocumentType.NATIONAL_TAX: ("국세완납.pdf", sample_pdf("national tax")),
        DocumentType.LOCAL_TAX: ("지방세완납.pdf", sample_pdf("local tax")),
        DocumentType.CORPORATE_REGISTRY: ("등기부등본.pdf", sample_pdf("registry")),
        DocumentType.INSURANCE_ROSTER: ("4대보험명부.pdf", sample_pdf("roster")),
    }
    for doc_type, (filename, data) in files.items():
        row = attach(qtbot, wiz, chooser, doc_type, filename, data)
        assert row.file_label.text() == filename and row.size_label.text()
        assert not row.message.isVisible()
    assert len(chooser.titles) == 5
    # 미리보기 of the image opens the in-app viewer with the picture
    click(qtbot, docs.rows[DocumentType.BUSINESS_REGISTRATION].preview_button)
    dialog = docs.rows[DocumentType.BUSINESS_REGISTRATION].preview_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.page_label.pixmap() is not None and not dialog.page_label.pixmap().isNull())
    assert dialog.page_label.pixmap().width() == 120  # sample_png(): shown at 100 %, not enlarged
    shoot(dialog, "signup_preview")
    dialog.close()
    shot()
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.managers_page, docs.error_label.text()

    # 5. 담당자: the verified staff member, locked; a separate payment manager verifies too
    managers = wiz.managers_page
    assert managers.name_edit.text() == "이담당" and managers.name_edit.isReadOnly()
    assert managers.phone_edit.text() == "010-5555-1234"
    assert not managers.same_check.isEnabled()
    type_text(managers.email_edit, "staff@ganada.co.kr")
    click(qtbot, managers.payment_other_radio)
    assert managers.payment_inbox.isVisible()
    verify(qtbot, services, managers.payment_verify, "박결제", "010-7777-8888", managers.payment_inbox)
    shot()
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.operator_page, managers.error_label.text()

    # 6. 운영기관: all listed with region, phone, e-mail and the "no difference" note
    operators = wiz.operator_page
    qtbot.waitUntil(lambda: operators.loaded)
    assert operators.table.rowCount() == len(services.programme.operators())
    busan = next(r for r, op in enumerate(operators.operators) if op.region == "부산")
    assert operators.table.item(busan, 2).text() == "051-700-1002"
    assert "@" in operators.table.item(busan, 3).text()
    operators.table.selectRow(busan)
    shot()
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.account_page

    # 7. 아이디·비밀번호 and 가입 신청
    account = wiz.account_page
    assert "가나다소프트" in account.summary_text() and "부산" in account.summary_text()
    type_text(account.login_edit, "ganada_staff")
    type_text(account.password_edit, PASSWORD)
    type_text(account.confirm_edit, PASSWORD)
    shot()
    submitting = []  # connected after the wizard's own slot: sees the state submit() left
    account.submit_requested.connect(lambda: submitting.append((wiz.busy, account.busy_bar.isVisible())))
    with qtbot.waitSignal(wiz.signed_up, timeout=10_000) as signal:
        click(qtbot, wiz.button(QWizard.WizardButton.FinishButton))
        assert account.checking  # the account check runs first, in the background
        assert not wiz.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert submitting == [(True, True)]
    actor = signal.args[0]
    qtbot.waitUntil(lambda: not wiz.isVisible())
    assert wiz.done_box is not None and "심사중" in wiz.done_box.text()
    shoot(wiz.done_box, "signup_done")
    wiz.done_box.close()

    # what the services now hold
    logged_in = services.accounts.login("ganada_staff", PASSWORD)
    assert logged_in.company_id == actor.company_id
    view = services.companies.get(logged_in)
    assert view.status is ScreeningStatus.REVIEWING
    assert view.business_no == normalize_business_no(bno)
    assert view.company_type is CompanyType.CORPORATION
    info = view.info
    assert info.name == "가나다소프트 주식회사"
    assert info.issuer_type is IssuerType.STAFF
    assert info.corporate_no == "1101111234567"
    assert (info.representative_name, info.representative_phone) == ("김대표", "010-2222-3333")
    assert (info.address, info.address_detail) == ("서울특별시 중구 세종대로 110", "3층 301호")
    assert (info.phone, info.industry, info.employees) == ("02-1234-5678", "소프트웨어 개발 및 공급업", 12)
    assert (info.manager_name, info.manager_phone, info.manager_email) == (
        "이담당", "010-5555-1234", "staff@ganada.co.kr")
    assert (info.payment_manager_name, info.payment_manager_phone) == ("박결제", "010-7777-8888")
    assert view.operator.region == "부산"
    stored = {d.doc_type: (d.filename, d.sha256) for d in view.documents}
    assert stored == {t: (name, hashlib.sha256(data).hexdigest()) for t, (name, data) in files.items()}
    assert len(shots) == 7  # every page of the wizard was shown


def test_consent_all_ticks_both_and_next_without_consent_is_refused(qtbot, wizard):
    wiz, page = wizard, wizard.terms_page
    assert page.terms_view.isReadOnly() and "제1조" in page.terms_view.toPlainText()
    assert "개인정보" in page.privacy_view.toPlainText()

    press_next(qtbot, wiz)
    assert wiz.currentPage() is page
    assert page.error_label.text() == "이용약관에 동의해 주세요."
    assert page.terms_check.property("invalid") is True

    click(qtbot, page.terms_check)
    press_next(qtbot, wiz)
    assert wiz.currentPage() is page
    assert page.error_label.text() == "개인정보 처리방침에 동의해 주세요."
    assert page.terms_check.isChecked()  # kept

    click(qtbot, page.all_check)
    assert page.terms_check.isChecked() and page.privacy_check.isChecked()
    click(qtbot, page.all_check)
    assert not page.terms_check.isChecked() and not page.privacy_check.isChecked()
    click(qtbot, page.terms_check)
    click(qtbot, page.privacy_check)
    assert page.all_check.isChecked()
    click(qtbot, page.privacy_check)
    assert not page.all_check.isChecked()
    click(qtbot, page.all_check)
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.identity_page


def test_identity_needs_a_confirmed_code_and_never_shows_it(qtbot, wizard, sqlite_services):
    wiz = wizard
    through_terms(qtbot, wiz)
    page, box = wiz.identity_page, wiz.identity_page.verify
    press_next(qtbot, wiz)
    assert wiz.currentPage() is page
    assert page.error_label.text() == "휴대폰 본인인증을 완료해 주세요."

    type_text(box.name_edit, "홍길동")
    type_text(box.phone_edit, "011-123")
    send_code(qtbot, box)
    assert "010-XXXX-XXXX" in box.error.text() and box.phone_edit.property("invalid") is True
    type_text(box.phone_edit, "01012345678", replace=True)
    assert not box.error.isVisible()  # the field the message was about changed
    with qtbot.waitSignal(wiz.code_sent) as sent:
        click(qtbot, box.send_button)
    assert sent.args == ["010-1234-5678"]
    assert box.sim_note.isVisible() and "시뮬레이터" in box.sim_note.text()
    code = sms_code(sqlite_services, "010-1234-5678")
    qtbot.waitUntil(lambda: code in page.inbox.text())
    assert code not in ui_texts(wiz)  # only the simulator inbox shows it
    wrong = "000000" if code != "000000" else "111111"
    type_text(box.code_edit, wrong)
    confirm_code(qtbot, box)
    assert "일치하지 않습니다" in box.error.text() and not box.is_verified
    type_text(box.code_edit, code, replace=True)
    confirm_code(qtbot, box)
    assert box.is_verified and box.name_edit.isReadOnly()
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.company_page
    # the representative issuer's verified name and phone are filled in (and locked)
    company = wiz.company_page
    assert (company.rep_name_edit.text(), company.rep_phone_edit.text()) == ("홍길동", "010-1234-5678")
    assert company.rep_name_edit.isReadOnly()


def test_an_expired_verification_must_be_done_again(qtbot, wizard, sqlite_services, clock):
    wiz = wizard
    through_terms(qtbot, wiz)
    box = wiz.identity_page.verify
    verify(qtbot, sqlite_services, box, "홍길동", "010-1234-5678")
    clock.advance(hours=3)
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.identity_page
    assert wiz.identity_page.error_label.text() == "휴대폰 본인인증을 완료해 주세요."
    assert not box.is_verified and not box.name_edit.isReadOnly()
    assert "유효시간" in box.error.text()
    assert box.name_edit.text() == "홍길동"  # kept, only the verification is gone
    send_code(qtbot, box)
    type_text(box.code_edit, sms_code(sqlite_services, "010-1234-5678"))
    confirm_code(qtbot, box)
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.company_page


def test_invalid_business_number_keeps_every_typed_field(qtbot, wizard, sqlite_services):
    wiz = wizard
    to_company_page(qtbot, wiz, sqlite_services)
    page = wiz.company_page
    bad = invalid_business_no(7002)
    fill_company(qtbot, wiz, bad[:3] + "-" + bad[3:5] + "-" + bad[5:])
    assert page.business_no_hint.objectName() == "hintError"
    typed = {attr: getattr(page, attr).text() for attr in COMPANY}

    press_next(qtbot, wiz)
    assert wiz.currentPage() is page
    assert page.error_label.isVisible()
    assert page.error_label.text() == "유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주세요."
    assert page.business_no_edit.hasFocus()
    assert page.business_no_edit.property("invalid") is True
    assert {attr: getattr(page, attr).text() for attr in COMPANY} == typed
    shoot(wiz, "signup_error_company")
    assert page.corp_radio.isChecked()

    good = valid_business_no(7002, dashed=True)
    type_text(page.business_no_edit, good, replace=True)
    assert page.business_no_edit.property("invalid") is False
    assert not page.error_label.isVisible()  # fixed: the message about it is gone
    assert page.business_no_hint.objectName() == "hintOk"
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.documents_page, page.error_label.text()

    # Back keeps the values; Back again to 본인인증 keeps the verification; Next twice returns
    press_back(qtbot, wiz)
    assert wiz.currentPage() is page
    assert {attr: getattr(page, attr).text() for attr in COMPANY} == typed
    assert page.business_no_edit.text() == good
    press_back(qtbot, wiz)
    assert wiz.identity_page.verify.is_verified
    press_next(qtbot, wiz)
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.documents_page
    assert wiz.form.business_no == good and wiz.form.name == COMPANY["name_edit"]


def test_other_company_errors_point_at_their_field(qtbot, wizard, sqlite_services):
    wiz = wizard
    to_company_page(qtbot, wiz, sqlite_services)
    page = wiz.company_page
    values = dict(COMPANY, employees_edit="열두 명")
    fill_company(qtbot, wiz, valid_business_no(7003), values=values)
    press_next(qtbot, wiz)
    assert page.error_label.text() == "상시 근로자 수는 숫자로 입력해 주세요."
    assert page.employees_edit.hasFocus() and page.employees_edit.text() == "열두 명"
    type_text(page.employees_edit, "8", replace=True)
    type_text(page.corporate_no_edit, "", replace=True)
    press_next(qtbot, wiz)
    assert page.error_label.text().startswith("법인등록번호 13자리")
    assert page.corporate_no_edit.hasFocus()


def test_a_bad_file_is_refused_in_its_row_and_not_kept(qtbot, wizard, sqlite_services, chooser):
    wiz = wizard
    to_company_page(qtbot, wiz, sqlite_services)
    fill_company(qtbot, wiz, valid_business_no(7004), corporation=False)
    press_next(qtbot, wiz)
    docs = wiz.documents_page
    assert wiz.currentPage() is docs
    assert not docs.rows[DocumentType.CORPORATE_REGISTRY].isVisible()
    assert not docs.rows[DocumentType.INSURANCE_ROSTER].isVisible()

    national = attach(qtbot, wiz, chooser, DocumentType.NATIONAL_TAX, "국세.pdf", sample_pdf("tax"))
    bad = attach(qtbot, wiz, chooser, DocumentType.BUSINESS_REGISTRATION, "사업자등록증.pdf",
                 "이것은 텍스트 파일입니다".encode())
    assert bad.message.isVisible()
    assert bad.message.text() == "'사업자등록증.pdf'은(는) PDF, JPG, PNG 파일이 아닙니다. 파일 내용을 확인해 주세요."
    assert bad.data is None and bad.file_label.text() == "선택된 파일 없음"
    assert national.file_label.text() == "국세.pdf" and not national.message.isVisible()
    shoot(wiz, "signup_error_documents")

    # a good file then a bad one: the good one stays, the message says so
    attach(qtbot, wiz, chooser, DocumentType.BUSINESS_REGISTRATION, "등록증.png", sample_png())
    assert not bad.message.isVisible()
    attach(qtbot, wiz, chooser, DocumentType.BUSINESS_REGISTRATION, "큰파일.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert "10MB 이하" in bad.message.text() and "등록증.png" in bad.message.text()
    assert bad.filename == "등록증.png"
    click(qtbot, bad.remove_button)
    assert bad.data is None and not bad.remove_button.isEnabled()

    press_next(qtbot, wiz)
    assert wiz.currentPage() is docs
    assert docs.error_label.text() == "필수 서류 '사업자등록증'을 첨부해 주세요."
    assert bad.property("invalid") is True and bad.choose_button.hasFocus()
    assert set(wiz.form.documents) == {DocumentType.NATIONAL_TAX}
    assert national.data is not None  # the other row kept its file


def test_resignup_of_an_existing_business_number_is_refused(qtbot, wizard, sqlite_services):
    existing = valid_business_no(7005)
    signup_company(sqlite_services, business_no=existing, n=7005)
    wiz = wizard
    to_company_page(qtbot, wiz, sqlite_services)
    fill_company(qtbot, wiz, existing[:3] + "-" + existing[3:5] + "-" + existing[5:], corporation=False)
    press_next(qtbot, wiz)
    page = wiz.company_page
    assert wiz.currentPage() is page
    assert page.error_label.text() == "이미 가입된 사업자등록번호입니다. 기존 아이디로 로그인해 주세요."
    assert page.business_no_edit.hasFocus()
    assert page.name_edit.text() == COMPANY["name_edit"]


def test_previous_participant_sees_the_certificate_notice(qtbot, wizard, sqlite_services, chooser):
    services = sqlite_services
    bno = valid_business_no(7006)
    services.programme.import_previous_participants(make_agency(services), f"사업자등록번호\n{bno}\n")
    wiz = wizard
    to_company_page(qtbot, wiz, services)
    fill_company(qtbot, wiz, bno, corporation=False)
    page = wiz.company_page
    qtbot.waitUntil(lambda: page.previous_notice.isVisible())  # looked up once typing paused
    settle(qtbot)
    assert "2025년" in page.previous_notice.text()
    assert "장애인기업확인서" in page.previous_notice.text()
    press_next(qtbot, wiz)
    docs = wiz.documents_page
    qtbot.waitUntil(lambda: docs.previous_notice.isVisible())
    assert docs.rows[DocumentType.WOMEN_ENTERPRISE].tag.text() == "둘 중 하나 필수"
    for doc_type in (DocumentType.BUSINESS_REGISTRATION, DocumentType.NATIONAL_TAX, DocumentType.LOCAL_TAX):
        attach(qtbot, wiz, chooser, doc_type, f"{doc_type.value}.pdf", sample_pdf(doc_type.value))
    press_next(qtbot, wiz)
    assert wiz.currentPage() is docs
    assert "2025년에 발급된 장애인기업확인서 또는 여성기업확인서" in docs.error_label.text()

    shoot(wiz, "signup_previous_participant")
    women = attach(qtbot, wiz, chooser, DocumentType.WOMEN_ENTERPRISE, "여성기업확인서.pdf", sample_pdf("women"))
    assert not docs.error_label.isVisible()  # either certificate answers that message
    press_next(qtbot, wiz)
    assert docs.error_label.text() == "'여성기업확인서'의 발급연도를 선택해 주세요."
    women.year_combo.setCurrentIndex(women.year_combo.findData(2025))
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.managers_page, docs.error_label.text()
    assert wiz.form.documents[DocumentType.WOMEN_ENTERPRISE].issued_year == 2025


def test_manager_same_as_representative_fills_locks_and_gives_back(qtbot, wizard, sqlite_services, chooser):
    wiz = wizard
    to_company_page(qtbot, wiz, sqlite_services)
    fill_company(qtbot, wiz, valid_business_no(7007), corporation=False)
    press_next(qtbot, wiz)
    for doc_type in (DocumentType.BUSINESS_REGISTRATION, DocumentType.NATIONAL_TAX, DocumentType.LOCAL_TAX):
        attach(qtbot, wiz, chooser, doc_type, f"{doc_type.value}.pdf", sample_pdf(doc_type.value))
    press_next(qtbot, wiz)
    page = wiz.managers_page
    assert wiz.currentPage() is page
    type_text(page.name_edit, "최담당")
    type_text(page.phone_edit, "010-4444-5555")
    click(qtbot, page.same_check)
    assert (page.name_edit.text(), page.phone_edit.text()) == ("홍길동", "010-1234-5678")
    assert page.name_edit.isReadOnly()
    click(qtbot, page.same_check)
    assert (page.name_edit.text(), page.phone_edit.text()) == ("최담당", "010-4444-5555")
    type_text(page.email_edit, "not-an-email")
    press_next(qtbot, wiz)
    assert page.error_label.text() == "담당자 이메일 주소 형식이 올바르지 않습니다."
    assert page.email_edit.hasFocus()
    type_text(page.email_edit, "choi@company.kr", replace=True)
    click(qtbot, page.payment_other_radio)
    type_text(page.payment_verify.name_edit, "박결제")
    type_text(page.payment_verify.phone_edit, "010-7777-8888")
    press_next(qtbot, wiz)
    assert page.error_label.text() == "결제 담당자 휴대폰 인증을 완료해 주세요."
    assert page.payment_verify.send_button.hasFocus()
    click(qtbot, page.payment_same_radio)
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.operator_page
    press_next(qtbot, wiz)
    assert wiz.operator_page.error_label.text() == "운영기관을 선택해 주세요."


SOLE_DOCS = (DocumentType.BUSINESS_REGISTRATION, DocumentType.NATIONAL_TAX, DocumentType.LOCAL_TAX)


def through_managers(qtbot, wiz):
    """담당자 = 대표자, an e-mail, Next."""
    click(qtbot, wiz.managers_page.same_check)
    type_text(wiz.managers_page.email_edit, "hong@company.kr")
    press_next(qtbot, wiz)


def through_managers_and_operator(qtbot, wiz):
    """The 담당자 page as above, then the first operating agency."""
    through_managers(qtbot, wiz)
    qtbot.waitUntil(lambda: wiz.operator_page.loaded)
    wiz.operator_page.table.selectRow(0)
    press_next(qtbot, wiz)


def walk_to_account_page(qtbot, wiz, services, chooser, business_no):
    """A sole proprietor signed up by its representative, up to the last page."""
    to_company_page(qtbot, wiz, services)
    fill_company(qtbot, wiz, business_no, corporation=False)
    press_next(qtbot, wiz)
    for doc_type in SOLE_DOCS:
        attach(qtbot, wiz, chooser, doc_type, f"{doc_type.value}.jpg", sample_pdf(doc_type.value))
    press_next(qtbot, wiz)
    through_managers_and_operator(qtbot, wiz)
    assert wiz.currentPage() is wiz.account_page


def test_submission_error_for_a_taken_login_shows_on_the_account_page(qtbot, wizard, sqlite_services, chooser):
    services = sqlite_services
    signup_company(services, login_id="takenid01")
    wiz = wizard
    walk_to_account_page(qtbot, wiz, services, chooser, valid_business_no(7008))
    account = wiz.account_page
    type_text(account.login_edit, "takenid01")
    type_text(account.password_edit, PASSWORD)
    type_text(account.confirm_edit, PASSWORD + "x")
    assert account.confirm_hint.objectName() == "hintError"
    press_finish(qtbot, wiz)
    assert account.error_label.text() == "이미 사용 중인 아이디입니다. 다른 아이디를 입력해 주세요."
    assert account.login_edit.hasFocus()
    type_text(account.login_edit, "freshid01", replace=True)
    assert not account.error_label.isVisible()
    press_finish(qtbot, wiz)
    assert account.error_label.text() == "비밀번호 확인이 일치하지 않습니다."
    type_text(account.confirm_edit, PASSWORD, replace=True)
    with qtbot.waitSignal(wiz.signed_up, timeout=10_000):
        click(qtbot, wiz.button(QWizard.WizardButton.FinishButton))
    assert services.accounts.login("freshid01", PASSWORD).company_id is not None


def test_a_refusal_at_submission_returns_to_the_page_of_its_field(qtbot, wizard, sqlite_services, chooser):
    """Another desk signs the same business number up while this wizard is open."""
    services, wiz = sqlite_services, wizard
    bno = valid_business_no(7009)
    walk_to_account_page(qtbot, wiz, services, chooser, bno)
    signup_company(services, business_no=bno, n=7009)
    account = wiz.account_page
    type_text(account.login_edit, "latecomer1")
    type_text(account.password_edit, PASSWORD)
    type_text(account.confirm_edit, PASSWORD)
    with qtbot.waitSignal(wiz.relay_failed if hasattr(wiz, "relay_failed") else wiz.currentIdChanged,
                          timeout=10_000):
        click(qtbot, wiz.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.company_page)
    page = wiz.company_page
    assert page.error_label.text() == "이미 가입된 사업자등록번호입니다. 기존 아이디로 로그인해 주세요."
    assert page.business_no_edit.hasFocus() and page.business_no_edit.text() == bno
    assert not wiz.busy and wiz.isVisible()
    # everything on the later pages is still there
    assert wiz.documents_page.rows[DocumentType.LOCAL_TAX].data is not None
    assert account.login_edit.text() == "latecomer1"


def test_pdf_preview_opens_in_the_app_and_nothing_goes_to_the_system(qtbot, wizard, sqlite_services, chooser,
                                                                     monkeypatch):
    """A chosen PDF named like a program is drawn inside the app from its bytes: no URL is
    opened, no copy written under the uploaded name."""
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    wiz = wizard
    to_company_page(qtbot, wiz, sqlite_services)
    fill_company(qtbot, wiz, valid_business_no(7010), corporation=False)
    press_next(qtbot, wiz)
    data = sample_pdf("preview")
    row = attach(qtbot, wiz, chooser, DocumentType.LOCAL_TAX, "지방세.pdf.bat", data)
    assert row.data == data
    click(qtbot, row.preview_button)
    viewer = row.preview_dialog
    assert viewer is not None and viewer.isVisible() and viewer.kind == "application/pdf"
    qtbot.waitUntil(lambda: viewer.page_count == 1)
    assert not viewer.page_label.pixmap().isNull()
    assert viewer.proposed_name() == "지방세 완납증명서.pdf"
    assert opened == []
    viewer.close()


def test_cancel_asks_before_throwing_away_input(qtbot, ctx, chooser):
    wiz = SignupWizard(ctx, None, choose_file=chooser)
    qtbot.addWidget(wiz)
    wiz.show()
    qtbot.waitExposed(wiz)
    click(qtbot, wiz.terms_page.terms_check)
    click(qtbot, wiz.button(QWizard.WizardButton.CancelButton))
    box = wiz.cancel_box
    assert box is not None and box.isVisible() and wiz.isVisible()
    assert "그만두시겠습니까" in box.text()
    click(qtbot, box.yes_button)
    qtbot.waitUntil(lambda: not wiz.isVisible())
    assert wiz.result() == QWizard.DialogCode.Rejected


def test_opened_from_the_main_window_the_new_company_is_logged_in(qtbot, qapp, sqlite_services, chooser):
    from kvoucher_desktop.enums import Role
    from kvoucher_desktop.views.main_window import MainWindow

    apply_style(qapp)
    window = MainWindow(sqlite_services, "SQLite: test")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    click(qtbot, window.signup_button)
    wiz = window.signup_wizard
    assert isinstance(wiz, SignupWizard) and wiz.isVisible() and wiz.parent() is window
    wiz.documents_page.choose_file = chooser
    walk_to_account_page(qtbot, wiz, sqlite_services, chooser, valid_business_no(7011))
    type_text(wiz.account_page.login_edit, "mainwin01")
    type_text(wiz.account_page.password_edit, PASSWORD)
    type_text(wiz.account_page.confirm_edit, PASSWORD)
    with qtbot.waitSignal(window.session_changed, timeout=10_000):
        click(qtbot, wiz.button(QWizard.WizardButton.FinishButton))
    assert window.actor is not None and window.actor.role is Role.DEMAND
    assert window.actor.login_id == "mainwin01"
    qtbot.waitUntil(lambda: not wiz.isVisible())
    assert wiz.done_box is not None and wiz.done_box.parent() is window
    wiz.done_box.close()
    settle(qtbot)


def test_type_text_helper_types_hangul_like_a_user(qtbot):
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

    line = QLineEdit()
    qtbot.addWidget(line)
    edited = []
    line.textEdited.connect(edited.append)
    type_text(line, "홍길동 abc-123")
    assert line.text() == "홍길동 abc-123"
    assert edited[-1] == "홍길동 abc-123" and len(edited) == len("홍길동 abc-123")
    type_text(line, "김철수", replace=True)
    assert line.text() == "김철수"
    for cls in (QTextEdit, QPlainTextEdit):
        box = cls()
        qtbot.addWidget(box)
        type_text(box, "첫 줄\n둘째 줄")
        assert box.toPlainText() == "첫 줄\n둘째 줄"


# --- background work, messages that clear, the in-wizard simulator inbox ----------------------
def spy_on_threads(monkeypatch, services) -> list[tuple[str, bool]]:
    """Record (name, ran on the GUI thread?) for every service call the wizard makes."""
    calls: list[tuple[str, bool]] = []
    for obj, name in ((services.signup, "check_step"), (services.signup, "is_previous_participant"),
                      (services.signup, "submit"), (services.programme, "settings"),
                      (services.programme, "operators"), (services.identity, "start"),
                      (services.identity, "confirm")):
        original = getattr(obj, name)

        def wrapper(*args, _original=original, _name=name, **kwargs):
            calls.append((_name, threading.current_thread() is threading.main_thread()))
            return _original(*args, **kwargs)

        monkeypatch.setattr(obj, name, wrapper)
    return calls


def test_every_service_call_of_the_wizard_runs_off_the_gui_thread(qtbot, ctx, chooser, sqlite_services,
                                                                  monkeypatch):
    services = sqlite_services
    bno = valid_business_no(7012)
    services.programme.import_previous_participants(make_agency(services), f"사업자등록번호\n{bno}\n")
    calls = spy_on_threads(monkeypatch, services)
    wiz = open_wizard(qtbot, ctx, chooser)
    to_company_page(qtbot, wiz, services)
    fill_company(qtbot, wiz, bno, corporation=False)
    qtbot.waitUntil(lambda: wiz.company_page.previous_notice.isVisible())
    press_next(qtbot, wiz)
    qtbot.waitUntil(lambda: wiz.documents_page.previous_notice.isVisible())
    for doc_type in SOLE_DOCS:
        attach(qtbot, wiz, chooser, doc_type, f"{doc_type.value}.pdf", sample_pdf(doc_type.value))
    women = attach(qtbot, wiz, chooser, DocumentType.WOMEN_ENTERPRISE, "여성.pdf", sample_pdf("women"))
    settle(qtbot)
    women.year_combo.setCurrentIndex(women.year_combo.findData(2025))
    press_next(qtbot, wiz)
    through_managers_and_operator(qtbot, wiz)
    account = wiz.account_page
    type_text(account.login_edit, "offthread1")
    type_text(account.password_edit, PASSWORD)
    type_text(account.confirm_edit, PASSWORD)
    with qtbot.waitSignal(wiz.signed_up, timeout=10_000):
        click(qtbot, wiz.button(QWizard.WizardButton.FinishButton))
    settle(qtbot)
    assert {name for name, _ in calls} == {
        "check_step", "is_previous_participant", "submit", "settings", "operators", "start", "confirm"}
    on_gui_thread = [name for name, on_main in calls if on_main]
    assert on_gui_thread == [], on_gui_thread


def test_next_checks_in_the_background_and_keeps_what_is_typed_meanwhile(qtbot, wizard, sqlite_services,
                                                                         monkeypatch):
    services, wiz = sqlite_services, wizard
    to_company_page(qtbot, wiz, services)
    fill_company(qtbot, wiz, valid_business_no(7013), corporation=False)
    page = wiz.company_page
    release = threading.Event()
    seen = []
    original = services.signup.check_step

    def slow_check(step, form):
        seen.append((step, form.address_detail, threading.current_thread() is threading.main_thread()))
        assert release.wait(10), "the test never released the check"
        return original(step, form)

    monkeypatch.setattr(services.signup, "check_step", slow_check)
    next_button = wiz.button(QWizard.WizardButton.NextButton)
    back_button = wiz.button(QWizard.WizardButton.BackButton)
    click(qtbot, next_button)
    qtbot.waitUntil(lambda: len(seen) == 1)
    # the check is running on a worker; the GUI shows it, refuses a second Next or a Back ...
    assert seen[0][2] is False
    assert page.checking and page.busy.isVisible() and wiz.currentPage() is page
    assert not next_button.isEnabled() and not back_button.isEnabled()
    shoot(wiz, "signup_checking")
    # ... and keeps taking input: nothing typed meanwhile is lost
    type_text(page.address_detail_edit, " B동")
    release.set()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.documents_page, timeout=10_000)
    # what goes forward is what was checked: the page checked again with the new text
    assert [(step, detail) for step, detail, _ in seen] == [("company", "3층 301호"), ("company", "3층 301호 B동")]
    assert wiz.form.address_detail == "3층 301호 B동"
    assert not page.busy.isVisible() and back_button.isEnabled()
    press_back(qtbot, wiz)
    assert page.address_detail_edit.text() == "3층 301호 B동"


def test_a_page_message_goes_away_once_its_field_is_fixed(qtbot, wizard, sqlite_services, chooser):
    from kvoucher_desktop.services.rules.documents import DOC_LABELS

    wiz = wizard
    terms = wiz.terms_page
    press_next(qtbot, wiz)
    assert terms.error_label.text() == "이용약관에 동의해 주세요."
    click(qtbot, terms.terms_check)
    assert not terms.error_label.isVisible() and terms.terms_check.property("invalid") is False
    click(qtbot, terms.privacy_check)
    press_next(qtbot, wiz)
    through_identity(qtbot, wiz, sqlite_services)
    fill_company(qtbot, wiz, valid_business_no(7014), corporation=False)
    press_next(qtbot, wiz)

    # 제출서류: the message about the missing 지방세 완납증명서 stays until it is attached
    docs = wiz.documents_page
    for doc_type in (DocumentType.BUSINESS_REGISTRATION, DocumentType.NATIONAL_TAX):
        attach(qtbot, wiz, chooser, doc_type, f"{doc_type.value}.pdf", sample_pdf(doc_type.value))
    press_next(qtbot, wiz)
    local = docs.rows[DocumentType.LOCAL_TAX]
    label = DOC_LABELS[DocumentType.LOCAL_TAX]
    assert label == "지방세 완납증명서" and docs.error_label.text() == "필수 서류 '지방세 완납증명서'를 첨부해 주세요."
    assert local.property("invalid") is True
    attach(qtbot, wiz, chooser, DocumentType.LOCAL_TAX, "메모.pdf", "텍스트".encode())  # refused: still missing
    assert docs.error_label.isVisible() and local.message.isVisible()
    attach(qtbot, wiz, chooser, DocumentType.LOCAL_TAX, "지방세.pdf", sample_pdf("local"))
    assert not docs.error_label.isVisible()
    assert local.property("invalid") is False
    press_next(qtbot, wiz)

    through_managers(qtbot, wiz)

    # 운영기관: the message goes once one is chosen
    operators = wiz.operator_page
    qtbot.waitUntil(lambda: operators.loaded)
    press_next(qtbot, wiz)
    assert operators.error_label.text() == "운영기관을 선택해 주세요."
    assert operators.table.property("invalid") is True
    operators.table.selectRow(1)
    assert not operators.error_label.isVisible()
    assert operators.table.property("invalid") is False
    press_next(qtbot, wiz)
    assert wiz.currentPage() is wiz.account_page


def test_the_wizard_shows_the_simulated_sms_in_its_own_labelled_inbox(qtbot, wizard, sqlite_services):
    services, wiz = sqlite_services, wizard
    through_terms(qtbot, wiz)
    page = wiz.identity_page
    inbox, box = page.inbox, page.verify
    assert inbox.isVisible() and inbox.title.isVisible()
    assert inbox.title.text() == "시뮬레이터 — 문자 수신함" and inbox.title.objectName() == "simBadge"
    assert inbox.text() == "" and inbox.empty_label.isVisible()

    type_text(box.name_edit, "홍길동")
    type_text(box.phone_edit, "010-1234-5678")
    click(qtbot, box.send_button)
    assert not box.send_button.isEnabled() and box.phone_edit.isReadOnly()  # while it is sent
    qtbot.waitUntil(lambda: not box.pending)
    assert box.send_button.isEnabled() and not box.phone_edit.isReadOnly()
    code = sms_code(services, "010-1234-5678")
    qtbot.waitUntil(lambda: code in inbox.text())
    assert "010-1234-5678" in inbox.text() and not inbox.empty_label.isVisible()
    assert code not in ui_texts(wiz)  # the inbox is the only place that shows it
    page.scroll.ensureWidgetVisible(inbox)
    shoot(wiz, "signup_identity_inbox")

    # a message to another phone (another desk's verification) is not listed here
    services.identity.start("김다른", "010-9999-0000")
    qtbot.waitUntil(lambda: len(inbox.messages) == 2)
    assert "010-9999-0000" not in inbox.text()

    # the payment manager's inbox appears with its verification, for its own phone
    managers = wiz.managers_page
    assert not managers.payment_inbox.isVisibleTo(managers)
    managers.payment_other_radio.setChecked(True)
    assert managers.payment_inbox.isVisibleTo(managers) and managers.payment_inbox.text() == ""


def test_a_result_arriving_after_the_wizard_closed_is_ignored(qtbot, ctx, chooser, sqlite_services,
                                                              monkeypatch):
    services = sqlite_services
    wiz = open_wizard(qtbot, ctx, chooser)
    through_terms(qtbot, wiz)
    page = wiz.identity_page
    verify(qtbot, services, page.verify, "홍길동", "010-1234-5678", page.inbox)
    release = threading.Event()
    original = services.signup.check_step
    started = []

    def slow_check(step, form):
        started.append(step)
        assert release.wait(10)
        return original(step, form)

    monkeypatch.setattr(services.signup, "check_step", slow_check)
    click(qtbot, wiz.button(QWizard.WizardButton.NextButton))
    qtbot.waitUntil(lambda: started == ["identity"])
    click(qtbot, wiz.button(QWizard.WizardButton.CancelButton))
    assert wiz.closed and not wiz.isVisible()
    release.set()
    settle(qtbot)
    qtbot.wait(20)
    assert not wiz.isVisible() and wiz.currentPage() is not wiz.company_page
    # the wizard no longer listens to the SMS gateway
    before = len(page.inbox.messages)
    services.sms.send("010-1234-5678", "[K-비대면바우처] 닫힌 뒤의 문자")
    qtbot.wait(20)
    assert len(page.inbox.messages) == before
