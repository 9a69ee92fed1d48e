"""Each letter is claimed right before it is handed over: a dead worker leaves at most that
one letter 'onzeker' (uncertain), the others stay pending, and no letter is ever handed to the
mailer twice, also with two workers."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, select, update

from bot.sending import Sender
from storage import Case, Letter, records
from tests.builders import ORGANISATION
from tests.conftest import prepare_database
from tests.letter_helpers import RecordingMailer, queued_letters, statuses

LETTERS = 23


def test_only_the_letter_being_handed_over_is_claimed(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    """Whenever a letter is being handed over it is the only one claimed, at one commit per letter."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    claimed: list[int] = []
    commits: list[None] = []

    def count_claimed(_: int) -> None:
        claimed.append(statuses(store)["sending"])

    mailer = RecordingMailer(count_claimed)
    event.listen(store.engine, "commit", lambda _connection: commits.append(None))
    summary = Sender(store, ORGANISATION, threading.Event()).send_due(mailer)

    assert summary.sent == LETTERS
    assert set(claimed) == {1}
    # One claim per letter (recording the one before), the last record, the first look-up;
    # the checks above commit too, one per letter.
    assert len(commits) <= 2 * LETTERS + 2
    assert set(mailer.handed.values()) == {1}
    assert statuses(store) == Counter({"sent": LETTERS})
    with store.unit_of_work() as session:
        acknowledged = session.scalar(
            select(func.count()).select_from(Case).where(Case.status == "acknowledged")
        )
    assert acknowledged == LETTERS


def test_the_letter_of_a_dead_worker_becomes_uncertain_and_is_never_resent(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    """The letter a worker had claimed when it died is marked 'onzeker' later, not sent again."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    with store.unit_of_work() as session:  # a worker claims a letter, then is killed
        first = records.due_letter_ids(session, datetime.now(UTC))[:1]
        dead = records.claim_letters(session, first, datetime.now(UTC) - timedelta(hours=1))
    mailer = RecordingMailer()
    summary = Sender(store, ORGANISATION, threading.Event()).send_due_all(mailer)

    assert summary.abandoned == 1
    assert summary.sent == LETTERS - 1
    assert not {d.message_id for d in dead} & set(mailer.handed)
    assert statuses(store) == Counter({"sent": LETTERS - 1, "uncertain": 1})


def test_a_stop_leaves_the_letters_not_yet_handed_over_pending(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    """Stopping between letters records what went out and leaves the rest untouched."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    stop = threading.Event()
    mailer = RecordingMailer(lambda n: stop.set() if n == 3 else None)
    first = Sender(store, ORGANISATION, stop).send_due(mailer)

    assert first.sent == 3
    assert statuses(store) == Counter({"sent": 3, "pending": LETTERS - 3})
    with store.unit_of_work() as session:
        attempts = set(session.scalars(select(Letter.attempts).where(Letter.status == "pending")))
        assert attempts == {0}  # never tried
        session.execute(update(Letter).values(next_attempt_at=datetime.now(UTC)))
    again = Sender(store, ORGANISATION, threading.Event()).send_due_all(mailer)
    assert again.sent == LETTERS - 3
    assert set(mailer.handed.values()) == {1}


def test_sending_while_busy_stops_between_letters_and_leaves_the_rest_pending(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    """Letters sent while the poll waits stop after the letter under way; the next send takes the rest, each once."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    mailer = RecordingMailer()
    sender = Sender(store, ORGANISATION, threading.Event())

    def handed() -> int:
        return sum(mailer.handed.values())

    # The helper is busy until the fifth letter is handed over: no sixth is claimed.
    first = sender.send_while(mailer, lambda: handed() < 5)
    assert first.sent == 5
    assert statuses(store) == Counter({"sent": 5, "pending": LETTERS - 5})
    second = sender.send_while(mailer, lambda: handed() < 12)
    assert second.sent == 7
    assert sender.send_while(mailer, lambda: False).sent == 0
    rest = sender.send_due_all(mailer)
    assert rest.sent == LETTERS - 12
    assert set(mailer.handed.values()) == {1}
    assert statuses(store) == Counter({"sent": LETTERS})


def test_two_workers_never_hand_over_the_same_letter(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    """Two senders working through the same queue at once: the claim's row count lets one take each letter."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    both_busy = threading.Barrier(2, timeout=10)
    mailers = [RecordingMailer(), RecordingMailer()]
    for mailer in mailers:  # each waits at its first letter until the other has one too
        mailer.during = lambda n: both_busy.wait() if n == 1 else None
    summaries = []

    def work(mailer: RecordingMailer) -> None:
        summaries.append(Sender(store, ORGANISATION, threading.Event()).send_due_all(mailer))

    workers = [threading.Thread(target=work, args=(mailer,)) for mailer in mailers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    handed = mailers[0].handed + mailers[1].handed
    assert set(handed.values()) == {1} and len(handed) == LETTERS
    assert all(m.handed for m in mailers), "one worker sent everything: nothing was raced"
    assert sum(s.sent for s in summaries) == LETTERS
    assert statuses(store) == Counter({"sent": LETTERS})
