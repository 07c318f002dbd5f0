"""Company information management (기업정보관리): view, edit, documents, 수정이력."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import fields

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..enums import CompanyType, Role, ScreeningStatus
from ..models import Company, CompanyChange, User, CompanyDocument, DocumentBlob
from .changes import NO_CHANGES, Changes, Done, Entity
from .clock import Clock
from .dto import Actor, ChangeView, CompanyInfo, CompanyView, DocumentUpload, DocumentView
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .form_inputs import check_upload, clean_company_info
from .guards import require_role
from .repositories.documents import document_view
from .repositories.companies import read_company_view
from .rules.documents import DOC_LABELS
from .rules.inputs import clean_uuid
from .rules.limits import MAX_EMPLOYEES
from .rules.numbers import normalize_corporate_no, normalize_mobile, normalize_phone, valid_email
from .rules.screening import EDITABLE, NOT_EDITABLE_REASON
from .rules.korean import josa
from .uow import UnitOfWork, UowFactory

FIELD_LABELS = {
    "name": "기업명",
    "representative_name": "대표자명",
    "representative_phone": "대표자 휴대폰",
    "address": "사업장 주소",
    "address_detail": "상세 주소",
    "phone": "회사 전화번호",
    "industry": "업종",
    "employees": "상시 근로자 수",
    "manager_name": "담당자 이름",
    "manager_phone": "담당자 휴대폰",
    "manager_email": "담당자 이메일",
    "payment_manager_name": "결제 담당자 이름",
    "payment_manager_phone": "결제 담당자 휴대폰",
    "issuer_type": "바우처 발급자 구분",
    "corporate_no": "법인등록번호",
}
#: decided at signup: the issuer type sets the required documents; the payment manager's
#: phone was verified and receives the payment codes
FIXED_AFTER_SIGNUP = ("issuer_type", "payment_manager_name", "payment_manager_phone")


@contextmanager
def _refuse_stale():
    """An operator acted on the company while it was being edited: say so in Korean."""
    try:
        yield
    except StaleDataError:
        raise Conflict("그 사이에 기업 정보가 다른 곳에서 변경되었습니다. 화면을 새로 고친 뒤 다시 시도해 주세요.") from None


ISSUER_LABELS = {"REPRESENTATIVE": "대표자", "STAFF": "담당자(임직원)"}


def field_label(name: str) -> str:
    if name.startswith("doc:"):
        from ..enums import DocumentType

        return f"서류: {DOC_LABELS[DocumentType(name[4:])]}"
    return FIELD_LABELS.get(name, name)


def change_view(ch: CompanyChange) -> ChangeView:
    return ChangeView(ch.field, field_label(ch.field), ch.old_value, ch.new_value, ch.changed_by_name,
                      ch.changed_at, ch.after_confirmation)


def _display(name: str, value) -> str:
    if value is None:
        return ""
    if name == "issuer_type":
        return ISSUER_LABELS[value.value]
    return str(value)


def normalize_info(info: CompanyInfo, company_type: CompanyType) -> CompanyInfo:
    """Validate edited company information; returns the normalized copy."""
    def need(value: str, field_name: str) -> str:
        if not value.strip():
            raise ValidationError(f"{josa(FIELD_LABELS[field_name], '을')} 입력해 주세요.", field=field_name)
        return value.strip()

    def mobile(value: str, field_name: str) -> str:
        norm = normalize_mobile(value)
        if norm is None:
            raise ValidationError(f"{FIELD_LABELS[field_name]} 번호는 010-XXXX-XXXX 형식으로 입력해 주세요.",
                                  field=field_name)
        return norm

    phone = normalize_phone(info.phone)
    if phone is None:
        raise ValidationError("회사 전화번호 형식이 올바르지 않습니다. (예: 02-1234-5678)", field="phone")
    if not valid_email(info.manager_email):
        raise ValidationError("담당자 이메일 주소 형식이 올바르지 않습니다.", field="manager_email")
    if isinstance(info.employees, bool) or not isinstance(info.employees, int) \
            or not 1 <= info.employees <= MAX_EMPLOYEES:
        raise ValidationError("상시 근로자 수는 1명 이상이어야 합니다. (대표자 포함)", field="employees")
    corporate_no = None
    if company_type is CompanyType.CORPORATION:
        corporate_no = normalize_corporate_no(info.corporate_no or "")
        if corporate_no is None:
            raise ValidationError("법인등록번호 13자리를 입력해 주세요.", field="corporate_no")
    return CompanyInfo(
        name=need(info.name, "name"), representative_name=need(info.representative_name, "representative_name"),
        representative_phone=mobile(info.representative_phone, "representative_phone"),
        address=need(info.address, "address"), address_detail=info.address_detail.strip(), phone=phone,
        industry=need(info.industry, "industry"), employees=info.employees,
        manager_name=need(info.manager_name, "manager_name"),
        manager_phone=mobile(info.manager_phone, "manager_phone"), manager_email=info.manager_email.strip(),
        payment_manager_name=need(info.payment_manager_name, "payment_manager_name"),
        payment_manager_phone=mobile(info.payment_manager_phone, "payment_manager_phone"),
        issuer_type=info.issuer_type, corporate_no=corporate_no,
    )


class CompanyService:
    def __init__(self, uow: UowFactory, clock: Clock):
        self.uow = uow
        self.clock = clock

    def get(self, actor: Actor, company_id: uuid.UUID | None = None) -> CompanyView:
        """A company with its documents and screening history (own company when id is None)."""
        company_id = clean_uuid(company_id, "company_id", optional=True) or actor.company_id
        if company_id is None:
            raise NotFound("기업 정보가 없는 계정입니다.")
        with self.uow() as uow:  # rows, not objects (a page read), on the call's connection
            return read_company_view(uow.connection, actor, company_id)

    def _editable(self, uow: UnitOfWork, actor: Actor) -> Company:
        require_role(actor, Role.DEMAND)
        company = uow.companies.for_actor(actor, actor.company_id, for_update=True)
        if company.status not in EDITABLE:
            raise PermissionDenied(NOT_EDITABLE_REASON[company.status], code="not_editable")
        return company

    def _record_changes(self, uow: UnitOfWork, actor: Actor, company: Company,
                        changes: list[tuple[str, str, str]], now) -> None:
        """One 수정이력 row per (field, old, new), numbered after the company's last one."""
        after_confirmation = company.confirmed_at is not None and company.status in (
            ScreeningStatus.CONFIRMED, ScreeningStatus.APPROVED)
        first = uow.companies.next_seq(CompanyChange, company.id)
        for i, (field_name, old, new) in enumerate(changes):
            uow.session.add(CompanyChange(
                id=uuid.uuid4(), company_id=company.id, field=field_name, old_value=old, new_value=new,
                changed_by=actor.user_id, changed_by_name=actor.name, changed_at=now,
                after_confirmation=after_confirmation, seq=first + i,
            ))
        if after_confirmation:
            company.changed_after_confirm_at = now

    def update_info(self, actor: Actor, info: CompanyInfo) -> Done[CompanyView]:
        """Edit the own company's information (ON_HOLD / CONFIRMED / APPROVED only).

        The issuer type and the payment manager are fixed after signup (FIXED_AFTER_SIGNUP).
        Changes: the company (none when nothing differed); on a rename also ACCOUNT {the ids of
        the company's logins}, whose shown name is the company's.
        """
        info = clean_company_info(info)  # type, characters, length: before the store is asked
        now = self.clock.now()
        with _refuse_stale(), self.uow() as uow:
            s = uow.session
            company = self._editable(uow, actor)
            clean = normalize_info(info, company.company_type)
            for name in FIXED_AFTER_SIGNUP:
                if getattr(clean, name) != getattr(company, name):
                    raise ValidationError(
                        f"{josa(FIELD_LABELS[name], '은')} 가입 후에는 변경할 수 없습니다. "
                        "변경이 필요하면 관할 운영기관에 문의해 주세요.", field=name)
            before, after = {}, {}
            for f in fields(CompanyInfo):
                old, new = getattr(company, f.name), getattr(clean, f.name)
                if old != new:
                    before[f.name], after[f.name] = _display(f.name, old), _display(f.name, new)
                    setattr(company, f.name, new)
            if not after:
                return Done(uow.companies.view(company), NO_CHANGES)
            self._record_changes(uow, actor, company, [(k, before[k], after[k]) for k in after], now)
            changes = {Entity.COMPANY: {company.id}}
            if "name" in after:  # the demand login shows the company's name
                uow.company_names.write(company, replace=True)  # the dashboard's name search
                renamed = set()
                for user in s.scalars(select(User).where(User.company_id == company.id)):
                    user.display_name = company.name
                    renamed.add(user.id)
                if renamed:  # their logins show another name (the window's header among them)
                    changes[Entity.ACCOUNT] = renamed
            uow.audit(actor, "company.update", "company", company.id, before=before, after=after)
            uow.commit()
            return Done(uow.companies.view(company), Changes(changes))

    def replace_document(self, actor: Actor, upload: DocumentUpload) -> Done[CompanyView]:
        """Store a new document of its type for the own company (the current one is replaced).
        Changes: the new document and the one it replaced; the company."""
        now = self.clock.now()
        check_upload(upload)  # decoding the file takes a while: before the company row is locked
        with _refuse_stale(), self.uow() as uow:
            company = self._editable(uow, actor)
            doc, previous = uow.documents.store(company.id, upload, actor.user_id, now)
            field_name = f"doc:{upload.doc_type.value}"
            old = f"{previous.filename} ({previous.sha256[:12]})" if previous else ""
            new = f"{doc.filename} ({doc.sha256[:12]})"
            self._record_changes(uow, actor, company, [(field_name, old, new)], now)
            uow.audit(actor, "company.document", "company", company.id,
                      before={field_name: old} if previous else None, after={field_name: new})
            uow.commit()
            documents = {doc.id} | ({previous.id} if previous is not None else set())
            return Done(uow.companies.view(company),
                        Changes({Entity.DOCUMENT: documents, Entity.COMPANY: {company.id}}))

    def history(self, actor: Actor, company_id: uuid.UUID | None = None) -> list[ChangeView]:
        """회원정보 수정이력, newest first."""
        company_id = clean_uuid(company_id, "company_id", optional=True) or actor.company_id
        if company_id is None:
            raise NotFound("기업 정보가 없는 계정입니다.")
        with self.uow() as uow:
            s = uow.session
            uow.companies.for_actor(actor, company_id)
            rows = s.scalars(select(CompanyChange).where(CompanyChange.company_id == company_id)
                             .order_by(CompanyChange.changed_at.desc(), CompanyChange.seq.desc()))
            return [change_view(r) for r in rows]

    def document_content(self, actor: Actor, document_id: uuid.UUID) -> tuple[DocumentView, bytes]:
        clean_uuid(document_id, "document_id")
        with self.uow() as uow:
            s = uow.session
            doc = s.get(CompanyDocument, document_id)
            if doc is None:
                raise NotFound("서류를 찾을 수 없습니다.")
            uow.companies.for_actor(actor, doc.company_id)
            blob = s.get(DocumentBlob, doc.sha256)
            return document_view(doc), blob.content
