"""The registration form takes 'tevreden' as ja, nee or onbekend; anything else is refused with
the choices named beside the field, the officer's typing kept, and nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime

from casework import cases
from tests.casework import office, register
from tests.web_helpers import Web, csrf_of

HSS = office("hss")


def save(web: Web, number: str, **fields: str) -> object:
    officer = web.logged_in("anna")
    token = csrf_of(officer, f"/zaken/{number}")
    return officer.post(f"/zaken/{number}/velden", data={"csrf": token, **fields})


def test_ja_nee_and_onbekend_are_stored_as_yes_no_and_unknown(web: Web) -> None:
    number = register(web.store, HSS, datetime(2026, 3, 2, 10, tzinfo=UTC))
    for word, stored in (("ja", True), ("nee", False), ("onbekend", None), ("Ja", True)):
        response = save(web, number, tevreden=word)
        assert response.status_code == 303, word  # type: ignore[attr-defined]
        assert cases.show(web.store, HSS, number).case["satisfied"] is stored, word


def test_another_word_is_refused_beside_the_field_and_nothing_is_stored(web: Web) -> None:
    """'misschien' is not 'niet tevreden': refused, naming the choices, the other typing kept."""
    number = register(web.store, HSS, datetime(2026, 3, 2, 10, tzinfo=UTC))
    before = len(cases.show(web.store, HSS, number).events)

    response = save(web, number, tevreden="misschien", categorie="bejegening")

    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.text  # type: ignore[attr-defined]
    assert (
        '<p class="problem" role="alert" id="probleem">'
        "Tevreden &#39;misschien&#39; bestaat niet; kies ja, nee of onbekend.</p>"
    ) in page
    assert (
        '<select id="veld-tevreden" name="tevreden" aria-invalid="true" '
        'aria-describedby="probleem">'
    ) in page
    assert '<option value="misschien" selected>misschien</option>' in page
    assert 'name="categorie" value="bejegening"' in page  # kept, not saved
    view = cases.show(web.store, HSS, number)
    assert view.case["satisfied"] is None and view.case["category"] is None
    assert len(view.events) == before


def test_an_unknown_judgement_is_refused_too(web: Web) -> None:
    number = register(web.store, HSS, datetime(2026, 3, 2, 10, tzinfo=UTC))
    response = save(web, number, oordeel="heel erg")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "kies uit gegrond, deels gegrond, ongegrond, onduidelijk" in response.text  # type: ignore[attr-defined]
