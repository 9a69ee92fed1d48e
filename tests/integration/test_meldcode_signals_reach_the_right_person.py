"""Signs of domestic violence or child abuse: the meldcode's route, not the complaint
procedure. A configured person hears at once, whether or not the mail is a complaint; no
automatic letter goes to the sender until an officer has weighed it (MIK & PIW: the complaint
procedure stops)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage import Case, Letter
from tests.builders import mail
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import bot_for
from tests.servers import SmtpSink

AANDACHTSFUNCTIONARIS = "aandachtsfunctionaris@zorg-voorbeeld.nl"


def test_a_meldcode_signal_alerts_at_once_and_holds_the_automatic_letter(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    bot = bot_for(
        request,
        mailbox,
        smtp,
        sqlite_url,
        trained_model,
        tmp_path,
        meldcode_address=AANDACHTSFUNCTIONARIS,
    )
    mailbox.append(
        mail(
            "Blauwe plekken bij Sem",
            "Beste mevrouw,\n\nToen ik Sem (4) gisteren ophaalde zag ik thuis twee grote blauwe "
            "plekken op zijn rug. Hij zegt dat meester Rob hem heeft geslagen omdat hij niet "
            "wilde opruimen. Ik ben hier ontzettend boos over, niemand heeft mij iets verteld. "
            "Ik wil een klacht indienen en vandaag nog een gesprek.\n\nGroet,\nMarloes Kuipers",
            sender="Marloes Kuipers <marloes@example.nl>",
        ),
        mail(
            "zorgen om de buren",
            "Goedemiddag,\n\nIk weet niet of ik bij u goed zit. Naast ons woont een jongetje van "
            "een jaar of zes. Bijna elke avond hoor ik zijn moeder schreeuwen en harde klappen, "
            "en daarna huilt hij lang. Gisteren stond hij om elf uur 's avonds buiten in zijn "
            "onderbroek en durfde niet naar binnen.\n\nKan iemand hiernaar kijken? Ik wil liever "
            "anoniem blijven.\n\nVriendelijke groet,\nEen buurvrouw",
            sender="Buurvrouw <buurvrouw@example.nl>",
        ),
    )
    bot.poll()
    sent = bot.send()

    assert sent.sent == 2
    assert {r.recipients[0] for r in smtp.received} == {AANDACHTSFUNCTIONARIS}
    subjects = sorted(str(r.message["Subject"]) for r in smtp.received)
    assert all(s.startswith("SPOED meldcode") for s in subjects), subjects
    with bot.store.unit_of_work() as session:
        (case,) = session.scalars(select(Case)).all()
        assert case.complainant_email == "marloes@example.nl"
        assert "meldcode" in (case.flags or [])
        acknowledgement = session.scalars(
            select(Letter).where(Letter.purpose == "ontvangstbevestiging")
        ).one()
        assert acknowledgement.status == "withheld"
        assert "meldcode" in (acknowledgement.last_error or "")
    body = next(
        r.message for r in smtp.received if case.number in str(r.message["Subject"])
    ).get_body(("plain",))
    assert body is not None and "klachtenbus case move" in body.get_content()
    local = case.received_at.astimezone(ZoneInfo("Europe/Amsterdam"))  # the officer's clock
    assert f"Ontvangen: {local:%d-%m-%Y %H:%M}" in body.get_content()
    # The neighbour's message is no complaint: its alert says so and names no case command.
    other = next(r.message for r in smtp.received if "geen zaak" in str(r.message["Subject"]))
    text = other.get_body(("plain",)).get_content()
    assert "in een binnengekomen bericht" in text and "niet als klacht geregistreerd" in text
    assert "klachtenbus case" not in text and "X-Klachtenbus-Case" not in other
