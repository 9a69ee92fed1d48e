"""A reply finds its case by In-Reply-To alone: written from another address than the
complaint, without a case number, in words that are a new complaint, it still joins the case
whose letter it answers, and not the other open case. The same message without the header
becomes a case of its own, so nothing but the header decides."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

import bootstrap
from casework import cases
from storage import Case
from tests.builders import complaint, mail
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import bot_for
from tests.servers import SmtpSink

TEXT = (
    "Beste mevrouw,\n\nDe begeleider is vandaag weer niet gekomen en niemand heeft gebeld. "
    "Ik ben hier erg boos over, dit is onacceptabel.\n\nGroet, Klager 2"
)


@pytest.mark.parametrize("threaded", [True, False], ids=["with_in_reply_to", "without"])
def test_in_reply_to_alone_decides_which_case_a_reply_joins(
    request: pytest.FixtureRequest,
    threaded: bool,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    bot = bot_for(request, mailbox, smtp, sqlite_url, trained_model, tmp_path)
    mailbox.append(complaint(1), complaint(2))
    bot.poll()
    assert bot.send().sent == 2
    [letter] = [r.message for r in smtp.received if "klager2@example.nl" in r.recipients]
    number = str(letter["X-Klachtenbus-Case"])

    headers = {"In-Reply-To": str(letter["Message-ID"])} if threaded else {}
    mailbox.append(
        mail("Nog steeds", TEXT, sender="Klager Twee <klager2@werk.example.nl>", headers=headers)
    )
    summary = bot.poll()

    with bot.store.unit_of_work() as session:
        registered = session.scalar(select(func.count()).select_from(Case))
    office = bootstrap.office_of(bot.settings)
    joined = [m["subject"] for m in cases.show(bot.store, office, number).correspondence]
    if threaded:
        assert summary.by_kind == {"followup": 1}
        assert registered == 2 and joined == ["Nog steeds"]
        assert bot.send().sent == 0  # no second acknowledgement
    else:  # the control: the same words are a new complaint
        assert summary.by_kind == {"complaint": 1}
        assert registered == 3 and joined == []
