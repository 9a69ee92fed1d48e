"""Records of working a case: its events, the mail that followed it, earlier cases."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from klachtenbus.vocabulary import CaseStatus, Kind
from storage.models import Case, CaseEvent, Correspondence, Letter, StoredMessage, UTCDateTime

BY_NUMBER = "zaaknummer in het onderwerp"  # how a message matched a case by its number only


def case_by_number(session: Session, number: str) -> Case | None:
    return session.scalars(select(Case).where(Case.number == number.strip().upper())).first()


def add_event(
    session: Session,
    case: Case,
    *,
    actor: str,
    kind: str,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    event = CaseEvent(
        case_id=case.id,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        details=details,
    )
    if at is not None:
        event.at = at
    session.add(event)
    return event


def active_cases(session: Session) -> list[Case]:
    """Cases whose clock may still run: everything not closed."""
    return list(
        session.scalars(select(Case).where(Case.status != CaseStatus.CLOSED).order_by(Case.id))
    )


def only_active_case_of(session: Session, email: str) -> Case | None:
    """The complainant's one case still running, when there is exactly one."""
    found = session.scalars(
        select(Case)
        .where(
            func.lower(Case.complainant_email) == email.lower(),
            Case.status != CaseStatus.CLOSED,
        )
        .limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def earlier_cases(session: Session, case: Case) -> list[Case]:
    """The same complainant's cases before this one (the Flemish guide asks for it)."""
    if not case.complainant_email:
        return []
    return list(
        session.scalars(
            select(Case)
            .where(
                func.lower(Case.complainant_email) == case.complainant_email.lower(),
                Case.id < case.id,
            )
            .order_by(Case.id)
        )
    )


def correspondence(session: Session, case_id: int) -> list[StoredMessage]:
    return list(
        session.scalars(
            select(StoredMessage)
            .join(Correspondence, Correspondence.message_row_id == StoredMessage.id)
            .where(Correspondence.case_id == case_id)
            .order_by(StoredMessage.received_at)
        )
    )


def attach(session: Session, case_id: int, message_row_id: int, matched_by: str) -> None:
    session.add(
        Correspondence(case_id=case_id, message_row_id=message_row_id, matched_by=matched_by)
    )


def case_answered(
    session: Session, message_ids: Iterable[str], numbers: Iterable[str]
) -> tuple[Case, str] | None:
    """The case a message answers: one of our letters or the complaint itself in its
    In-Reply-To/References, or else a case number in its subject."""
    ids = [m for m in message_ids if m]
    if ids:
        found = session.execute(
            select(Case).join(Letter, Letter.case_id == Case.id).where(Letter.message_id.in_(ids))
        ).first()
        if found:
            return found[0], "antwoord op onze brief"
        found = session.execute(
            select(Case)
            .join(StoredMessage, StoredMessage.id == Case.message_row_id)
            .where(StoredMessage.message_id.in_(ids))
        ).first()
        if found:
            return found[0], "antwoord op de klacht"
    wanted = [n.upper() for n in numbers]
    if wanted:
        case = session.scalars(select(Case).where(Case.number.in_(wanted))).first()
        if case is not None:
            return case, BY_NUMBER
    return None


def last_automatic_letters(
    session: Session, recipients: Iterable[str], since: datetime
) -> dict[str, datetime]:
    """Per address (lower case): when the latest automatic letter (acknowledgement) to it
    went or will go, where that is after `since`. One query for a whole batch."""
    wanted = sorted({r.lower() for r in recipients})
    if not wanted:
        return {}
    address = func.lower(Letter.recipient)
    latest = func.max(func.coalesce(Letter.sent_at, Letter.next_attempt_at), type_=UTCDateTime())
    rows = session.execute(
        select(address, latest)
        .where(
            address.in_(wanted),
            Letter.purpose == "ontvangstbevestiging",
            Letter.status.in_(("pending", "sending", "sent", "uncertain")),
        )
        .group_by(address)
    )
    return {a: at for a, at in rows if at is not None and at >= since}


def add_alert(
    session: Session,
    *,
    case_id: int | None,
    message_row_id: int,
    recipient: str,
    message_id: str,
    raw: bytes,
) -> Letter:
    """An internal alert (meldcode) about a message, with or without a case; sent once."""
    letter = Letter(
        case_id=case_id,
        message_row_id=message_row_id,
        purpose="meldcode-signaal",
        recipient=recipient,
        message_id=message_id,
        raw=raw,
        status="pending",
    )
    session.add(letter)
    return letter


def machine_senders(session: Session, senders: Iterable[str], since: datetime) -> set[str]:
    """Which of these addresses (lower case) sent us machine mail (an auto-reply) lately."""
    wanted = sorted({s.lower() for s in senders})
    if not wanted:
        return set()
    address = func.lower(StoredMessage.sender_email)
    return set(
        session.scalars(
            select(address)
            .where(
                address.in_(wanted),
                StoredMessage.kind == Kind.OTHER,
                StoredMessage.received_at >= since,
            )
            .distinct()
        )
    )


# What a period report reads of a case: bare columns, not whole rows (the complaint's text
# stays in the database) and no ORM objects (thousands of them made the dashboard wait on
# the garbage collector).
REPORTED = (
    Case.id, Case.number, Case.received_at, Case.status, Case.procedure, Case.category,
    Case.team, Case.municipality, Case.outcome, Case.closure, Case.satisfied, Case.referred_to,
    Case.acknowledged_at, Case.closed_at, Case.paused_days, Case.suspended_since,
    Case.extension_weeks,
)  # fmt: skip
EVENT_COLUMNS = (
    CaseEvent.case_id,
    CaseEvent.at,
    CaseEvent.kind,
    CaseEvent.from_status,
    CaseEvent.to_status,
)


def cases_received(session: Session, start: datetime, end: datetime) -> list[Row[Any]]:
    """Cases received in [start, end), as the columns a period report counts (`REPORTED`)."""
    return list(
        session.execute(
            select(*REPORTED)
            .where(Case.received_at >= start, Case.received_at < end)
            .order_by(Case.id)
        )
    )


def events_of_cases_received(
    session: Session, start: datetime, end: datetime
) -> dict[int, list[Row[Any]]]:
    """The events (`EVENT_COLUMNS`) of the cases received in [start, end), oldest first per
    case, in one query (a report reads thousands of cases)."""
    found: dict[int, list[Row[Any]]] = {}
    rows = session.execute(
        select(*EVENT_COLUMNS)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(Case.received_at >= start, Case.received_at < end)
        .order_by(CaseEvent.case_id, CaseEvent.at, CaseEvent.id)
    )
    for event in rows:
        found.setdefault(event.case_id, []).append(event)
    return found
