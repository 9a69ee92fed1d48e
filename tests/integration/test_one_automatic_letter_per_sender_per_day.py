"""RFC 3834: at most one automatic letter to a sender in a day, and none to a sender whose
mailbox answers automatically. Every case is still registered; the letter waits or is held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import Case, Letter
from tests.builders import complaint, mail
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import bot_for
from tests.servers import SmtpSink


def test_a_second_complaint_on_one_day_gets_its_letter_a_day_later(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    bot = bot_for(request, mailbox, smtp, sqlite_url, trained_model, tmp_path)
    mailbox.append(complaint(1), complaint(2))
    bot.poll()
    bot.send()
    mailbox.append(
        mail(
            "En nog iets: de factuur",
            "Ik wil ook een klacht indienen over de factuur. Mijn begeleider heeft uren "
            "gerekend die hij er niet was. Dit is onacceptabel en ik ben het er totaal niet "
            "mee eens.",
            sender="Klager 1 <klager1@example.nl>",
        )
    )
    bot.poll()
    sent = bot.send()

    assert sent.sent == 0
    assert sorted(r.recipients[0] for r in smtp.received) == [
        "klager1@example.nl",
        "klager2@example.nl",
    ]
    with bot.store.unit_of_work() as session:
        assert len(session.scalars(select(Case)).all()) == 3
        waiting = session.scalars(select(Letter).where(Letter.status == "pending")).one()
        assert waiting.recipient == "klager1@example.nl"
        assert waiting.next_attempt_at > datetime.now(UTC) + timedelta(hours=23)
        assert "RFC 3834" in (waiting.last_error or "")


def test_a_sender_whose_mailbox_answers_automatically_gets_no_automatic_letter(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    bot = bot_for(request, mailbox, smtp, sqlite_url, trained_model, tmp_path)
    mailbox.append(
        mail(
            "Automatisch antwoord: Nieuwsbrief",
            "Ik ben tot en met 30 november afwezig en lees mijn e-mail niet.",
            sender="Petra van Dijk <petra@example.org>",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    bot.poll()
    mailbox.append(complaint(3, sender="Petra van Dijk <petra@example.org>"))
    bot.poll()

    assert bot.send().sent == 0
    with bot.store.unit_of_work() as session:
        (case,) = session.scalars(select(Case)).all()
        (letter,) = case.letters
        assert letter.status == "withheld"
        assert "antwoordt automatisch" in (letter.last_error or "")
