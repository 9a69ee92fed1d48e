"""Admins read every decision and change on /beheer/audit: who, when, what, before and after,
filtered by person, case and kind, and download the same selection as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from casework import cases
from tests.casework import office, register
from tests.web_helpers import Web, csrf_of

HSS = office("hss")


def _lines(page: str) -> str:
    """The table's body: the filters' choices name every action too."""
    return page.partition("<tbody>")[2].partition("</tbody>")[0]


def _case_assigned(web: Web) -> str:
    number = register(web.store, HSS, datetime.now(UTC) - timedelta(days=2))
    cases.assign(web.store, number, "bert@example.nl", actor="anna")
    return number


def test_the_trail_shows_who_did_what_before_and_after(web: Web) -> None:
    """A role change and a case assignment appear with their actor and their values."""
    admin = web.logged_in("beheer", "admin")
    web.user("bert")
    admin.post(
        "/beheer/gebruikers/bert/rol", data={"csrf": csrf_of(admin, "/beheer"), "rol": "admin"}
    )
    number = _case_assigned(web)

    page = admin.get("/beheer/audit")

    assert page.status_code == 200
    text = page.text
    assert "rol gewijzigd" in text and "user:bert" in text
    assert "<dt>role</dt><dd>officer</dd>" in text and "<dt>role</dt><dd>admin</dd>" in text
    assert "zaak toegewezen" in text and f'href="/zaken/{number}"' in text
    assert "ingelogd" in text  # logging in is in the trail too


def test_the_trail_is_filtered_by_person_case_and_kind(web: Web) -> None:
    """Each filter narrows the lines; a case shows its own entries only."""
    admin = web.logged_in("beheer", "admin")
    number = _case_assigned(web)
    other = register(web.store, HSS, datetime.now(UTC) - timedelta(days=1), name="Piet")
    cases.assign(web.store, other, "carla@example.nl", actor="carla")

    def lines(**wanted: str) -> str:
        return _lines(admin.get("/beheer/audit", params=wanted).text)

    by_person = lines(persoon="anna")
    assert number in by_person and other not in by_person
    by_case = lines(zaak=other.lower())
    assert other in by_case and number not in by_case
    by_kind = lines(soort="session")
    assert "ingelogd" in by_kind and "zaak toegewezen" not in by_kind
    exact = lines(soort="case.assign")
    assert "zaak toegewezen" in exact and "ingelogd" not in exact
    assert "Geen regels voor deze selectie" in admin.get("/beheer/audit?zaak=K-1999-9").text


def test_the_selection_downloads_as_csv_for_excel(web: Web) -> None:
    """Semicolons, a byte-order mark, a header, and only the filtered lines, all of them."""
    admin = web.logged_in("beheer", "admin")
    number = _case_assigned(web)

    response = admin.get("/beheer/audit.csv", params={"zaak": number})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["nummer", "tijdstip (UTC)", "wie", "actie"]
    assert [(r[2], r[3], r[5]) for r in rows[1:]] == [("anna", "case.assign", f"case:{number}")]
    assert '"officer": "bert@example.nl"' in rows[1][7]


def test_officers_cannot_read_the_trail(web: Web) -> None:
    """The page and its CSV are for admins only."""
    officer = web.logged_in("anna")
    assert officer.get("/beheer/audit").status_code == 403
    assert officer.get("/beheer/audit.csv").status_code == 403
