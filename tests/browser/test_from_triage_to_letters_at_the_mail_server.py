"""The officer's day in a real browser, against the real SMTP server: a message the bot was
unsure about is decided a complaint, and its acknowledgement arrives; the complainant's reply
is attached to the case; the case moves on with its letter previewed, confirmed and sent.
The screenshots in the README are made here."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from bot.sending import Sender, SendSummary
from outbox import SmtpAccount, SmtpMailer
from tests.browser.helpers import assert_accessible, no_dialogs_and_no_foreign_requests, screenshot
from tests.browser.live import LiveWeb
from tests.builders import ORGANISATION, mail
from tests.casework import arrived
from tests.servers import SmtpSink

if TYPE_CHECKING:
    from playwright.sync_api import Page

DOUBT = mail(
    "Over de begeleiding van mijn zoon",
    "Goedemiddag,\n\nDe begeleider van mijn zoon komt de laatste weken vaak te laat en de "
    "afspraken worden niet nagekomen. Ik weet niet goed bij wie ik hiervoor moet zijn.\n\n"
    "Met vriendelijke groet,\nAnna de Wit",
)


def send_letters(live: LiveWeb, smtp: SmtpSink) -> SendSummary:
    """What the worker's send job does every few seconds."""
    return Sender(live.store, ORGANISATION, threading.Event()).send_due_all(
        SmtpMailer(SmtpAccount("127.0.0.1", smtp.port, security="none", timeout=5))
    )


def test_an_officers_decisions_reach_the_complainant(
    page: Page, live: LiveWeb, smtp: SmtpSink
) -> None:
    newsletter = mail(
        "Nieuwsbrief december", "Ons laatste nieuws!", sender="Nieuws <nieuws@example.org>"
    )
    arrived(live.store, newsletter, kind="other")
    doubt = arrived(live.store, DOUBT, probability=0.55)
    live.log_in(page, "anna.behandelaar")

    with no_dialogs_and_no_foreign_requests(page):
        # 1. The triage: the doubtful message, decided a complaint.
        page.goto(live.url + "/triage")
        screenshot(page, "triage")
        page.get_by_role("link", name="Over de begeleiding van mijn zoon").first.click()
        page.wait_for_url(live.url + f"/berichten/{doubt}")
        screenshot(page, "bericht")
        page.get_by_role("button", name="Dit is een klacht").click()
        notice = page.get_by_role("status").first.inner_text()
        assert "Geregistreerd als zaak K-" in notice
        number = "K-" + notice.split("zaak K-", 1)[1].split()[0].rstrip(".;,")
        summary = send_letters(live, smtp)
        assert summary.sent == 1, summary
        (acknowledgement,) = [r for r in smtp.received if "anna.dewit@example.nl" in r.recipients]
        assert number in acknowledgement.message["Subject"]

        # 2. Anna answers; the reply is attached to her case from its message page.
        reply = arrived(
            live.store,
            mail("Re: uw klacht", "Dank u. Ik ben donderdag ook bereikbaar.\n\nAnna"),
            kind="remark",
        )
        page.goto(live.url + "/berichten")
        screenshot(page, "inbox")
        page.goto(live.url + f"/berichten/{reply}")
        page.get_by_label("Zaaknummer").fill(number)
        page.get_by_role("button", name="Voeg toe aan de zaak").click()
        page.goto(live.url + f"/zaken/{number}")
        assert (
            page.get_by_text("Dank u. Ik ben donderdag").count()
            or page.get_by_text("Re: uw klacht").count()
        )
        screenshot(page, "zaak")
        assert_accessible(page)

        # 3. The case moves on: its letter is previewed, confirmed and sent.
        steps = page.get_by_role("link", name="(met brief)")
        assert steps.count() >= 1, "the case page offers a step that sends a letter"
        steps.first.click()
        for field in page.locator("textarea").all():
            if field.is_visible() and not field.input_value():
                field.fill("Wij hebben met de begeleider gesproken; hij komt voortaan op tijd.")
        reason = page.get_by_label("Reden (intern", exact=False)
        if reason.count():
            reason.fill("intern: besproken in teamoverleg")
        page.get_by_role("button", name="Bekijk de brief").click()
        letter = page.locator("pre.mailtext").first.inner_text()
        assert "teamoverleg" not in letter  # the internal reason stays out of the letter
        page.get_by_role("button", name="Bevestigen en versturen").click()
        page.wait_for_url(live.url + f"/zaken/{number}")
        before = len(smtp.received)
        send_letters(live, smtp)
        assert len(smtp.received) == before + 1
        sent = smtp.received[-1]
        assert sent.recipients == ["anna.dewit@example.nl"]
        assert "teamoverleg" not in sent.message.get_body().get_content()
