"""The catalog and deal side of a generated store (used by generate.py).

SPEC §4: about 640 suppliers with about 2,500 services in the six categories, and each approved
company spending its budget over several deals. ``Market`` writes, with bulk Core inserts:

* suppliers (names, business numbers, contacts) and one supplier login each (``supplier001``…);
* services with Korean names built from per-category word lists (product, edition, scale),
  supplier keywords, prices of 300,000–3,000,000원 (VAT included), descriptions and
  ``search_text`` computed with ``rules.search.search_text`` exactly as ``save_service`` does;
* per approved company (through ``company()``, called by the company generator while it fills
  each chunk): the payment method choice, deals in a realistic mix of states — most of them
  settled in the past (PAID, EXPIRED, REJECTED, a few CANCELLED), some open near the end
  (거래상담, 거래수락, 결제요청, 장바구니) — their events, payments, audit records, wishlists,
  inquiries and a few budget abandonments. Paid amounts never exceed the budget.

Popularity is skewed: a handful of busy suppliers (the 화상회의 / 그룹웨어 vendors everybody
knew in 2020) take a large share of the deals, which is what makes a supplier inbox heavy.

Every deal lies before ``end``; deals still waiting for an answer were made late enough that
their deadline (00:00 KST of D+3) is after ``end``, so a store read at ``end`` has nothing due
for the sweep (the app sweeps at start-up and every few minutes).
"""

from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, update

from kvoucher_desktop.enums import (
    AbandonmentStatus,
    DealAction,
    DealState,
    EvaluationStatus,
    PaymentFailure,
    PaymentMethod,
    PaymentStatus,
    Role,
)
from kvoucher_desktop.models import AuditRecord, Service, Supplier, User
from kvoucher_desktop.services.rules.deals import EXPIRED_ABANDONED, EXPIRED_NO_ANSWER, deadline
from kvoucher_desktop.services.gateways.issuers import FAILURE_MESSAGES
from kvoucher_desktop.services.rules.money import split_budget
from kvoucher_desktop.services.rules.search import search_text

D, A = DealState, DealAction
OPEN = (D.CONSULT_REQUESTED, D.ACCEPTED, D.PAYMENT_REQUESTED, D.IN_CART)

# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------

#: category code -> (share of services, products, editions, scales, keywords, description lines)
CATEGORIES = {
    "VIDEO": (0.22,
              ("화상회의", "클라우드 화상회의", "영상회의 솔루션", "웨비나", "온라인 회의실", "하이브리드 회의 시스템",
               "원격 미팅", "화상상담 솔루션", "사내방송·웨비나"),
              ("베이직", "스탠다드", "프로", "비즈니스", "엔터프라이즈", "프리미엄", "라이트"),
              ("10인 12개월", "25인 6개월", "30인 12개월", "50인 12개월", "100인 웨비나", "회의실 3개", "무제한 회의"),
              ("화상회의", "영상회의", "웨비나", "원격회의", "화면공유", "회의녹화", "온라인 미팅", "실시간 자막",
               "가상배경", "모바일 회의", "회의록", "Zoom 대체", "WebRTC", "HD 영상"),
              ("브라우저에서 바로 접속하는 화상회의로, 설치 없이 링크만 보내면 됩니다.",
               "회의 녹화와 자동 회의록, 실시간 자막을 제공합니다.",
               "최대 {n}명이 동시에 참여하고 화면공유·판서·투표를 쓸 수 있습니다.",
               "국내 데이터센터에 저장되며 종단 간 암호화를 지원합니다.")),
    "REMOTE_WORK": (0.27,
                    ("그룹웨어", "협업툴", "전자결재", "클라우드 오피스", "원격근무 관리", "근태관리", "업무용 메신저",
                     "프로젝트 관리", "클라우드 드라이브", "전자계약", "원격 PC 접속", "스마트워크 플랫폼"),
                    ("베이직", "스탠다드", "프로", "비즈니스", "엔터프라이즈", "스타터", "올인원"),
                    ("10인 12개월", "20인 12개월", "30인 6개월", "50인 12개월", "1TB", "무제한 사용자"),
                    ("재택근무", "협업", "그룹웨어", "전자결재", "근태관리", "메신저", "클라우드", "문서공유", "일정관리",
                     "전자계약", "원격접속", "스마트워크", "칸반", "업무보고", "출퇴근", "SaaS"),
                    ("결재·게시판·일정·메신저를 하나로 묶은 재택근무용 업무 환경입니다.",
                     "모바일 앱으로 출퇴근 기록과 근무시간 관리를 할 수 있습니다.",
                     "{n}명까지 사용할 수 있고 도입 교육과 데이터 이관을 함께 제공합니다.",
                     "문서는 국내 클라우드에 암호화하여 보관합니다.")),
    "NETWORK_SECURITY": (0.18,
                         ("VPN", "보안 원격접속", "엔드포인트 보안", "클라우드 방화벽", "개인정보 암호화", "문서보안 DRM",
                          "백업·복구", "제로트러스트 접속", "백신", "망분리", "보안 USB", "2차 인증"),
                         ("베이직", "스탠다드", "프로", "엔터프라이즈", "SMB", "플러스"),
                         ("10대 12개월", "20대 12개월", "50대 12개월", "PC 30대", "사용자 25명", "서버 1식"),
                         ("보안", "VPN", "방화벽", "백신", "랜섬웨어", "암호화", "백업", "망분리", "접근제어", "2차인증",
                          "정보보호", "원격접속", "EDR", "DRM", "개인정보"),
                         ("재택근무자 PC에서 회사 시스템에 안전하게 접속하도록 합니다.",
                          "랜섬웨어 탐지와 자동 백업으로 업무 자료를 지킵니다.",
                          "PC {n}대까지 중앙 관리 콘솔에서 정책을 배포합니다.",
                          "KISA 보안 인증을 받은 제품이며 설치·설정을 원격으로 지원합니다.")),
    "EDUTECH": (0.14,
                ("온라인 직무교육", "LMS", "실시간 화상강의", "이러닝 콘텐츠", "사내교육 플랫폼", "코딩교육",
                 "외국어 화상교육", "법정의무교육", "마이크로러닝", "디지털 역량 교육"),
                ("베이직", "스탠다드", "프로", "기업형", "무제한"),
                ("20인 6개월", "30인 12개월", "50인 12개월", "100과정", "전 직원"),
                ("에듀테크", "이러닝", "LMS", "직무교육", "온라인강의", "화상강의", "법정의무교육", "교육관리",
                 "자격증", "코딩", "외국어", "수료증", "환급과정"),
                ("직원별 학습 진도와 수료 현황을 관리자 화면에서 확인합니다.",
                 "직무·법정의무 교육 과정 {n}개 이상을 제공합니다.",
                 "모바일에서도 이어 보기가 되고 수료증이 자동으로 발급됩니다.",
                 "실시간 화상강의와 녹화 강의를 함께 운영할 수 있습니다.")),
    "CARE": (0.09,
             ("임직원 건강관리", "원격 심리상담", "비대면 돌봄", "홈트레이닝", "스마트 헬스케어", "돌봄 관제",
              "마음건강 프로그램", "시니어 안부 돌봄"),
             ("베이직", "스탠다드", "프리미엄", "패밀리"),
             ("20인 6개월", "30인 12개월", "50인 12개월", "가족 포함"),
             ("돌봄", "헬스케어", "심리상담", "건강관리", "원격상담", "복지", "스트레스", "수면", "홈트레이닝",
              "시니어", "마음건강", "EAP"),
             ("전문 상담사가 화상·전화로 임직원 심리상담을 제공합니다.",
              "웨어러블 기기와 앱으로 걸음 수·수면·스트레스를 관리합니다.",
              "{n}명까지 이용할 수 있고 월별 이용 보고서를 드립니다.",
              "상담 내용은 회사에 공개되지 않으며 개인정보는 암호화됩니다.")),
    "CONSULTING": (0.10,
                   ("재택근무 도입 컨설팅", "비대면 업무전환 진단", "스마트워크 제도 설계", "정보보안 컨설팅",
                    "디지털 전환 컨설팅", "원격근무 규정 정비", "노무 컨설팅", "클라우드 전환 컨설팅"),
                   ("기본", "심화", "종합", "맞춤형"),
                   ("4주", "6주", "8주", "3개월"),
                   ("컨설팅", "재택근무 도입", "제도설계", "취업규칙", "노무", "디지털전환", "진단", "스마트워크",
                    "보안진단", "규정", "DX", "클라우드 전환"),
                   ("현재 업무 방식을 진단하고 비대면 근무 제도와 규정을 설계합니다.",
                    "취업규칙·근로계약서 개정안과 운영 매뉴얼을 드립니다.",
                    "{n}주 동안 전담 컨설턴트가 방문·화상으로 지원합니다.",
                    "도입 후 3개월간 운영 점검을 함께 합니다.")),
}

BRAND_HEADS = ("한빛", "온", "이음", "모아", "링크", "누리", "바로", "다온", "스마트", "워크", "미트", "클라우드",
               "하이", "에이스", "세이프", "가온", "라온", "피플", "소담", "나래", "텔레", "브릿지", "에듀", "케어",
               "비즈", "오피스", "해피", "씨앤", "케이", "유니", "뉴", "코어", "넥스트", "큐브", "블루", "그린")
BRAND_TAILS = ("온", "톡", "웍스", "미트", "캠퍼스", "케어", "가드", "쉴드", "링크", "플로우", "데스크", "노트", "허브",
               "클래스", "메이트", "박스", "랩", "넷", "업", "원", "플러스", "뷰", "콜", "존")
SUPPLIER_ENDINGS = ("소프트", "솔루션", "테크", "시스템즈", "정보기술", "네트웍스", "클라우드", "에듀", "헬스케어",
                    "컨설팅", "시큐리티", "랩스", "커뮤니케이션즈", "데이터", "플랫폼")
SUPPLIER_FORMS = ("주식회사 {}", "(주){}", "{} 주식회사", "{}")

CONSULT_MEMOS = (
    "직원 {n}명이 재택근무 중입니다. {m}개월 사용 기준으로 견적과 도입 일정을 상담하고 싶습니다.",
    "현재 다른 서비스를 쓰고 있어 이전이 가능한지, 교육 지원이 되는지 궁금합니다. 사용 인원 {n}명입니다.",
    "다음 달부터 바로 쓰려고 합니다. 설치 지원과 계약 절차를 안내해 주세요.",
    "바우처로 결제하려고 합니다. 자부담 포함 금액과 사용 기간을 알려 주세요.",
    "{n}명 규모 회사입니다. 체험판 사용 후 결정하고 싶은데 가능할까요?",
    "지점이 두 곳이라 각각 {n}명씩 쓸 수 있는지 상담 부탁드립니다.",
)
REJECT_MEMOS = (
    "요청하신 인원은 이 요금제로 제공할 수 없습니다. 상위 요금제로 다시 요청해 주세요.",
    "해당 기간에는 도입 지원 일정이 마감되었습니다. 다음 달에 다시 요청해 주시면 우선 처리하겠습니다.",
    "문의하신 기능(온프레미스 설치)은 제공하지 않습니다.",
    "상담 결과 귀사 업무에는 다른 서비스가 더 적합하여 반려합니다. 전화로 안내드렸습니다.",
    "바우처 사용기간 안에 구축을 마칠 수 없어 반려합니다.",
)
QUESTIONS = (
    "무료 체험 기간이 있나요?",
    "모바일 앱에서도 같은 기능을 쓸 수 있나요?",
    "사용 인원을 중간에 늘리면 추가 비용이 얼마인가요?",
    "바우처 사용기간이 끝난 뒤에는 어떻게 되나요? 자동 연장되나요?",
    "기존 자료를 옮겨 주는 이관 지원이 포함되어 있나요?",
    "세금계산서 발행과 거래명세서 출력이 되나요?",
    "설치할 때 방문 지원이 가능한가요, 원격 지원만 되나요?",
    "데이터는 어디에 저장되나요? 국내 서버인가요?",
)
ANSWERS = (
    "네, 14일 무료 체험을 제공합니다. 상세 페이지의 연락처로 신청해 주세요.",
    "모바일 앱(안드로이드·iOS)에서 같은 기능을 쓸 수 있습니다.",
    "인원 추가는 1인당 월 단위로 정산되며 결제요청 시 금액을 안내드립니다.",
    "사용기간 종료 후에는 자동 연장되지 않으며, 데이터는 30일간 보관 후 삭제됩니다.",
    "기존 자료 이관은 무상으로 지원합니다.",
    "결제 후 전표와 거래명세서를 바로 출력할 수 있습니다.",
    "수도권은 방문 지원, 그 외 지역은 원격 지원을 기본으로 합니다.",
    "모든 데이터는 국내 데이터센터에 암호화하여 저장합니다.",
)
ABANDON_REASONS = (
    "사업 여건이 바뀌어 남은 예산을 사용하지 않겠습니다.",
    "필요한 서비스를 모두 도입하여 잔여 예산을 포기합니다.",
    "자부담 비용 마련이 어려워 예산을 포기합니다.",
)
PERSONS = ("김민준", "이서연", "박도윤", "최하은", "정지우", "강서준", "조하준", "윤지호", "장수아", "임예준",
           "한지민", "오현우", "서지훈", "신유진", "권태현", "황다은", "안성민", "송지원", "류현정", "전우진")


def dump(data) -> str | None:
    return None if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def uid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def round_price(value: float) -> int:
    """Prices as suppliers write them: whole 10,000원 steps, often ending in 9 (990,000원)."""
    p = int(round(value / 10_000)) * 10_000
    return p - 10_000 if p % 100_000 == 0 and p > 300_000 else p


#: why generated failed attempts failed (the issuers' reasons a user meets most)
FAILURE_CODES = (PaymentFailure.WRONG_CODE_LIMIT, PaymentFailure.WRONG_NUMBER, PaymentFailure.EXPIRED_CARD,
                 PaymentFailure.CODE_EXPIRED, PaymentFailure.WRONG_PASSWORD, PaymentFailure.DECLINED,
                 PaymentFailure.NOT_COMPLETED)


#: the evaluation of a paid deal gets an id derived from its payment's (no draw from the random stream:
#: the rest of a generated store stays as it was before evaluations existed)
_EVALUATION_ID_MASK = 0x5A5A_0000_0000_0000_0000_0000_0000_5A5A
SCORE_FIELDS = ("quality", "timeliness", "communication", "price", "overall")


def split_scores(total: int, salt: int) -> dict[str, int]:
    """Five scores 1–5 adding up to `total` (5–25), as even as possible, the higher ones placed by
    `salt`: the mean ×100 is `20 × total`, the points the rating was given."""
    base, extra = divmod(total, 5)
    scores = [base + (1 if i < extra else 0) for i in range(5)]
    turn = salt % 5
    scores = scores[turn:] + scores[:turn]
    return dict(zip(SCORE_FIELDS, scores))


class Market:
    """Suppliers, services and everything approved companies do with them."""

    def __init__(self, seed: int, *, start: datetime, end: datetime, government_pct: int, password_hash: str,
                 agency_user: dict, with_audit: bool, suppliers: int = 640,
                 services: int = 2500, window_days: int = 2, failed_attempts: float = 0.0):
        self.seed, self.start, self.end = seed, start, end
        self.pct = government_pct
        self.password_hash = password_hash
        self.agency = {"id": agency_user["id"], "role": Role.AGENCY, "name": agency_user["display_name"]}
        self.with_audit = with_audit
        self.n_suppliers, self.n_services = suppliers, services
        self.window = window_days
        self.failed_attempts = failed_attempts  # mean failed attempts before a deal's payment
        # their own stream: the rest of the store is the same whatever their number
        self.failure_rng = random.Random(seed * 7919 + 1)
        self.suppliers: list[dict] = []
        self.supplier_users: dict[uuid.UUID, dict] = {}
        self.services: list[dict] = []
        self.cum_weights: list[float] = []
        self.ratings: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0, 0])
        self.counts: dict[str, int] = defaultdict(int)

    # --- catalog ---------------------------------------------------------------------------
    def build_catalog(self, conn, business_no) -> dict:
        """Suppliers, their logins and services; `business_no(rng)` draws an unused valid number."""
        rng = random.Random(self.seed * 31 + 640)
        registered = self.start - timedelta(days=45)
        users, audit = [], []
        names = set()
        for i in range(self.n_suppliers):
            while True:
                head = rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS)
                name = rng.choice(SUPPLIER_FORMS).format(head + rng.choice(SUPPLIER_ENDINGS))
                if name not in names:
                    names.add(name)
                    break
            sup = {"id": uid(rng), "name": name, "business_no": business_no(rng),
                   "representative_name": rng.choice(PERSONS), "phone": f"02-{rng.randrange(2000, 9999)}-{rng.randrange(10000):04d}",
                   "email": f"sales{i + 1:03d}@supplier.example.kr", "address": "서울특별시 구로구 디지털로 " + str(rng.randrange(1, 300)),
                   "created_at": registered + timedelta(minutes=7 * i)}
            self.suppliers.append(sup)
            user = {"id": uid(rng), "login_id": f"supplier{i + 1:03d}", "password_hash": self.password_hash,
                    "role": Role.SUPPLIER, "display_name": name, "phone": None, "email": sup["email"],
                    "company_id": None, "supplier_id": sup["id"], "operator_id": None, "failed_logins": 0,
                    "locked_until": None, "last_login_at": None, "created_at": sup["created_at"] + timedelta(minutes=2),
                    "active": True}
            users.append(user)
            self.supplier_users[sup["id"]] = user
            audit.append(self._audit(rng, self.agency, "supplier.create", "supplier", sup["id"], sup["created_at"],
                                     None, {"name": name, "business_no": sup["business_no"]}))
            audit.append(self._audit(rng, self.agency, "account.create", "user", user["id"], user["created_at"],
                                     None, {"login_id": user["login_id"], "role": "SUPPLIER"}))
        # services: a few suppliers with a dozen, most with 2-5; popularity skewed towards the busy ones
        per_supplier = [1 + int(rng.paretovariate(1.6)) for _ in self.suppliers]
        total = sum(per_supplier)
        per_supplier = [max(1, round(n * self.n_services / total)) for n in per_supplier]
        while sum(per_supplier) > self.n_services:
            i = rng.randrange(len(per_supplier))
            if per_supplier[i] > 1:
                per_supplier[i] -= 1
        while sum(per_supplier) < self.n_services:
            per_supplier[rng.randrange(len(per_supplier))] += 1
        busy = set(rng.sample(range(len(self.suppliers)), 6))
        codes = list(CATEGORIES)
        shares = [CATEGORIES[c][0] for c in codes]
        rows = []
        for si, sup in enumerate(self.suppliers):
            main = rng.choices(codes, shares)[0]
            brand = rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS)
            supplier_weight = 60.0 if si in busy else rng.lognormvariate(0, 1.0)
            seen = set()
            for k in range(per_supplier[si]):
                code = main if rng.random() < 0.7 else rng.choices(codes, shares)[0]
                _, products, editions, scales, keywords, lines = CATEGORIES[code]
                for _ in range(20):
                    product = rng.choice(products)
                    name = f"{brand} {product} {rng.choice(editions)}"
                    if rng.random() < 0.6:
                        name += f" ({rng.choice(scales)})"
                    if name not in seen:
                        break
                seen.add(name)
                words = rng.sample(keywords, rng.randrange(3, 7))
                kw = ", ".join(words)
                low, high = (300_000, 1_500_000) if code in ("CARE", "EDUTECH") else (500_000, 3_000_000)
                price = min(3_000_000, max(300_000, round_price(rng.triangular(low, high, low + (high - low) * 0.3))))
                n = rng.choice((10, 20, 30, 50, 100))
                desc = "\n".join(line.format(n=n) for line in rng.sample(lines, 3))
                created = registered + timedelta(days=rng.uniform(1, 40))
                updated = created + timedelta(days=rng.uniform(0, 60)) if rng.random() < 0.3 else created
                hidden = rng.random() < 0.02
                rows.append({
                    "id": uid(rng), "supplier_id": sup["id"], "category_code": code, "name": name, "keywords": kw,
                    "price": price, "description": f"{product} — {desc}", "image_sha256": None, "image_type": None,
                    "hidden": hidden, "hidden_by_agency": (not hidden) and rng.random() < 0.004,
                    "search_text": search_text(name, kw, sup["name"]), "rating_count": 0, "rating_points": 0,
                    "created_at": created, "updated_at": min(updated, self.end - timedelta(days=1)), "version": 1,
                })
                weight = supplier_weight * rng.paretovariate(2.0) * (1.6 if code in ("VIDEO", "REMOTE_WORK") else 1.0)
                self.services.append({"row": rows[-1], "weight": weight})
                user = self.supplier_users[sup["id"]]
                audit.append(self._audit(rng, {"id": user["id"], "role": Role.SUPPLIER, "name": sup["name"]},
                                         "service.create", "service", rows[-1]["id"], created, None,
                                         {"name": name, "category": code, "keywords": kw, "price": price,
                                          "hidden": hidden}))
        # deals only go to services a company can see
        orderable = [s for s in self.services if not (s["row"]["hidden"] or s["row"]["hidden_by_agency"])]
        self.orderable = orderable
        acc = 0.0
        self.cum_weights = []
        for s in orderable:
            acc += s["weight"]
            self.cum_weights.append(acc)
        conn.execute(insert(Supplier), self.suppliers)
        conn.execute(insert(User), users)
        for i in range(0, len(rows), 1000):
            conn.execute(insert(Service), rows[i:i + 1000])
        if self.with_audit:
            conn.execute(insert(AuditRecord), self.stamp_audit(audit))
        return {"suppliers": len(self.suppliers), "services": len(rows), "supplier_users": len(users),
                "audit": len(audit) if self.with_audit else 0}

    #: seq / recorded_at / row_hash for audit rows (generate.py sets its AuditStamper's)
    stamp_audit = staticmethod(lambda rows: rows)

    def _failures(self, rng) -> int:
        """How many failed attempts a deal's payment had first: geometric, with the configured mean."""
        mean = self.failed_attempts
        if mean <= 0:
            return 0
        n, go_on = 0, mean / (1 + mean)
        while rng.random() < go_on and n < 50:
            n += 1
        return n

    def _audit(self, rng, actor, action, entity_type, entity_id, at, before, after) -> dict:
        return {"id": uid(rng), "at": at, "actor_id": actor["id"] if actor else None,
                "actor_role": actor["role"].value if actor else "SYSTEM",
                "actor_name": actor["name"] if actor else "시스템", "action": action, "entity_type": entity_type,
                "entity_id": str(entity_id), "before": dump(before), "after": dump(after)}

    # --- one approved company ----------------------------------------------------------------
    def company(self, index: int, company: dict, user_id: uuid.UUID, batch) -> None:
        """Payment method, deals, payments, wishlist, inquiries (and maybe an abandonment) of one
        approved company; mutates the company row before it is inserted."""
        rng = random.Random(self.seed * 7_000_003 + index)
        approved_at = company["approved_at"]
        margin = timedelta(hours=1)
        latest = self.end - margin
        demand = {"id": user_id, "role": Role.DEMAND, "name": company["name"]}
        audit = batch.audit if self.with_audit else []
        if approved_at >= latest - timedelta(hours=2):
            return
        # wishlist: also companies that never bought anything
        if rng.random() < 0.35:
            for svc in self._pick_services(rng, rng.randrange(1, 7)):
                batch.wishlist.append({"company_id": company["id"], "service_id": svc["row"]["id"],
                                       "added_at": self._between(rng, approved_at, latest)})
        if rng.random() < 0.12:
            for svc in self._pick_services(rng, 1 if rng.random() < 0.8 else 2):
                self._inquiry(rng, company, demand, svc["row"], approved_at, latest, batch)
        if rng.random() >= 0.88:  # never applied for the voucher
            return
        chosen_at = min(latest - timedelta(hours=1), approved_at + timedelta(days=rng.uniform(0.05, 6)))
        method = PaymentMethod.SHINHAN_CARD if rng.random() < 0.58 else PaymentMethod.ZEROPAY
        company["payment_method"], company["payment_method_chosen_at"] = method, chosen_at
        # a card company's voucher card: the issuer's record is not generated (no payment is made
        # through the simulators), the platform keeps the last four digits
        company["card_last4"] = f"{rng.randrange(10_000):04d}" if method is PaymentMethod.SHINHAN_CARD else None
        company["card_issued_at"] = chosen_at + timedelta(days=1) if method is PaymentMethod.SHINHAN_CARD else None
        audit.append(self._audit(rng, demand, "voucher.choose_method", "company", company["id"], chosen_at,
                                 {"payment_method": None}, {"payment_method": method.value}))
        self.counts["payment_method_chosen"] += 1
        use_end = datetime.combine(company["use_period_end"], datetime.min.time(), tzinfo=self.end.tzinfo)
        horizon = min(latest, use_end)
        n = rng.choices(range(1, 13), (9, 12, 13, 13, 11, 10, 8, 7, 6, 5, 4, 2))[0]
        times = sorted(self._between(rng, chosen_at + timedelta(hours=1), horizon) for _ in range(n))
        paid: list[int] = []
        budget = company["budget_total"]
        first = len(batch.deals)
        for svc, t in zip(self._pick_services(rng, len(times)), times):
            amount = self._deal(rng, company, demand, svc["row"], t, budget - sum(paid), method, batch, audit)
            if amount:
                paid.append(amount)
        mine = batch.deals[first:]
        if rng.random() < 0.02:  # 예산포기 after its last deal moved
            after = max([d["updated_at"] for d in mine] + [chosen_at])
            abandon = after + timedelta(days=rng.uniform(1, 20))
            if abandon < latest - timedelta(hours=2):
                self._abandon(rng, company, demand, user_id, abandon, budget, paid, mine, batch, audit)

    def _abandon(self, rng, company, demand, user_id, at, budget, paid, deals, batch, audit) -> None:
        latest = self.end - timedelta(hours=1)
        r = rng.random()
        status = (AbandonmentStatus.REQUESTED if r < 0.35 else AbandonmentStatus.CONFIRMED if r < 0.9
                  else AbandonmentStatus.DECLINED)
        decided = at + timedelta(days=rng.uniform(0.2, 5))
        if decided >= latest:
            status = AbandonmentStatus.REQUESTED
        row = {"id": uid(rng), "company_id": company["id"], "status": status, "reason": rng.choice(ABANDON_REASONS),
               "requested_at": at, "requested_by": user_id, "requested_by_name": company["name"],
               "decided_at": None, "decided_by": None, "decided_by_name": None, "decline_reason": None,
               "budget_before": None, "budget_after": None}
        audit.append(self._audit(rng, demand, "voucher.abandon_request", "company", company["id"], at,
                                 None, {"reason": row["reason"]}))
        self.counts[f"abandonments {status.value}"] += 1
        if status is AbandonmentStatus.CONFIRMED:
            spent = sum(paid)
            gov = sum(split_budget(a, self.pct)[0] for a in paid)  # the payments' own shares
            row.update(decided_at=decided, decided_by=self.agency["id"], decided_by_name=self.agency["name"],
                       budget_before=budget, budget_after=spent)
            company["budget_total"], company["budget_government"], company["budget_self"] = spent, gov, spent - gov
            company["budget_abandoned_at"] = decided
            expired = 0
            for d in deals:  # open deals lapse (VoucherService.confirm_abandonment)
                if d["state"] in OPEN:
                    seq = sum(1 for e in batch.deal_events if e["deal_id"] == d["id"]) + 1
                    batch.deal_events.append({
                        "id": uid(rng), "deal_id": d["id"], "seq": seq, "action": A.EXPIRE, "from_state": d["state"],
                        "to_state": D.EXPIRED, "memo": EXPIRED_ABANDONED, "amount": None, "actor_id": None,
                        "actor_name": "시스템", "actor_role": "SYSTEM", "at": decided})
                    self.counts[f"deals {d['state'].value}"] -= 1
                    self.counts["deals EXPIRED"] += 1
                    d.update(state=D.EXPIRED, closed_at=decided, close_reason=EXPIRED_ABANDONED, deadline_at=None,
                             updated_at=decided, version=d["version"] + 1)
                    expired += 1
            audit.append(self._audit(rng, self.agency, "voucher.abandon_confirm", "company", company["id"],
                                     decided, {"budget_total": budget}, {"budget_total": spent, "expired_deals": expired}))
        elif status is AbandonmentStatus.DECLINED:
            row.update(decided_at=decided, decided_by=self.agency["id"], decided_by_name=self.agency["name"],
                       decline_reason="사유를 확인할 수 없어 반려합니다. 담당자와 통화 후 다시 신청해 주세요.")
            audit.append(self._audit(rng, self.agency, "voucher.abandon_decline", "company", company["id"],
                                     decided, None, {"reason": row["decline_reason"]}))
        batch.abandonments.append(row)

    def _between(self, rng, a: datetime, b: datetime) -> datetime:
        if b <= a:
            return a
        return a + (b - a) * rng.random()

    def _pick_services(self, rng, k: int) -> list[dict]:
        picked, ids = [], set()
        for _ in range(k * 4):
            if len(picked) == k:
                break
            svc = rng.choices(self.orderable, cum_weights=self.cum_weights)[0]
            if svc["row"]["id"] not in ids:
                ids.add(svc["row"]["id"])
                picked.append(svc)
        return picked

    def _inquiry(self, rng, company, demand, sv, after, latest, batch) -> None:
        asked = self._between(rng, after, latest)
        qi = rng.randrange(len(QUESTIONS))
        row = {"id": uid(rng), "service_id": sv["id"], "supplier_id": sv["supplier_id"], "company_id": company["id"],
               "question": QUESTIONS[qi], "asked_by": demand["id"], "asked_by_name": company["name"], "asked_at": asked,
               "answer": None, "answered_by": None, "answered_by_name": None, "answered_at": None}
        answered = asked + timedelta(hours=rng.uniform(1, 72))
        if answered < latest and rng.random() < 0.9:
            user = self.supplier_users[sv["supplier_id"]]
            row.update(answer=ANSWERS[qi], answered_by=user["id"], answered_by_name=user["display_name"],
                       answered_at=answered)
        batch.inquiries.append(row)

    def _deal(self, rng, company, demand, sv, requested: datetime, remaining: int, method, batch, audit) -> int:
        """One deal from its request at `requested` to wherever it stands at `end`; returns what it spent."""
        latest = self.end - timedelta(minutes=30)
        sup_user = self.supplier_users[sv["supplier_id"]]
        supplier = {"id": sup_user["id"], "role": Role.SUPPLIER, "name": sup_user["display_name"]}
        deal_id = uid(rng)
        memo = rng.choice(CONSULT_MEMOS).format(n=rng.choice((3, 5, 8, 10, 15, 20, 30)), m=rng.choice((3, 6, 12)))
        d = {"id": deal_id, "company_id": company["id"], "service_id": sv["id"], "supplier_id": sv["supplier_id"],
             "state": D.CONSULT_REQUESTED, "memo": memo, "requested_at": requested, "requested_by": demand["id"],
             "accepted_at": None, "payment_requested_at": None, "amount": None,
             "deadline_at": deadline(requested, self.window), "closed_at": None, "close_reason": None,
             "updated_at": requested, "version": 1}
        events: list[dict] = []

        def event(action, to, at, actor, memo=None, amount=None):
            before = d["state"] if events else None
            events.append({"id": uid(rng), "deal_id": deal_id, "seq": len(events) + 1, "action": action,
                           "from_state": before, "to_state": to, "memo": memo, "amount": amount,
                           "actor_id": actor["id"] if actor else None, "actor_name": actor["name"] if actor else "시스템",
                           "actor_role": actor["role"].value if actor else "SYSTEM", "at": at})
            after = {"state": to.value}
            if memo:
                after["memo"] = memo
            if amount is not None:
                after["amount"] = amount
            audit.append(self._audit(rng, actor, f"deal.{action.value.lower()}", "deal", deal_id, at,
                                     {"state": before.value} if before else None, after))
            if events[-1]["seq"] > 1:
                d["version"] += 1
            d["state"], d["updated_at"] = to, at

        def expire(at):
            event(A.EXPIRE, D.EXPIRED, at, None, memo=EXPIRED_NO_ANSWER)
            d.update(closed_at=at, close_reason=EXPIRED_NO_ANSWER, deadline_at=None)

        event(A.REQUEST, D.CONSULT_REQUESTED, requested, demand, memo=memo)
        spent = 0
        r = rng.random()
        answer_at = requested + timedelta(hours=rng.uniform(0.5, 40))
        if r < 0.16 or answer_at >= latest:  # the supplier never answered (or has not yet)
            if d["deadline_at"] <= latest:
                expire(d["deadline_at"])
        elif r < 0.28:  # rejected at consultation
            reason = rng.choice(REJECT_MEMOS)
            event(A.REJECT, D.REJECTED, answer_at, supplier, memo=reason)
            d.update(closed_at=answer_at, close_reason=reason, deadline_at=None)
        else:
            event(A.ACCEPT, D.ACCEPTED, answer_at, supplier)
            d.update(accepted_at=answer_at, deadline_at=None)
            pay_req = answer_at + timedelta(hours=rng.uniform(1, 96))
            r2 = rng.random()
            amount = sv["price"] if rng.random() < 0.85 else round_price(sv["price"] * rng.uniform(0.7, 0.98))
            if remaining < amount:
                amount = remaining if remaining >= 100_000 else 0
            if r2 < 0.03 or pay_req >= latest:  # still talking (거래수락 stays)
                pass
            elif r2 < 0.08 or amount == 0:  # rejected after acceptance (budget too small, scope changed)
                reason = rng.choice(REJECT_MEMOS) if amount else "남은 바우처 예산으로는 이 서비스를 결제할 수 없어 반려합니다."
                event(A.REJECT, D.REJECTED, pay_req, supplier, memo=reason)
                d.update(closed_at=pay_req, close_reason=reason)
            else:
                event(A.REQUEST_PAYMENT, D.PAYMENT_REQUESTED, pay_req, supplier, amount=amount)
                due = deadline(pay_req, self.window)
                d.update(payment_requested_at=pay_req, amount=amount, deadline_at=due)
                r3 = rng.random()
                if rng.random() < 0.25:  # set aside in the cart first
                    cart_at = pay_req + (min(due, latest) - pay_req) * rng.uniform(0.05, 0.4)
                    if cart_at < latest:
                        event(A.TO_CART, D.IN_CART, cart_at, demand)
                paid_at = pay_req + (due - pay_req) * rng.uniform(0.02, 0.9)
                if r3 < 0.82 and paid_at < latest:
                    pid = uid(rng)
                    gov, own = split_budget(amount, self.pct)
                    cancelled = rng.random() < 0.035
                    cancel_at = paid_at + timedelta(days=rng.uniform(0.01, 6))
                    cancelled = cancelled and cancel_at < latest
                    frng = self.failure_rng
                    for k in range(self._failures(frng)):  # 결제실패 attempts before the one that paid
                        fid, tried = uid(frng), paid_at - timedelta(minutes=3 * (k + 1))
                        code = frng.choice(FAILURE_CODES)
                        batch.payments.append({
                            "id": fid, "deal_id": deal_id, "company_id": company["id"],
                            "supplier_id": sv["supplier_id"], "method": method, "status": PaymentStatus.FAILED,
                            "amount": amount, "government_share": gov, "self_share": own,
                            "failure_reason": FAILURE_MESSAGES[code], "created_at": tried, "updated_at": tried,
                            "attempt_key": fid.hex, "request_hash": "", "batch_key": None, "created_by": None,
                            "failure_code": code, "card_last4": company.get("card_last4"), "approval_no": None,
                            "approved_at": None, "cancel_key": None, "cancel_requested_at": None,
                            "cancel_reason": None, "cancelled_by": None, "cancelled_by_name": None,
                            "cancelled_by_role": None, "cancelled_at": None})
                    batch.payments.append({
                        "id": pid, "deal_id": deal_id, "company_id": company["id"], "supplier_id": sv["supplier_id"],
                        "method": method, "status": PaymentStatus.CANCELLED if cancelled else PaymentStatus.SUCCEEDED,
                        "amount": amount, "government_share": gov, "self_share": own, "failure_reason": None,
                        "created_at": paid_at, "updated_at": cancel_at if cancelled else paid_at,
                        "attempt_key": pid.hex, "request_hash": "", "batch_key": None, "created_by": None,
                        "failure_code": None, "card_last4": company.get("card_last4"),
                        "approval_no": f"{rng.randrange(10**7, 10**8)}", "approved_at": paid_at,
                        "cancel_key": f"c{pid.hex}" if cancelled else None,
                        "cancel_requested_at": cancel_at if cancelled else None,
                        "cancel_reason": "결제취소" if cancelled else None, "cancelled_by": None,
                        "cancelled_by_name": demand["name"] if cancelled else None,
                        "cancelled_by_role": "DEMAND" if cancelled else None,
                        "cancelled_at": cancel_at if cancelled else None})
                    audit.append(self._audit(rng, demand, "payment.succeed", "payment", pid, paid_at, None,
                                             {"deal_id": str(deal_id), "amount": amount, "method": method.value}))
                    d.update(state=D.PAID, closed_at=paid_at, deadline_at=None, updated_at=paid_at,
                             version=d["version"] + 1)
                    if cancelled:
                        d.update(state=D.CANCELLED, closed_at=cancel_at, close_reason="결제취소", updated_at=cancel_at,
                                 version=d["version"] + 1)
                        audit.append(self._audit(rng, demand, "payment.cancel", "payment", pid, cancel_at,
                                                 {"status": "SUCCEEDED"}, {"status": "CANCELLED"}))
                    else:
                        spent = amount
                        ratings = self.ratings[sv["id"]]
                        ev = {"id": uuid.UUID(int=pid.int ^ _EVALUATION_ID_MASK), "deal_id": deal_id, "payment_id": pid,
                              "company_id": company["id"], "supplier_id": sv["supplier_id"], "service_id": sv["id"],
                              "status": EvaluationStatus.PENDING, "comment": None, "created_at": paid_at,
                              "evaluated_at": None, "evaluated_by": None, **dict.fromkeys(SCORE_FIELDS)}
                        if rng.random() < 0.6 and paid_at + timedelta(days=7) < latest:
                            points = rng.choice((280, 320, 360, 380, 400, 420, 440, 460, 480, 500))
                            ratings[0] += 1
                            ratings[1] += points
                            ev.update(status=EvaluationStatus.DONE, evaluated_at=paid_at + timedelta(days=3),
                                      evaluated_by=demand["id"], **split_scores(points // 20, pid.int))
                        batch.evaluations.append(ev)
                elif due <= latest:  # not paid in time
                    expire(due)
        batch.deals.append(d)
        batch.deal_events.extend(events)
        self.counts[f"deals {d['state'].value}"] += 1
        return spent

    # --- after the companies -----------------------------------------------------------------
    def finish(self, conn) -> None:
        """Service ratings from the evaluations implied by the paid deals."""
        rows = [{"sid": sid, "n": n, "pts": pts} for sid, (n, pts) in self.ratings.items() if n]
        if rows:
            conn.execute(update(Service).where(Service.id == bindparam("sid"))
                         .values(rating_count=bindparam("n"), rating_points=bindparam("pts")), rows)
