"""Who handles a message: for a message with a case, the case's officer by the case's own rule
(who then gets its reminders by e-mail); without a case, an assignment kept in the audit
trail. Either way the message page and the triage list show it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from casework import accounts
from storage import Case
from storage.models import AuditEntry, CaseEvent
from tests.builders import mail
from tests.casework import arrived, office, register
from tests.web_helpers import FAST_HASHER, PASSWORD, Web, csrf_of


def assign(browser, number: int, name: str):  # type: ignore[no-untyped-def]
    token = csrf_of(browser, f"/berichten/{number}")
    return browser.post(f"/berichten/{number}/toewijzen", data={"csrf": token, "behandelaar": name})


def test_a_message_without_a_case_is_assigned_in_the_audit_trail(web: Web) -> None:
    number = arrived(web.store, mail("Twijfel", "Ik weet niet of dit goed gaat."))
    web.user("bert")
    anna = web.logged_in("anna")
    assert '<option value="bert">' in anna.get(f"/berichten/{number}").text

    response = assign(anna, number, "bert")

    page = anna.get(response.headers["location"]).text
    assert f"Bericht {number} is toegewezen aan bert." in page
    assert "<dt>Toegewezen aan</dt><dd>bert</dd>" in page
    assert "toegewezen aan bert" in anna.get("/triage").text
    with web.store.unit_of_work() as session:
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "message.assign")
        ).all()
        assert (entry.actor, entry.subject) == ("anna", f"message:{number}")
        assert (entry.before, entry.after) == ({"behandelaar": None}, {"behandelaar": "bert"})


def test_a_case_gets_the_officers_address(web: Web) -> None:
    case_number = register(web.store, office(), datetime(2026, 3, 2, 9, tzinfo=UTC))
    accounts.add_user(
        web.store, "test", "carla", "officer", PASSWORD, email="carla@zorg-voorbeeld.nl",
        hasher=FAST_HASHER,
    )  # fmt: skip
    with web.store.unit_of_work() as session:
        number = session.scalars(select(Case.message_row_id)).one()
    anna = web.logged_in("anna")

    response = assign(anna, number, "carla")

    page = anna.get(response.headers["location"]).text
    assert f"Zaak {case_number} is toegewezen aan carla@zorg-voorbeeld.nl." in page
    with web.store.unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        assert case.officer == "carla@zorg-voorbeeld.nl"
        (event,) = session.scalars(select(CaseEvent)).all()
        assert (event.kind, event.actor) == ("edit", "anna")
        assert event.details == {"officer": [None, "carla@zorg-voorbeeld.nl"]}
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.assign"))
        assert (entry.actor, entry.subject) == ("anna", f"case:{case_number}")


def test_a_case_is_not_given_to_an_officer_without_an_address(web: Web) -> None:
    register(web.store, office(), datetime(2026, 3, 2, 9, tzinfo=UTC))
    web.user("bert")
    with web.store.unit_of_work() as session:
        number = session.scalars(select(Case.message_row_id)).one()

    response = assign(web.logged_in("anna"), number, "bert")

    assert response.status_code == 400
    assert "heeft geen e-mailadres in het account" in response.text
    with web.store.unit_of_work() as session:
        assert session.scalars(select(Case.officer)).one() is None


def test_only_an_active_officer_can_be_chosen(web: Web) -> None:
    number = arrived(web.store, mail("Twijfel", "Ik weet het niet."))
    web.user("dirk")
    accounts.disable_user(web.store, "test", "dirk")
    anna = web.logged_in("anna")

    assert '<option value="dirk">' not in anna.get(f"/berichten/{number}").text
    response = assign(anna, number, "dirk")

    assert response.status_code == 400 and "geen actieve gebruiker &#39;dirk&#39;" in response.text
