"""One case as an officer works it in the browser: its registration, its terms with their
urgency, one timeline of mail in, letters out and events, and what can be done next.

Everything a page shows is worked out here, in Dutch, so the template only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from casework.case_list import next_deadline
from casework.cases import case_of, dates, most_weeks
from casework.registration import words_of
from klachtenbus.vocabulary import (
    EVENT_LABELS,
    LETTER_LABELS,
    CaseStatus,
    Closure,
    LetterStatus,
    Role,
)
from office import Office
from outbox import dutch_date
from procedures.lifecycle import (
    CLOSURE_LABELS,
    CLOSURES_FROM,
    LABELS,
    WORDS,
    Move,
    Urgency,
    letter_of,
    moves_from,
    open_roles,
    skipped_steps,
    urgency,
)
from storage import Case, Store, casework
from storage import accounts as people
from storage.models import CaseEvent, StoredMessage

FLAG_LABELS = {
    "meldcode": "meldcode: signalen van huiselijk geweld of kindermishandeling",
    "withdrawal": "intrekking",
    "appeal": "beroep",
    "followup": "vervolg op een eerdere klacht",
}
FIELD_LABELS = {  # the names an edit event keeps, as officers read them
    "category": "categorie", "team": "team", "municipality": "gemeente",
    "officer": "behandelaar", "actions_taken": "acties", "outcome": "oordeel",
    "measures": "maatregelen", "improvements": "verbeteracties", "satisfied": "tevreden",
    "referred_to": "extern verwezen", "complainant_address": "postadres",
}  # fmt: skip


@dataclass(frozen=True)
class StepLine:
    """One step of the procedure for this case: its terms and, while open, how pressing."""

    name: str
    term: str
    basis: str
    due: date
    target: date
    warn_by: date
    urgency: Urgency | None  # None: this step is behind the case, or its clock stands still


@dataclass(frozen=True)
class Entry:
    """A line of the timeline."""

    at: datetime
    what: str
    who: str
    detail: str
    link: str | None = None  # the message's own page


@dataclass(frozen=True)
class Choice:
    """A status the case can move to, with the endings possible there (when closing)."""

    word: str
    label: str
    letter: str | None  # the letter the move sends
    closures: tuple[tuple[str, str], ...] = ()
    skips: tuple[str, ...] = ()  # the required steps it passes over


@dataclass(frozen=True)
class Extension:
    """Whether and how far the answer term can still be extended."""

    most_weeks: int
    given_weeks: int
    refused: str  # why not, in Dutch; empty when it can


@dataclass(frozen=True)
class Earlier:
    number: str
    subject: str
    status_label: str
    received_at: datetime


@dataclass(frozen=True)
class CasePage:
    number: str
    subject: str
    status: str
    status_label: str
    procedure_title: str
    received_at: datetime
    complainant_name: str
    complainant_email: str | None
    message_id: int
    description: str
    flags: list[str]
    closure: str | None
    officer: str | None
    fields: dict[str, str]
    steps: list[StepLine]
    next_step: StepLine | None
    timeline: list[Entry]
    moves: list[Choice]
    skips: list[Choice]
    suspended_since: datetime | None
    resume_label: str | None
    can_suspend: bool
    extension: Extension | None
    earlier: list[Earlier]
    assignable: list[tuple[str, str]]  # (address, "Naam (address)")


def case_page(store: Store, office: Office, number: str, *, today: date | None = None) -> CasePage:
    """Everything the case page shows, read in one transaction."""
    today = today or office.today()
    with store.unit_of_work() as session:
        case = case_of(session, number)
        procedure = office.procedure_of(case)
        current = CaseStatus(case.status)
        resume_to = CaseStatus(case.resume_to) if case.resume_to else None
        steps = _steps(office, case, today)
        upcoming = next_deadline(office, case, today)
        moves, skips = _choices(office, case, current, resume_to)
        return CasePage(
            number=case.number,
            subject=case.subject,
            status=case.status,
            status_label=LABELS[current],
            procedure_title=procedure.title,
            received_at=case.received_at,
            complainant_name=case.complainant_name,
            complainant_email=case.complainant_email,
            message_id=case.message_row_id,
            description=case.description,
            flags=[FLAG_LABELS.get(f, f) for f in case.flags or []],
            closure=CLOSURE_LABELS[Closure(case.closure)] if case.closure else None,
            officer=case.officer,
            fields=words_of(case),
            steps=steps,
            next_step=next((s for s in steps if upcoming and s.name == upcoming.step.name), None),
            timeline=_timeline(session, case),
            moves=moves,
            skips=skips,
            suspended_since=case.suspended_since,
            resume_label=LABELS[resume_to] if resume_to else None,
            can_suspend=CaseStatus.SUSPENDED in moves_from(procedure, current, resume_to)
            and not _term_passed(office, case, today),
            extension=_extension(office, case, today),
            earlier=[
                Earlier(c.number, c.subject, LABELS[CaseStatus(c.status)], c.received_at)
                for c in casework.earlier_cases(session, case)
            ],
            assignable=[
                (u.email, f"{u.display_name} ({u.email})")
                for u in people.list_users(session)
                if u.active and u.email and u.role in (Role.OFFICER, Role.ADMIN)
            ],
        )


def _steps(office: Office, case: Case, today: date) -> list[StepLine]:
    roles = open_roles(CaseStatus(case.status))
    return [
        StepLine(
            name=s.step.name,
            term=str(s.step.term),
            basis=s.step.basis,
            due=s.due,
            target=s.target,
            warn_by=s.warn_by,
            urgency=urgency(s.warn_by, today, office.calendar) if s.step.role in roles else None,
        )
        for s in dates(office, case, on=today)
    ]


def _choices(
    office: Office, case: Case, current: CaseStatus, resume_to: CaseStatus | None
) -> tuple[list[Choice], list[Choice]]:
    """The moves the preset allows from here: those that keep to the procedure, and those that
    skip a required step (offered apart, with a reason to give). Suspending and resuming have
    their own forms."""
    procedure = office.procedure_of(case)
    regular: list[Choice] = []
    skipping: list[Choice] = []
    for value in moves_from(procedure, current, resume_to):
        target = CaseStatus(value)
        if target == CaseStatus.SUSPENDED or (
            current == CaseStatus.SUSPENDED and target == resume_to
        ):
            continue
        base = {
            "word": WORDS[target],
            "label": LABELS[target],
            "letter": letter_of(current, target),
        }
        if target != CaseStatus.CLOSED:
            skips = skipped_steps(procedure, current, Move(target))
            (skipping if skips else regular).append(Choice(**base, skips=skips))
            continue
        endings = [c for c in Closure if current in CLOSURES_FROM[c]]
        keeping = [c for c in endings if not skipped_steps(procedure, current, Move(target, c))]
        passing = [c for c in endings if c not in keeping]
        if keeping:
            regular.append(
                Choice(**base, closures=tuple((c.value, CLOSURE_LABELS[c]) for c in keeping))
            )
        if passing:
            skips = skipped_steps(procedure, current, Move(target, passing[0]))
            skipping.append(
                Choice(
                    **base,
                    closures=tuple((c.value, CLOSURE_LABELS[c]) for c in passing),
                    skips=skips,
                )
            )
    return regular, skipping


def _term_passed(office: Office, case: Case, today: date) -> bool:
    """Past the answer term a case can be neither suspended nor extended: the overrun shows."""
    return today > next(s.due for s in dates(office, case, on=today) if s.step.role == "answer")


def _extension(office: Office, case: Case, today: date) -> Extension | None:
    limit = office.procedure_of(case).extension
    if limit is None:
        return None
    most = most_weeks(limit)
    answer = next(s for s in dates(office, case, on=today) if s.step.role == "answer")
    refused = ""
    if case.extension_weeks:
        refused = f"Al eenmaal verdaagd met {case.extension_weeks} weken; dat kan maar één keer."
    elif case.status in (CaseStatus.CLOSED, CaseStatus.HANDED_OVER, CaseStatus.FINDINGS_SENT):
        refused = f"Bij ‘{LABELS[CaseStatus(case.status)]}’ loopt er geen termijn meer."
    elif today > answer.due:
        refused = (
            f"De termijn is verstreken op {dutch_date(answer.due)}; verdagen kan alleen daarvoor."
        )
    return Extension(most, case.extension_weeks, refused)


def _timeline(session: Any, case: Case) -> list[Entry]:
    """Mail in, letters out and what officers and the bot did, in time order."""
    entries = [_message(case.message, "Klacht ontvangen", case.complainant_email)]
    matched = {
        (e.details or {}).get("message"): e.reason
        for e in case.events
        if e.kind == "correspondence"
    }
    for message in casework.correspondence(session, case.id):
        entries.append(_message(message, "Post van de klager", matched.get(message.id)))
    for letter in case.letters:
        status = LetterStatus(letter.status)
        at = letter.sent_at or letter.next_attempt_at
        detail = f"{LETTER_LABELS[status]}; aan {letter.recipient or 'niemand (geen e-mailadres)'}"
        if status == LetterStatus.PENDING:
            detail = f"in de wachtrij, gaat op dit tijdstip; aan {letter.recipient}"
        if letter.last_error and status != LetterStatus.SENT:
            detail += f" ({letter.last_error})"
        what = (
            "Melding meldcode (intern)"
            if letter.purpose == "meldcode-signaal"
            else f"Brief: {letter.purpose}"
        )
        entries.append(Entry(at, what, "klachtenbus", detail))
    for event in case.events:
        if event.kind != "correspondence":
            entries.append(Entry(event.at, _event_label(event), event.actor, _event_detail(event)))
    return sorted(entries, key=lambda e: e.at)


def _message(message: StoredMessage, what: str, note: str | None) -> Entry:
    sender = message.sender_name or message.sender_email or "onbekend"
    detail = message.subject or "(geen onderwerp)"
    if note:
        detail += f" — gekoppeld: {note}"
    return Entry(message.received_at, what, sender, detail, f"/berichten/{message.id}")


def _event_label(event: CaseEvent) -> str:
    label = EVENT_LABELS.get(event.kind, event.kind)
    if event.kind == "move" and event.to_status:
        return f"Status: {_status(event.from_status)} → {_status(event.to_status)}"
    return label[:1].upper() + label[1:]


def _event_detail(event: CaseEvent) -> str:
    details = event.details or {}
    parts = [event.reason] if event.reason else []
    if event.kind == "move":
        if details.get("closure"):
            parts.append(f"afloop: {CLOSURE_LABELS[Closure(details['closure'])]}")
        if details.get("outcome"):
            parts.append(f"oordeel: {details['outcome']}")
        if details.get("letters"):
            parts.append(f"brieven: {', '.join(details['letters'])}")
        if details.get("skipped"):
            parts.append(
                f"overgeslagen: {', '.join(details['skipped'])} — reden: {details.get('skip_reason', '')}"
            )
    elif event.kind == "extend":
        parts.append(
            f"{details.get('weeks')} weken langer: {_day(details.get('from'))} → {_day(details.get('to'))}"
        )
    elif event.kind == "edit":
        parts += [
            f"{FIELD_LABELS.get(name, name)}: {_value(name, pair[0])} → {_value(name, pair[1])}"
            for name, pair in details.items()
        ]
    elif event.kind == "release":
        parts.append(f"brief {details.get('letter')} naar {details.get('to')}")
    elif event.kind == "escalate" and details.get("to"):
        parts.append(f"naar {details['to']}")
    return "; ".join(p for p in parts if p)


def _status(value: str | None) -> str:
    try:
        return LABELS[CaseStatus(value)] if value else "—"
    except ValueError:
        return value or "—"


def _value(name: str, value: Any) -> str:
    if name == "satisfied":
        return {True: "ja", False: "nee"}.get(value, "onbekend")
    return str(value) if value not in (None, "") else "(leeg)"


def _day(iso: str | None) -> str:
    return dutch_date(date.fromisoformat(iso)) if iso else "?"
