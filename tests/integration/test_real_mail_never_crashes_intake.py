"""376 real messages (broken MIME, bounces, odd charsets, bare CR) go through IMAP intake unharmed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

import bootstrap
from storage import Case, StoredMessage, records
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.corpus import real_messages
from tests.pipeline_helpers import pipeline_for


def test_every_real_message_is_parsed_or_quarantined_with_its_raw_bytes(
    mailbox: MailboxAccount, database_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """Nothing crashes the poller, nothing is lost, and none of this machine mail becomes a case,
    on SQLite and on PostgreSQL (which refuses NUL characters and over-long values)."""
    files = real_messages()
    assert len(files) == 376
    prepare_database(database_url, trained_model)
    mailbox.append(*(p.read_bytes() for p in files))
    settings = settings_for(mailbox, None, database_url, tmp_path)
    pipeline, store = pipeline_for(settings)
    summary = pipeline.poll(bootstrap.mailbox_of(settings))

    assert summary.stored == 376
    assert summary.retrying == 0  # every message recorded at the first attempt
    assert mailbox.count("INBOX") == 0
    assert mailbox.count("Verwerkt") + mailbox.count("Onverwerkbaar") == 376
    assert mailbox.count("Onverwerkbaar") == summary.failed
    with store.unit_of_work() as session:
        rows = session.scalars(select(StoredMessage)).all()
        assert {r.status for r in rows} <= {"processed", "duplicate", "failed"}
        assert all(records.raw_bytes(r) for r in rows)
        assert all(r.error for r in rows if r.status == "failed")
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        fallbacks = [r for r in rows if r.parser == "stdlib"]
        assert fallbacks, (
            "the message that makes mail-parser raise should fall back to the standard library"
        )
