"""Accounts, log-in sessions, log-in failures and the audit trail, inside the caller's unit of work.

These functions keep records and decide nothing: casework.accounts holds the rules (password
length, throttling, expiry) and says what to write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import AuditEntry, LoginFailure, LoginSession, User, now

NAME_LENGTH = 64  # the columns' length: a longer name or address is counted by its start


def account_key(name: str) -> str:
    """The form a name is stored and looked up in: trimmed, lower-cased, cut to the column."""
    return name.strip().lower()[:NAME_LENGTH]


def address_key(client_address: str | None) -> str | None:
    """The form an address is stored and looked up in, so a long one cannot dodge its count."""
    return client_address[:NAME_LENGTH] if client_address else None


def add_user(
    session: Session,
    *,
    name: str,
    display_name: str,
    role: str,
    password_hash: str,
    email: str | None = None,
    at: datetime | None = None,
) -> User:
    """A new, active account; the unique name makes a second one with that name fail on flush."""
    at = at or now()
    user = User(
        name=account_key(name),
        display_name=display_name,
        email=email,
        role=role,
        password_hash=password_hash,
        active=True,
        created_at=at,
        password_changed_at=at,
    )
    session.add(user)
    session.flush()
    return user


def user_by_name(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == account_key(name)))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def active_count(session: Session, role: str) -> int:
    """How many active accounts have this role (the last admin must stay)."""
    return session.scalar(
        select(func.count()).select_from(User).where(User.role == role, User.active.is_(True))
    )


def set_password_hash(
    session: Session, user: User, password_hash: str, at: datetime | None = None
) -> None:
    user.password_hash = password_hash
    user.password_changed_at = at or now()


def rehash_password(session: Session, user: User, password_hash: str) -> None:
    """The same password hashed under newer settings: password_changed_at stays."""
    user.password_hash = password_hash


def set_role(session: Session, user: User, role: str) -> None:
    user.role = role


def set_active(session: Session, user: User, active: bool, at: datetime | None = None) -> None:
    user.active = active
    user.disabled_at = None if active else (at or now())


def open_session(
    session: Session,
    *,
    user: User,
    token_hash: str,
    csrf_token: str,
    client_address: str | None,
    at: datetime | None = None,
) -> LoginSession:
    at = at or now()
    row = LoginSession(
        token_hash=token_hash,
        user_id=user.id,
        csrf_token=csrf_token,
        client_address=client_address,
        created_at=at,
        last_seen_at=at,
    )
    session.add(row)
    session.flush()
    return row


def session_by_token_hash(session: Session, token_hash: str) -> LoginSession | None:
    """The open (not ended) session with this token hash, with its user."""
    return session.scalar(
        select(LoginSession).where(
            LoginSession.token_hash == token_hash, LoginSession.ended_at.is_(None)
        )
    )


def touch_session(session: Session, login: LoginSession, at: datetime | None = None) -> None:
    login.last_seen_at = at or now()


def end_session(session: Session, login: LoginSession, at: datetime | None = None) -> None:
    login.ended_at = at or now()


def end_sessions_of_user(session: Session, user: User, at: datetime | None = None) -> int:
    """End every open session of the user; returns how many there were."""
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=at or now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def record_login_failure(
    session: Session, *, name: str, client_address: str | None, at: datetime | None = None
) -> None:
    session.add(
        LoginFailure(
            name=account_key(name), client_address=address_key(client_address), at=at or now()
        )
    )
    session.flush()


def failures_since(
    session: Session,
    since: datetime,
    *,
    name: str | None = None,
    client_address: str | None = None,
) -> list[datetime]:
    """When the failures for this account name, or from this address, happened: oldest first."""
    if (name is None) == (client_address is None):
        raise ValueError("give exactly one of name and client_address")
    where = (
        LoginFailure.name == account_key(name)
        if name is not None
        else LoginFailure.client_address == address_key(client_address)
    )
    return list(
        session.scalars(
            select(LoginFailure.at).where(where, LoginFailure.at >= since).order_by(LoginFailure.at)
        )
    )


def clear_failures(session: Session, name: str) -> int:
    """Forget an account's failures (after a good log-in or a new password); the address's stay."""
    result = session.execute(delete(LoginFailure).where(LoginFailure.name == account_key(name)))
    return result.rowcount


def prune_failures(session: Session, before: datetime) -> int:
    """Forget failures too old to count for any throttle."""
    result = session.execute(delete(LoginFailure).where(LoginFailure.at < before))
    return result.rowcount


def add_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor, action=action, subject=subject, before=before, after=after, at=at or now()
    )
    session.add(entry)
    return entry


def audit_of(session: Session, subject: str) -> list[AuditEntry]:
    """A subject's audit trail, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.subject == subject).order_by(AuditEntry.id)
        )
    )
