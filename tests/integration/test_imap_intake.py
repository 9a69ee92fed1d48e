"""Reading the complaints mailbox over IMAP: nothing seen before stored, filed away after commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

import bootstrap
from intake.imap import PROCESSED_KEYWORD
from storage import Case, StoredMessage, records
from tests.builders import complaint, remark
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.pipeline_helpers import pipeline_for


def test_messages_are_stored_then_moved_to_the_processed_folder(
    mailbox: MailboxAccount, database_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """Each message is stored raw, judged, and moved to 'Verwerkt' (created when missing)."""
    prepare_database(database_url, trained_model)
    mailbox.append(complaint(1), remark(1))
    pipeline, store = pipeline_for(settings_for(mailbox, None, database_url, tmp_path))
    summary = pipeline.poll(
        bootstrap.mailbox_of(settings_for(mailbox, None, database_url, tmp_path))
    )
    assert summary.stored == 2
    assert mailbox.count("INBOX") == 0
    assert mailbox.count("Verwerkt") == 2
    with store.unit_of_work() as session:
        rows = session.scalars(select(StoredMessage).order_by(StoredMessage.id)).all()
        assert [r.kind for r in rows] == ["complaint", "remark"]
        assert all(
            records.raw_bytes(r).startswith(b"From:") or b"Subject:" in records.raw_bytes(r)
            for r in rows
        )
        state = records.mailbox_state(session, rows[0].mailbox)
        assert state.uidvalidity > 0 and state.last_uid == 2


def test_the_legal_moment_of_receipt_is_the_mailbox_arrival_time(
    mailbox: MailboxAccount, sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """The term starts at INTERNALDATE, not at the Date: header the sender's machine wrote."""
    prepare_database(sqlite_url, trained_model)
    arrived = datetime(
        2025, 12, 24, 10, 30, tzinfo=UTC
    )  # Dovecot keeps no INTERNALDATE in the future
    mailbox.append(complaint(1, date=datetime(2025, 12, 1, tzinfo=UTC)), when=arrived)
    settings = settings_for(mailbox, None, sqlite_url, tmp_path)
    pipeline, store = pipeline_for(settings)
    pipeline.poll(bootstrap.mailbox_of(settings))
    with store.unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        assert case.received_at == arrived
        assert (
            str(case.acknowledge_due) == "2026-01-07"
        )  # 7 working days, Christmas and New Year skipped


def test_without_a_processed_folder_messages_stay_and_are_flagged(
    mailbox: MailboxAccount, sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """An admin who wants the mail left in place gets it flagged instead of moved."""
    prepare_database(sqlite_url, trained_model)
    mailbox.append(remark(1), remark(2))
    settings = settings_for(mailbox, None, sqlite_url, tmp_path, imap_processed_folder="")
    pipeline, _ = pipeline_for(settings)
    assert pipeline.poll(bootstrap.mailbox_of(settings)).stored == 2
    flags = mailbox.flags()
    assert len(flags) == 2
    assert all(PROCESSED_KEYWORD.encode() in f for f in flags.values())
    assert all(b"\\Seen" not in f for f in flags.values())  # fetched with BODY.PEEK[]
    assert pipeline.poll(bootstrap.mailbox_of(settings)).stored == 0


def test_an_unreadable_message_is_quarantined_and_the_poll_carries_on(
    mailbox: MailboxAccount, sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """Bytes no parser can read are kept raw, moved to 'Onverwerkbaar', and listed as failed."""
    prepare_database(sqlite_url, trained_model)
    mailbox.append(b"   \r\n", complaint(1))
    settings = settings_for(mailbox, None, sqlite_url, tmp_path)
    pipeline, store = pipeline_for(settings)
    summary = pipeline.poll(bootstrap.mailbox_of(settings))
    assert summary.failed == 1 and summary.by_kind == {"complaint": 1}
    assert mailbox.count("Onverwerkbaar") == 1
    with store.unit_of_work() as session:
        [failed] = records.failed_messages(session)
        assert records.raw_bytes(failed).strip() == b""
        assert "leeg" in (failed.error or "")


def test_a_message_id_seen_in_two_folders_is_registered_once(
    mailbox: MailboxAccount, database_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """The same complaint reaching the mailbox twice gives one case and one acknowledgement."""
    prepare_database(database_url, trained_model)
    raw = complaint(7, message_id="<dezelfde@example.nl>")
    mailbox.append(raw, folder="INBOX")
    mailbox.append(raw, folder="Klachten")
    for folder in ("INBOX", "Klachten"):
        settings = settings_for(mailbox, None, database_url, tmp_path, imap_folder=folder)
        pipeline, store = pipeline_for(settings)
        pipeline.poll(bootstrap.mailbox_of(settings))
    with store.unit_of_work() as session:
        assert len(session.scalars(select(Case)).all()) == 1
        statuses = sorted(r.status for r in session.scalars(select(StoredMessage)))
        assert statuses == ["duplicate", "processed"]


def test_a_crash_between_commit_and_move_is_healed_on_the_next_poll(
    mailbox: MailboxAccount, sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """A message stored but never moved is moved next time, not registered again."""
    prepare_database(sqlite_url, trained_model)
    mailbox.append(complaint(3))
    settings = settings_for(mailbox, None, sqlite_url, tmp_path)
    pipeline, store = pipeline_for(settings)
    box = bootstrap.mailbox_of(settings)
    with box:  # what a worker did before it died: stored and registered, not yet moved
        [fetched] = list(box.fetch(box.keys()))
        from bot.pipeline import PollSummary

        pipeline.take(box.name, [fetched], PollSummary())
    assert mailbox.count("INBOX") == 1
    assert pipeline.poll(bootstrap.mailbox_of(settings)).filed_away == 0  # maybe another worker's
    with store.unit_of_work() as session:  # some minutes later
        for row in session.scalars(select(StoredMessage)):
            row.stored_at -= timedelta(minutes=10)
    summary = pipeline.poll(bootstrap.mailbox_of(settings))
    assert summary.stored == 0 and summary.filed_away == 1
    assert mailbox.count("INBOX") == 0
    with store.unit_of_work() as session:
        assert len(session.scalars(select(Case)).all()) == 1
