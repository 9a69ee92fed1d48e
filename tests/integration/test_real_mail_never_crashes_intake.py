"""376 real messages (broken MIME, bounces, odd charsets, bare CR) and a few no parser can read
go through IMAP intake unharmed: each kept byte for byte as the server served it, the
unreadable ones in quarantine."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

import bootstrap
from storage import Case, StoredMessage, records
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.corpus import real_messages
from tests.pipeline_helpers import pipeline_for
from tests.served import served_bytes

# Bytes no parser can read: nothing but white space.
UNREADABLE = [b"   \r\n", b"\r\n\r\n\r\n", b"\t \t\r\n  \r\n"]


def test_every_real_message_is_parsed_or_quarantined_with_its_raw_bytes(
    mailbox: MailboxAccount, database_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """Nothing crashes the poller, nothing is lost, and none of this machine mail becomes a case,
    on SQLite and on PostgreSQL (which refuses NUL characters and over-long values)."""
    files = real_messages()
    assert len(files) == 376
    prepare_database(database_url, trained_model)
    mailbox.append(*(p.read_bytes() for p in files[:200]), *UNREADABLE, *(
        p.read_bytes() for p in files[200:]
    ))  # fmt: skip
    served = served_bytes(mailbox)
    total = len(files) + len(UNREADABLE)
    assert len(served) == total
    settings = settings_for(mailbox, None, database_url, tmp_path)
    pipeline, store = pipeline_for(settings)
    summary = pipeline.poll(bootstrap.mailbox_of(settings))

    assert summary.stored == total
    assert summary.retrying == 0  # every message recorded at the first attempt
    assert summary.failed >= len(UNREADABLE)
    assert mailbox.count("INBOX") == 0
    assert mailbox.count("Verwerkt") + mailbox.count("Onverwerkbaar") == total
    assert mailbox.count("Onverwerkbaar") == summary.failed
    with store.unit_of_work() as session:
        rows = session.scalars(select(StoredMessage)).all()
        assert {r.status for r in rows} <= {"processed", "duplicate", "failed"}
        kept = {r.uid: records.raw_bytes(r) for r in rows}
        assert kept == served  # every message, byte for byte as FETCH returned it
        failed = [r for r in rows if r.status == "failed"]
        assert len(failed) == summary.failed
        assert all(r.error for r in failed)
        unreadable = [r for r in failed if not kept[r.uid].strip()]
        assert sorted(kept[r.uid] for r in unreadable) == sorted(
            served[uid] for uid in served if not served[uid].strip()
        )
        assert len(unreadable) == len(UNREADABLE)
        assert all("leeg" in (r.error or "") for r in unreadable)
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        fallbacks = [r for r in rows if r.parser == "stdlib"]
        assert fallbacks, (
            "the message that makes mail-parser raise should fall back to the standard library"
        )
