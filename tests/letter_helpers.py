"""Letters queued straight in the database, and mailers that record what they are handed:
for the tests of sending."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from sqlalchemy import select

from outbox.delivery import Deliver
from storage import Letter, Store, records


class RecordingMailer:
    """Counts every letter handed over; `during` runs at each handover."""

    def __init__(self, during: Callable[[int], None] = lambda n: None) -> None:
        self.handed: Counter[str] = Counter()
        self.during = during
        self._lock = threading.Lock()  # two workers may share one

    def deliver(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None:
        with self._lock:
            self.handed[message_id] += 1
            n = sum(self.handed.values())
        self.during(n)

    @contextmanager
    def session(self) -> Iterator[Deliver]:
        yield self.deliver


def queued_letters(store: Store, n: int) -> None:
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
