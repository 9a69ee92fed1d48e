"""A case's way through its procedure: which moves are allowed, and when each step is due.

Pure rules over the preset; storing a move and sending its letter is the bot's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import CaseStatus, Closure, Outcome
from procedures.calendar import WorkingCalendar
from procedures.presets import Preset, Step, Term, due, term_end

S = CaseStatus

LABELS = {
    S.RECEIVED: "ontvangen",
    S.ACKNOWLEDGED: "ontvangst bevestigd",
    S.ADMISSIBILITY: "ontvankelijkheid",
    S.INVESTIGATION: "onderzoek (hoor en wederhoor)",
    S.FINDINGS_SENT: "bevindingen verstuurd",
    S.APPEAL: "beroep of escalatie",
    S.SUSPENDED: "opgeschort",
    S.HANDED_OVER: "overgedragen (meldcode)",
    S.CLOSED: "afgesloten",
}
# A status in one Dutch word, as commands and addresses take it.
WORDS = {
    S.RECEIVED: "ontvangen", S.ACKNOWLEDGED: "bevestigd", S.ADMISSIBILITY: "ontvankelijkheid",
    S.INVESTIGATION: "onderzoek", S.FINDINGS_SENT: "bevindingen", S.APPEAL: "beroep",
    S.SUSPENDED: "opgeschort", S.HANDED_OVER: "overgedragen", S.CLOSED: "afgesloten",
}  # fmt: skip
CLOSURE_LABELS = {
    Closure.RESOLVED: "opgelost",
    Closure.WITHDRAWN: "ingetrokken",
    Closure.RULED: "uitspraak gedaan",
    Closure.RULED_AFTER_ADVICE: "uitspraak na extern advies",
    Closure.NOT_ADMISSIBLE: "niet ontvankelijk",
}

_OPEN = (S.RECEIVED, S.ACKNOWLEDGED, S.ADMISSIBILITY, S.INVESTIGATION)
MOVES: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    S.RECEIVED: (S.ACKNOWLEDGED, S.ADMISSIBILITY, S.INVESTIGATION, S.HANDED_OVER, S.SUSPENDED, S.CLOSED),
    S.ACKNOWLEDGED: (S.ADMISSIBILITY, S.INVESTIGATION, S.HANDED_OVER, S.SUSPENDED, S.CLOSED),
    S.ADMISSIBILITY: (S.INVESTIGATION, S.HANDED_OVER, S.SUSPENDED, S.CLOSED),
    S.INVESTIGATION: (S.FINDINGS_SENT, S.HANDED_OVER, S.SUSPENDED, S.CLOSED),
    S.FINDINGS_SENT: (S.CLOSED, S.APPEAL, S.INVESTIGATION),
    S.APPEAL: (S.CLOSED,),
    S.HANDED_OVER: (S.INVESTIGATION, S.CLOSED),
    S.SUSPENDED: (S.CLOSED,),  # or back to where it was: see check_move
    S.CLOSED: (S.APPEAL,),
}  # fmt: skip
CLOSURES_FROM: dict[Closure, tuple[CaseStatus, ...]] = {
    Closure.RESOLVED: (*_OPEN, S.FINDINGS_SENT),
    Closure.WITHDRAWN: (*_OPEN, S.FINDINGS_SENT, S.APPEAL, S.SUSPENDED, S.HANDED_OVER),
    Closure.RULED: (S.INVESTIGATION, S.FINDINGS_SENT, S.APPEAL, S.HANDED_OVER),
    Closure.RULED_AFTER_ADVICE: (S.APPEAL,),
    Closure.NOT_ADMISSIBLE: (S.RECEIVED, S.ACKNOWLEDGED, S.ADMISSIBILITY),
}
NEEDS_OUTCOME = (Closure.RULED, Closure.RULED_AFTER_ADVICE)

# The regular way through a procedure. A move forward past a status still to come skips the
# step it stands for, which the procedure requires: only with an officer's stated reason.
# The acknowledgement is not an officer's step (the bot's letter goes whatever the status),
# and the admissibility step counts only where the preset has one.
ROUTE = (S.RECEIVED, S.ACKNOWLEDGED, S.ADMISSIBILITY, S.INVESTIGATION, S.FINDINGS_SENT, S.CLOSED)
# Endings that stop the procedure rather than skip a step of it: the complainant withdraws
# (MIK & PIW), the complaint is declared not admissible (itself the admissibility decision).
ENDINGS = (Closure.WITHDRAWN, Closure.NOT_ADMISSIBLE)
# A closing letter after the investigation carries the judgement (the answer); before it,
# closing skips hearing both sides.
_SKIPPABLE = (S.ADMISSIBILITY, S.INVESTIGATION)


class InvalidTransition(KlachtenbusError):
    """A move the procedure does not allow; the message says which moves are possible."""


class StepSkipped(InvalidTransition):
    """A move past a step the procedure requires, without the officer's reason for skipping."""


@dataclass(frozen=True)
class Move:
    """An officer's request to move a case, as checked against the procedure."""

    target: CaseStatus
    closure: Closure | None = None
    outcome: Outcome | None = None


def moves_from(preset: Preset, current: CaseStatus, resume_to: CaseStatus | None) -> list[str]:
    """The statuses a case can go to from here, for the error message and the web UI."""
    targets = list(MOVES[current])
    if current == S.SUSPENDED and resume_to is not None:
        targets.insert(0, resume_to)
    return [t for t in targets if t != S.ADMISSIBILITY or preset.has_admissibility]


def skipped_steps(preset: Preset, current: CaseStatus, move: Move) -> tuple[str, ...]:
    """The required steps this move passes over, in the procedure's own words (empty for a
    regular move, a step back, or an ending such as a withdrawal)."""
    if move.closure in ENDINGS or current not in ROUTE or move.target not in ROUTE:
        return ()
    start, end = ROUTE.index(current), ROUTE.index(move.target)
    passed = [s for s in ROUTE[start + 1 : end] if s in _SKIPPABLE]
    if S.ADMISSIBILITY in passed and not preset.has_admissibility:
        passed.remove(S.ADMISSIBILITY)
    return tuple(_step_name(preset, status) for status in passed)


def _step_name(preset: Preset, status: CaseStatus) -> str:
    """A status as the preset names its step (ONS welzijn's 'vooronderzoek'), or our label."""
    role = {S.ADMISSIBILITY: "admissibility", S.INVESTIGATION: "investigation"}[status]
    step = preset.step(role)
    return step.name if step is not None else LABELS[status]


def check_move(
    preset: Preset,
    number: str,
    current: CaseStatus,
    move: Move,
    *,
    resume_to: CaseStatus | None = None,
    skip_reason: str = "",
) -> tuple[str, ...]:
    """Refuse a move the procedure does not allow, saying what is allowed instead; a move past
    a required step needs `skip_reason`. Returns the steps skipped, for the case's history."""
    allowed = moves_from(preset, current, resume_to)
    if move.target not in allowed:
        if move.target == S.ADMISSIBILITY and not preset.has_admissibility:
            problem = f"de procedure '{preset.key}' kent geen ontvankelijkheidstoets"
        else:
            problem = f"van '{LABELS[current]}' kan een zaak niet naar '{LABELS[move.target]}'"
        options = ", ".join(f"{t} ({LABELS[CaseStatus(t)]})" for t in allowed) or "geen"
        raise InvalidTransition(f"{number}: {problem}. Mogelijk vanaf hier: {options}.")
    if move.target == S.CLOSED:
        if move.closure is None:
            choices = ", ".join(
                f"{c.value} ({CLOSURE_LABELS[c]})" for c in Closure if current in CLOSURES_FROM[c]
            )
            raise InvalidTransition(
                f"{number}: zeg hoe de zaak afloopt met --afloop; mogelijk: {choices}."
            )
        if current not in CLOSURES_FROM[move.closure]:
            raise InvalidTransition(
                f"{number}: '{CLOSURE_LABELS[move.closure]}' kan niet vanaf '{LABELS[current]}'."
            )
        if move.closure in NEEDS_OUTCOME and move.outcome is None:
            outcomes = ", ".join(o.value for o in Outcome)
            raise InvalidTransition(
                f"{number}: een uitspraak heeft een oordeel nodig (--oordeel {outcomes})."
            )
    elif move.closure is not None:
        raise InvalidTransition(f"{number}: --afloop hoort alleen bij afsluiten (closed).")
    skipped = skipped_steps(preset, current, move)
    if skipped and not skip_reason.strip():
        raise StepSkipped(
            f"{number}: van '{LABELS[current]}' naar '{LABELS[move.target]}' slaat "
            f"{_joined(skipped)} over, en de procedure vraagt die stap. Zet de zaak eerst "
            f"daarheen, of sla over met een reden die in het dossier komt: "
            f"--overslaan-met-reden TEKST (in de webapp: 'Stap overslaan')."
        )
    return skipped


def _joined(names: tuple[str, ...]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} en {quoted[-1]}"


@dataclass(frozen=True)
class StepDue:
    """One step's dates for one case."""

    step: Step
    due: date  # the term as the regulation sets it, after pauses and an extension
    target: date  # the organisation's own aim; officers are warned by the earlier of the two

    @property
    def warn_by(self) -> date:
        return min(self.due, self.target)


def schedule(
    preset: Preset,
    received_on: date,
    calendar: WorkingCalendar,
    *,
    paused_days: int = 0,
    extension: Term | None = None,
) -> list[StepDue]:
    """Every step's due date: the clock stood still for paused days; an extension moves the answer."""
    start = received_on + timedelta(days=paused_days)
    result = []
    for step in preset.steps:
        extended_by = extension if step.role == "answer" else None
        legal = due(step, start, calendar, extended_by=extended_by)
        own = term_end(step.target, start, calendar) if step.target else None
        if own is None:
            own = term_end(step.term, start, calendar)  # before a statutory move
            if extended_by is not None:
                own = term_end(extended_by, own, calendar)
        result.append(StepDue(step, legal, min(own, legal)))
    return result


def letter_of(current: CaseStatus, target: CaseStatus) -> str | None:
    """The letter a move sends the complainant (the closing one also plans the aftercare)."""
    if target == S.INVESTIGATION and current == S.ADMISSIBILITY:
        return "ontvankelijkheid"
    if target == S.FINDINGS_SENT:
        return "bevindingen"
    if target == S.CLOSED:
        return "afsluiting"
    return None


SOON = 3  # working days: what the daily digest and the pages call due soon


class Urgency(StrEnum):
    """How pressing a step is, in the word officers read beside its date (not colour alone)."""

    OVERDUE = "te laat"
    SOON = "bijna"
    FINE = "op tijd"


def urgency(warn_by: date, today: date, calendar: WorkingCalendar) -> Urgency:
    """Past the warn-by date is late; within SOON working days is soon (as the digest says)."""
    if warn_by < today:
        return Urgency.OVERDUE
    left, day = 0, today
    while day < warn_by and left <= SOON:
        day += timedelta(days=1)
        left += calendar.is_working_day(day)
    return Urgency.SOON if left <= SOON else Urgency.FINE


def open_roles(status: CaseStatus) -> tuple[str, ...]:
    """The step roles still to be done in this status: what a digest warns about."""
    if status == S.RECEIVED:
        return ("acknowledge", "admissibility", "investigation", "answer")
    if status in (S.ACKNOWLEDGED, S.ADMISSIBILITY):
        return ("admissibility", "investigation", "answer")
    if status == S.INVESTIGATION:
        return ("investigation", "answer")
    return ()
