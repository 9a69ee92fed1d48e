"""The lookups by address made for every batch (RFC 3834: letters sent to a sender, machine
mail from them) and for follow-ups (the sender's open case) use an index, so they cost the
same after years of mail as on the first day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event

from storage import Store, connect, migrate
from storage.casework import (
    earlier_cases,
    last_automatic_letters,
    machine_senders,
    only_active_case_of,
)
from storage.models import Case

SINCE = datetime(2026, 1, 1, tzinfo=UTC)


def test_address_lookups_search_an_index(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'plans.db'}")
    migrate(engine)
    plans: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def explain(conn, cursor, statement, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
            plans.extend(str(row[-1]) for row in rows)

    with Store(engine).unit_of_work() as session:
        last_automatic_letters(session, ["Anna@Example.nl", "piet@example.nl"], SINCE)
        machine_senders(session, ["anna@example.nl"], SINCE)
        only_active_case_of(session, "Anna@Example.nl")
        earlier_cases(session, Case(id=10, complainant_email="anna@example.nl"))

    searches = [p for p in plans if p.startswith(("SEARCH", "SCAN"))]
    assert len(searches) == 4
    assert all(p.startswith("SEARCH") and "_lower" in p for p in searches), searches
