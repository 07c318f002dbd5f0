#!/usr/bin/env python
"""Build a programme-scale store (SPEC §4: ~80,000 demand companies) for the timing scripts.

    python benchmarks/generate.py [--database-url URL] [--companies 80000] [--reset]

The schema is created and seeded the normal way (``build_services``: Alembic migration and
``ProgrammeService.ensure_defaults``); everything else is written with bulk Core inserts in
chunks, because going through the per-company services would take hours (Argon2 per login,
one transaction per screening step). The rows are shaped exactly as the services write them:

* companies across the 17 operating agencies (one per province, weighted by where Korea's
  small businesses are), Korean names, valid 사업자등록번호 (check digit of SPEC §8, tax-office
  prefix of the province), representatives, addresses, phones, managers;
* a realistic status mix (mostly APPROVED, some CONFIRMED / REVIEWING / ON_HOLD / REJECTED)
  with a screening history consistent with it (SUBMIT, HOLD/RESUBMIT cycles, CONFIRM, APPROVE,
  REJECT — reasons, actors, times), budgets and use periods for approved companies;
* company_documents metadata for every required document (and replacements made while on
  hold or after confirmation), all pointing at a handful of shared document_blobs rows;
* company_changes (회원정보 수정이력) chained so the newest value is the company's current one,
  some after confirmation (still highlighted to the operator or already acknowledged);
* one demand login per company (one shared Argon2id hash, so generation stays fast), one
  operator login per agency, one agency login — all with the password ``BENCH_PASSWORD``;
* the audit records the services would have written for all of the above (``--no-audit`` skips).
* the catalog side (``market.py``; ``--suppliers 0`` leaves it out): 640 suppliers with a login
  each, 2,500 services, and per approved company its payment method, deals in a realistic mix of
  states with their events, payments and audit records, wishlists, inquiries, abandonments.

Deterministic: the same ``--seed``/``--companies``/``--end`` give the same rows (ids included).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import uuid
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(HERE.parent))

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import make_url

from kvoucher_desktop.enums import (
    CompanyType,
    DocumentType,
    IssuerType,
    Role,
    ScreeningAction,
    ScreeningStatus,
)
from kvoucher_desktop.models import (
    AbandonmentRequest,
    AuditRecord,
    Base,
    Company,
    CompanyChange,
    CompanyDocument,
    CompanyNameGram,
    Deal,
    DealEvent,
    DocumentBlob,
    Evaluation,
    Inquiry,
    OperatingAgency,
    Payment,
    PreviousParticipant,
    ScreeningEvent,
    User,
    WishlistItem,
)
from kvoucher_desktop.services.clock import KST, FixedClock, format_kst, kst_date
from kvoucher_desktop.services.dto import CompanyInfo
from kvoucher_desktop.services.passwords import PRODUCTION, Passwords
from kvoucher_desktop.services.registry import build_services
from kvoucher_desktop.services.repositories.company_names import gram_rows
from kvoucher_desktop.services.rules.documents import required_documents
from kvoucher_desktop.services.rules.money import split_budget
from kvoucher_desktop.services.rules.numbers import business_no_check_digit
from kvoucher_desktop.services.sample_files import sample_pdf, sample_png
from kvoucher_desktop.services.screening import add_months

DEFAULT_DB = HERE / "out" / "programme.sqlite3"
DEFAULT_URL = f"sqlite:///{DEFAULT_DB.as_posix()}"
BENCH_PASSWORD = "bench-pass-2026"
AGENCY_LOGIN = "agency"
DEFAULT_END = datetime(2026, 10, 30, 18, 0, tzinfo=KST)

# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

#: region (as seeded) -> (login suffix, 시·도, share of companies, area code, tax-office codes, 시·군·구)
PROVINCES = {
    "서울": ("seoul", "서울특별시", 20.5, "02",
             (101, 104, 106, 107, 108, 109, 110, 113, 114, 119, 120, 201, 204, 206, 209, 211, 214, 215, 220),
             ("강남구", "서초구", "송파구", "마포구", "영등포구", "구로구", "금천구", "성동구", "중구", "종로구",
              "강서구", "용산구", "광진구", "노원구")),
    "부산": ("busan", "부산광역시", 6.3, "051", (602, 603, 605, 606, 607, 617, 621, 623),
             ("해운대구", "부산진구", "사상구", "강서구", "동래구", "연제구", "남구", "북구", "사하구")),
    "대구": ("daegu", "대구광역시", 4.6, "053", (502, 503, 504, 514, 516),
             ("수성구", "달서구", "북구", "동구", "중구", "달성군")),
    "인천": ("incheon", "인천광역시", 5.7, "032", (121, 122, 131, 137, 149),
             ("남동구", "연수구", "부평구", "서구", "미추홀구", "계양구")),
    "광주": ("gwangju", "광주광역시", 2.9, "062", (408, 409, 410, 419), ("북구", "서구", "광산구", "남구", "동구")),
    "대전": ("daejeon", "대전광역시", 2.9, "042", (305, 314, 318), ("유성구", "서구", "대덕구", "중구", "동구")),
    "울산": ("ulsan", "울산광역시", 2.0, "052", (610, 620), ("남구", "울주군", "중구", "북구", "동구")),
    "세종": ("sejong", "세종특별자치시", 0.6, "044", (320,), ("",)),
    "경기": ("gyeonggi", "경기도", 26.0, "031",
             (124, 125, 126, 128, 129, 130, 132, 134, 135, 138, 140, 141, 142, 143, 144),
             ("수원시 영통구", "성남시 분당구", "용인시 기흥구", "고양시 일산동구", "화성시", "부천시",
              "안산시 단원구", "안양시 동안구", "평택시", "시흥시", "파주시", "김포시", "남양주시")),
    "강원": ("gangwon", "강원특별자치도", 2.8, "033", (221, 222, 223, 224, 225, 227),
             ("춘천시", "원주시", "강릉시", "동해시", "속초시", "홍천군")),
    "충북": ("chungbuk", "충청북도", 3.1, "043", (301, 302, 303, 317),
             ("청주시 흥덕구", "청주시 상당구", "충주시", "제천시", "음성군", "진천군")),
    "충남": ("chungnam", "충청남도", 4.0, "041", (307, 308, 310, 311, 312),
             ("천안시 서북구", "천안시 동남구", "아산시", "당진시", "서산시", "공주시", "논산시")),
    "전북": ("jeonbuk", "전북특별자치도", 3.3, "063", (401, 402, 403, 404),
             ("전주시 완산구", "전주시 덕진구", "익산시", "군산시", "정읍시", "완주군")),
    "전남": ("jeonnam", "전라남도", 3.4, "061", (411, 412, 415, 416, 417),
             ("목포시", "여수시", "순천시", "나주시", "광양시", "무안군")),
    "경북": ("gyeongbuk", "경상북도", 5.0, "054", (505, 506, 507, 508, 510, 513),
             ("포항시 남구", "경주시", "구미시", "경산시", "안동시", "김천시")),
    "경남": ("gyeongnam", "경상남도", 6.3, "055", (608, 609, 611, 612, 613, 615),
             ("창원시 성산구", "창원시 마산회원구", "김해시", "진주시", "양산시", "거제시", "통영시")),
    "제주": ("jeju", "제주특별자치도", 1.3, "064", (616, 618), ("제주시", "서귀포시")),
}

ROADS = ("중앙로", "시청로", "산업로", "테크노로", "번영로", "대학로", "공단로", "문화로", "새마을로", "역전로",
         "경제로", "첨단로", "벤처로", "디지털로", "한마음로", "평화로", "희망로", "상공로", "과학로", "혁신로",
         "은행로", "시장로", "강변로", "월드컵로", "동서대로")
BUILDINGS = ("타워", "빌딩", "프라자", "센터", "오피스텔", "지식산업센터", "벤처타운", "상가")

NAME_WORDS = ("한빛", "새봄", "누리", "다온", "푸른", "미래", "별빛", "온누리", "해오름", "바다", "그린", "하늘",
              "가온", "도담", "라온", "아름", "은하", "청솔", "한울", "대한", "동방", "코리아", "제일", "우리",
              "늘푸른", "이음", "세움", "나래", "보람", "희망", "태양", "동해", "백두", "금강", "한결", "모아",
              "다솜", "소담", "빛나", "채움", "마루", "글로벌", "스마트", "디지털", "유니", "에이스", "베스트",
              "드림", "씨앤", "제이", "케이", "에스", "엠", "한솔", "신성", "삼일", "성원", "대성", "현대",
              "정우", "지성", "새한", "한마음", "참빛", "초록", "들꽃", "솔빛", "햇살", "봄날", "윤슬", "여울",
              "아라", "너울", "온새미로", "미리내", "그루", "단비", "한아름", "큰나무", "새길")

#: industry, name endings, weight
INDUSTRIES = (
    ("소프트웨어 개발", ("소프트", "솔루션", "테크", "시스템즈", "랩", "정보기술", "데이터", "네트웍스"), 14),
    ("정보통신 서비스", ("아이티", "텔레콤", "클라우드", "플랫폼", "인터랙티브"), 6),
    ("디자인", ("디자인", "스튜디오", "크리에이티브", "디자인랩"), 6),
    ("도소매", ("상사", "물산", "유통", "무역", "마켓", "트레이딩"), 14),
    ("교육서비스", ("교육", "아카데미", "학원", "에듀", "러닝"), 7),
    ("음식점", ("식당", "키친", "카페", "베이커리", "푸드"), 8),
    ("제조업", ("산업", "정밀", "기계", "전자", "화학", "소재", "테크놀로지"), 14),
    ("건설업", ("건설", "건축", "엔지니어링", "종합건설", "인테리어"), 7),
    ("전문 서비스", ("컨설팅", "세무회계", "특허사무소", "경영연구소", "파트너스"), 6),
    ("보건업", ("약국", "의원", "한의원", "치과의원", "헬스케어"), 5),
    ("광고·출판", ("미디어", "커뮤니케이션즈", "기획", "출판사", "인쇄"), 5),
    ("운수·물류", ("물류", "로지스", "운수", "익스프레스"), 4),
    ("관광·여행", ("여행사", "투어", "관광"), 2),
    ("식품 제조", ("식품", "농산", "수산", "푸드텍"), 4),
    ("환경·에너지", ("에너지", "환경", "그린텍", "솔라"), 3),
)
PERSONAL_NAME_INDUSTRIES = {"전문 서비스", "보건업"}  # e.g. "박지훈세무회계", "김서연치과의원"

SURNAMES = (("김", 21.5), ("이", 14.7), ("박", 8.4), ("최", 4.7), ("정", 4.3), ("강", 2.4), ("조", 2.1),
            ("윤", 2.1), ("장", 2.0), ("임", 1.7), ("한", 1.5), ("오", 1.5), ("서", 1.5), ("신", 1.4),
            ("권", 1.4), ("황", 1.4), ("안", 1.3), ("송", 1.3), ("류", 1.2), ("전", 1.1), ("홍", 1.1),
            ("고", 0.9), ("문", 0.9), ("양", 0.9), ("손", 0.9), ("배", 0.8), ("백", 0.8), ("허", 0.7),
            ("유", 0.7), ("남", 0.6), ("심", 0.6), ("노", 0.6), ("하", 0.5), ("곽", 0.4), ("성", 0.4),
            ("차", 0.4), ("주", 0.4), ("우", 0.4), ("구", 0.4), ("민", 0.3), ("진", 0.3), ("나", 0.3))
GIVEN_NAMES = ("민준", "서연", "도윤", "하은", "지우", "서준", "예준", "지호", "하준", "수아", "지민", "현우",
               "영수", "영희", "정호", "미경", "성민", "지훈", "은정", "동현", "상훈", "혜진", "준호", "경민",
               "태현", "수진", "민서", "재원", "윤서", "건우", "유진", "승현", "다은", "성호", "정민", "미영",
               "진우", "소연", "현정", "우진", "채원", "시우", "예린", "태윤", "은지", "광수", "순자", "영호",
               "명숙", "재훈", "보람", "슬기", "한결", "나래", "종민", "혜원", "상철", "기현", "수빈", "예지")
EMAIL_DOMAINS = ("naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com")

HOLD_REASONS = (
    "지방세 완납증명서의 발급일이 지났습니다. 최근 발급본으로 다시 올려 주세요.",
    "사업자등록증 사본이 흐려 확인할 수 없습니다.",
    "국세 완납증명서의 사업자등록번호가 가입 정보와 다릅니다.",
    "법인 등기부등본이 3개월 이내 발급본이 아닙니다.",
    "4대보험 사업장 가입자 명부에 발급자(담당자)가 확인되지 않습니다.",
    "대표자 성명이 사업자등록증과 일치하지 않습니다.",
    "사업장 주소가 사업자등록증과 다릅니다. 주소를 확인해 주세요.",
    "상시 근로자 수 증빙이 필요합니다.",
)
REJECT_REASONS = (
    "중소기업 기준을 충족하지 않습니다(상시 근로자 수 초과).",
    "휴·폐업 사업자로 확인되어 지원 대상이 아닙니다.",
    "국세 체납 사실이 확인되었습니다.",
    "지원 제외 업종(사행산업 등)에 해당합니다.",
    "동일 대표자의 다른 사업자로 이미 선정되었습니다.",
    "보완 요청 기한 내에 서류가 제출되지 않았습니다.",
)

#: final status -> share of companies
STATUS_MIX = (
    (ScreeningStatus.APPROVED, 0.80),
    (ScreeningStatus.CONFIRMED, 0.06),
    (ScreeningStatus.REVIEWING, 0.05),
    (ScreeningStatus.ON_HOLD, 0.03),
    (ScreeningStatus.REJECTED, 0.06),
)

DOC_FILES = {  # doc type -> (file name of the PDF variant, file name of the scanned PNG variant)
    DocumentType.BUSINESS_REGISTRATION: ("사업자등록증.pdf", "사업자등록증_스캔.png"),
    DocumentType.NATIONAL_TAX: ("국세완납증명서.pdf", "국세완납증명서.png"),
    DocumentType.LOCAL_TAX: ("지방세완납증명서.pdf", "지방세완납증명서.png"),
    DocumentType.CORPORATE_REGISTRY: ("법인등기부등본.pdf", "법인등기부등본_스캔.png"),
    DocumentType.INSURANCE_ROSTER: ("4대보험가입자명부.pdf", "4대보험가입자명부.png"),
    DocumentType.DISABLED_ENTERPRISE: ("장애인기업확인서.pdf", "장애인기업확인서.png"),
    DocumentType.WOMEN_ENTERPRISE: ("여성기업확인서.pdf", "여성기업확인서.png"),
}

#: editable fields changed in 회원정보 수정이력, with weights (not companies.FIXED_AFTER_SIGNUP:
#: issuer type and payment manager)
CHANGE_FIELDS = (("address_detail", 15), ("address", 10), ("phone", 10), ("employees", 15),
                 ("manager_name", 10), ("manager_phone", 12), ("manager_email", 12), ("representative_phone", 4))


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

INFO_ORDER = [f.name for f in fields(CompanyInfo)]


def make_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def dump(data: dict | None) -> str | None:
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def corporate_no(rng: random.Random) -> str:
    """법인등록번호: registry office (4) + kind (2, 11 = 주식회사) + serial (6) + check digit."""
    first = f"{rng.choice((1101, 1311, 1201, 1701, 2841, 1601, 1345, 1358, 1946))}11{rng.randrange(10**6):06d}"
    total = sum(int(c) * (1 if i % 2 == 0 else 2) for i, c in enumerate(first))
    return first + str((10 - total % 10) % 10)


@dataclass
class Batch:
    """Rows of one chunk, per table."""

    companies: list = field(default_factory=list)
    users: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    events: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    audit: list = field(default_factory=list)
    # catalog side (market.py)
    deals: list = field(default_factory=list)
    deal_events: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    evaluations: list = field(default_factory=list)
    wishlist: list = field(default_factory=list)
    inquiries: list = field(default_factory=list)
    abandonments: list = field(default_factory=list)

    def size(self) -> int:
        return sum(len(getattr(self, f.name)) for f in fields(self))


class Generator:
    def __init__(self, seed: int, *, year: int, start: datetime, end: datetime, operators: dict,
                 operator_users: dict, agency_user: dict, blobs: dict, password_hash: str,
                 voucher_amount: int, government_pct: int, use_months: int, with_audit: bool,
                 demand_logins: int | None, companies: int, market=None):
        self.seed = seed
        self.market = market  # market.Market: what approved companies buy (None: no catalog side)
        self.rng = random.Random(seed)  # replaced by a per-company generator in company()
        self.year, self.start, self.end = year, start, end
        self.operators = operators  # region -> operator row (id, name, region)
        self.operator_users = operator_users  # operator id -> user dict
        self.agency_user = agency_user
        self.blobs = blobs  # doc type -> [(sha, filename, content_type, size), ...]
        self.password_hash = password_hash
        self.voucher = voucher_amount
        self.gov, self.own = split_budget(voucher_amount, government_pct)
        self.gov_pct = government_pct
        self.use_months = use_months
        self.with_audit = with_audit
        self.used_business_nos: set[str] = set()
        self.previous_participants: list[str] = []
        self.regions = [r for r in PROVINCES if r in operators]
        self.region_weights = [PROVINCES[r][2] for r in self.regions]
        self.status_items = [s for s, _ in STATUS_MIX]
        self.status_weights = [w for _, w in STATUS_MIX]
        self.surnames = [s for s, _ in SURNAMES]
        self.surname_weights = [w for _, w in SURNAMES]
        # which companies get a login: all by default, else an evenly spread subset
        if demand_logins is None or demand_logins >= companies:
            self.login_every = 1
        else:
            self.login_every = max(1, companies // max(1, demand_logins))
        self.demand_logins_left = companies if demand_logins is None else demand_logins

    # --- people, places, numbers ---------------------------------------------------------------
    def person(self) -> str:
        return self.rng.choices(self.surnames, self.surname_weights)[0] + self.rng.choice(GIVEN_NAMES)

    def mobile(self) -> str:
        return f"010-{self.rng.randrange(2000, 10000):04d}-{self.rng.randrange(10000):04d}"

    def landline(self, area: str) -> str:
        mid = self.rng.randrange(200, 1000) if self.rng.random() < 0.3 else self.rng.randrange(2000, 10000)
        return f"{area}-{mid}-{self.rng.randrange(10000):04d}"

    def address(self, region: str) -> str:
        _, sido, _, _, _, districts = PROVINCES[region]
        district = self.rng.choice(districts)
        road = self.rng.choice(ROADS)
        if self.rng.random() < 0.3:
            road = f"{road}{self.rng.randrange(1, 80)}번길"
        parts = [sido, district, road, str(self.rng.randrange(1, 400))]
        return " ".join(p for p in parts if p)

    def address_detail(self) -> str:
        r = self.rng.random()
        floor = self.rng.randrange(1, 16)
        if r < 0.15:
            return ""
        if r < 0.5:
            return f"{floor}층"
        if r < 0.8:
            return f"{floor}층 {floor}{self.rng.randrange(1, 20):02d}호"
        return f"{self.rng.choice(NAME_WORDS)}{self.rng.choice(BUILDINGS)} {floor}{self.rng.randrange(1, 20):02d}호"

    def email(self) -> str:
        letters = "abcdefghijklmnopqrstuvwxyz"
        local = "".join(self.rng.choice(letters) for _ in range(self.rng.randrange(4, 9)))
        return f"{local}{self.rng.randrange(100)}@{self.rng.choice(EMAIL_DOMAINS)}"

    def business_no(self, rng: random.Random, region: str, company_type: CompanyType) -> str:
        offices = PROVINCES[region][4]
        while True:
            office = rng.choice(offices)
            kind = rng.choice((81, 86, 87, 88)) if company_type is CompanyType.CORPORATION else rng.randrange(1, 80)
            first = f"{office:03d}{kind:02d}{rng.randrange(10000):04d}"
            number = first + str(business_no_check_digit(first))
            if number not in self.used_business_nos:
                self.used_business_nos.add(number)
                return number

    def company_name(self, company_type: CompanyType, industry: str, endings: tuple, representative: str) -> str:
        r = self.rng.random()
        if industry in PERSONAL_NAME_INDUSTRIES and company_type is CompanyType.SOLE and r < 0.35:
            base = representative + self.rng.choice(endings)
        elif r < 0.8:
            base = self.rng.choice(NAME_WORDS) + self.rng.choice(endings)
        else:
            a, b = self.rng.sample(NAME_WORDS, 2)
            base = a + b + self.rng.choice(endings)
        if company_type is CompanyType.SOLE:
            return base
        r = self.rng.random()
        if r < 0.5:
            return f"주식회사 {base}"
        if r < 0.8:
            return f"(주){base}"
        return f"{base} 주식회사"

    def employees(self) -> int:
        r = self.rng.random()
        if r < 0.40:
            return self.rng.randrange(1, 5)
        if r < 0.65:
            return self.rng.randrange(5, 10)
        if r < 0.93:
            return self.rng.randrange(10, 50)
        return self.rng.randrange(50, 300)

    # --- time ------------------------------------------------------------------------------------
    def days(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=self.rng.uniform(low * 86400, high * 86400))

    def submission_time(self, latest: datetime) -> datetime:
        """A signup time: a burst in the first two weeks of the window, then a steady trickle."""
        span = (latest - self.start).total_seconds()
        if span <= 0:
            return self.start
        if self.rng.random() < 0.4:
            offset = min(span, self.rng.expovariate(1 / (5 * 86400)))
        else:
            offset = self.rng.uniform(0, span)
        return self.start + timedelta(seconds=offset)

    # --- one company ---------------------------------------------------------------------------
    def submitted_at(self, index: int) -> datetime:
        """Signup time of company `index` (cheap: stops once the time line is placed)."""
        return self.company(index, 0, None)

    def company(self, index: int, position: int, batch: Batch | None) -> datetime:
        """Generate company `index` (its own random stream, so the order of calls does not matter)
        into `batch` as the `position`-th signup; with batch None only return the signup time."""
        rng = self.rng = random.Random(self.seed * 1_000_003 + index)
        region = rng.choices(self.regions, self.region_weights)[0]
        operator = self.operators[region]
        op_user = self.operator_users[operator["id"]]
        final = rng.choices(self.status_items, self.status_weights)[0]
        ctype = CompanyType.CORPORATION if rng.random() < 0.45 else CompanyType.SOLE
        issuer = IssuerType.STAFF if rng.random() < 0.25 else IssuerType.REPRESENTATIVE
        industry, endings, _ = rng.choices(INDUSTRIES, [w for *_, w in INDUSTRIES])[0]
        rep = self.person()
        name = self.company_name(ctype, industry, endings, rep)
        rep_phone = self.mobile()
        if issuer is IssuerType.REPRESENTATIVE and rng.random() < 0.7:
            manager, manager_phone = rep, rep_phone
        else:
            manager, manager_phone = self.person(), self.mobile()
        if rng.random() < 0.8:
            pay_name, pay_phone = rep, rep_phone
        else:
            pay_name, pay_phone = self.person(), self.mobile()
        company_id = make_uuid(rng)
        user_id = make_uuid(rng)
        demand = {"id": user_id, "role": Role.DEMAND, "name": name}
        operator_actor = {"id": op_user["id"], "role": Role.OPERATOR, "name": op_user["display_name"]}
        agency_actor = {"id": self.agency_user["id"], "role": Role.AGENCY, "name": self.agency_user["display_name"]}

        # --- the screening path (relative offsets first, then placed in time) --------------------
        A = ScreeningAction
        steps: list[tuple[ScreeningAction, float, str | None]] = [(A.SUBMIT, 0.0, None)]
        t = 0.0

        def add(action, low, high, reason=None):
            nonlocal t
            t += rng.uniform(low, high)
            steps.append((action, t, reason))

        cycles = 0
        if final is ScreeningStatus.ON_HOLD:
            cycles = 1 if rng.random() < 0.1 else 0
        elif rng.random() < 0.15:
            cycles = 2 if rng.random() < 0.1 else 1
        for _ in range(cycles):
            add(A.HOLD, 0.5, 10, rng.choice(HOLD_REASONS))
            add(A.RESUBMIT, 0.3, 7)
        rejected_after_confirm = final is ScreeningStatus.REJECTED and rng.random() < 0.25
        if final is ScreeningStatus.ON_HOLD:
            add(A.HOLD, 0.5, 10, rng.choice(HOLD_REASONS))
        elif final in (ScreeningStatus.CONFIRMED, ScreeningStatus.APPROVED) or rejected_after_confirm:
            add(A.CONFIRM, 0.5, 14)
            if final is ScreeningStatus.APPROVED:
                add(A.APPROVE, 0.5, 10)
            elif rejected_after_confirm:
                add(A.REJECT, 1, 20, rng.choice(REJECT_REASONS))
        elif final is ScreeningStatus.REJECTED:
            add(A.REJECT, 0.5, 14, rng.choice(REJECT_REASONS))
        total = timedelta(days=t)
        # pending states are recent; decided ones anywhere in the window
        recent = {ScreeningStatus.REVIEWING: 20, ScreeningStatus.ON_HOLD: 30, ScreeningStatus.CONFIRMED: 25}
        margin = timedelta(hours=1)
        if final in recent:
            last = self.end - margin - self.days(0, recent[final])
            t0 = last - total
        else:
            t0 = self.submission_time(self.end - margin - total)
        scale = 1.0
        if t0 < self.start:
            t0 = self.start
            scale = max(0.0, (self.end - margin - t0) / total) if total else 1.0
            scale = min(scale, 1.0)
        times = [t0 + timedelta(days=off * scale) for _, off, _ in steps]
        if batch is None:
            return times[0]
        # drawn from a stream of its own: retries on a (rare) duplicate must not shift the other fields
        bno = self.business_no(random.Random(self.seed * 1_000_003 + index + 10**12), region, ctype)
        has_login = position % self.login_every == 0 and self.demand_logins_left > 0
        if has_login:
            self.demand_logins_left -= 1

        # --- documents at signup ------------------------------------------------------------------
        doc_types = required_documents(ctype, issuer)
        if rng.random() < 0.02:  # previous-year participant re-entering with a certificate
            doc_types = doc_types + [rng.choice((DocumentType.DISABLED_ENTERPRISE, DocumentType.WOMEN_ENTERPRISE))]
            self.previous_participants.append(bno)
        current_docs: dict[DocumentType, dict] = {}
        docs_rows: list[dict] = []

        def new_doc(doc_type, when, previous_sha=None):
            choices = self.blobs[doc_type]
            options = [b for b in choices if b[0] != previous_sha] or choices
            sha, filename, ctype_, size = rng.choice(options)
            row = {
                "id": make_uuid(rng), "company_id": company_id, "doc_type": doc_type, "filename": filename,
                "content_type": ctype_, "size": size, "sha256": sha,
                "issued_year": self.year - 1 if doc_type in (DocumentType.DISABLED_ENTERPRISE,
                                                             DocumentType.WOMEN_ENTERPRISE) else None,
                "uploaded_at": when, "uploaded_by": user_id, "replaced_at": None,
            }
            docs_rows.append(row)
            return row

        for dt in doc_types:
            current_docs[dt] = new_doc(dt, times[0])

        # --- change batches: (time, kind, payload) ------------------------------------------------
        # kind "doc": replace one document; kind "info": 1-3 fields via update_info
        batches: list[tuple[datetime, str, object, bool]] = []  # (when, kind, payload, after_confirmation)
        hold_windows = []
        for i, (action, _, _) in enumerate(steps):
            if action is A.HOLD:
                until = times[i + 1] if i + 1 < len(times) else self.end - timedelta(minutes=5)
                hold_windows.append((times[i], until, i + 1 < len(times)))
        for begin, until, resubmitted in hold_windows:
            if resubmitted or rng.random() < 0.35:
                span = until - begin
                batches.append((begin + span * rng.uniform(0.2, 0.9), "doc", rng.choice(doc_types), False))
                if rng.random() < 0.3:
                    batches.append((begin + span * rng.uniform(0.2, 0.9), "info", self.pick_fields(), False))
        confirm_at = next((times[i] for i, (a, _, _) in enumerate(steps) if a is A.CONFIRM), None)
        approved_at = next((times[i] for i, (a, _, _) in enumerate(steps) if a is A.APPROVE), None)
        changed_after_confirm_at = None
        acknowledged_at = last_change = None
        if final in (ScreeningStatus.CONFIRMED, ScreeningStatus.APPROVED) and rng.random() < 0.15:
            for _ in range(1 if rng.random() < 0.7 else 2):
                when = confirm_at + (self.end - margin - confirm_at) * rng.uniform(0.05, 0.95)
                if rng.random() < 0.2:
                    batches.append((when, "doc", rng.choice(doc_types), True))
                else:
                    batches.append((when, "info", self.pick_fields(), True))
            last_change = max(b[0] for b in batches if b[3])
            if rng.random() < 0.6:  # the operator already read the edits
                acknowledged_at = last_change + (self.end - last_change) * rng.uniform(0.1, 0.9)
            else:
                changed_after_confirm_at = last_change
        batches.sort(key=lambda b: b[0])

        # --- final company values; older values generated backwards for 수정이력 ---------------------
        values = {
            "address": self.address(region), "address_detail": self.address_detail(),
            "phone": self.landline(PROVINCES[region][3]), "employees": self.employees(),
            "manager_name": manager, "manager_phone": manager_phone,
            "manager_email": self.email(), "payment_manager_name": pay_name, "payment_manager_phone": pay_phone,
            "representative_phone": rep_phone,
        }
        # walk info changes newest-first: new value = value at that time, old value = a fresh one
        info_changes: dict[int, list[tuple[str, str, str]]] = {}
        running = dict(values)
        for bi in range(len(batches) - 1, -1, -1):
            when, kind, payload, _ = batches[bi]
            if kind != "info":
                continue
            triples = []
            for fname in payload:
                new = running[fname]
                old = self.field_value(fname, region, new)
                running[fname] = old
                triples.append((fname, str(old), str(new)))
            info_changes[bi] = triples

        changes_rows = self._changes = []
        audit_rows = []
        version = 1
        for bi, (when, kind, payload, after_conf) in enumerate(batches):
            version += 1
            if kind == "doc":
                prev = current_docs[payload]
                prev["replaced_at"] = when
                doc = new_doc(payload, when, prev["sha256"])
                current_docs[payload] = doc
                fname = f"doc:{payload.value}"
                old = f"{prev['filename']} ({prev['sha256'][:12]})"
                new = f"{doc['filename']} ({doc['sha256'][:12]})"
                changes_rows.append(self.change_row(company_id, fname, old, new, demand, when, after_conf))
                audit_rows.append(self.audit_row(demand, "company.document", company_id, when,
                                                 {fname: old}, {fname: new}))
            else:
                before, after = {}, {}
                for fname, old, new in info_changes[bi]:
                    changes_rows.append(self.change_row(company_id, fname, old, new, demand, when, after_conf))
                    before[fname], after[fname] = old, new
                audit_rows.append(self.audit_row(demand, "company.update", company_id, when, before, after))
        if acknowledged_at is not None:
            version += 1
            audit_rows.append(self.audit_row(operator_actor, "screening.acknowledge_changes", company_id,
                                             acknowledged_at, {"changed_after_confirm_at": last_change.isoformat()},
                                             {"changed_after_confirm_at": None}))

        # --- screening events -----------------------------------------------------------------
        status = None
        reason = None
        events = []
        for (action, _, why), when in zip(steps, times):
            to = {A.SUBMIT: ScreeningStatus.REVIEWING, A.RESUBMIT: ScreeningStatus.REVIEWING,
                  A.HOLD: ScreeningStatus.ON_HOLD, A.CONFIRM: ScreeningStatus.CONFIRMED,
                  A.APPROVE: ScreeningStatus.APPROVED, A.REJECT: ScreeningStatus.REJECTED}[action]
            actor = demand if action in (A.SUBMIT, A.RESUBMIT) else agency_actor if action is A.APPROVE else operator_actor
            events.append({
                "id": make_uuid(rng), "company_id": company_id, "action": action, "from_status": status,
                "to_status": to, "reason": why, "actor_id": actor["id"], "actor_name": actor["name"],
                "actor_role": actor["role"], "at": when, "seq": len(events) + 1,
            })
            if action is A.SUBMIT:
                audit_rows.append(self.audit_row(demand, "company.signup", company_id, when, None, {
                    "business_no": bno, "name": name, "status": "REVIEWING", "operator_id": str(operator["id"]),
                    "documents": sorted(d.value for d in doc_types), "submitted_at": format_kst(when),
                }))
            else:
                version += 1
                after = {"status": to.value, "reason": why}
                if action is A.APPROVE:
                    after.update(budget_total=self.voucher, budget_government=self.gov, budget_self=self.own,
                                 use_period_end=add_months(kst_date(when), self.use_months).isoformat())
                audit_rows.append(self.audit_row(actor, f"screening.{action.value.lower()}", company_id, when,
                                                 {"status": status.value}, after))
            status, reason = to, why
        assert status is final, (status, final)

        approved = final is ScreeningStatus.APPROVED
        batch.companies.append({
            "id": company_id, "programme_year": self.year, "business_no": bno, "company_type": ctype,
            "issuer_type": issuer, "name": name, "corporate_no": corporate_no(rng) if ctype is CompanyType.CORPORATION else None,
            "representative_name": rep, "representative_phone": values["representative_phone"],
            "address": values["address"], "address_detail": values["address_detail"], "phone": values["phone"],
            "industry": industry, "employees": values["employees"], "manager_name": values["manager_name"],
            "manager_phone": values["manager_phone"], "manager_email": values["manager_email"],
            "payment_manager_name": values["payment_manager_name"],
            "payment_manager_phone": values["payment_manager_phone"], "operator_id": operator["id"],
            "status": final, "status_reason": reason, "submitted_at": times[0], "status_changed_at": times[-1],
            "confirmed_at": confirm_at, "changed_after_confirm_at": changed_after_confirm_at,
            "budget_total": self.voucher if approved else None,
            "budget_government": self.gov if approved else None,
            "budget_self": self.own if approved else None,
            "approved_at": approved_at,
            "use_period_end": add_months(kst_date(approved_at), self.use_months) if approved else None,
            "version": version,
            "payment_method": None, "payment_method_chosen_at": None, "card_last4": None, "card_issued_at": None,
            "budget_abandoned_at": None,
        })
        if hasattr(Company, "budget_government_pct"):  # the share in force at approval
            batch.companies[-1]["budget_government_pct"] = self.gov_pct if approved else None
        if approved and self.market is not None:  # its own random stream: the rows above do not change
            self.market.company(index, batch.companies[-1], user_id, batch)
        if has_login:
            batch.users.append({
                "id": user_id, "login_id": f"demand{position + 1:05d}", "password_hash": self.password_hash,
                "role": Role.DEMAND, "display_name": name, "phone": values["manager_phone"],
                "email": values["manager_email"], "company_id": company_id, "supplier_id": None,
                "operator_id": None, "failed_logins": 0, "locked_until": None,
                "last_login_at": times[-1] if rng.random() < 0.7 else None, "created_at": times[0], "active": True,
            })
        batch.documents.extend(docs_rows)
        batch.events.extend(events)
        batch.changes.extend(changes_rows)
        if self.with_audit:
            batch.audit.extend(audit_rows)
        return times[0]

    def pick_fields(self) -> list[str]:
        k = self.rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]
        names, weights = zip(*CHANGE_FIELDS)
        picked: list[str] = []
        while len(picked) < k:
            f = self.rng.choices(names, weights)[0]
            if f not in picked:
                picked.append(f)
        return sorted(picked, key=INFO_ORDER.index)  # update_info walks CompanyInfo's fields in order

    def field_value(self, fname: str, region: str, differs_from):
        for _ in range(10):
            if fname == "address":
                v = self.address(region)
            elif fname == "address_detail":
                v = self.address_detail()
            elif fname == "phone":
                v = self.landline(PROVINCES[region][3])
            elif fname == "employees":
                v = max(1, int(differs_from) + self.rng.choice((-3, -2, -1, 1, 2, 3, 5)))
            elif fname == "manager_name":
                v = self.person()
            elif fname == "manager_email":
                v = self.email()
            else:
                v = self.mobile()
            if str(v) != str(differs_from):
                return v
        return v

    def change_row(self, company_id, fname, old, new, actor, when, after_conf) -> dict:
        return {
            "id": make_uuid(self.rng), "company_id": company_id, "field": fname, "old_value": old,
            "new_value": new, "changed_by": actor["id"], "changed_by_name": actor["name"], "changed_at": when,
            "after_confirmation": after_conf, "seq": len(self._changes) + 1,
        }

    def audit_row(self, actor, action, entity_id, when, before, after) -> dict:
        return {
            "id": make_uuid(self.rng), "at": when, "actor_id": actor["id"], "actor_role": actor["role"].value,
            "actor_name": actor["name"], "action": action, "entity_type": "company", "entity_id": str(entity_id),
            "before": dump(before), "after": dump(after),
        }


# --------------------------------------------------------------------------------------------
# Store handling
# --------------------------------------------------------------------------------------------

def reset_store(url: str) -> None:
    """Remove everything the app keeps in the store (SQLite: the file; otherwise: the tables)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal"):
                p = Path(u.database + suffix)
                if p.exists():
                    p.unlink()
        return
    from kvoucher_desktop.services.store import create_store_engine

    engine = create_store_engine(url)
    try:
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


def ensure_model_indexes(engine) -> list[str]:
    """Create indexes that the models declare but the migrated store lacks (an index proposed
    in models/ before its Alembic migration exists). Returns the names created."""
    # from the catalogue: reflection skips expression indexes such as lower(login_id)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            existing = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'")))
        else:
            existing = set(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")))
    created = []
    for table in Base.metadata.sorted_tables:
        for index in sorted(table.indexes, key=lambda ix: ix.name or ""):
            if index.name and index.name not in existing:
                index.create(engine)
                created.append(index.name)
    return created


def make_blobs(conn) -> dict:
    """A handful of shared files: two variants (PDF, PNG scan) per document type."""
    out: dict[DocumentType, list] = {}
    rows = []
    for i, (doc_type, (pdf_name, png_name)) in enumerate(DOC_FILES.items()):
        pdf = sample_pdf(f"{doc_type.value.replace('_', ' ').title()} - benchmark sample")
        png = sample_png(rgb=(40 + 25 * i, 90 + 10 * i, 160 - 15 * i))
        out[doc_type] = []
        for data, filename, ctype in ((pdf, pdf_name, "application/pdf"), (png, png_name, "image/png")):
            sha = hashlib.sha256(data).hexdigest()
            out[doc_type].append((sha, filename, ctype, len(data)))
            rows.append({"sha256": sha, "content": data})
    existing = set(conn.scalars(select(DocumentBlob.sha256)))
    rows = [r for r in rows if r["sha256"] not in existing]
    if rows:
        conn.execute(insert(DocumentBlob), rows)
    return out


def insert_chunked(conn, table, rows: list, chunk: int) -> None:
    for i in range(0, len(rows), chunk):
        conn.execute(insert(table), rows[i:i + chunk])


class Progress:
    def __init__(self, total: int, label: str):
        self.total, self.label = total, label
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()
        self.last_line = 0.0

    def update(self, done: int, extra: str = "") -> None:
        elapsed = time.perf_counter() - self.started
        rate = done / elapsed if elapsed > 0 else 0
        eta = (self.total - done) / rate if rate > 0 else 0
        msg = (f"{self.label}: {done:,}/{self.total:,} ({100 * done / self.total:5.1f}%)  "
               f"{elapsed:6.1f}s elapsed, ~{eta:5.1f}s left {extra}")
        if self.tty:
            sys.stderr.write("\r" + msg.ljust(110))
            if done >= self.total:
                sys.stderr.write("\n")
        elif done >= self.total or time.perf_counter() - self.last_line > 5:
            sys.stderr.write(msg + "\n")
            self.last_line = time.perf_counter()
        sys.stderr.flush()


def log(msg: str) -> None:
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def generate(url: str, companies: int, *, seed: int = 2020, end: datetime = DEFAULT_END, chunk: int = 2000,
             with_audit: bool = True, demand_logins: int | None = None, reset: bool = False,
             analyze_sqlite: bool = False, model_indexes: bool = True, suppliers: int = 640,
             services_count: int = 2500, failed_attempts: float = 0.0) -> dict:
    """Create the store and fill it; returns counts and timings."""
    started = time.perf_counter()
    if reset:
        reset_store(url)
    clock = FixedClock(end)
    t = time.perf_counter()
    services = build_services(url, clock, hash_params=PRODUCTION)
    log(f"schema migrated and seeded in {time.perf_counter() - t:.2f}s")
    engine = services.engine
    from audit_stamp import AuditStamper  # like market.py: benchmarks/ is on sys.path when run as a script

    stamper = AuditStamper(engine)
    rng = random.Random(seed)
    try:
        with engine.connect() as conn:
            if conn.scalar(select(func.count()).select_from(Company)):
                raise SystemExit("the store already has demand companies; use --reset to rebuild it")
            if conn.scalar(select(func.count()).select_from(User)):
                raise SystemExit("the store already has user accounts; use --reset to rebuild it")
            operators = {r.region: {"id": r.id, "name": r.name, "region": r.region}
                         for r in conn.execute(select(OperatingAgency).where(OperatingAgency.active.is_(True)))}
        prog = services.programme.settings()
        year = prog.year
        start = datetime(year, 5, 4, 9, 0, tzinfo=KST)
        if start >= end - timedelta(days=30):
            start = end - timedelta(days=180)
        password_hash = Passwords(PRODUCTION).hash(BENCH_PASSWORD)  # one hash shared by every account

        # --- accounts of the agency and the operators -----------------------------------------------
        first_day = start - timedelta(days=20)
        agency_user = {
            "id": make_uuid(rng), "login_id": AGENCY_LOGIN, "password_hash": password_hash, "role": Role.AGENCY,
            "display_name": "전문기관 담당자", "phone": None, "email": "voucher@agency.example.kr",
            "company_id": None, "supplier_id": None, "operator_id": None, "failed_logins": 0,
            "locked_until": None, "last_login_at": None, "created_at": first_day, "active": True,
        }
        operator_users = {}
        staff = []
        for region, op in sorted(operators.items(), key=lambda kv: PROVINCES.get(kv[0], ("zz",))[0]):
            suffix = PROVINCES[region][0] if region in PROVINCES else f"r{len(operator_users):02d}"
            operator_users[op["id"]] = {
                "id": make_uuid(rng), "login_id": f"operator-{suffix}", "password_hash": password_hash,
                "role": Role.OPERATOR, "display_name": f"{region} 운영기관 심사담당", "phone": None,
                "email": f"screening-{suffix}@operator.example.kr", "company_id": None, "supplier_id": None,
                "operator_id": op["id"], "failed_logins": 0, "locked_until": None, "last_login_at": None,
                "created_at": first_day + timedelta(hours=1), "active": True,
            }
        missing = [r for r in operators if r not in PROVINCES]
        if missing:
            raise SystemExit(f"unknown operator regions in the store: {missing}")
        staff = [agency_user, *operator_users.values()]
        with engine.begin() as conn:
            conn.execute(insert(User), staff)
            if with_audit:
                conn.execute(insert(AuditRecord), stamper.stamp([{
                    "id": make_uuid(rng), "at": u["created_at"],
                    "actor_id": None if u is agency_user else agency_user["id"],
                    "actor_role": "SYSTEM" if u is agency_user else "AGENCY",
                    "actor_name": "시스템" if u is agency_user else agency_user["display_name"],
                    "action": "account.create", "entity_type": "user", "entity_id": str(u["id"]),
                    "before": None, "after": dump({"login_id": u["login_id"], "role": u["role"].value}),
                } for u in staff]))
            blobs = make_blobs(conn)

        gen = Generator(
            seed, year=year, start=start, end=end, operators=operators, operator_users=operator_users,
            agency_user=agency_user, blobs=blobs, password_hash=password_hash,
            voucher_amount=prog.voucher_amount, government_pct=prog.government_share_pct,
            use_months=prog.use_period_months, with_audit=with_audit, demand_logins=demand_logins,
            companies=companies,
        )
        counts = {"companies": 0, "users": len(staff), "company_documents": 0, "screening_events": 0,
                  "company_changes": 0, "audit_log": len(staff) if with_audit else 0}
        market = None
        if suppliers and services_count:
            from market import Market

            t = time.perf_counter()
            market = gen.market = Market(
                seed, start=start, end=end, government_pct=prog.government_share_pct, password_hash=password_hash,
                agency_user=agency_user, with_audit=with_audit,
                suppliers=suppliers, services=services_count, window_days=prog.deal_window_days,
                failed_attempts=failed_attempts)
            market.stamp_audit = stamper.stamp
            with engine.begin() as conn:
                made = market.build_catalog(
                    conn, lambda r: gen.business_no(r, "서울", CompanyType.CORPORATION))
            counts["suppliers"], counts["services"] = made["suppliers"], made["services"]
            counts["users"] += made["supplier_users"]
            counts["audit_log"] += made["audit"]
            for key in ("deals", "deal_events", "payments", "evaluations", "wishlist_items", "inquiries",
                        "abandonment_requests"):
                counts[key] = 0
            log(f"catalog: {made['suppliers']} suppliers, {made['services']} services in {time.perf_counter() - t:.1f}s")
        # Rows go in in signup order, as the app writes them: the physical order of the tables then
        # follows submitted_at (it matters to SQLite scans in index order). Pass 1 places every
        # company's signup in time; pass 2 generates and inserts them in that order.
        t_rows = time.perf_counter()
        order = sorted(range(companies), key=lambda i: (gen.submitted_at(i), i))
        log(f"signup order planned in {time.perf_counter() - t_rows:.1f}s")
        progress = Progress(companies, "companies")
        for first in range(0, companies, chunk):
            batch = Batch()
            for position in range(first, min(companies, first + chunk)):
                gen.company(order[position], position, batch)
            with engine.begin() as conn:
                insert_chunked(conn, Company, batch.companies, chunk)
                insert_chunked(conn, CompanyNameGram, [  # what signup writes for the name search
                    g for c in batch.companies
                    for g in gram_rows(c["id"], c["name"], c["operator_id"], c["submitted_at"])], chunk * 10)
                insert_chunked(conn, User, batch.users, chunk)
                insert_chunked(conn, CompanyDocument, batch.documents, chunk)
                insert_chunked(conn, ScreeningEvent, batch.events, chunk)
                insert_chunked(conn, CompanyChange, batch.changes, chunk)
                insert_chunked(conn, Deal, batch.deals, chunk)
                insert_chunked(conn, DealEvent, batch.deal_events, chunk)
                insert_chunked(conn, Payment, batch.payments, chunk)
                insert_chunked(conn, Evaluation, batch.evaluations, chunk)
                insert_chunked(conn, WishlistItem, batch.wishlist, chunk)
                insert_chunked(conn, Inquiry, batch.inquiries, chunk)
                insert_chunked(conn, AbandonmentRequest, batch.abandonments, chunk)
                insert_chunked(conn, AuditRecord, stamper.stamp(batch.audit), chunk)
            counts["companies"] += len(batch.companies)
            counts["users"] += len(batch.users)
            counts["company_documents"] += len(batch.documents)
            counts["screening_events"] += len(batch.events)
            counts["company_changes"] += len(batch.changes)
            counts["audit_log"] += len(batch.audit)
            if market is not None:
                counts["deals"] += len(batch.deals)
                counts["deal_events"] += len(batch.deal_events)
                counts["payments"] += len(batch.payments)
                counts["evaluations"] += len(batch.evaluations)
                counts["wishlist_items"] += len(batch.wishlist)
                counts["inquiries"] += len(batch.inquiries)
                counts["abandonment_requests"] += len(batch.abandonments)
            progress.update(counts["companies"])
        if market is not None:
            with engine.begin() as conn:
                market.finish(conn)
            for key, n in sorted(market.counts.items()):
                counts[key] = n
        rows_seconds = time.perf_counter() - t_rows
        with engine.begin() as conn:
            stamper.finish(conn)
        t = time.perf_counter()
        sealed = services.audit.seal()  # as a desk's sweep would have done all along (clock = --end)
        log(f"audit log sealed: {len(sealed)} checkpoints over {sum(c.row_count for c in sealed):,} records "
            f"in {time.perf_counter() - t:.1f}s")

        # previous-year participants: the re-entering companies plus others who did not apply again
        previous = set(gen.previous_participants)
        while len(previous) < len(gen.previous_participants) + companies // 20:
            region = rng.choices(gen.regions, gen.region_weights)[0]
            previous.add(gen.business_no(rng, region,
                                         CompanyType.SOLE if rng.random() < 0.55 else CompanyType.CORPORATION))
        with engine.begin() as conn:
            conn.execute(delete(PreviousParticipant).where(PreviousParticipant.year == year - 1))
            rows = [{"id": make_uuid(rng), "year": year - 1, "business_no": b} for b in sorted(previous)]
            insert_chunked(conn, PreviousParticipant, rows, 5000)
        counts["previous_participants"] = len(previous)

        if model_indexes:
            t = time.perf_counter()
            created = ensure_model_indexes(engine)
            if created:
                log(f"created {len(created)} index(es) the models declare but the migrations do not yet: "
                    f"{', '.join(created)} ({time.perf_counter() - t:.1f}s)")
        backend = engine.dialect.name
        t = time.perf_counter()
        if backend == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            log(f"VACUUM ANALYZE in {time.perf_counter() - t:.1f}s")
        elif backend == "sqlite":
            with engine.begin() as conn:
                if analyze_sqlite:
                    conn.execute(text("ANALYZE"))
                    log(f"ANALYZE in {time.perf_counter() - t:.1f}s")
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        services.dispose()
    counts["rows_seconds"] = round(rows_seconds, 1)
    counts["total_seconds"] = round(time.perf_counter() - started, 1)
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=DEFAULT_URL, help=f"store to fill (default: {DEFAULT_URL})")
    p.add_argument("--companies", type=int, default=80_000, help="number of demand companies (default 80000)")
    p.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
    p.add_argument("--end", default=DEFAULT_END.date().isoformat(),
                   help="KST date of 'now' in the generated store; events lie before it (default %(default)s)")
    p.add_argument("--chunk", type=int, default=2000, help="companies per transaction (default 2000)")
    p.add_argument("--demand-logins", type=int, default=None,
                   help="how many companies get a demand login (default: all; one shared password hash)")
    p.add_argument("--no-audit", action="store_true", help="do not write audit_log records")
    p.add_argument("--suppliers", type=int, default=640, help="supplier companies (default 640; 0: no catalog side)")
    p.add_argument("--services", type=int, default=2500, help="services in the catalog (default 2500)")
    p.add_argument("--failed-attempts", type=float, default=0.0,
                   help="failed payment attempts (wrong code, declined, …) before a deal's payment, on average "
                        "(default 0; 6 gives about 1,000,000 payments at 100,000 companies; the rest of the "
                        "store is the same either way)")
    p.add_argument("--reset", action="store_true",
                   help="delete an existing store first (SQLite: the file; PostgreSQL: the app's tables)")
    p.add_argument("--no-model-indexes", action="store_true",
                   help="leave out indexes declared in models/ that no migration creates yet")
    p.add_argument("--indexes-only", action="store_true",
                   help="do not generate; only add such indexes to an existing store, then exit")
    p.add_argument("--analyze", action="store_true",
                   help="run ANALYZE on SQLite at the end (the app never does, so by default neither do we)")
    args = p.parse_args(argv)
    end_day = date.fromisoformat(args.end)
    end = datetime(end_day.year, end_day.month, end_day.day, 18, 0, tzinfo=KST)
    url = args.database_url
    if args.indexes_only:
        from kvoucher_desktop.services.store import create_store_engine

        engine = create_store_engine(url)
        try:
            created = ensure_model_indexes(engine)
            if engine.dialect.name == "postgresql" and created:
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("ANALYZE"))
        finally:
            engine.dispose()
        print("created: " + (", ".join(created) if created else "nothing (the store has every model index)"))
        return 0
    if make_url(url).get_backend_name() == "sqlite" and url == DEFAULT_URL:
        DEFAULT_DB.parent.mkdir(parents=True, exist_ok=True)
    log(f"generating {args.companies:,} companies into {make_url(url).render_as_string(hide_password=True)}")
    counts = generate(url, args.companies, seed=args.seed, end=end, chunk=args.chunk,
                      with_audit=not args.no_audit, demand_logins=args.demand_logins, reset=args.reset,
                      analyze_sqlite=args.analyze, model_indexes=not args.no_model_indexes,
                      suppliers=args.suppliers, services_count=args.services,
                      failed_attempts=args.failed_attempts)
    width = max(len(k) for k in counts)
    for key, value in counts.items():
        print(f"{key.ljust(width)}  {value:>12,}" if isinstance(value, int) else f"{key.ljust(width)}  {value:>12}")
    print(f"logins: agency / operator-<region> / demand00001… — password {BENCH_PASSWORD!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
