"""Demo data: one login per role and demand companies in every screening state."""

from __future__ import annotations

from datetime import timedelta

from ..enums import CompanyType, DocumentType, IssuerType, Role, ScreeningStatus
from .clock import FixedClock
from .dto import DocumentUpload
from .registry import Services, build_services
from .rules.numbers import business_no_check_digit
from .sample_files import sample_pdf, sample_png
from .signup import SignupForm

DEMO_PASSWORD = "demo-pass-2026"

#: (login id, role, what it is) — also listed in the README
DEMO_LOGINS = (
    ("demand", Role.DEMAND, "수요기업 (승인, 예산 확정)"),
    ("demand-hold", Role.DEMAND, "수요기업 (심사보류 — 수정 후 재제출)"),
    ("demand-new", Role.DEMAND, "수요기업 (심사중)"),
    ("supplier", Role.SUPPLIER, "공급기업"),
    ("operator", Role.OPERATOR, "서울지역 운영기관"),
    ("operator-busan", Role.OPERATOR, "부산지역 운영기관"),
    ("agency", Role.AGENCY, "전문기관"),
)

ANNOUNCEMENTS = (
    ("[공고] 비대면 서비스 바우처 사업 수요기업 모집 공고",
     "중소기업의 비대면 업무환경 전환을 지원하기 위해 비대면 서비스 바우처 수요기업을 모집합니다.\n\n"
     "· 지원대상: 중소기업(개인사업자 포함)\n· 지원내용: 기업당 400만원 한도 바우처(정부지원 90%, 자부담 10%)\n"
     "· 신청방법: K-비대면 바우처 플랫폼 회원가입 후 서류 제출\n· 문의: 고객센터 1357", True),
    ("[안내] 전년도 참여기업 재신청 요건 안내",
     "전년도 수요기업으로 참여한 기업은 전년도에 발급된 장애인기업확인서 또는 여성기업확인서를 첨부한 경우에만 "
     "재신청할 수 있습니다.", False),
    ("[안내] 결제수단(제로페이·신한카드) 선택 시 유의사항",
     "승인된 수요기업은 바우처 신청 메뉴에서 결제수단을 선택해야 하며, 한 번 선택한 결제수단은 변경할 수 없습니다.\n"
     "신한카드: 1544-7000 / 제로페이: 1670-0582", False),
    ("[공지] 공급기업 서비스 등록 일정", "공급기업 서비스 등록 및 수정은 전문기관 검토 후 카탈로그에 게시됩니다.", False),
)

#: name, company type, issuer, representative, final state, reason, login id (or None)
COMPANIES = (
    ("주식회사 한빛소프트랩", CompanyType.CORPORATION, IssuerType.REPRESENTATIVE, "김민준", ScreeningStatus.APPROVED, None, "demand"),
    ("새봄디자인", CompanyType.SOLE, IssuerType.REPRESENTATIVE, "이서연", ScreeningStatus.ON_HOLD,
     "지방세 완납증명서의 발급일이 지났습니다. 최근 발급본으로 다시 올려 주세요.", "demand-hold"),
    ("누리물산", CompanyType.SOLE, IssuerType.STAFF, "박도윤", ScreeningStatus.REVIEWING, None, "demand-new"),
    ("(주)다온테크", CompanyType.CORPORATION, IssuerType.REPRESENTATIVE, "최하준", ScreeningStatus.CONFIRMED, None, None),
    ("푸른숲교육", CompanyType.SOLE, IssuerType.REPRESENTATIVE, "정지우", ScreeningStatus.CONFIRMED, None, None),
    ("미래로건축사무소", CompanyType.SOLE, IssuerType.REPRESENTATIVE, "강서준", ScreeningStatus.REJECTED,
     "중소기업 기준을 충족하지 않습니다(상시 근로자 수 초과).", None),
    ("주식회사 별빛식품", CompanyType.CORPORATION, IssuerType.STAFF, "조하은", ScreeningStatus.REVIEWING, None, None),
    ("온누리약국", CompanyType.SOLE, IssuerType.REPRESENTATIVE, "윤지호", ScreeningStatus.ON_HOLD,
     "사업자등록증 사본이 흐려 확인할 수 없습니다.", None),
    ("(주)코리아핀테크", CompanyType.CORPORATION, IssuerType.REPRESENTATIVE, "장수아", ScreeningStatus.APPROVED, None, None),
    ("해오름카페", CompanyType.SOLE, IssuerType.REPRESENTATIVE, "임예준", ScreeningStatus.REVIEWING, None, None),
    ("바다마을수산", CompanyType.SOLE, IssuerType.REPRESENTATIVE, "한지민", ScreeningStatus.REVIEWING, None, None),
    ("주식회사 그린에너지", CompanyType.CORPORATION, IssuerType.REPRESENTATIVE, "오현우", ScreeningStatus.CONFIRMED, None, None),
)


def demo_business_no(n: int) -> str:
    first = f"{(123456780 + n * 7919) % 1_000_000_000:09d}"
    return first + str(business_no_check_digit(first))


def _verify(services: Services, name: str, phone: str) -> str:
    request = services.identity.start(name, phone)
    code = services.sms.last_to(phone).text.split("[")[2].split("]")[0]
    return services.identity.confirm(request, code).token


def _documents(company_type: CompanyType, issuer: IssuerType, label: str) -> dict:
    docs = {
        DocumentType.BUSINESS_REGISTRATION: DocumentUpload(DocumentType.BUSINESS_REGISTRATION, "사업자등록증.pdf",
                                                           sample_pdf(f"Business registration - {label}")),
        DocumentType.NATIONAL_TAX: DocumentUpload(DocumentType.NATIONAL_TAX, "국세완납증명서.png", sample_png(rgb=(60, 120, 80))),
        DocumentType.LOCAL_TAX: DocumentUpload(DocumentType.LOCAL_TAX, "지방세완납증명서.png", sample_png(rgb=(120, 80, 60))),
    }
    if company_type is CompanyType.CORPORATION:
        docs[DocumentType.CORPORATE_REGISTRY] = DocumentUpload(DocumentType.CORPORATE_REGISTRY, "법인등기부등본.pdf",
                                                               sample_pdf(f"Corporate registry - {label}"))
    if issuer is IssuerType.STAFF:
        docs[DocumentType.INSURANCE_ROSTER] = DocumentUpload(DocumentType.INSURANCE_ROSTER, "4대보험가입자명부.pdf",
                                                             sample_pdf(f"Insurance roster - {label}"))
    return docs


#: how far back the demo history starts (the seeding steps add up to a little less)
SEED_SPAN = timedelta(days=21)


def seed_demo(database_url: str, *, hash_params=None, end=None, progress=None) -> None:
    """Fill a fresh store with demo data. Events are spread over the three weeks before `end`."""
    from datetime import datetime, timezone

    from .passwords import PRODUCTION

    end = end or datetime.now(timezone.utc)
    clock = FixedClock(end - SEED_SPAN)
    services = build_services(database_url, clock, hash_params=hash_params or PRODUCTION, simulator_seed=7)
    try:
        _seed(services, clock, progress)
    finally:
        services.dispose()
    if clock.now() > end:  # demo history must never lie in the future of the running app
        raise AssertionError(f"demo seeding ran {clock.now() - end} past its end")


def _seed(services: Services, clock: FixedClock, progress) -> None:
    from .accounts import actor_of
    from ..models import User
    from sqlalchemy import select

    prog = services.programme
    operators = prog.operators()
    seoul = next(o for o in operators if o.region == "서울")
    busan = next(o for o in operators if o.region == "부산")
    # The first agency account bootstraps itself (there is nobody to create it).
    with services.programme.uow() as uow:
        from ..models import User as UserModel
        import uuid

        user = UserModel(id=uuid.uuid4(), login_id="agency", password_hash=services.passwords.hash(DEMO_PASSWORD),
                         role=Role.AGENCY, display_name="전문기관 담당자", created_at=clock.now())
        uow.session.add(user)
        uow.audit(None, "account.create", "user", user.id, after={"login_id": "agency", "role": "AGENCY"})
        uow.commit()
        agency = actor_of(user)
    services.accounts.create_account(agency, role=Role.OPERATOR, login_id="operator", password=DEMO_PASSWORD,
                                     display_name="서울 운영기관 심사담당", operator_id=seoul.id)
    services.accounts.create_account(agency, role=Role.OPERATOR, login_id="operator-busan", password=DEMO_PASSWORD,
                                     display_name="부산 운영기관 심사담당", operator_id=busan.id)
    supplier = prog.save_supplier(agency, name="(주)클라우드브릿지", business_no=demo_business_no(900),
                                  representative_name="서지훈", phone="02-3456-7890", email="sales@cloudbridge.example.kr")
    services.accounts.create_account(agency, role=Role.SUPPLIER, login_id="supplier", password=DEMO_PASSWORD,
                                     display_name="(주)클라우드브릿지", supplier_id=supplier.id)
    for title, body, pinned in ANNOUNCEMENTS:
        clock.advance(minutes=30)
        prog.save_announcement(agency, title=title, body=body, pinned=pinned)
    prog.import_previous_participants(agency, "사업자등록번호\n" + "\n".join(demo_business_no(500 + i) for i in range(5)))

    operator_actor = services.accounts.login("operator", DEMO_PASSWORD)
    busan_actor = services.accounts.login("operator-busan", DEMO_PASSWORD)
    for i, (name, ctype, issuer, rep, final, reason, login) in enumerate(COMPANIES):
        clock.advance(hours=7, minutes=13 * i)
        phone = f"010-{2000 + i * 37:04d}-{5000 + i * 91:04d}"
        manager = ("홍길동", f"010-{3100 + i:04d}-{7100 + i:04d}")
        verified_name, verified_phone = (rep, phone) if issuer is IssuerType.REPRESENTATIVE else manager
        form = SignupForm(
            agree_terms=True, agree_privacy=True, issuer_type=issuer,
            identity_token=_verify(services, verified_name, verified_phone),
            identity_name=verified_name, identity_phone=verified_phone,
            company_type=ctype, name=name, business_no=demo_business_no(i),
            corporate_no=f"1101{i:02d}-12345{i:02d}" if ctype is CompanyType.CORPORATION else "",
            representative_name=rep, representative_phone=phone,
            address=f"{'서울특별시 중구 세종대로' if i % 3 else '부산광역시 해운대구 센텀중앙로'} {100 + i}",
            address_detail=f"{i + 2}층", phone=f"02-{700 + i}-{1000 + i:04d}",
            industry=("소프트웨어 개발", "디자인", "도소매", "교육서비스", "음식점")[i % 5], employees=str(3 + i * 4),
            documents=_documents(ctype, issuer, name), manager_same_as_representative=issuer is IssuerType.REPRESENTATIVE,
            manager_name=manager[0], manager_phone=manager[1], manager_email=f"manager{i}@company.example.kr",
            payment_same_as_representative=True,
            operator_id=busan.id if i % 3 == 0 and login is None else seoul.id,
            login_id=login or f"company{i:02d}", password=DEMO_PASSWORD, password_confirm=DEMO_PASSWORD,
        )
        actor = services.signup.submit(form)
        if progress:
            progress((i + 1) / len(COMPANIES), name)
        screener = busan_actor if form.operator_id == busan.id else operator_actor
        clock.advance(hours=20)
        if final is ScreeningStatus.REVIEWING:
            continue
        if final is ScreeningStatus.ON_HOLD:
            services.screening.hold(screener, actor.company_id, reason)
            continue
        if final is ScreeningStatus.REJECTED:
            services.screening.reject(screener, actor.company_id, reason)
            continue
        if i % 4 == 0:  # some went through a hold and a resubmission first
            services.screening.hold(screener, actor.company_id, "법인 등기부등본이 3개월 이내 발급본이 아닙니다.")
            clock.advance(hours=5)
            services.screening.resubmit(actor)
            clock.advance(hours=9)
        services.screening.confirm(screener, actor.company_id)
        if final is ScreeningStatus.APPROVED:
            clock.advance(days=1)
            services.screening.approve(agency, actor.company_id)
    # a confirmed company edited its information after confirmation: highlighted to the operator
    clock.advance(hours=3)
    with services.programme.uow() as uow:
        user = uow.session.scalars(select(User).where(User.login_id == "company11")).one()
        green = actor_of(user)
    info = services.companies.get(green).info
    from dataclasses import replace

    services.companies.update_info(green, replace(info, address_detail="본관 5층", employees=info.employees + 2))
