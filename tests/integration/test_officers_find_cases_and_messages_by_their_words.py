"""An officer finds a case or a message by any word in it: the complaint's text, the sender's
name, the case number; with or without the diaeresis, most relevant first, newest first among
equals."""

from __future__ import annotations

from datetime import timedelta

from storage import Store
from storage.search import MARK_END, MARK_START, HitKind, search, search_count, snippet_parts
from tests.accounts import store_at
from tests.rows import RECEIVED, stored_case, stored_message


def _found(store: Store, query: str) -> list[tuple[str, str | None]]:
    with store.unit_of_work() as session:
        return [(hit.kind.value, hit.reference) for hit in search(session, query)]


def test_a_case_is_found_by_a_word_in_its_description(database_url: str) -> None:
    """A word from the middle of the complaint finds its case, marked in the snippet."""
    store = store_at(database_url)
    number = stored_case(
        store, "Nooit teruggebeld", "De begeleider van mijn zoon kwam niet opdagen."
    )
    stored_case(store, "Rekening klopt niet", "De factuur van maart is te hoog.")

    with store.unit_of_work() as session:
        hits = [hit for hit in search(session, "begeleider") if hit.kind is HitKind.CASE]

    (hit,) = hits
    assert hit.reference == number and hit.title == "Nooit teruggebeld"
    assert f"{MARK_START}begeleider{MARK_END}" in hit.snippet
    assert ("begeleider", True) in snippet_parts(hit.snippet)
    assert hit.received_at == RECEIVED


def test_a_case_is_found_by_its_number(database_url: str) -> None:
    """The number as the letters write it (K-2026-0002) finds that case and not the other."""
    store = store_at(database_url)
    stored_case(store, "Eerste", "Over de wachtlijst.")
    number = stored_case(store, "Tweede", "Over het rooster.")

    assert [ref for kind, ref in _found(store, number) if kind == "case"] == [number]


def test_a_message_is_found_by_the_senders_name(database_url: str) -> None:
    """Searching for Jansen finds the message Piet Jansen sent, and nobody else's."""
    store = store_at(database_url)
    stored_message(store, "Vraag", "Wanneer is de volgende afspraak?", sender_name="Piet Jansen")
    stored_message(store, "Vraag", "Wanneer is de volgende afspraak?", sender_name="Ria Bakker")

    with store.unit_of_work() as session:
        (hit,) = search(session, "jansen")
        assert search_count(session, "jansen") == 1

    assert hit.kind is HitKind.MESSAGE and hit.title == "Vraag"


def test_diacritics_do_not_matter(database_url: str) -> None:
    """Typed with or without the diaeresis, the word finds the text written either way."""
    store = store_at(database_url)
    with_diaeresis = stored_message(store, "Boos", "Ik ben erg geïrriteerd over de gang van zaken.")
    without = stored_message(store, "Boos", "Mijn vader is geirriteerd en teleurgesteld.")

    for query in ("geirriteerd", "geïrriteerd", "GEÏRRITEERD"):
        with store.unit_of_work() as session:
            assert {hit.id for hit in search(session, query)} == {with_diaeresis, without}, query


def test_every_word_must_be_there(database_url: str) -> None:
    """Two words find the messages holding both, not those holding one."""
    store = store_at(database_url)
    both = stored_message(store, "Afspraak", "De afspraak met de begeleider ging niet door.")
    stored_message(store, "Afspraak", "De afspraak met de arts ging niet door.")

    with store.unit_of_work() as session:
        assert [hit.id for hit in search(session, "begeleider afspraak")] == [both]


def test_the_most_relevant_comes_first_then_the_newest(database_url: str) -> None:
    """A word in the subject outweighs the same word once in a long text; equals go newest first."""
    store = store_at(database_url)
    filler = " ".join(["Er was verder weinig aan de hand die week."] * 30)
    in_text = stored_message(store, "Over mijn moeder", filler + " Het ging om de wachtlijst.")
    older = stored_message(store, "Wachtlijst", "Hoe lang nog?", received_at=RECEIVED)
    newer = stored_message(
        store, "Wachtlijst", "Hoe lang nog?", received_at=RECEIVED + timedelta(days=1)
    )

    with store.unit_of_work() as session:
        hits = search(session, "wachtlijst")

    assert [hit.id for hit in hits] == [newer, older, in_text]
    assert hits[0].rank == hits[1].rank > hits[2].rank


def test_results_come_in_pages(database_url: str) -> None:
    """Limit and offset page through the hits; the count gives the total for the pager."""
    store = store_at(database_url)
    ids = [
        stored_message(store, "Rooster", "Het rooster.", received_at=RECEIVED + timedelta(hours=h))
        for h in range(7)
    ]

    with store.unit_of_work() as session:
        pages = [search(session, "rooster", limit=3, offset=start) for start in (0, 3, 6)]
        total = search_count(session, "rooster")

    assert [[hit.id for hit in page] for page in pages] == [ids[6:3:-1], ids[3:0:-1], ids[0:1]]
    assert total == 7


def test_postgresql_finds_other_forms_of_a_word_sqlite_its_beginning(database_url: str) -> None:
    """PostgreSQL stems Dutch: "klachten" finds "klacht". SQLite does not stem, but matches the
    start of a word: "klacht" finds "klachten"."""
    store = store_at(database_url)
    singular = stored_message(store, "Onderwerp", "Dit is mijn klacht.")
    plural = stored_message(store, "Onderwerp", "Ik heb twee klachten.")

    with store.unit_of_work() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        found_by_plural = {hit.id for hit in search(session, "klachten")}
        found_by_singular = {hit.id for hit in search(session, "klacht")}

    assert found_by_singular == {singular, plural}
    assert found_by_plural == ({singular, plural} if postgres else {plural})
