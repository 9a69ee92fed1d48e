"""From the case page an officer gives the case to a colleague (who gets the digest), and
stops and restarts its clock with a reason; each change is in the history under their name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from casework import accounts, cases
from tests.casework import office, register
from tests.web_helpers import FAST_HASHER, PASSWORD, Web, csrf_of

HSS = office("hss")


def test_a_case_is_given_to_a_colleague_with_an_address(web: Web) -> None:
    accounts.add_user(
        web.store, "test", "bert", "officer", PASSWORD, "Bert Bos", "bert@example.nl",
        hasher=FAST_HASHER,
    )  # fmt: skip
    number = register(web.store, HSS, datetime.now(UTC) - timedelta(days=2))
    officer = web.logged_in("anna")
    page = officer.get(f"/zaken/{number}")
    assert '<label for="behandelaar-keuze">' in page.text
    assert '<option value="bert@example.nl">Bert Bos (bert@example.nl)</option>' in page.text

    done = officer.post(
        f"/zaken/{number}/behandelaar",
        data={"csrf": csrf_of(officer, f"/zaken/{number}"), "behandelaar": "bert@example.nl"},
    )

    assert done.status_code == 303
    assert done.headers["location"] == f"/zaken/{number}#behandelaar"
    view = cases.show(web.store, HSS, number)
    assert view.case["officer"] == "bert@example.nl"
    assert view.events[-1]["actor"] == "anna"
    shown = officer.get(f"/zaken/{number}").text
    assert f"{number} is nu van bert@example.nl." in shown
    assert '<option value="bert@example.nl" selected>' in shown


def test_the_clock_stops_and_starts_again_with_a_reason(web: Web) -> None:
    number = register(web.store, HSS, datetime.now(UTC) - timedelta(days=2))
    officer = web.logged_in("anna")
    token = csrf_of(officer, f"/zaken/{number}")
    assert "<legend>Opschorten</legend>" in officer.get(f"/zaken/{number}").text
    without = officer.post(f"/zaken/{number}/opschorten", data={"csrf": token, "reden": " "})
    assert without.status_code == 400 and "Geef een reden" in without.text

    officer.post(f"/zaken/{number}/opschorten", data={"csrf": token, "reden": "geen reactie"})

    page = officer.get(f"/zaken/{number}").text
    assert "opgeschort: de klok staat stil" in page and "<legend>Hervatten</legend>" in page
    assert cases.show(web.store, HSS, number).case["status"] == "suspended"
    officer.post(f"/zaken/{number}/hervatten", data={"csrf": token, "reden": "klager belde"})
    view = cases.show(web.store, HSS, number)
    assert view.case["status"] == "received"
    assert [e["reason"] for e in view.events] == ["geen reactie", "klager belde"]
