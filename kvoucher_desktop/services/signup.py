"""Demand-company signup (회원가입, SPEC §8): step checks and submission."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..enums import CompanyType, DocumentType, IssuerType, Role, ScreeningAction, ScreeningStatus
from ..models import Company, OperatingAgency, PreviousParticipant, ScreeningEvent, User
from .changes import Changes, Done, Entity
from .clock import Clock, format_kst, kst_date
from .dto import Actor, DocumentUpload
from .errors import Conflict, SignupRefused, ValidationError
from .form_inputs import check_upload, clean_signup_step, employees_number
from .gateways.identity import IdentityVerifier
from .passwords import Passwords
from .sessions import SessionStore
from .rules.documents import DOC_LABELS, REENTRY_CERTIFICATES, required_documents
from .rules.korean import josa, particle
from .rules.numbers import (
    business_no_error,
    normalize_business_no,
    normalize_corporate_no,
    normalize_mobile,
    normalize_phone,
    valid_email,
)
from .uow import UnitOfWork, UowFactory

STEPS = ("terms", "identity", "company", "documents", "managers", "operator", "account")


@dataclass
class SignupForm:
    """Everything the wizard collects; a plain mutable record the wizard fills page by page."""

    agree_terms: bool = False
    agree_privacy: bool = False
    issuer_type: IssuerType = IssuerType.REPRESENTATIVE
    identity_token: str = ""
    identity_name: str = ""
    identity_phone: str = ""
    company_type: CompanyType = CompanyType.SOLE
    name: str = ""
    business_no: str = ""
    corporate_no: str = ""
    representative_name: str = ""
    representative_phone: str = ""
    address: str = ""
    address_detail: str = ""
    phone: str = ""
    industry: str = ""
    employees: str = ""
    documents: dict[DocumentType, DocumentUpload] = field(default_factory=dict)
    manager_same_as_representative: bool = False
    manager_name: str = ""
    manager_phone: str = ""
    manager_email: str = ""
    payment_same_as_representative: bool = True
    payment_manager_name: str = ""
    payment_manager_phone: str = ""
    payment_manager_token: str = ""
    operator_id: uuid.UUID | None = None
    login_id: str = ""
    password: str = ""
    password_confirm: str = ""

    def effective_manager(self) -> tuple[str, str]:
        if self.manager_same_as_representative:
            return self.representative_name, self.representative_phone
        return self.manager_name, self.manager_phone

    def effective_payment_manager(self) -> tuple[str, str]:
        if self.payment_same_as_representative:
            return self.representative_name, self.representative_phone
        return self.payment_manager_name, self.payment_manager_phone


def _required(value: str, field_name: str, label: str) -> str:
    if not value.strip():
        raise ValidationError(f"{josa(label, '을')} 입력해 주세요.", field=field_name)
    return value.strip()


class SignupService:
    def __init__(self, uow: UowFactory, clock: Clock, passwords: Passwords, identity: IdentityVerifier,
                 sessions: SessionStore):
        self.uow = uow
        self.clock = clock
        self.passwords = passwords
        self.identity = identity
        self.sessions = sessions

    # --- step checks (each raises ValidationError with the field) -------------------------------
    def check_step(self, step: str, form: SignupForm) -> None:
        clean = self._clean(step, form)  # type, characters, length: before the store is asked
        with self.uow() as uow:
            self._check(uow, step, clean)

    @staticmethod
    def _clean(step, form) -> SignupForm:
        if not isinstance(form, SignupForm):
            raise ValidationError("가입 신청서 형식이 올바르지 않습니다.", field="form", code="wrong_type")
        if step not in STEPS:
            raise ValidationError("알 수 없는 가입 단계입니다.", field="step", code="unknown_step")
        return clean_signup_step(step, form)

    def _clean_all(self, form: SignupForm) -> SignupForm:
        for step in STEPS:
            form = self._clean(step, form)
        return form

    def _check(self, uow: UnitOfWork, step: str, form: SignupForm) -> None:
        """The rules of one step; `form` has been cleaned (`_clean`)."""
        getattr(self, f"_check_{step}")(uow, form)

    def _check_terms(self, uow: UnitOfWork, form: SignupForm) -> None:
        if not form.agree_terms:
            raise ValidationError("이용약관에 동의해 주세요.", field="agree_terms")
        if not form.agree_privacy:
            raise ValidationError("개인정보 처리방침에 동의해 주세요.", field="agree_privacy")
        prog = uow.settings.current()
        today = kst_date(self.clock.now())
        if not prog.application_start <= today <= prog.application_end:
            raise SignupRefused(
                f"{prog.year}년 수요기업 신청 기간({prog.application_start} ~ {prog.application_end})이 아닙니다."
            )

    def _check_identity(self, uow: UnitOfWork, form: SignupForm) -> None:
        if not form.identity_token or not self.identity.check(form.identity_token, form.identity_name, form.identity_phone):
            raise ValidationError("휴대폰 본인인증을 완료해 주세요.", field="identity")

    def _check_company(self, uow: UnitOfWork, form: SignupForm) -> None:
        _required(form.name, "name", "기업명")
        message = business_no_error(form.business_no)
        if message:
            raise ValidationError(message, field="business_no")
        self._check_business_no_free(uow, normalize_business_no(form.business_no))
        if form.company_type is CompanyType.CORPORATION:
            if normalize_corporate_no(form.corporate_no) is None:
                raise ValidationError("법인등록번호 13자리를 입력해 주세요. (예: 110111-1234567)", field="corporate_no")
        _required(form.representative_name, "representative_name", "대표자명")
        if normalize_mobile(form.representative_phone) is None:
            raise ValidationError("대표자 휴대폰 번호는 010-XXXX-XXXX 형식으로 입력해 주세요.", field="representative_phone")
        if form.issuer_type is IssuerType.REPRESENTATIVE and (
            form.representative_name.strip() != form.identity_name.strip()
            or normalize_mobile(form.representative_phone) != normalize_mobile(form.identity_phone)
        ):
            raise ValidationError(
                "발급자가 대표자이면 대표자 이름과 휴대폰 번호가 본인인증한 정보와 같아야 합니다.",
                field="representative_name",
            )
        _required(form.address, "address", "사업장 주소")
        if normalize_phone(form.phone) is None:
            raise ValidationError("회사 전화번호 형식이 올바르지 않습니다. (예: 02-1234-5678)", field="phone")
        _required(form.industry, "industry", "업종")
        employees_number(form.employees)

    def _check_business_no_free(self, uow: UnitOfWork, bno: str) -> None:
        prog = uow.settings.current()
        existing = uow.session.scalars(
            select(Company).where(Company.business_no == bno, Company.programme_year == prog.year)
        ).first()
        if existing is None:
            return
        if existing.status is ScreeningStatus.REJECTED:
            raise SignupRefused(
                f"이 사업자등록번호는 {prog.year}년 심사에서 탈락하여 올해 다시 신청할 수 없습니다.",
                field="business_no",
            )
        raise SignupRefused("이미 가입된 사업자등록번호입니다. 기존 아이디로 로그인해 주세요.", field="business_no")

    def is_previous_participant(self, business_no: str) -> bool:
        bno = normalize_business_no(business_no)
        if bno is None:
            return False
        with self.uow() as uow:
            return self._previous(uow, bno)

    def _previous(self, uow: UnitOfWork, bno: str) -> bool:
        prog = uow.settings.current()
        return bool(uow.session.scalar(
            select(func.count()).select_from(PreviousParticipant)
            .where(PreviousParticipant.business_no == bno, PreviousParticipant.year == prog.year - 1)
        ))

    def _check_documents(self, uow: UnitOfWork, form: SignupForm) -> None:
        for upload in form.documents.values():
            check_upload(upload)
        for doc_type in required_documents(form.company_type, form.issuer_type):
            if doc_type not in form.documents:
                raise ValidationError(f"필수 서류 '{DOC_LABELS[doc_type]}'{particle(DOC_LABELS[doc_type], '을')} 첨부해 주세요.",
                                      field=f"doc:{doc_type.value}")
        bno = normalize_business_no(form.business_no)
        prog = uow.settings.current()
        if bno and self._previous(uow, bno):
            certs = [form.documents[t] for t in REENTRY_CERTIFICATES if t in form.documents]
            if not certs:
                raise SignupRefused(
                    f"{prog.year - 1}년 수요기업으로 참여한 기업은 {prog.year - 1}년에 발급된 "
                    "장애인기업확인서 또는 여성기업확인서를 첨부해야 다시 신청할 수 있습니다.",
                    field=f"doc:{DocumentType.DISABLED_ENTERPRISE.value}",
                )
            if not any(c.issued_year == prog.year - 1 for c in certs):
                raise SignupRefused(
                    f"장애인기업확인서 또는 여성기업확인서는 {prog.year - 1}년에 발급된 것이어야 합니다.",
                    field=f"doc:{certs[0].doc_type.value}",
                )

    def _check_managers(self, uow: UnitOfWork, form: SignupForm) -> None:
        name, phone = form.effective_manager()
        _required(name, "manager_name", "담당자 이름")
        if normalize_mobile(phone) is None:
            raise ValidationError("담당자 휴대폰 번호는 010-XXXX-XXXX 형식으로 입력해 주세요.", field="manager_phone")
        if not valid_email(form.manager_email):
            raise ValidationError("담당자 이메일 주소 형식이 올바르지 않습니다.", field="manager_email")
        if form.issuer_type is IssuerType.STAFF and (
            name.strip() != form.identity_name.strip() or normalize_mobile(phone) != normalize_mobile(form.identity_phone)
        ):
            raise ValidationError(
                "발급자가 담당자(임직원)이면 담당자 이름과 휴대폰 번호가 본인인증한 정보와 같아야 합니다.",
                field="manager_name",
            )
        if not form.payment_same_as_representative:
            pname, pphone = form.effective_payment_manager()
            _required(pname, "payment_manager_name", "결제 담당자 이름")
            if normalize_mobile(pphone) is None:
                raise ValidationError("결제 담당자 휴대폰 번호는 010-XXXX-XXXX 형식으로 입력해 주세요.",
                                      field="payment_manager_phone")
            if not self.identity.check(form.payment_manager_token, pname, pphone):
                raise ValidationError("결제 담당자 휴대폰 인증을 완료해 주세요.", field="payment_manager_verify")

    def _check_operator(self, uow: UnitOfWork, form: SignupForm) -> None:
        op = uow.session.get(OperatingAgency, form.operator_id) if form.operator_id else None
        if op is None or not op.active:
            raise ValidationError("운영기관을 선택해 주세요.", field="operator_id")

    def _check_account(self, uow: UnitOfWork, form: SignupForm) -> None:
        uow.accounts.check_new_credentials(form.login_id.strip(), form.password, form.password_confirm)

    # --- submission -------------------------------------------------------------------------
    def submit(self, form: SignupForm) -> Done[Actor]:
        """Create the company (REVIEWING) and its login; returns the logged-in actor.
        Changes: the new company and its account."""
        form = self._clean_all(form)  # every step's fields, before the store is asked
        try:
            return self._submit(form)
        except IntegrityError:
            # Another desk took the business number or the login id between our checks and our
            # insert: say which, as the checks would have.
            with self.uow() as uow:
                for step in ("company", "account"):
                    self._check(uow, step, form)
            raise Conflict("다른 창구에서 같은 정보로 먼저 가입했습니다. 입력 내용을 확인해 주세요.") from None

    def _submit(self, form: SignupForm) -> Done[Actor]:
        now = self.clock.now()
        with self.uow() as uow:
            s = uow.session
            for step in STEPS:
                self._check(uow, step, form)
            prog = uow.settings.current()
            bno = normalize_business_no(form.business_no)
            mname, mphone = form.effective_manager()
            pname, pphone = form.effective_payment_manager()
            company = Company(
                id=uuid.uuid4(), programme_year=prog.year, business_no=bno,
                company_type=form.company_type, issuer_type=form.issuer_type, name=form.name.strip(),
                corporate_no=normalize_corporate_no(form.corporate_no) if form.company_type is CompanyType.CORPORATION else None,
                representative_name=form.representative_name.strip(),
                representative_phone=normalize_mobile(form.representative_phone),
                address=form.address.strip(), address_detail=form.address_detail.strip(),
                phone=normalize_phone(form.phone), industry=form.industry.strip(),
                employees=employees_number(form.employees),
                manager_name=mname.strip(), manager_phone=normalize_mobile(mphone),
                manager_email=form.manager_email.strip(),
                payment_manager_name=pname.strip(), payment_manager_phone=normalize_mobile(pphone),
                operator_id=form.operator_id, status=ScreeningStatus.REVIEWING,
                submitted_at=now, status_changed_at=now,
            )
            s.add(company)
            s.flush()
            uow.company_names.write(company)  # the dashboard's name search (repositories/company_names.py)
            user = User(
                id=uuid.uuid4(), login_id=form.login_id.strip(), password_hash=self.passwords.hash(form.password),
                role=Role.DEMAND, display_name=form.name.strip(), phone=normalize_mobile(mphone),
                email=form.manager_email.strip(), company_id=company.id, created_at=now,
            )
            s.add(user)
            s.flush()
            actor = self.sessions.open(s, user, now)  # signing up logs in
            uow.documents.ensure_blobs(form.documents.values())  # in digest order
            for upload in form.documents.values():
                uow.documents.store(company.id, upload, user.id, now)  # checked by the documents step
            s.add(ScreeningEvent(
                id=uuid.uuid4(), company_id=company.id, action=ScreeningAction.SUBMIT, from_status=None,
                to_status=ScreeningStatus.REVIEWING, reason=None, actor_id=user.id,
                actor_name=company.name, actor_role=Role.DEMAND, at=now, seq=1,
            ))
            uow.audit(actor, "company.signup", "company", company.id, after={
                "business_no": bno, "name": company.name, "status": ScreeningStatus.REVIEWING.value,
                "operator_id": str(company.operator_id), "documents": sorted(d.value for d in form.documents),
                "submitted_at": format_kst(now),
            })
            with self._tokens_used(form):
                uow.commit()
            return Done(actor, Changes({Entity.COMPANY: {company.id}, Entity.ACCOUNT: {user.id}}))

    @contextmanager
    def _tokens_used(self, form: SignupForm) -> Iterator[None]:
        """One verification, one signup: the form's tokens are redeemed before the signup commits
        (two desks submitting one token at the same moment both pass the checks; only one redeems
        it), and are usable again when the commit fails. A crash between the two leaves a token
        used and no company: the person verifies again."""
        tokens = [form.identity_token]
        if not form.payment_same_as_representative:
            tokens.append(form.payment_manager_token)
        used: list[str] = []
        try:
            for token in tokens:
                if not self.identity.redeem(token):
                    field = "identity" if token == form.identity_token else "payment_manager_verify"
                    raise ValidationError("이 본인인증은 이미 다른 가입에 사용되었습니다. 다시 인증해 주세요.", field=field)
                used.append(token)
            yield
        except BaseException:
            for token in used:
                self.identity.release(token)
            raise
