"""A case page reads in the officers' language: one timeline of the complaint, later mail,
letters and every change, on the procedure's clock; terms with their urgency in words; the
next steps the preset allows as buttons."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from casework import cases
from klachtenbus.vocabulary import CaseStatus, Closure
from storage import casework, records
from tests.casework import office, register
from tests.web_helpers import Web

HSS = office("hss")


def rows_of(page: str, caption: str) -> list[str]:
    """The rows of the table with this caption, as plain text."""
    table = page.split(f"<caption>{caption}")[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_the_timeline_is_in_order_in_the_procedures_time_and_in_dutch(web: Web) -> None:
    """Received 23:30 UTC on 2 March: shown as 00:30 on Tuesday 3 March, Amsterdam time."""
    number = register(web.store, HSS, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    cases.move(
        web.store, HSS, number, CaseStatus.ACKNOWLEDGED, actor="anna", reason="gebeld",
        now=datetime(2026, 3, 3, 8, 0, tzinfo=UTC),
    )  # fmt: skip
    cases.edit(web.store, number, {"category": "bejegening", "satisfied": True}, actor="anna")
    with web.store.unit_of_work() as session:
        later = records.store_raw(
            session, mailbox="INBOX", key="2:1", raw=b"Subject: x\r\n\r\nNog iets.\r\n",
            received_at=datetime(2026, 3, 9, 12, 15, tzinfo=UTC),
        )  # fmt: skip
        later.subject, later.sender_email = "Aanvulling op mijn klacht", "anna.dewit@example.nl"
        case = casework.case_by_number(session, number)
        assert case is not None
        session.flush()
        casework.attach(session, case.id, later.id, "antwoord op onze brief")
        casework.add_event(  # as the pipeline records a reply
            session, case, actor="anna.dewit@example.nl", kind="correspondence",
            reason="antwoord op onze brief", details={"message": later.id, "kind": "remark"},
            at=datetime(2026, 3, 9, 12, 16, tzinfo=UTC),
        )  # fmt: skip
    cases.move(web.store, HSS, number, CaseStatus.INVESTIGATION, actor="anna", reason="gesprek",
               now=datetime(2026, 3, 10, 9, 0, tzinfo=UTC))  # fmt: skip
    officer = web.logged_in("anna")

    page = officer.get(f"/zaken/{number}")

    assert page.status_code == 200
    timeline = rows_of(page.text, "Berichten, brieven en gebeurtenissen")
    assert timeline[1].startswith("dinsdag 3 maart 2026 00:30 Klacht ontvangen")
    assert "tijden in Europe/Amsterdam" in page.text
    assert any(
        r.startswith(
            "dinsdag 3 maart 2026 09:00 Status: ontvangen → ontvangst bevestigd anna gebeld"
        )
        for r in timeline
    )
    assert any(
        "categorie: (leeg) → bejegening" in r and "tevreden: onbekend → ja" in r for r in timeline
    )
    assert any(
        r.startswith("maandag 9 maart 2026 13:15 Post van de klager")
        and "Aanvulling op mijn klacht — gekoppeld: antwoord op onze brief" in r
        for r in timeline
    )
    assert any(
        r.startswith("dinsdag 10 maart 2026 10:00 Status: ontvangst bevestigd → onderzoek")
        for r in timeline
    )
    assert f'href="/berichten/{later.id}"' in page.text
    for english in ("received", "acknowledged", "investigation", "+00:00", ">move<", ">edit<"):
        assert english not in page.text


def test_letters_out_are_in_the_timeline_with_their_status(web: Web) -> None:
    """The closing letter, queued, and the aftercare planned six weeks later."""
    number = register(web.store, HSS, datetime(2026, 3, 2, 10, tzinfo=UTC))
    cases.move(web.store, HSS, number, CaseStatus.INVESTIGATION, actor="anna", reason="start")
    cases.move(web.store, HSS, number, CaseStatus.CLOSED, actor="anna", reason="klaar",
               closure=Closure.RESOLVED, now=datetime(2026, 3, 20, 10, tzinfo=UTC))  # fmt: skip
    page = web.logged_in("anna").get(f"/zaken/{number}")
    timeline = rows_of(page.text, "Berichten, brieven en gebeurtenissen")
    assert any(r.startswith("vrijdag 20 maart 2026 11:00 Brief: afsluiting") for r in timeline)
    assert any(
        r.startswith("vrijdag 1 mei 2026 09:00 Brief: nazorg") and "in de wachtrij" in r
        for r in timeline
    )
    assert any("afloop: opgelost; brieven: afsluiting, nazorg" in r for r in timeline)


def test_terms_say_their_urgency_in_words_and_the_next_steps_are_buttons(web: Web) -> None:
    """An overdue term says 'te laat' as well as its colour; the preset's moves are offered,
    and a move that skips a required step only apart, with a reason."""
    number = register(web.store, HSS, datetime.now(UTC) - timedelta(days=60))
    cases.move(web.store, HSS, number, CaseStatus.ACKNOWLEDGED, actor="anna", reason="gebeld")

    page = web.logged_in("anna").get(f"/zaken/{number}")

    steps = rows_of(page.text, "Termijnen van de procedure voor deze zaak")
    assert steps[1].startswith("ontvangstbevestiging 7 werkdagen") and "niet meer open" in steps[1]
    assert steps[2].startswith("standpunt 6 weken") and "te laat" in steps[2]
    assert '<th scope="row">standpunt</th>' in page.text
    assert (
        f'href="/zaken/{number}/stap?naar=onderzoek">Naar onderzoek (hoor en wederhoor)<'
        in page.text
    )
    assert f'href="/zaken/{number}/stap?naar=afgesloten">Naar afgesloten (met brief)<' in page.text
    assert "<legend>Stap overslaan</legend>" in page.text
    assert (
        '<option value="afgesloten">afgesloten (slaat over: onderzoek (hoor en wederhoor))'
        in page.text
    )
    assert "<legend>Opschorten</legend>" not in page.text  # the term has passed: no hiding it
    assert "De termijn is verstreken" in page.text  # and no extension either


def test_an_unknown_case_is_a_dutch_404(web: Web) -> None:
    """The number is not there: say so, and where to look instead."""
    page = web.logged_in("anna").get("/zaken/K-2026-9999")
    assert page.status_code == 404
    assert "Zaak K-2026-9999 bestaat niet. Zoek het nummer op in de lijst van zaken." in page.text
