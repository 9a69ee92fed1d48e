"""RFC 3834: at most one automatic letter to a sender in a day, and none to a sender whose
mailbox answers automatically. Every case is still registered; the letter waits or is held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import bootstrap
from storage import Case, Letter
from tests.builders import complaint, mail
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.pipeline_helpers import pipeline_for
from tests.servers import SmtpSink


def test_a_second_complaint_on_one_day_gets_its_letter_a_day_later(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    prepare_database(sqlite_url, trained_model)
    settings = settings_for(mailbox, smtp, sqlite_url, tmp_path)
    pipeline, store = pipeline_for(settings)
    request.addfinalizer(pipeline.close)
    mailbox.append(complaint(1), complaint(2))
    pipeline.poll(bootstrap.mailbox_of(settings))
    pipeline.sender.send_due(bootstrap.mailer_of(settings))
    mailbox.append(
        mail(
            "En nog iets: de factuur",
            "Ik wil ook een klacht indienen over de factuur. Mijn begeleider heeft uren "
            "gerekend die hij er niet was. Dit is onacceptabel en ik ben het er totaal niet "
            "mee eens.",
            sender="Klager 1 <klager1@example.nl>",
        )
    )
    pipeline.poll(bootstrap.mailbox_of(settings))
    sent = pipeline.sender.send_due(bootstrap.mailer_of(settings))

    assert sent.sent == 0
    assert sorted(r.recipients[0] for r in smtp.received) == [
        "klager1@example.nl",
        "klager2@example.nl",
    ]
    with store.unit_of_work() as session:
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
    prepare_database(sqlite_url, trained_model)
    settings = settings_for(mailbox, smtp, sqlite_url, tmp_path)
    pipeline, store = pipeline_for(settings)
    request.addfinalizer(pipeline.close)
    mailbox.append(
        mail(
            "Automatisch antwoord: Nieuwsbrief",
            "Ik ben tot en met 30 november afwezig en lees mijn e-mail niet.",
            sender="Petra van Dijk <petra@example.org>",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    pipeline.poll(bootstrap.mailbox_of(settings))
    mailbox.append(complaint(3, sender="Petra van Dijk <petra@example.org>"))
    pipeline.poll(bootstrap.mailbox_of(settings))

    assert pipeline.sender.send_due(bootstrap.mailer_of(settings)).sent == 0
    with store.unit_of_work() as session:
        (case,) = session.scalars(select(Case)).all()
        (letter,) = case.letters
        assert letter.status == "withheld"
        assert "antwoordt automatisch" in (letter.last_error or "")
