"""Enumerations shared by every layer (plain Python: models, services and views use them)."""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    DEMAND = "DEMAND"
    SUPPLIER = "SUPPLIER"
    OPERATOR = "OPERATOR"
    AGENCY = "AGENCY"


class IssuerType(str, enum.Enum):
    REPRESENTATIVE = "REPRESENTATIVE"
    STAFF = "STAFF"


class CompanyType(str, enum.Enum):
    SOLE = "SOLE"
    CORPORATION = "CORPORATION"


class ScreeningStatus(str, enum.Enum):
    REVIEWING = "REVIEWING"
    ON_HOLD = "ON_HOLD"
    CONFIRMED = "CONFIRMED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class ScreeningAction(str, enum.Enum):
    SUBMIT = "SUBMIT"  # signup
    CONFIRM = "CONFIRM"
    HOLD = "HOLD"
    REJECT = "REJECT"
    RESUBMIT = "RESUBMIT"
    APPROVE = "APPROVE"


class DocumentType(str, enum.Enum):
    BUSINESS_REGISTRATION = "BUSINESS_REGISTRATION"  # 사업자등록증
    NATIONAL_TAX = "NATIONAL_TAX"  # 국세 완납증명서
    LOCAL_TAX = "LOCAL_TAX"  # 지방세 완납증명서
    CORPORATE_REGISTRY = "CORPORATE_REGISTRY"  # 법인 등기부등본
    INSURANCE_ROSTER = "INSURANCE_ROSTER"  # 4대보험 사업장 가입자 명부
    DISABLED_ENTERPRISE = "DISABLED_ENTERPRISE"  # 장애인기업확인서
    WOMEN_ENTERPRISE = "WOMEN_ENTERPRISE"  # 여성기업확인서


class PaymentMethod(str, enum.Enum):
    ZEROPAY = "ZEROPAY"  # 제로페이 (모바일 상품권)
    SHINHAN_CARD = "SHINHAN_CARD"  # 신한카드


class AbandonmentStatus(str, enum.Enum):
    REQUESTED = "REQUESTED"  # 신청
    CONFIRMED = "CONFIRMED"  # 확정 (잔여예산 0)
    DECLINED = "DECLINED"  # 반려


class DealState(str, enum.Enum):
    CONSULT_REQUESTED = "CONSULT_REQUESTED"  # 거래상담
    ACCEPTED = "ACCEPTED"  # 거래수락
    PAYMENT_REQUESTED = "PAYMENT_REQUESTED"  # 결제요청
    IN_CART = "IN_CART"  # 장바구니 (결제요청 중 따로 모아 둔 것)
    PAID = "PAID"  # 결제완료
    REJECTED = "REJECTED"  # 반려
    EXPIRED = "EXPIRED"  # 불가
    CANCELLED = "CANCELLED"  # 결제취소


class DealAction(str, enum.Enum):
    REQUEST = "REQUEST"  # 거래상담 요청 (creates the deal)
    ACCEPT = "ACCEPT"
    REJECT = "REJECT"
    REQUEST_PAYMENT = "REQUEST_PAYMENT"
    TO_CART = "TO_CART"
    FROM_CART = "FROM_CART"
    EXPIRE = "EXPIRE"  # by the clock or by budget abandonment, never by a person
    PAY = "PAY"  # the deal's payment was approved (services/payments.py)
    CANCEL = "CANCEL"  # the deal's payment was cancelled (결제취소)


class PaymentStatus(str, enum.Enum):
    IN_PROGRESS = "IN_PROGRESS"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class DealTab(str, enum.Enum):
    """The 서비스 요청 inbox tabs (the supplier sees the same tabs for its side)."""

    CONSULT = "CONSULT"  # 거래상담
    ACCEPTED = "ACCEPTED"  # 거래수락
    PAYMENT_REQUESTED = "PAYMENT_REQUESTED"  # 결제요청
    CART = "CART"  # 장바구니
    PAY = "PAY"  # 결제하기: payment requested + cart, ticked for multi-pay
    DONE = "DONE"  # 결제완료·결제취소
    CLOSED = "CLOSED"  # 반려/불가


class PaymentFailure(str, enum.Enum):
    """Why an issuer (card issuer or ZeroPay) refused a payment; its Korean message is in
    `services.gateways.issuers.FAILURE_MESSAGES`."""

    WRONG_NUMBER = "WRONG_NUMBER"  # 카드번호 오류 (Luhn, 없는 카드, 해지된 카드)
    EXPIRED_CARD = "EXPIRED_CARD"  # 유효기간 경과 또는 불일치
    NOT_THIS_COMPANY = "NOT_THIS_COMPANY"  # 이 기업에 발급된 카드가 아님
    WRONG_CODE_LIMIT = "WRONG_CODE_LIMIT"  # 인증번호 5회 오류
    CODE_EXPIRED = "CODE_EXPIRED"  # 인증번호 유효시간(3분) 경과
    WRONG_PASSWORD = "WRONG_PASSWORD"  # 제로페이 비밀번호 오류
    LOCKED = "LOCKED"  # 비밀번호 5회 오류로 30분간 잠김
    DECLINED = "DECLINED"  # 승인 거절
    TIMEOUT = "TIMEOUT"  # 응답 없음
    NOT_COMPLETED = "NOT_COMPLETED"  # 결제를 끝내지 않고 창을 닫음 (the platform's, never an issuer's)


class PaymentTab(str, enum.Enum):
    """서비스 결제관리 tabs (the supplier's 결제 내역 and the agency's list have the same)."""

    ALL = "ALL"  # 총내역
    SUCCEEDED = "SUCCEEDED"  # 결제성공
    FAILED = "FAILED"  # 결제실패
    CANCELLED = "CANCELLED"  # 결제취소
    BILLED = "BILLED"  # 청구내역: the completed and the cancelled payments together


class BillingExport(str, enum.Enum):
    """What 청구내역 exports for a period."""

    XLSX = "XLSX"  # the rows and their totals as an Excel workbook
    CSV = "CSV"  # the same as CSV (UTF-8 with a BOM, so that Excel reads the Korean)
    SLIPS = "SLIPS"  # every slip of the period in one PDF, with an index page


class PaperKind(str, enum.Enum):
    """The documents for filing of one payment (SPEC §11)."""

    SLIP = "SLIP"  # 전표 (매출전표)
    STATEMENT = "STATEMENT"  # 거래명세서
    CANCELLATION = "CANCELLATION"  # 취소전표


class EvaluationStatus(str, enum.Enum):
    """서비스 정산 tabs and an evaluation's state (SPEC §5.5): PENDING becomes DONE once, for good."""

    PENDING = "PENDING"  # 평가대기
    DONE = "DONE"  # 평가완료
