"""Machine mail the bot took for a person's is labelled "automatisch" in one go: checkboxes in
the inbox or the triage, one button, no script needed. Every message gets its own label and
audit row, all in one transaction; complaints are never decided in bulk."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage import Case, Label
from storage.models import AuditEntry
from tests.builders import mail, out_of_office
from tests.casework import arrived
from tests.web_helpers import Web, csrf_of


def newsletters(web: Web, count: int) -> list[int]:
    return [
        arrived(web.store, mail(f"Nieuwsbrief {n}", "Lees ons laatste nieuws!"))
        for n in range(count)
    ]


def test_chosen_messages_are_labelled_automatic_from_the_triage(web: Web) -> None:
    numbers = newsletters(web, 3)
    kept = arrived(web.store, mail("Vraag", "Mag ik iets vragen?"))
    anna = web.logged_in("anna")
    page = anna.get("/triage").text
    for number in numbers:
        assert f'name="bericht" value="{number}" id="kies-{number}"' in page
    assert re.search(r'<label for="kies-\d+" class="visually-hidden">Kies bericht', page)

    response = anna.post(
        "/berichten/automatisch",
        data={
            "csrf": csrf_of(anna, "/triage"),
            "bericht": [str(n) for n in numbers],
            "soort": "automatisch",
            "terug": "/triage",
        },
    )

    assert response.status_code == 303 and response.headers["location"] == "/triage"
    notice = anna.get("/triage").text
    assert "3 bericht(en) vastgelegd als automatisch door anna" in notice
    assert "Twijfel: klacht of niet? (1)" in notice
    with web.store.unit_of_work() as session:
        labels = session.scalars(select(Label).order_by(Label.id)).all()
        assert [(x.message_row_id, x.kind, x.officer) for x in labels] == [
            (n, "other", "anna") for n in numbers
        ]
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "message.label"))
        assert sorted(e.subject for e in audit) == sorted(f"message:{n}" for n in numbers)
    assert kept not in [x.message_row_id for x in labels]


def test_the_inbox_has_the_same_form(web: Web) -> None:
    (number,) = newsletters(web, 1)
    auto = arrived(web.store, out_of_office(), kind="other")
    anna = web.logged_in("anna")

    response = anna.post(
        "/berichten/automatisch",
        data={
            "csrf": csrf_of(anna, "/berichten"),
            "bericht": [str(number), str(auto)],
            "terug": "/berichten?soort=onzeker",
        },
    )

    assert response.headers["location"] == "/berichten?soort=onzeker"
    with web.store.unit_of_work() as session:
        assert {x.message_row_id for x in session.scalars(select(Label))} == {number, auto}


def test_all_or_nothing_and_never_a_complaint(web: Web) -> None:
    """An unknown number refuses the whole batch; complaints are decided one by one."""
    numbers = newsletters(web, 2)
    anna = web.logged_in("anna")
    token = csrf_of(anna, "/berichten")

    unknown = anna.post(
        "/berichten/automatisch", data={"csrf": token, "bericht": [str(numbers[0]), "999"]}
    )
    complaints = anna.post(
        "/berichten/automatisch",
        data={"csrf": token, "bericht": [str(n) for n in numbers], "soort": "klacht"},
    )
    nothing = anna.post("/berichten/automatisch", data={"csrf": token})

    assert unknown.status_code == 400 and "Bericht &#39;999&#39; is niet gevonden" in unknown.text
    assert complaints.status_code == 400 and "beoordeel een klacht per bericht" in complaints.text
    assert nothing.status_code == 400 and "Kies eerst een of meer berichten" in nothing.text
    with web.store.unit_of_work() as session:
        assert session.scalars(select(Label)).all() == []
        assert session.scalars(select(Case)).all() == []


def test_it_goes_back_only_to_a_page_of_this_app(web: Web) -> None:
    (number,) = newsletters(web, 1)
    anna = web.logged_in("anna")

    response = anna.post(
        "/berichten/automatisch",
        data={
            "csrf": csrf_of(anna, "/berichten"),
            "bericht": str(number),
            "terug": "https://kwaadwillend.example/",
        },
    )

    assert response.headers["location"] == "/"
