"""Document rules of SPEC §8: accepted file kinds by content, size, required set."""

from __future__ import annotations

from ...enums import CompanyType, DocumentType, IssuerType

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

DOC_LABELS = {
    DocumentType.BUSINESS_REGISTRATION: "사업자등록증",
    DocumentType.NATIONAL_TAX: "국세 완납증명서",
    DocumentType.LOCAL_TAX: "지방세 완납증명서",
    DocumentType.CORPORATE_REGISTRY: "법인 등기부등본",
    DocumentType.INSURANCE_ROSTER: "4대보험 사업장 가입자 명부",
    DocumentType.DISABLED_ENTERPRISE: "장애인기업확인서",
    DocumentType.WOMEN_ENTERPRISE: "여성기업확인서",
}

#: the certificates that let a previous-year participant sign up again
REENTRY_CERTIFICATES = frozenset({DocumentType.DISABLED_ENTERPRISE, DocumentType.WOMEN_ENTERPRISE})


def required_documents(company_type: CompanyType, issuer_type: IssuerType) -> list[DocumentType]:
    docs = [DocumentType.BUSINESS_REGISTRATION, DocumentType.NATIONAL_TAX, DocumentType.LOCAL_TAX]
    if company_type is CompanyType.CORPORATION:
        docs.append(DocumentType.CORPORATE_REGISTRY)
    if issuer_type is IssuerType.STAFF:
        docs.append(DocumentType.INSURANCE_ROSTER)
    return docs


def sniff_content_type(data: bytes) -> str | None:
    """'application/pdf', 'image/jpeg' or 'image/png' by magic bytes, else None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def document_error(filename: str, data: bytes) -> str | None:
    """Korean message for an unacceptable file, or None."""
    if not data:
        return f"'{filename}' 파일이 비어 있습니다."
    if len(data) > MAX_DOCUMENT_BYTES:
        mb = len(data) / (1024 * 1024)
        return f"'{filename}' 파일이 너무 큽니다({mb:.1f}MB). 10MB 이하의 파일만 올릴 수 있습니다."
    if sniff_content_type(data) is None:
        return f"'{filename}'은(는) PDF, JPG, PNG 파일이 아닙니다. 파일 내용을 확인해 주세요."
    return None
