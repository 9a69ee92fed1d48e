"""What the admins' dashboard reads besides the cases: the messages of a period (did the bot
leave them to an officer?) and the officers' decisions on messages the bot had decided."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from klachtenbus.vocabulary import Flag, Kind, MessageStatus
from storage.models import Case, Label, StoredMessage, carries

_M = StoredMessage
DECIDED_BY_THE_BOT = (Kind.COMPLAINT, Kind.REMARK, Kind.OTHER)


def messages_per_period(session: Session, bounds: Sequence[datetime]) -> list[tuple[int, int]]:
    """(messages, left to an officer) for each span between consecutive `bounds`, duplicates
    aside, counted by the database in one pass. Left to an officer: the bot was unsure, could
    not read it, or saw a meldcode signal."""
    to_triage = or_(
        _M.kind == Kind.UNCERTAIN,
        _M.status == MessageStatus.FAILED,
        and_(carries(_M.flags, Flag.MELDCODE), or_(_M.kind.is_(None), _M.kind != Kind.OTHER)),
    )
    spans = list(itertools.pairwise(bounds))
    columns = []
    for first, last in spans:
        inside = and_(_M.received_at >= first, _M.received_at < last)
        columns.append(func.coalesce(func.sum(case((inside, 1), else_=0)), 0))
        columns.append(func.coalesce(func.sum(case((and_(inside, to_triage), 1), else_=0)), 0))
    row = session.execute(
        select(*columns).where(
            _M.received_at >= bounds[0],
            _M.received_at < bounds[-1],
            _M.status != MessageStatus.DUPLICATE,
        )
    ).one()
    return [(int(row[2 * i]), int(row[2 * i + 1])) for i in range(len(spans))]


def first_decisions_between(
    session: Session, start: datetime, end: datetime
) -> list[tuple[datetime, str, str]]:
    """(when, the officer's kind, the bot's kind) of each message's first officer decision in
    the period, for messages the bot had decided itself."""
    first = select(func.min(Label.id).label("id")).group_by(Label.message_row_id).subquery("first")
    rows = session.execute(
        select(Label.labelled_at, Label.kind, _M.kind)
        .join(first, first.c.id == Label.id)
        .join(_M, _M.id == Label.message_row_id)
        .where(
            Label.labelled_at >= start,
            Label.labelled_at < end,
            _M.kind.in_(DECIDED_BY_THE_BOT),
        )
    )
    return [(at, officer, bot) for at, officer, bot in rows]


def open_by_status(session: Session, closed: str) -> dict[str, int]:
    rows = session.execute(
        select(Case.status, func.count()).where(Case.status != closed).group_by(Case.status)
    )
    return {status: int(n) for status, n in rows}
