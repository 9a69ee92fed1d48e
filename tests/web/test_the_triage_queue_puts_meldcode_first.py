"""The triage puts what cannot wait first: possible signs of abuse (meldcode), marked SPOED in
words and not by colour alone, then the doubts, then unreadable mail, then new complaints no
officer has opened. The navigation counts them on every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.builders import complaint, mail, remark
from tests.casework import arrived
from tests.web_helpers import Web

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def sections(page: str) -> list[tuple[str, list[int]]]:
    """Each section's heading and the messages it links to, in page order."""
    found = []
    for part in page.split("<section")[1:]:
        heading = re.search(r"<h2[^>]*>(.*?)</h2>", part, re.S)
        assert heading
        title = re.sub(r"<[^>]+>", "", heading.group(1)).strip()
        found.append((title, [int(n) for n in re.findall(r'href="/berichten/(\d+)"', part)]))
    return found


def test_meldcode_first_then_doubt_then_unreadable(web: Web) -> None:
    doubt = arrived(web.store, complaint(1), received_at=T0)
    broken = arrived(web.store, b"kapot", status="failed", received_at=T0)
    signal = arrived(
        web.store, mail("Thuis", "Mijn vader slaat ons, ik durf niet naar huis."),
        flags=("meldcode",), received_at=T0 + timedelta(hours=2),
    )  # fmt: skip
    later_signal = arrived(
        web.store, mail("Zorgen", "Blauwe plekken bij mijn nichtje."), kind="complaint",
        flags=("meldcode",), received_at=T0 + timedelta(hours=3),
    )  # fmt: skip
    arrived(web.store, remark(1), kind="remark", received_at=T0)  # decided by the bot
    arrived(  # machine mail by its headers is never a person's signal
        web.store, mail("Nieuwsbrief", "Over huiselijk geweld."), kind="other",
        flags=("meldcode",), received_at=T0,
    )  # fmt: skip

    page = web.logged_in("anna").get("/triage").text

    assert sections(page) == [
        ("SPOED Mogelijke meldcode-signalen (2)", [signal, later_signal]),
        ("Twijfel: klacht of niet? (1)", [doubt]),
        ("Onleesbaar of in quarantaine (1)", [broken]),
        ("Nieuwe klachten die nog niemand opende (0)", []),
        ("Onenigheid tussen behandelaars (0)", []),
    ]
    spoed_rows = page.split('id="spoed"')[1].split("</section>")[0]
    assert spoed_rows.count('<strong class="tag spoed">SPOED</strong>') == 2  # words, not colour


def test_the_navigation_counts_what_waits(web: Web) -> None:
    arrived(web.store, complaint(1))
    arrived(web.store, complaint(2))
    arrived(web.store, b"kapot", status="failed")
    arrived(web.store, mail("Thuis", "Ik durf niet naar huis."), flags=("meldcode",))
    anna = web.logged_in("anna")

    for path in ("/triage", "/berichten"):
        nav = anna.get(path).text.split('<nav aria-label="Hoofdmenu">')[1].split("</nav>")[0]
        assert '<span class="count">4</span>' in nav
        assert '<span class="tag spoed nav-spoed">SPOED 1</span>' in nav
        assert "wachten: 1 spoed, 2 twijfel, 1 onleesbaar" in nav


def test_a_decided_signal_leaves_the_spoed_list(web: Web) -> None:
    signal = arrived(web.store, mail("Thuis", "Ik durf niet naar huis."), flags=("meldcode",))
    anna = web.logged_in("anna")
    token = re.search(r'name="csrf" value="([^"]+)"', anna.get("/triage").text)
    assert token

    anna.post(
        f"/berichten/{signal}/beslissing", data={"csrf": token.group(1), "soort": "opmerking"}
    )

    page = anna.get("/triage").text
    assert "Mogelijke meldcode-signalen (0)" in page and "SPOED 1" not in page
