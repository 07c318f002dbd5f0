"""Input limits of SPEC §8: one length limit per user-entered text field, the same on both stores.

Every text a user types is checked against this table in the service, before any database
access, by `rules.inputs.clean_text`. A limit equals the length of the column that stores the
field; a field stored in several columns (a company's name is also its login's display name and
the actor name of its audit rows) takes the smallest. Text columns have no length of their own:
their limit is chosen here and documented (docs/decisions.md "Input limits"). A unit test
compares the table with the SQLAlchemy models, so the two cannot drift apart.

Views may read the table (to set `maxLength` on their line edits); the service stays the authority.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: where the name of an actor (a login's display name) is copied with every action it takes
ACTOR_NAME_COLUMNS = (
    "users.display_name", "audit_log.actor_name", "screening_events.actor_name", "company_changes.changed_by_name",
    "inquiries.asked_by_name", "inquiries.answered_by_name", "deal_events.actor_name",
    "abandonment_requests.requested_by_name", "abandonment_requests.decided_by_name",
)

#: limits of the Text columns (they have no length in the database)
MEMO_LIMIT = 1_000
REASON_LIMIT = 1_000
#: a cancellation's reason is printed on its 취소전표 in full: what fits the slip's reason box
CANCEL_REASON_LIMIT = 300
INQUIRY_LIMIT = 2_000
DESCRIPTION_LIMIT = 5_000
ANNOUNCEMENT_BODY_LIMIT = 10_000
#: a search box: longer queries are refused with a message (never a database error)
SEARCH_LIMIT = 100
#: passwords are stored as Argon2id hashes; the limit only keeps hashing cheap
PASSWORD_LIMIT = 128
#: typed numbers (business, corporate, phone numbers, 상시 근로자 수) before they are normalised
NUMBER_INPUT_LIMIT = 30
#: the previous-year participants CSV (about 13 characters per number)
PREVIOUS_CSV_LIMIT = 2_000_000


@dataclass(frozen=True)
class TextLimit:
    """One text field: its Korean label (used in messages), its limit and where it is stored."""

    label: str
    max_length: int
    #: "table.column" of every column the (cleaned) value is written to; () when none has a length
    columns: tuple[str, ...] = ()
    #: newlines (and tabs, zero-width joiners) are allowed
    multiline: bool = False


def _t(label: str, max_length: int, *columns: str, multiline: bool = False) -> TextLimit:
    return TextLimit(label, max_length, tuple(columns), multiline)


# Keys are "<area>.<field>"; the field part is the form field that a refusal names.
TEXT_LIMITS: dict[str, TextLimit] = {
    # --- demand company: signup (SignupForm) and 기업정보관리 (CompanyInfo) ---------------------
    "company.name": _t("기업명", 100, "companies.name", *ACTOR_NAME_COLUMNS),
    "company.representative_name": _t("대표자명", 100, "companies.representative_name"),
    "company.address": _t("사업장 주소", 300, "companies.address"),
    "company.address_detail": _t("상세 주소", 200, "companies.address_detail"),
    "company.industry": _t("업종", 100, "companies.industry"),
    "company.manager_name": _t("담당자 이름", 100, "companies.manager_name"),
    "company.manager_email": _t("담당자 이메일", 200, "companies.manager_email", "users.email"),
    "company.payment_manager_name": _t("결제 담당자 이름", 100, "companies.payment_manager_name"),
    #: the name given to 본인인증; it must equal the representative's or the manager's name
    "identity.name": _t("이름", 100, "companies.representative_name", "companies.manager_name"),
    # --- accounts --------------------------------------------------------------------------------
    "account.login_id": _t("아이디", 50, "users.login_id"),
    "account.display_name": _t("이름", 100, *ACTOR_NAME_COLUMNS),
    "account.email": _t("이메일", 200, "users.email"),
    "account.lock_reason": _t("잠금 사유", REASON_LIMIT, multiline=True),
    # --- catalog ---------------------------------------------------------------------------------
    "service.name": _t("서비스명", 200, "services.name"),
    "service.keywords": _t("키워드", 500, "services.keywords"),
    "service.description": _t("서비스 설명", DESCRIPTION_LIMIT, multiline=True),
    "service.category_code": _t("서비스 분류", 32, "services.category_code", "categories.code"),
    "service.hide_reason": _t("숨김 사유", REASON_LIMIT, multiline=True),
    "inquiry.question": _t("문의 내용", INQUIRY_LIMIT, multiline=True),
    "inquiry.answer": _t("답변 내용", INQUIRY_LIMIT, multiline=True),
    # --- deals, screening, vouchers --------------------------------------------------------------
    "deal.memo": _t("메모", MEMO_LIMIT, multiline=True),
    "screening.reason": _t("사유", REASON_LIMIT, multiline=True),
    "voucher.abandon_reason": _t("예산포기 사유", REASON_LIMIT, multiline=True),
    "voucher.decline_reason": _t("반려 사유", REASON_LIMIT, multiline=True),
    "payment.cancel_reason": _t("취소 사유", CANCEL_REASON_LIMIT, multiline=True),
    "evaluation.comment": _t("평가 의견", MEMO_LIMIT, multiline=True),
    # --- programme (agency) ----------------------------------------------------------------------
    "category.code": _t("카테고리 코드", 32, "categories.code"),
    "category.name": _t("카테고리 이름", 100, "categories.name"),
    "operator.name": _t("운영기관 이름", 200, "operating_agencies.name"),
    "operator.region": _t("관할 지역", 50, "operating_agencies.region"),
    "operator.email": _t("이메일", 200, "operating_agencies.email"),
    "announcement.title": _t("공고 제목", 300, "announcements.title"),
    "announcement.body": _t("공고 내용", ANNOUNCEMENT_BODY_LIMIT, multiline=True),
    "supplier.name": _t("공급기업명", 200, "suppliers.name"),
    "supplier.representative_name": _t("대표자명", 100, "suppliers.representative_name"),
    "supplier.email": _t("이메일", 200, "suppliers.email"),
    "supplier.address": _t("주소", 300, "suppliers.address"),
    "programme.previous_csv": _t("CSV 내용", PREVIOUS_CSV_LIMIT, multiline=True),
    # --- search boxes ----------------------------------------------------------------------------
    "search.query": _t("검색어", SEARCH_LIMIT),
    "audit.action_prefix": _t("작업 종류", 64, "audit_log.action"),
    "audit.entity_id": _t("대상", 64, "audit_log.entity_id"),
}


@dataclass(frozen=True)
class NumberLimit:
    """A number typed as text (normalised to ASCII digits, then checked by its own rule)."""

    label: str
    #: longest input accepted before normalisation (dashes and spaces included)
    max_input: int
    #: the columns the normalised value is written to (it must fit every one of them)
    columns: tuple[str, ...]
    #: the longest normalised value the rule produces
    max_normalised: int


NUMBER_LIMITS: dict[str, NumberLimit] = {
    "company.business_no": NumberLimit("사업자등록번호", NUMBER_INPUT_LIMIT,
                                       ("companies.business_no", "previous_participants.business_no"), 10),
    "company.corporate_no": NumberLimit("법인등록번호", NUMBER_INPUT_LIMIT, ("companies.corporate_no",), 13),
    "company.employees": NumberLimit("상시 근로자 수", NUMBER_INPUT_LIMIT, (), 6),
    "company.phone": NumberLimit("회사 전화번호", NUMBER_INPUT_LIMIT, ("companies.phone",), 13),
    "company.representative_phone": NumberLimit("대표자 휴대폰", NUMBER_INPUT_LIMIT,
                                                ("companies.representative_phone",), 13),
    "company.manager_phone": NumberLimit("담당자 휴대폰", NUMBER_INPUT_LIMIT,
                                         ("companies.manager_phone", "users.phone"), 13),
    "company.payment_manager_phone": NumberLimit("결제 담당자 휴대폰", NUMBER_INPUT_LIMIT,
                                                 ("companies.payment_manager_phone",), 13),
    "identity.phone": NumberLimit("휴대폰 번호", NUMBER_INPUT_LIMIT, (), 13),
    "account.phone": NumberLimit("연락처", NUMBER_INPUT_LIMIT, ("users.phone",), 13),
    "operator.phone": NumberLimit("연락처", NUMBER_INPUT_LIMIT, ("operating_agencies.phone",), 13),
    "supplier.business_no": NumberLimit("사업자등록번호", NUMBER_INPUT_LIMIT, ("suppliers.business_no",), 10),
    "supplier.phone": NumberLimit("연락처", NUMBER_INPUT_LIMIT, ("suppliers.phone",), 13),
    "voucher.zeropay_password": NumberLimit("제로페이 상품권 비밀번호", NUMBER_INPUT_LIMIT, (), 6),
    "payment.card_number": NumberLimit("카드번호", NUMBER_INPUT_LIMIT, (), 16),
    "payment.card_expiry": NumberLimit("유효기간", NUMBER_INPUT_LIMIT, (), 4),
    "payment.code": NumberLimit("인증번호", NUMBER_INPUT_LIMIT, (), 6),
    "payment.zeropay_password": NumberLimit("제로페이 상품권 비밀번호", NUMBER_INPUT_LIMIT, (), 6),
}

# --- whole numbers -------------------------------------------------------------------------------
#: the largest value an INTEGER column holds on PostgreSQL (SQLite's are 64-bit)
INT32_MAX = 2_147_483_647
#: prices, payment amounts and the voucher amount (KRW); well inside INTEGER
MAX_AMOUNT = 1_000_000_000
MAX_EMPLOYEES = 100_000

# --- years and dates ------------------------------------------------------------------------------
#: the programme years a service takes
YEAR_MIN, YEAR_MAX = 2000, 2100
#: the dates a service takes (a list's or a statistic's period, the application period): those of
#: the programme years. Python's dates end at 9999-12-31 and begin at 0001-01-01, so the day after
#: the last date or 00:00 KST of the first one in UTC would not exist at the edges.
DATE_MIN, DATE_MAX = date(YEAR_MIN, 1, 1), date(YEAR_MAX, 12, 31)


def limit(key: str) -> int:
    """The maximum length of a text field (views use it for `setMaxLength`)."""
    if key in TEXT_LIMITS:
        return TEXT_LIMITS[key].max_length
    return NUMBER_LIMITS[key].max_input


def label(key: str) -> str:
    return (TEXT_LIMITS.get(key) or NUMBER_LIMITS[key]).label
