"""Messages and cases stored straight through storage.records, for tests of what is done with
them afterwards (searching) without a mailbox or a pipeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.utils import make_msgid

from storage import Store, records

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def stored_message(
    store: Store,
    subject: str,
    text: str,
    *,
    sender_name: str = "Anna de Wit",
    sender_email: str = "anna.dewit@example.nl",
    received_at: datetime = RECEIVED,
) -> int:
    """A parsed message as the pipeline leaves it; returns its row id."""
    with store.unit_of_work() as session:
        row = records.store_raw(
            session, mailbox="INBOX", key=make_msgid(), raw=text.encode(), received_at=received_at
        )
        row.message_id = make_msgid(domain="example.nl")
        row.subject, row.text = subject, text
        row.sender_name, row.sender_email = sender_name, sender_email
        row.status = "processed"
        return row.id


def stored_case(
    store: Store,
    subject: str,
    description: str,
    *,
    name: str = "Anna de Wit",
    email: str = "anna.dewit@example.nl",
    received_at: datetime = RECEIVED,
) -> str:
    """A registered case with its message; returns the case number."""
    message = stored_message(
        store, subject, description, sender_name=name, sender_email=email, received_at=received_at
    )
    with store.unit_of_work() as session:
        case = records.add_case(
            session,
            message,
            received_at=received_at,
            year=received_at.year,
            complainant_name=name,
            complainant_email=email,
            subject=subject,
            description=description,
            procedure="hss",
            acknowledge_due=date(2026, 3, 9),
            answer_due=received_at.date() + timedelta(weeks=6),
            flags=[],
        )
        session.flush()
        return case.number
