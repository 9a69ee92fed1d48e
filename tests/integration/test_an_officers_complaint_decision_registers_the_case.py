"""An officer who decides that a message the bot was unsure about is a complaint starts its
procedure: a case with the next number and the acknowledgement, as if the bot had registered
it. A colleague's different decision is kept beside the first, never over it."""

from __future__ import annotations

from sqlalchemy import select, update

import bootstrap
from casework import labelling
from storage import Case, Label, Letter, StoredMessage
from tests.builders import mail
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import Bot
from tests.servers import SmtpSink

DOUBT = mail(
    "Over de begeleiding",
    "Goedemiddag, de afspraken met de begeleider van mijn moeder gaan steeds niet door en "
    "niemand laat iets weten. Ik weet niet goed wat ik hiermee moet. Groet, Ria",
    sender="Ria Bakker <ria@example.nl>",
)


def test_deciding_complaint_registers_and_acknowledges_once(
    bot: Bot, mailbox: MailboxAccount, smtp: SmtpSink
) -> None:
    """`label N klacht` registers the case and queues the letter; the next send delivers it to
    the complainant; deciding again registers nothing twice, and a colleague who disagrees is
    told, with both decisions kept."""
    mailbox.append(DOUBT)
    bot.poll()
    with bot.store.unit_of_work() as session:  # the bot was unsure about it
        session.execute(update(StoredMessage).values(kind="uncertain"))
        session.execute(update(Letter).values(status="sent"))  # nothing else to send
        assert session.scalars(select(Case)).all() == [], "the bot registered it itself"
    office = bootstrap.office_of(bot.settings)

    decided = labelling.label(bot.store, "1", "klacht", flags=[], officer="Fatima", office=office)

    assert decided.case_number is not None and decided.earlier == ()
    assert bot.send().sent == 1
    (letter,) = smtp.received
    assert letter.recipients == ["ria@example.nl"]
    assert decided.case_number in str(letter.message["Subject"])
    with bot.store.unit_of_work() as session:
        (case,) = session.scalars(select(Case)).all()
        assert case.message_row_id == 1 and case.status == "acknowledged"
        assert [e.kind for e in case.events][:1] == ["register"]
        assert case.events[0].actor == "Fatima"

    again = labelling.label(bot.store, "1", "complaint", flags=[], officer="Fatima", office=office)
    other = labelling.label(bot.store, "1", "opmerking", flags=[], officer="Joost", office=office)

    assert again.case_number is None
    assert other.earlier == (("Fatima", "complaint"), ("Fatima", "complaint"))
    with bot.store.unit_of_work() as session:
        assert len(session.scalars(select(Case)).all()) == 1
        kinds = [(x.officer, x.kind) for x in session.scalars(select(Label).order_by(Label.id))]
        assert kinds == [("Fatima", "complaint"), ("Fatima", "complaint"), ("Joost", "remark")]
    assert bot.send().sent == 0
