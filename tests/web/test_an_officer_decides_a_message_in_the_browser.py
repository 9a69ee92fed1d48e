"""An officer decides in the browser what a message is. "Dit is een klacht" registers the case
with the next number and queues the acknowledgement in the same transaction as the label and
its audit row; a colleague's different decision is kept beside the first, and the message page
and the triage show the disagreement."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import Case, Label, Letter
from storage.models import AuditEntry
from tests.builders import mail
from tests.casework import arrived
from tests.web_helpers import Web, csrf_of

DOUBT = mail(
    "Over de begeleiding",
    "Goedemiddag, de afspraken met de begeleider van mijn moeder gaan steeds niet door en "
    "niemand laat iets weten. Groet, Ria",
    sender="Ria Bakker <ria@example.nl>",
)


def decide(browser, number: int, word: str, note: str = "") -> object:  # type: ignore[no-untyped-def]
    token = csrf_of(browser, f"/berichten/{number}")
    return browser.post(
        f"/berichten/{number}/beslissing", data={"csrf": token, "soort": word, "notitie": note}
    )


def test_a_complaint_gets_its_case_and_acknowledgement_at_once(web: Web) -> None:
    """One click: label, case K-…, the acknowledgement queued, the audit row; the notice names
    the case number."""
    number = arrived(web.store, DOUBT)
    anna = web.logged_in("anna")

    response = decide(anna, number, "klacht", "Verwijt: niemand laat iets weten.")

    assert response.status_code == 303
    assert response.headers["location"] == f"/berichten/{number}"
    with web.store.unit_of_work() as session:
        (case,) = session.scalars(select(Case)).all()
        (letter,) = session.scalars(select(Letter)).all()
        (label,) = session.scalars(select(Label)).all()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "message.label"))
        (entry,) = audit.all()
        assert case.message_row_id == number and case.number.startswith("K-")
        assert (letter.case_id, letter.purpose, letter.status) == (
            case.id, "ontvangstbevestiging", "pending",
        )  # fmt: skip
        assert letter.recipient == "ria@example.nl"
        assert (label.kind, label.officer, label.note) == (
            "complaint", "anna", "Verwijt: niemand laat iets weten.",
        )  # fmt: skip
        assert entry.actor == "anna" and entry.subject == f"message:{number}"
        assert entry.before == {"soort": "onzeker", "vlaggen": [], "door": "klachtenbus"}
        assert entry.after is not None and entry.after["zaak"] == case.number
        assert [e.kind for e in case.events] == ["register"] and case.events[0].actor == "anna"
    page = anna.get(response.headers["location"])
    assert f"Geregistreerd als zaak {case.number}" in page.text
    assert f'href="/zaken/{case.number}"' in page.text


def test_nothing_is_kept_when_the_acknowledgement_cannot_be_queued(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Case, letter, label and audit row are one transaction: a failure leaves none of them."""
    from storage import records

    number = arrived(web.store, DOUBT)
    anna = web.logged_in("anna")

    def refused(*args: object, **kwargs: object) -> None:
        raise RuntimeError("de database weigert de brief")

    monkeypatch.setattr(records, "add_letters", refused)
    response = decide(anna, number, "klacht")

    assert response.status_code == 500
    with web.store.unit_of_work() as session:
        for table in (Case, Letter, Label):
            assert session.scalars(select(table)).all() == [], table
        assert (
            session.scalars(select(AuditEntry).where(AuditEntry.action == "message.label")).all()
            == []
        )


def test_a_colleagues_different_decision_is_kept_and_shown(web: Web) -> None:
    """Bert says opmerking after Anna said klacht: both labels stay, the case stays (one), and
    the message page and the triage show who said what."""
    number = arrived(web.store, DOUBT)
    anna, bert = web.logged_in("anna"), web.logged_in("bert")
    decide(anna, number, "klacht")

    response = decide(bert, number, "opmerking", "Alleen een vraag, vind ik.")

    with web.store.unit_of_work() as session:
        labels = session.scalars(select(Label).order_by(Label.id)).all()
        assert [(x.officer, x.kind) for x in labels] == [("anna", "complaint"), ("bert", "remark")]
        assert len(session.scalars(select(Case)).all()) == 1
    page = bert.get(response.headers["location"])
    assert "Let op: anna besliste eerder &#39;klacht&#39;" in page.text
    assert "Onenigheid: behandelaars beslisten verschillend" in page.text
    assert "anna zei klacht, bert zei opmerking" in page.text
    triage = bert.get("/triage")
    assert "Onenigheid tussen behandelaars (1)" in triage.text
    assert "anna: klacht" in triage.text and "bert: opmerking" in triage.text


def test_agreeing_after_all_ends_the_disagreement(web: Web) -> None:
    """Only each officer's latest word counts: when Anna comes round, nobody disagrees."""
    number = arrived(web.store, DOUBT)
    anna, bert = web.logged_in("anna"), web.logged_in("bert")
    decide(anna, number, "opmerking")
    decide(bert, number, "automatisch")
    decide(anna, number, "automatisch")

    assert "Onenigheid tussen behandelaars (0)" in anna.get("/triage").text


@pytest.mark.parametrize(("word", "kind"), [("opmerking", "remark"), ("automatisch", "other")])
def test_a_remark_or_machine_mail_leaves_the_queue_without_a_case(
    web: Web, word: str, kind: str
) -> None:
    number = arrived(web.store, DOUBT)
    anna = web.logged_in("anna")
    assert "Twijfel: klacht of niet? (1)" in anna.get("/triage").text

    decide(anna, number, word)

    with web.store.unit_of_work() as session:
        assert session.scalars(select(Case)).all() == []
        assert [x.kind for x in session.scalars(select(Label))] == [kind]
    assert "Twijfel: klacht of niet? (0)" in anna.get("/triage").text


def test_an_unknown_kind_is_refused_on_the_page(web: Web) -> None:
    number = arrived(web.store, DOUBT)
    anna = web.logged_in("anna")

    response = decide(anna, number, "klachtje")

    assert response.status_code == 400
    assert "kies klacht, opmerking of automatisch" in response.text
    assert "Bericht " in response.text and "Over de begeleiding" in response.text
    with web.store.unit_of_work() as session:
        assert session.scalars(select(Label)).all() == []


def test_deciding_the_kind_keeps_a_meldcode_signal_unless_taken_back(web: Web) -> None:
    """The buttons decide what a message is; a meldcode flag stays with it, unless the officer
    ticks that it is none."""
    kept = arrived(web.store, mail("Thuis", "Ik durf niet naar huis."), flags=("meldcode",))
    wrong = arrived(
        web.store, mail("Toneel", "In het stuk wordt iemand geslagen."), flags=("meldcode",)
    )
    anna = web.logged_in("anna")
    assert 'id="geen-meldcode"' in anna.get(f"/berichten/{kept}").text

    decide(anna, kept, "opmerking")
    token = csrf_of(anna, f"/berichten/{wrong}")
    anna.post(
        f"/berichten/{wrong}/beslissing",
        data={"csrf": token, "soort": "opmerking", "geen-meldcode": "ja"},
    )

    with web.store.unit_of_work() as session:
        flags = {x.message_row_id: x.flags for x in session.scalars(select(Label))}
    assert flags == {kept: ["meldcode"], wrong: []}
    page = anna.get(f"/berichten/{wrong}").text
    assert "<dt>Vlaggen</dt><dd>geen</dd>" in page and 'id="geen-meldcode"' not in page
