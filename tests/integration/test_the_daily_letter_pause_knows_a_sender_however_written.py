"""RFC 3834's one automatic letter a day holds for a sender however the address is written
(upper case, another display name), and the letter that waited goes out once the day is over,
once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from storage import Letter
from tests.builders import COMPLAINT_TEXT, complaint, mail
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import bot_for
from tests.servers import SmtpSink


def test_the_same_mailbox_in_capitals_waits_a_day_then_gets_one_letter(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    bot = bot_for(request, mailbox, smtp, sqlite_url, trained_model, tmp_path)
    mailbox.append(
        complaint(1),
        mail("Nog een klacht", COMPLAINT_TEXT, sender="K. EEN <KLAGER1@EXAMPLE.NL>"),
    )
    assert bot.poll().by_kind == {"complaint": 2}
    assert bot.send().sent == 1  # the second waits: the same mailbox, however written

    a_day_later = timedelta(hours=25)
    with bot.store.unit_of_work() as session:  # let the day pass
        session.execute(
            update(Letter)
            .where(Letter.status == "sent")
            .values(sent_at=datetime.now(UTC) - a_day_later)
        )
        session.execute(
            update(Letter)
            .where(Letter.status == "pending")
            .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert bot.send().sent == 1
    assert bot.send().sent == 0
    mailboxes = Counter(r.lower() for m in smtp.received for r in m.recipients)
    assert mailboxes == Counter({"klager1@example.nl": 2})
