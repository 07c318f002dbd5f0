"""The issuers' own records: the simulated card issuer's and ZeroPay's tables.

They are the issuers' business, not the platform's: a separate `MetaData` and declarative base
(never `kvoucher_desktop.models.Base`), created with `create_all` in their own database (by
default a SQLite file beside the platform's store), so the platform's migrations never see them.
A one-row `issuer_schema` table holds the layout's version; a store of another version is
refused rather than misread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ...models.base import NAMING, UTCDateTime  # the platform's conventions; the tables are the issuers'
from ..store import create_store_engine

SCHEMA_VERSION = 1
#: the file name the composition root gives the issuers' SQLite store in the data folder
DEFAULT_FILE_NAME = "issuers.sqlite3"


class IssuerStoreError(RuntimeError):
    """The issuers' store cannot be used (another schema version)."""


class IssuerRecord(DeclarativeBase):
    """Declarative base of the issuers' tables (its own metadata)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


class IssuerSchema(IssuerRecord):
    __tablename__ = "issuer_schema"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class AttemptColumns:
    """What both issuers keep of a payment attempt."""

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_key: Mapped[str] = mapped_column(String(100), unique=True)
    #: SHA-256 of the request's canonical form (no password, no code in it)
    request_hash: Mapped[str] = mapped_column(String(64))
    company_ref: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Integer)
    merchant: Mapped[str] = mapped_column(String(100))
    #: AttemptStatus value: PENDING, APPROVED, FAILED, CANCELLED
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(String(300))
    approval_no: Mapped[str | None] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


class CancelColumns:
    id: Mapped[int] = mapped_column(primary_key=True)
    cancel_key: Mapped[str] = mapped_column(String(100), unique=True)
    approval_no: Mapped[str] = mapped_column(String(8))
    cancelled_at: Mapped[datetime]


class CardRecord(IssuerRecord):
    """A card the card issuer issued; the full number lives only here."""

    __tablename__ = "card_issuer_cards"
    __table_args__ = (
        # one active card per company (a replaced card keeps its row, with revoked_at set)
        Index("uq_card_issuer_cards_active_company", "company_ref", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    expiry_month: Mapped[int] = mapped_column(Integer)
    expiry_year: Mapped[int] = mapped_column(Integer)  # four digits
    company_ref: Mapped[str] = mapped_column(String(64))
    holder_phone: Mapped[str] = mapped_column(String(13))
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class CardAttempt(AttemptColumns, IssuerRecord):
    __tablename__ = "card_issuer_attempts"

    card_id: Mapped[int | None] = mapped_column(ForeignKey("card_issuer_cards.id"))
    last4: Mapped[str] = mapped_column(String(4))
    #: SHA-256 of salt + code, hex; the code itself is never stored
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_salt: Mapped[str | None] = mapped_column(String(32))
    code_sent_at: Mapped[datetime | None]
    sends: Mapped[int] = mapped_column(Integer, default=0)
    tries: Mapped[int] = mapped_column(Integer, default=0)


class CardCancel(CancelColumns, IssuerRecord):
    __tablename__ = "card_issuer_cancels"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("card_issuer_attempts.id"), unique=True)


class ZeroPayAccount(IssuerRecord):
    """A company's ZeroPay gift-certificate account; the password only as an Argon2id hash."""

    __tablename__ = "zeropay_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_ref: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    wrong_in_row: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ZeroPayAttempt(AttemptColumns, IssuerRecord):
    __tablename__ = "zeropay_attempts"


class ZeroPayCancel(CancelColumns, IssuerRecord):
    __tablename__ = "zeropay_cancels"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("zeropay_attempts.id"), unique=True)


class IssuerStore:
    """The issuers' database: one engine and one lock. Every call of a simulator runs in
    `transaction()`: the lock serialises the calls of this process (two threads confirming the
    same attempt see one another's result), the unique constraints guard what the lock cannot."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.lock = threading.RLock()
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction under the store's lock: committed at the end, rolled back on an error."""
        with self.lock, self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_issuer_store(url: str) -> IssuerStore:
    """The issuers' store at `url` (created on first use), refused if its schema version differs."""
    engine = create_store_engine(url)
    try:
        IssuerRecord.metadata.create_all(engine)
        with Session(engine) as session, session.begin():
            row = session.scalars(select(IssuerSchema)).first()
            if row is None:
                session.add(IssuerSchema(id=1, version=SCHEMA_VERSION))
            elif row.version != SCHEMA_VERSION:
                raise IssuerStoreError(
                    f"issuer store schema version {row.version}, this version needs {SCHEMA_VERSION}")
    except BaseException:
        engine.dispose()
        raise
    return IssuerStore(engine)
