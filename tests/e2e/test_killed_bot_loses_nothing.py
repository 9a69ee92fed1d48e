"""`klachtenbus run` killed with SIGKILL at chosen points (while fetching, while judging, between
registering and sending, inside a letter's SMTP transaction) and started again: nothing lost,
nothing twice, and no letter left for an officer that never reached the SMTP server."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.sending import STALE_CLAIM
from storage import Case, Letter, Store, StoredMessage
from tests.builders import complaint, remark
from tests.conftest import MailboxAccount, environment_for, prepare_database, settings_for
from tests.letter_helpers import queued_letters, statuses
from tests.pipeline_helpers import wait_until
from tests.served import served_bytes
from tests.servers import SmtpSink, StallingProxy, free_port

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


@dataclass(frozen=True)
class KillPoint:
    """Where the first run is killed: the proxy holds the IMAP answer at a chosen byte, or
    the SMTP server is away, and `reached` is the row state that says the bot got there."""

    stall_at: float  # fraction of the mailbox's bytes after which IMAP falls silent
    smtp_up: bool
    reached: Callable[[Counter[str]], bool]


KILL_POINTS = {
    # mid-FETCH of a later batch: the first batch stored, not yet judged; the rest not fetched
    "during_fetching": KillPoint(0.3, True, lambda n: n["waiting"] >= 5 and n["rows"] < 40),
    # later: batches judged and registered, the last one stored but its verdict not recorded
    "during_judging": KillPoint(
        0.75, True, lambda n: n["processed"] >= 5 and n["waiting"] >= 1 and n["cases"] >= 1
    ),
    # everything judged, registered and filed away, every acknowledgement queued, none sent
    "between_registering_and_sending": KillPoint(
        2.0, False, lambda n: n["processed"] == 40 and n["pending"] == 30 and n["inbox"] == 0
    ),
}


def progress(store: Store, mailbox: MailboxAccount | None = None) -> Counter[str]:
    """How far the bot got, in rows (and in messages left in the INBOX)."""
    with store.unit_of_work() as session:
        statuses = Counter(session.scalars(select(StoredMessage.status)))
        return Counter(
            rows=sum(statuses.values()),
            processed=statuses["processed"],
            waiting=statuses["stored"],
            inbox=mailbox.count("INBOX") if mailbox else -1,
            cases=session.scalar(select(func.count()).select_from(Case)) or 0,
            pending=session.scalar(
                select(func.count()).select_from(Letter).where(Letter.status == "pending")
            )
            or 0,
            sent=session.scalar(
                select(func.count()).select_from(Letter).where(Letter.status == "sent")
            )
            or 0,
        )


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_at_a_chosen_point_then_restart(
    point: str,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    """Killed while fetching, while judging, or between registering and sending, and started
    again: every message judged once, every complaint registered once with a gap-free number,
    every acknowledgement sent once."""
    kill = KILL_POINTS[point]
    store = prepare_database(sqlite_url, trained_model)
    mailbox.append(*[complaint(n) for n in range(1, 31)], *[remark(n) for n in range(1, 11)])
    total = sum(len(raw) for raw in served_bytes(mailbox).values())
    proxy = StallingProxy(mailbox.port, int(total * kill.stall_at))
    through = replace(mailbox, port=proxy.port)  # both runs read the same mailbox by one name
    log = tmp_path / "bot.log"
    smtp_away = {} if kill.smtp_up else {"smtp_port": free_port()}
    first = settings_for(
        through, smtp, sqlite_url, tmp_path, fetch_chunk_size=5, send_interval_seconds=3600,
        **smtp_away,
    )  # fmt: skip
    bot = start_bot(environment_for(first), log)
    try:
        try:
            if kill.stall_at <= 1:  # the IMAP answer is held first: nothing moves on after it
                wait_until(proxy.stalled[0].is_set, 60, "the IMAP answer to be held")
            wait_until(lambda: kill.reached(progress(store, mailbox)), 60, f"the bot to be {point}")
        except AssertionError as exc:
            raise AssertionError(
                f"{exc}: stalled {proxy.stalled[0].is_set()}, {progress(store)}\n{log.read_text()}"
            ) from None
        at_kill = progress(store, mailbox)
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)
        proxy.release()
    print(f"killed {point}: {dict(at_kill)}")
    assert kill.reached(at_kill)
    if point != "between_registering_and_sending":
        assert proxy.stalled[0].is_set() and at_kill["rows"] < 40, at_kill
    assert at_kill["sent"] == 0, at_kill

    second = settings_for(
        through, smtp, sqlite_url, tmp_path, fetch_chunk_size=5, send_interval_seconds=1,
        refile_after_seconds=0,
    )  # fmt: skip
    bot = start_bot(environment_for(second), log)
    try:
        wait_until(lambda: progress(store)["sent"] == 30, 60, "all 30 acknowledgements sent")
        wait_until(lambda: mailbox.count("INBOX") == 0, 30, "the last messages filed away")
    finally:
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=30) == 0, log.read_text()
        proxy.close()

    after = progress(store)
    assert (after["rows"], after["processed"], after["cases"], after["sent"]) == (40, 40, 30, 30)
    with store.unit_of_work() as session:
        cases = session.scalars(select(Case).order_by(Case.sequence)).all()
        assert [c.sequence for c in cases] == list(range(1, 31))  # gap-free, none twice
        assert sorted(c.complainant_email for c in cases) == sorted(KLAGERS)
        assert len({c.message_row_id for c in cases}) == 30
    per_recipient = Counter(r for m in smtp.received for r in m.recipients)
    assert per_recipient == Counter(dict.fromkeys(KLAGERS, 1)), at_kill
    assert mailbox.count("INBOX") == 0 and mailbox.count("Verwerkt") == 40


KLAGERS = [f"klager{n}@example.nl" for n in range(1, 31)]


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
