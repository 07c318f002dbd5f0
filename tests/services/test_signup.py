"""Demand-company signup (SPEC §8): numbers, re-signup, documents, identity, credentials."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import replace

import pytest

from kvoucher_desktop.enums import CompanyType, DocumentType, IssuerType, Role, ScreeningAction, ScreeningStatus
from kvoucher_desktop.services.dto import DocumentUpload
from kvoucher_desktop.services.errors import (
    AuthenticationError,
    SignupRefused,
    ValidationError,
    VerificationError,
)
from kvoucher_desktop.services.sample_files import sample_jpeg, sample_pdf, sample_png
from kvoucher_desktop.services.signup import SignupService
from kvoucher_desktop.services.uow import UnitOfWork

from tests.concurrency import at_once
from tests.factories import (
    PASSWORD,
    company_in_state,
    document,
    invalid_business_no,
    make_agency,
    mobile,
    signup_company,
    signup_form,
    sms_code,
    valid_business_no,
    verify_phone,
)

D = DocumentType
BASE_DOCS = {D.BUSINESS_REGISTRATION, D.NATIONAL_TAX, D.LOCAL_TAX}
LABELS = {
    D.BUSINESS_REGISTRATION: "사업자등록증", D.NATIONAL_TAX: "국세 완납증명서", D.LOCAL_TAX: "지방세 완납증명서",
    D.CORPORATE_REGISTRY: "법인 등기부등본", D.INSURANCE_ROSTER: "4대보험 사업장 가입자 명부",
}
KINDS = [
    (CompanyType.SOLE, IssuerType.REPRESENTATIVE, BASE_DOCS),
    (CompanyType.SOLE, IssuerType.STAFF, BASE_DOCS | {D.INSURANCE_ROSTER}),
    (CompanyType.CORPORATION, IssuerType.REPRESENTATIVE, BASE_DOCS | {D.CORPORATE_REGISTRY}),
    (CompanyType.CORPORATION, IssuerType.STAFF, BASE_DOCS | {D.CORPORATE_REGISTRY, D.INSURANCE_ROSTER}),
]
KIND_IDS = [f"{c.value}-{i.value}" for c, i, _ in KINDS]


def _no_company(services, business_no):
    agency = make_agency(services)
    assert services.screening.list_companies(agency, query=business_no).rows == ()


# --- a successful signup --------------------------------------------------------------------------
@pytest.mark.parametrize("company_type,issuer_type,required", KINDS, ids=KIND_IDS)
def test_signup_creates_a_reviewing_company_with_its_login(services, clock, company_type, issuer_type, required):
    form = signup_form(services, company_type=company_type, issuer_type=issuer_type)
    actor = services.signup.submit(form).value
    assert actor.role is Role.DEMAND and actor.login_id == form.login_id
    view = services.companies.get(actor)
    assert view.status is ScreeningStatus.REVIEWING and view.submitted_at == clock.now()
    assert view.business_no == form.business_no and view.company_type is company_type
    assert view.info.issuer_type is issuer_type
    assert {d.doc_type for d in view.documents} == required and view.missing_documents == ()
    assert view.operator.id == form.operator_id and view.programme_year == 2026
    assert [(e.action, e.to_status, e.actor_role) for e in view.history] == [
        (ScreeningAction.SUBMIT, ScreeningStatus.REVIEWING, Role.DEMAND)]
    if company_type is CompanyType.CORPORATION:
        assert view.info.corporate_no == form.corporate_no.replace("-", "")
    else:
        assert view.info.corporate_no is None
    if issuer_type is IssuerType.STAFF:
        assert (view.info.manager_name, view.info.manager_phone) == (form.identity_name, form.identity_phone)
    assert services.accounts.login(form.login_id, PASSWORD).company_id == actor.company_id


# --- business number ------------------------------------------------------------------------------
@pytest.mark.parametrize("text,accepted", [
    (valid_business_no(1), True),
    (valid_business_no(2, dashed=True), True),
    (f"  {valid_business_no(3, dashed=True)} ", True),
    (invalid_business_no(4), False),
    (valid_business_no(5)[:9], False),
    (valid_business_no(6) + "0", False),
    (valid_business_no(7).replace("1", "l", 1), False),
    ("", False),
])
def test_business_number_is_checked_at_the_company_step(services, text, accepted):
    form = signup_form(services, business_no=text)
    if accepted:
        services.signup.check_step("company", form)
        actor = services.signup.submit(form).value
        assert services.companies.get(actor).business_no == text.strip().replace("-", "")
    else:
        with pytest.raises(ValidationError) as refused:
            services.signup.check_step("company", form)
        assert refused.value.field == "business_no" and "사업자등록번호" in refused.value.message
        with pytest.raises(ValidationError):
            services.signup.submit(form)


def test_an_already_registered_business_number_is_refused(services):
    first = signup_form(services)
    services.signup.submit(first)
    again = signup_form(services, business_no=first.business_no[:3] + "-" + first.business_no[3:5] + "-"
                        + first.business_no[5:])
    with pytest.raises(SignupRefused) as refused:
        services.signup.check_step("company", again)
    assert refused.value.field == "business_no"
    assert "이미 가입된 사업자등록번호" in refused.value.message
    with pytest.raises(SignupRefused):
        services.signup.submit(again)
    with pytest.raises(AuthenticationError):
        services.accounts.login(again.login_id, PASSWORD)


@pytest.mark.parametrize("status", [ScreeningStatus.REJECTED, ScreeningStatus.APPROVED])
def test_a_number_screened_this_year_cannot_sign_up_again(services, status):
    demand, company_id = company_in_state(services, status)
    business_no = services.companies.get(demand).business_no
    form = signup_form(services, business_no=business_no)
    with pytest.raises(SignupRefused) as refused:
        services.signup.submit(form)
    if status is ScreeningStatus.REJECTED:
        assert "2026년 심사에서 탈락" in refused.value.message and "다시 신청할 수 없습니다" in refused.value.message
    else:
        assert "이미 가입된" in refused.value.message
    agency = make_agency(services)
    assert [r.id for r in services.screening.list_companies(agency, query=business_no).rows] == [company_id]


# --- previous-year participants -------------------------------------------------------------------
@pytest.fixture
def previous_participant(services):
    business_no = valid_business_no(777)
    stored = services.programme.import_previous_participants(
        make_agency(services), f"사업자등록번호\n{business_no}\n{valid_business_no(778, dashed=True)}\n").value
    assert stored == 2
    return business_no


def _docs_with(*extra: DocumentUpload) -> dict:
    docs = {t: document(t) for t in BASE_DOCS}
    docs.update({u.doc_type: u for u in extra})
    return docs


def test_previous_year_participant_without_certificate_is_refused(services, previous_participant):
    assert services.signup.is_previous_participant(previous_participant)
    form = signup_form(services, business_no=previous_participant)
    with pytest.raises(SignupRefused) as refused:
        services.signup.check_step("documents", form)
    assert "2025년" in refused.value.message
    assert "장애인기업확인서 또는 여성기업확인서" in refused.value.message
    with pytest.raises(SignupRefused):
        services.signup.submit(form)
    _no_company(services, previous_participant)


@pytest.mark.parametrize("doc_type", [D.DISABLED_ENTERPRISE, D.WOMEN_ENTERPRISE])
def test_previous_year_participant_needs_a_certificate_issued_last_year(services, previous_participant, doc_type):
    stale = signup_form(services, business_no=previous_participant,
                        documents=_docs_with(document(doc_type, issued_year=2024)))
    with pytest.raises(SignupRefused) as refused:
        services.signup.submit(stale)
    assert "2025년에 발급된" in refused.value.message
    _no_company(services, previous_participant)

    fresh = signup_form(services, business_no=previous_participant,
                        documents=_docs_with(document(doc_type, issued_year=2025)))
    actor = services.signup.submit(fresh).value
    docs = services.companies.get(actor).documents
    assert [(d.doc_type, d.issued_year) for d in docs if d.doc_type is doc_type] == [(doc_type, 2025)]


def test_only_the_previous_year_counts(services):
    agency = make_agency(services)
    older = valid_business_no(779)
    services.programme.import_previous_participants(agency, older, year=2024)
    assert not services.signup.is_previous_participant(older)
    assert services.signup.submit(signup_form(services, business_no=older)).value.company_id is not None
    assert not services.signup.is_previous_participant(valid_business_no(780))


# --- documents ------------------------------------------------------------------------------------
MISSING = [(c, i, d) for c, i, req in KINDS for d in sorted(req, key=lambda t: t.value)]


@pytest.mark.parametrize("company_type,issuer_type,missing", MISSING,
                         ids=[f"{c.value}-{i.value}-{d.value}" for c, i, d in MISSING])
def test_a_missing_required_document_is_named(services, company_type, issuer_type, missing):
    form = signup_form(services, company_type=company_type, issuer_type=issuer_type)
    del form.documents[missing]
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(form)
    assert LABELS[missing] in refused.value.message
    assert refused.value.field == f"doc:{missing.value}"
    _no_company(services, form.business_no)


def test_file_kind_is_judged_by_content_and_stored_with_its_sha256(services):
    png = sample_png(rgb=(1, 2, 3))
    pdf = sample_pdf("national tax")
    form = signup_form(services, documents=_docs_with(
        DocumentUpload(D.BUSINESS_REGISTRATION, "사업자등록증.pdf", png),  # misnamed but a real PNG
        DocumentUpload(D.NATIONAL_TAX, "scan.png", pdf),
        DocumentUpload(D.LOCAL_TAX, "local.jpg", sample_jpeg()),
    ))
    actor = services.signup.submit(form).value
    docs = {d.doc_type: d for d in services.companies.get(actor).documents}
    assert docs[D.BUSINESS_REGISTRATION].content_type == "image/png"
    assert docs[D.NATIONAL_TAX].content_type == "application/pdf"
    assert docs[D.LOCAL_TAX].content_type == "image/jpeg"
    # stored under the sniffed kind's extension (the name is what lists show, never what runs)
    assert docs[D.BUSINESS_REGISTRATION].filename == "사업자등록증.png"
    assert docs[D.NATIONAL_TAX].filename == "scan.pdf" and docs[D.LOCAL_TAX].filename == "local.jpg"
    assert docs[D.BUSINESS_REGISTRATION].sha256 == hashlib.sha256(png).hexdigest()
    assert docs[D.BUSINESS_REGISTRATION].size == len(png)
    view, content = services.companies.document_content(actor, docs[D.NATIONAL_TAX].id)
    assert content == pdf and view.sha256 == hashlib.sha256(pdf).hexdigest()


def test_the_same_file_may_serve_for_two_documents(services):
    same = sample_pdf("tax certificates")
    form = signup_form(services, documents=_docs_with(DocumentUpload(D.NATIONAL_TAX, "세금.pdf", same),
                                                      DocumentUpload(D.LOCAL_TAX, "세금.pdf", same)))
    actor = services.signup.submit(form).value
    docs = {d.doc_type: d for d in services.companies.get(actor).documents}
    assert docs[D.NATIONAL_TAX].sha256 == docs[D.LOCAL_TAX].sha256
    assert services.companies.document_content(actor, docs[D.LOCAL_TAX].id)[1] == same


@pytest.mark.parametrize("data,words", [
    (b"just some text, not a PDF at all", "PDF, JPG, PNG 파일이 아닙니다"),
    (b"GIF89a" + b"\x00" * 50, "PDF, JPG, PNG 파일이 아닙니다"),
    (b"", "비어 있습니다"),
    (b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "10MB 이하"),
], ids=["text", "gif", "empty", "over-10MB"])
def test_unacceptable_files_are_refused_by_name(services, data, words):
    form = signup_form(services, documents=_docs_with(DocumentUpload(D.LOCAL_TAX, "지방세.pdf", data)))
    with pytest.raises(ValidationError) as refused:
        services.signup.check_step("documents", form)
    assert "'지방세.pdf'" in refused.value.message and words in refused.value.message
    assert refused.value.field == f"doc:{D.LOCAL_TAX.value}"
    with pytest.raises(ValidationError):
        services.signup.submit(form)
    _no_company(services, form.business_no)


def test_a_file_of_exactly_10_mb_is_accepted(services):
    data = sample_pdf("ten megabytes", size=10 * 1024 * 1024)
    assert len(data) == 10 * 1024 * 1024
    form = signup_form(services, documents=_docs_with(DocumentUpload(D.LOCAL_TAX, "big.pdf", data)))
    services.signup.check_step("documents", form)


# --- identity verification ------------------------------------------------------------------------
def test_identity_code_confirms_name_and_phone(services):
    request = services.identity.start(" 홍길동 ", "01012345678")
    code = sms_code(services, "010-1234-5678")
    identity = services.identity.confirm(request, code)
    assert (identity.name, identity.phone) == ("홍길동", "010-1234-5678")
    assert services.identity.check(identity.token, "홍길동", "010-1234-5678")
    assert services.identity.check(identity.token, "홍길동", "01012345678")
    assert not services.identity.check(identity.token, "홍길순", "010-1234-5678")
    assert not services.identity.check(identity.token, "홍길동", "010-1234-5679")
    assert not services.identity.check("forged-token", "홍길동", "010-1234-5678")
    with pytest.raises(VerificationError):  # a code works once
        services.identity.confirm(request, code)


def test_wrong_codes_count_down_and_the_fifth_ends_the_request(services):
    request = services.identity.start("홍길동", "010-2222-3333")
    code = sms_code(services, "010-2222-3333")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(VerificationError) as refused:
            services.identity.confirm(request, wrong)
        assert f"남은 횟수 {left}회" in refused.value.message
    with pytest.raises(VerificationError) as refused:
        services.identity.confirm(request, wrong)
    assert "5회" in refused.value.message
    with pytest.raises(VerificationError):
        services.identity.confirm(request, code)  # even the right code is too late now
    fresh = services.identity.start("홍길동", "010-2222-3333")
    assert services.identity.confirm(fresh, sms_code(services, "010-2222-3333")).token


def test_a_code_is_valid_for_three_minutes(services, clock):
    request = services.identity.start("홍길동", "010-4444-5555")
    code = sms_code(services, "010-4444-5555")
    clock.advance(minutes=3, seconds=1)
    with pytest.raises(VerificationError) as refused:
        services.identity.confirm(request, code)
    assert "3분" in refused.value.message

    request = services.identity.start("홍길동", "010-4444-5555")
    clock.advance(minutes=2, seconds=59)
    assert services.identity.confirm(request, sms_code(services, "010-4444-5555")).token


@pytest.mark.parametrize("name,phone", [("홍길동", "010-123-4567"), ("", "010-1234-5678"), ("홍길동", "02-123-4567")])
def test_identity_needs_a_name_and_a_mobile_number(services, name, phone):
    with pytest.raises(ValidationError):
        services.identity.start(name, phone)
    assert services.sms.outbox == []


def test_signup_needs_a_token_for_the_verified_person(services):
    form = signup_form(services)
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(replace(form, identity_token=""))
    assert refused.value.field == "identity"
    with pytest.raises(ValidationError) as refused:  # the token is someone else's
        services.signup.submit(replace(form, identity_name="김철수"))
    assert refused.value.field == "identity"
    other = verify_phone(services, "김철수", mobile(55_555))
    with pytest.raises(ValidationError) as refused:  # a real token, but for another person
        services.signup.submit(replace(form, identity_token=other))
    assert refused.value.field == "identity"
    # a representative issuer must be the verified person
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(replace(form, representative_name="김철수"))
    assert refused.value.field == "representative_name"
    _no_company(services, form.business_no)
    services.signup.submit(form)


def test_one_verification_signs_up_one_company(services):
    form = signup_form(services)
    services.signup.submit(form)
    second = replace(form, business_no=valid_business_no(777_001), login_id="second-company")
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(second)
    assert refused.value.field == "identity"


def test_sms_codes_never_reach_the_audit_log(services):
    actor = signup_company(services)
    codes = {m.text.split("[")[2].split("]")[0] for m in services.sms.outbox}
    assert codes
    for record in services.audit.records_unchecked(entity_id=actor.company_id):
        for code in codes:
            assert code not in (record.before or "") + (record.after or "")


# --- credentials ----------------------------------------------------------------------------------
def test_login_id_is_unique_ignoring_case(services):
    first = signup_form(services)
    services.signup.submit(first)
    form = signup_form(services, login_id=first.login_id.upper())
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(form)
    assert refused.value.field == "login_id" and "이미 사용 중인 아이디" in refused.value.message
    _no_company(services, form.business_no)


@pytest.mark.parametrize("password,confirm,field", [
    ("short-pw9", "short-pw9", "password"),  # 9 characters
    ("", "", "password"),
    ("long-enough-1", "long-enough-2", "password_confirm"),
])
def test_password_rules_at_signup(services, password, confirm, field):
    form = signup_form(services, password=password, password_confirm=confirm)
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(form)
    assert refused.value.field == field
    _no_company(services, form.business_no)


def test_a_ten_character_password_is_enough_and_is_stored_hashed(services):
    form = signup_form(services, password="abcdefghi1", password_confirm="abcdefghi1")
    actor = services.signup.submit(form).value
    assert services.accounts.login(form.login_id, "abcdefghi1").user_id == actor.user_id
    records = services.audit.records_unchecked(limit=10_000)
    assert all("abcdefghi1" not in (r.before or "") + (r.after or "") for r in records)


def test_signup_outside_the_application_window_is_refused(services):
    agency = make_agency(services)
    settings = services.programme.settings()
    services.programme.update_settings(agency, replace(
        settings, application_start=settings.application_start.replace(month=4)))
    form = signup_form(services)
    with pytest.raises(SignupRefused) as refused:
        services.signup.submit(form)
    assert "신청 기간" in refused.value.message
    _no_company(services, form.business_no)


def test_signup_is_audited_with_the_submitted_data(services, clock):
    actor = signup_company(services)
    record = services.audit.records_unchecked(entity_id=actor.company_id)[0]
    assert (record.action, record.actor_role, record.at) == ("company.signup", "DEMAND", clock.now())
    after = json.loads(record.after)
    assert after["status"] == "REVIEWING" and len(after["business_no"]) == 10
    assert after["documents"] == sorted(d.value for d in BASE_DOCS)


# --- two desks at the same moment -----------------------------------------------------------------
@pytest.mark.parametrize("clash", ["business_no", "login_id"])
def test_simultaneous_signups_get_a_clear_refusal_not_a_database_error(services, monkeypatch, clash):
    """Both desks pass every check before either inserts; the loser gets the Korean refusal."""
    first = signup_form(services)
    second = signup_form(services, **{clash: getattr(first, clash)})
    outcomes = _submit_both_after_their_checks(services, monkeypatch, first, second)
    assert len(outcomes) == 2
    winner, loser = outcomes
    assert not isinstance(winner, Exception), outcomes
    expected = SignupRefused if clash == "business_no" else ValidationError
    assert isinstance(loser, expected), repr(loser)
    assert loser.field == clash
    assert services.screening.counts(make_agency(services))[ScreeningStatus.REVIEWING] == 1
    # the loser's verification was not used up: corrected, the same form goes through
    lost = second if winner.name == first.name else first
    services.signup.submit(replace(lost, business_no=valid_business_no(777_101), login_id="corrected-login"))


def _submit_both_after_their_checks(services, monkeypatch, first, second) -> list:
    """Submit the two forms on two threads that both pass every check before either goes on;
    each result is the actor or the exception, the winner first."""
    both_checked = threading.Barrier(2, timeout=20)
    check_account = SignupService._check_account

    def check_then_wait(self, session, form):
        check_account(self, session, form)
        both_checked.wait()

    monkeypatch.setattr(SignupService, "_check_account", check_then_wait)
    results = at_once(*(lambda form=form: services.signup.submit(form).value for form in (first, second)))
    monkeypatch.setattr(SignupService, "_check_account", check_account)
    assert None not in results, results  # both desks came back
    return sorted(results, key=lambda r: isinstance(r, Exception))


def test_one_token_submitted_on_two_desks_at_once_signs_up_one_company(services, monkeypatch):
    """Both submits pass the token check before either has redeemed it; only one redeems it."""
    first = signup_form(services)
    other = signup_form(services, verify=False)
    second = replace(first, name=other.name, business_no=other.business_no, login_id=other.login_id)
    outcomes = _submit_both_after_their_checks(services, monkeypatch, first, second)
    assert len(outcomes) == 2
    winner, loser = outcomes
    assert not isinstance(winner, Exception), outcomes
    assert isinstance(loser, ValidationError), repr(loser)
    assert loser.field == "identity" and "이미" in loser.message
    assert services.screening.counts(make_agency(services))[ScreeningStatus.REVIEWING] == 1


def test_a_signup_that_fails_after_redeeming_leaves_the_token_usable(services, monkeypatch):
    form = signup_form(services)

    def the_store_fails(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(UnitOfWork, "commit", the_store_fails)
        with pytest.raises(OSError):
            services.signup.submit(form)
    assert services.identity.check(form.identity_token, form.identity_name, form.identity_phone)
    services.signup.submit(form)  # the person does not have to verify again
    assert not services.identity.check(form.identity_token, form.identity_name, form.identity_phone)


def test_a_different_payment_manager_verifies_their_own_phone(services):
    phone = mobile(66_666)
    form = signup_form(services, payment_same_as_representative=False, payment_manager_name="결제담당",
                       payment_manager_phone=phone)
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(form)
    assert refused.value.field == "payment_manager_verify"
    form.payment_manager_token = verify_phone(services, "다른사람", phone)
    with pytest.raises(ValidationError):
        services.signup.submit(form)
    form.payment_manager_token = verify_phone(services, "결제담당", phone)
    actor = services.signup.submit(form).value
    info = services.companies.get(actor).info
    assert (info.payment_manager_name, info.payment_manager_phone) == ("결제담당", phone)


def test_a_payment_managers_token_used_meanwhile_is_refused_at_its_field_and_frees_the_other(services, monkeypatch):
    """Another desk's signup redeemed the payment manager's token between this one's check and its
    commit: the refusal names the payment manager's verification (the wizard asks for it again),
    and the representative's token, redeemed first, is usable again."""
    phone = mobile(66_667)
    form = signup_form(services, payment_same_as_representative=False, payment_manager_name="결제담당",
                       payment_manager_phone=phone)
    form.payment_manager_token = verify_phone(services, "결제담당", phone)
    redeem = services.identity.redeem

    def used_meanwhile(token):
        return False if token == form.payment_manager_token else redeem(token)

    monkeypatch.setattr(services.identity, "redeem", used_meanwhile)
    with pytest.raises(ValidationError) as refused:
        services.signup.submit(form)
    assert refused.value.field == "payment_manager_verify" and "이미" in refused.value.message
    _no_company(services, form.business_no)
    assert services.identity.check(form.identity_token, form.identity_name, form.identity_phone)
