"""Reading and writing the records; every function works inside the caller's unit of work."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from klachtenbus.vocabulary import CaseStatus, LetterStatus, MessageStatus
from storage.models import (
    Case,
    CaseCounter,
    CaseEvent,
    Correspondence,
    Label,
    Letter,
    MailboxState,
    ModelVersion,
    StoredMessage,
    now,
)


def compress(raw: bytes) -> bytes:
    return zlib.compress(raw, 6)


def raw_bytes(message: StoredMessage) -> bytes:
    return zlib.decompress(message.raw)


def mailbox_state(session: Session, mailbox: str) -> MailboxState:
    state = session.scalar(select(MailboxState).where(MailboxState.mailbox == mailbox))
    if state is None:
        _insert_ignore(session, MailboxState, {"mailbox": mailbox, "uidvalidity": 0, "last_uid": 0})
        state = session.scalars(select(MailboxState).where(MailboxState.mailbox == mailbox)).one()
    return state


def known_keys(session: Session, mailbox: str, keys: Sequence[str]) -> dict[str, StoredMessage]:
    """Which of these mailbox keys are already stored, and as what."""
    found: dict[str, StoredMessage] = {}
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        rows = session.scalars(
            select(StoredMessage).where(
                StoredMessage.mailbox == mailbox, StoredMessage.source_key.in_(chunk)
            )
        )
        found.update({row.source_key: row for row in rows})
    return found


def store_raw(
    session: Session,
    *,
    mailbox: str,
    key: str,
    raw: bytes,
    received_at: datetime,
    uid: int | None = None,
    uidvalidity: int | None = None,
) -> StoredMessage:
    """The first thing that happens to every message: its bytes are kept."""
    row = StoredMessage(
        mailbox=mailbox,
        source_key=key,
        uid=uid,
        uidvalidity=uidvalidity,
        raw=compress(raw),
        raw_size=len(raw),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        received_at=received_at,
        status=MessageStatus.STORED,
    )
    session.add(row)
    session.flush()  # a second worker storing the same key fails here, on the unique key
    return row


def store_raw_many(
    session: Session,
    mailbox: str,
    messages: Sequence[tuple[str, bytes, datetime, int | None, int | None]],
) -> list[int]:
    """Keep a batch's bytes in one INSERT; returns the row ids in the batch's order.

    Each item is (key, raw, received_at, uid, uidvalidity). A key another worker stored
    already fails the whole INSERT on the unique key, as `store_raw` does for one.
    """
    if not messages:
        return []
    stored_at = now()
    rows = [
        {
            "mailbox": mailbox,
            "source_key": key,
            "uid": uid,
            "uidvalidity": uidvalidity,
            "raw": compress(raw),
            "raw_size": len(raw),
            "raw_sha256": hashlib.sha256(raw).hexdigest(),
            "received_at": received_at,
            "stored_at": stored_at,
            "status": MessageStatus.STORED,
            "filed_away": False,
        }
        for key, raw, received_at, uid, uidvalidity in messages
    ]
    statement = insert(StoredMessage.__table__).returning(
        StoredMessage.__table__.c.id, sort_by_parameter_order=True
    )
    return list(session.execute(statement, rows).scalars())


def waiting_messages(session: Session, limit: int = 500) -> list[StoredMessage]:
    """Stored but never judged: a worker died between storing and processing."""
    return list(
        session.scalars(
            select(StoredMessage)
            .where(StoredMessage.status == MessageStatus.STORED)
            .order_by(StoredMessage.id)
            .limit(limit)
        )
    )


def message_states(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """(status, kind) of each stored message, in one query."""
    rows = session.execute(
        select(StoredMessage.id, StoredMessage.status, StoredMessage.kind).where(
            StoredMessage.id.in_(list(ids))
        )
    )
    return {row_id: (status, kind) for row_id, status, kind in rows}


def update_messages(session: Session, changes: list[dict[str, Any]]) -> None:
    """Record judgements by primary key, as one executemany.

    Every change must name the same columns (and "id"); a core UPDATE, since the ORM's bulk
    path cost more than the statement itself.
    """
    if not changes:
        return
    table = StoredMessage.__table__
    statement = update(table).where(table.c.id == bindparam("_id"))  # SET: the other keys
    session.execute(
        statement,
        [
            {k: v for k, v in change.items() if k != "id"} | {"_id": change["id"]}
            for change in changes
        ],
    )


def dedup_owners(session: Session, keys: Sequence[str]) -> dict[str, int]:
    """Which of these dedup keys already belong to a stored message, and to which."""
    owners: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        found = session.execute(
            select(StoredMessage.dedup_key, StoredMessage.id).where(
                StoredMessage.dedup_key.in_(chunk)
            )
        )
        owners.update({key: row_id for key, row_id in found if key})
    return owners


def by_dedup_key(session: Session, dedup_key: str) -> StoredMessage | None:
    return session.scalar(select(StoredMessage).where(StoredMessage.dedup_key == dedup_key))


def next_case_sequence(session: Session, year: int) -> int:
    """Gap-free per year: the counter row stays locked until this unit of work commits."""
    bump = (
        update(CaseCounter)
        .where(CaseCounter.year == year)
        .values(last=CaseCounter.last + 1)
        .returning(CaseCounter.last)
    )
    sequence = session.execute(bump).scalar_one_or_none()
    if sequence is None:  # the first case of the year: make its counter, then take the number
        _insert_ignore(session, CaseCounter, {"year": year, "last": 0})
        sequence = session.execute(bump).scalar_one()
    return sequence


def next_case_sequences(session: Session, year: int, count: int) -> range:
    """`count` consecutive numbers for one year in one UPDATE; the counter row stays locked
    until this unit of work commits, so they are gap-free and no other worker gets them."""
    bump = (
        update(CaseCounter)
        .where(CaseCounter.year == year)
        .values(last=CaseCounter.last + count)
        .returning(CaseCounter.last)
    )
    last = session.execute(bump).scalar_one_or_none()
    if last is None:  # the first case of the year: make its counter, then take the numbers
        _insert_ignore(session, CaseCounter, {"year": year, "last": 0})
        last = session.execute(bump).scalar_one()
    return range(last - count + 1, last + 1)


def add_cases(session: Session, cases: Sequence[dict[str, Any]]) -> list[int]:
    """Insert registered cases (column values, number and sequence included) in one
    statement; returns their ids in the given order."""
    if not cases:
        return []
    created_at = now()
    rows = [
        {"channel": "e-mail", "status": CaseStatus.RECEIVED, "created_at": created_at} | case
        for case in cases
    ]
    statement = insert(Case.__table__).returning(Case.__table__.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, rows).scalars())


def add_letters(session: Session, letters: Sequence[dict[str, Any]]) -> None:
    """Insert outgoing letters (case_id, purpose, recipient, message_id, raw, status,
    last_error) in one executemany."""
    if not letters:
        return
    at = now()
    rows = [{"attempts": 0, "next_attempt_at": at, "created_at": at} | letter for letter in letters]
    session.execute(insert(Letter.__table__), rows)


def add_case(
    session: Session,
    message_row_id: int,
    *,
    received_at: datetime,
    year: int,
    complainant_name: str,
    complainant_email: str | None,
    subject: str,
    description: str,
    procedure: str,
    acknowledge_due: date,
    answer_due: date,
    flags: list[str],
) -> Case:
    sequence = next_case_sequence(session, year)
    case = Case(
        number=f"K-{year}-{sequence:04d}",
        year=year,
        sequence=sequence,
        message_row_id=message_row_id,
        received_at=received_at,
        complainant_name=complainant_name,
        complainant_email=complainant_email,
        subject=subject,
        description=description,
        channel="e-mail",
        status=CaseStatus.RECEIVED,
        procedure=procedure,
        acknowledge_due=acknowledge_due,
        answer_due=answer_due,
        flags=flags,
    )
    session.add(case)
    return case


def add_letter(
    session: Session,
    case: Case,
    *,
    purpose: str,
    recipient: str | None,
    message_id: str,
    raw: bytes,
    status: LetterStatus = LetterStatus.PENDING,
) -> Letter:
    letter = Letter(
        case=case,
        purpose=purpose,
        recipient=recipient,
        message_id=message_id,
        raw=raw,
        status=status,
    )
    session.add(letter)
    return letter


def due_letter_ids(session: Session, at: datetime, limit: int = 50) -> list[int]:
    return list(
        session.scalars(
            select(Letter.id)
            .where(Letter.status == LetterStatus.PENDING, Letter.next_attempt_at <= at)
            .order_by(Letter.id)
            .limit(limit)
        )
    )


def due_letter_count(session: Session, at: datetime) -> int:
    """How many letters are due: what waits while the SMTP server is away."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Letter)
            .where(Letter.status == LetterStatus.PENDING, Letter.next_attempt_at <= at)
        )
        or 0
    )


@dataclass(frozen=True)
class ClaimedLetter:
    """A letter taken for sending: what the mailer needs, without an ORM object."""

    id: int
    raw: bytes
    recipient: str | None
    message_id: str
    attempts: int


def claim_letters(session: Session, letter_ids: Sequence[int], at: datetime) -> list[ClaimedLetter]:
    """Take several letters for sending in one UPDATE; a letter another worker took is left
    out. Returned in id order."""
    if not letter_ids:
        return []
    table = Letter.__table__
    claimed = session.execute(
        update(table)
        .where(table.c.id.in_(list(letter_ids)), table.c.status == LetterStatus.PENDING)
        .values(status=LetterStatus.SENDING, claimed_at=at, attempts=table.c.attempts + 1)
        .returning(table.c.id, table.c.raw, table.c.recipient, table.c.message_id, table.c.attempts)
    )
    return sorted((ClaimedLetter(*row) for row in claimed), key=lambda letter: letter.id)


def release_letters(session: Session, letter_ids: Sequence[int], error: str | None = None) -> None:
    """Give back claimed letters the server never took: pending again and due at once, as if
    never claimed (a stop came first, or the server went away; `error` says why)."""
    if not letter_ids:
        return
    table = Letter.__table__
    values: dict[str, Any] = {"status": LetterStatus.PENDING, "claimed_at": None}
    if error is not None:
        values["last_error"] = error[:2000]
    session.execute(
        update(table)
        .where(table.c.id.in_(list(letter_ids)), table.c.status == LetterStatus.SENDING)
        .values(attempts=table.c.attempts - 1, **values)
    )


def letters_sent(session: Session, letter_ids: Sequence[int], at: datetime) -> None:
    """Record the delivery of several letters; their acknowledgements move the cases from
    received to acknowledged."""
    if not letter_ids:
        return
    ids = list(letter_ids)
    letters, cases = Letter.__table__, Case.__table__
    session.execute(
        update(letters)
        .where(letters.c.id.in_(ids))
        .values(status=LetterStatus.SENT, sent_at=at, last_error=None)
    )
    acknowledged = select(letters.c.case_id).where(
        letters.c.id.in_(ids), letters.c.purpose == "ontvangstbevestiging"
    )
    moved = session.scalars(
        update(cases)
        .where(cases.c.id.in_(acknowledged), cases.c.status == CaseStatus.RECEIVED)
        .values(status=CaseStatus.ACKNOWLEDGED, acknowledged_at=at)
        .returning(cases.c.id)
    ).all()
    _acknowledged_events(session, moved, at)


def _acknowledged_events(session: Session, case_ids: Sequence[int], at: datetime) -> None:
    """Every move is in the case's history, also the one the bot makes by itself."""
    if case_ids:
        session.execute(
            insert(CaseEvent.__table__),
            [
                {"case_id": case_id, "at": at, "actor": "klachtenbus", "kind": "move",
                 "from_status": CaseStatus.RECEIVED, "to_status": CaseStatus.ACKNOWLEDGED,
                 "reason": "ontvangstbevestiging verstuurd"}
                for case_id in case_ids
            ],
        )  # fmt: skip


def letter_failed(session: Session, letter_id: int, error: str, retry_at: datetime) -> None:
    """The server refused this letter: pending again, not before `retry_at`."""
    session.execute(
        update(Letter)
        .where(Letter.id == letter_id)
        .values(
            status=LetterStatus.PENDING,
            claimed_at=None,
            next_attempt_at=retry_at,
            last_error=error[:2000],
        )
    )


def abandon_stale_claims(session: Session, older_than: timedelta) -> int:
    """Letters a dead worker was sending: mark them uncertain instead of sending twice."""
    result = session.execute(
        update(Letter)
        .where(Letter.status == LetterStatus.SENDING, Letter.claimed_at < now() - older_than)
        .values(
            status=LetterStatus.UNCERTAIN,
            last_error="Verzending onderbroken; controleer of de brief is aangekomen.",
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def cases(session: Session, limit: int = 200) -> list[Case]:
    return list(session.scalars(select(Case).order_by(Case.id.desc()).limit(limit)))


def failed_messages(session: Session, limit: int = 200) -> list[StoredMessage]:
    return list(
        session.scalars(
            select(StoredMessage)
            .where(StoredMessage.status == MessageStatus.FAILED)
            .order_by(StoredMessage.id.desc())
            .limit(limit)
        )
    )


def quarantined_undecided(session: Session, limit: int = 100) -> list[StoredMessage]:
    """Messages in quarantine no officer has decided on yet (by a label), oldest first: the
    daily digest names them until someone does."""
    decided = select(Label.message_row_id)
    return list(
        session.scalars(
            select(StoredMessage)
            .where(StoredMessage.status == MessageStatus.FAILED, StoredMessage.id.not_in(decided))
            .order_by(StoredMessage.received_at)
            .limit(limit)
        )
    )


def active_model(session: Session) -> ModelVersion | None:
    return session.scalar(
        select(ModelVersion).where(ModelVersion.active.is_(True)).order_by(ModelVersion.id.desc())
    )


def add_model(session: Session, *, active: bool = True, **fields: Any) -> ModelVersion:
    """A new model version; active at once (the first model, `klachtenbus init`) or a
    candidate that waits for an admin to promote it."""
    if active:
        session.execute(update(ModelVersion).values(active=False))
        fields.setdefault("promoted_at", now())
    model = ModelVersion(active=active, **fields)
    session.add(model)
    session.flush()
    return model


def _insert_ignore(session: Session, table: Any, values: dict[str, Any]) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql  # each dialect's module only where it is used

        session.execute(postgresql.insert(table).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        session.execute(sqlite.insert(table).values(**values).on_conflict_do_nothing())
    else:  # other backends: a plain insert inside a savepoint, ignoring a duplicate
        from sqlalchemy.exc import IntegrityError

        try:
            with session.begin_nested():
                session.add(table(**values))
        except IntegrityError:
            pass


def find_message(session: Session, reference: str) -> StoredMessage | None:
    """A stored message by its number (as `klachtenbus triage` shows it) or its Message-ID."""
    if reference.isdigit():
        return session.get(StoredMessage, int(reference))
    message_id = reference if reference.startswith("<") else f"<{reference}>"
    return session.scalars(
        select(StoredMessage)
        .where(StoredMessage.message_id == message_id)
        .order_by(StoredMessage.id)
    ).first()


def add_label(
    session: Session,
    message: StoredMessage,
    *,
    kind: str,
    flags: list[str],
    officer: str,
    note: str | None,
) -> Label:
    label = Label(message_row_id=message.id, kind=kind, flags=flags, officer=officer, note=note)
    session.add(label)
    return label


def labels_of(session: Session, message_row_id: int) -> list[Label]:
    """Every officer's decision on one message, oldest first."""
    return list(
        session.scalars(
            select(Label).where(Label.message_row_id == message_row_id).order_by(Label.id)
        )
    )


def case_or_correspondence_of(session: Session, message_row_id: int) -> bool:
    """Whether a message already is a case, or joined one as correspondence."""
    found = session.scalar(select(Case.id).where(Case.message_row_id == message_row_id))
    if found is None:
        found = session.scalar(
            select(Correspondence.id).where(Correspondence.message_row_id == message_row_id)
        )
    return found is not None


def newest_labels() -> Select[tuple[Label, StoredMessage]]:
    """The newest label of every labelled message, with the message: an officer's latest
    decision is the one that counts."""
    newest = (
        select(Label.message_row_id, func.max(Label.id).label("id"))
        .group_by(Label.message_row_id)
        .subquery()
    )
    return (
        select(Label, StoredMessage)
        .join(newest, Label.id == newest.c.id)
        .join(StoredMessage, StoredMessage.id == Label.message_row_id)
    )


def latest_labels(session: Session) -> list[tuple[Label, StoredMessage]]:
    """The newest label of every labelled message, with the message, oldest first."""
    rows = session.execute(newest_labels().order_by(Label.id))
    return [(label, message) for label, message in rows]


def triage_queue(session: Session, limit: int = 200) -> list[StoredMessage]:
    """What the bot was unsure about and no officer has decided yet, oldest first."""
    decided = select(Label.message_row_id)
    return list(
        session.scalars(
            select(StoredMessage)
            .where(StoredMessage.kind == "uncertain", StoredMessage.id.not_in(decided))
            .order_by(StoredMessage.received_at)
            .limit(limit)
        )
    )


def model_versions(session: Session) -> list[ModelVersion]:
    return list(session.scalars(select(ModelVersion).order_by(ModelVersion.id)))


def activate_model(session: Session, version_id: int) -> ModelVersion | None:
    model = session.get(ModelVersion, version_id)
    if model is None:
        return None
    session.execute(update(ModelVersion).values(active=False))
    model.active = True
    return model
