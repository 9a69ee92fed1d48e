"""The message page says why the bot judged as it did: each rule that hit with its Dutch
explanation and the words it hit on, the complaint probability, and the words that weighed
most for this message in the active model."""

from __future__ import annotations

import re
from pathlib import Path

from tests.builders import complaint
from tests.casework import arrived, store_at
from tests.conftest import prepare_database
from tests.web_helpers import web_for


def test_rules_probability_and_weightiest_words(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    web = web_for(prepare_database(database_url, trained_model))
    number = arrived(web.store, complaint(1), kind="complaint", probability=0.93)

    page = web.logged_in("anna").get(f"/berichten/{number}").text

    rules = page.split("<h3>Regels die raakten</h3>")[1].split("<h3>")[0]
    assert "Het woord &#39;klacht&#39; of een vorm van &#39;klagen&#39; wordt gebruikt" in rules
    assert "<td>klachtwoord (HSS-kenmerk 1)</td>" in rules and "<td>“Klacht”</td>" in rules
    assert "<td>verwijt over gedrag (HSS-kenmerk 4)</td>" in rules and "“afgesnauwd”" in rules
    model = page.split("<h3>Model</h3>")[1].split("<h3>")[0]
    assert "Kans op klacht bij ontvangst: 93%" in model
    assert re.search(r"volgens het huidige model: \d+%", model)
    terms = re.findall(r"<li>(.*?)</li>", model.split("<ol>")[1].split("</ol>")[0])
    assert 1 <= len(terms) <= 8
    assert any("klacht" in t or "HSS" in t for t in terms), terms


def test_without_a_model_the_page_says_so(database_url: str) -> None:
    web = web_for(store_at(database_url))
    number = arrived(web.store, complaint(1), kind="complaint")

    page = web.logged_in("anna").get(f"/berichten/{number}").text

    assert "Er is geen actief model; draai klachtenbus init." in page
    assert "Regels die raakten" in page and "HSS-kenmerk" in page
