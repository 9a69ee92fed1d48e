"""What an officer writes into a case is found at once, and what was overwritten is no longer
found: the index follows every insert, edit and removal in the same transaction."""

from __future__ import annotations

from sqlalchemy import delete, text

from storage import Store, StoredMessage
from storage.casework import case_by_number
from storage.search import search
from tests.accounts import store_at
from tests.rows import stored_case, stored_message


def _cases(store: Store, query: str) -> list[str | None]:
    with store.unit_of_work() as session:
        return [hit.reference for hit in search(session, query) if hit.kind == "case"]


def _check_sqlite_index(store: Store) -> None:
    """FTS5's own check that the index and the rows it indexes agree."""
    if store.engine.dialect.name == "sqlite":
        with store.unit_of_work() as session:
            session.execute(
                text("INSERT INTO search_cases(search_cases) VALUES ('integrity-check')")
            )
            session.execute(
                text("INSERT INTO search_messages(search_messages) VALUES ('integrity-check')")
            )


def test_a_field_edit_is_found_at_once(database_url: str) -> None:
    """Actions taken, team and measures written after registration are searchable; the team the
    case no longer has is not."""
    store = store_at(database_url)
    number = stored_case(store, "Nooit teruggebeld", "Ik werd niet teruggebeld.")
    with store.unit_of_work() as session:
        case = case_by_number(session, number)
        assert case is not None
        case.team = "Ambulant Noord"
    with store.unit_of_work() as session:
        case = case_by_number(session, number)
        assert case is not None
        case.team = "Wonen Zuid"
        case.actions_taken = "Gesprek met de teamleider gevoerd."
        case.measures = "Terugbelafspraken worden voortaan genoteerd."

    assert _cases(store, "teamleider") == [number]
    assert _cases(store, "terugbelafspraken") == [number]
    assert _cases(store, "wonen zuid") == [number]
    assert _cases(store, "ambulant") == []
    _check_sqlite_index(store)


def test_a_message_parsed_after_storing_is_found(database_url: str) -> None:
    """The pipeline stores raw bytes first and fills in sender and text later; the later values
    are what is found."""
    store = store_at(database_url)
    message = stored_message(store, "Voorlopig", "Voorlopige tekst.")
    with store.unit_of_work() as session:
        row = session.get(StoredMessage, message)
        assert row is not None
        row.subject, row.text, row.sender_name = "Definitief", "De echte tekst.", "Ria Bakker"

    with store.unit_of_work() as session:
        assert [hit.id for hit in search(session, "bakker echte")] == [message]
        assert search(session, "voorlopige") == []
    _check_sqlite_index(store)


def test_a_removed_message_is_no_longer_found(database_url: str) -> None:
    """A deleted row leaves the index with it, and the other row with the word stays."""
    store = store_at(database_url)
    kept = stored_message(store, "Rooster", "Over het rooster.")
    removed = stored_message(store, "Rooster", "Ook over het rooster.")
    with store.unit_of_work() as session:
        session.execute(delete(StoredMessage).where(StoredMessage.id == removed))

    with store.unit_of_work() as session:
        assert [hit.id for hit in search(session, "rooster")] == [kept]
    _check_sqlite_index(store)
