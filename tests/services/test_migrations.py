"""The Alembic migrations create exactly the schema the models describe, on both stores."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kvoucher_desktop.models import Base
from kvoucher_desktop.services.store import create_store_engine, migrate


def test_migrated_schema_matches_the_models(store_url):
    engine = create_store_engine(store_url)
    try:
        migrate(engine)  # idempotent on an up-to-date store
        with engine.connect() as conn, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLite cannot reflect expression indexes
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
            indexes = {ix["name"] for ix in inspect(conn).get_indexes("users")}
        assert diff == []
        assert "ix_users_login_id_lower" in indexes or engine.dialect.name == "sqlite"
    finally:
        engine.dispose()
