"""Demo data: one login per role, demand companies in every screening state, a catalog of
suppliers' services in all six categories, and deals in every inbox state."""

from __future__ import annotations

from datetime import timedelta

from ..enums import CompanyType, DocumentType, IssuerType, PaymentMethod, PaymentStatus, Role, ScreeningStatus
from .clock import FixedClock
from .demo_catalog import CATEGORY_COLOURS, SUPPLIERS
from .dto import Actor, DocumentUpload, ServiceForm
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

#: companies (by position in COMPANIES, all still 심사중) that chose an agency other than 서울 or 부산, so
#: the statistics show several agencies
ELSEWHERE = {6: "대구", 10: "광주"}

#: name, company type, issuer, representative, final state, reason, login id (or None)
COMPANIES = (
    ("주식회사 한빛소프트랩", CompanyType.CORPORATION, IssuerType.REPRESENTATIVE, "김민준", ScreeningStatus.APPROVED, None, "demand"),
    ("새봄디자인", CompanyType.SOLE, IssuerType.REPRESENTATIVE, "이서연", ScreeningStatus.ON_HOLD,
     "지방세 완납증명서의 발급일이 지났습니다. 최근 발급본으로 다시 올려 주세요.", "demand-hold"),
    ("누리물산", CompanyType.SOLE, IssuerType.STAFF, "박도윤", ScreeningStatus.REVIEWING, None, "demand-new"),
    ("(주)다온테크", CompanyType.CORPORATION, IssuerType.REPRESENTATIVE, "최하준", ScreeningStatus.CONFIRMED, None, None),
    ("푸른숲교육", CompanyType.SOLE, IssuerType.REPRESENTATIVE, "정지우", ScreeningStatus.APPROVED, None, None),
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


#: how far back the demo history starts; the catalog and screening steps take about 20 days,
#: the deals the last week (open deals are made on the last day so that they are still open)
SEED_SPAN = timedelta(days=28)
DEALS_FROM = timedelta(days=7)


def seed_demo(database_url: str, *, hash_params=None, end=None, progress=None) -> None:
    """Fill a fresh store with demo data. Events are spread over the three weeks before `end`."""
    from datetime import datetime, timezone

    from .passwords import PRODUCTION

    end = end or datetime.now(timezone.utc)
    clock = FixedClock(end - SEED_SPAN)
    from .sessions import SessionPolicy

    # the seeding actors act over SEED_SPAN of demo time; their sessions end when it is done
    seeding = SessionPolicy(idle=2 * SEED_SPAN, absolute=2 * SEED_SPAN)
    services = build_services(database_url, clock, hash_params=hash_params or PRODUCTION, simulator_seed=7,
                              session_policy=seeding)
    try:
        _seed(services, clock, progress)
        _seed_market(services, clock, end, progress)
        _end_seeding_sessions(services)
    finally:
        services.dispose()
    if clock.now() > end:  # demo history must never lie in the future of the running app
        raise AssertionError(f"demo seeding ran {clock.now() - end} past its end")


def _end_seeding_sessions(services: Services) -> None:
    """No session of the seeding is left open in the demo store."""
    from sqlalchemy import update

    from ..models import LoginSession

    with services.programme.uow() as uow:
        uow.session.execute(update(LoginSession).where(LoginSession.ended_at.is_(None))
                            .values(ended_at=services.clock.now(), end_reason="seeded"))
        uow.commit()


def _seed(services: Services, clock: FixedClock, progress) -> None:
    prog = services.programme
    operators = prog.operators()
    seoul = next(o for o in operators if o.region == "서울")
    busan = next(o for o in operators if o.region == "부산")
    by_region = {o.region: o for o in operators}
    # The first agency account bootstraps itself (there is nobody to create it).
    with services.programme.uow() as uow:
        from ..models import User as UserModel
        import uuid

        user = UserModel(id=uuid.uuid4(), login_id="agency", password_hash=services.passwords.hash(DEMO_PASSWORD),
                         role=Role.AGENCY, display_name="전문기관 담당자", created_at=clock.now())
        uow.session.add(user)
        uow.audit(None, "account.create", "user", user.id, after={"login_id": "agency", "role": "AGENCY"})
        uow.commit()
    agency = services.sessions.open_for(user.id)  # a session as a login gives (without an Argon2 check)
    services.accounts.create_account(agency, role=Role.OPERATOR, login_id="operator", password=DEMO_PASSWORD,
                                     display_name="서울 운영기관 심사담당", operator_id=seoul.id)
    services.accounts.create_account(agency, role=Role.OPERATOR, login_id="operator-busan", password=DEMO_PASSWORD,
                                     display_name="부산 운영기관 심사담당", operator_id=busan.id)
    _seed_catalog(services, clock, agency, progress)
    for title, body, pinned in ANNOUNCEMENTS:
        clock.advance(minutes=30)
        prog.save_announcement(agency, title=title, body=body, pinned=pinned)
    prog.import_previous_participants(agency, "사업자등록번호\n" + "\n".join(demo_business_no(500 + i) for i in range(5)))

    operator_actor = _actor(services, "operator")  # as a login would give (without an Argon2 check)
    busan_actor = _actor(services, "operator-busan")
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
            operator_id=(by_region[ELSEWHERE[i]].id if i in ELSEWHERE
                         else busan.id if i % 3 == 0 and login is None else seoul.id),
            login_id=login or f"company{i:02d}", password=DEMO_PASSWORD, password_confirm=DEMO_PASSWORD,
        )
        actor = services.signup.submit(form).value
        if progress:
            progress(0.1 + 0.7 * (i + 1) / len(COMPANIES), name)
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
    green = _actor(services, "company11")
    info = services.companies.get(green).info
    from dataclasses import replace

    services.companies.update_info(green, replace(info, address_detail="본관 5층", employees=info.employees + 2))


def _actor(services: Services, login_id: str) -> Actor:
    from sqlalchemy import select

    from ..models import User

    with services.programme.uow() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.login_id == login_id))
    return services.sessions.open_for(user_id)


def _seed_catalog(services: Services, clock: FixedClock, agency: Actor, progress) -> None:
    """Supplier companies, one login each, and their services registered through the catalog service.

    The first supplier's account is made by the agency like any other; the others reuse its password
    hash (same demo password) so that seeding does not spend an Argon2id hash per supplier."""
    import uuid

    from sqlalchemy import select

    from ..models import User

    images = {code: sample_png(rgb=rgb) for code, rgb in CATEGORY_COLOURS.items()}
    password_hash = None
    for n, (login_id, name, rep, phone, email, address, offers) in enumerate(SUPPLIERS):
        clock.advance(minutes=40)
        supplier = services.programme.save_supplier(agency, name=name, business_no=demo_business_no(900 + n),
                                                    representative_name=rep, phone=phone, email=email,
                                                    address=address).value
        if password_hash is None:
            services.accounts.create_account(agency, role=Role.SUPPLIER, login_id=login_id, password=DEMO_PASSWORD,
                                             display_name=name, supplier_id=supplier.id, email=email)
        with services.programme.uow() as uow:
            if password_hash is None:
                user = uow.session.scalars(select(User).where(User.login_id == login_id)).one()
                password_hash = user.password_hash
            else:
                user = User(id=uuid.uuid4(), login_id=login_id, password_hash=password_hash, role=Role.SUPPLIER,
                            display_name=name, email=email, supplier_id=supplier.id, created_at=clock.now())
                uow.session.add(user)
                uow.audit(agency, "account.create", "user", user.id,
                          after={"login_id": login_id, "role": Role.SUPPLIER.value})
                uow.commit()
            user_id = user.id
        actor = services.sessions.open_for(user_id)
        for _key, code, title, keywords, price, description in offers:
            clock.advance(minutes=17)
            services.catalog.save_service(actor, ServiceForm(title, code, keywords, price, description,
                                                             image=images[code]))
        if progress:
            progress(0.1 * (n + 1) / len(SUPPLIERS), name)


def _service_ids(services: Services) -> dict[str, object]:
    """Demo service key -> id (names are unique in the demo catalog)."""
    from sqlalchemy import select

    from ..models import Service

    names = {title: key for *_, offers in SUPPLIERS for key, _c, title, *_ in offers}
    with services.programme.uow() as uow:
        return {names[n]: i for i, n in uow.session.execute(select(Service.id, Service.name)) if n in names}


def _advance_to(clock: FixedClock, when) -> None:
    if clock.now() > when:
        raise AssertionError(f"demo seeding is {clock.now() - when} behind its schedule")
    clock.set(when)


def _seed_market(services: Services, clock: FixedClock, end, progress) -> None:
    """바우처 신청, wishlists, inquiries and deals in every inbox state, on a schedule ending at `end`.

    한빛소프트랩 (login `demand`): 거래상담 ×2, 거래수락, 결제요청, 장바구니 ×2 (so 결제하기 offers three
    payable deals that fit the budget together), 반려 with a memo, 불가 (unanswered, swept).
    (주)코리아핀테크 buys from the demo supplier too, so `supplier` has rows in each of its tabs;
    푸른숲교육 has asked to give up its budget (the agency's 예산포기 page)."""
    cat, deals, vouchers = services.catalog, services.deals, services.vouchers
    ids = _service_ids(services)
    hanbit, fintech, forest = _actor(services, "demand"), _actor(services, "company08"), _actor(services, "company04")
    sup = {login: _actor(services, login) for login, *_ in SUPPLIERS}
    at = lambda delta: _advance_to(clock, end - delta)  # noqa: E731  (schedule relative to `end`)
    h = lambda hours: timedelta(hours=hours)  # noqa: E731

    at(DEALS_FROM)
    vouchers.choose_payment_method(hanbit, PaymentMethod.SHINHAN_CARD)
    clock.advance(hours=2)
    vouchers.choose_payment_method(fintech, PaymentMethod.ZEROPAY, zeropay_password="482913",
                                   zeropay_password_confirm="482913")
    for key, hours in (("bridge-meet", 1), ("safe-vpn", 3), ("onclass-lms", 2), ("maum-counsel", 5)):
        clock.advance(hours=hours)
        cat.set_wished(hanbit, ids[key], True)
    clock.advance(hours=1)
    answered = cat.ask(hanbit, ids["bridge-meet"], "30명이 동시에 회의할 때 녹화 파일은 얼마나 보관되나요?").value
    clock.advance(hours=3)
    cat.answer(sup["supplier"], answered.id, "녹화 파일은 12개월 동안 보관되며, 언제든 내려받을 수 있습니다.")
    clock.advance(hours=2)
    cat.ask(fintech, ids["bridge-webinar"], "웨비나 다시보기 링크에 비밀번호를 걸 수 있나요?")
    if progress:
        progress(0.85, "서비스 요청")

    # 불가: requested six days before `end`, nobody answered by 24:00 of D+2 (swept below)
    at(h(6 * 24))
    deals.request(hanbit, ids["safe-endpoint"], "PC 25대에 설치하려고 합니다. 설치 지원이 포함되는지 알려 주세요.")
    clock.advance(hours=4)
    deals.request(fintech, ids["bridge-meet"], "지점 두 곳에서 함께 쓰려고 합니다. 견적 부탁드립니다.")
    _seed_payments(services, clock, at, h, ids, hanbit, fintech, sup)
    # 반려 with a memo
    at(h(4 * 24))
    webinar = deals.request(hanbit, ids["bridge-webinar"], "신제품 설명회를 200명 규모로 열고 싶습니다.").value
    clock.advance(hours=3)
    deals.reject(sup["supplier"], webinar.id,
                 "이 상품은 최대 100명까지 시청할 수 있습니다. 200명 이상은 엔터프라이즈 상품으로 다시 요청해 주세요.")
    # 거래수락 (no deadline) and the consultations that turn into payment requests
    at(h(3 * 24))
    accepted = {}
    for key, memo in (("bridge-meet", "직원 28명이 재택근무 중입니다. 12개월 사용 견적 부탁드립니다."),
                      ("wf-approval", "결재 양식 이관이 가능한지, 30명 기준 금액을 알려 주세요."),
                      ("safe-vpn", "재택근무자 18명이 사내 ERP에 접속해야 합니다."),
                      ("onclass-lms", "신입사원 교육 과정을 올려서 쓰려고 합니다.")):
        accepted[key] = deals.request(hanbit, ids[key], memo).value
        clock.advance(minutes=40)
    webinar2 = deals.request(fintech, ids["bridge-webinar"], "분기별 투자설명회(80명 내외)에 쓰려고 합니다.").value
    at(h(3 * 24 - 5))
    for key in accepted:
        supplier = sup[next(login for login, *_, offers in SUPPLIERS if any(o[0] == key for o in offers))]
        deals.accept(supplier, accepted[key].id)
        clock.advance(minutes=25)
    deals.accept(sup["supplier"], webinar2.id)
    # (주)코리아핀테크 buys on three more days, in three more categories (the statistics' charts)
    _buy(services, clock, fintech, sup, ids, "maum-walk", 200_000)
    at(h(2 * 24))
    _buy(services, clock, fintech, sup, ids, "sw-diagnosis", 330_000)
    # 결제요청 and 장바구니 on the last day (their deadline is after `end`)
    at(h(20))
    deals.request_payment(sup["supplier7"], accepted["wf-approval"].id, 1_650_000)
    clock.advance(minutes=30)
    deals.request_payment(sup["supplier2"], accepted["safe-vpn"].id, 990_000)
    clock.advance(minutes=30)
    deals.request_payment(sup["supplier3"], accepted["onclass-lms"].id, 1_100_000)
    clock.advance(minutes=30)
    deals.request_payment(sup["supplier"], webinar2.id, 1_450_000)
    at(h(16))
    deals.move_to_cart(hanbit, accepted["safe-vpn"].id)
    clock.advance(minutes=10)
    deals.move_to_cart(hanbit, accepted["onclass-lms"].id)
    at(h(12))
    _buy(services, clock, fintech, sup, ids, "hitalk-consult", 550_000)
    # fresh 거래상담 requests
    at(h(6))
    deals.request(hanbit, ids["bridge-works"], "20명이 쓸 그룹웨어를 찾고 있습니다. 시연을 먼저 볼 수 있을까요?")
    clock.advance(hours=1)
    deals.request(fintech, ids["bridge-drive"], "감사 대비 문서를 보관하려고 합니다. 접근 기록이 남나요?")
    clock.advance(hours=1)
    deals.request(hanbit, ids["maum-counsel"], "직원 30명 대상 상담 프로그램을 6개월 운영하려고 합니다.")
    # 예산포기 request waiting for the agency
    at(h(3))
    vouchers.request_abandonment(forest, "교육 사업을 축소하게 되어 배정된 바우처 예산을 사용하지 않겠습니다.")
    at(timedelta(minutes=30))
    deals.sweep()  # what the app does at start-up: the two unanswered requests become 불가
    if progress:
        progress(1.0, "완료")


def _buy(services: Services, clock: FixedClock, buyer: Actor, sup: dict, ids: dict, key: str, amount: int) -> None:
    """A deal asked, accepted, requested and paid by ZeroPay within a few minutes."""
    deals = services.deals
    supplier = sup[next(login for login, *_, offers in SUPPLIERS if any(o[0] == key for o in offers))]
    deal = deals.request(buyer, ids[key], "바로 결제하려고 합니다. 결제요청 부탁드립니다.").value
    clock.advance(minutes=3)
    deals.accept(supplier, deal.id)
    deals.request_payment(supplier, deal.id, amount)
    clock.advance(minutes=3)
    _pay(services, buyer, deal.id, password="482913")
    clock.advance(minutes=3)


def _pay(services: Services, buyer: Actor, deal_id, *, card=None, password: str | None = None,
         number: str | None = None, expiry: str | None = None):
    """One attempt through the payment service as the payment window makes it (a new key)."""
    import re
    import uuid

    payments = services.payments
    (p,) = payments.start(buyer, [(deal_id, uuid.uuid4().hex)], batch_key=uuid.uuid4().hex).value
    if password is not None:
        return payments.pay_zeropay(buyer, p.id, password).value
    sent = payments.send_card(buyer, p.id, number or card.number, expiry or card.expiry).value
    if sent.status is not PaymentStatus.IN_PROGRESS:
        return sent
    code = re.search(r"\b(\d{6})\b", services.sms.outbox[-1].text).group(1)  # what the 시뮬레이터 panel shows
    return payments.confirm_code(buyer, p.id, code).value


def _seed_payments(services: Services, clock: FixedClock, at, h, ids, hanbit: Actor, fintech: Actor, sup) -> None:
    """결제 for 서비스 결제관리: 한빛소프트랩 (`demand`, 신한카드) gets its voucher card, pays two deals — one
    after a mistyped card number (결제실패) — and cancels a third the same day; (주)코리아핀테크
    (`company08`, 제로페이) pays after a wrong password, and a payment the supplier cancels later.
    The amounts leave 한빛소프트랩 the budget for its three payable deals together."""
    import uuid

    from .errors import InvalidTransition

    deals = services.deals
    at(h(6 * 24 - 5))
    card = services.vouchers.request_card(hanbit).value  # the demo card (README)
    at(h(5 * 24))
    made = {}
    for buyer, key, amount in ((hanbit, "bridge-drive", 150_000), (hanbit, "hitalk-basic", 110_000),
                               (hanbit, "safe-backup", 440_000), (fintech, "bridge-works", 770_000),
                               (fintech, "onclass-live", 330_000)):
        deal = deals.request(buyer, ids[key], "바로 결제하려고 합니다. 결제요청 부탁드립니다.").value
        supplier = sup[next(login for login, *_, offers in SUPPLIERS if any(o[0] == key for o in offers))]
        clock.advance(minutes=20)
        deals.accept(supplier, deal.id)
        clock.advance(minutes=5)
        deals.request_payment(supplier, deal.id, amount)
        made[key] = (deal.id, supplier)
        clock.advance(minutes=10)
    _pay(services, hanbit, made["bridge-drive"][0], card=card)
    clock.advance(minutes=30)
    wrong = card.number[:-1] + str((int(card.number[-1]) + 1) % 10)  # one digit mistyped: 결제실패
    _pay(services, hanbit, made["hitalk-basic"][0], card=card, number=wrong)
    clock.advance(minutes=2)
    _pay(services, hanbit, made["hitalk-basic"][0], card=card)
    clock.advance(minutes=40)
    cancelled = _pay(services, hanbit, made["safe-backup"][0], card=card)
    clock.advance(minutes=15)
    try:  # the buyer's own cancellation, on the day of the payment
        services.payments.cancel(hanbit, cancelled.id, uuid.uuid4().hex)
    except InvalidTransition:  # the seeding crossed midnight (KST): the supplier cancels it instead
        services.payments.cancel(made["safe-backup"][1], cancelled.id, uuid.uuid4().hex, "수요기업 요청으로 취소")
    clock.advance(hours=1)
    _pay(services, fintech, made["bridge-works"][0], password="111333")  # a wrong password: 결제실패
    clock.advance(minutes=1)
    _pay(services, fintech, made["bridge-works"][0], password="482913")
    clock.advance(minutes=30)
    late = _pay(services, fintech, made["onclass-live"][0], password="482913")
    _seed_evaluations(services, clock, hanbit, fintech, made)
    at(h(4 * 24 + 1))
    services.payments.cancel(made["onclass-live"][1], late.id, uuid.uuid4().hex,
                             "강사 일정 변경으로 이번 기수 강의를 열 수 없어 결제를 취소합니다.")


def _seed_evaluations(services: Services, clock: FixedClock, hanbit: Actor, fintech: Actor, made) -> None:
    """서비스 정산: 한빛소프트랩 (`demand`) evaluates its 브릿지 드라이브 payment and leaves the other one
    평가대기; (주)코리아핀테크 evaluates its paid deal too, so the services carry ratings and the demo
    supplier has evaluations received (받은 평가)."""
    from ..enums import EvaluationStatus

    evaluations = services.evaluations

    def pending_of(buyer: Actor, deal_id):
        rows = evaluations.list_tab(buyer, EvaluationStatus.PENDING).rows
        return next(e for e in rows if e.deal_id == deal_id)

    clock.advance(hours=2)
    evaluations.submit(hanbit, pending_of(hanbit, made["bridge-drive"][0]).id,
                       {"quality": 5, "timeliness": 4, "communication": 5, "price": 4, "overall": 5},
                       "설정 안내가 친절했고 약속한 날짜에 맞춰 전환을 마쳤습니다.")
    clock.advance(minutes=40)
    evaluations.submit(fintech, pending_of(fintech, made["bridge-works"][0]).id,
                       {"quality": 4, "timeliness": 4, "communication": 3, "price": 4, "overall": 4},
                       "기능은 충분합니다. 문의 답변이 조금 늦었던 점이 아쉽습니다.")
