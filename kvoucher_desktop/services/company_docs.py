"""Storing and reading company documents (content-addressed by SHA-256)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import CompanyDocument, DocumentBlob
from .dto import DocumentUpload, DocumentView
from .errors import ValidationError
from .rules.inputs import clean_int
from .rules.documents import DOC_LABELS, clean_filename, content_error, document_error, shown_name, sniff_content_type


def document_view(d: CompanyDocument) -> DocumentView:
    return DocumentView(
        id=d.id, doc_type=d.doc_type, label=DOC_LABELS[d.doc_type], filename=d.filename,
        content_type=d.content_type, size=d.size, sha256=d.sha256, issued_year=d.issued_year,
        uploaded_at=d.uploaded_at,
    )


#: a certificate's issue year (장애인기업/여성기업 확인서) is a plausible calendar year
ISSUED_YEAR_MIN, ISSUED_YEAR_MAX = 2000, 2100


def check_upload(upload: DocumentUpload) -> None:
    """Kind by content, size, and the content itself: a PDF PDFium opens, an image within the
    decoding limits (rules.documents.content_error). Messages name the cleaned file name."""
    field = f"doc:{upload.doc_type.value}"
    if not isinstance(upload.data, bytes):
        raise ValidationError("올린 파일의 내용을 읽을 수 없습니다. 파일을 다시 선택해 주세요.", field=field)
    if upload.issued_year is not None:
        clean_int(upload.issued_year, field, "발급 연도", minimum=ISSUED_YEAR_MIN, maximum=ISSUED_YEAR_MAX)
    shown = shown_name(upload.filename)
    message = document_error(shown, upload.data) or content_error(shown, upload.data)
    if message:
        raise ValidationError(message, field=field)


def ensure_blob(session: Session, data: bytes) -> str:
    """Store `data` once under its SHA-256 and return the digest; safe when another desk stores
    the same new bytes at the same moment (INSERT … ON CONFLICT DO NOTHING on both stores: on
    PostgreSQL the second insert waits for the first and then does nothing)."""
    digest = hashlib.sha256(data).hexdigest()
    if session.scalar(select(DocumentBlob.sha256).where(DocumentBlob.sha256 == digest)) is not None:
        return digest  # the common case of a known file: the bytes are not sent again
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(DocumentBlob).values(sha256=digest, content=data)
                    .on_conflict_do_nothing(index_elements=[DocumentBlob.sha256]))
    return digest


def ensure_blobs(session: Session, uploads) -> None:
    """The blobs of several uploads, in digest order: two desks storing the same files never wait
    on each other's rows in opposite orders."""
    for data in sorted({u.data for u in uploads}, key=lambda d: hashlib.sha256(d).digest()):
        ensure_blob(session, data)


def store_document(
    session: Session, company_id: uuid.UUID, upload: DocumentUpload, user_id: uuid.UUID | None, now: datetime,
    *, checked: bool = False,
) -> tuple[CompanyDocument, CompanyDocument | None]:
    """Store `upload` as the current document of its type; returns (new, replaced-or-None).

    The name is stored cleaned (rules.documents.clean_filename). `checked`: the caller ran
    check_upload already, before taking any lock (decoding a large image takes a while).
    """
    if not checked:
        check_upload(upload)
    digest = ensure_blob(session, upload.data)
    content_type = sniff_content_type(upload.data)
    previous = session.scalars(
        select(CompanyDocument).where(
            CompanyDocument.company_id == company_id,
            CompanyDocument.doc_type == upload.doc_type,
            CompanyDocument.replaced_at.is_(None),
        )
    ).first()
    if previous is not None:
        previous.replaced_at = now
    doc = CompanyDocument(
        id=uuid.uuid4(), company_id=company_id, doc_type=upload.doc_type,
        filename=clean_filename(upload.filename, content_type, fallback=DOC_LABELS[upload.doc_type]),
        content_type=content_type, size=len(upload.data), sha256=digest,
        issued_year=upload.issued_year, uploaded_at=now, uploaded_by=user_id,
    )
    session.add(doc)
    return doc, previous


def current_documents(session: Session, company_id: uuid.UUID) -> list[CompanyDocument]:
    return list(session.scalars(
        select(CompanyDocument)
        .where(CompanyDocument.company_id == company_id, CompanyDocument.replaced_at.is_(None))
        .order_by(CompanyDocument.uploaded_at)
    ))
