"""Every message is kept byte for byte as the mail server served it: an attachment of hundreds
of kilobytes, 8-bit text, long lines, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import random
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

import bootstrap
from storage import StoredMessage, records
from tests.builders import COMPLAINT_TEXT, complaint, mail, remark
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.pipeline_helpers import pipeline_for
from tests.served import maildir_bytes, served_bytes
from tests.servers import Dovecot


def with_attachment(size: int) -> bytes:
    """A complaint with a scanned letter of `size` random bytes attached (base64)."""
    message = EmailMessage()
    message["From"] = "Anna de Wit <anna.dewit@example.nl>"
    message["To"] = "klachten@zorg-voorbeeld.nl"
    message["Subject"] = "Klacht met de brief als bijlage"
    message.set_content(COMPLAINT_TEXT)
    scan = random.Random(size).randbytes(size)
    message.add_attachment(scan, "application", "pdf", filename="brief.pdf")
    return bytes(message)


def eight_bit() -> bytes:
    """Latin-1 text sent as 8bit, lines of 500 characters: bytes no decoding may touch."""
    head = (
        b"From: =?iso-8859-1?q?Jos=E9?= <jose@example.be>\r\nTo: klachten@zorg-voorbeeld.nl\r\n"
        b"Subject: Klacht over de b\xe9geleiding\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    )
    line = "Ik ben zeer ontevreden over de begeleiding, ze is nooit gekomen. Ça va pas! " * 6
    return head + "\r\n".join([line] * 30).encode("latin-1") + b"\r\n"


def test_the_stored_bytes_are_what_fetch_returned_and_the_maildir_held(
    dovecot: Dovecot,
    mailbox: MailboxAccount,
    database_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> None:
    messages = [
        with_attachment(300_000),
        eight_bit(),
        complaint(1),
        remark(1),
        mail("Lange vraag", "Een heel lange vraag. " * 600),
    ]
    assert sum(len(m) > 10_000 for m in messages) == 3  # beyond any buffer or prefix
    prepare_database(database_url, trained_model)
    mailbox.append(*messages)
    served = served_bytes(mailbox)
    on_disk = maildir_bytes(dovecot, mailbox)
    assert len(served) == len(on_disk) == len(messages)
    settings = settings_for(mailbox, None, database_url, tmp_path)
    pipeline, store = pipeline_for(settings)
    try:
        assert pipeline.poll(bootstrap.mailbox_of(settings)).stored == len(messages)
    finally:
        pipeline.close()

    with store.unit_of_work() as session:
        rows = session.scalars(select(StoredMessage).order_by(StoredMessage.uid)).all()
        stored = {row.uid: records.raw_bytes(row) for row in rows}
        sizes = {row.uid: (row.raw_size, row.raw_sha256) for row in rows}
    assert sorted(stored) == sorted(served)
    for uid, raw in served.items():
        assert stored[uid] == raw, f"message {uid}: {len(stored[uid])} bytes kept of {len(raw)}"
        assert stored[uid] == on_disk[uid].replace(b"\n", b"\r\n")  # Dovecot keeps LF on disk
        assert sizes[uid] == (len(raw), hashlib.sha256(raw).hexdigest())
