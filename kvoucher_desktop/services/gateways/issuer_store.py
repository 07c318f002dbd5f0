"""The outside parties' own records: the simulated card issuer's, ZeroPay's and the identity
provider's (본인인증) tables.

They are the outside parties' business, not the platform's: a separate `MetaData` and declarative
base (never `kvoucher_desktop.models.Base`), created with `create_all` in their own database (by
default a SQLite file beside the platform's store), so the platform's migrations never see them.
A one-row `issuer_schema` table holds the layout's version. A store of an older version that
`create_all` brings up to date (it only lacks tables) is upgraded on opening; a store of any other
version is refused rather than misread.

Versions: 1 — the card issuer's and ZeroPay's tables; 2 — the identity provider's requests and
tokens (`identity_requests`, `identity_tokens`), so that every desk and every server worker on one
store knows each verification.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ...models.base import NAMING, UTCDateTime  # the platform's conventions; the tables are the issuers'
from ..store import create_store_engine

SCHEMA_VERSION = 2
#: older versions `create_all` upgrades by adding the tables they lack (1: no identity tables)
UPGRADABLE_VERSIONS = frozenset({1})
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


class IdentityRequest(IssuerRecord):
    """A 본인인증 code sent (the identity provider's record): to whom, when, the wrong tries."""

    __tablename__ = "identity_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 hex of the request id handed to the desk; the id itself is never stored
    request_id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(13))  # normalised 010-XXXX-XXXX
    #: SHA-256 of salt + code, hex; the code itself is never stored (as the card issuer's codes)
    code_hash: Mapped[str] = mapped_column(String(64))
    code_salt: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    #: confirmed, lapsed or out of tries: no confirm is accepted any more
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class IdentityToken(IssuerRecord):
    """The proof a confirmed request gives (what the signup service checks and redeems)."""

    __tablename__ = "identity_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 hex of the token (as the platform keeps login sessions); the token is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the request confirmed: one token per request, whatever two confirms at once try
    request_id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(13))
    verified_at: Mapped[datetime] = mapped_column(index=True)
    #: set by the signup the token served; a redeemed token proves nothing any more
    redeemed_at: Mapped[datetime | None]


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


def _refused(version: int) -> IssuerStoreError:
    return IssuerStoreError(f"issuer store schema version {version}, this version needs {SCHEMA_VERSION}")


def open_issuer_store(url: str) -> IssuerStore:
    """The issuers' store at `url`: created on first use, upgraded from an older version whose
    missing tables `create_all` adds, refused if its schema version is any other."""
    engine = create_store_engine(url)
    try:
        if inspect(engine).has_table(IssuerSchema.__tablename__):
            # a store of an unknown version is left as it is (no tables of this version added)
            with Session(engine) as session:
                found = session.scalars(select(IssuerSchema.version)).first()
            if found is not None and found != SCHEMA_VERSION and found not in UPGRADABLE_VERSIONS:
                raise _refused(found)
        IssuerRecord.metadata.create_all(engine)
        with Session(engine) as session, session.begin():
            row = session.scalars(select(IssuerSchema)).first()
            if row is None:
                session.add(IssuerSchema(id=1, version=SCHEMA_VERSION))
            elif row.version in UPGRADABLE_VERSIONS:
                row.version = SCHEMA_VERSION  # create_all above added what it lacked
            elif row.version != SCHEMA_VERSION:
                raise _refused(row.version)
    except BaseException:
        engine.dispose()
        raise
    return IssuerStore(engine)
