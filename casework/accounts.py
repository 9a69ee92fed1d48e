"""Accounts for the web app: adding and disabling them, passwords, logging in and out, sessions.

Passwords are hashed with argon2id (argon2-cffi's defaults, the RFC 9106 low-memory profile);
a log-in with a hash made under older settings stores a new one. Browsers hold a random token;
the database holds only its SHA-256, so a copy of the database opens no session.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.addresses import plausible_mailbox
from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import ROLE_LABELS, Role
from office import SYSTEM  # the actor when Klachtenbus itself ends a session
from storage import Store
from storage import accounts as records
from storage.models import LoginSession, User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a megabyte "password" is an attack
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")

# Guessing is slowed per account (one person's password) and per address (one machine trying
# many accounts). A refused attempt is not counted, so the wait ends even while guessing goes on.
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
THROTTLE_WINDOW = timedelta(minutes=15)
KEEP_FAILURES = timedelta(days=1)

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)  # a page load writes last_seen_at at most this often


DEFAULT_HASHER = PasswordHasher()


class AccountError(KlachtenbusError):
    """An account could not be added or changed: the message says what to change."""


class AccountNotFound(AccountError):
    """No account has that name: check the name against the list of accounts."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Er is geen account met de naam '{name}'. Controleer de naam in de lijst van accounts."
        )


class NameTaken(AccountError):
    """The name is in use (names ignore case): choose another."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Er is al een account met de naam '{name}' (hoofdletters tellen niet). "
            "Kies een andere naam, of zet het bestaande account weer aan."
        )


class PasswordRejected(AccountError):
    """The password breaks the length rule: the message names the rule."""


class LastAdmin(AccountError):
    """Disabling or demoting this account would leave nobody who can manage accounts."""

    def __init__(self, name: str, *, demoted: bool = False) -> None:
        then = "maak dit account daarna behandelaar" if demoted else "zet dit account daarna uit"
        super().__init__(
            f"'{name}' is de laatste actieve beheerder; zonder beheerder kan niemand accounts "
            f"meer beheren. Voeg eerst een andere beheerder toe en {then}."
        )


class LoginFailed(KlachtenbusError):
    """Wrong name, wrong password or a disabled account: one message for all three, so a
    guesser cannot learn which names exist."""

    def __init__(self) -> None:
        super().__init__(
            "Inloggen is niet gelukt: de naam of het wachtwoord klopt niet, of het account staat "
            "uit. Controleer beide en probeer het opnieuw; lukt het niet, vraag dan een beheerder "
            "om uw wachtwoord opnieuw in te stellen."
        )


class LoginThrottled(KlachtenbusError):
    """Too many failed log-ins for this account or from this address: wait, then try again."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        unit = "minuut" if minutes == 1 else "minuten"
        super().__init__(
            f"Te veel mislukte pogingen om in te loggen. Wacht {minutes} {unit} en probeer het "
            "dan opnieuw; weet u uw wachtwoord niet meer, vraag dan een beheerder om het "
            "opnieuw in te stellen."
        )


@dataclass(frozen=True)
class Account:
    """An account as the web app shows it; the password hash never leaves this module."""

    name: str
    display_name: str
    email: str | None
    role: Role
    active: bool
    created_at: datetime
    password_changed_at: datetime
    disabled_at: datetime | None


@dataclass(frozen=True)
class LoggedIn:
    """A new session: the token goes into the browser's cookie, the CSRF token into forms."""

    token: str
    csrf_token: str
    user: Account


@dataclass(frozen=True)
class SessionUser:
    """Who a request's session belongs to, and the CSRF token its forms must carry."""

    user: Account
    csrf_token: str


def add_user(
    store: Store,
    actor: str,
    name: str,
    role: Role | str,
    password: str,
    display_name: str | None = None,
    email: str | None = None,
    *,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> Account:
    """A new active account. The name is stored lower-cased; the display name keeps its case."""
    key = _checked_name(name)
    role = _checked_role(role)
    email = _checked_email(email)
    password_hash = hasher.hash(_checked_password(password))  # before the transaction: CPU only
    with store.unit_of_work() as session:
        if records.user_by_name(session, key) is not None:
            raise NameTaken(key)
        try:
            user = records.add_user(
                session,
                name=key,
                display_name=(display_name or "").strip() or name.strip(),
                role=role,
                password_hash=password_hash,
                email=email,
            )
        except IntegrityError as exc:  # another admin added the same name just now
            raise NameTaken(key) from exc
        account = _account(user)
        records.add_audit(
            session, actor=actor, action="user.add", subject=_subject(key),
            after=_shown(account),
        )  # fmt: skip
    return account


def disable_user(store: Store, actor: str, name: str) -> Account:
    """The account can no longer log in, and its open sessions end now."""
    with store.unit_of_work() as session:
        user = _user(session, name)
        if not user.active:
            return _account(user)
        if user.role == Role.ADMIN and records.active_count(session, Role.ADMIN) <= 1:
            raise LastAdmin(user.name)
        records.set_active(session, user, False)
        ended = records.end_sessions_of_user(session, user)
        records.add_audit(
            session, actor=actor, action="user.disable", subject=_subject(user.name),
            before={"active": True}, after={"active": False, "sessions_ended": ended},
        )  # fmt: skip
        return _account(user)


def enable_user(store: Store, actor: str, name: str) -> Account:
    """A disabled account may log in again, with the password it had."""
    with store.unit_of_work() as session:
        user = _user(session, name)
        if user.active:
            return _account(user)
        before = {"active": False, "disabled_at": _iso(user.disabled_at)}
        records.set_active(session, user, True)
        records.add_audit(
            session, actor=actor, action="user.enable", subject=_subject(user.name),
            before=before, after={"active": True},
        )  # fmt: skip
        return _account(user)


def change_role(store: Store, actor: str, name: str, role: Role | str) -> Account:
    """An officer becomes an admin or the other way round; the last active admin stays one.
    Open sessions go on: the role is read again on every request."""
    role = _checked_role(role)
    with store.unit_of_work() as session:
        user = _user(session, name)
        if user.role == role:
            return _account(user)
        if (
            user.role == Role.ADMIN
            and user.active
            and records.active_count(session, Role.ADMIN) <= 1
        ):
            raise LastAdmin(user.name, demoted=True)
        before = {"role": user.role}
        records.set_role(session, user, role)
        records.add_audit(
            session, actor=actor, action="user.role", subject=_subject(user.name),
            before=before, after={"role": role.value},
        )  # fmt: skip
        return _account(user)


def reset_password(
    store: Store,
    actor: str,
    name: str,
    password: str,
    *,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> Account:
    """A new password; every open session of the account ends and its failed log-ins are
    forgotten, so the owner can log in at once."""
    password_hash = hasher.hash(_checked_password(password))
    with store.unit_of_work() as session:
        user = _user(session, name)
        before = {"password_changed_at": _iso(user.password_changed_at)}
        records.set_password_hash(session, user, password_hash)
        ended = records.end_sessions_of_user(session, user)
        records.clear_failures(session, user.name)
        records.add_audit(
            session, actor=actor, action="user.reset_password", subject=_subject(user.name),
            before=before,
            after={"password_changed_at": _iso(user.password_changed_at), "sessions_ended": ended},
        )  # fmt: skip
        return _account(user)


def list_users(store: Store) -> list[Account]:
    """Every account, by name, without its password hash."""
    with store.unit_of_work() as session:
        return [_account(user) for user in records.list_users(session)]


def log_in(
    store: Store,
    name: str,
    password: str,
    client_address: str | None,
    now: datetime | None = None,
    *,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> LoggedIn:
    """A new session for the right name and password; LoginFailed or LoginThrottled otherwise.

    An unknown or disabled account is checked against a dummy hash, so it takes as long as a
    wrong password; its failure is counted the same way too.
    """
    now = now or datetime.now(UTC)
    key = records.account_key(name)
    logged_in: LoggedIn | None = None
    with store.unit_of_work() as session:
        records.prune_failures(session, now - KEEP_FAILURES)
        wait = _throttled_for(session, key, client_address, now)
        if wait is None:
            user = records.user_by_name(session, key)
            if user is not None and not user.active:
                user = None  # a disabled account fails exactly as an unknown one
            stored = user.password_hash if user is not None else _dummy_hash(hasher)
            if _verified(hasher, stored, password) and user is not None:
                logged_in = _open_session(session, user, password, client_address, now, hasher)
            else:
                # Recorded here, raised after the block, so the failure is committed.
                records.record_login_failure(
                    session, name=key, client_address=client_address, at=now
                )
    if wait is not None:
        raise LoginThrottled(max(1, math.ceil(wait.total_seconds() / 60)))
    if logged_in is None:
        raise LoginFailed()
    return logged_in


def session_user(
    store: Store,
    token: str | None,
    now: datetime | None = None,
    idle: timedelta = IDLE,
    absolute: timedelta = ABSOLUTE,
) -> SessionUser | None:
    """Whose session this token opens, or None; a session idle or old too long ends here."""
    if not token:
        return None
    now = now or datetime.now(UTC)
    with store.unit_of_work() as session:
        login = records.session_by_token_hash(session, token_hash(token))
        if login is None:
            return None
        user = login.user
        reason = _expiry(login, user, now, idle, absolute)
        if reason is not None:
            records.end_session(session, login, now)
            records.add_audit(
                session, actor=SYSTEM, action="session.expire", subject=_subject(user.name),
                before={"session": login.id, "last_seen_at": _iso(login.last_seen_at)},
                after={"ended_at": _iso(now), "reason": reason},
            )  # fmt: skip
            return None
        if now - login.last_seen_at >= TOUCH_EVERY:
            records.touch_session(session, login, now)
        return SessionUser(_account(user), login.csrf_token)


def log_out(store: Store, token: str | None, now: datetime | None = None) -> None:
    """End the token's session; an unknown or ended one is already logged out."""
    if not token:
        return
    now = now or datetime.now(UTC)
    with store.unit_of_work() as session:
        login = records.session_by_token_hash(session, token_hash(token))
        if login is None:
            return
        records.end_session(session, login, now)
        records.add_audit(
            session, actor=login.user.name, action="session.log_out",
            subject=_subject(login.user.name), before={"session": login.id},
            after={"ended_at": _iso(now)},
        )  # fmt: skip


def token_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _open_session(
    session: Session,
    user: User,
    password: str,
    client_address: str | None,
    now: datetime,
    hasher: PasswordHasher,
) -> LoggedIn:
    records.clear_failures(session, user.name)
    rehashed = hasher.check_needs_rehash(user.password_hash)
    if rehashed:  # made under older settings: store one under today's, the password is at hand
        records.rehash_password(session, user, hasher.hash(password))
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    login = records.open_session(
        session, user=user, token_hash=token_hash(token), csrf_token=csrf_token,
        client_address=client_address, at=now,
    )  # fmt: skip
    records.add_audit(
        session, actor=user.name, action="session.log_in", subject=_subject(user.name),
        after={"session": login.id, "client_address": client_address, "rehashed": rehashed},
        at=now,
    )  # fmt: skip
    return LoggedIn(token, csrf_token, _account(user))


def _throttled_for(
    session: Session, key: str, client_address: str | None, now: datetime
) -> timedelta | None:
    """How long log-ins for this account or from this address must wait, or None."""
    since = now - THROTTLE_WINDOW
    counted = [(ACCOUNT_FAILURES, records.failures_since(session, since, name=key))]
    if client_address:
        by_address = records.failures_since(session, since, client_address=client_address)
        counted.append((ADDRESS_FAILURES, by_address))
    # The wait ends when so many failures have left the window that one more is allowed.
    waits = [
        times[-limit] + THROTTLE_WINDOW - now for limit, times in counted if len(times) >= limit
    ]
    longest = max(waits, default=timedelta(0))
    return longest if longest > timedelta(0) else None


def _verified(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError, UnicodeError):  # UnicodeError: lone surrogates
        return False


_DUMMY_HASHES: dict[tuple[Any, ...], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash made with the hasher's own settings, for names that have no account."""
    settings = (
        hasher.time_cost, hasher.memory_cost, hasher.parallelism,
        hasher.hash_len, hasher.salt_len, hasher.type,
    )  # fmt: skip
    if settings not in _DUMMY_HASHES:
        _DUMMY_HASHES[settings] = hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[settings]


def _expiry(
    login: LoginSession, user: User, now: datetime, idle: timedelta, absolute: timedelta
) -> str | None:
    if not user.active:
        return "account_disabled"
    if now - login.created_at >= absolute:
        return "absolute"
    if now - login.last_seen_at >= idle:
        return "idle"
    return None


def _user(session: Session, name: str) -> User:
    user = records.user_by_name(session, name)
    if user is None:
        raise AccountNotFound(records.account_key(name))
    return user


def _checked_name(name: str) -> str:
    key = name.strip().lower()
    if not NAME_PATTERN.fullmatch(key):
        raise AccountError(
            f"De naam '{name.strip()}' kan niet: gebruik 2 tot 64 tekens, kleine letters, cijfers, "
            "punt, streepje, liggend streepje of @, en begin met een letter of cijfer."
        )
    return key


def _checked_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = " of ".join(f"{r.value} ({label})" for r, label in ROLE_LABELS.items())
        raise AccountError(f"De rol '{role}' bestaat niet: kies {choices}.") from None


def _checked_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if not plausible_mailbox(email):
        raise AccountError(
            f"Het e-mailadres '{email}' is geen geldig adres: schrijf het als naam@organisatie.nl, "
            "of laat het leeg."
        )
    return email


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(
            f"Het wachtwoord is te kort ({len(password)} tekens): gebruik er minstens "
            f"{MIN_PASSWORD_LENGTH}. Een zin van een paar woorden is lang genoeg en goed te "
            "onthouden."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(
            f"Het wachtwoord is te lang ({len(password)} tekens): gebruik er hoogstens "
            f"{MAX_PASSWORD_LENGTH}."
        )
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:  # bytes a terminal in another encoding passed on undecoded
        raise PasswordRejected(
            "Het wachtwoord bevat tekens die niet als UTF-8 te lezen zijn: stel de terminal in "
            "op UTF-8, of kies een wachtwoord zonder die tekens."
        ) from None
    return password


def _account(user: User) -> Account:
    return Account(
        name=user.name,
        display_name=user.display_name,
        email=user.email,
        role=Role(user.role),
        active=user.active,
        created_at=user.created_at,
        password_changed_at=user.password_changed_at,
        disabled_at=user.disabled_at,
    )


def _shown(account: Account) -> dict[str, Any]:
    """What the audit trail keeps of a new account: everything but timestamps and the hash."""
    return {
        "name": account.name,
        "display_name": account.display_name,
        "email": account.email,
        "role": str(account.role),
        "active": account.active,
    }


def _subject(name: str) -> str:
    return f"user:{name}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
