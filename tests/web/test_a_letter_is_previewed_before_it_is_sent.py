"""In the browser a step that writes to the complainant first shows the letter exactly as it
goes (To, From, Subject, text, escaped), with the free text still editable. The internal
reason never reaches the letter unless the officer types it into the letter's text, and the
confirmation queues exactly the letter previewed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from html import unescape

from sqlalchemy import func, select
from starlette.testclient import TestClient

from casework import cases
from klachtenbus.vocabulary import CaseStatus
from storage import Letter
from tests.casework import office, register
from tests.web_helpers import Web, csrf_of

HSS = office("hss")
AWB = office("awb")


def investigating(web: Web, **who: str) -> str:
    number = register(web.store, HSS, datetime.now(UTC) - timedelta(days=3), **who)
    cases.move(web.store, HSS, number, CaseStatus.INVESTIGATION, actor="anna", reason="start")
    return number


def letters(web: Web, number: str) -> dict[str, str]:
    """The queued letters' plain text by purpose."""
    with web.store.unit_of_work() as session:
        found = {}
        for letter in session.scalars(select(Letter).where(Letter.case.has(number=number))):
            message = message_from_bytes(letter.raw, policy=policy.default)
            found[letter.purpose] = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        return found


def letter_count(web: Web) -> int:
    with web.store.unit_of_work() as session:
        return session.scalar(select(func.count(Letter.id))) or 0


def shown_letter(page: str) -> str:
    """The first letter's text as the page shows it."""
    return unescape(re.search(r'<pre class="mailtext">(.*?)</pre>', page, re.S).group(1))  # type: ignore[union-attr]


def fingerprint(page: str) -> str:
    return re.search(r'name="bevestig" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]


def close(officer: TestClient, number: str, **fields: str) -> object:
    token = csrf_of(officer, f"/zaken/{number}")
    data = {"csrf": token, "naar": "afgesloten", "afloop": "resolved"} | fields
    return officer.post(f"/zaken/{number}/stap", data=data)


def test_closing_shows_the_letter_and_keeps_the_reason_out_of_it(web: Web) -> None:
    """The preview has To, From, Subject and the text with the officer's words, not the reason;
    nothing is queued until the officer confirms."""
    number = investigating(web)
    officer = web.logged_in("anna")
    form = officer.get(f"/zaken/{number}/stap", params={"naar": "afgesloten"})
    assert form.status_code == 200
    assert '<label for="reden">Reden (intern' in form.text
    assert "<legend>Afloop</legend>" in form.text

    preview = close(
        officer, number, reden="klager is erg lastig",
        toelichting="Wij hebben <b>samen</b> een oplossing gevonden.",
    )  # fmt: skip

    assert preview.status_code == 200  # type: ignore[attr-defined]
    page = preview.text  # type: ignore[attr-defined]
    assert "<dt>Aan</dt><dd>Anna de Wit &lt;anna.dewit@example.nl&gt;</dd>" in page
    assert "<dt>Van</dt><dd>Stichting Zorg Voorbeeld &lt;" in page
    assert f"<dt>Onderwerp</dt><dd>Afsluiting van uw klacht {number}</dd>" in page
    assert "Wij hebben &lt;b&gt;samen&lt;/b&gt; een oplossing gevonden." in page
    assert "lastig" not in shown_letter(page)
    assert "Brief: nazorg" in page and "gepland op" in page
    assert letter_count(web) == 0  # nothing queued yet
    assert cases.show(web.store, HSS, number).case["status"] == "investigation"


def test_the_confirmation_queues_exactly_the_previewed_letter(web: Web) -> None:
    """Confirming with the preview's fingerprint moves the case and queues the very text shown."""
    number = investigating(web)
    officer = web.logged_in("anna")
    words = {"reden": "intern: klaar", "toelichting": "Wij bieden onze excuses aan."}
    preview = close(officer, number, **words)
    shown = shown_letter(preview.text)  # type: ignore[attr-defined]

    done = close(officer, number, **words, actie="versturen", bevestig=fingerprint(preview.text))  # type: ignore[attr-defined]

    assert done.status_code == 303  # type: ignore[attr-defined]
    assert done.headers["location"] == f"/zaken/{number}"  # type: ignore[attr-defined]
    assert letters(web, number)["afsluiting"] == shown
    assert cases.show(web.store, HSS, number).case["status"] == "closed"
    notice = officer.get(f"/zaken/{number}")
    assert (
        "staat nu op ‘afgesloten’. Brief in de uitgaande post: afsluiting, nazorg." in notice.text
    )


def test_text_changed_after_the_preview_is_shown_again_not_sent(web: Web) -> None:
    """Edited in the textarea and confirmed at once: the new letter is shown, nothing goes."""
    number = investigating(web)
    officer = web.logged_in("anna")
    preview = close(officer, number, reden="x", toelichting="Eerste versie.")

    again = close(
        officer, number, reden="x", toelichting="Tweede versie.", actie="versturen",
        bevestig=fingerprint(preview.text),  # type: ignore[attr-defined]
    )  # fmt: skip

    assert again.status_code == 200  # type: ignore[attr-defined]
    assert "anders dan de brief die u bekeek" in again.text  # type: ignore[attr-defined]
    assert "Tweede versie." in shown_letter(again.text)  # type: ignore[attr-defined]
    assert letter_count(web) == 0
    assert cases.show(web.store, HSS, number).case["status"] == "investigation"


def test_the_reason_reaches_the_letter_only_when_typed_into_it(web: Web) -> None:
    """An officer who wants the complainant to read the reason writes it in the letter text."""
    number = investigating(web)
    officer = web.logged_in("anna")
    words = {
        "reden": "medewerker verontschuldigt zich",
        "toelichting": "De medewerker verontschuldigt zich.",
    }
    preview = close(officer, number, **words)
    close(officer, number, **words, actie="versturen", bevestig=fingerprint(preview.text))  # type: ignore[attr-defined]
    assert "De medewerker verontschuldigt zich." in letters(web, number)["afsluiting"]


def test_an_extension_is_previewed_with_the_grounds_for_the_complainant(web: Web) -> None:
    """Verdaging: the letter states the old and the new date and the officer's grounds."""
    number = register(web.store, AWB, datetime.now(UTC) - timedelta(days=3))
    officer = web.logged_in("anna")
    token = csrf_of(officer, f"/zaken/{number}")
    words = {
        "csrf": token,
        "weken": "2",
        "reden": "collega ziek",
        "toelichting": "Wij wachten op advies.",
    }

    preview = officer.post(f"/zaken/{number}/verdagen", data=words)

    assert preview.status_code == 200
    text = shown_letter(preview.text)
    assert "De reden: Wij wachten op advies." in text and "ziek" not in text
    assert letter_count(web) == 0
    done = officer.post(
        f"/zaken/{number}/verdagen",
        data=words | {"actie": "versturen", "bevestig": fingerprint(preview.text)},
    )
    assert done.status_code == 303
    assert letters(web, number)["verdaging"] == text


def test_a_step_without_a_letter_is_made_at_once_and_a_skip_needs_its_reason(web: Web) -> None:
    """Acknowledged → investigation sends nothing: done in one go. Closing as resolved from
    acknowledged skips the investigation: refused without the override's reason."""
    number = register(web.store, HSS, datetime.now(UTC) - timedelta(days=3))
    cases.move(web.store, HSS, number, CaseStatus.ACKNOWLEDGED, actor="anna", reason="gebeld")
    officer = web.logged_in("anna")
    refused = close(officer, number, reden="opgelost", toelichting="Opgelost.")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "slaat 'onderzoek (hoor en wederhoor)' over" in unescape(refused.text)  # type: ignore[attr-defined]
    form = officer.get(f"/zaken/{number}/stap", params={"naar": "afgesloten", "overslaan": "1"})
    assert '<label for="overslaan">Waarom deze stap wordt overgeslagen' in form.text
    preview = close(
        officer, number, reden="opgelost", toelichting="Opgelost.", overslaan="gesprek volstond"
    )
    assert preview.status_code == 200  # type: ignore[attr-defined]
    close(
        officer, number, reden="opgelost", toelichting="Opgelost.", overslaan="gesprek volstond",
        actie="versturen", bevestig=fingerprint(preview.text),  # type: ignore[attr-defined]
    )  # fmt: skip
    event = cases.show(web.store, HSS, number).events[-1]
    assert event["details"]["skip_reason"] == "gesprek volstond" and event["actor"] == "anna"

    other = register(web.store, HSS, datetime.now(UTC) - timedelta(days=3), email="b@example.nl")
    token = csrf_of(officer, f"/zaken/{other}")
    moved = officer.post(
        f"/zaken/{other}/stap", data={"csrf": token, "naar": "onderzoek", "reden": "start"}
    )
    assert moved.status_code == 303
    assert cases.show(web.store, HSS, other).case["status"] == "investigation"


def test_the_findings_letter_is_completed_in_the_form_and_previewed(web: Web) -> None:
    """Bevindingen: the frame is in the textarea; with blanks left it is refused there; once
    completed it is previewed and sent exactly as written."""
    number = investigating(web)
    officer = web.logged_in("anna")
    form = officer.get(f"/zaken/{number}/stap", params={"naar": "bevindingen"})
    frame = unescape(
        re.search(
            r'<textarea id="brief" name="brief"[^>]*>(.*?)</textarea>', form.text, re.S
        ).group(1)
    )  # type: ignore[union-attr]
    assert "[VUL IN" in frame
    token = csrf_of(officer, f"/zaken/{number}")
    data = {"csrf": token, "naar": "bevindingen", "reden": "onderzoek klaar"}

    blanks = officer.post(f"/zaken/{number}/stap", data=data | {"brief": frame})
    assert blanks.status_code == 400
    assert "open plekken" in blanks.text and "Vul ze hieronder in." in blanks.text
    assert letter_count(web) == 0

    done = frame.replace("[VUL IN: met wie", "Wij spraken met u en de begeleider. [x").split("[")[0]
    preview = officer.post(f"/zaken/{number}/stap", data=data | {"brief": done})
    assert preview.status_code == 200
    assert "Wij spraken met u en de begeleider." in shown_letter(preview.text)
    officer.post(
        f"/zaken/{number}/stap",
        data=data | {"brief": done, "actie": "versturen", "bevestig": fingerprint(preview.text)},
    )
    assert letters(web, number)["bevindingen"] == shown_letter(preview.text)
    assert cases.show(web.store, HSS, number).case["status"] == "findings_sent"
