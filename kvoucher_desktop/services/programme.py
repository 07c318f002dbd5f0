"""Programme parameters, categories, operating agencies, announcements (SPEC §4)."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import asdict, replace
from datetime import date

from sqlalchemy import delete, select

from ..enums import Role
from ..models import Announcement, Category, OperatingAgency, PreviousParticipant, ProgrammeSettings, Supplier
from .clock import kst_date
from .dto import Actor, AnnouncementView, CategoryView, OperatorView, ProgrammeView, SupplierView
from .errors import NotFound, ValidationError
from .guards import require_role
from .rules.numbers import normalize_business_no, normalize_phone, valid_email

DEFAULT_CATEGORIES = (
    ("VIDEO", "화상회의"),
    ("REMOTE_WORK", "재택근무"),
    ("NETWORK_SECURITY", "네트워크·보안 솔루션"),
    ("EDUTECH", "에듀테크"),
    ("CARE", "비대면 돌봄"),
    ("CONSULTING", "비대면 제도 도입 컨설팅"),
)

#: one operating agency per province (17 시·도)
DEFAULT_OPERATORS = (
    ("서울지역 운영기관", "서울", "02-2000-1001"),
    ("부산지역 운영기관", "부산", "051-700-1002"),
    ("대구지역 운영기관", "대구", "053-700-1003"),
    ("인천지역 운영기관", "인천", "032-700-1004"),
    ("광주지역 운영기관", "광주", "062-700-1005"),
    ("대전지역 운영기관", "대전", "042-700-1006"),
    ("울산지역 운영기관", "울산", "052-700-1007"),
    ("세종지역 운영기관", "세종", "044-700-1008"),
    ("경기지역 운영기관", "경기", "031-700-1009"),
    ("강원지역 운영기관", "강원", "033-700-1010"),
    ("충북지역 운영기관", "충북", "043-700-1011"),
    ("충남지역 운영기관", "충남", "041-700-1012"),
    ("전북지역 운영기관", "전북", "063-700-1013"),
    ("전남지역 운영기관", "전남", "061-700-1014"),
    ("경북지역 운영기관", "경북", "054-700-1015"),
    ("경남지역 운영기관", "경남", "055-700-1016"),
    ("제주지역 운영기관", "제주", "064-700-1017"),
)


def settings_view(p: ProgrammeSettings) -> ProgrammeView:
    return ProgrammeView(
        year=p.year,
        application_start=p.application_start,
        application_end=p.application_end,
        voucher_amount=p.voucher_amount,
        government_share_pct=p.government_share_pct,
        use_period_months=p.use_period_months,
        deal_window_days=p.deal_window_days,
        same_day_cancel_only=p.same_day_cancel_only,
        allow_price_above_list=p.allow_price_above_list,
        settlement_days=p.settlement_days,
        settlement_fee_bp=p.settlement_fee_bp,
    )


def operator_view(o: OperatingAgency) -> OperatorView:
    return OperatorView(o.id, o.name, o.region, o.phone, o.email, o.active)


def announcement_view(a: Announcement) -> AnnouncementView:
    return AnnouncementView(a.id, a.title, a.body, a.posted_at, a.pinned)


def current_settings(session) -> ProgrammeSettings:
    p = session.scalars(select(ProgrammeSettings).where(ProgrammeSettings.is_current.is_(True))).first()
    if p is None:
        raise NotFound("사업 설정이 없습니다. 전문기관에 문의해 주세요.")
    return p


class ProgrammeService:
    def __init__(self, uow, clock):
        self.uow = uow
        self.clock = clock

    # --- seeding -------------------------------------------------------------------------
    def ensure_defaults(self, year: int | None = None) -> None:
        """Seed the programme parameters of SPEC §4 on an empty store (idempotent)."""
        year = year or kst_date(self.clock.now()).year
        with self.uow() as uow:
            s = uow.session
            if s.scalars(select(ProgrammeSettings)).first() is None:
                s.add(ProgrammeSettings(
                    id=uuid.uuid4(), year=year, is_current=True,
                    application_start=date(year, 1, 1), application_end=date(year, 12, 31),
                    voucher_amount=4_000_000, government_share_pct=90, use_period_months=8,
                    deal_window_days=2, same_day_cancel_only=True, allow_price_above_list=False,
                    settlement_days=10, settlement_fee_bp=0,
                ))
                uow.audit(None, "programme.seed", "programme", year)
            if s.scalars(select(Category)).first() is None:
                for order, (code, name) in enumerate(DEFAULT_CATEGORIES):
                    s.add(Category(code=code, name=name, sort_order=order))
            if s.scalars(select(OperatingAgency)).first() is None:
                for i, (name, region, phone) in enumerate(DEFAULT_OPERATORS, start=1):
                    s.add(OperatingAgency(id=uuid.uuid4(), name=name, region=region, phone=phone,
                                          email=f"voucher{i:02d}@operator.example.kr"))
            uow.commit()

    # --- reading ---------------------------------------------------------------------------
    def settings(self) -> ProgrammeView:
        with self.uow() as uow:
            return settings_view(current_settings(uow.session))

    def categories(self) -> list[CategoryView]:
        with self.uow() as uow:
            rows = uow.session.scalars(select(Category).order_by(Category.sort_order, Category.code))
            return [CategoryView(c.code, c.name, c.sort_order) for c in rows]

    def operators(self, include_inactive: bool = False) -> list[OperatorView]:
        """Operating agencies in the usual order of the provinces (서울, 부산, … 제주), then by name."""
        with self.uow() as uow:
            stmt = select(OperatingAgency)
            if not include_inactive:
                stmt = stmt.where(OperatingAgency.active.is_(True))
            found = [operator_view(o) for o in uow.session.scalars(stmt)]
        order = {region: i for i, (_name, region, _phone) in enumerate(DEFAULT_OPERATORS)}
        return sorted(found, key=lambda o: (order.get(o.region, len(order)), o.region, o.name))

    def announcements(self, limit: int = 200) -> list[AnnouncementView]:
        with self.uow() as uow:
            stmt = (select(Announcement)
                    .order_by(Announcement.pinned.desc(), Announcement.posted_at.desc())
                    .limit(limit))
            return [announcement_view(a) for a in uow.session.scalars(stmt)]

    def suppliers(self) -> list[SupplierView]:
        with self.uow() as uow:
            return [
                SupplierView(x.id, x.name, x.business_no, x.representative_name, x.phone, x.email)
                for x in uow.session.scalars(select(Supplier).order_by(Supplier.name))
            ]

    # --- agency edits ------------------------------------------------------------------------
    def update_settings(self, actor: Actor, view: ProgrammeView) -> ProgrammeView:
        require_role(actor, Role.AGENCY)
        if view.voucher_amount <= 0:
            raise ValidationError("바우처 금액은 0원보다 커야 합니다.", field="voucher_amount")
        if not 0 <= view.government_share_pct <= 100:
            raise ValidationError("정부지원 비율은 0~100% 사이여야 합니다.", field="government_share_pct")
        if view.application_end < view.application_start:
            raise ValidationError("신청 종료일이 시작일보다 빠릅니다.", field="application_end")
        if view.use_period_months <= 0:
            raise ValidationError("이용 기간은 1개월 이상이어야 합니다.", field="use_period_months")
        with self.uow() as uow:
            p = current_settings(uow.session)
            before = asdict(settings_view(p))
            for key, value in asdict(replace(view, year=p.year)).items():
                setattr(p, key, value)
            uow.audit(actor, "programme.update", "programme", p.year, before=before, after=asdict(view))
            uow.commit()
            return settings_view(p)

    def rename_category(self, actor: Actor, code: str, name: str) -> CategoryView:
        require_role(actor, Role.AGENCY)
        if not name.strip():
            raise ValidationError("카테고리 이름을 입력해 주세요.", field="name")
        with self.uow() as uow:
            c = uow.session.get(Category, code)
            if c is None:
                raise NotFound("카테고리를 찾을 수 없습니다.")
            before = {"name": c.name}
            c.name = name.strip()
            uow.audit(actor, "category.rename", "category", code, before=before, after={"name": c.name})
            uow.commit()
            return CategoryView(c.code, c.name, c.sort_order)

    def save_operator(self, actor: Actor, *, name: str, region: str, phone: str, email: str,
                      operator_id: uuid.UUID | None = None, active: bool = True) -> OperatorView:
        require_role(actor, Role.AGENCY)
        if not name.strip():
            raise ValidationError("운영기관 이름을 입력해 주세요.", field="name")
        if not region.strip():
            raise ValidationError("관할 지역을 입력해 주세요.", field="region")
        norm_phone = normalize_phone(phone)
        if norm_phone is None:
            raise ValidationError("연락처는 02-1234-5678 형식으로 입력해 주세요.", field="phone")
        if not valid_email(email):
            raise ValidationError("이메일 주소 형식이 올바르지 않습니다.", field="email")
        with self.uow() as uow:
            s = uow.session
            clash = s.scalars(select(OperatingAgency).where(OperatingAgency.name == name.strip())).first()
            if clash is not None and clash.id != operator_id:
                raise ValidationError("같은 이름의 운영기관이 이미 있습니다.", field="name")
            if operator_id is None:
                op = OperatingAgency(id=uuid.uuid4())
                s.add(op)
                before = None
            else:
                op = s.get(OperatingAgency, operator_id)
                if op is None:
                    raise NotFound("운영기관을 찾을 수 없습니다.")
                before = asdict(operator_view(op))
            op.name, op.region, op.phone, op.email, op.active = name.strip(), region.strip(), norm_phone, email.strip(), active
            s.flush()
            uow.audit(actor, "operator.save", "operating_agency", op.id, before=before, after=asdict(operator_view(op)))
            uow.commit()
            return operator_view(op)

    def save_announcement(self, actor: Actor, *, title: str, body: str, pinned: bool = False,
                          announcement_id: uuid.UUID | None = None) -> AnnouncementView:
        require_role(actor, Role.AGENCY)
        if not title.strip():
            raise ValidationError("공고 제목을 입력해 주세요.", field="title")
        if not body.strip():
            raise ValidationError("공고 내용을 입력해 주세요.", field="body")
        now = self.clock.now()
        with self.uow() as uow:
            s = uow.session
            if announcement_id is None:
                a = Announcement(id=uuid.uuid4(), posted_at=now, author_id=actor.user_id)
                s.add(a)
                before = None
            else:
                a = s.get(Announcement, announcement_id)
                if a is None:
                    raise NotFound("공고를 찾을 수 없습니다.")
                before = {"title": a.title, "body": a.body, "pinned": a.pinned}
                a.updated_at = now
            a.title, a.body, a.pinned = title.strip(), body.strip(), pinned
            uow.audit(actor, "announcement.save", "announcement", a.id, before=before,
                      after={"title": a.title, "body": a.body, "pinned": a.pinned})
            uow.commit()
            return announcement_view(a)

    def delete_announcement(self, actor: Actor, announcement_id: uuid.UUID) -> None:
        require_role(actor, Role.AGENCY)
        with self.uow() as uow:
            a = uow.session.get(Announcement, announcement_id)
            if a is None:
                raise NotFound("공고를 찾을 수 없습니다.")
            uow.audit(actor, "announcement.delete", "announcement", a.id, before={"title": a.title, "body": a.body})
            uow.session.delete(a)
            uow.commit()

    def save_supplier(self, actor: Actor, *, name: str, business_no: str, representative_name: str,
                      phone: str, email: str = "", address: str = "") -> SupplierView:
        """Register a supplier company (the agency does it; no public signup)."""
        require_role(actor, Role.AGENCY)
        if not name.strip():
            raise ValidationError("공급기업명을 입력해 주세요.", field="name")
        bno = normalize_business_no(business_no)
        if bno is None:
            raise ValidationError("유효하지 않은 사업자등록번호입니다.", field="business_no")
        norm_phone = normalize_phone(phone)
        if norm_phone is None:
            raise ValidationError("연락처 형식이 올바르지 않습니다.", field="phone")
        with self.uow() as uow:
            s = uow.session
            if s.scalars(select(Supplier).where(Supplier.business_no == bno)).first():
                raise ValidationError("이미 등록된 공급기업입니다.", field="business_no")
            sup = Supplier(id=uuid.uuid4(), name=name.strip(), business_no=bno,
                           representative_name=representative_name.strip(), phone=norm_phone,
                           email=email.strip(), address=address.strip(), created_at=self.clock.now())
            s.add(sup)
            uow.audit(actor, "supplier.create", "supplier", sup.id, after={"name": sup.name, "business_no": bno})
            uow.commit()
            return SupplierView(sup.id, sup.name, bno, sup.representative_name, sup.phone, sup.email)

    def import_previous_participants(self, actor: Actor, csv_text: str, year: int | None = None) -> int:
        """Replace the list of previous-year participants from CSV (one business number per row,
        in the first column; a header row is allowed). Returns how many numbers were stored."""
        require_role(actor, Role.AGENCY)
        with self.uow() as uow:
            s = uow.session
            prog = current_settings(s)
            year = year or prog.year - 1
            numbers: set[str] = set()
            # Excel's "CSV UTF-8" starts with a BOM, which would hide the first number as a "header"
            for lineno, row in enumerate(csv.reader(io.StringIO(csv_text.removeprefix("\ufeff"))), start=1):
                if not row or not row[0].strip():
                    continue
                bno = normalize_business_no(row[0])
                if bno is None:
                    if lineno == 1:
                        continue  # header
                    raise ValidationError(f"{lineno}번째 줄의 사업자등록번호가 올바르지 않습니다: {row[0]}")
                numbers.add(bno)
            s.execute(delete(PreviousParticipant).where(PreviousParticipant.year == year))
            s.add_all(PreviousParticipant(id=uuid.uuid4(), year=year, business_no=b) for b in sorted(numbers))
            uow.audit(actor, "programme.previous_participants", "programme", year, after={"count": len(numbers)})
            uow.commit()
            return len(numbers)
