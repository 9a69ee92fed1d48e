"""Letters are claimed in small groups before they go out: a dead worker leaves at most one
group 'onzeker' (uncertain), and no letter is ever handed to the mailer twice."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from bot.sending import CLAIM_BATCH, Sender
from outbox.delivery import Deliver
from storage import Case, Letter, Store, records
from tests.builders import ORGANISATION
from tests.conftest import prepare_database

LETTERS = 2 * CLAIM_BATCH + 3


class RecordingMailer:
    """Counts every letter handed over; `during` runs at each handover."""

    def __init__(self, during: Callable[[int], None] = lambda n: None) -> None:
        self.handed: Counter[str] = Counter()
        self.during = during

    def deliver(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None:
        self.handed[message_id] += 1
        self.during(sum(self.handed.values()))

    @contextmanager
    def session(self) -> Iterator[Deliver]:
        yield self.deliver


def queued_letters(store: Store, n: int = LETTERS) -> None:
    """`n` registered complaints, each with its acknowledgement pending."""
    with store.unit_of_work() as session:
        numbers = records.next_case_sequences(session, 2026, n)
        for sequence in numbers:
            row_id = records.store_raw_many(
                session,
                "INBOX",
                [(f"k{sequence}", b"Subject: x\r\n\r\nklacht", datetime.now(UTC), None, None)],
            )[0]
            case_id = records.add_cases(
                session,
                [
                    {
                        "number": f"K-2026-{sequence:04d}",
                        "year": 2026,
                        "sequence": sequence,
                        "message_row_id": row_id,
                        "received_at": datetime.now(UTC),
                        "complainant_name": "Klager",
                        "complainant_email": f"klager{sequence}@example.nl",
                        "subject": "Klacht",
                        "description": "Klacht",
                        "procedure": "hss",
                        "acknowledge_due": date(2026, 12, 1),
                        "answer_due": date(2027, 1, 1),
                        "flags": [],
                    }
                ],
            )[0]
            records.add_letters(
                session,
                [
                    {
                        "case_id": case_id,
                        "purpose": "ontvangstbevestiging",
                        "recipient": f"klager{sequence}@example.nl",
                        "message_id": f"<brief-{sequence}@zorg-voorbeeld.nl>",
                        "raw": b"Subject: bevestiging\r\n\r\n",
                        "status": "pending",
                        "last_error": None,
                    }
                ],
            )


def statuses(store: Store) -> Counter[str]:
    with store.unit_of_work() as session:
        return Counter(session.scalars(select(Letter.status)))


def test_at_most_one_group_is_claimed_and_unrecorded_at_any_handover(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    """Whenever a letter is being handed over, a kill would leave at most CLAIM_BATCH unrecorded."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store)
    unrecorded: list[int] = []

    def count_claimed(_: int) -> None:
        unrecorded.append(statuses(store)["sending"])

    mailer = RecordingMailer(count_claimed)
    summary = Sender(store, ORGANISATION, threading.Event()).send_due(mailer)

    assert summary.sent == LETTERS
    assert max(unrecorded) <= CLAIM_BATCH and min(unrecorded) >= 1
    assert set(mailer.handed.values()) == {1}
    assert statuses(store) == Counter({"sent": LETTERS})
    with store.unit_of_work() as session:
        acknowledged = session.scalar(
            select(func.count()).select_from(Case).where(Case.status == "acknowledged")
        )
    assert acknowledged == LETTERS


def test_letters_of_a_dead_worker_become_uncertain_and_are_never_resent(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    """A group claimed by a worker that died is marked 'onzeker' later, not sent again."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store)
    with store.unit_of_work() as session:  # a worker claims a group, then is killed
        ids = records.due_letter_ids(session, datetime.now(UTC))[:CLAIM_BATCH]
        dead = records.claim_letters(session, ids, datetime.now(UTC) - timedelta(hours=1))
    mailer = RecordingMailer()
    summary = Sender(store, ORGANISATION, threading.Event()).send_due_all(mailer)

    assert summary.abandoned == CLAIM_BATCH
    assert summary.sent == LETTERS - CLAIM_BATCH
    assert not {d.message_id for d in dead} & set(mailer.handed)
    assert statuses(store) == Counter({"sent": LETTERS - CLAIM_BATCH, "uncertain": CLAIM_BATCH})


def test_a_stop_gives_back_the_letters_not_yet_handed_over(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    """Stopping halfway through a group records what went out and returns the rest untouched."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store)
    stop = threading.Event()
    mailer = RecordingMailer(lambda n: stop.set() if n == 3 else None)
    first = Sender(store, ORGANISATION, stop).send_due(mailer)

    assert first.sent == 3
    assert statuses(store) == Counter({"sent": 3, "pending": LETTERS - 3})
    with store.unit_of_work() as session:
        attempts = set(session.scalars(select(Letter.attempts).where(Letter.status == "pending")))
        assert attempts == {0}  # given back as never tried
        session.execute(update(Letter).values(next_attempt_at=datetime.now(UTC)))
    again = Sender(store, ORGANISATION, threading.Event()).send_due_all(mailer)
    assert again.sent == LETTERS - 3
    assert set(mailer.handed.values()) == {1}


def test_sending_while_busy_claims_whole_groups_and_leaves_the_rest_pending(
    database_url: str, trained_model: tuple[Path, str]
) -> None:
    """Letters sent while the poll waits stop between groups; the send after it takes the rest, each once."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store)
    mailer = RecordingMailer()
    sender = Sender(store, ORGANISATION, threading.Event())

    def handed() -> int:
        return sum(mailer.handed.values())

    # The helper is busy until the fifth letter: the group under way is finished, no other begun.
    first = sender.send_while(mailer, lambda: handed() < 5)
    assert first.sent == CLAIM_BATCH
    assert statuses(store) == Counter({"sent": CLAIM_BATCH, "pending": LETTERS - CLAIM_BATCH})
    second = sender.send_while(mailer, lambda: handed() < CLAIM_BATCH + 1)
    assert second.sent == CLAIM_BATCH
    assert sender.send_while(mailer, lambda: False).sent == 0
    rest = sender.send_due_all(mailer)
    assert rest.sent == LETTERS - 2 * CLAIM_BATCH
    assert set(mailer.handed.values()) == {1}
    assert statuses(store) == Counter({"sent": LETTERS})
