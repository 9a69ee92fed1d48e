"""What a sender wrote is shown as text, never as markup: a script, an image with an error
handler or a javascript: link in a mail arrives on the officer's screen as the characters it
is made of, in the text, the subject, the sender's name and an attachment's name alike. HTML
mail is shown as the text the parser made of it, never as the sender's HTML."""

from __future__ import annotations

from email.message import EmailMessage

from tests.builders import ORGANISATION, mail
from tests.casework import arrived
from tests.web_helpers import Web

HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klik</a>',
)


def markup_free(page: str) -> None:
    """None of the hostile markup is in the page as markup; each is there escaped."""
    for piece in HOSTILE:
        assert piece not in page, piece
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;klik&lt;/a&gt;" in page


def test_a_hostile_text_subject_and_name_stay_text(web: Web) -> None:
    body = "Goedemiddag,\n\n" + "\n".join(HOSTILE) + "\n\nGroet"
    number = arrived(
        web.store,
        mail(
            "<script>alert(1)</script> <img src=x onerror=alert(1)>",
            body,
            sender='"<a href=\\"javascript:alert(1)\\">klik</a>" <boos@example.nl>',
        ),
    )
    browser = web.logged_in("anna")

    page = browser.get(f"/berichten/{number}").text
    markup_free(page)
    for listing in ("/berichten", "/triage"):
        shown = browser.get(listing).text
        assert "<script>alert(1)</script>" not in shown and "onerror=alert(1)>" not in shown


def test_html_mail_is_shown_as_its_text(web: Web) -> None:
    """An HTML-only mail: its words are on the page, its tags and scripts are not."""
    message = EmailMessage()
    message["From"] = "Piet <piet@example.nl>"
    message["To"] = ORGANISATION
    message["Subject"] = "Opgemaakt"
    message.set_content(
        "<html><body><p>Ik ben <b>boos</b>.</p><script>alert(1)</script>"
        '<img src=x onerror=alert(1)><a href="javascript:alert(1)">klik</a></body></html>',
        subtype="html",
    )
    number = arrived(web.store, bytes(message))

    page = web.logged_in("anna").get(f"/berichten/{number}").text

    shown = page.split('<div class="mailtext">', 1)[1].split("</div>", 1)[0]
    assert "Ik ben boos." in shown and "klik" in shown
    assert "<" not in shown and "onerror" not in shown and "javascript:" not in shown


def test_a_hostile_attachment_name_stays_text(web: Web) -> None:
    message = EmailMessage()
    message["From"] = "Piet <piet@example.nl>"
    message["To"] = ORGANISATION
    message["Subject"] = "Bijlage"
    message.set_content("Zie bijlage.")
    message.add_attachment(
        b"%PDF-1.4", maintype="application", subtype="pdf",
        filename="<img src=x onerror=alert(1)>.pdf",
    )  # fmt: skip
    number = arrived(web.store, bytes(message))

    page = web.logged_in("anna").get(f"/berichten/{number}").text

    assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


def test_an_unreadable_message_shows_its_source_as_text(web: Web) -> None:
    """Quarantined mail is still readable by a person: its bytes, escaped, never run."""
    raw = b"Subject: kapot\r\n\r\n<script>alert(1)</script>\r\n"
    number = arrived(web.store, raw, status="failed", error="onleesbaar: testfout")

    page = web.logged_in("anna").get(f"/berichten/{number}").text

    assert "onleesbaar: testfout" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
