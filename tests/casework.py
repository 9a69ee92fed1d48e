"""Registered cases and received messages for tests of what officers do, without a mailbox."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import make_msgid

import intake
from office import Office
from office.organisation import Organisation
from procedures import WorkingCalendar, deadlines, load_preset
from storage import Store, connect, migrate, records
from tests.builders import ORGANISATION


def office(preset: str = "hss") -> Office:
    procedure = load_preset(preset)
    return Office(
        procedure=procedure,
        calendar=WorkingCalendar(procedure.country),
        organisation=Organisation(ORGANISATION, "Stichting Zorg Voorbeeld", "Postbus 1, Voorbeeld"),
    )


def store_at(url: str) -> Store:
    engine = connect(url)
    migrate(engine)
    return Store(engine)


def register(
    store: Store,
    office: Office,
    received_at: datetime,
    *,
    email: str | None = "anna.dewit@example.nl",
    name: str = "Anna de Wit",
    subject: str = "Nooit teruggebeld",
    description: str = "Ik heb een klacht.",
) -> str:
    """A case as the pipeline registers it, with its message; returns the case number."""
    due = deadlines(office.procedure, received_at, office.calendar)
    with store.unit_of_work() as session:
        row = records.store_raw(
            session,
            mailbox="INBOX",
            key=make_msgid(),
            raw=b"Subject: test\r\n\r\nIk heb een klacht.\r\n",
            received_at=received_at,
        )
        row.message_id = make_msgid(domain="example.nl")
        row.status = "processed"
        case = records.add_case(
            session,
            row.id,
            received_at=received_at,
            year=due.received_on.year,
            complainant_name=name,
            complainant_email=email,
            subject=subject,
            description=description,
            procedure=office.procedure.key,
            acknowledge_due=due.acknowledge_by or due.answer_by,
            answer_due=due.answer_by,
            flags=[],
        )
        session.flush()
        return case.number


def arrived(
    store: Store,
    raw: bytes,
    *,
    kind: str | None = "uncertain",
    flags: tuple[str, ...] = (),
    status: str = "processed",
    received_at: datetime | None = None,
    mailbox: str = "INBOX",
    probability: float | None = 0.5,
    reasons: tuple[str, ...] = (),
    duplicate_of: int | None = None,
    error: str | None = None,
) -> int:
    """A message as the pipeline leaves it, judged as told (no model needed); returns its
    number. A failed one keeps only its raw bytes and error, as quarantine does."""
    at = received_at or datetime.now(UTC)
    with store.unit_of_work() as session:
        records.mailbox_state(session, mailbox)  # as a poll records it before storing
        row = records.store_raw(session, mailbox=mailbox, key=make_msgid(), raw=raw, received_at=at)
        row.status = status
        if status == "failed":
            row.error = error or "onleesbaar bericht"
            return row.id
        parsed = intake.parse(raw, received_at=at)
        answer = parsed.answer_address
        row.message_id = parsed.message_id
        row.sender_name = parsed.sender.name if parsed.sender else None
        row.sender_email = parsed.sender.email if parsed.sender else None
        row.answer_email = answer.email if answer else None
        row.subject, row.text, row.date_header = parsed.subject, parsed.text, parsed.date
        row.parser = parsed.parser
        row.attachments = [
            {"name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in parsed.attachments
        ]
        row.kind = kind if status != "duplicate" else None
        row.flags = list(flags)
        row.complaint_probability = probability
        row.reasons = list(reasons)
        row.duplicate_of = duplicate_of
        if status == "processed":
            row.dedup_key = f"test:{hashlib.sha256(raw).hexdigest()}:{row.id}"
        return row.id
