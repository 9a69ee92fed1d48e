"""One message that cannot be recorded fails alone: the rest of its batch is judged and
acknowledged, the message itself is tried again and then quarantined for an officer."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

import bootstrap
from bot.pipeline import MAX_ATTEMPTS, Pipeline
from casework.digest import send_digests
from storage import Case, StoredMessage, records
from tests.builders import ORGANISATION, complaint
from tests.conftest import MailboxAccount
from tests.corpus import real_corpus
from tests.pipeline_helpers import Bot
from tests.servers import SmtpSink

COMPLAINT_TEXT = (
    "Ik wil een klacht indienen. Mijn begeleider is al drie keer niet gekomen en ik ben nooit "
    "teruggebeld. Dit is onacceptabel."
)


def raw_mail(sender: str, subject: str, body: bytes, encoding: str = "8bit") -> bytes:
    """A message written byte for byte: the email package would refuse to write these."""
    head = (
        f"From: {sender}\r\nTo: {ORGANISATION}\r\nSubject: {subject}\r\n"
        f"Date: Tue, 01 Dec 2026 10:00:00 +0100\r\nMessage-ID: <{abs(hash(subject))}@example.nl>\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    )
    return head.encode() + body + b"\r\n"


def hostile_messages() -> list[bytes]:
    """What made PostgreSQL refuse a whole batch: an over-long name, an over-long address, a
    NUL character in the text, and a real Office 365 bounce that holds one."""
    long_name = "Jan " * 2_500  # 10 KB; the column holds 300 characters
    return [
        raw_mail(f'"{long_name.strip()}" <jan.lang@example.nl>', "Klacht lange naam",
                 COMPLAINT_TEXT.encode()),
        raw_mail(f"<{'x' * 390}@example.nl>", "Klacht lang adres", COMPLAINT_TEXT.encode()),
        raw_mail("Nul <nul@example.nl>", "Klacht met NUL",
                 COMPLAINT_TEXT.replace("drie", "=00drie").encode(), "quoted-printable"),
        raw_mail("Nul Twee <nul2@example.nl>", "Klacht met rauwe NUL",
                 COMPLAINT_TEXT.encode().replace(b"drie", b"\x00drie")),
        (real_corpus() / "flanker" / "bounce" / "office365.eml").read_bytes(),
    ]  # fmt: skip


def test_hostile_values_are_stored_bounded_and_the_batch_goes_on(
    bot: Bot, mailbox: MailboxAccount, smtp: SmtpSink
) -> None:
    """Complaints around an over-long name, an over-long address and NUL characters are all
    registered and acknowledged, on SQLite and on PostgreSQL; nothing is quarantined."""
    mailbox.append(complaint(1), complaint(2), *hostile_messages(), complaint(3), complaint(4))

    summary = bot.poll()
    bot.send()

    assert summary.stored == 9
    assert summary.failed == summary.retrying == 0
    assert mailbox.count("INBOX") == 0
    with bot.store.unit_of_work() as session:
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        subjects = {c.subject for c in cases}
        assert {f"Klacht over mijn begeleider ({n})" for n in range(1, 5)} <= subjects
        assert {"Klacht lange naam", "Klacht met NUL", "Klacht met rauwe NUL"} <= subjects
        assert all(len(c.complainant_name) <= 300 for c in cases)
        assert all("\x00" not in c.description for c in cases)
        rows = session.scalars(select(StoredMessage)).all()
        assert all(records.raw_bytes(r) for r in rows)  # the whole value stays in the raw bytes
    recipients = {r.recipients[0] for r in smtp.received}
    assert {f"klager{n}@example.nl" for n in range(1, 5)} <= recipients
    assert all(len(r) <= 254 for r in recipients)  # no letter to a cut-off address


def break_recording_of(monkeypatch: pytest.MonkeyPatch, subject: str) -> None:
    """A bug that one message brings out: recording it runs a statement the database refuses
    (on PostgreSQL this aborts the whole transaction, as a real fault would)."""
    follow_up = Pipeline.follow_up

    def failing(self: Pipeline, session, row_id, message, kind, flags):  # type: ignore[no-untyped-def]
        if message.subject == subject:
            session.execute(text("SELECT * FROM a_table_that_does_not_exist"))
        return follow_up(self, session, row_id, message, kind, flags)

    monkeypatch.setattr(Pipeline, "follow_up", failing)


def poison_row(bot: Bot) -> StoredMessage:
    with bot.store.unit_of_work() as session:
        waiting = StoredMessage.status.in_(("stored", "failed"))  # the others are processed
        return session.scalars(select(StoredMessage).where(waiting)).one()


def test_a_poison_in_the_middle_of_a_batch_is_quarantined_and_never_blocks_a_poll(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, mailbox: MailboxAccount, smtp: SmtpSink
) -> None:
    """The others are acknowledged at once; the poison is tried again on the next polls, then
    quarantined with its error, listed for officers and filed in the quarantine folder."""
    poison = complaint(99)
    break_recording_of(monkeypatch, "Klacht over mijn begeleider (99)")
    mailbox.append(complaint(1), complaint(2), poison, complaint(3), complaint(4))

    first = bot.poll()
    bot.send()
    assert first.by_kind.get("complaint") == 4
    assert {r.recipients[0] for r in smtp.received} == {
        f"klager{n}@example.nl" for n in range(1, 5)
    }
    row = poison_row(bot)
    assert row.status == "stored" and 0 < row.attempts < MAX_ATTEMPTS
    assert "volgende ronde" in (row.error or "")
    assert mailbox.count("INBOX") == 1  # waits where it came in, for the next attempt

    for _ in range(MAX_ATTEMPTS):  # never raises, whatever the poison does
        bot.poll()
    row = poison_row(bot)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert "quarantaine" in (row.error or "") and "klachtenbus cases --failed" in row.error
    with bot.store.unit_of_work() as session:
        assert [m.id for m in records.failed_messages(session)] == [row.id]
        stored = records.raw_bytes(session.get(StoredMessage, row.id))
        assert stored.replace(b"\r\n", b"\n") == poison  # as IMAP keeps it: CRLF line ends
    assert mailbox.count("INBOX") == 0
    assert mailbox.count("Onverwerkbaar") == 1
    assert len(smtp.received) == 4  # the poison never got a letter it was not meant to get

    # The morning digest names it to whoever takes complaints in, until an officer decides.
    send_digests(bot.store, bootstrap.office_of(bot.settings), {}, bot.mailer())
    (digest,) = [r.message for r in smtp.received if r.recipients == [ORGANISATION]]
    assert "onverwerkbaar" in digest["Subject"]
    text = digest.get_body(("plain",)).get_content()
    assert f"bericht {row.id} van klager99@example.nl" in text  # who sent it, kept after all
    assert "klachtenbus cases --failed" in text
