"""What the health of an installation is read from: the mailbox heartbeats, the problems
admins were alarmed about, and the counts `/metrics` shows. Numbers and times only: nothing
here returns a name, an address or a subject."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from klachtenbus.vocabulary import LetterStatus, MessageStatus, Role
from storage.models import (
    Case,
    HealthProblem,
    Label,
    Letter,
    MailboxHeartbeat,
    StoredMessage,
    User,
)

# Letters Klachtenbus writes to its own admins about its own health: never counted as stuck
# post (an alarm about an alarm would never end).
ALARM_PURPOSES = ("alarm", "alarm-opgelost")
UNSENT = (LetterStatus.PENDING, LetterStatus.SENDING)


def heartbeat(session: Session, mailbox: str) -> MailboxHeartbeat:
    """The mailbox's heartbeat row, made on first use."""
    row = session.scalar(select(MailboxHeartbeat).where(MailboxHeartbeat.mailbox == mailbox))
    if row is None:
        try:
            with session.begin_nested():
                session.add(MailboxHeartbeat(mailbox=mailbox, attempts=0, errors=0, backlog=0,
                                             quarantined=0))  # fmt: skip
        except IntegrityError:  # another worker made it just now
            pass
        row = session.scalars(
            select(MailboxHeartbeat).where(MailboxHeartbeat.mailbox == mailbox)
        ).one()
    return row


def heartbeats(session: Session) -> list[MailboxHeartbeat]:
    return list(session.scalars(select(MailboxHeartbeat).order_by(MailboxHeartbeat.mailbox)))


def backlog(session: Session, source: str | None) -> int:
    """Messages of this mailbox stored but not yet judged (all mailboxes for None)."""
    query = select(func.count()).select_from(StoredMessage)
    query = query.where(StoredMessage.status == MessageStatus.STORED)
    if source is not None:
        query = query.where(StoredMessage.mailbox == source)
    return int(session.scalar(query) or 0)


def quarantined(session: Session, source: str | None = None) -> int:
    """Messages in quarantine no officer has decided on (of one mailbox, or all)."""
    query = select(func.count()).select_from(StoredMessage)
    query = query.where(
        StoredMessage.status == MessageStatus.FAILED,
        StoredMessage.id.not_in(select(Label.message_row_id)),
    )
    if source is not None:
        query = query.where(StoredMessage.mailbox == source)
    return int(session.scalar(query) or 0)


def oldest_unsent(session: Session) -> datetime | None:
    """When the oldest letter still waiting to go out was written (alarms left out)."""
    return session.scalar(
        select(func.min(Letter.created_at)).where(
            Letter.status.in_(UNSENT), Letter.purpose.not_in(ALARM_PURPOSES)
        )
    )


def admin_addresses(session: Session) -> list[str]:
    """The e-mail addresses of the active admin accounts."""
    found = session.scalars(
        select(User.email).where(
            User.role == Role.ADMIN, User.active.is_(True), User.email.is_not(None)
        )
    )
    return sorted({address.strip().lower() for address in found if address and address.strip()})


def open_problems(session: Session) -> dict[str, HealthProblem]:
    rows = session.scalars(select(HealthProblem).where(HealthProblem.open_key.is_not(None)))
    return {row.key: row for row in rows}


def open_problem(session: Session, key: str, summary: str, at: datetime) -> HealthProblem | None:
    """Open a problem; None when it is open already (another worker was first)."""
    problem = HealthProblem(key=key, open_key=key, summary=summary, opened_at=at)
    try:
        with session.begin_nested():
            session.add(problem)
    except IntegrityError:
        return None
    return problem


def close_problem(session: Session, problem: HealthProblem, at: datetime) -> bool:
    """Mark a problem solved; False when another worker did so first."""
    done = session.execute(
        update(HealthProblem)
        .where(HealthProblem.id == problem.id, HealthProblem.open_key.is_not(None))
        .values(open_key=None, resolved_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def grow_problem(session: Session, problem: HealthProblem, measure: int, summary: str) -> bool:
    """Record that an open problem got bigger; False when another worker did so first."""
    done = session.execute(
        update(HealthProblem)
        .where(
            HealthProblem.id == problem.id,
            HealthProblem.open_key.is_not(None),
            HealthProblem.measure < measure,
        )
        .values(measure=measure, summary=summary)
        .execution_options(synchronize_session=False)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


# -- what /metrics counts ----------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """The installation's numbers at one moment, for Prometheus."""

    messages: dict[tuple[str, str], int]  # (kind or "", status) -> count
    letters: dict[tuple[str, str], int]  # (purpose, status) -> count
    letters_failing: int  # pending after a refusal: the server said no at least once
    heartbeats: list[MailboxHeartbeat]
    quarantined: int
    # arrival to acknowledgement: (upper bound in seconds, cumulative count), then count, sum
    latency_buckets: list[tuple[float, int]]
    latency_count: int
    latency_sum: float


def _seconds(session: Session, later: ColumnElement[datetime], earlier: ColumnElement[datetime]):  # type: ignore[no-untyped-def]
    """The seconds between two timestamps, in the database's own arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def counts(session: Session, buckets: Sequence[float]) -> Counts:
    messages = {
        (kind or "", status): int(n)
        for kind, status, n in session.execute(
            select(StoredMessage.kind, StoredMessage.status, func.count()).group_by(
                StoredMessage.kind, StoredMessage.status
            )
        )
    }
    letters = {
        (purpose, status): int(n)
        for purpose, status, n in session.execute(
            select(Letter.purpose, Letter.status, func.count()).group_by(
                Letter.purpose, Letter.status
            )
        )
    }
    failing = session.scalar(
        select(func.count())
        .select_from(Letter)
        .where(Letter.status == LetterStatus.PENDING, Letter.last_error.is_not(None))
    )
    waited = _seconds(session, Letter.sent_at, Case.received_at)
    acknowledged = (
        select(waited.label("seconds"))
        .join(Case, Case.id == Letter.case_id)
        .where(
            Letter.purpose == "ontvangstbevestiging",
            Letter.status == LetterStatus.SENT,
            Letter.sent_at.is_not(None),
        )
        # computed once per letter, not once per bucket (a subquery is inlined into each)
        .cte("acknowledged")
        .prefix_with("MATERIALIZED")
    )
    seconds = acknowledged.c.seconds
    columns = [func.sum(case((seconds <= bound, 1), else_=0)) for bound in buckets]
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(seconds), 0.0), *columns).select_from(
            acknowledged
        )
    ).one()
    return Counts(
        messages=messages,
        letters=letters,
        letters_failing=int(failing or 0),
        heartbeats=heartbeats(session),
        quarantined=quarantined(session),
        latency_buckets=[(b, int(n or 0)) for b, n in zip(buckets, row[2:], strict=True)],
        latency_count=int(row[0] or 0),
        latency_sum=float(row[1] or 0.0),
    )
