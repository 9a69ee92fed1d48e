"""Engine, migrations and the unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from klachtenbus.errors import DatabaseError, SettingError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision. Every start checks the database against it, which reading
# the migration scripts with Alembic would make slower than the poll it precedes; a test
# keeps it equal to Alembic's head.
HEAD_REVISION = "0013"


# The URLs Klachtenbus is tested with; named in the message for a URL it cannot use.
URL_EXAMPLES = (
    "Gebruik sqlite:///pad/naar/klachtenbus.db of "
    "postgresql+psycopg://gebruiker:wachtwoord@server/database."
)


def connect(url: str) -> Engine:
    """An engine; SQLite gets WAL and a busy timeout so two workers can share one file."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        scheme = url.split(":", 1)[0]
        fix = URL_EXAMPLES
        if scheme.startswith("postgres"):
            fix = f"Schrijf postgresql+psycopg:// in plaats van {scheme}://. " + URL_EXAMPLES
        problem = (
            f"'{scheme}://' is geen bekend databasestuurprogramma"
            if isinstance(exc, NoSuchModuleError)
            else f"het stuurprogramma voor '{scheme}://' ({exc.name}) is niet geïnstalleerd"
        )
        raise SettingError("database_url", problem, fix) from None
    except ArgumentError:
        raise SettingError("database_url", "dit is geen database-URL", URL_EXAMPLES) from None
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    from alembic import command

    try:
        with engine.begin() as connection:
            config = _alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise DatabaseError(
            f"Kan de database {engine.url.render_as_string(hide_password=True)} niet bijwerken: "
            f"{exc.orig}. Controleer KLACHTENBUS_DATABASE_URL."
        ) from exc


def check_migrated(engine: Engine) -> None:
    """Refuse to work on a database that is missing migrations."""
    head = HEAD_REVISION
    try:
        with engine.connect() as connection:
            current = _current_revision(connection)
    except OperationalError as exc:
        raise DatabaseError(
            f"Kan de database {engine.url.render_as_string(hide_password=True)} niet openen: "
            f"{exc.orig}. Controleer KLACHTENBUS_DATABASE_URL."
        ) from exc
    if current != head:
        raise DatabaseError(
            f"De database staat op versie {current or '(leeg)'}, deze Klachtenbus verwacht {head}. "
            "Draai `klachtenbus init` om hem bij te werken."
        )


def _current_revision(connection: Any) -> str | None:
    """Alembic's record of the schema version, or None for a database it never touched."""
    from sqlalchemy import inspect

    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    found = sorted(versions)
    return ", ".join(found) if found else None


class Store:
    """Opens units of work on one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits only when the block ends normally."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
