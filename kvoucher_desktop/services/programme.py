"""Programme parameters, categories, operating agencies, announcements (SPEC §4)."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import asdict, replace
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..enums import Role
from ..models import (
    Announcement,
    Category,
    Company,
    OperatingAgency,
    PreviousParticipant,
    ProgrammeSettings,
    Supplier,
)
from .changes import Changes, Done, Entity
from .clock import Clock, kst_date
from .dto import Actor, AnnouncementView, CategoryView, OperatorView, ProgrammeView, SupplierView
from .errors import Conflict, NotFound, ValidationError
from .guards import require_role
from .repositories.companies import operator_view
from .rules.inputs import (
    clean_amount,
    clean_bool,
    clean_date,
    clean_int,
    clean_number_text,
    clean_page_size,
    clean_text,
    clean_uuid,
    clean_year,
)
from .rules.korean import particle
from .rules.limits import MAX_AMOUNT
from .rules.numbers import normalize_business_no, normalize_phone, valid_email
from .uow import UowFactory

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


def _same_day_in(day: date, year: int) -> date:
    """`day` moved to `year` (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def took_part(year: int):
    """The business numbers that took part in programme year `year`: the companies whose budget the
    agency approved (later abandonments included) — docs/decisions.md, "Programme years"."""
    return (select(Company.business_no)
            .where(Company.programme_year == year, Company.approved_at.is_not(None)).distinct())


def year_opened_elsewhere(year: int | None) -> Conflict:
    which = f"{year}년 사업" if year else "다음 연도 사업"
    return Conflict(f"다른 창구에서 이미 {which}{particle(which, '을')} 열었습니다. 화면을 새로 고친 뒤 확인해 주세요.",
                    code="year_opened")


def announcement_view(a: Announcement) -> AnnouncementView:
    return AnnouncementView(a.id, a.title, a.body, a.posted_at, a.pinned)


def _clean_settings(view: ProgrammeView) -> ProgrammeView:
    """Types and ranges of the programme parameters (every value fits its INTEGER column)."""
    if not isinstance(view, ProgrammeView):
        raise ValidationError("사업 설정 형식이 올바르지 않습니다.", field="settings")
    clean = replace(
        view,
        application_start=clean_date(view.application_start, "application_start", "신청 시작일"),
        application_end=clean_date(view.application_end, "application_end", "신청 종료일"),
        voucher_amount=clean_amount(view.voucher_amount, "voucher_amount", "바우처 금액", maximum=MAX_AMOUNT),
        government_share_pct=clean_int(view.government_share_pct, "government_share_pct", "정부지원 비율",
                                       minimum=0, maximum=100, unit="%"),
        use_period_months=clean_int(view.use_period_months, "use_period_months", "이용 기간",
                                    minimum=1, maximum=120, unit="개월"),
        deal_window_days=clean_int(view.deal_window_days, "deal_window_days", "거래 응답 기한",
                                   minimum=1, maximum=30, unit="일"),
        same_day_cancel_only=clean_bool(view.same_day_cancel_only, "same_day_cancel_only", "당일 취소"),
        allow_price_above_list=clean_bool(view.allow_price_above_list, "allow_price_above_list", "등록 가격 초과 허용"),
        settlement_days=clean_int(view.settlement_days, "settlement_days", "정산 기한", minimum=0, maximum=365,
                                  unit="일"),
        settlement_fee_bp=clean_int(view.settlement_fee_bp, "settlement_fee_bp", "정산 수수료", minimum=0,
                                    maximum=10_000),
    )
    if clean.application_end < clean.application_start:
        raise ValidationError("신청 종료일이 시작일보다 빠릅니다.", field="application_end")
    return clean


class ProgrammeService:
    def __init__(self, uow: UowFactory, clock: Clock):
        self.uow = uow
        self.clock = clock

    # --- seeding -------------------------------------------------------------------------
    def ensure_defaults(self, year: int | None = None) -> None:
        """Seed the programme parameters of SPEC §4 on an empty store (idempotent).

        Desks that start on an empty store at once may both find it empty: the later insert
        hits a unique key (the year, a category code, an agency name), rolls back and looks
        again, and then finds everything seeded.
        """
        year = year or kst_date(self.clock.now()).year
        for attempt in range(3):
            try:
                return self._seed_defaults(year)
            except IntegrityError:
                if attempt == 2:
                    raise

    def _seed_defaults(self, year: int) -> None:
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
            return settings_view(uow.settings.current())

    def years(self) -> tuple[int, ...]:
        """The programme years the store holds, newest first (the year selectors' choices)."""
        with self.uow() as uow:
            return tuple(uow.session.scalars(select(ProgrammeSettings.year).order_by(ProgrammeSettings.year.desc())))

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
        limit = clean_page_size(limit, 1000)
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
    def update_settings(self, actor: Actor, view: ProgrammeView) -> Done[ProgrammeView]:
        """Changes: the settings (by programme year)."""
        require_role(actor, Role.AGENCY)
        view = _clean_settings(view)
        with self.uow() as uow:
            p = uow.settings.current()
            if view.year != p.year:
                raise ValidationError(
                    f"사업연도는 설정 저장으로 바꿀 수 없습니다(현재 {p.year}년). "
                    "새 연도는 사업 설정의 '다음 연도 열기'로 여세요.", field="year")
            before = asdict(settings_view(p))
            for key, value in asdict(replace(view, year=p.year)).items():
                setattr(p, key, value)
            uow.audit(actor, "programme.update", "programme", p.year, before=before, after=asdict(view))
            uow.commit()
            return Done(settings_view(p), Changes.of(Entity.SETTINGS, p.year))

    def open_next_year(self, actor: Actor, from_year: int | None = None) -> Done[ProgrammeView]:
        """다음 연도 열기 (SPEC §4): the year after the current one becomes current, with the current
        year's parameters and the same application window in the new year; the companies that
        took part in the closing year (`took_part`) join that year's previous-participants list
        (numbers imported from CSV stay). `from_year` is the year the caller sees as current: a
        desk that saw an older year (another desk opened the next one meanwhile) is refused, and
        two desks opening at once give one new year (the closing row is switched off by a guarded
        UPDATE, the new year is unique) and a Korean refusal for the other.
        Changes: the settings (both years) and the participants."""
        require_role(actor, Role.AGENCY)
        from_year = clean_year(from_year, "from_year")
        year = from_year + 1 if from_year is not None else None
        try:
            with self.uow() as uow:
                s = uow.session
                old = uow.settings.current()
                if from_year is not None and old.year != from_year:
                    raise year_opened_elsewhere(old.year)
                closing, year = old.year, old.year + 1
                if year > 2100:
                    raise ValidationError("더 이상 다음 연도를 열 수 없습니다.", field="year")
                if s.scalar(select(ProgrammeSettings.id).where(ProgrammeSettings.year == year)) is not None:
                    raise year_opened_elsewhere(year)
                # the guarded switch: of two desks, the second finds the closing row no longer current
                switched = s.execute(update(ProgrammeSettings)
                                     .where(ProgrammeSettings.id == old.id, ProgrammeSettings.is_current.is_(True))
                                     .values(is_current=False).execution_options(synchronize_session=False))
                if switched.rowcount != 1:
                    raise year_opened_elsewhere(year)
                copied = {k: getattr(old, k) for k in (
                    "voucher_amount", "government_share_pct", "use_period_months", "deal_window_days",
                    "same_day_cancel_only", "allow_price_above_list", "settlement_days", "settlement_fee_bp")}
                new = ProgrammeSettings(id=uuid.uuid4(), year=year, is_current=True,
                                        application_start=_same_day_in(old.application_start, year),
                                        application_end=_same_day_in(old.application_end, year), **copied)
                s.add(new)
                s.flush()
                added = self._merge_participants(uow, closing)
                uow.audit(actor, "programme.open_year", "programme", year,
                          before={"year": closing}, after={"year": year, "participants_added": added})
                uow.commit()
                view = settings_view(new)
        except (IntegrityError, StaleDataError):
            raise year_opened_elsewhere(year) from None
        except OperationalError as exc:  # SQLite: the other desk's write held the store past the wait
            if "locked" not in str(exc).lower():
                raise
            raise year_opened_elsewhere(year) from None
        return Done(view, Changes({Entity.SETTINGS: {closing, year}, Entity.PARTICIPANT: ()}))

    def _merge_participants(self, uow, year: int) -> int:
        """Add the numbers that took part in `year` to that year's previous-participants list;
        returns how many were new."""
        s = uow.session
        have = set(s.scalars(select(PreviousParticipant.business_no).where(PreviousParticipant.year == year)))
        new = sorted(set(s.scalars(took_part(year))) - have)
        s.add_all(PreviousParticipant(id=uuid.uuid4(), year=year, business_no=b) for b in new)
        s.flush()
        return len(new)

    def previous_participants(self, actor: Actor, year: int | None = None) -> tuple[str, ...]:
        """The previous-participants list of `year` (default: the year before the current one)."""
        require_role(actor, Role.AGENCY)
        year = clean_year(year)
        with self.uow() as uow:
            year = year or uow.settings.current().year - 1
            return tuple(uow.session.scalars(select(PreviousParticipant.business_no)
                                             .where(PreviousParticipant.year == year)
                                             .order_by(PreviousParticipant.business_no)))

    def rename_category(self, actor: Actor, code: str, name: str) -> Done[CategoryView]:
        """Changes: the category (by code)."""
        require_role(actor, Role.AGENCY)
        code = clean_text(code, "category.code", field="code")
        name = clean_text(name, "category.name", field="name")
        with self.uow() as uow:
            c = uow.session.get(Category, code)
            if c is None:
                raise NotFound("카테고리를 찾을 수 없습니다.")
            before = {"name": c.name}
            c.name = name.strip()
            uow.audit(actor, "category.rename", "category", code, before=before, after={"name": c.name})
            uow.commit()
            return Done(CategoryView(c.code, c.name, c.sort_order), Changes.of(Entity.CATEGORY, c.code))

    def save_operator(self, actor: Actor, *, name: str, region: str, phone: str, email: str,
                      operator_id: uuid.UUID | None = None, active: bool = True) -> Done[OperatorView]:
        """Add or edit an operating agency. Changes: the operator."""
        require_role(actor, Role.AGENCY)
        name = clean_text(name, "operator.name", field="name")
        region = clean_text(region, "operator.region", field="region")
        phone = clean_number_text(phone, "operator.phone", field="phone")
        email = clean_text(email, "operator.email", field="email", required=False)
        clean_uuid(operator_id, "operator_id", optional=True)
        active = clean_bool(active, "active", "사용 여부")
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
            return Done(operator_view(op), Changes.of(Entity.OPERATOR, op.id))

    def save_announcement(self, actor: Actor, *, title: str, body: str, pinned: bool = False,
                          announcement_id: uuid.UUID | None = None) -> Done[AnnouncementView]:
        """Post or edit an announcement. Changes: the announcement."""
        require_role(actor, Role.AGENCY)
        title = clean_text(title, "announcement.title", field="title")
        body = clean_text(body, "announcement.body", field="body")
        pinned = clean_bool(pinned, "pinned", "상단 고정")
        clean_uuid(announcement_id, "announcement_id", optional=True)
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
            return Done(announcement_view(a), Changes.of(Entity.ANNOUNCEMENT, a.id))

    def delete_announcement(self, actor: Actor, announcement_id: uuid.UUID) -> Done[None]:
        """Changes: the announcement (gone)."""
        require_role(actor, Role.AGENCY)
        clean_uuid(announcement_id, "announcement_id")
        with self.uow() as uow:
            a = uow.session.get(Announcement, announcement_id)
            if a is None:
                raise NotFound("공고를 찾을 수 없습니다.")
            uow.audit(actor, "announcement.delete", "announcement", a.id, before={"title": a.title, "body": a.body})
            uow.session.delete(a)
            uow.commit()
            return Done(None, Changes.of(Entity.ANNOUNCEMENT, announcement_id))

    def save_supplier(self, actor: Actor, *, name: str, business_no: str, representative_name: str,
                      phone: str, email: str = "", address: str = "") -> Done[SupplierView]:
        """Register a supplier company (the agency does it; no public signup). Changes: the supplier."""
        require_role(actor, Role.AGENCY)
        name = clean_text(name, "supplier.name", field="name")
        bno = normalize_business_no(clean_number_text(business_no, "supplier.business_no", field="business_no"))
        if bno is None:
            raise ValidationError("유효하지 않은 사업자등록번호입니다.", field="business_no")
        representative_name = clean_text(representative_name, "supplier.representative_name",
                                         field="representative_name")
        norm_phone = normalize_phone(clean_number_text(phone, "supplier.phone", field="phone"))
        if norm_phone is None:
            raise ValidationError("연락처 형식이 올바르지 않습니다.", field="phone")
        email = clean_text(email, "supplier.email", field="email", required=False)
        if email and not valid_email(email):
            raise ValidationError("이메일 주소 형식이 올바르지 않습니다.", field="email")
        address = clean_text(address, "supplier.address", field="address", required=False)
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
            return Done(SupplierView(sup.id, sup.name, bno, sup.representative_name, sup.phone, sup.email),
                        Changes.of(Entity.SUPPLIER, sup.id))

    def import_previous_participants(self, actor: Actor, csv_text: str, year: int | None = None) -> Done[int]:
        """Replace the list of previous-year participants from CSV (one business number per row,
        in the first column; a header row is allowed); the companies the store itself knows took
        part in that year stay on the list (docs/decisions.md, "Programme years"). Returns how many
        numbers were stored.
        Changes: the participants (the whole list: no ids)."""
        require_role(actor, Role.AGENCY)
        if isinstance(csv_text, str):  # Excel's "CSV UTF-8" starts with a BOM (a format character)
            csv_text = csv_text.removeprefix("\ufeff")
        csv_text = clean_text(csv_text, "programme.previous_csv", field="csv", required=False)
        if year is not None:
            year = clean_int(year, "year", "연도", minimum=2000, maximum=2100)
        with self.uow() as uow:
            s = uow.session
            prog = uow.settings.current()
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
                    raise ValidationError(f"{lineno}번째 줄의 사업자등록번호가 올바르지 않습니다: {row[0][:40]}",
                                          field="csv")
                numbers.add(bno)
            s.execute(delete(PreviousParticipant).where(PreviousParticipant.year == year))
            s.add_all(PreviousParticipant(id=uuid.uuid4(), year=year, business_no=b) for b in sorted(numbers))
            s.flush()
            kept = self._merge_participants(uow, year)
            uow.audit(actor, "programme.previous_participants", "programme", year,
                      after={"count": len(numbers), "took_part_kept": kept})
            uow.commit()
            return Done(len(numbers) + kept, Changes({Entity.PARTICIPANT: ()}))
