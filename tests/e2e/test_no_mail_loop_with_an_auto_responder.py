"""A real auto-responder answers everything Klachtenbus sends it, and still no mail loop starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

import bootstrap
from klachtenbus.vocabulary import MessageStatus
from storage import Case, StoredMessage
from tests.builders import ORGANISATION, mail
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.pipeline_helpers import pipeline_for
from tests.servers import AutoResponder, Dovecot, ImapLogin, MailServer, ReplyStyle, ReplyText

pytestmark = pytest.mark.e2e

RESPONDER = "afwezig@example.nl"
ROUNDS = 5


@pytest.mark.parametrize("text", list(ReplyText), ids=[t.name.lower() for t in ReplyText])
@pytest.mark.parametrize("style", list(ReplyStyle))
def test_an_auto_responder_gets_one_acknowledgement_and_the_traffic_stops(
    request: pytest.FixtureRequest,
    style: ReplyStyle,
    text: ReplyText,
    dovecot: Dovecot,
    mailbox: MailboxAccount,
    mail_server: MailServer,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> None:
    """A complainant whose mailbox answers every mail gets one letter; its answers open nothing."""
    prepare_database(sqlite_url, trained_model)
    mail_server.route(ORGANISATION, ImapLogin(mailbox.port, mailbox.user, mailbox.password))
    login = ImapLogin(dovecot.port, *dovecot.add_user())
    mail_server.route(RESPONDER, login)
    responder = AutoResponder(login, RESPONDER, mail_server.port, style, text)
    responder.start()
    request.addfinalizer(responder.stop)
    settings = settings_for(mailbox, mail_server, sqlite_url, tmp_path)
    pipeline, store = pipeline_for(settings)
    request.addfinalizer(pipeline.close)

    responder.send(
        mail(
            "Klacht over de thuiszorg",
            "Geachte heer, mevrouw,\n\nIk wil een klacht indienen over de thuiszorg. De "
            "verzorgster is deze maand al vier keer niet gekomen en niemand heeft mij gebeld. "
            "Dit is onacceptabel.\n\nMet vriendelijke groet,\nAnna Afwezig",
            sender=f"Anna Afwezig <{RESPONDER}>",
        ),
        to=ORGANISATION,
    )
    traffic = []  # messages the SMTP server carried, after each round
    for _ in range(ROUNDS):
        pipeline.poll(bootstrap.mailbox_of(settings))
        pipeline.sender.send_due(bootstrap.mailer_of(settings))
        responder.wait_until_answered(len(mail_server.delivered_to(RESPONDER)))
        traffic.append(len(mail_server.received))
    pipeline.poll(bootstrap.mailbox_of(settings))  # the last answers, too, are kept

    to_responder = [m.message for m in mail_server.delivered_to(RESPONDER)]
    with store.unit_of_work() as session:
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        stored = {m.message_id: m for m in session.scalars(select(StoredMessage))}
        answers = {
            str(a["Message-ID"]): stored.get(str(a["Message-ID"])) for a in responder.answers
        }
        judged = [
            (row.kind or row.status, row.case.number if row.case else None)
            for row in answers.values()
            if row
        ]
        story = (
            f"cases {[c.number for c in cases]}, letters to the responder "
            f"{[str(m['Subject']).strip() for m in to_responder]}, its answers judged {judged}, "
            f"messages carried after each round {traffic}"
        )
        lost = [
            mid for mid, row in answers.items() if row is None or row.status == MessageStatus.FAILED
        ]
        assert not lost, f"auto-replies not stored: {lost}; {story}"
        assert [c.complainant_email for c in cases] == [RESPONDER], f"one case expected; {story}"
        assert all(case is None for _, case in judged), f"an auto-reply opened a case; {story}"
        number = cases[0].number

    assert len(to_responder) == 1, f"one automatic letter expected; {story}"
    letter = to_responder[0]
    assert letter["Auto-Submitted"] == "auto-replied"
    assert number in str(letter["Subject"])
    assert not {str(m["In-Reply-To"]) for m in to_responder} & set(answers), story
    # complaint → acknowledgement → one auto-reply, and then silence
    assert traffic == [3] * ROUNDS, f"the traffic did not stop; {story}"
    assert mailbox.count("INBOX") + mailbox.count("Verwerkt") == 2, story
