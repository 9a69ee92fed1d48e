"""The tables. SQLAlchemy 2.0 typed models; Alembic migrations mirror them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Text,
    TypeDecorator,
    UniqueConstraint,
    cast,
    func,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from klachtenbus.vocabulary import Flag
from storage.types import BoundedText, CleanJSON, CleanText


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite drops the zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; attach a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def now() -> datetime:
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MailboxState(Base):
    """Where polling of one mailbox stands."""

    __tablename__ = "mailbox_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(BoundedText(500), unique=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger, default=0)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StoredMessage(Base):
    """Every message that arrived, raw and compressed, with what became of it."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("mailbox", "source_key", name="uq_messages_mailbox_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(BoundedText(500))
    source_key: Mapped[str] = mapped_column(BoundedText(300))
    uid: Mapped[int | None] = mapped_column(BigInteger)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    # zlib-compressed, exactly as fetched; loaded only when asked for
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    raw_size: Mapped[int] = mapped_column(Integer)
    raw_sha256: Mapped[str] = mapped_column(BoundedText(64), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    status: Mapped[str] = mapped_column(BoundedText(20), index=True)
    error: Mapped[str | None] = mapped_column(CleanText())
    filed_away: Mapped[bool] = mapped_column(Boolean, default=False)
    # Failed attempts to record what the message is (a database error, a bug). After a few the
    # message is quarantined with its error instead of stopping every later poll at itself.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # One row per distinct message: the Message-ID, or a hash of the content when there is none.
    # Unique, so the database itself refuses a second registration of the same message.
    dedup_key: Mapped[str | None] = mapped_column(BoundedText(600), unique=True)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    message_id: Mapped[str | None] = mapped_column(BoundedText(500), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(BoundedText(500))
    sender_name: Mapped[str | None] = mapped_column(BoundedText(300))
    sender_email: Mapped[str | None] = mapped_column(BoundedText(320), index=True)
    answer_email: Mapped[str | None] = mapped_column(BoundedText(320))
    subject: Mapped[str | None] = mapped_column(CleanText())
    text: Mapped[str | None] = mapped_column(CleanText())
    date_header: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attachments: Mapped[list[dict[str, Any]] | None] = mapped_column(CleanJSON())
    parser: Mapped[str | None] = mapped_column(BoundedText(20))
    kind: Mapped[str | None] = mapped_column(BoundedText(20), index=True)
    complaint_probability: Mapped[float | None]
    reasons: Mapped[list[str] | None] = mapped_column(CleanJSON())
    flags: Mapped[list[str] | None] = mapped_column(CleanJSON())

    case: Mapped[Case | None] = relationship(back_populates="message")


class CaseCounter(Base):
    """The last case number handed out per year; locked while a case is registered."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """A registered complaint with the seeds' registration fields."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("year", "sequence", name="uq_cases_year_sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(BoundedText(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    complainant_name: Mapped[str] = mapped_column(BoundedText(300))
    complainant_email: Mapped[str | None] = mapped_column(BoundedText(320))
    complainant_address: Mapped[str | None] = mapped_column(
        CleanText()
    )  # postal, filled in by an officer
    subject: Mapped[str] = mapped_column(CleanText())
    description: Mapped[str] = mapped_column(CleanText())
    channel: Mapped[str] = mapped_column(BoundedText(20), default="e-mail")
    status: Mapped[str] = mapped_column(BoundedText(20))
    procedure: Mapped[str] = mapped_column(BoundedText(50))
    acknowledge_due: Mapped[date] = mapped_column(Date)
    answer_due: Mapped[date] = mapped_column(Date)
    flags: Mapped[list[str] | None] = mapped_column(CleanJSON())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What officers fill in while working the case (KiKa's list, ONS welzijn's
    # Registratieformulier, the Flemish guide's elements).
    category: Mapped[str | None] = mapped_column(BoundedText(200))
    team: Mapped[str | None] = mapped_column(BoundedText(200))
    municipality: Mapped[str | None] = mapped_column(BoundedText(200))
    officer: Mapped[str | None] = mapped_column(BoundedText(320))  # who handles it now (an address)
    actions_taken: Mapped[str | None] = mapped_column(CleanText())
    outcome: Mapped[str | None] = mapped_column(BoundedText(20))  # gegrond, deels gegrond, ...
    measures: Mapped[str | None] = mapped_column(CleanText())
    improvements: Mapped[str | None] = mapped_column(CleanText())
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    referred_to: Mapped[str | None] = mapped_column(CleanText())  # an external body, when referred
    closure: Mapped[str | None] = mapped_column(BoundedText(30))  # how a closed case ended
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The clock: days the case was suspended, and an extension of the answer term.
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    suspended_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resume_to: Mapped[str | None] = mapped_column(BoundedText(20))
    extension_weeks: Mapped[int] = mapped_column(Integer, default=0)
    extension_reason: Mapped[str | None] = mapped_column(CleanText())

    message: Mapped[StoredMessage] = relationship(back_populates="case")
    letters: Mapped[list[Letter]] = relationship(back_populates="case")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")


class CaseEvent(Base):
    """Something that happened to a case: who, when, why. Never updated, never deleted."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    actor: Mapped[str] = mapped_column(BoundedText(200))
    kind: Mapped[str] = mapped_column(BoundedText(30))  # move, extend, suspend, resume, edit, ...
    from_status: Mapped[str | None] = mapped_column(BoundedText(20))
    to_status: Mapped[str | None] = mapped_column(BoundedText(20))
    reason: Mapped[str | None] = mapped_column(CleanText())
    details: Mapped[dict[str, Any] | None] = mapped_column(CleanJSON())

    case: Mapped[Case] = relationship(back_populates="events")


class Correspondence(Base):
    """A later message from the complainant, attached to the case it answers."""

    __tablename__ = "correspondence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    matched_by: Mapped[str] = mapped_column(BoundedText(30))  # in-reply-to, references, subject
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Letter(Base):
    """An outgoing letter: written in the case's transaction, sent afterwards, once."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("case_id", "purpose", name="uq_letters_case_purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # An internal alert (meldcode) about a message that did not become a case has no case.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    message_row_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    purpose: Mapped[str] = mapped_column(BoundedText(40))
    recipient: Mapped[str | None] = mapped_column(BoundedText(320))
    message_id: Mapped[str] = mapped_column(BoundedText(300), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(BoundedText(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(CleanText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case | None] = relationship(back_populates="letters")


class Label(Base):
    """An officer's decision on a message: what it is. The latest label for a message counts."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    kind: Mapped[str] = mapped_column(BoundedText(20))
    flags: Mapped[list[str] | None] = mapped_column(CleanJSON())
    officer: Mapped[str] = mapped_column(BoundedText(200))
    note: Mapped[str | None] = mapped_column(CleanText())
    labelled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ModelVersion(Base):
    """A trained classifier: where its file is, and the hash it must still have."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(CleanText())
    sha256: Mapped[str] = mapped_column(BoundedText(64))
    data_sha256: Mapped[str] = mapped_column(BoundedText(64))
    samples: Mapped[int] = mapped_column(Integer)
    metrics: Mapped[dict[str, Any] | None] = mapped_column(CleanJSON())
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who trained it and who made it active, and when: every version keeps its history.
    created_by: Mapped[str | None] = mapped_column(BoundedText(200))
    promoted_by: Mapped[str | None] = mapped_column(BoundedText(200))
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discarded_by: Mapped[str | None] = mapped_column(BoundedText(200))
    discarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Officers' labels in its training data, and the newest label's id: mail labelled later
    # is mail this version never saw.
    labels: Mapped[int | None] = mapped_column(Integer)
    labels_up_to: Mapped[int | None] = mapped_column(Integer)
    # Set while a candidate scores live mail beside the active model without acting.
    shadow_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TrainingRun(Base):
    """A retraining an admin asked for: the worker picks it up, reports its progress here and
    stops at the next step when `cancel` is set."""

    __tablename__ = "training_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requested_by: Mapped[str] = mapped_column(BoundedText(200))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    status: Mapped[str] = mapped_column(BoundedText(20), index=True)  # vocabulary.TrainingStatus
    step: Mapped[str | None] = mapped_column(CleanText())  # what it is doing, in Dutch
    percent: Mapped[int] = mapped_column(Integer, default=0)
    cancel: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    model_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id"))
    error: Mapped[str | None] = mapped_column(CleanText())


class ShadowScore(Base):
    """A candidate's verdict on a live message, beside what the active model decided."""

    __tablename__ = "shadow_scores"
    __table_args__ = (
        UniqueConstraint("model_version_id", "message_row_id", name="uq_shadow_scores_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"), index=True)
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    kind: Mapped[str] = mapped_column(BoundedText(20))
    complaint_probability: Mapped[float]
    active_kind: Mapped[str | None] = mapped_column(BoundedText(20))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class SettingOverride(Base):
    """A setting an admin changed in the browser; it wins over klachtenbus.toml."""

    __tablename__ = "setting_overrides"

    name: Mapped[str] = mapped_column(BoundedText(64), primary_key=True)
    value: Mapped[Any] = mapped_column(CleanJSON(), nullable=False)
    changed_by: Mapped[str] = mapped_column(BoundedText(200))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class User(Base):
    """An account for the web app. The name is stored lower-cased, so lookups ignore case."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(BoundedText(64), unique=True)
    display_name: Mapped[str] = mapped_column(BoundedText(200))
    email: Mapped[str | None] = mapped_column(BoundedText(320))
    role: Mapped[str] = mapped_column(BoundedText(20))
    # An argon2 hash in its encoded form; TEXT, so a longer hash is never cut off.
    password_hash: Mapped[str] = mapped_column(CleanText())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginSession(Base):
    """A logged-in browser. Only the SHA-256 of its token is kept: a copy of the database
    opens no session."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(BoundedText(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(BoundedText(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_address: Mapped[str | None] = mapped_column(BoundedText(64))

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """A refused log-in, counted per account name and per client address to slow guessing."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(BoundedText(64))  # as typed, lower-cased; may be no user
    client_address: Mapped[str | None] = mapped_column(BoundedText(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)


class AuditEntry(Base):
    """A decision or change: who, when, what, and the values before and after. Never updated
    or deleted: the database refuses both (migration 0011)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    actor: Mapped[str] = mapped_column(BoundedText(200), index=True)
    action: Mapped[str] = mapped_column(BoundedText(50), index=True)  # user.add, session.end
    subject: Mapped[str] = mapped_column(BoundedText(200), index=True)  # user:anna, case:K-...
    before: Mapped[dict[str, Any] | None] = mapped_column(CleanJSON())
    after: Mapped[dict[str, Any] | None] = mapped_column(CleanJSON())


class MailboxHeartbeat(Base):
    """How fetching from one mailbox goes, kept by the worker after every attempt: what
    `/healthz`, `/metrics`, `klachtenbus doctor` and the alarms read, from any process."""

    __tablename__ = "mailbox_heartbeats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(BoundedText(100), unique=True)  # the mailbox's name
    source: Mapped[str | None] = mapped_column(BoundedText(500))  # its StoredMessage.mailbox
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when every attempt failed (None while fetching works), and the last reason, in
    # Dutch, with addresses masked.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(CleanText())
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(BigInteger, default=0)
    errors: Mapped[int] = mapped_column(BigInteger, default=0)
    backlog: Mapped[int] = mapped_column(Integer, default=0)  # stored, not yet judged
    quarantined: Mapped[int] = mapped_column(Integer, default=0)  # undecided, in quarantine
    oldest_unsent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the mailbox's OAuth2 consent or token lapses; None for a password login.
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HealthProblem(Base):
    """Something an admin must hear about (a mailbox failing, letters stuck, a token about to
    lapse, quarantine): one row per occurrence, alarmed once and all-cleared once. `open_key`
    is the problem's key while it is open and NULL after, so the database itself holds at
    most one open occurrence per problem, also with two workers checking at once."""

    __tablename__ = "health_problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(BoundedText(200), index=True)
    open_key: Mapped[str | None] = mapped_column(BoundedText(200), unique=True)
    summary: Mapped[str] = mapped_column(CleanText())  # Dutch, no personal data
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    alarm_letter_id: Mapped[int | None] = mapped_column(Integer)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    all_clear_letter_id: Mapped[int | None] = mapped_column(Integer)
    # How big it was when last alarmed (messages in quarantine): more is news, less is not.
    measure: Mapped[int | None] = mapped_column(Integer)


# /metrics counts messages by kind and status, and letters by purpose and status, at every
# scrape: from these indexes alone, not from every row of years of mail.
Index("ix_messages_kind_status", StoredMessage.kind, StoredMessage.status)
Index("ix_letters_purpose_status", Letter.purpose, Letter.status)

# The throttle counts an account's and an address's recent failures on every log-in.
Index("ix_login_failures_name_at", LoginFailure.name, LoginFailure.at)
Index("ix_login_failures_client_address_at", LoginFailure.client_address, LoginFailure.at)

# Addresses are compared without regard to case (RFC 5321 local parts are case-sensitive in
# theory, never in practice). These lookups run for every batch (RFC 3834: letters sent to,
# machine mail from) and for follow-ups (the sender's open case), so each has an index on the
# lower-cased column instead of a scan that grows with the years of mail behind it.
Index("ix_letters_recipient_lower", func.lower(Letter.recipient))
Index("ix_messages_sender_email_lower", func.lower(StoredMessage.sender_email))
Index("ix_cases_complainant_email_lower", func.lower(Case.complainant_email))


def carries(flags: Any, flag: str) -> Any:
    """Whether a JSON list of flags holds `flag`: its text has the word in double quotes on
    every backend. Written out as a literal, so SQLite matches it to the flag's partial index
    (it does not for a bound parameter)."""
    return cast(flags, Text).like(literal_column(f"'%\"{flag}\"%'"))


# The inbox and the triage look for messages with a flag (every page counts the meldcode
# signals): each flag's partial index holds only the messages carrying it.
for _flag in Flag:
    Index(
        f"ix_messages_flag_{_flag.value}",
        StoredMessage.id,
        sqlite_where=carries(StoredMessage.flags, _flag.value),
        postgresql_where=carries(StoredMessage.flags, _flag.value),
    )
