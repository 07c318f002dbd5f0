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
