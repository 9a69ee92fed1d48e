"""The dashboard shows the last twelve months as SVG bar charts drawn on the server, each
with its table and a CSV download, for admins only."""

from __future__ import annotations

import csv
import io
import re

from tests.casework import office
from tests.dashboard_seed import seed
from tests.web_helpers import Web

HSS = office("hss")


def _chart(page: str, name: str) -> str:
    found = re.search(rf'<svg[^>]*data-chart="{name}".*?</svg>', page, re.S)
    assert found, f"no chart {name}"
    return found.group(0)


def test_each_chart_has_its_bars_and_table(web: Web) -> None:
    """Twelve months, three categories (one blank), the open cases; no script anywhere."""
    seed(web.store, HSS)
    admin = web.logged_in("beheer", "admin")

    page = admin.get("/beheer/dashboard")

    assert page.status_code == 200
    text = page.text
    assert "<strong>6</strong> klachten ontvangen" in text
    assert _chart(text, "per-maand").count('<rect class="bar"') == 12
    assert _chart(text, "per-categorie").count('<rect class="bar"') == 3
    assert "bejegening: 3" in _chart(text, "per-categorie")
    assert "ontvangen: 6" in _chart(text, "open-zaken")
    triage = _chart(text, "triage")
    assert triage.count('<rect class="bar"') == 12 and "31%" in triage  # 4 of 13 this month
    assert "67%" in _chart(text, "overeenstemming")  # 2 of 3 decisions agreed
    assert "<script" not in text.partition("</head>")[2]
    for name in ("per-maand", "per-categorie", "termijnen", "open-zaken", "triage"):
        assert f'href="/beheer/dashboard/{name}.csv"' in text


def test_a_chart_downloads_as_csv(web: Web) -> None:
    """The CSV has the table's header and rows, for Dutch Excel."""
    seed(web.store, HSS)
    admin = web.logged_in("beheer", "admin")

    response = admin.get("/beheer/dashboard/per-categorie.csv")

    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["categorie", "klachten"],
        ["bejegening", "3"],
        ["communicatie", "2"],
        ["(niet ingevuld)", "1"],
    ]
    assert admin.get("/beheer/dashboard/bestaat-niet.csv").status_code == 404


def test_an_empty_database_shows_empty_charts(web: Web) -> None:
    """A new installation gets the page with zero bars, not an error."""
    admin = web.logged_in("beheer", "admin")
    page = admin.get("/beheer/dashboard")
    assert page.status_code == 200
    assert "<strong>0</strong> klachten ontvangen" in page.text
    assert "Nog niets te tellen." in page.text


def test_officers_do_not_see_the_dashboard(web: Web) -> None:
    officer = web.logged_in("anna")
    assert officer.get("/beheer/dashboard").status_code == 403
    assert officer.get("/beheer/dashboard/per-maand.csv").status_code == 403
