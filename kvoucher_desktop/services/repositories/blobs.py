"""Content-addressed file bytes (SHA-256), shared by company documents and service images."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...models import DocumentBlob
from . import Repository


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


class BlobRepository(Repository):
    def ensure(self, data: bytes) -> str:
        """Store `data` once under its SHA-256 and return the digest (`ensure_blob`)."""
        return ensure_blob(self.session, data)

    def content(self, digest: str) -> bytes | None:
        """The stored bytes under `digest`, or None."""
        blob = self.session.get(DocumentBlob, digest)
        return blob.content if blob is not None else None
