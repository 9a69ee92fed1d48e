"""A case shows the similar earlier complaints the Flemish guide asks officers to check: the
same complainant's earlier cases, and the earlier cases whose text the classifier's own
vectors find most alike."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casework.similar import similar_cases
from storage import Store
from tests.casework import office, register, store_at
from tests.conftest import prepare_database
from tests.web_helpers import Web, web_for

HSS = office("hss")
START = datetime(2026, 2, 2, 10, tzinfo=UTC)
CHILD_CARE = (
    "Mijn zoon wordt op de kinderopvang steeds genegeerd door de leidsters. Ik heb drie keer "
    "gebeld maar niemand belt terug. Dit is onacceptabel."
)
BILL = (
    "De rekening van de schuldhulpverlening klopt niet. Er staan kosten op voor gesprekken "
    "die nooit hebben plaatsgevonden, en de budgetbeheerder reageert niet op mijn mail."
)
CARE = "De thuiszorg komt steeds te laat en de verzorgster is onvriendelijk tegen mijn moeder."
THIS = (
    "Op de kinderopvang negeren de leidsters mijn zoon en ze bellen nooit terug als ik bel. "
    "Ik vind dit onacceptabel."
)


@pytest.fixture
def store(database_url: str, trained_model: tuple[Path, str]) -> Store:
    return prepare_database(database_url, trained_model)


def made(store: Store) -> dict[str, str]:
    day = iter(range(100))
    numbers = {
        "bill": register(store, HSS, START + timedelta(days=next(day)), email="b@example.nl",
                         subject="Rekening", description=BILL),
        "child care": register(store, HSS, START + timedelta(days=next(day)), email="c@example.nl",
                               subject="Genegeerd", description=CHILD_CARE),
        "own earlier": register(store, HSS, START + timedelta(days=next(day)),
                                subject="Thuiszorg", description=CARE),
        "this": register(store, HSS, START + timedelta(days=next(day)),
                         subject="Niet teruggebeld", description=THIS),
        "later": register(store, HSS, START + timedelta(days=next(day)), email="d@example.nl",
                          subject="Weer genegeerd", description=CHILD_CARE),
    }  # fmt: skip
    return numbers


def test_the_most_similar_earlier_texts_and_the_same_complainant(store: Store) -> None:
    """The child-care complaint tops the list; a later complaint is never an earlier one."""
    n = made(store)

    found = similar_cases(store, n["this"], limit=5)

    assert not found.model_missing
    assert [c.number for c in found.same_complainant] == [n["own earlier"]]
    texts = [c.number for c in found.similar_texts]
    assert texts[0] == n["child care"]
    assert n["later"] not in texts and n["this"] not in texts
    first = found.similar_texts[0]
    assert first.similarity is not None and 0.4 < first.similarity <= 1.0
    if n["bill"] in texts:
        bill = next(c for c in found.similar_texts if c.number == n["bill"])
        assert bill.similarity is not None and bill.similarity < first.similarity
    own = [c for c in found.similar_texts if c.number == n["own earlier"]]
    assert all(c.same_complainant for c in own)


def test_a_new_case_is_compared_without_reading_all_again(store: Store) -> None:
    """The vectors are kept; a case registered after the first look is found too."""
    n = made(store)
    similar_cases(store, n["this"])
    newest = register(store, HSS, START + timedelta(days=30), email="e@example.nl",
                      subject="Kinderopvang", description=THIS)  # fmt: skip
    assert similar_cases(store, newest).similar_texts[0].number in (n["this"], n["child care"])


def test_the_case_page_loads_them_and_shows_a_percentage(store: Store) -> None:
    n = made(store)
    web: Web = web_for(store)
    officer = web.logged_in("anna")
    case_page = officer.get(f"/zaken/{n['this']}")
    assert f'hx-get="/zaken/{n["this"]}/vergelijkbaar" hx-trigger="load"' in case_page.text
    assert (
        f'<a href="/zaken/{n["own earlier"]}">{n["own earlier"]}</a>: Thuiszorg' in case_page.text
    )

    fragment = officer.get(f"/zaken/{n['this']}/vergelijkbaar", headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="vergelijkbare-teksten">')
    assert re.search(
        rf'<a href="/zaken/{n["child care"]}">{n["child care"]}</a>: Genegeerd — \d+% gelijk',
        fragment.text,
    )
    full = officer.get(f"/zaken/{n['this']}/vergelijkbaar")
    assert "<h1>Vergelijkbare eerdere klachten bij zaak" in full.text
    assert "<h2>Met een vergelijkbare tekst</h2>" in full.text


def test_without_a_model_only_the_same_complainant_is_shown(database_url: str) -> None:
    store = store_at(database_url)
    first = register(store, HSS, START)
    second = register(store, HSS, START + timedelta(days=1))
    found = similar_cases(store, second)
    assert found.model_missing and [c.number for c in found.same_complainant] == [first]
    page = web_for(store).logged_in("anna").get(f"/zaken/{second}/vergelijkbaar")
    assert "Er is nog geen model getraind" in page.text
