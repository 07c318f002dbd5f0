"""Login sessions: what an `Actor` is a handle of (SPEC §3).

The raw token is never stored: only its SHA-256 (hex). A session ends by logout, a password
change or an agency lock (`ended_at`, `end_reason`), or lapses by its idle or absolute expiry.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


class LoginSession(Base):
    __tablename__ = "login_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: SHA-256 hex of the token handed to the client; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), index=True, unique=True)
    created_at: Mapped[datetime]
    #: updated at most once a minute (SessionPolicy.touch_every), so reads stay reads
    last_used_at: Mapped[datetime]
    #: absolute expiry, fixed when the session opens
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: logout, password_change, account_locked, idle, expired
    end_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
