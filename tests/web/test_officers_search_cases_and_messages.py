"""Officers search cases and messages by any word at /zoeken: each hit links to its case or
its message, the words found are marked (and everything else escaped), fifty to a page."""

from __future__ import annotations

from datetime import timedelta

from tests.rows import RECEIVED, stored_case, stored_message
from tests.web_helpers import Web


def test_a_word_finds_the_case_and_the_message_with_links_to_both(web: Web) -> None:
    number = stored_case(web.store, "Nooit teruggebeld", "De begeleider van mijn zoon kwam niet.")
    message = stored_message(web.store, "Vraag", "Is de begeleider morgen op kantoor?")
    stored_case(web.store, "Rekening", "De factuur van maart is te hoog.", email="b@example.nl")
    officer = web.logged_in("anna")

    page = officer.get("/zoeken", params={"q": "begeleider"})

    assert page.status_code == 200
    assert '<a href="/zoeken" aria-current="page">Zoeken</a>' in page.text
    assert "3 resultaten voor ‘begeleider’" in page.text  # the case, its message, the question
    assert f'<a href="/zaken/{number}">{number}: Nooit teruggebeld</a>' in page.text
    assert f'<a href="/berichten/{message}">bericht {message}: Vraag</a>' in page.text
    assert "<mark>begeleider</mark>" in page.text
    assert "factuur" not in page.text
    assert (
        '<span class="tag">zaak</span>' in page.text
        and '<span class="tag">bericht</span>' in page.text
    )


def test_what_is_typed_is_shown_escaped_and_an_empty_search_is_just_the_form(web: Web) -> None:
    stored_case(web.store, "<b>Vet</b>", "Tekst met <script>alert(1)</script> erin.")
    officer = web.logged_in("anna")
    empty = officer.get("/zoeken")
    assert empty.status_code == 200 and "resultaten" not in empty.text
    assert '<label for="q">Zoekwoorden</label>' in empty.text
    hostile = officer.get("/zoeken", params={"q": '<script> "; drop table cases; --'})
    assert hostile.status_code == 200
    assert "<script>" not in hostile.text.split("<main")[1]
    found = officer.get("/zoeken", params={"q": "tekst"})
    assert "&lt;b&gt;Vet&lt;/b&gt;" in found.text and "<b>Vet</b>" not in found.text


def test_fifty_hits_to_a_page(web: Web) -> None:
    for n in range(55):
        stored_message(web.store, f"Wachtlijst {n}", "Hoe lang is de wachtlijst nog?",
                       received_at=RECEIVED + timedelta(minutes=n))  # fmt: skip
    officer = web.logged_in("anna")
    first = officer.get("/zoeken", params={"q": "wachtlijst"})
    second = officer.get("/zoeken", params={"q": "wachtlijst", "pagina": "2"})
    assert "55 resultaten voor ‘wachtlijst’, pagina 1 van 2" in first.text
    assert first.text.count('<span class="tag">bericht</span>') == 50
    assert second.text.count('<span class="tag">bericht</span>') == 5
    assert 'href="/zoeken?q=wachtlijst&amp;pagina=2" rel="next"' in first.text
