"""Cleaning whole forms (signup steps, company information, the service form) per SPEC §8.

Each function takes what a view handed over and returns a copy with every text field cleaned
by `rules.inputs` (type, characters, length: the table in `rules/limits.py`), before the service
opens a database session. Format rules (a business number's check digit, a mobile number's
shape, "required") stay where they were; they now see cleaned values only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..enums import CompanyType, DocumentType, IssuerType
from .dto import CompanyInfo, DocumentUpload, ServiceForm
from .errors import ValidationError
from .rules.inputs import (
    clean_amount,
    clean_bool,
    clean_enum,
    clean_int,
    clean_number_text,
    clean_password,
    clean_text,
    clean_uuid,
)
from .rules.documents import content_error, document_error, shown_name
from .rules.limits import MAX_EMPLOYEES
from .rules.numbers import ascii_int


def _token(value: Any, field: str) -> str:
    """A verification token the simulator handed out (opaque text)."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 200:
        raise ValidationError("휴대폰 인증 정보가 올바르지 않습니다. 인증을 다시 해 주세요.", field=field, code="wrong_type")
    return str.__str__(value)


def _employees(value: Any) -> str:
    """상시 근로자 수 as typed (text, or an int from code): ASCII digits only after NFKC."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return clean_number_text(value, "company.employees")


def employees_number(text: str) -> int:
    number = ascii_int(text)
    if number is None:
        raise ValidationError("상시 근로자 수는 숫자로 입력해 주세요.", field="employees")
    if not 1 <= number <= MAX_EMPLOYEES:
        raise ValidationError("상시 근로자 수는 1명 이상이어야 합니다. (대표자 포함)", field="employees")
    return number


def _documents(value: Any) -> dict:
    if not isinstance(value, dict) or not all(
            isinstance(k, DocumentType) and isinstance(v, DocumentUpload) for k, v in value.items()):
        raise ValidationError("첨부 서류 정보가 올바르지 않습니다. 서류를 다시 첨부해 주세요.", field="documents",
                              code="wrong_type")
    return value


def _applicant(form) -> dict[str, Any]:
    """Who applies and the person verified: the fields the company and managers steps re-check."""
    return dict(
        issuer_type=clean_enum(form.issuer_type, IssuerType, "issuer_type", "바우처 발급자 구분"),
        identity_name=clean_text(form.identity_name, "identity.name", field="identity", required=False),
        identity_phone=clean_number_text(form.identity_phone, "identity.phone", field="identity"),
    )


def _company_details(form) -> dict[str, Any]:
    """The company fields a signup form and an edited CompanyInfo share (same names, same limits)."""
    return dict(
        representative_name=clean_text(form.representative_name, "company.representative_name", required=False),
        representative_phone=clean_number_text(form.representative_phone, "company.representative_phone"),
        address=clean_text(form.address, "company.address", required=False),
        address_detail=clean_text(form.address_detail, "company.address_detail", required=False),
        phone=clean_number_text(form.phone, "company.phone"),
        industry=clean_text(form.industry, "company.industry", required=False),
    )


def clean_signup_step(step: str, form):
    """A copy of the SignupForm `form` with the fields of wizard step `step` cleaned."""
    t = clean_text
    changes: dict[str, Any] = {}
    if step == "terms":
        changes = dict(agree_terms=clean_bool(form.agree_terms, "agree_terms", "이용약관 동의"),
                       agree_privacy=clean_bool(form.agree_privacy, "agree_privacy", "개인정보 처리방침 동의"))
    elif step == "identity":
        changes = dict(
            issuer_type=clean_enum(form.issuer_type, IssuerType, "issuer_type", "바우처 발급자 구분"),
            identity_token=_token(form.identity_token, "identity"),
            identity_name=t(form.identity_name, "identity.name", field="identity", required=False),
            identity_phone=clean_number_text(form.identity_phone, "identity.phone", field="identity"),
        )
    elif step == "company":
        company_type = clean_enum(form.company_type, CompanyType, "company_type", "기업 구분")
        changes = dict(
            **_applicant(form),
            company_type=company_type,
            name=t(form.name, "company.name", required=False),
            business_no=clean_number_text(form.business_no, "company.business_no"),
            corporate_no=clean_number_text(form.corporate_no, "company.corporate_no")
            if company_type is CompanyType.CORPORATION else "",
            **_company_details(form),
            employees=_employees(form.employees),
        )
    elif step == "documents":
        changes = dict(company_type=clean_enum(form.company_type, CompanyType, "company_type", "기업 구분"),
                       issuer_type=clean_enum(form.issuer_type, IssuerType, "issuer_type", "바우처 발급자 구분"),
                       documents=_documents(form.documents))
    elif step == "managers":
        same = clean_bool(form.manager_same_as_representative, "manager_same_as_representative", "대표자와 동일")
        pay_same = clean_bool(form.payment_same_as_representative, "payment_same_as_representative", "대표자와 동일")
        changes = dict(
            **_applicant(form),
            manager_same_as_representative=same, payment_same_as_representative=pay_same,
            manager_email=t(form.manager_email, "company.manager_email", required=False),
        )
        # the representative's fields stand in for the manager's: clean them as the company step does
        changes.update(
            representative_name=t(form.representative_name, "company.representative_name", required=False),
            representative_phone=clean_number_text(form.representative_phone, "company.representative_phone"))
        if not same:  # what is typed in a hidden (ignored) field is not refused
            changes.update(manager_name=t(form.manager_name, "company.manager_name", required=False),
                           manager_phone=clean_number_text(form.manager_phone, "company.manager_phone"))
        if not pay_same:
            changes.update(
                payment_manager_name=t(form.payment_manager_name, "company.payment_manager_name", required=False),
                payment_manager_phone=clean_number_text(form.payment_manager_phone, "company.payment_manager_phone"),
                payment_manager_token=_token(form.payment_manager_token, "payment_manager_verify"))
    elif step == "operator":
        changes = dict(operator_id=clean_uuid(form.operator_id, "operator_id", optional=True))
    elif step == "account":
        changes = dict(login_id=t(form.login_id, "account.login_id", required=False),
                       password=clean_password(form.password),
                       password_confirm=clean_password(form.password_confirm, "password_confirm", "비밀번호 확인"))
    else:
        raise ValidationError("알 수 없는 가입 단계입니다.", field="step", code="unknown_step")
    return dataclasses.replace(form, **changes)


def clean_company_info(info: Any) -> CompanyInfo:
    """The edited company information with every field's type, characters and length checked."""
    if not isinstance(info, CompanyInfo):
        raise ValidationError("기업 정보 형식이 올바르지 않습니다.", field="info", code="wrong_type")
    t = clean_text
    employees = info.employees
    if isinstance(employees, bool) or not isinstance(employees, int):
        raise ValidationError("상시 근로자 수는 숫자로 입력해 주세요.", field="employees", code="wrong_type")
    return CompanyInfo(
        name=t(info.name, "company.name", required=False),
        **_company_details(info),
        employees=employees,
        manager_name=t(info.manager_name, "company.manager_name", required=False),
        manager_phone=clean_number_text(info.manager_phone, "company.manager_phone"),
        manager_email=t(info.manager_email, "company.manager_email", required=False),
        payment_manager_name=t(info.payment_manager_name, "company.payment_manager_name", required=False),
        payment_manager_phone=clean_number_text(info.payment_manager_phone, "company.payment_manager_phone"),
        issuer_type=clean_enum(info.issuer_type, IssuerType, "issuer_type", "바우처 발급자 구분"),
        corporate_no=clean_number_text(info.corporate_no, "company.corporate_no") or None,
    )


def clean_service_form(form: Any) -> ServiceForm:
    """A supplier's service form with its texts, price and flags checked (the image is checked
    with the documents' rules)."""
    if not isinstance(form, ServiceForm):
        raise ValidationError("서비스 정보 형식이 올바르지 않습니다.", field="form", code="wrong_type")
    if form.image is not None and not isinstance(form.image, (bytes, bytearray)):
        raise ValidationError("대표 이미지는 JPG 또는 PNG 파일이어야 합니다.", field="image", code="wrong_type")
    return dataclasses.replace(
        form,
        name=clean_text(form.name, "service.name"),
        category_code=clean_text(form.category_code, "service.category_code", required=False),
        keywords=clean_text(form.keywords, "service.keywords", required=False),
        price=clean_amount(form.price, "price", "가격"),
        description=clean_text(form.description, "service.description", required=False),
        hidden=clean_bool(form.hidden, "hidden", "숨김"),
        remove_image=clean_bool(form.remove_image, "remove_image", "이미지 삭제"),
    )


#: a certificate's issue year (장애인기업/여성기업 확인서) is a plausible calendar year
ISSUED_YEAR_MIN, ISSUED_YEAR_MAX = 2000, 2100


def check_upload(upload: DocumentUpload) -> None:
    """Kind by content, size, and the content itself: a PDF PDFium opens, an image within the
    decoding limits (rules.documents.content_error). Messages name the cleaned file name."""
    field = f"doc:{upload.doc_type.value}"
    if not isinstance(upload.data, bytes):
        raise ValidationError("올린 파일의 내용을 읽을 수 없습니다. 파일을 다시 선택해 주세요.", field=field)
    if upload.issued_year is not None:
        clean_int(upload.issued_year, field, "발급 연도", minimum=ISSUED_YEAR_MIN, maximum=ISSUED_YEAR_MAX)
    shown = shown_name(upload.filename)
    message = document_error(shown, upload.data) or content_error(shown, upload.data)
    if message:
        raise ValidationError(message, field=field)
