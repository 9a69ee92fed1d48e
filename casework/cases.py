"""Working a case: moves through the procedure, suspension, extension, the fields officers fill
in, and the letters each step sends. The CLI and (later) the web UI call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from intake.addresses import plausible_mailbox
from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import CaseStatus, Closure, LetterStatus, Outcome
from office import Office
from outbox import Envelope
from outbox.case_letters import CaseFacts, case_letter, render_text
from outbox.letters import readdressed
from procedures import Preset, WorkingCalendar, received_on
from procedures.lifecycle import LABELS, InvalidTransition, Move, StepDue, check_move, schedule
from procedures.presets import Term, term_end
from storage import Case, Store, casework, records

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
    """What a change did, for the officer's screen."""

    number: str
    status: str
    letters: list[str] = field(default_factory=list)


def dates(office: Office, case: Case, *, on: date | None = None) -> list[StepDue]:
    """Each step's due date; while suspended, the days so far do not count either."""
    procedure = office.procedure_of(case)
    paused = case.paused_days
    if case.suspended_since is not None:
        today = on or office.today()
        paused += max(0, (today - _local(procedure, case.suspended_since)).days)
    extension = Term(case.extension_weeks, "weken") if case.extension_weeks else None
    return schedule(
        procedure,
        received_on(procedure, case.received_at),
        office.calendar,
        paused_days=paused,
        extension=extension,
    )


def show(store: Store, office: Office, number: str) -> CaseView:
    with store.unit_of_work() as session:
        case = _case(session, number)
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
    now: datetime | None = None,
) -> Result:
    """Move a case one step, store who/when/why, and queue the letter that step sends.

    `reason` is for the case's history only; what the complainant reads is `letter_text`
    (an internal note such as "klager is lastig" once went out verbatim).
    """
    if target == CaseStatus.CLOSED and closure == Closure.NOT_ADMISSIBLE and not letter_text:
        raise KlachtenbusError(
            "Wie niet-ontvankelijk wordt verklaard, hoort waarom: schrijf het in --toelichting "
            "(die tekst komt in de brief; --reden blijft intern)."
        )
    at = now or datetime.now(UTC)
    with store.unit_of_work() as session:
        case = _case(session, number)
        procedure = office.procedure_of(case)
        current = CaseStatus(case.status)
        resume_to = CaseStatus(case.resume_to) if case.resume_to else None
        check_move(
            procedure, case.number, current, Move(target, closure, outcome), resume_to=resume_to
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
        result = Result(case.number, target)
        facts = _facts(office, case, reason=letter_text)
        if target == CaseStatus.INVESTIGATION and current == CaseStatus.ADMISSIBILITY:
            result.letters.append(_queue(session, office, case, "ontvankelijkheid", facts, at))
        elif target == CaseStatus.FINDINGS_SENT:
            result.letters.append(
                _queue(session, office, case, "bevindingen", facts, at, officer_text=officer_text)
            )
        elif target == CaseStatus.CLOSED:
            assert closure is not None
            case.closure, case.closed_at = closure.value, at
            facts = _facts(office, case, reason=letter_text)
            result.letters.append(_queue(session, office, case, "afsluiting", facts, at))
            if procedure.aftercare and closure != Closure.WITHDRAWN:
                later = datetime.combine(
                    _add(procedure.aftercare, _local(procedure, at), office.calendar),
                    time(9),
                    ZoneInfo(procedure.time_zone),
                )
                result.letters.append(_queue(session, office, case, "nazorg", facts, later))
        case.status = target.value
        _sync_due(office, case)
        casework.add_event(
            session,
            case,
            actor=actor,
            kind="move",
            from_status=current,
            to_status=target,
            reason=reason,
            details={
                "closure": closure and closure.value,
                "outcome": outcome and outcome.value,
                "letters": result.letters,
            },
            at=at,
        )
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
        case = _case(session, number)
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
    weeks: int | None = None,
    now: datetime | None = None,
) -> Result:
    """Verdaging: once, within the preset's maximum, announced before the term expires."""
    at = now or datetime.now(UTC)
    with store.unit_of_work() as session:
        case = _case(session, number)
        procedure = office.procedure_of(case)
        limit = procedure.extension
        if limit is None:
            raise ExtensionRefused(
                f"{case.number}: de procedure '{procedure.key}' kent geen verdaging. "
                "Voeg een [extension]-blok toe aan het procedurebestand als uw reglement het toestaat."
            )
        most = _weeks(limit)
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
        facts = _facts(office, case, reason=reason, previous_answer_by=previous)
        letter = _queue(session, office, case, "verdaging", facts, at)
        casework.add_event(
            session,
            case,
            actor=actor,
            kind="extend",
            reason=reason,
            details={
                "weeks": weeks,
                "from": previous.isoformat(),
                "to": case.answer_due.isoformat(),
                "letter": letter,
            },
            at=at,
        )
        return Result(case.number, case.status, [letter])


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
    """Fill in registration fields; every change is kept with its old value."""
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
    with store.unit_of_work() as session:
        case = _case(session, number)
        before = {name: getattr(case, name) for name in changes}
        for name, value in changes.items():
            setattr(case, name, value)
        casework.add_event(
            session,
            case,
            actor=actor,
            kind="edit",
            details={name: [before[name], value] for name, value in changes.items()},
            at=now,
        )
        return Result(case.number, case.status)


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
        case = _case(session, number)
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
        casework.add_event(
            session, case, actor=actor, kind="release", reason=reason,
            details={"letter": purpose, "was": before, "to": letter.recipient},
        )  # fmt: skip
        return Result(case.number, case.status, [purpose])


def preview(
    store: Store, office: Office, number: str, purpose: str, *, reason: str = ""
) -> tuple[str, str]:
    """A letter as the case would get it now, without storing or sending anything.

    A verdaging not yet given is shown as `extend` would send it: the old date beside the new
    one (the preset's longest extension), and the reason the officer means to give.
    """
    if purpose == "verdaging" and not reason.strip():
        raise KlachtenbusError(
            "De reden van de verdaging staat in de brief: geef haar mee met --reden."
        )
    with store.unit_of_work() as session:
        case = _case(session, number)
        procedure = office.procedure_of(case)
        previous = _answer_step(office, case).due
        if purpose == "verdaging" and not case.extension_weeks and procedure.extension:
            case.extension_weeks = _weeks(procedure.extension)  # undone below: only a preview
            _sync_due(office, case)
        facts = _facts(office, case, reason=reason, previous_answer_by=previous)
        session.rollback()  # a preview changes nothing
        return render_text(purpose, facts, preset=procedure.key, own=procedure.letters)


def _case(session: Session, number: str) -> Case:
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


def _weeks(term: Term) -> int:
    """An extension's maximum in whole weeks, however the preset words it."""
    per_week = {"weken": 1, "werkweken": 1, "dagen": 1 / 7, "werkdagen": 1 / 5, "maanden": 4}
    return max(1, int(term.number * per_week[term.unit]))


def _facts(
    office: Office, case: Case, *, reason: str = "", previous_answer_by: date | None = None
) -> CaseFacts:
    procedure = office.procedure_of(case)
    return CaseFacts(
        case_number=case.number,
        complainant_name=case.complainant_name
        if case.complainant_name != case.complainant_email
        else "",
        subject=case.subject,
        received_on=received_on(procedure, case.received_at),
        answer_by=case.answer_due,
        procedure_title=procedure.title,
        external_route=procedure.external_route,
        organisation_name=office.organisation.name,
        organisation_address=office.organisation.postal_address,
        admissible=case.closure != Closure.NOT_ADMISSIBLE,
        reason=reason,
        previous_answer_by=previous_answer_by,
        extension_basis=procedure.extension_basis,
        closure=case.closure or "",
        outcome=case.outcome or "",
        measures=case.measures or "",
    )


def _queue(
    session: Session,
    office: Office,
    case: Case,
    purpose: str,
    facts: CaseFacts,
    send_at: datetime,
    *,
    officer_text: str | None = None,
) -> str:
    """Write the letter into the outbox in this transaction; the sender delivers it once."""
    taken = {x.purpose for x in case.letters}
    name, n = purpose, 1
    while name in taken:  # a second afsluiting after an appeal, say
        n += 1
        name = f"{purpose}-{n}"
    complaint_id = case.message.message_id
    earlier = tuple(x.message_id for x in case.letters)
    envelope = Envelope(
        sender=office.organisation.address,
        sender_name=office.organisation.name,
        recipient=case.complainant_email or "",
        recipient_name=facts.complainant_name,
        in_reply_to=complaint_id,
        references=earlier,
    )
    letter = case_letter(
        purpose,
        facts,
        envelope,
        sent_at=send_at,
        preset=office.procedure_of(case).key,
        own=office.procedure_of(case).letters,
        officer_text=officer_text,
    )
    status = LetterStatus.PENDING if case.complainant_email else LetterStatus.WITHHELD
    stored = records.add_letter(
        session,
        case,
        purpose=name,
        recipient=case.complainant_email,
        message_id=letter.message_id,
        raw=letter.raw,
        status=status,
    )
    stored.next_attempt_at = send_at
    if status == LetterStatus.WITHHELD:
        stored.last_error = "geen e-mailadres van de klager: verstuur de brief per post"
    return name
