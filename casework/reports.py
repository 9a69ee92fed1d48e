"""Quarterly and annual reports: how many complaints, of what kind, handled in time or not,
and which went the external route. The seeds ask for them (KiKa, HSS and MIK & PIW each
quarter; ONS welzijn per municipality and team, and MIK & PIW's public report, each year).

`collect` reads the cases received in a period into plain `CaseRecord`s; `build` counts them
into a `Report`; `tables` lays a report out as the Dutch tables the CLI prints and writes as
CSV. Nothing here prints.

A step is *handled* at a moment the record shows: the acknowledgement when the case was
acknowledged (or first left 'received'), the admissibility decision when it first moved on to
investigation, findings or closure, the answer when it moved to 'findings_sent' or 'closed'.
Steps without such a moment (a preliminary investigation, 'other') are not measured. A step
counts as *within term* when handled on or before its due date, as the schedule gives it after
suspension and extension; a step not handled and past due on the report day is an overrun.
After a meldcode hand-over the ordinary procedure stops: steps not handled by then are not
measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from casework.cases import dates
from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import CaseStatus, Closure, Outcome
from office import Office
from procedures import received_on
from procedures.lifecycle import CLOSURE_LABELS, LABELS
from storage import Store, casework

S = CaseStatus
PERIOD_FORMS = "een jaar (2026), een kwartaal (2026Q4) of een maand (2026-11)"
NOT_FILLED = "(niet ingevuld)"
NO_OUTCOME = "(nog geen oordeel)"
# The statuses that mark a measured step as done, by the step's role.
DONE_BY: dict[str, frozenset[CaseStatus]] = {
    "admissibility": frozenset({S.INVESTIGATION, S.FINDINGS_SENT, S.CLOSED}),
    "answer": frozenset({S.FINDINGS_SENT, S.CLOSED}),
}
MEASURED = ("acknowledge", "admissibility", "answer")

_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


class PeriodInvalid(KlachtenbusError):
    """The report period is not a year, a quarter or a month: write 2026, 2026Q4 or 2026-11."""


@dataclass(frozen=True)
class Period:
    """Calendar days first..last (inclusive), in the organisation's own time zone."""

    label: str
    first: date
    last: date

    def bounds(self, time_zone: str) -> tuple[datetime, datetime]:
        """The period as UTC instants [start, end): how received_at is stored."""
        zone = ZoneInfo(time_zone)
        start = datetime.combine(self.first, time(), zone)
        end = datetime.combine(self.last + timedelta(days=1), time(), zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def parse_period(text: str) -> Period:
    """'2026' (a year), '2026Q4' (a quarter) or '2026-11' (a month); nothing else."""
    value = text.strip()
    if match := _YEAR.fullmatch(value):
        year = int(match[1])
        return Period(value, date(year, 1, 1), date(year, 12, 31))
    if match := _QUARTER.fullmatch(value):
        year, quarter = int(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        return Period(f"{year}Q{quarter}", first, _month_end(year, 3 * quarter))
    if match := _MONTH.fullmatch(value):
        year, month = int(match[1]), int(match[2])
        return Period(value, date(year, month, 1), _month_end(year, month))
    raise PeriodInvalid(f"Periode '{text}' wordt niet herkend. Schrijf {PERIOD_FORMS}.")


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


@dataclass(frozen=True)
class StepRecord:
    """One measured step of one case: when it was due and when (if yet) it was handled."""

    name: str
    role: str
    due: date
    handled_on: date | None
    measured: bool = True  # False after a meldcode hand-over stopped the procedure


@dataclass(frozen=True)
class CaseRecord:
    """A case as the report sees it: its registration fields and its measured steps."""

    number: str
    received_on: date
    status: str
    category: str | None = None
    team: str | None = None
    municipality: str | None = None
    outcome: str | None = None
    closure: str | None = None
    satisfied: bool | None = None
    referred_to: str | None = None
    appealed: bool = False
    steps: tuple[StepRecord, ...] = ()


@dataclass(frozen=True)
class Count:
    value: str
    count: int


@dataclass(frozen=True)
class TermShare:
    """How one step fared: of the cases where it was done or overdue, how many in time."""

    step: str
    role: str
    counted: int  # handled, or past due and not handled
    within: int
    late: int
    running: int  # not handled, not yet due: not counted
    share: float | None  # within / counted; None when nothing counted


@dataclass(frozen=True)
class Overrun:
    number: str
    step: str
    due: date
    handled_on: date | None  # None: still not handled on the report day
    days_late: int


@dataclass(frozen=True)
class Referral:
    """A case that went the external route."""

    number: str
    received_on: date
    route: str
    status: str
    outcome: str | None


@dataclass(frozen=True)
class Report:
    period: Period
    time_zone: str
    as_of: date  # overruns of open cases are counted up to this day
    total: int
    closed: int
    by_category: tuple[Count, ...]
    by_outcome: tuple[Count, ...]
    by_team: tuple[Count, ...]
    by_municipality: tuple[Count, ...]
    by_satisfaction: tuple[Count, ...]
    terms: tuple[TermShare, ...]
    overruns: tuple[Overrun, ...]
    referrals: tuple[Referral, ...]


def report(store: Store, office: Office, period: Period, *, as_of: date | None = None) -> Report:
    """The report for the cases received in the period, as the database holds them now."""
    day = as_of or office.today()
    records = collect(store, office, period, as_of=day)
    return build(period, records, as_of=day, time_zone=office.procedure.time_zone)


def collect(store: Store, office: Office, period: Period, *, as_of: date) -> list[CaseRecord]:
    """Read the period's cases with their events and schedules into plain records."""
    start, end = period.bounds(office.procedure.time_zone)
    with store.unit_of_work() as session:
        cases = casework.cases_received(session, start, end)
        events = casework.events_of_cases_received(session, start, end)
        return [_record(office, c, events.get(c.id, []), as_of) for c in cases]


def _record(office: Office, case: Any, events: list[Any], as_of: date) -> CaseRecord:
    """`case` and `events` as `storage.casework` reads them: rows with the models' names."""
    zone = ZoneInfo(office.procedure_of(case).time_zone)
    moves = [e for e in events if e.kind == "move"]
    handed_over = next((e.at for e in moves if e.to_status == S.HANDED_OVER), None)
    steps = []
    for planned in dates(office, case, on=as_of):
        role = planned.step.role
        if role not in MEASURED:
            continue
        moment = _handled_at(role, case, moves)
        stopped = handed_over is not None and (moment is None or moment > handed_over)
        steps.append(
            StepRecord(
                name=planned.step.name,
                role=role,
                due=planned.due,
                handled_on=moment.astimezone(zone).date() if moment and not stopped else None,
                measured=not stopped,
            )
        )
    return CaseRecord(
        number=case.number,
        received_on=received_on(office.procedure_of(case), case.received_at),
        status=case.status,
        category=case.category,
        team=case.team,
        municipality=case.municipality,
        outcome=case.outcome,
        closure=case.closure,
        satisfied=case.satisfied,
        referred_to=case.referred_to,
        appealed=case.status == S.APPEAL or any(e.to_status == S.APPEAL for e in moves),
        steps=tuple(steps),
    )


def _handled_at(role: str, case: Any, moves: list[Any]) -> datetime | None:
    if role == "acknowledge":
        left = next((e.at for e in moves if e.from_status == S.RECEIVED), None)
        return case.acknowledged_at or left
    moment = next((e.at for e in moves if e.to_status in DONE_BY[role]), None)
    if moment is None and case.status == S.CLOSED:
        return case.closed_at  # a case closed before moves were recorded
    return moment


def build(
    period: Period,
    cases: Sequence[CaseRecord],
    *,
    as_of: date,
    time_zone: str = "Europe/Amsterdam",
) -> Report:
    """Count the cases: per field, per step's term, the overruns and the external cases."""
    terms, overruns = _terms(cases, as_of)
    return Report(
        period=period,
        time_zone=time_zone,
        as_of=as_of,
        total=len(cases),
        closed=sum(c.status == S.CLOSED for c in cases),
        by_category=_count(c.category for c in cases),
        by_outcome=_outcomes(cases),
        by_team=_count(c.team for c in cases),
        by_municipality=_count(c.municipality for c in cases),
        by_satisfaction=_satisfaction(cases),
        terms=terms,
        overruns=overruns,
        referrals=tuple(r for c in cases if (r := _referral(c)) is not None),
    )


def _count(values: Iterable[str | None]) -> tuple[Count, ...]:
    """Most frequent first; spelling differences in case and spaces are one value."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    missing = 0
    for value in values:
        text = " ".join((value or "").split())
        if not text:
            missing += 1
            continue
        key = text.casefold()
        shown.setdefault(key, text)
        counts[key] = counts.get(key, 0) + 1
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    result = [Count(shown[key], n) for key, n in rows]
    if missing:
        result.append(Count(NOT_FILLED, missing))
    return tuple(result)


def _outcomes(cases: Sequence[CaseRecord]) -> tuple[Count, ...]:
    """Every outcome of the seeds, also when none had it, then any others."""
    known = [o.value for o in Outcome]
    result = [Count(o, sum(c.outcome == o for c in cases)) for o in known]
    others = _count(c.outcome for c in cases if c.outcome not in known)
    result += [Count(NO_OUTCOME if x.value == NOT_FILLED else x.value, x.count) for x in others]
    return tuple(result)


def _satisfaction(cases: Sequence[CaseRecord]) -> tuple[Count, ...]:
    words = {True: "tevreden", False: "niet tevreden", None: "onbekend"}
    return tuple(
        Count(word, sum(c.satisfied is answer for c in cases)) for answer, word in words.items()
    )


def _terms(
    cases: Sequence[CaseRecord], as_of: date
) -> tuple[tuple[TermShare, ...], tuple[Overrun, ...]]:
    tally: dict[tuple[str, str], list[int]] = {}  # (role, step) -> counted, within, late, running
    overruns = []
    for case in cases:
        for step in case.steps:
            if not step.measured:
                continue
            row = tally.setdefault((step.role, step.name), [0, 0, 0, 0])
            if step.handled_on is None and as_of <= step.due:
                row[3] += 1
                continue
            row[0] += 1
            done = step.handled_on or as_of
            if done <= step.due:
                row[1] += 1
                continue
            row[2] += 1
            overruns.append(
                Overrun(case.number, step.name, step.due, step.handled_on, (done - step.due).days)
            )
    order = {role: i for i, role in enumerate(MEASURED)}
    terms = tuple(
        TermShare(name, role, n, within, late, running, within / n if n else None)
        for (role, name), (n, within, late, running) in sorted(
            tally.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])
        )
    )
    overruns.sort(key=lambda o: (o.due, o.number, o.step))
    return terms, tuple(overruns)


def _referral(case: CaseRecord) -> Referral | None:
    routes = []
    if case.referred_to:
        routes.append(f"verwezen naar {case.referred_to}")
    if case.appealed:
        routes.append("beroep of escalatie")
    if case.closure == Closure.RULED_AFTER_ADVICE:
        routes.append(CLOSURE_LABELS[Closure.RULED_AFTER_ADVICE])
    if not routes:
        return None
    return Referral(case.number, case.received_on, "; ".join(routes), case.status, case.outcome)


# The tables, as officers read them: (file name, title, header, rows). Cells stay typed
# (int, float, date, None) so each medium formats them its own way.
Cell = str | int | float | date | None


@dataclass(frozen=True)
class ReportTable:
    name: str  # the CSV file's name part, e.g. 'categorie'
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def tables(result: Report) -> list[ReportTable]:
    """The report as the tables officers see on screen and in the CSV files."""

    def counts(name: str, title: str, column: str, values: tuple[Count, ...]) -> ReportTable:
        return ReportTable(
            name, title, (column, "aantal"), tuple((c.value, c.count) for c in values)
        )

    return [
        counts("categorie", "Per categorie", "categorie", result.by_category),
        counts("oordeel", "Per oordeel", "oordeel", result.by_outcome),
        counts("team", "Per team of afdeling", "team", result.by_team),
        counts("gemeente", "Per gemeente", "gemeente", result.by_municipality),
        counts("tevredenheid", "Tevredenheid van de klager", "tevreden", result.by_satisfaction),
        ReportTable(
            "termijnen",
            "Binnen de termijn afgehandeld",
            ("stap", "geteld", "binnen termijn", "te laat", "nog lopend", "percentage binnen"),
            tuple((t.step, t.counted, t.within, t.late, t.running, t.share) for t in result.terms),
        ),
        ReportTable(
            "overschrijdingen",
            "Termijnoverschrijdingen",
            ("zaak", "stap", "uiterlijk", "afgehandeld op", "dagen te laat"),
            tuple((o.number, o.step, o.due, o.handled_on, o.days_late) for o in result.overruns),
        ),
        ReportTable(
            "extern",
            "Extern verwezen, beroep of escalatie",
            ("zaak", "ontvangen", "route", "status", "oordeel"),
            tuple(
                (r.number, r.received_on, r.route, LABELS.get(r.status, r.status), r.outcome)
                for r in result.referrals
            ),
        ),
    ]
