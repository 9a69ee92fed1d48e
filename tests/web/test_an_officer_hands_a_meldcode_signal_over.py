"""An officer who sees signs of abuse presses "Meldcode": the message gets the flag, the
meldcode contact is alerted once (never twice, also not after the bot's own alert), letters
to the sender not yet sent are held, and the case records the hand-over; one transaction."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from storage import Case, Label, Letter
from storage.models import AuditEntry, CaseEvent
from tests.builders import mail
from tests.casework import arrived, office
from tests.web_helpers import FAST_HASHER, Web, csrf_of
from web.app import create_app
from web.context import WebContext

CONTACT = "aandachtsfunctionaris@zorg-voorbeeld.nl"
WORRY = mail(
    "Over mijn buurmeisje",
    "Ik hoor haar vaak huilen en ze had laatst blauwe plekken op haar armen. Ik maak me zorgen.",
    sender="Buurvrouw <buur@example.nl>",
)


def with_contact(web: Web) -> Web:
    """The same database, with a meldcode contact in the organisation's settings."""
    ours = office()
    ours = replace(ours, organisation=replace(ours.organisation, meldcode_address=CONTACT))
    context = WebContext(store=web.store, office=ours, hasher=FAST_HASHER)
    return Web(web.store, create_app(context))


def signal(browser, number: int, kind: str = "opmerking"):  # type: ignore[no-untyped-def]
    token = csrf_of(browser, f"/berichten/{number}")
    return browser.post(f"/berichten/{number}/meldcode", data={"csrf": token, "soort": kind})


def test_the_contact_is_alerted_once(web: Web) -> None:
    web = with_contact(web)
    number = arrived(web.store, WORRY)
    anna = web.logged_in("anna")
    assert f"De meldcode-contactpersoon ({CONTACT})" in anna.get(f"/berichten/{number}").text

    first = signal(anna, number)
    told = anna.get(first.headers["location"]).text
    again = signal(anna, number)
    page = anna.get(again.headers["location"]).text

    assert f"{CONTACT} is gewaarschuwd over bericht {number}" in told
    assert f"{CONTACT} was al gewaarschuwd over bericht {number}" in page
    with web.store.unit_of_work() as session:
        (alert,) = session.scalars(select(Letter)).all()
        assert (alert.purpose, alert.recipient, alert.status) == (
            "meldcode-signaal", CONTACT, "pending",
        )  # fmt: skip
        assert (alert.case_id, alert.message_row_id) == (None, number)
        labels = session.scalars(select(Label)).all()
        assert [(x.kind, x.flags) for x in labels] == [("remark", ["meldcode"])] * 2
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "message.meldcode")
        ).all()
        assert [e.after["aan"] for e in audit if e.after] == [CONTACT, CONTACT]
    assert "meldcode-signaal doorgegeven" in page and f"Aan {CONTACT}" in page


def test_a_registered_case_holds_its_letter_and_records_the_hand_over(web: Web) -> None:
    web = with_contact(web)
    number = arrived(web.store, WORRY)
    anna = web.logged_in("anna")
    token = csrf_of(anna, f"/berichten/{number}")
    anna.post(f"/berichten/{number}/beslissing", data={"csrf": token, "soort": "klacht"})

    response = signal(anna, number, "klacht")

    page = anna.get(response.headers["location"]).text
    assert "1 brief/brieven aan de afzender tegengehouden" in page
    with web.store.unit_of_work() as session:
        (case,) = session.scalars(select(Case)).all()
        letters = {x.purpose: x for x in session.scalars(select(Letter))}
        assert letters["ontvangstbevestiging"].status == "withheld"
        assert "meldcode" in (letters["ontvangstbevestiging"].last_error or "")
        assert letters["meldcode-signaal"].case_id == case.id
        assert "meldcode" in (case.flags or [])
        (event,) = session.scalars(select(CaseEvent).where(CaseEvent.kind == "meldcode")).all()
        assert event.actor == "anna" and CONTACT in (event.reason or "")


def test_a_meldcode_complaint_is_registered_and_alerted_once(web: Web) -> None:
    """Deciding "klacht" with the meldcode registers the case; its registration alerts the
    contact and holds the acknowledgement, and no second alert follows."""
    web = with_contact(web)
    number = arrived(web.store, WORRY)
    anna = web.logged_in("anna")

    response = signal(anna, number, "klacht")

    page = anna.get(response.headers["location"]).text
    assert "Geregistreerd als zaak K-" in page
    with web.store.unit_of_work() as session:
        purposes = sorted((x.purpose, x.status) for x in session.scalars(select(Letter)))
        assert purposes == [("meldcode-signaal", "pending"), ("ontvangstbevestiging", "withheld")]


def test_a_meldcode_needs_to_know_what_the_message_is(web: Web) -> None:
    web = with_contact(web)
    number = arrived(web.store, WORRY)

    response = signal(web.logged_in("anna"), number, "")

    assert response.status_code == 400
    assert "Kies wat het bericht is: klacht, opmerking of automatisch" in response.text
    with web.store.unit_of_work() as session:
        assert session.scalars(select(Letter)).all() == []
