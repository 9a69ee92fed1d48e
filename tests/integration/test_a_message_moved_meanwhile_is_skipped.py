"""A message another IMAP client moves between the poll's listing and its fetch is skipped with
a log line; the rest of the poll goes on, and the next poll is fine."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

import bootstrap
from intake import FetchedMessage
from storage import Case, StoredMessage
from tests.builders import complaint
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.pipeline_helpers import MailboxBetween, pipeline_for


def move_away(account: MailboxAccount, uids: list[int]) -> None:
    """Another IMAP client moves these messages out of the INBOX."""
    with account.client() as other:
        other.select_folder("INBOX")
        other.create_folder("Elders")
        other.move(uids, "Elders")


class OtherClientMoves(MailboxBetween):
    """The bot's mailbox; between its listing and its fetch another client moves some mail."""

    def __init__(self, mailbox: object, account: MailboxAccount, uids: list[int]) -> None:
        super().__init__(mailbox)
        self.account = account
        self.uids = uids

    def fetch(self, keys: list[str]) -> Iterator[FetchedMessage]:
        move_away(self.account, self.uids)
        return super().fetch(keys)


def test_a_message_moved_between_listing_and_fetch_is_skipped(
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two of six complaints move away after the listing: four are registered, two are logged
    as gone, nothing fails, and the next poll has nothing left to do."""
    store = prepare_database(sqlite_url, trained_model)
    mailbox.append(*[complaint(n) for n in range(1, 7)])
    settings = settings_for(mailbox, None, sqlite_url, tmp_path, fetch_chunk_size=2)
    pipeline, _ = pipeline_for(settings)

    with caplog.at_level(logging.INFO, logger="intake.imap"):
        summary = pipeline.poll(OtherClientMoves(bootstrap.mailbox_of(settings), mailbox, [2, 5]))
    assert summary.seen == 6 and summary.stored == 4 and summary.failed == 0
    gone = [r for r in caplog.records if "intussen uit de map verdwenen" in r.getMessage()]
    assert len(gone) == 2 and all(r.levelno == logging.INFO for r in gone)
    with store.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 4
    assert mailbox.count("Verwerkt") == 4 and mailbox.count("Elders") == 2

    again = pipeline.poll(bootstrap.mailbox_of(settings))
    assert again.seen == 0 and again.stored == 0 and again.failed == 0
    with store.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(StoredMessage)) == 4


class OtherClientMovesAfterSizes(OtherClientMoves):
    """Another client moves mail right after the bot asked for the sizes: the server has not
    told the bot's session yet, and answers the body FETCH with BODY[] NIL."""

    def fetch(self, keys: list[str]) -> Iterator[FetchedMessage]:
        client = self.inner.client  # type: ignore[attr-defined]
        asked = client.fetch

        def fetch_then_move(uids: list[int], data: list[str]) -> dict[int, dict[bytes, object]]:
            answer = asked(uids, data)
            if data == ["RFC822.SIZE"]:
                move_away(self.account, self.uids)
            return answer  # type: ignore[no-any-return]

        client.fetch = fetch_then_move
        return self.inner.fetch(keys)  # type: ignore[attr-defined,no-any-return]


def test_a_message_moved_after_its_size_was_read_is_skipped(
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A body the server answers with NIL (moved after the sizes were read) is skipped with a log
    line instead of ending the poll with a TypeError."""
    store = prepare_database(sqlite_url, trained_model)
    mailbox.append(*[complaint(n) for n in range(1, 5)])
    settings = settings_for(mailbox, None, sqlite_url, tmp_path)
    pipeline, _ = pipeline_for(settings)

    with caplog.at_level(logging.INFO, logger="intake.imap"):
        summary = pipeline.poll(
            OtherClientMovesAfterSizes(bootstrap.mailbox_of(settings), mailbox, [3])
        )
    assert summary.stored == 3 and summary.failed == 0
    assert any("intussen uit de map verdwenen" in r.getMessage() for r in caplog.records)
    with store.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 3
    assert pipeline.poll(bootstrap.mailbox_of(settings)).seen == 0
