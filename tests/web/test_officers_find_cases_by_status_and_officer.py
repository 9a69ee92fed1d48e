"""Officers find their cases at /zaken: open cases with the next deadline first, filtered by
status, officer, team and overdue, fifty to a page, urgency said in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from casework import cases
from klachtenbus.vocabulary import CaseStatus, Closure
from tests.casework import office, register
from tests.web_helpers import Web

HSS = office("hss")


def ago(days: int) -> datetime:
    return datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(
        days=days
    )


def numbers_on(page: str) -> list[str]:
    return re.findall(r'<a href="/zaken/(K-\d{4}-\d+)">', page)


def test_open_cases_come_with_the_most_pressing_first(web: Web) -> None:
    """Overdue before due soon before fine; closed cases are not in the default list."""
    fine = register(web.store, HSS, ago(1), subject="Wachttijd")
    late = register(web.store, HSS, ago(60), subject="Nooit teruggebeld")
    soon = register(web.store, HSS, ago(40), subject="Rekening klopt niet")
    closed = register(web.store, HSS, ago(70), subject="Al opgelost")
    cases.move(web.store, HSS, closed, CaseStatus.CLOSED, actor="Ank", reason="ingetrokken",
               closure=Closure.WITHDRAWN)  # fmt: skip
    for number in (fine, late, soon):
        cases.move(web.store, HSS, number, CaseStatus.INVESTIGATION, actor="Ank", reason="start")
    officer = web.logged_in("anna")

    page = officer.get("/zaken")

    assert page.status_code == 200
    assert numbers_on(page.text) == [late, soon, fine]
    assert "<caption>Zaken, eerstvolgende termijn eerst</caption>" in page.text
    assert 'class="due-overdue"><strong>te laat</strong>' in page.text
    assert 'class="due-soon"><strong>bijna</strong>' in page.text
    assert 'class="due-fine"><strong>op tijd</strong>' in page.text
    assert "onderzoek (hoor en wederhoor)" in page.text and "investigation" not in page.text
    last = officer.get("/zaken", params={"sorteer": "uiterlijk-laatst"})
    assert numbers_on(last.text) == [fine, soon, late]
    everything = officer.get("/zaken", params={"status": "alle", "sorteer": "nieuwste"})
    assert numbers_on(everything.text) == [fine, soon, late, closed]


def test_filters_by_status_officer_team_and_overdue(web: Web) -> None:
    """Each filter narrows the list, and they combine."""
    mine = register(web.store, HSS, ago(60))
    theirs = register(web.store, HSS, ago(60), email="b@example.nl")
    recent_mine = register(web.store, HSS, ago(2), email="c@example.nl")
    cases.assign(web.store, mine, "anna@example.nl", actor="anna")
    cases.assign(web.store, recent_mine, "Anna@Example.nl", actor="anna")
    cases.assign(web.store, theirs, "bert@example.nl", actor="anna")
    cases.edit(web.store, theirs, {"team": "Ambulant"}, actor="anna")
    cases.move(web.store, HSS, theirs, CaseStatus.INVESTIGATION, actor="bert", reason="start")
    officer = web.logged_in("anna")

    by_status = officer.get("/zaken", params={"status": "onderzoek"})
    assert numbers_on(by_status.text) == [theirs]
    by_officer = officer.get("/zaken", params={"behandelaar": "anna@example.nl"})
    assert sorted(numbers_on(by_officer.text)) == sorted([mine, recent_mine])
    assert '<option value="bert@example.nl">bert@example.nl</option>' in by_officer.text
    by_team = officer.get("/zaken", params={"team": "Ambulant"})
    assert numbers_on(by_team.text) == [theirs]
    late_and_mine = officer.get("/zaken", params={"behandelaar": "anna@example.nl", "te_laat": "1"})
    assert numbers_on(late_and_mine.text) == [mine]
    nothing = officer.get("/zaken", params={"status": "afgesloten"})
    assert numbers_on(nothing.text) == [] and "Geen zaken gevonden" in nothing.text


def test_fifty_cases_to_a_page(web: Web) -> None:
    """55 cases: 50 on the first page, 5 on the second, with links both ways."""
    made = [register(web.store, HSS, ago(90 - n), email=f"k{n}@example.nl") for n in range(55)]
    officer = web.logged_in("anna")

    first = officer.get("/zaken")
    second = officer.get("/zaken", params={"pagina": "2"})

    assert numbers_on(first.text) == made[:50]
    assert numbers_on(second.text) == made[50:]
    assert "55 zaken, pagina 1 van 2" in first.text
    assert 'href="/zaken?pagina=2" rel="next"' in first.text
    assert 'href="/zaken" rel="prev"' in second.text
    assert officer.get("/zaken", params={"pagina": "x", "status": "?"}).status_code == 200
