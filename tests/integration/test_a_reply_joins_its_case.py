"""A complainant who answers our letter adds to the same case; a withdrawal in the answer is put
to an officer to confirm, and the morning digest asks for it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

import bootstrap
from casework import cases
from casework.digest import due_and_overdue
from storage import Case
from tests.builders import complaint, mail
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import bot_for
from tests.servers import SmtpSink


def test_a_withdrawal_in_a_reply_is_proposed_not_carried_out(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    bot = bot_for(request, mailbox, smtp, sqlite_url, trained_model, tmp_path)
    office = bootstrap.office_of(bot.settings)
    mailbox.append(complaint(1))
    bot.poll()
    bot.send()
    letter = smtp.received[0].message

    mailbox.append(
        mail(
            "Mijn klacht",  # no case number: only the headers link it
            "Beste mevrouw,\n\nIk trek mijn klacht in. Het is inmiddels opgelost met mijn "
            "begeleider.\n\nGroet, Klager 1",
            sender="Klager 1 <klager1@example.nl>",
            headers={"In-Reply-To": letter["Message-ID"]},
        )
    )
    summary = bot.poll()

    assert summary.by_kind == {"followup": 1}
    assert bot.send().sent == 0
    number = str(letter["X-Klachtenbus-Case"])
    view = cases.show(bot.store, office, number)
    assert view.case["status"] == "acknowledged"  # nothing moves without an officer
    assert [m["subject"] for m in view.correspondence] == ["Mijn klacht"]
    acknowledged = view.events[0]
    assert (acknowledged["actor"], acknowledged["to"]) == ("klachtenbus", "acknowledged")
    assert acknowledged["reason"] == "ontvangstbevestiging verstuurd"
    (proposal,) = [e for e in view.events if e["kind"] == "proposal"]
    assert "lijkt een intrekking" in proposal["reason"]
    assert f"case move {number} afgesloten --afloop ingetrokken" in proposal["reason"]
    waiting = [a.reminder for a in due_and_overdue(bot.store, office, {}, date.today())]
    assert [(r.case_number, r.step) for r in waiting if r.proposal] == [(number, "voorstel")]


def test_a_follow_up_without_a_number_joins_the_senders_one_open_case(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    bot = bot_for(request, mailbox, smtp, sqlite_url, trained_model, tmp_path)
    mailbox.append(complaint(4))
    bot.poll()
    mailbox.append(
        mail(
            "Vraag",
            "Goedemiddag, ik heb vorige week mijn eerdere klacht gestuurd over mijn begeleider. "
            "Hoe staat het daarmee? Groet, Klager 4",
            sender="Klager 4 <klager4@example.nl>",
        )
    )
    summary = bot.poll()
    office = bootstrap.office_of(bot.settings)
    with bot.store.unit_of_work() as session:
        (number,) = session.scalars(select(Case.number)).all()
    assert summary.by_kind == {"followup": 1}
    assert [m["subject"] for m in cases.show(bot.store, office, number).correspondence] == ["Vraag"]
