"""An attachment is downloaded, never opened in the browser: it comes as
application/octet-stream with Content-Disposition: attachment (its name also in RFC 5987
form), nosniff, and exactly the bytes the sender attached. The whole message can be
downloaded the same way; every download is in the message's history."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import quote

from sqlalchemy import select

from storage.models import AuditEntry
from tests.builders import ORGANISATION
from tests.casework import arrived
from tests.web_helpers import Web

PDF = b"%PDF-1.4\n<script>alert(1)</script>\n%%EOF\n"
HTML = b"<html><script>alert(document.cookie)</script></html>"
NAME = 'Verslag "gesprek" één;2026.pdf'


def with_attachments() -> bytes:
    message = EmailMessage()
    message["From"] = "Piet <piet@example.nl>"
    message["To"] = ORGANISATION
    message["Subject"] = "Stukken"
    message.set_content("Zie de bijlagen.")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename=NAME)
    message.add_attachment(HTML, maintype="text", subtype="html", filename="pagina.html")
    return bytes(message)


def test_an_attachment_is_a_download_with_its_own_bytes(web: Web) -> None:
    number = arrived(web.store, with_attachments())
    browser = web.logged_in("anna")
    page = browser.get(f"/berichten/{number}").text
    assert f'href="/berichten/{number}/bijlagen/1"' in page and "application/pdf" in page

    response = browser.get(f"/berichten/{number}/bijlagen/1")

    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    assert 'filename="Verslag _gesprek_ __n_2026.pdf"' in disposition


def test_an_html_attachment_is_never_shown_as_a_page(web: Web) -> None:
    number = arrived(web.store, with_attachments())

    response = web.logged_in("anna").get(f"/berichten/{number}/bijlagen/2")

    assert response.content == HTML
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith('attachment; filename="pagina.html"')
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_the_whole_message_downloads_as_it_arrived(web: Web) -> None:
    raw = with_attachments()
    number = arrived(web.store, raw)

    response = web.logged_in("anna").get(f"/berichten/{number}/origineel")

    assert response.content == raw
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="bericht-{number}.eml"'
    )


def test_a_download_is_in_the_history_and_a_missing_one_is_a_dutch_404(web: Web) -> None:
    number = arrived(web.store, with_attachments())
    browser = web.logged_in("anna")
    browser.get(f"/berichten/{number}/bijlagen/2")

    missing = browser.get(f"/berichten/{number}/bijlagen/3")
    nowhere = browser.get("/berichten/999/bijlagen/1")

    assert missing.status_code == 404 and "heeft geen bijlage 3" in missing.text
    assert nowhere.status_code == 404 and "Bericht 999 bestaat niet" in nowhere.text
    with web.store.unit_of_work() as session:
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "message.download")
        ).all()
        assert (entry.actor, entry.subject) == ("anna", f"message:{number}")
        assert entry.after == {"bijlage": "pagina.html"}
    assert "bijlage of bron gedownload" in browser.get(f"/berichten/{number}").text
