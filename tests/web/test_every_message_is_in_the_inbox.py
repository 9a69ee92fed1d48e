"""Every message that arrived is in the inbox, whatever became of it: complaints, remarks,
machine mail, doubts, quarantined and duplicate mail alike, newest first, fifty a page, and
an officer narrows the list by kind, flag, mailbox and date."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.builders import complaint, mail, out_of_office, remark
from tests.casework import arrived
from tests.web_helpers import Web

NUMBERS = re.compile(r'href="/berichten/(\d+)"')
DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def listed(page: str) -> list[int]:
    """The message numbers linked from a page, in order."""
    return [int(n) for n in NUMBERS.findall(page)]


def test_every_kind_and_status_is_listed_in_its_own_words(web: Web) -> None:
    """Nothing is left out: a quarantined message and a duplicate show as what they are."""
    klacht = arrived(web.store, complaint(1), kind="complaint", received_at=DAY)
    vraag = arrived(web.store, remark(1), kind="remark", received_at=DAY)
    auto = arrived(web.store, out_of_office(), kind="other", received_at=DAY)
    twijfel = arrived(web.store, mail("Hm", "Het ging niet zo goed."), received_at=DAY)
    kapot = arrived(web.store, b"\x00\x01 geen mail", status="failed", received_at=DAY)
    dubbel = arrived(web.store, remark(1), status="duplicate", duplicate_of=vraag, received_at=DAY)

    page = web.logged_in("anna").get("/berichten")

    assert page.status_code == 200
    assert listed(page.text) == [dubbel, kapot, twijfel, auto, vraag, klacht]
    for word in ("klacht", "opmerking", "automatisch", "onzeker", "onleesbaar (quarantaine)"):
        assert f"<td>{word}" in page.text, word
    assert f"dubbel (van bericht {vraag})" in page.text
    assert "6 bericht(en)" in page.text


def test_the_filters_narrow_the_list(web: Web) -> None:
    """By what a message is now, by flag, by mailbox and by the day it arrived (inclusive)."""
    klacht = arrived(web.store, complaint(1), kind="complaint", received_at=DAY)
    signaal = arrived(
        web.store, mail("Thuis", "Ik durf niet naar huis."), flags=("meldcode",),
        received_at=DAY + timedelta(days=1),
    )  # fmt: skip
    anders = arrived(
        web.store, remark(2), kind="remark", mailbox="Klachten/Jeugd",
        received_at=DAY + timedelta(days=3),
    )  # fmt: skip
    kapot = arrived(web.store, b"rommel", status="failed", received_at=DAY)
    browser = web.logged_in("anna")

    def numbers(query: str) -> list[int]:
        response = browser.get(f"/berichten?{query}")
        assert response.status_code == 200, response.text
        return listed(response.text)

    assert numbers("soort=klacht") == [klacht]
    assert numbers("soort=onzeker") == [signaal]
    assert numbers("soort=onleesbaar") == [kapot]
    assert numbers("vlag=meldcode") == [signaal]
    assert numbers("map=Klachten/Jeugd") == [anders]
    assert numbers("van=2026-03-03&tot=2026-03-03") == [signaal]
    # within a period newest by arrival, then by number
    assert numbers("van=2026-03-02&tot=2026-03-03") == [signaal, kapot, klacht]
    assert numbers("soort=opmerking&map=INBOX") == []


def test_an_officers_decision_moves_a_message_to_its_kind(web: Web) -> None:
    """The filter follows what the message is now: the latest officer's word over the bot's."""
    twijfel = arrived(web.store, complaint(3), kind="uncertain")
    browser = web.logged_in("anna")
    token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/berichten").text)
    assert token
    browser.post(
        f"/berichten/{twijfel}/beslissing", data={"csrf": token.group(1), "soort": "opmerking"}
    )

    assert listed(browser.get("/berichten?soort=opmerking").text) == [twijfel]
    assert listed(browser.get("/berichten?soort=onzeker").text) == []


def test_fifty_a_page_newest_first(web: Web) -> None:
    """A hundred and twenty messages: pages of fifty, with links to the next and previous."""
    numbers = [
        arrived(web.store, remark(n), kind="remark", received_at=DAY + timedelta(minutes=n))
        for n in range(120)
    ]
    browser = web.logged_in("anna")

    first = browser.get("/berichten")
    third = browser.get("/berichten?pagina=3")

    assert listed(first.text) == numbers[::-1][:50]
    assert 'href="/berichten?pagina=2" rel="next"' in first.text and 'rel="prev"' not in first.text
    assert "pagina 1 van 3" in first.text
    assert listed(third.text) == numbers[::-1][100:]
    assert 'href="/berichten?pagina=2" rel="prev"' in third.text and 'rel="next"' not in third.text
    filtered = browser.get("/berichten?soort=opmerking&pagina=2")
    assert 'href="/berichten?soort=opmerking" rel="prev"' in filtered.text
    assert 'href="/berichten?soort=opmerking&amp;pagina=3" rel="next"' in filtered.text


def test_a_filter_it_does_not_know_says_what_it_knows(web: Web) -> None:
    """A wrong value in the address bar gets a Dutch answer naming the choices, not a crash."""
    browser = web.logged_in("anna")

    wrong_kind = browser.get("/berichten?soort=klachtje")
    wrong_day = browser.get("/berichten?van=2-3-2026")

    assert wrong_kind.status_code == 400
    assert "kies uit klacht, opmerking, automatisch, onzeker, onleesbaar" in wrong_kind.text
    assert wrong_day.status_code == 400 and "jjjj-mm-dd" in wrong_day.text
