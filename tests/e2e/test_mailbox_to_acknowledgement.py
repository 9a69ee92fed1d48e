"""The whole path on real servers: mailbox → parse → detect → register → acknowledge."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

import bootstrap
from storage import Case, Letter
from tests.builders import ORGANISATION, bounce, complaint, mail, out_of_office, remark
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.pipeline_helpers import pipeline_for
from tests.servers import SmtpSink

pytestmark = pytest.mark.e2e


def mixed_mailbox() -> list[bytes]:
    """About twenty messages as a complaints mailbox really gets them."""
    messages = [complaint(n) for n in range(1, 9)]
    messages += [remark(n) for n in range(1, 7)]
    messages += [out_of_office(), bounce()]
    messages.append(
        complaint(9, headers={"Reply-To": "Advocaat Mr. Jansen <jansen@advocaten.example>"})
    )
    messages.append(complaint(10, sender="Webformulier <noreply@zorg-voorbeeld.nl>"))
    messages.append(
        mail(
            "Geen klacht, wel een vraag",
            "Dit is geen klacht hoor, maar wanneer krijg ik de nieuwe afspraak door?\n\nGroet, Bas",
            sender="Bas <bas@example.nl>",
        )
    )
    # A resend with a new Message-ID is a new message: kept, judged, registered; its letter
    # waits a day (RFC 3834: one automatic letter per sender per day).
    messages.append(complaint(1))
    return messages


def test_complaints_are_registered_and_acknowledged_once(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    database_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    """Twenty mixed messages: complaints get a case and one letter; machine mail gets nothing."""
    prepare_database(database_url, trained_model)
    mailbox.append(*mixed_mailbox())
    settings = settings_for(mailbox, smtp, database_url, tmp_path, helper_processes=1)
    pipeline, store = pipeline_for(settings)
    request.addfinalizer(pipeline.close)

    summary = pipeline.poll(bootstrap.mailbox_of(settings))
    sent = pipeline.sender.send_due(bootstrap.mailer_of(settings))

    assert summary.stored == 20
    assert summary.by_kind["complaint"] == 11
    assert summary.by_kind["other"] == 2
    with store.unit_of_work() as session:
        cases = session.scalars(select(Case).order_by(Case.sequence)).all()
        numbers = [c.number for c in cases]
        year = cases[0].year
        assert numbers == [f"K-{year}-{n:04d}" for n in range(1, 12)]  # gap-free
        withheld = session.scalars(select(Letter).where(Letter.status == "withheld")).all()
        assert [w.case.complainant_email for w in withheld] == ["noreply@zorg-voorbeeld.nl"]
    assert sent.sent == 9
    recipients = Counter(r for m in smtp.received for r in m.recipients)
    assert "petra@example.org" not in recipients  # the out-of-office
    assert not any("mx.example.net" in r for r in recipients)  # the bounce
    assert "noreply@zorg-voorbeeld.nl" not in recipients
    assert recipients["jansen@advocaten.example"] == 1  # Reply-To wins over From
    assert recipients["klager1@example.nl"] == 1  # two distinct messages, two cases, one letter
    with store.unit_of_work() as session:
        later = session.scalars(select(Letter).where(Letter.status == "pending")).one()
        assert later.recipient == "klager1@example.nl" and "RFC 3834" in (later.last_error or "")

    letter = next(m.message for m in smtp.received if "klager2@example.nl" in m.recipients)
    assert letter["Auto-Submitted"] == "auto-replied"
    assert letter["From"] == f"Stichting Zorg Voorbeeld <{ORGANISATION}>"  # name and address
    number = re.search(r"K-\d{4}-\d{4}", letter["Subject"]).group(0)  # type: ignore[union-attr]
    text = letter.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert number in text and "Uiterlijk" in text
    with store.unit_of_work() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        assert letter["In-Reply-To"] == case.message.message_id
        assert letter["Message-ID"] == case.letters[0].message_id
        assert case.status == "acknowledged"

    again = pipeline.poll(bootstrap.mailbox_of(settings))
    pipeline.sender.send_due(bootstrap.mailer_of(settings))
    assert again.stored == 0
    assert len(smtp.received) == 9  # nothing twice


def test_acknowledgements_wait_while_the_smtp_server_is_down(
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    """With SMTP down the letters stay queued without a backoff, and go out once, as soon as it is back."""
    prepare_database(sqlite_url, trained_model)
    mailbox.append(complaint(1), complaint(2))
    settings = settings_for(mailbox, smtp, sqlite_url, tmp_path)
    pipeline, _ = pipeline_for(settings)
    smtp.stop()
    pipeline.poll(bootstrap.mailbox_of(settings))
    down = pipeline.sender.send_due(bootstrap.mailer_of(settings), retry_base=3, retry_max=3)
    assert (down.sent, down.failed, down.waiting) == (0, 0, 2)  # no letter is to blame
    smtp.start()
    assert (
        pipeline.sender.send_due(bootstrap.mailer_of(settings)).sent == 2
    )  # none waits out a backoff
    assert pipeline.sender.send_due(bootstrap.mailer_of(settings)).sent == 0
    assert sorted(r for m in smtp.received for r in m.recipients) == [
        "klager1@example.nl",
        "klager2@example.nl",
    ]
