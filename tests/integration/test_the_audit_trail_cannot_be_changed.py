"""The audit trail only grows: the database itself refuses to change or remove an entry for
the connection the app uses, on SQLite and PostgreSQL, and the web app offers no way to."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

from storage import Store
from storage.models import AuditEntry
from tests.accounts import store_at, with_account
from tests.servers import Postgres
from tests.web_helpers import web_for


def _entries(store: Store) -> list[tuple[str, str]]:
    with store.unit_of_work() as session:
        return [(e.actor, e.action) for e in session.scalars(select(AuditEntry))]


@pytest.mark.parametrize(
    "change",
    [
        update(AuditEntry).values(actor="iemand anders"),
        delete(AuditEntry),
    ],
    ids=["update", "delete"],
)
def test_the_apps_connection_cannot_update_or_delete_an_entry(
    database_url: str, change: Executable
) -> None:
    """The app's own engine gets the database's refusal, and the entry stays as written."""
    store = store_at(database_url)
    with_account(store, "anna")
    before = _entries(store)
    assert before == [("beheer", "user.add")]

    refused = pytest.raises(DBAPIError, match="auditspoor kan niet worden gewijzigd of verwijderd")
    with refused, store.unit_of_work() as session:
        session.execute(change)

    assert _entries(store) == before


def test_postgresql_refuses_truncate_too(postgres: Postgres) -> None:
    """Emptying the table at once is refused as well."""
    store = store_at(postgres.new_database())
    with_account(store, "anna")
    with pytest.raises(DBAPIError, match="auditspoor"), store.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit"))
    assert len(_entries(store)) == 1


def test_the_web_app_has_no_way_to_change_the_audit_trail(sqlite_url: str) -> None:
    """Every audit route only reads."""
    app = web_for(store_at(sqlite_url)).app
    audit_routes = [r for r in app.routes if getattr(r, "path", "").startswith("/beheer/audit")]
    assert audit_routes
    assert all(set(r.methods or ()) <= {"GET", "HEAD"} for r in audit_routes)
