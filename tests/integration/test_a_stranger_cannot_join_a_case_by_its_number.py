"""Case numbers are sequential and printed in every letter: a message that names one but comes
from someone else than the complainant, without referring to our letters, waits for an
officer instead of joining the case."""

from __future__ import annotations

from sqlalchemy import select

import bootstrap
from casework import cases
from casework.labelling import triage
from storage import Case
from tests.builders import complaint, mail
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import Bot
from tests.servers import SmtpSink

QUESTION = "Goedemiddag, hoe staat het met deze zaak? Ik hoor graag van u. Groet"


def registered_case(bot: Bot, mailbox: MailboxAccount) -> str:
    mailbox.append(complaint(1))
    bot.poll()
    bot.send()
    with bot.store.unit_of_work() as session:
        (number,) = session.scalars(select(Case.number)).all()
    return number


def test_a_stranger_naming_a_case_number_is_held_for_an_officer(
    bot: Bot, mailbox: MailboxAccount, smtp: SmtpSink
) -> None:
    """The stranger's message waits in the triage with the reason, the case's history says so,
    and nothing of it is attached to the case or answered."""
    number = registered_case(bot, mailbox)
    mailbox.append(mail(f"Re: {number}", QUESTION, sender="Onbekende <vreemde@example.org>"))

    summary = bot.poll()

    assert summary.by_kind == {"uncertain": 1}
    assert bot.send().sent == 0
    view = cases.show(bot.store, bootstrap.office_of(bot.settings), number)
    assert view.correspondence == []
    (waiting,) = triage(bot.store)
    assert waiting.sender == "vreemde@example.org"
    assert f"Noemt zaak {number}" in waiting.reasons[0]
    assert "niet van de klager" in waiting.reasons[0]
    (held,) = [e for e in view.events if e["kind"] == "proposal"]
    assert "vreemde@example.org" in held["reason"] and "triage" in held["reason"]


def test_the_complainant_naming_the_number_joins_the_case(
    bot: Bot, mailbox: MailboxAccount, smtp: SmtpSink
) -> None:
    """The complainant's own message with the number in its subject (another case of letters
    in the address) joins the case as correspondence."""
    number = registered_case(bot, mailbox)
    mailbox.append(mail(f"Re: {number}", QUESTION, sender="Klager 1 <KLAGER1@example.nl>"))

    summary = bot.poll()

    assert summary.by_kind == {"followup": 1}
    view = cases.show(bot.store, bootstrap.office_of(bot.settings), number)
    assert [m["subject"] for m in view.correspondence] == [f"Re: {number}"]
    assert triage(bot.store) == []


def test_someone_else_answering_our_letter_joins_the_case(
    bot: Bot, mailbox: MailboxAccount, smtp: SmtpSink
) -> None:
    """A reply that refers to our letter (a representative the complainant forwarded it to)
    joins the case: it answers the letter, not merely a number."""
    number = registered_case(bot, mailbox)
    letter = smtp.received[0].message
    mailbox.append(
        mail(
            f"Re: {number}",
            QUESTION,
            sender="Mr. Jansen <jansen@advocaten.example>",
            headers={"In-Reply-To": letter["Message-ID"]},
        )
    )

    summary = bot.poll()

    assert summary.by_kind == {"followup": 1}
    view = cases.show(bot.store, bootstrap.office_of(bot.settings), number)
    assert len(view.correspondence) == 1
