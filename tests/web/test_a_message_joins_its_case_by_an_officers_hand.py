"""A message an officer recognises as part of an existing case joins it as correspondence:
no new case, no acknowledgement, a follow-up label and the case's history saying who did it.
A wrong or unknown case number is refused in Dutch, naming the fix, and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage import Case, Label, Letter
from storage.models import AuditEntry, CaseEvent, Correspondence
from tests.builders import mail
from tests.casework import arrived, office, register
from tests.web_helpers import Web, csrf_of

LATER = mail(
    "Nog even over mijn zorgen",
    "Hierbij stuur ik de brief van de gemeente die ik beloofde.",
    sender="Anna de Wit <anna.dewit@example.nl>",
)


def attach(browser, number: int, case: str, kind: str = "opmerking"):  # type: ignore[no-untyped-def]
    token = csrf_of(browser, f"/berichten/{number}")
    return browser.post(
        f"/berichten/{number}/zaak", data={"csrf": token, "zaak": case, "soort": kind}
    )


def test_a_message_becomes_correspondence_of_the_case(web: Web) -> None:
    case_number = register(web.store, office(), datetime(2026, 3, 2, 9, tzinfo=UTC))
    number = arrived(web.store, LATER)
    anna = web.logged_in("anna")

    response = attach(anna, number, case_number.lower())

    assert response.status_code == 303
    page = anna.get(response.headers["location"]).text
    assert f"Bericht {number} hoort nu bij zaak {case_number}" in page
    assert f'href="/zaken/{case_number}"' in page and "(als latere post)" in page
    with web.store.unit_of_work() as session:
        (joined,) = session.scalars(select(Correspondence)).all()
        assert joined.message_row_id == number and joined.matched_by == "door een behandelaar"
        (label,) = session.scalars(select(Label)).all()
        assert (label.kind, label.flags, label.officer) == ("remark", ["followup"], "anna")
        assert len(session.scalars(select(Case)).all()) == 1
        assert session.scalars(select(Letter)).all() == []  # no acknowledgement
        (event,) = session.scalars(select(CaseEvent)).all()
        assert (event.kind, event.actor) == ("correspondence", "anna")
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "message.attach")
        ).all()
        assert entry.after == {"zaak": case_number, "soort": "opmerking", "vlaggen": ["followup"]}


def test_a_complaint_attached_to_a_case_opens_no_new_case(web: Web) -> None:
    case_number = register(web.store, office(), datetime(2026, 3, 2, 9, tzinfo=UTC))
    number = arrived(web.store, LATER)
    anna = web.logged_in("anna")

    attach(anna, number, case_number, kind="klacht")

    with web.store.unit_of_work() as session:
        assert len(session.scalars(select(Case)).all()) == 1
        assert [x.kind for x in session.scalars(select(Label))] == ["complaint"]


def test_a_wrong_number_is_refused_with_the_fix(web: Web) -> None:
    case_number = register(web.store, office(), datetime(2026, 3, 2, 9, tzinfo=UTC))
    number = arrived(web.store, LATER)
    anna = web.logged_in("anna")

    badly_written = attach(anna, number, "2026-12")
    unknown = attach(anna, number, "K-2026-0999")
    attach(anna, number, case_number)
    twice = attach(anna, number, case_number)

    assert badly_written.status_code == 400
    assert "is geen zaaknummer; schrijf het zoals K-2026-0012" in badly_written.text
    assert unknown.status_code == 400 and "Zaak K-2026-0999 bestaat niet" in unknown.text
    assert twice.status_code == 400 and f"hoort al bij zaak {case_number}" in twice.text
    with web.store.unit_of_work() as session:
        assert len(session.scalars(select(Correspondence)).all()) == 1
        assert len(session.scalars(select(Label)).all()) == 1


def test_the_complaint_of_a_case_cannot_join_another(web: Web) -> None:
    first = register(web.store, office(), datetime(2026, 3, 2, 9, tzinfo=UTC))
    second = register(web.store, office(), datetime(2026, 3, 3, 9, tzinfo=UTC))
    with web.store.unit_of_work() as session:
        complaint_of_first = session.scalars(
            select(Case.message_row_id).where(Case.number == first)
        ).one()

    response = attach(web.logged_in("anna"), complaint_of_first, second)

    assert response.status_code == 400
    assert f"is zelf de klacht van zaak {first}" in response.text
