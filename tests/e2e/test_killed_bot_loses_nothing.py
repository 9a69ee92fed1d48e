"""`klachtenbus run` killed with SIGKILL mid-batch, or while sending, and started again: nothing
lost, nothing twice, and no letter left for an officer that never reached the SMTP server."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.sending import STALE_CLAIM
from storage import Case, Letter, StoredMessage
from tests.builders import complaint, remark
from tests.conftest import MailboxAccount, environment_for, prepare_database, settings_for
from tests.letter_helpers import queued_letters, statuses
from tests.pipeline_helpers import count, wait_until
from tests.servers import SmtpSink

pytestmark = pytest.mark.e2e


def children_of(pid: int) -> list[int]:
    """The helper processes a running Klachtenbus forked."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "run"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def test_sigkill_mid_batch_then_restart(
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    """After a hard kill and a restart every message is processed once and every complaint answered once."""
    store = prepare_database(sqlite_url, trained_model)
    mailbox.append(*[complaint(n) for n in range(1, 31)], *[remark(n) for n in range(1, 11)])
    log = tmp_path / "bot.log"
    first = settings_for(
        mailbox,
        smtp,
        sqlite_url,
        tmp_path,
        fetch_chunk_size=5,
        send_interval_seconds=3600,
        helper_processes=1,
    )
    bot = start_bot(environment_for(first), log)
    stored = select(func.count()).select_from(StoredMessage)
    wait_until(lambda: count(store, stored) >= 6, 60, "the first messages to be stored")
    helpers = children_of(bot.pid)
    assert helpers, "Klachtenbus runs with a helper process here"
    bot.send_signal(signal.SIGKILL)
    bot.wait(timeout=10)
    wait_until(
        lambda: not any(Path(f"/proc/{pid}").exists() for pid in helpers), 10, "the helper to exit"
    )
    judged = stored.where(StoredMessage.status != "stored")
    assert count(store, judged) < 40, "the kill came after the last message: nothing was tested"

    second = settings_for(
        mailbox,
        smtp,
        sqlite_url,
        tmp_path,
        fetch_chunk_size=5,
        send_interval_seconds=1,
        refile_after_seconds=0,
    )
    bot = start_bot(environment_for(second), log)
    sent = select(func.count()).select_from(Letter).where(Letter.status == "sent")
    try:
        wait_until(lambda: count(store, sent) == 30, 90, "all 30 acknowledgements to be sent")
        wait_until(lambda: mailbox.count("INBOX") == 0, 30, "the last messages to be filed away")
    except AssertionError:
        with store.unit_of_work() as session:
            rows = [
                (r.source_key, r.status, r.stored_at)
                for r in session.scalars(select(StoredMessage))
            ]
        with mailbox.client() as client:
            client.select_folder("INBOX")
            left = client.search("ALL")
        raise AssertionError(f"INBOX uids {left}; rows {rows}") from None
    finally:
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=30) == 0, log.read_text()

    assert count(store, stored) == 40
    assert (
        count(
            store,
            select(func.count())
            .select_from(StoredMessage)
            .where(StoredMessage.status != "processed"),
        )
        == 0
    )
    assert count(store, select(func.count()).select_from(Case)) == 30
    per_recipient = Counter(r for m in smtp.received for r in m.recipients)
    assert per_recipient == Counter({f"klager{n}@example.nl": 1 for n in range(1, 31)})
    assert mailbox.count("INBOX") == 0 and mailbox.count("Verwerkt") == 40


LETTERS = 12
HELD = 4  # the letter inside its SMTP transaction when the bot is killed


def test_sigkill_while_sending_then_restart(
    mailbox: MailboxAccount,
    database_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    """Killed inside one letter's SMTP transaction: only that letter waits for an officer, the
    letters never handed over go out after the restart at once, and none reaches the server twice."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    smtp.hold(HELD)
    log = tmp_path / "bot.log"
    first = settings_for(mailbox, smtp, database_url, tmp_path, send_interval_seconds=3600)
    bot = start_bot(environment_for(first), log)
    try:
        wait_until(smtp.handler.holding.is_set, 60, f"letter {HELD} to be in its SMTP transaction")
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)
    # The letters before it are recorded, it alone is claimed, the others were never touched.
    assert statuses(store) == Counter(
        {"sent": HELD - 1, "sending": 1, "pending": LETTERS - HELD}
    ), log.read_text()
    assert len(smtp.received) == HELD  # the server has the held letter: the worst case for a resend
    smtp.release()

    second = settings_for(mailbox, smtp, database_url, tmp_path, send_interval_seconds=1)
    bot = start_bot(environment_for(second), log)
    try:
        wait_until(
            lambda: statuses(store)["sent"] == LETTERS - 1, 30, "the untouched letters to go out"
        )
        assert statuses(store)["sending"] == 1  # its claim has not expired: not sent again
        with store.unit_of_work() as session:  # let the claim expire (five minutes in real life)
            session.execute(
                update(Letter)
                .where(Letter.status == "sending")
                .values(claimed_at=datetime.now(UTC) - STALE_CLAIM - timedelta(seconds=1))
            )
        wait_until(lambda: statuses(store)["uncertain"] == 1, 10, "the held letter to be 'onzeker'")
    finally:
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=30) == 0, log.read_text()

    assert statuses(store) == Counter({"sent": LETTERS - 1, "uncertain": 1})
    per_recipient = Counter(r for m in smtp.received for r in m.recipients)
    assert per_recipient == Counter({f"klager{n}@example.nl": 1 for n in range(1, LETTERS + 1)})
