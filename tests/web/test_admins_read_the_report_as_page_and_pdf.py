"""The quarterly and annual report of `klachtenbus report` on /beheer/rapportage: the same
tables as the command, each as CSV, and the whole as a PDF with its charts."""

from __future__ import annotations

import csv
import io

from pypdf import PdfReader

from tests.casework import office
from tests.dashboard_seed import months_ago, seed
from tests.web_helpers import Web

HSS = office("hss")


def test_the_report_page_shows_the_tables_of_the_command(web: Web) -> None:
    """Totals, per category, the terms; a chart per figure; a CSV link per table."""
    seed(web.store, HSS)
    admin = web.logged_in("beheer", "admin")
    period = f"{months_ago(0).year}-{months_ago(0).month:02d}"  # this month: three cases

    page = admin.get("/beheer/rapportage", params={"periode": period})

    assert page.status_code == 200
    text = page.text
    assert f"Klachtenrapportage {period}" in text
    assert "<strong>3</strong> klachten" in text
    for title in ("Per categorie", "Binnen de termijn afgehandeld", "Termijnoverschrijdingen"):
        assert f"<h2>{title}</h2>" in text
    assert text.count('<svg class="chart"') == 2
    assert f"/beheer/rapportage.csv?periode={period}&amp;tabel=categorie" in text


def test_without_a_period_the_last_quarter_is_shown(web: Web) -> None:
    admin = web.logged_in("beheer", "admin")
    page = admin.get("/beheer/rapportage")
    assert page.status_code == 200 and "Klachtenrapportage 20" in page.text
    assert "Q" in page.text.partition("Klachtenrapportage ")[2][:8]


def test_a_wrong_period_says_what_to_write(web: Web) -> None:
    admin = web.logged_in("beheer", "admin")
    page = admin.get("/beheer/rapportage", params={"periode": "vorig jaar"})
    assert page.status_code == 400
    assert "2026Q4" in page.text and 'value="vorig jaar"' in page.text


def test_a_table_downloads_as_csv(web: Web) -> None:
    seed(web.store, HSS)
    admin = web.logged_in("beheer", "admin")
    period = f"{months_ago(0).year}-{months_ago(0).month:02d}"

    response = admin.get("/beheer/rapportage.csv", params={"periode": period, "tabel": "categorie"})

    assert response.status_code == 200
    assert f"klachten-{period}-categorie.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["categorie", "aantal"], ["bejegening", "3"]]
    missing = admin.get("/beheer/rapportage.csv", params={"periode": period, "tabel": "x"})
    assert missing.status_code == 404 and "categorie" in missing.text


def test_the_report_downloads_as_a_pdf(web: Web) -> None:
    """A PDF whose text has the organisation, the period, the totals and the tables."""
    seed(web.store, HSS)
    admin = web.logged_in("beheer", "admin")
    period = f"{months_ago(0).year}-{months_ago(0).month:02d}"

    response = admin.get("/beheer/rapportage.pdf", params={"periode": period})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f"klachtenrapportage-{period}.pdf" in response.headers["content-disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Stichting Zorg Voorbeeld" in text
    assert f"Klachtenrapportage {period}" in text
    assert "3 klachten" in text and "bejegening" in text
    assert "Binnen de termijn afgehandeld" in text and "pagina 1 van" in text
