"""Storing and reading company documents (content-addressed by SHA-256)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import CompanyDocument, DocumentBlob
from .dto import DocumentUpload, DocumentView
from .errors import ValidationError
from .rules.documents import DOC_LABELS, document_error, sniff_content_type


def document_view(d: CompanyDocument) -> DocumentView:
    return DocumentView(
        id=d.id, doc_type=d.doc_type, label=DOC_LABELS[d.doc_type], filename=d.filename,
        content_type=d.content_type, size=d.size, sha256=d.sha256, issued_year=d.issued_year,
        uploaded_at=d.uploaded_at,
    )


def check_upload(upload: DocumentUpload) -> None:
    message = document_error(upload.filename, upload.data)
    if message:
        raise ValidationError(message, field=f"doc:{upload.doc_type.value}")


def store_document(
    session: Session, company_id: uuid.UUID, upload: DocumentUpload, user_id: uuid.UUID | None, now: datetime
) -> tuple[CompanyDocument, CompanyDocument | None]:
    """Store `upload` as the current document of its type; returns (new, replaced-or-None)."""
    check_upload(upload)
    digest = hashlib.sha256(upload.data).hexdigest()
    if session.get(DocumentBlob, digest) is None:
        session.add(DocumentBlob(sha256=digest, content=upload.data))
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
        id=uuid.uuid4(), company_id=company_id, doc_type=upload.doc_type, filename=upload.filename,
        content_type=sniff_content_type(upload.data), size=len(upload.data), sha256=digest,
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
