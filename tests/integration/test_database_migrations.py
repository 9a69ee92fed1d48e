"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from klachtenbus.errors import DatabaseError
from storage import check_migrated, connect, migrate
from storage.database import HEAD_REVISION, _alembic_config
from storage.models import Base
from storage.search import in_the_models


def _downgrade(engine: Engine, revision: str) -> None:
    """Step back to a revision the way `migrate` steps forward: on one connection, in one go."""
    with engine.begin() as connection:
        config = _alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


# SQLite's reflection cannot read back an index on an expression (lower(address)); the
# index-use test reads SQLite's query plans instead.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_match_the_models(database_url: str) -> None:
    engine = connect(database_url)
    migrate(engine)
    check_migrated(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": in_the_models})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    migrate(engine)  # running init twice is harmless


def test_an_unmigrated_database_says_to_run_init(sqlite_url: str) -> None:
    try:
        check_migrated(connect(sqlite_url))
    except DatabaseError as exc:
        assert "klachtenbus init" in str(exc)
    else:
        raise AssertionError("an empty database was accepted")


def test_the_start_up_check_knows_the_newest_migration(sqlite_url: str) -> None:
    """`check_migrated` compares with a constant instead of reading every migration script."""
    script = ScriptDirectory.from_config(_alembic_config(connect(sqlite_url)))
    assert script.get_current_head() == HEAD_REVISION


@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)
def test_every_migration_downgrades_and_upgrades_again(database_url: str) -> None:
    """An admin can step back to any earlier version and forward again without losing the way."""
    engine = connect(database_url)
    migrate(engine)
    _downgrade(engine, "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    check_migrated(engine)
