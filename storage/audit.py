"""Reading the audit trail for the admins' audit page. Only reads: the trail is written by
`storage.accounts.add_audit` and never changed (the database refuses, migration 0011)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from storage.models import AuditEntry, Case, Correspondence


def conditions(
    *, actor: str = "", subjects: Sequence[str] = (), action: str = ""
) -> list[ColumnElement[bool]]:
    """Who (ignoring case), about what (any of the subjects), and which action: an exact one
    (`user.add`) or a group (`user`, every `user.…`)."""
    found: list[ColumnElement[bool]] = []
    if actor:
        found.append(func.lower(AuditEntry.actor) == actor.lower())
    if subjects:
        found.append(AuditEntry.subject.in_(list(subjects)))
    if action:
        found.append(
            AuditEntry.action == action
            if "." in action
            else or_(AuditEntry.action == action, AuditEntry.action.like(f"{action}.%"))
        )
    return found


def entries(
    session: Session,
    where: list[ColumnElement[bool]],
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Matching entries, newest first."""
    query = select(AuditEntry).where(*where).order_by(AuditEntry.id.desc()).offset(offset)
    return list(session.scalars(query.limit(limit) if limit is not None else query))


def count(session: Session, where: list[ColumnElement[bool]]) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0


def actors(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)))


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def subjects_of_case(session: Session, number: str) -> list[str]:
    """How the trail names a case and the messages that belong to it (its first message and
    the complainant's later ones); only the case's own name when there is no such case."""
    found = [f"case:{number}"]
    case = session.scalar(select(Case).where(func.upper(Case.number) == number.upper()))
    if case is None:
        return found
    found[0] = f"case:{case.number}"
    later = session.scalars(
        select(Correspondence.message_row_id).where(Correspondence.case_id == case.id)
    )
    return [*found, *(f"message:{i}" for i in (case.message_row_id, *later))]
