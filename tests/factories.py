"""Test data built through the real services (shared by service, view and acceptance tests).

Everything here goes through the public services except `make_agency`, which bootstraps the
first agency account the same way `services/demo.py` does (nobody exists yet to create it).
Each helper makes unique business numbers, phones and login ids, so tests can call them freely.

Every Actor returned is a handle of a real login session: `signup_company` gets it from
`signup.submit`; the others open one with `services.sessions.open_for(user_id)` (a session
without a password check and without an audit row of a login, so tests that count audit rows
see only what they did). An Actor built by hand is refused by every service.
"""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import datetime

from sqlalchemy import select

from kvoucher_desktop.enums import CompanyType, DocumentType, IssuerType, Role, ScreeningStatus
from kvoucher_desktop.models import User
from kvoucher_desktop.services.clock import KST
from kvoucher_desktop.services.dto import Actor, DocumentUpload
from kvoucher_desktop.services.registry import Services
from kvoucher_desktop.services.rules.documents import required_documents
from kvoucher_desktop.services.rules.numbers import business_no_check_digit, format_business_no
from kvoucher_desktop.services.sample_files import sample_pdf, sample_png
from kvoucher_desktop.services.signup import SignupForm

#: the programme year the `clock` fixture sits in, and its start time
PROGRAMME_YEAR = 2026
START = datetime(2026, 3, 2, 10, 0, tzinfo=KST)
#: one password for every account the factories create (≥ 10 characters)
PASSWORD = "test-pass-2026!"
AGENCY_LOGIN = "agency"

_serial = itertools.count(1)
_CODE_RE = re.compile(r"\[(\d{6})\]")


def _next() -> int:
    return next(_serial)


def valid_business_no(n: int, *, dashed: bool = False) -> str:
    """The n-th valid 사업자등록번호 (distinct for distinct n < 877,000,000)."""
    first = f"{123_000_000 + n:09d}"
    digits = first + str(business_no_check_digit(first))
    return format_business_no(digits) if dashed else digits


def invalid_business_no(n: int) -> str:
    """Ten digits whose check digit is wrong."""
    digits = valid_business_no(n)
    return digits[:9] + str((int(digits[9]) + 1) % 10)


def mobile(n: int) -> str:
    """A distinct 010-XXXX-XXXX number for each n < 10**8."""
    return f"010-{n // 10_000 % 10_000:04d}-{n % 10_000:04d}"


def sms_code(services: Services, phone: str) -> str:
    """The 6-digit code the simulator last sent to `phone`."""
    message = services.sms.last_to(phone)
    assert message is not None, f"no SMS was sent to {phone}"
    match = _CODE_RE.search(message.text)
    assert match, message.text
    return match.group(1)


def verify_phone(services: Services, name: str, phone: str) -> str:
    """Run 본인인증 through the simulated SMS outbox; returns the identity token."""
    request = services.identity.start(name, phone)
    return services.identity.confirm(request, sms_code(services, phone)).token


def document(doc_type: DocumentType, *, png: bool = False, issued_year: int | None = None,
             filename: str | None = None, data: bytes | None = None) -> DocumentUpload:
    """A valid upload of `doc_type` (distinct bytes per type)."""
    if data is None:
        data = sample_png(rgb=(len(doc_type.value) * 7 % 256, 90, 160)) if png else sample_pdf(f"{doc_type.value}")
    name = filename or f"{doc_type.value.lower()}.{'png' if png else 'pdf'}"
    return DocumentUpload(doc_type, name, data, issued_year)


def required_uploads(company_type: CompanyType = CompanyType.SOLE,
                     issuer_type: IssuerType = IssuerType.REPRESENTATIVE) -> dict[DocumentType, DocumentUpload]:
    return {t: document(t) for t in required_documents(company_type, issuer_type)}


def operator_id(services: Services, region: str = "서울") -> uuid.UUID:
    return next(o.id for o in services.programme.operators() if o.region == region)


def signup_form(
    services: Services,
    *,
    company_type: CompanyType = CompanyType.SOLE,
    issuer_type: IssuerType = IssuerType.REPRESENTATIVE,
    region: str = "서울",
    n: int | None = None,
    verify: bool = True,
    **overrides,
) -> SignupForm:
    """A complete, valid signup form (identity verified) that `services.signup.submit` accepts.

    `overrides` are SignupForm fields applied before identity verification, so changing the
    representative's or manager's name/phone still gives a matching token. Pass
    `identity_token=...` (or `verify=False`) to skip verification.
    """
    n = _next() if n is None else n
    corporation = company_type is CompanyType.CORPORATION
    values = dict(
        agree_terms=True,
        agree_privacy=True,
        issuer_type=issuer_type,
        company_type=company_type,
        name=f"{'주식회사 ' if corporation else ''}테스트기업{n:04d}",
        business_no=valid_business_no(n),
        corporate_no=f"110111-{1_000_000 + n % 9_000_000:07d}" if corporation else "",
        representative_name=f"대표{n:04d}",
        representative_phone=mobile(10_000_000 + n),
        address="서울특별시 중구 세종대로 110",
        address_detail=f"{n % 20 + 1}층",
        phone="02-1234-5678",
        industry="소프트웨어 개발",
        employees="12",
        documents=required_uploads(company_type, issuer_type),
        manager_same_as_representative=issuer_type is IssuerType.REPRESENTATIVE,
        manager_name=f"담당{n:04d}",
        manager_phone=mobile(20_000_000 + n),
        manager_email=f"manager{n}@company.example.kr",
        payment_same_as_representative=True,
        operator_id=operator_id(services, region),
        login_id=f"company{n:04d}",
        password=PASSWORD,
        password_confirm=PASSWORD,
    )
    values.update(overrides)
    form = SignupForm(**values)
    if verify and "identity_token" not in overrides:
        name, phone = (form.representative_name, form.representative_phone) \
            if form.issuer_type is IssuerType.REPRESENTATIVE else form.effective_manager()
        form.identity_name, form.identity_phone = name, phone
        form.identity_token = verify_phone(services, name, phone)
    return form


def signup_company(services: Services, **overrides) -> Actor:
    """Sign a demand company up (state REVIEWING); returns its logged-in actor."""
    return services.signup.submit(signup_form(services, **overrides)).value


def make_agency(services: Services) -> Actor:
    """The agency (전문기관) actor; the first account is inserted directly, as the demo does."""
    with services.programme.uow() as uow:
        user = uow.session.scalars(select(User).where(User.login_id == AGENCY_LOGIN)).one_or_none()
        if user is None:
            user = User(id=uuid.uuid4(), login_id=AGENCY_LOGIN, password_hash=services.passwords.hash(PASSWORD),
                        role=Role.AGENCY, display_name="전문기관 담당자", created_at=services.clock.now())
            uow.session.add(user)
            uow.audit(None, "account.create", "user", user.id, after={"login_id": AGENCY_LOGIN, "role": "AGENCY"})
            uow.commit()
        user_id = user.id
    return services.sessions.open_for(user_id)


def make_operator(services: Services, region: str = "서울", *, login_id: str | None = None) -> Actor:
    """A new operator (운영기관) account of the region's operating agency."""
    n = _next()
    op_id = operator_id(services, region)
    view = services.accounts.create_account(
        make_agency(services), role=Role.OPERATOR, login_id=login_id or f"operator{n:04d}", password=PASSWORD,
        display_name=f"{region} 심사담당{n}", operator_id=op_id,
    ).value
    return services.sessions.open_for(view.id)


def make_supplier_account(services: Services, *, name: str | None = None, business_no: str | None = None,
                          login_id: str | None = None) -> Actor:
    """A supplier company registered by the agency, with one login."""
    n = _next()
    agency = make_agency(services)
    supplier = services.programme.save_supplier(
        agency, name=name or f"공급기업{n:04d}", business_no=business_no or valid_business_no(500_000 + n),
        representative_name=f"공급대표{n}", phone="02-3456-7890", email=f"sales{n}@supplier.example.kr",
    ).value
    view = services.accounts.create_account(
        agency, role=Role.SUPPLIER, login_id=login_id or f"supplier{n:04d}", password=PASSWORD,
        display_name=supplier.name, supplier_id=supplier.id,
    ).value
    return services.sessions.open_for(view.id)


HOLD_REASON = "지방세 완납증명서를 최근 발급본으로 다시 올려 주세요."
REJECT_REASON = "중소기업 기준을 충족하지 않습니다."


def company_in_state(services: Services, status: ScreeningStatus, *, operator: Actor | None = None,
                     region: str = "서울", **form_overrides) -> tuple[Actor, uuid.UUID]:
    """Sign a company up and drive the real screening services until it is in `status`.

    The screening is done by `operator` (a new operator of `region` when None) and, for
    APPROVED, by the agency. Returns (demand actor, company id).
    """
    if operator is not None:
        region = next(o.region for o in services.programme.operators(include_inactive=True)
                      if o.id == operator.operator_id)
    demand = signup_company(services, region=region, **form_overrides)
    company_id = demand.company_id
    if status is ScreeningStatus.REVIEWING:
        return demand, company_id
    operator = operator or make_operator(services, region)
    if status is ScreeningStatus.ON_HOLD:
        services.screening.hold(operator, company_id, HOLD_REASON)
    elif status is ScreeningStatus.REJECTED:
        services.screening.reject(operator, company_id, REJECT_REASON)
    else:
        services.screening.confirm(operator, company_id)
        if status is ScreeningStatus.APPROVED:
            services.screening.approve(make_agency(services), company_id)
    return demand, company_id


def make_service(services: Services, supplier: Actor, *, name: str | None = None, category: str = "VIDEO",
                 keywords: str = "", price: int = 1_100_000, description: str = "", hidden: bool = False):
    """A service registered by `supplier` through the catalog service; returns its ServiceRow."""
    from kvoucher_desktop.services.dto import ServiceForm

    n = _next()
    return services.catalog.save_service(supplier, ServiceForm(
        name=name or f"테스트 서비스 {n}", category_code=category, keywords=keywords, price=price,
        description=description or "서비스 설명입니다.", hidden=hidden)).value


def approved_buyer(services: Services, method=None, **overrides) -> tuple[Actor, uuid.UUID]:
    """An APPROVED demand company that has chosen its payment method (Shinhan card unless told)."""
    from kvoucher_desktop.enums import PaymentMethod

    demand, company_id = company_in_state(services, ScreeningStatus.APPROVED, **overrides)
    method = method or PaymentMethod.SHINHAN_CARD
    extra = {"zeropay_password": "583920", "zeropay_password_confirm": "583920"} \
        if method is PaymentMethod.ZEROPAY else {}
    services.vouchers.choose_payment_method(demand, method, **extra)
    return demand, company_id


def actor_of_supplier(services: Services, supplier_id: uuid.UUID) -> Actor:
    """The (first) login of a supplier company, as an actor."""
    with services.programme.uow() as uow:
        user = uow.session.scalars(select(User).where(User.supplier_id == supplier_id).order_by(User.created_at)).first()
        user_id = user.id
    return services.sessions.open_for(user_id)


def audit_actions(services, entity_id) -> list[str]:
    """The audit log's actions on one entity, in log order."""
    from sqlalchemy import select

    from kvoucher_desktop.models import AuditRecord

    with services.companies.uow() as uow:
        return list(uow.session.scalars(select(AuditRecord.action).where(AuditRecord.entity_id == str(entity_id))
                                        .order_by(AuditRecord.seq)))
