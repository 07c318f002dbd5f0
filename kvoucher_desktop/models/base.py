"""Declarative base, UUID keys and a timezone-safe UTC datetime column type."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData, TypeDecorator, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, always returns aware UTC (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is timezone.utc:  # PostgreSQL: the store's connections are in UTC
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def result_processor(self, dialect, coltype):
        """SQLite: one step from the stored text to the aware datetime (lists read thousands of
        these; the generic path parses, then calls process_result_value per value)."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse, utc = datetime.fromisoformat, timezone.utc

        def process(value):
            if value is None:
                return None
            if isinstance(value, str):  # naive UTC text: '+00:00' makes the parse aware at once
                if len(value) in (19, 26):
                    return parse(value + "+00:00")
                return parse(value).replace(tzinfo=utc)
            return value.replace(tzinfo=utc) if value.tzinfo is None else value.astimezone(utc)

        return process


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), uuid.UUID: Uuid()}


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(Uuid(), primary_key=True, default=new_id)
