"""Company documents (`uow.documents`): signup stores the first ones, the company pages replace
them, screening checks that the required ones are there. Their bytes are blobs (`blobs.py`)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from ...models import CompanyDocument
from ..dto import DocumentUpload, DocumentView
from ..rules.documents import DOC_LABELS, clean_filename, sniff_content_type
from . import Repository
from .blobs import BlobRepository


def document_view(d: CompanyDocument) -> DocumentView:
    return DocumentView(
        id=d.id, doc_type=d.doc_type, label=DOC_LABELS[d.doc_type], filename=d.filename,
        content_type=d.content_type, size=d.size, sha256=d.sha256, issued_year=d.issued_year,
        uploaded_at=d.uploaded_at,
    )


class DocumentRepository(Repository):
    def ensure_blobs(self, uploads: Iterable[DocumentUpload]) -> None:
        """The blobs of several uploads, in digest order: two desks storing the same files never
        wait on each other's rows in opposite orders."""
        blobs = BlobRepository(self.session, self.clock)
        for data in sorted({u.data for u in uploads}, key=lambda d: hashlib.sha256(d).digest()):
            blobs.ensure(data)

    def store(self, company_id: uuid.UUID, upload: DocumentUpload, user_id: uuid.UUID | None,
              now: datetime) -> tuple[CompanyDocument, CompanyDocument | None]:
        """Store `upload` as the current document of its type; returns (new, replaced-or-None).

        The caller ran `form_inputs.check_upload` already, before taking any lock (decoding a
        large image takes a while). The name is stored cleaned (rules.documents.clean_filename).
        """
        digest = BlobRepository(self.session, self.clock).ensure(upload.data)
        content_type = sniff_content_type(upload.data)
        previous = self.session.scalars(
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
        self.session.add(doc)
        return doc, previous

    def current(self, company_id: uuid.UUID) -> list[CompanyDocument]:
        """A company's current documents (not replaced), oldest upload first."""
        return list(self.session.scalars(
            select(CompanyDocument)
            .where(CompanyDocument.company_id == company_id, CompanyDocument.replaced_at.is_(None))
            .order_by(CompanyDocument.uploaded_at)
        ))
