"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from klachtenbus.errors import DatabaseError
from storage import check_migrated, connect, migrate
from storage.models import Base


def test_migrations_match_the_models(database_url: str) -> None:
    engine = connect(database_url)
    migrate(engine)
    check_migrated(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    migrate(engine)  # running init twice is harmless


def test_an_unmigrated_database_says_to_run_init(sqlite_url: str) -> None:
    try:
        check_migrated(connect(sqlite_url))
    except DatabaseError as exc:
        assert "klachtenbus init" in str(exc)
    else:
        raise AssertionError("an empty database was accepted")
