"""Registered cases for tests of what officers do with them, without a mailbox."""

from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid

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
