"""What officers see of the mail: the inbox, the triage queue, one message with what belongs
to it. Every function works inside the caller's unit of work.

Lists select only the columns they show (a message's text can be 200,000 characters) and walk
the primary key newest (or oldest) first, which is the order the mailbox handed the messages
over: a page costs about the same on fifty messages or fifty thousand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, exists, func, or_, select, union
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement, Select

from klachtenbus.vocabulary import Flag, Kind, MessageStatus
from storage.models import (
    AuditEntry,
    Case,
    Correspondence,
    Label,
    Letter,
    MailboxState,
    StoredMessage,
    carries,
)

MELDCODE_ALERT = "meldcode-signaal"  # the purpose of an alert letter (office.registering)
VIEWED = "message.view"  # the audit action of an officer opening a message
ASSIGNED = "message.assign"  # the audit action of assigning a message without a case

_M = StoredMessage


def _latest(column: Any) -> Any:
    """A column of the latest officer's label of the message in the row; None when nobody
    decided."""
    return (
        select(column)
        .where(Label.message_row_id == _M.id)
        .order_by(Label.id.desc())
        .limit(1)
        .correlate(_M)
        .scalar_subquery()
    )


_decided = exists().where(Label.message_row_id == _M.id)

LIST_COLUMNS = (
    _M.id,
    _M.received_at,
    _M.mailbox,
    _M.sender_name,
    _M.sender_email,
    _M.subject,
    _M.kind,
    _M.status,
    _M.flags,
    _M.complaint_probability,
    _M.duplicate_of,
    _M.attempts,
    _latest(Label.kind).label("decided"),
    _latest(Label.flags).label("decided_flags"),
)


def subject_of(message_row_id: int) -> str:
    """How the audit trail names a message."""
    return f"message:{message_row_id}"


def _listed() -> Select[Any]:
    return select(*LIST_COLUMNS)


@cache  # statements are built once: building one costs more than SQLite running it
def _flagged(flag: str) -> Select[Any]:
    """The messages carrying a flag, read from the flag's partial index."""
    flagged = aliased(StoredMessage)
    return select(flagged.id).where(carries(flagged.flags, flag))


@cache
def _has_flag(flag: str) -> ColumnElement[bool]:
    """A flag the bot gave the message, or an officer in a label: one list of ids from the
    flag's partial index and the labels, looked up by primary key."""
    labelled = select(Label.message_row_id).where(carries(Label.flags, flag))
    return _M.id.in_(union(_flagged(flag), labelled))


@cache
def _relabelled(kind: str) -> Select[Any]:
    """The messages whose latest officer's label says `kind`."""
    newest = aliased(Label)
    latest = (
        select(func.max(newest.id))
        .where(newest.message_row_id == Label.message_row_id)
        .scalar_subquery()
    )
    return select(Label.message_row_id).where(Label.kind == kind, Label.id == latest)


def _filters(
    *,
    status: str | None = None,
    flag: str | None = None,
    mailbox: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if status is not None:
        if status == MessageStatus.FAILED:  # quarantined, or on its way there
            where.extend(_failing())
        else:
            where.append(_M.status == status)
    if flag is not None:
        where.append(_has_flag(flag))
    if mailbox is not None:
        where.append(_M.mailbox == mailbox)
    if since is not None:
        where.append(_M.received_at >= since)
    if until is not None:
        where.append(_M.received_at < until)
    return where


def inbox_rows(
    session: Session,
    *,
    kind: str | None = None,
    offset: int = 0,
    limit: int = 50,
    **filters: Any,
) -> list[Row[Any]]:
    """One page of every message received, of any status, newest first; `kind` is what the
    message is now (the latest officer's label, else the bot's judgement), the other filters
    are those of `_filters`."""
    where = _filters(**filters)
    # Newest first: by number (the order the mailbox handed them over), or within a period by
    # arrival time, whose index then gives the order too (a planner walking the numbers back
    # to an old period would pass every message since).
    dated = filters.get("since") is not None or filters.get("until") is not None
    order = (_M.received_at.desc(), _M.id.desc()) if dated else (_M.id.desc(),)
    if kind is None:
        statement = _listed().where(*where).order_by(*order).offset(offset).limit(limit)
        return list(session.execute(statement))
    # The undecided of the bot's kind and the relabelled, each newest first from an index (a
    # walk past every message, asking each for its labels, took a tenth of a second), merged.
    wanted = offset + limit
    # Within a period the arrival index narrows best; the kind as an expression keeps the
    # planner from walking the kind index through every year's complaints instead.
    of_kind = func.coalesce(_M.kind, "") == kind if dated else _M.kind == kind
    undecided = session.execute(
        select(_M.received_at, _M.id)
        .where(of_kind, ~_decided, *where)
        .order_by(*order)
        .limit(wanted)
    )
    relabelled = session.execute(
        select(_M.received_at, _M.id)
        .where(_M.id.in_(_relabelled(kind)), *where)
        .order_by(*order)
        .limit(wanted)
    )
    found = [(at, number) for at, number in [*undecided, *relabelled]]
    found.sort(key=(lambda x: x) if dated else (lambda x: x[1]), reverse=True)
    page = [number for _, number in found[offset:wanted]]
    rows = {row.id: row for row in rows_of(session, page)}
    return [rows[number] for number in page]


def inbox_count(session: Session, *, kind: str | None = None, **filters: Any) -> int:
    where = _filters(**filters)

    def counted(*terms: ColumnElement[bool]) -> Any:
        return select(func.count()).select_from(_M).where(*terms, *where).scalar_subquery()

    if kind is None:
        return int(session.scalar(select(counted())) or 0)
    # the bot's kind (an index count), less the decided among them, plus the relabelled
    of_kind, decided, relabelled = session.execute(
        select(
            counted(_M.kind == kind),
            counted(_M.kind == kind, _M.id.in_(select(Label.message_row_id))),
            counted(_M.id.in_(_relabelled(kind))),
        )
    ).one()
    return int(of_kind) - int(decided) + int(relabelled)


def mailboxes(session: Session) -> list[str]:
    """The mailboxes polled (each poll records its mailbox before it stores anything)."""
    return list(session.scalars(select(MailboxState.mailbox).order_by(MailboxState.mailbox)))


# -- the triage queue --------------------------------------------------------------------------


@cache
def _meldcode_undecided() -> tuple[ColumnElement[bool], ...]:
    return (
        carries(_M.flags, Flag.MELDCODE),  # the flag's partial index
        _M.status != MessageStatus.DUPLICATE,
        # machine mail by its headers is never a person's signal (the bot alerts none either)
        or_(_M.kind.is_(None), _M.kind != Kind.OTHER),
        ~_decided,
    )


@cache
def _uncertain_undecided() -> tuple[ColumnElement[bool], ...]:
    return (
        _M.kind == Kind.UNCERTAIN,
        ~_decided,
        _M.id.not_in(_flagged(Flag.MELDCODE)),  # those are listed first, as SPOED
    )


@cache
def _unreadable_undecided() -> tuple[ColumnElement[bool], ...]:
    """Quarantined, or failing to be recorded and to be tried again: both wait for a person
    until someone decides (the digest names the quarantined ones too)."""
    return (*_failing(), ~_decided)


def _failing() -> tuple[ColumnElement[bool], ...]:
    """Quarantined, or failed at least once and to be tried again: two values of the status
    index (an OR over the two made SQLite read every message)."""
    return (
        _M.status.in_((MessageStatus.FAILED, MessageStatus.STORED)),
        or_(_M.status == MessageStatus.FAILED, _M.attempts > 0),
    )


def meldcode_waiting(session: Session, limit: int = 200) -> list[Row[Any]]:
    """Possible signs of abuse no officer has decided on yet, oldest first."""
    return list(
        session.execute(_listed().where(*_meldcode_undecided()).order_by(_M.id).limit(limit))
    )


def uncertain_waiting(session: Session, limit: int = 200) -> list[Row[Any]]:
    """What the bot was unsure about and no officer has decided yet, oldest first (meldcode
    signals among them are listed apart, first)."""
    statement = _listed().where(*_uncertain_undecided()).order_by(_M.id).limit(limit)
    return list(session.execute(statement))


def unreadable_waiting(session: Session, limit: int = 200) -> list[Row[Any]]:
    statement = _listed().where(*_unreadable_undecided()).order_by(_M.id).limit(limit)
    return list(session.execute(statement))


def waiting_counts(session: Session) -> tuple[int, int, int]:
    """How many meldcode signals, doubts and unreadable messages wait, in one statement."""
    meldcode, uncertain, unreadable = session.execute(_waiting_counts()).one()
    return int(meldcode), int(uncertain), int(unreadable)


@cache
def _waiting_counts() -> Select[Any]:
    def counted(where: tuple[ColumnElement[bool], ...]) -> Any:
        return select(func.count()).select_from(_M).where(*where).scalar_subquery()

    return select(
        counted(_meldcode_undecided()),
        counted(_uncertain_undecided()),
        counted(_unreadable_undecided()),
    )


def registered_since(session: Session, since: datetime, chunk: int = 100) -> list[tuple[int, str]]:
    """(message, case number) of the cases registered since `since` whose message no officer
    has decided on, oldest first: the complaints an officer should still have looked at.

    Cases are numbered as they are registered, so the newest are read back by id until one is
    older: a week's cases, never the years behind them."""
    found: list[tuple[int, str]] = []
    below: int | None = None
    while True:
        statement = select(Case.id, Case.created_at, Case.message_row_id, Case.number)
        if below is not None:
            statement = statement.where(Case.id < below)
        rows = session.execute(statement.order_by(Case.id.desc()).limit(chunk)).all()
        recent = [r for r in rows if r.created_at >= since]
        found += [(r.message_row_id, r.number) for r in recent]
        if len(recent) < len(rows) or len(rows) < chunk:
            break
        below = rows[-1].id
    decided = set(labelled(session, [m for m, _ in found]))
    return [(m, n) for m, n in reversed(found) if m not in decided]


def labelled(session: Session, message_row_ids: Sequence[int]) -> set[int]:
    """Which of these messages an officer has decided on."""
    ids = list(message_row_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            session.scalars(select(Label.message_row_id).where(Label.message_row_id.in_(chunk)))
        )
    return found


def viewed(session: Session, message_row_ids: Sequence[int]) -> set[int]:
    """Which of these messages an officer has opened (the audit trail says so)."""
    wanted = {subject_of(i): i for i in message_row_ids}
    found: set[int] = set()
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        subjects = session.scalars(
            select(AuditEntry.subject)
            .where(AuditEntry.subject.in_(chunk), AuditEntry.action == VIEWED)
            .distinct()
        )
        found.update(wanted[s] for s in subjects)
    return found


def rows_of(
    session: Session, message_row_ids: Sequence[int], *, newest_first: bool = False
) -> list[Row[Any]]:
    """The list columns of these messages, oldest (or newest) first."""
    if not message_row_ids:
        return []
    order = _M.id.desc() if newest_first else _M.id
    statement = _listed().where(_M.id.in_(list(message_row_ids))).order_by(order)
    return list(session.execute(statement))


def disagreements(session: Session, limit: int = 200) -> dict[int, list[Label]]:
    """Messages whose officers' latest decisions differ, each with every label, newest
    message first. A colleague who changes their mind to agree ends the disagreement."""
    candidates = list(
        session.scalars(
            select(Label.message_row_id)
            .group_by(Label.message_row_id)
            .having(func.count(func.distinct(Label.kind)) > 1)
            .order_by(Label.message_row_id.desc())
        )
    )
    found: dict[int, list[Label]] = {}
    for message_row_id, labels in labels_of_many(session, candidates).items():
        if differ(labels):
            found[message_row_id] = labels
            if len(found) >= limit:
                break
    return found


def differ(labels: Iterable[Label]) -> bool:
    """Whether the officers' latest decisions (one per officer) name different kinds."""
    latest: dict[str, str] = {}
    for label in sorted(labels, key=lambda x: x.id):
        latest[label.officer] = label.kind
    return len(set(latest.values())) > 1


def labels_of_many(session: Session, message_row_ids: Sequence[int]) -> dict[int, list[Label]]:
    """Every label of these messages, oldest first per message, in the order asked."""
    found: dict[int, list[Label]] = {i: [] for i in message_row_ids}
    ids = list(found)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for label in session.scalars(
            select(Label).where(Label.message_row_id.in_(chunk)).order_by(Label.id)
        ):
            found[label.message_row_id].append(label)
    return found


# -- what belongs to a message -----------------------------------------------------------------


def cases_of(session: Session, message_row_ids: Sequence[int]) -> dict[int, str]:
    """The case number each of these messages is, or joined as correspondence."""
    ids = list(message_row_ids)
    if not ids:
        return {}
    own = session.execute(
        select(Case.message_row_id, Case.number).where(Case.message_row_id.in_(ids))
    )
    joined = session.execute(
        select(Correspondence.message_row_id, Case.number)
        .join(Case, Case.id == Correspondence.case_id)
        .where(Correspondence.message_row_id.in_(ids))
    )
    return {m: n for m, n in [*joined, *own]}


def case_of(session: Session, message_row_id: int) -> tuple[Case, bool] | None:
    """The case of a message, and whether the message is its complaint (not a later letter)."""
    case = session.scalar(select(Case).where(Case.message_row_id == message_row_id))
    if case is not None:
        return case, True
    case = session.scalar(
        select(Case)
        .join(Correspondence, Correspondence.case_id == Case.id)
        .where(Correspondence.message_row_id == message_row_id)
    )
    return (case, False) if case is not None else None


def assignments(session: Session, message_row_ids: Sequence[int]) -> dict[int, str]:
    """Who each of these messages is assigned to: the officer of its case, else the latest
    assignment in the audit trail."""
    ids = list(message_row_ids)
    found: dict[int, str] = {}
    wanted = {subject_of(i): i for i in ids}
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for entry in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject.in_(chunk), AuditEntry.action == ASSIGNED)
            .order_by(AuditEntry.id)
        ):
            officer = (entry.after or {}).get("behandelaar")
            if officer:
                found[wanted[entry.subject]] = str(officer)
    if ids:
        rows = session.execute(
            select(Case.message_row_id, Case.officer).where(
                Case.message_row_id.in_(ids), Case.officer.is_not(None)
            )
        )
        found.update({m: officer for m, officer in rows if officer})
    return found


def earlier_from(session: Session, email: str, before: int, limit: int = 20) -> list[Row[Any]]:
    """The sender's earlier mail, newest first (the lower-cased address has its index)."""
    statement = (
        _listed()
        .where(func.lower(_M.sender_email) == email.lower(), _M.id < before)
        .order_by(_M.id.desc())
        .limit(limit)
    )
    return list(session.execute(statement))


def alerts_of(session: Session, message_row_id: int, case_id: int | None) -> list[Letter]:
    """The meldcode alerts about a message (or its case), oldest first."""
    about = Letter.message_row_id == message_row_id
    if case_id is not None:
        about = or_(about, Letter.case_id == case_id)
    return list(
        session.scalars(
            select(Letter).where(about, Letter.purpose == MELDCODE_ALERT).order_by(Letter.id)
        )
    )


def letters_of_case(session: Session, case_id: int, statuses: Iterable[str]) -> list[Letter]:
    """A case's letters in these states (what a meldcode hand-over must hold back)."""
    return list(
        session.scalars(
            select(Letter)
            .where(
                Letter.case_id == case_id,
                Letter.status.in_(list(statuses)),
                Letter.purpose != MELDCODE_ALERT,
            )
            .order_by(Letter.id)
        )
    )
