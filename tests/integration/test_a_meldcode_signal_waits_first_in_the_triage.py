"""Mail with signs of abuse, read from a real mailbox by the real pipeline, is the first thing
an officer sees in the triage, marked SPOED, while the meldcode contact has been alerted
already; an officer's decision takes it off the list, with who and when kept."""

from __future__ import annotations

from sqlalchemy import select

import bootstrap
from casework import inbox, triage
from storage import Letter
from storage.models import AuditEntry
from tests.builders import mail, remark
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import Bot

SIGNAL = mail(
    "Hulp gevraagd",
    "Goedendag, mijn buurjongen van acht had weer blauwe plekken en zegt dat hij niet naar "
    "huis durft. Wat moet ik doen? Groet, Ellen",
    sender="Ellen Smit <ellen@example.nl>",
)


def test_the_bots_meldcode_signal_is_first_in_the_triage(bot: Bot, mailbox: MailboxAccount) -> None:
    mailbox.append(remark(1), SIGNAL)
    bot.poll()
    office = bootstrap.office_of(bot.settings)

    queue = inbox.triage_queue(bot.store, office)

    assert [m.subject for m in queue.spoed] == ["Hulp gevraagd"]
    (signal,) = queue.spoed
    assert signal.meldcode and signal.decided is None
    assert inbox.navigation_counts(bot.store, office).spoed == 1
    with bot.store.unit_of_work() as session:
        alerts = session.scalars(select(Letter).where(Letter.purpose == "meldcode-signaal"))
        assert [a.message_row_id for a in alerts] == [signal.number]

    triage.decide(
        bot.store, str(signal.number), "opmerking", flags=["meldcode"], officer="fatima",
        office=office,
    )  # fmt: skip

    assert inbox.triage_queue(bot.store, office).spoed == []
    with bot.store.unit_of_work() as session:
        (entry,) = session.scalars(select(AuditEntry)).all()
        assert (entry.actor, entry.action) == ("fatima", "message.label")
        assert entry.after == {"soort": "opmerking", "vlaggen": ["meldcode"], "notitie": None}
