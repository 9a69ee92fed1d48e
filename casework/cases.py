"""Working a case: moves through the procedure, suspension, extension, the fields officers fill
in, and the letters each step sends. The CLI and the web app call these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from casework.outgoing import Draft, check_seen, facts_of, fingerprint, queue
from intake.addresses import plausible_mailbox
from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import CaseStatus, Closure, LetterStatus, Outcome
from office import Office
from outbox.case_letters import render_text
from outbox.letters import readdressed
from procedures import Preset, WorkingCalendar, received_on
from procedures.lifecycle import (
    LABELS,
    InvalidTransition,
    Move,
    StepDue,
    check_move,
    letter_of,
    schedule,
)
from procedures.presets import Term, term_end
from storage import Case, Store, casework
from storage import accounts as audit

EDITABLE = (
    "category", "team", "municipality", "officer", "actions_taken", "outcome", "measures",
    "improvements", "satisfied", "referred_to", "complainant_address",
)  # fmt: skip


class CaseNotFound(KlachtenbusError):
    """No case with that number."""


class ExtensionRefused(KlachtenbusError):
    """The procedure does not allow this extension (any more)."""


@dataclass(frozen=True)
class CaseView:
    """Everything `case show` prints: the record, its dates, its history and its mail."""

    case: dict[str, Any]
    steps: list[StepDue]
    events: list[dict[str, Any]]
    letters: list[dict[str, Any]]
    correspondence: list[dict[str, Any]]
    earlier_cases: list[str]


@dataclass
class Result:
    """What a change did (or, previewed, would do), for the officer's screen."""

    number: str
    status: str
    letters: list[str] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)  # the letters as queued, for a preview
    skipped: tuple[str, ...] = ()  # required steps passed over, with the officer's reason
    changed: list[str] = field(default_factory=list)  # the fields an edit changed

    @property
    def fingerprint(self) -> str:
        """What a confirmation of this preview must match (see casework.outgoing)."""
        return fingerprint(self.drafts)

    def add(self, draft: Draft) -> None:
        self.letters.append(draft.purpose)
        self.drafts.append(draft)


class Clocked(Protocol):
    """What a case's due dates depend on: a Case, or a row of just these columns."""

    procedure: str
    received_at: datetime
    paused_days: int
    suspended_since: datetime | None
    extension_weeks: int


def dates(office: Office, case: Clocked, *, on: date | None = None) -> list[StepDue]:
    """Each step's due date; while suspended, the days so far do not count either."""
    procedure = office.procedure_of(case)  # type: ignore[arg-type]
    paused = case.paused_days
    if case.suspended_since is not None:
        today = on or office.today()
        paused += max(0, (today - _local(procedure, case.suspended_since)).days)
    day = received_on(procedure, case.received_at)
    return list(_schedule(procedure, office.calendar, day, paused, case.extension_weeks))


_SCHEDULES: dict[tuple[int, int, date, int, int], tuple[StepDue, ...]] = {}
_KEPT: dict[tuple[int, int], tuple[Preset, WorkingCalendar]] = {}  # so their ids stay theirs


def _schedule(
    procedure: Preset, calendar: WorkingCalendar, day: date, paused: int, weeks: int
) -> tuple[StepDue, ...]:
    """Remembered: a list of thousands of cases shares a few hundred days of receipt, and
    working out one schedule walks the calendar day by day (a few tenths of a millisecond).
    Keyed by the preset's and calendar's identity: hashing a preset costs more than a lookup."""
    key = (id(procedure), id(calendar), day, paused, weeks)
    found = _SCHEDULES.get(key)
    if found is None:
        if len(_SCHEDULES) > 50_000 or len(_KEPT) > 64:
            _SCHEDULES.clear()
            _KEPT.clear()
        _KEPT.setdefault(key[:2], (procedure, calendar))
        extension = Term(weeks, "weken") if weeks else None
        found = _SCHEDULES[key] = tuple(
            schedule(procedure, day, calendar, paused_days=paused, extension=extension)
        )
    return found


def show(store: Store, office: Office, number: str) -> CaseView:
    with store.unit_of_work() as session:
        case = case_of(session, number)
        record = {
            "number": case.number,
            "status": case.status,
            "status_label": LABELS[CaseStatus(case.status)],
            "procedure": case.procedure,
            "received_at": case.received_at.isoformat(),
            "complainant_name": case.complainant_name,
            "complainant_email": case.complainant_email,
            "complainant_address": case.complainant_address,
            "subject": case.subject,
            "channel": case.channel,
            "flags": case.flags or [],
            **{name: getattr(case, name) for name in EDITABLE if name != "complainant_address"},
            "closure": case.closure,
            "suspended_since": case.suspended_since.isoformat() if case.suspended_since else None,
            "paused_days": case.paused_days,
            "extension_weeks": case.extension_weeks,
            "extension_reason": case.extension_reason,
            "escalation_level": sum(e.kind == "escalate" for e in case.events),
            "description": case.description,
        }
        return CaseView(
            case=record,
            steps=dates(office, case),
            events=[
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "kind": e.kind,
                    "from": e.from_status,
                    "to": e.to_status,
                    "reason": e.reason,
                    "details": e.details,
                }
                for e in case.events
            ],
            letters=[
                {
                    "purpose": x.purpose,
                    "status": x.status,
                    "recipient": x.recipient,
                    "sent_at": x.sent_at.isoformat() if x.sent_at else None,
                    "planned_for": x.next_attempt_at.isoformat(),
                }
                for x in case.letters
            ],
            correspondence=[
                {
                    "received_at": m.received_at.isoformat(),
                    "from": m.sender_email,
                    "subject": m.subject,
                }
                for m in casework.correspondence(session, case.id)
            ],
            earlier_cases=[c.number for c in casework.earlier_cases(session, case)],
        )


def move(
    store: Store,
    office: Office,
    number: str,
    target: CaseStatus,
    *,
    actor: str,
    reason: str,
    closure: Closure | None = None,
    outcome: Outcome | None = None,
    officer_text: str | None = None,
    letter_text: str = "",
    skip_reason: str = "",
    preview: bool = False,
    expected: str | None = None,
    now: datetime | None = None,
) -> Result:
    """Move a case one step, store who/when/why, and queue the letter that step sends.

    `reason` is for the case's history only; what the complainant reads is `letter_text`
    (an internal note such as "klager is lastig" once went out verbatim). A move past a step
    the procedure requires needs `skip_reason`, kept in the history. `preview` works the move
    out, letters included, and changes nothing; `expected` (the preview's fingerprint) makes
    the move go through only with exactly the letters previewed.
    """
    if target == CaseStatus.CLOSED and closure == Closure.NOT_ADMISSIBLE and not letter_text:
        raise KlachtenbusError(
            "Wie niet-ontvankelijk wordt verklaard, hoort waarom: schrijf het in --toelichting "
            "(die tekst komt in de brief; --reden blijft intern)."
        )
    at = now or datetime.now(UTC)
    with store.unit_of_work() as session:
        case = case_of(session, number)
        procedure = office.procedure_of(case)
        current = CaseStatus(case.status)
        resume_to = CaseStatus(case.resume_to) if case.resume_to else None
        skipped = check_move(
            procedure,
            case.number,
            current,
            Move(target, closure, outcome),
            resume_to=resume_to,
            skip_reason=skip_reason,
        )
        if current == CaseStatus.SUSPENDED:
            _end_pause(procedure, case, at)
        if target == CaseStatus.SUSPENDED:
            answer = _answer_step(office, case)
            if _local(procedure, at) > answer.due:
                raise InvalidTransition(
                    f"{case.number}: de termijn is al verstreken op {answer.due.isoformat()}; "
                    "opschorten kan alleen binnen de termijn, zodat een overschrijding zichtbaar "
                    "blijft. Leg de afspraak met de klager vast met klachtenbus case edit."
                )
            case.suspended_since, case.resume_to = at, current
        if outcome is not None:
            case.outcome = outcome.value
        result = Result(case.number, target, skipped=skipped)
        facts = facts_of(office, case, reason=letter_text)
        letter = letter_of(current, target)
        if letter == "ontvankelijkheid":
            result.add(queue(session, office, case, letter, facts, at))
        elif letter == "bevindingen":
            result.add(queue(session, office, case, letter, facts, at, officer_text=officer_text))
        elif letter == "afsluiting":
            assert closure is not None
            case.closure, case.closed_at = closure.value, at
            facts = facts_of(office, case, reason=letter_text)
            result.add(queue(session, office, case, "afsluiting", facts, at))
            if procedure.aftercare and closure != Closure.WITHDRAWN:
                later = datetime.combine(
                    _add(procedure.aftercare, _local(procedure, at), office.calendar),
                    time(9),
                    ZoneInfo(procedure.time_zone),
                )
                result.add(queue(session, office, case, "nazorg", facts, later))
        case.status = target.value
        _sync_due(office, case)
        details: dict[str, Any] = {
            "closure": closure and closure.value,
            "outcome": outcome and outcome.value,
            "letters": result.letters,
        }
        if skipped:
            details["skipped"] = list(skipped)
            details["skip_reason"] = skip_reason.strip()
        casework.add_event(
            session,
            case,
            actor=actor,
            kind="move",
            from_status=current,
            to_status=target,
            reason=reason,
            details=details,
            at=at,
        )
        _audit(
            session, actor, "case.move", case,
            before={"status": current.value},
            after={"status": target.value, **details, "reason": reason},
            at=at,
        )  # fmt: skip
        check_seen(result.drafts, expected, case.number)
        if preview:
            session.rollback()  # a preview changes nothing
        return result


def suspend(
    store: Store,
    office: Office,
    number: str,
    *,
    actor: str,
    reason: str,
    now: datetime | None = None,
) -> Result:
    """Stop the clock (no cooperation, waiting for the complainant): due dates move on."""
    return move(store, office, number, CaseStatus.SUSPENDED, actor=actor, reason=reason, now=now)


def resume(
    store: Store,
    office: Office,
    number: str,
    *,
    actor: str,
    reason: str,
    now: datetime | None = None,
) -> Result:
    with store.unit_of_work() as session:
        case = case_of(session, number)
        if case.status != CaseStatus.SUSPENDED or not case.resume_to:
            raise KlachtenbusError(
                f"{case.number} is niet opgeschort (status: {LABELS[CaseStatus(case.status)]})."
            )
        back = CaseStatus(case.resume_to)
    return move(store, office, number, back, actor=actor, reason=reason, now=now)


def extend(
    store: Store,
    office: Office,
    number: str,
    *,
    actor: str,
    reason: str,
    letter_text: str = "",
    weeks: int | None = None,
    preview: bool = False,
    expected: str | None = None,
    now: datetime | None = None,
) -> Result:
    """Verdaging: once, within the preset's maximum, announced before the term expires.

    The letter gives the complainant the grounds (Awb 9:11): `letter_text`, as the officer
    wrote it for them. `reason` stays in the case's history and never reaches the letter.
    `preview` and `expected` work as for `move`.
    """
    if not letter_text.strip():
        raise ExtensionRefused(
            "De klager hoort in de brief waarom de termijn langer wordt: schrijf dat in "
            "--toelichting (het veld 'Toelichting in de brief'). --reden blijft intern."
        )
    at = now or datetime.now(UTC)
    with store.unit_of_work() as session:
        case = case_of(session, number)
        procedure = office.procedure_of(case)
        limit = procedure.extension
        if limit is None:
            raise ExtensionRefused(
                f"{case.number}: de procedure '{procedure.key}' kent geen verdaging. "
                "Voeg een [extension]-blok toe aan het procedurebestand als uw reglement het toestaat."
            )
        most = most_weeks(limit)
        weeks = weeks or most
        if case.extension_weeks:
            raise ExtensionRefused(
                f"{case.number} is al eenmaal verdaagd ({case.extension_weeks} weken): "
                "dat kan maar één keer. Spreek een nieuwe termijn af met de klager en leg die "
                "vast met klachtenbus case edit."
            )
        if not 1 <= weeks <= most:
            raise ExtensionRefused(f"{case.number}: verdagen kan met 1 tot {most} weken.")
        if case.status in (CaseStatus.CLOSED, CaseStatus.HANDED_OVER, CaseStatus.FINDINGS_SENT):
            raise ExtensionRefused(
                f"{case.number} staat op '{LABELS[CaseStatus(case.status)]}': er is geen "
                "termijn meer om te verdagen."
            )
        answer = _answer_step(office, case)
        today = at.astimezone(ZoneInfo(procedure.time_zone)).date()
        if today > answer.due:
            raise ExtensionRefused(
                f"{case.number}: de termijn is al verstreken op {answer.due.isoformat()}. "
                "Verdagen moet vóór het einde van de termijn worden gemeld; bel of schrijf de "
                "klager zelf en leg de afspraak vast met klachtenbus case edit."
            )
        previous = answer.due
        case.extension_weeks, case.extension_reason = weeks, reason
        _sync_due(office, case)
        facts = facts_of(office, case, reason=letter_text.strip(), previous_answer_by=previous)
        result = Result(case.number, case.status)
        result.add(queue(session, office, case, "verdaging", facts, at))
        details = {
            "weeks": weeks,
            "from": previous.isoformat(),
            "to": case.answer_due.isoformat(),
            "letter": result.letters[0],
        }
        casework.add_event(
            session, case, actor=actor, kind="extend", reason=reason, details=details, at=at
        )
        _audit(
            session, actor, "case.extend", case,
            before={"answer_due": previous.isoformat(), "extension_weeks": 0},
            after={"answer_due": details["to"], "extension_weeks": weeks, "reason": reason},
            at=at,
        )  # fmt: skip
        check_seen(result.drafts, expected, case.number)
        if preview:
            session.rollback()  # a preview changes nothing
        return result


_SATISFACTION = {"ja": True, "j": True, "yes": True, "nee": False, "n": False, "no": False}


def satisfaction(word: str) -> bool | None:
    """Whether the complainant was satisfied: ja, nee, or onbekend (empty) as None."""
    word = word.strip().lower()
    if word in ("", "onbekend"):
        return None
    if word not in _SATISFACTION:
        raise KlachtenbusError(f"Tevreden '{word}' bestaat niet; kies ja, nee of onbekend.")
    return _SATISFACTION[word]


def edit(
    store: Store,
    number: str,
    changes: dict[str, Any],
    *,
    actor: str,
    now: datetime | None = None,
) -> Result:
    """Fill in registration fields; every change is kept with its old value, in the case's
    history and in the audit trail, in one transaction. Unchanged fields are not recorded."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise KlachtenbusError(
            f"Onbekend veld: {', '.join(unknown)}. Te wijzigen: {', '.join(EDITABLE)}."
        )
    if changes.get("outcome") is not None and changes["outcome"] not in set(Outcome):
        raise KlachtenbusError(
            f"Oordeel '{changes['outcome']}' bestaat niet; kies uit {', '.join(Outcome)}."
        )
    if not isinstance(changes.get("satisfied"), bool | None):
        raise KlachtenbusError("Tevreden is ja, nee of onbekend.")
    return _change_fields(store, number, changes, actor=actor, action="case.edit", now=now)


def assign(
    store: Store,
    number: str,
    officer: str | None,
    *,
    actor: str,
    now: datetime | None = None,
) -> Result:
    """Give the case to an officer (the address the daily digest goes to), or to nobody."""
    address = (officer or "").strip() or None
    if address is not None and not plausible_mailbox(address):
        raise KlachtenbusError(
            f"'{address}' is geen bruikbaar e-mailadres voor de behandelaar; kies een collega "
            "met een e-mailadres (een beheerder vult het in bij het account)."
        )
    return _change_fields(
        store, number, {"officer": address}, actor=actor, action="case.assign", now=now
    )


def _change_fields(
    store: Store,
    number: str,
    changes: dict[str, Any],
    *,
    actor: str,
    action: str,
    now: datetime | None,
) -> Result:
    with store.unit_of_work() as session:
        case = case_of(session, number)
        changed = {k: v for k, v in changes.items() if getattr(case, k) != v}
        if not changed:
            return Result(case.number, case.status)
        before = {name: getattr(case, name) for name in changed}
        for name, value in changed.items():
            setattr(case, name, value)
        event = casework.add_event(
            session,
            case,
            actor=actor,
            kind="edit",
            details={name: [before[name], value] for name, value in changed.items()},
            at=now,
        )
        _audit(session, actor, action, case, before=before, after=changed, at=event.at or now)
        return Result(case.number, case.status, changed=list(changed))


def release(
    store: Store,
    number: str,
    purpose: str,
    *,
    actor: str,
    reason: str,
    recipient: str | None = None,
) -> Result:
    """Send a letter the bot held back (withheld, or uncertain after a crash) once an officer
    has checked it should go; the officer's decision is kept in the case."""
    with store.unit_of_work() as session:
        case = case_of(session, number)
        letter = next((x for x in case.letters if x.purpose == purpose), None)
        if letter is None:
            names = ", ".join(x.purpose for x in case.letters) or "geen"
            raise KlachtenbusError(f"{case.number} heeft geen brief '{purpose}'; wel: {names}.")
        if letter.status not in (LetterStatus.WITHHELD, LetterStatus.UNCERTAIN):
            raise KlachtenbusError(
                f"De brief '{purpose}' van {case.number} is niet tegengehouden "
                f"(status: {letter.status}); er is niets vrij te geven."
            )
        if recipient:
            recipient = recipient.strip()
            if not plausible_mailbox(recipient):
                raise KlachtenbusError(
                    f"'{recipient}' is geen bruikbaar e-mailadres; geef --aan een adres als "
                    "naam@voorbeeld.nl, zonder naam of haakjes."
                )
            letter.recipient = recipient
            letter.raw = readdressed(letter.raw, recipient)
        if not letter.recipient:
            raise KlachtenbusError(
                f"De brief '{purpose}' van {case.number} heeft geen adres; geef --aan ADRES mee "
                "of stuur hem per post."
            )
        before = letter.status
        letter.status, letter.next_attempt_at = LetterStatus.PENDING, datetime.now(UTC)
        letter.last_error = None
        details = {"letter": purpose, "was": before, "to": letter.recipient}
        casework.add_event(
            session, case, actor=actor, kind="release", reason=reason, details=details
        )
        _audit(
            session, actor, "case.release", case,
            before={"letter": purpose, "status": before},
            after={"letter": purpose, "status": LetterStatus.PENDING.value,
                   "to": letter.recipient, "reason": reason},
            at=None,
        )  # fmt: skip
        return Result(case.number, case.status, [purpose])


def preview(
    store: Store, office: Office, number: str, purpose: str, *, letter_text: str = ""
) -> tuple[str, str]:
    """A letter as the case would get it now, without storing or sending anything.

    A verdaging not yet given is shown as `extend` would send it: the old date beside the new
    one (the preset's longest extension), and the grounds the officer means to give in it.
    """
    if purpose == "verdaging" and not letter_text.strip():
        raise KlachtenbusError(
            "De reden van de verdaging staat in de brief: geef haar mee met --toelichting."
        )
    with store.unit_of_work() as session:
        case = case_of(session, number)
        procedure = office.procedure_of(case)
        previous = _answer_step(office, case).due
        if purpose == "verdaging" and not case.extension_weeks and procedure.extension:
            case.extension_weeks = most_weeks(procedure.extension)  # undone below: only a preview
            _sync_due(office, case)
        facts = facts_of(office, case, reason=letter_text, previous_answer_by=previous)
        session.rollback()  # a preview changes nothing
        return render_text(purpose, facts, preset=procedure.key, own=procedure.letters)


def case_of(session: Session, number: str) -> Case:
    """The case with this number in the caller's transaction, or CaseNotFound."""
    case = casework.case_by_number(session, number)
    if case is None:
        raise CaseNotFound(f"Zaak {number} bestaat niet. Zoek het nummer op met klachtenbus cases.")
    return case


def _answer_step(office: Office, case: Case) -> StepDue:
    return next(s for s in dates(office, case) if s.step.role == "answer")


def _sync_due(office: Office, case: Case) -> None:
    """Keep the case row's due dates (listings, digests) equal to the schedule."""
    for step in dates(office, case):
        if step.step.role == "answer":
            case.answer_due = step.due
        elif step.step.role == "acknowledge":
            case.acknowledge_due = step.due


def _end_pause(procedure: Preset, case: Case, at: datetime) -> None:
    assert case.suspended_since is not None
    local = at.astimezone(ZoneInfo(procedure.time_zone)).date()
    case.paused_days += max(0, (local - _local(procedure, case.suspended_since)).days)
    case.suspended_since, case.resume_to = None, None


def _local(procedure: Preset, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(procedure.time_zone)).date()


def _add(term: Term, start: date, calendar: WorkingCalendar) -> date:
    return term_end(term, start, calendar)


def most_weeks(term: Term) -> int:
    """An extension's maximum in whole weeks, however the preset words it."""
    per_week = {"weken": 1, "werkweken": 1, "dagen": 1 / 7, "werkdagen": 1 / 5, "maanden": 4}
    return max(1, int(term.number * per_week[term.unit]))


def _audit(
    session: Session,
    actor: str,
    action: str,
    case: Case,
    *,
    before: dict[str, Any],
    after: dict[str, Any],
    at: datetime | None,
) -> None:
    """The change in the audit trail too, beside the case's own history."""
    audit.add_audit(
        session, actor=actor, action=action, subject=f"case:{case.number}",
        before=before, after=after, at=at,
    )  # fmt: skip
