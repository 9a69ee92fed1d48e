"""A database in memory with the full schema, for unit tests of what storage writes: fast
enough that mutation testing (tests/mutation/run.py) can run them against every mutant. What
depends on the backend is tested on SQLite and PostgreSQL in tests/integration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from sqlalchemy import select

from klachtenbus.mail import Address, ParsedMessage
from klachtenbus.vocabulary import LetterStatus
from outbox import LetterRefused, ServerUnavailable
from outbox.delivery import Deliver
from storage import Letter, Store, connect, records
from storage.models import Base

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def memory_store() -> Store:
    engine = connect("sqlite://")
    Base.metadata.create_all(engine)
    return Store(engine)


def a_case(store: Store, n: int = 1, *, year: int = 2026) -> int:
    """A registered case with its message; returns the case's row id."""
    with store.unit_of_work() as session:
        message = records.store_raw(
            session, mailbox="INBOX", key=f"key-{year}-{n}", raw=b"x", received_at=RECEIVED
        )
        case = records.add_case(
            session,
            message.id,
            received_at=RECEIVED,
            year=year,
            complainant_name="Anna de Wit",
            complainant_email="anna.dewit@example.nl",
            subject="Klacht",
            description="Niemand belde terug.",
            procedure="hss",
            acknowledge_due=date(2026, 3, 11),
            answer_due=date(2026, 4, 13),
            flags=[],
        )
        session.flush()
        return case.id


def a_letter(
    store: Store,
    case_id: int,
    *,
    purpose: str = "ontvangstbevestiging",
    status: LetterStatus = LetterStatus.PENDING,
    due: datetime = RECEIVED,
) -> int:
    """A queued letter for a case; returns its row id."""
    with store.unit_of_work() as session:
        records.add_letters(
            session,
            [
                {
                    "case_id": case_id,
                    "purpose": purpose,
                    "recipient": "anna.dewit@example.nl",
                    "message_id": f"<{purpose}-{case_id}@zorg-voorbeeld.nl>",
                    "raw": f"brief {purpose} {case_id}".encode(),
                    "status": status,
                    "next_attempt_at": due,
                }
            ],
        )
        return session.scalars(
            select(Letter.id).where(Letter.case_id == case_id, Letter.purpose == purpose)
        ).one()


def letter(store: Store, letter_id: int) -> Letter:
    with store.unit_of_work() as session:
        found = session.get(Letter, letter_id)
        assert found is not None
        return found


class FakeMailer:
    """Stands in for the SMTP server at the Mailer boundary: records each connection and each
    letter handed over; `refuse` and `gone` name letters (by Message-ID) it fails on, and
    `down` makes every connection fail."""

    def __init__(self, *, refuse: set[str] = frozenset(), gone: set[str] = frozenset()) -> None:
        self.refuse, self.gone = set(refuse), set(gone)
        self.down = False
        self.sessions = 0
        self.delivered: list[tuple[bytes, str, str, str]] = []

    @contextmanager
    def session(self) -> Iterator[Deliver]:
        if self.down:
            raise ServerUnavailable("De SMTP-server is weg.")
        self.sessions += 1
        yield self.deliver

    def deliver(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None:
        if message_id in self.gone:
            raise ServerUnavailable(f"Weg tijdens {message_id}.")
        if message_id in self.refuse:
            raise LetterRefused(f"Geweigerd: {message_id}.")
        self.delivered.append((raw, sender, recipient, message_id))


DEFAULT = Address("", "")  # parsed(): the default sender, Klager n


def parsed(
    n: int = 1,
    *,
    sender: Address | None = DEFAULT,
    reply_to: Address | None = None,
    subject: str = "Klacht over mijn begeleider",
    text: str = "Mijn begeleider kwam niet en belde niet terug.",
    received_at: datetime = RECEIVED,
) -> ParsedMessage:
    """A complaint as intake leaves it, without parsing any bytes."""
    return ParsedMessage(
        sender=Address(f"Klager {n}", f"klager{n}@example.nl") if sender is DEFAULT else sender,
        reply_to=reply_to,
        recipients=(Address("", "klachten@zorg-voorbeeld.nl"),),
        subject=subject,
        date=received_at,
        received_at=received_at,
        message_id=f"<klacht-{n}@example.nl>",
        in_reply_to=None,
        references=(f"<eerder-{n}@example.nl>",),
        text=text,
    )


def stored(store: Store, n: int = 1, *, received_at: datetime = RECEIVED) -> int:
    """A stored message's row id, for a complaint to be registered from."""
    with store.unit_of_work() as session:
        return records.store_raw(
            session, mailbox="INBOX", key=f"m{n}", raw=b"x", received_at=received_at
        ).id
