"""Whatever an officer types into the search box is searched for as words: quotes, stars,
dashes, NEAR( or a piece of SQL never raise an error and never act as an operator."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import Store
from storage.search import search, search_count
from tests.accounts import store_at
from tests.rows import stored_message

HOSTILE = [
    '"',
    '""',
    "*",
    "-",
    "NEAR(",
    "NEAR(klacht team, 2)",
    "'; drop table messages; --",
    "subject:klacht",
    "klacht OR team",
    "klacht AND NOT team",
    "^klacht",
    "(klacht",
    "klacht)",
    "{subject}: klacht",
    "\\",
    "<->",
    "!klacht & team | x",
    "klacht:*",
    "\x00",
    "\ud800",
    "   ",
    "",
    "a" * 5000,
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def one_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One database per backend for the module: these tests only read, and run many times."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('search') / 'search.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    store = store_at(url)
    stored_message(store, "Klacht over het team", "Mijn klacht gaat over het team.")
    return store


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_raises_no_error(one_store: Store, query: str) -> None:
    """Each of these, typed as the whole query, gives a list of hits (maybe empty)."""
    with one_store.unit_of_work() as session:
        assert isinstance(search(session, query), list)
        assert search_count(session, query) >= 0


def test_operators_are_searched_as_words(database_url: str) -> None:
    """`-team` does not exclude the team, NEAR is a word, and SQL is text to look for."""
    store = store_at(database_url)
    sql = stored_message(store, "Vreemd", "Iemand schreef drop table in het formulier.")
    team = stored_message(store, "Over het team", "Het team was onvriendelijk.")
    near = stored_message(store, "Near", "Near the station, zei de chauffeur.")

    with store.unit_of_work() as session:
        assert [hit.id for hit in search(session, "'; drop table --")] == [sql]
        assert [hit.id for hit in search(session, "-team")] == [team]
        assert [hit.id for hit in search(session, "NEAR( station")] == [near]
        assert [hit.id for hit in search(session, '"onvriendelijk')] == [team]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(max_size=60))
def test_no_text_breaks_the_query(one_store: Store, query: str) -> None:
    """Any text at all, as hypothesis makes it, is a valid search."""
    with one_store.unit_of_work() as session:
        search(session, query)
        search_count(session, query)
