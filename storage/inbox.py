"""What officers see of the mail: the inbox, the triage queue, one message with what belongs
to it. Every function works inside the caller's unit of work.

Lists select only the columns they show (a message's text can be 200,000 characters) and walk
the primary key newest (or oldest) first, which is the order the mailbox handed the messages
over: a page costs about the same on fifty messages or fifty thousand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Text, cast, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from klachtenbus.vocabulary import Flag, Kind, MessageStatus
from storage.models import AuditEntry, Case, Correspondence, Label, Letter, StoredMessage

MELDCODE_ALERT = "meldcode-signaal"  # the purpose of an alert letter (office.registering)
VIEWED = "message.view"  # the audit action of an officer opening a message
ASSIGNED = "message.assign"  # the audit action of assigning a message without a case

_M = StoredMessage

# The latest officer's label of the message in the row, and its flags; None when nobody decided.
_latest_label = (
    select(Label.kind)
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
    _latest_label.label("decided"),
)


def subject_of(message_row_id: int) -> str:
    """How the audit trail names a message."""
    return f"message:{message_row_id}"


def _listed() -> Select[Any]:
    return select(*LIST_COLUMNS)


def _has_flag(flag: str) -> ColumnElement[bool]:
    """A flag in the bot's flags or in an officer's label. Flags are a JSON list of plain
    words, so its text holds the word in double quotes on every backend."""
    needle = f'%"{flag}"%'
    return or_(
        cast(_M.flags, Text).like(needle),
        exists().where(Label.message_row_id == _M.id, cast(Label.flags, Text).like(needle)),
    )


def _filters(
    *,
    kind: str | None,
    status: str | None,
    flag: str | None,
    mailbox: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if kind is not None:  # what the message is now: the latest officer's label, else the bot's
        where.append(func.coalesce(_latest_label, _M.kind) == kind)
    if status is not None:
        if status == MessageStatus.FAILED:  # quarantined, or on its way there
            where.append(
                or_(_M.status == status, (_M.status == MessageStatus.STORED) & (_M.attempts > 0))
            )
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
    status: str | None = None,
    flag: str | None = None,
    mailbox: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[Row[Any]]:
    """One page of every message received, of any status, newest first."""
    where = _filters(kind=kind, status=status, flag=flag, mailbox=mailbox, since=since, until=until)
    statement = _listed().where(*where).order_by(_M.id.desc()).offset(offset).limit(limit)
    return list(session.execute(statement))


def inbox_count(
    session: Session,
    *,
    kind: str | None = None,
    status: str | None = None,
    flag: str | None = None,
    mailbox: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    where = _filters(kind=kind, status=status, flag=flag, mailbox=mailbox, since=since, until=until)
    return int(session.scalar(select(func.count()).select_from(_M).where(*where)) or 0)


def mailboxes(session: Session) -> list[str]:
    """The mailboxes mail came from (the unique key on mailbox + key is their index)."""
    return list(session.scalars(select(_M.mailbox).distinct().order_by(_M.mailbox)))


# -- the triage queue --------------------------------------------------------------------------


def _meldcode_undecided() -> list[ColumnElement[bool]]:
    return [
        cast(_M.flags, Text).like(f'%"{Flag.MELDCODE.value}"%'),
        _M.status != MessageStatus.DUPLICATE,
        # machine mail by its headers is never a person's signal (the bot alerts none either)
        or_(_M.kind.is_(None), _M.kind != Kind.OTHER),
        ~_decided,
    ]


def _uncertain_undecided() -> list[ColumnElement[bool]]:
    return [
        _M.kind == Kind.UNCERTAIN,
        ~cast(_M.flags, Text).like(f'%"{Flag.MELDCODE.value}"%'),
        ~_decided,
    ]


def _unreadable_undecided() -> list[ColumnElement[bool]]:
    """Quarantined, or failing to be recorded and to be tried again: both wait for a person
    until someone decides (the digest names the quarantined ones too)."""
    return [
        or_(
            _M.status == MessageStatus.FAILED,
            (_M.status == MessageStatus.STORED) & (_M.attempts > 0),
        ),
        ~_decided,
    ]


def meldcode_waiting(session: Session, limit: int = 200) -> list[Row[Any]]:
    """Possible signs of abuse no officer has decided on yet, oldest first."""
    return list(
        session.execute(_listed().where(*_meldcode_undecided()).order_by(_M.id).limit(limit))
    )


def uncertain_waiting(session: Session, limit: int = 200) -> list[Row[Any]]:
    """What the bot was unsure about and no officer has decided yet, oldest first (meldcode
    signals are listed with those)."""
    statement = _listed().where(*_uncertain_undecided()).order_by(_M.id).limit(limit)
    return list(session.execute(statement))


def unreadable_waiting(session: Session, limit: int = 200) -> list[Row[Any]]:
    statement = _listed().where(*_unreadable_undecided()).order_by(_M.id).limit(limit)
    return list(session.execute(statement))


def waiting_counts(session: Session) -> tuple[int, int, int]:
    """How many meldcode signals, doubts and unreadable messages wait, in one statement."""

    def counted(where: list[ColumnElement[bool]]) -> Any:
        return select(func.count()).select_from(_M).where(*where).scalar_subquery()

    row = session.execute(
        select(
            counted(_meldcode_undecided()),
            counted(_uncertain_undecided()),
            counted(_unreadable_undecided()),
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def registered_since(session: Session, since: datetime) -> list[tuple[int, str]]:
    """(message, case number) of the cases registered since `since` whose message no officer
    has decided on, oldest first: the complaints an officer should still have looked at."""
    rows = session.execute(
        select(Case.message_row_id, Case.number)
        .where(
            Case.created_at >= since, ~exists().where(Label.message_row_id == Case.message_row_id)
        )
        .order_by(Case.id)
    )
    return [(message_id, number) for message_id, number in rows]


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


def rows_of(session: Session, message_row_ids: Sequence[int]) -> list[Row[Any]]:
    """The list columns of these messages, oldest first."""
    if not message_row_ids:
        return []
    statement = _listed().where(_M.id.in_(list(message_row_ids))).order_by(_M.id)
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
