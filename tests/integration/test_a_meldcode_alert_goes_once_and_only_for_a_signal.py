"""The meldcode alert goes out once, for the one message with a signal, and never for ordinary
complaints beside it: they get their acknowledgement, the signal its alert, a second round
sends nothing again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.builders import complaint, mail
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import bot_for
from tests.servers import SmtpSink

AANDACHTSFUNCTIONARIS = "aandachtsfunctionaris@zorg-voorbeeld.nl"


def test_one_alert_for_the_signal_and_none_for_the_complaints_beside_it(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    bot = bot_for(
        request, mailbox, smtp, sqlite_url, trained_model, tmp_path,
        meldcode_address=AANDACHTSFUNCTIONARIS,
    )  # fmt: skip
    mailbox.append(
        complaint(1),
        mail(
            "zorgen om de buren",
            "Goedemiddag,\n\nNaast ons woont een jongetje van een jaar of zes. Bijna elke avond "
            "hoor ik zijn moeder schreeuwen en harde klappen, en daarna huilt hij lang. Gisteren "
            "stond hij om elf uur 's avonds buiten en durfde niet naar binnen.\n\nKan iemand "
            "hiernaar kijken?\n\nVriendelijke groet,\nEen buurvrouw",
            sender="Buurvrouw <buurvrouw@example.nl>",
        ),
        complaint(2),
        complaint(3),
    )
    bot.poll()
    bot.send()
    bot.poll()
    bot.send()  # a second round: nothing again

    recipients = Counter(r for m in smtp.received for r in m.recipients)
    assert recipients == Counter(
        {
            AANDACHTSFUNCTIONARIS: 1,
            "klager1@example.nl": 1,
            "klager2@example.nl": 1,
            "klager3@example.nl": 1,
        }
    )
    [alert] = [m.message for m in smtp.received if AANDACHTSFUNCTIONARIS in m.recipients]
    assert str(alert["Subject"]).startswith("SPOED meldcode")
    assert "geen zaak" in str(alert["Subject"])  # the neighbour's worry is no complaint
    assert alert["Auto-Submitted"] == "auto-generated"
