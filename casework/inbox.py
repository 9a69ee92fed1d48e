"""What officers see of the mail: every message received (the inbox), what waits for a person
(the triage queue), and the counts in the navigation. Queries only; decisions are in
`casework.triage`, one message's page in `casework.message`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import Flag, Kind, MessageStatus
from office import Office
from storage import Store
from storage import inbox as mail

PAGE_SIZE = 50
TRIAGE_LIST = 100  # of each group, the oldest; the rest waits behind them (and in the inbox)
RECENT_WORKING_DAYS = 5  # a registered complaint nobody opened waits in the triage this long

# What officers read for each kind, status and flag.
KIND_LABELS = {
    Kind.COMPLAINT: "klacht",
    Kind.REMARK: "opmerking",
    Kind.OTHER: "automatisch",
    Kind.UNCERTAIN: "onzeker",
}
STATUS_LABELS = {
    MessageStatus.STORED: "nog niet beoordeeld",
    MessageStatus.PROCESSED: "verwerkt",
    MessageStatus.DUPLICATE: "dubbel",
    MessageStatus.FAILED: "onleesbaar (quarantaine)",
}
FLAG_LABELS = {
    Flag.MELDCODE: "meldcode",
    Flag.WITHDRAWAL: "intrekking",
    Flag.APPEAL: "beroep",
    Flag.FOLLOWUP: "vervolg",
}
# The inbox's "soort" filter: a kind (what the message is now), or a status.
KIND_FILTERS: dict[str, tuple[str | None, str | None]] = {
    "klacht": (Kind.COMPLAINT, None),
    "opmerking": (Kind.REMARK, None),
    "automatisch": (Kind.OTHER, None),
    "onzeker": (Kind.UNCERTAIN, None),
    "onleesbaar": (None, MessageStatus.FAILED),
    "dubbel": (None, MessageStatus.DUPLICATE),
}
FLAG_FILTERS = {label: flag for flag, label in FLAG_LABELS.items()}


class InboxRefused(KlachtenbusError):
    """A filter of the inbox has a value it does not know: the message names the choices."""


@dataclass(frozen=True)
class Listed:
    """A message in a list, as an officer scans it."""

    number: int
    received_at: datetime
    mailbox: str
    sender: str
    subject: str
    kind: str | None  # what the bot judged it to be
    decided: str | None  # the latest officer's decision, if any
    status: str
    flags: tuple[str, ...]
    probability: float | None
    duplicate_of: int | None = None
    attempts: int = 0
    case_number: str | None = None
    assigned_to: str | None = None
    disagreement: bool = False

    @property
    def what(self) -> str:
        """In Dutch, what the message is now: the officer's word over the bot's."""
        if self.status == MessageStatus.DUPLICATE:
            return f"dubbel (van bericht {self.duplicate_of})" if self.duplicate_of else "dubbel"
        if self.status == MessageStatus.FAILED and not self.decided:
            return STATUS_LABELS[MessageStatus.FAILED]
        if self.status == MessageStatus.STORED and not self.decided:
            if self.attempts:
                return f"vastleggen mislukt ({self.attempts}×), wordt opnieuw geprobeerd"
            return STATUS_LABELS[MessageStatus.STORED]
        kind = self.decided or self.kind
        return KIND_LABELS.get(Kind(kind), kind) if kind in set(Kind) else (kind or "—")

    @property
    def bot_said(self) -> str | None:
        """The bot's judgement, when an officer decided otherwise."""
        if self.decided and self.kind and self.kind != self.decided and self.kind in set(Kind):
            return KIND_LABELS[Kind(self.kind)]
        return None

    @property
    def flag_labels(self) -> tuple[str, ...]:
        return tuple(FLAG_LABELS.get(Flag(f), f) if f in set(Flag) else f for f in self.flags)

    @property
    def meldcode(self) -> bool:
        return Flag.MELDCODE in self.flags

    @property
    def percentage(self) -> str:
        return "—" if self.probability is None else f"{round(self.probability * 100)}%"


def listed(row: Any) -> Listed:
    """A list row of `storage.inbox` as officers see it."""
    sender = row.sender_email or ""
    if row.sender_name and row.sender_email:
        sender = f"{row.sender_name} <{row.sender_email}>"
    return Listed(
        number=row.id,
        received_at=row.received_at,
        mailbox=row.mailbox,
        sender=sender or "(afzender onbekend)",
        subject=row.subject or "(geen onderwerp)",
        kind=row.kind,
        decided=row.decided,
        status=row.status,
        # what an officer decided holds for the flags too
        flags=tuple((row.decided_flags if row.decided is not None else row.flags) or ()),
        probability=row.complaint_probability,
        duplicate_of=row.duplicate_of,
        attempts=row.attempts or 0,
    )


# -- the inbox ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilter:
    """The inbox's filters, in the words of its form (Dutch, as in the address bar)."""

    kind: str = ""  # a key of KIND_FILTERS, or "" for all
    flag: str = ""  # a key of FLAG_FILTERS, or ""
    mailbox: str = ""
    since: date | None = None
    until: date | None = None  # inclusive
    page: int = 1

    def query(self, **changes: Any) -> dict[str, str]:
        """The filters as query parameters (for links to other pages of the same list)."""
        values = replace(self, **changes)
        found = {
            "soort": values.kind,
            "vlag": values.flag,
            "map": values.mailbox,
            "van": values.since.isoformat() if values.since else "",
            "tot": values.until.isoformat() if values.until else "",
            "pagina": str(values.page) if values.page > 1 else "",
        }
        return {k: v for k, v in found.items() if v}


def inbox_filter(
    *,
    kind: str = "",
    flag: str = "",
    mailbox: str = "",
    since: str = "",
    until: str = "",
    page: str = "",
) -> InboxFilter:
    """The filters from what the form sent, refused in Dutch when a value is unknown."""
    kind, flag = kind.strip().lower(), flag.strip().lower()
    if kind and kind not in KIND_FILTERS:
        raise InboxRefused(f"Soort '{kind}' bestaat niet; kies uit {', '.join(KIND_FILTERS)}.")
    if flag and flag not in FLAG_FILTERS:
        raise InboxRefused(f"Vlag '{flag}' bestaat niet; kies uit {', '.join(FLAG_FILTERS)}.")
    first, last = _day(since, "Vanaf"), _day(until, "Tot en met")
    if first and last and last < first:
        raise InboxRefused("De einddatum ligt vóór de begindatum; draai ze om.")
    try:
        number = int(page) if page.strip() else 1
    except ValueError:
        raise InboxRefused(f"Pagina '{page}' is geen getal.") from None
    return InboxFilter(kind, flag, mailbox.strip(), first, last, max(1, number))


def _day(value: str, what: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InboxRefused(
            f"{what}-datum '{value}' is geen datum; schrijf hem als jjjj-mm-dd, bijvoorbeeld "
            "2026-03-02."
        ) from None


@dataclass(frozen=True)
class InboxPage:
    messages: list[Listed]
    filter: InboxFilter
    total: int
    has_next: bool
    mailboxes: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def inbox(store: Store, office: Office, wanted: InboxFilter) -> InboxPage:
    """Every message received, of any status (quarantined and duplicates too), newest first,
    a page of `PAGE_SIZE` at a time."""
    kind, status = KIND_FILTERS.get(wanted.kind, (None, None))
    zone = ZoneInfo(office.procedure.time_zone)
    filters: dict[str, Any] = {
        "kind": kind,
        "status": status,
        "flag": FLAG_FILTERS.get(wanted.flag),
        "mailbox": wanted.mailbox or None,
        "since": datetime.combine(wanted.since, time.min, zone) if wanted.since else None,
        "until": (
            datetime.combine(wanted.until + timedelta(days=1), time.min, zone)
            if wanted.until
            else None
        ),
    }
    with store.unit_of_work() as session:
        rows = mail.inbox_rows(
            session, **filters, offset=(wanted.page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1
        )
        messages = _completed(session, [listed(r) for r in rows[:PAGE_SIZE]])
        return InboxPage(
            messages=messages,
            filter=wanted,
            total=mail.inbox_count(session, **filters),
            has_next=len(rows) > PAGE_SIZE,
            mailboxes=mail.mailboxes(session),
        )


def _completed(session: Session, messages: list[Listed]) -> list[Listed]:
    """With each message's case, assignment and whether its officers disagree."""
    ids = [m.number for m in messages]
    cases = mail.cases_of(session, ids)
    assigned = mail.assignments(session, ids)
    labels = mail.labels_of_many(session, ids)
    return [
        replace(
            m,
            case_number=cases.get(m.number),
            assigned_to=assigned.get(m.number),
            disagreement=mail.differ(labels.get(m.number, [])),
        )
        for m in messages
    ]


# -- the triage queue --------------------------------------------------------------------------


@dataclass(frozen=True)
class Opinion:
    officer: str
    kind: str
    at: datetime
    note: str | None = None

    @property
    def word(self) -> str:
        return KIND_LABELS.get(Kind(self.kind), self.kind) if self.kind in set(Kind) else self.kind


@dataclass(frozen=True)
class Disagreement:
    """A message whose officers decided differently, with who said what."""

    message: Listed
    opinions: list[Opinion]


@dataclass(frozen=True)
class NavigationCounts:
    triage: int  # everything waiting in the triage queue
    spoed: int = 0
    uncertain: int = 0
    unreadable: int = 0


@dataclass(frozen=True)
class TriageQueue:
    """What waits for a person, most urgent first; each message in one group only."""

    spoed: list[Listed]  # possible signs of abuse: the meldcode
    uncertain: list[Listed]  # the bot could not tell complaint from remark
    unreadable: list[Listed]  # quarantined, or failing to be recorded
    unseen: list[Listed]  # complaints registered lately that no officer has opened
    disagreements: list[Disagreement] = field(default_factory=list)
    waiting: NavigationCounts | None = None  # how many wait in all, where a list is cut off

    @property
    def total(self) -> int:
        if self.waiting is not None:
            return self.waiting.triage
        return len(self.spoed) + len(self.uncertain) + len(self.unreadable) + len(self.unseen)


def recent_since(office: Office, today: date | None = None) -> datetime:
    """The start of the day `RECENT_WORKING_DAYS` working days before today."""
    day = today or office.today()
    counted = 0
    while counted < RECENT_WORKING_DAYS:
        day -= timedelta(days=1)
        if office.calendar.is_working_day(day):
            counted += 1
    return datetime.combine(day, time.min, ZoneInfo(office.procedure.time_zone))


def _unseen(session: Session, office: Office, today: date | None) -> list[Listed]:
    """Complaints registered in the last working days that nobody decided on or opened; a
    meldcode signal among them is in the SPOED group already."""
    registered = mail.registered_since(session, recent_since(office, today))
    seen = mail.viewed(session, [m for m, _ in registered])
    numbers = dict(registered)
    rows = mail.rows_of(session, [m for m, _ in registered if m not in seen])
    return [
        replace(listed(r), case_number=numbers[r.id])
        for r in rows
        if Flag.MELDCODE not in (r.flags or ())
    ]


def triage_queue(store: Store, office: Office, *, today: date | None = None) -> TriageQueue:
    """The triage: meldcode signals (SPOED), doubts, unreadable mail, complaints nobody has
    opened, and where officers disagree."""
    with store.unit_of_work() as session:
        spoed = [listed(r) for r in mail.meldcode_waiting(session, TRIAGE_LIST)]
        uncertain = [listed(r) for r in mail.uncertain_waiting(session, TRIAGE_LIST)]
        unreadable = [listed(r) for r in mail.unreadable_waiting(session, TRIAGE_LIST)]
        unseen = _unseen(session, office, today)
        counted = mail.waiting_counts(session)
        found = mail.disagreements(session)
        disagreeing = {r.id: listed(r) for r in mail.rows_of(session, list(found))}
        disagreements = [
            Disagreement(
                message=replace(disagreeing[number], disagreement=True),
                opinions=[Opinion(x.officer, x.kind, x.labelled_at, x.note) for x in labels],
            )
            for number, labels in found.items()
            if number in disagreeing
        ]
        return TriageQueue(
            spoed=_completed(session, spoed),
            uncertain=_completed(session, uncertain),
            unreadable=_completed(session, unreadable),
            unseen=_completed(session, unseen),
            disagreements=disagreements,
            waiting=NavigationCounts(sum(counted) + len(unseen), *counted),
        )


def navigation_counts(store: Store, office: Office | None = None) -> NavigationCounts:
    """The counts in every page's navigation: a few COUNTs, no lists."""
    with store.unit_of_work() as session:
        spoed, uncertain, unreadable = mail.waiting_counts(session)
        unseen = len(_unseen(session, office, None)) if office is not None else 0
    return NavigationCounts(
        triage=spoed + uncertain + unreadable + unseen,
        spoed=spoed,
        uncertain=uncertain,
        unreadable=unreadable,
    )
