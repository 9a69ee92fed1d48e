"""The officers' list of cases: filtered by status, officer, team and overdue, sorted by the
next deadline or by arrival, fifty to a page.

A case's next deadline is the earliest warn-by date (the earlier of the legal term and the
organisation's own target) of the steps its status leaves open, worked out exactly as the
case page and the daily digest do. Only cases whose clock runs have one; they are read as
bare columns and their schedules are remembered (`casework.cases.dates`), so sorting ten
thousand cases by it takes milliseconds. Cases without a running clock (suspended, findings
sent, appeal, handed over, closed) follow, newest first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, String, func, select, type_coerce
from sqlalchemy.orm import Session

from casework.cases import dates
from klachtenbus.vocabulary import CaseStatus
from office import Office
from procedures.lifecycle import LABELS, WORDS, StepDue, Urgency, open_roles, urgency
from storage import Case, Store

PAGE_SIZE = 50
RUNNING = tuple(s for s in CaseStatus if open_roles(s))  # a term is running
OPEN = "open"  # every status but closed: the list officers start from
ALL = "alle"
# The statuses as the address bar shows them, in the officers' words (as the CLI takes them).
WORD_OF = WORDS
STATUS_WORDS = {word: status for status, word in WORDS.items()}


class Sort(StrEnum):
    """The orders the list offers; the values are what the address bar shows."""

    DUE = "uiterlijk"  # next deadline first
    DUE_LAST = "uiterlijk-laatst"
    NEWEST = "nieuwste"
    OLDEST = "oudste"


SORT_LABELS = {
    Sort.DUE: "eerstvolgende termijn eerst",
    Sort.DUE_LAST: "eerstvolgende termijn laatst",
    Sort.NEWEST: "nieuwste eerst",
    Sort.OLDEST: "oudste eerst",
}


@dataclass(frozen=True)
class CaseFilter:
    """What the officer asked for; unknown values fall back to the defaults."""

    status: str = OPEN  # OPEN, ALL or a CaseStatus value
    officer: str = ""  # an address; "" is everyone
    team: str = ""
    overdue: bool = False
    sort: Sort = Sort.DUE
    page: int = 1

    @classmethod
    def from_words(cls, words: dict[str, str]) -> CaseFilter:
        """From the page's query string (Dutch names), forgiving what a hand-typed URL gets wrong."""
        status = words.get("status", OPEN) or OPEN
        status = STATUS_WORDS.get(status, status)
        if status not in (OPEN, ALL, *CaseStatus):
            status = OPEN
        try:
            sort = Sort(words.get("sorteer", Sort.DUE) or Sort.DUE)
        except ValueError:
            sort = Sort.DUE
        try:
            page = max(1, int(words.get("pagina", "1")))
        except ValueError:
            page = 1
        return cls(
            status=status,
            officer=words.get("behandelaar", "").strip(),
            team=words.get("team", "").strip(),
            overdue=words.get("te_laat", "") in ("1", "ja", "on"),
            sort=sort,
            page=page,
        )

    def words(self, **changes: Any) -> dict[str, str]:
        """The query string of this filter with some values changed (links to other pages)."""
        values = {
            "status": WORD_OF.get(self.status, self.status),  # type: ignore[call-overload]
            "behandelaar": self.officer,
            "team": self.team,
            "te_laat": "1" if self.overdue else "",
            "sorteer": str(self.sort),
            "pagina": str(self.page),
        } | {k: str(v) for k, v in changes.items()}
        defaults = {"status": OPEN, "sorteer": str(Sort.DUE), "pagina": "1"}
        return {k: v for k, v in values.items() if v and defaults.get(k) != v}


@dataclass(frozen=True)
class CaseRow:
    """One line of the list."""

    number: str
    subject: str
    complainant: str
    status: str
    status_label: str
    officer: str | None
    team: str | None
    received_at: datetime
    step: str | None  # the next step with a term, in the procedure's words
    due: date | None  # its legal date
    warn_by: date | None  # the earlier of that and the organisation's own target
    urgency: Urgency | None


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int
    wanted: CaseFilter
    officers: list[str]  # the choices of the filters: who and which teams have cases
    teams: list[str]


def list_cases(
    store: Store, office: Office, wanted: CaseFilter, *, today: date | None = None
) -> CasePage:
    """One page of cases as the officer filtered and sorted them."""
    today = today or office.today()
    with store.unit_of_work() as session:
        conditions = _conditions(wanted)
        groups = _groups(session)
        if wanted.sort in (Sort.DUE, Sort.DUE_LAST):
            ids, total = _by_deadline(session, office, wanted, conditions, groups, today)
        else:
            ids, total = _by_arrival(session, office, wanted, conditions, groups, today)
        found = (
            {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))} if ids else {}
        )
        rows = [_row(office, found[i], today) for i in ids]
        return CasePage(
            rows=rows,
            total=total,
            page=wanted.page,
            pages=max(1, math.ceil(total / PAGE_SIZE)),
            wanted=wanted,
            officers=_unique(g.officer for g in groups),
            teams=_unique(g.team for g in groups),
        )


def overdue_by_status(store: Store, office: Office, *, today: date | None = None) -> dict[str, int]:
    """How many running cases of each status are past their next warn-by date: the same
    count the list's 'te laat' filter gives."""
    today = today or office.today()
    with store.unit_of_work() as session:
        return {
            status: late
            for status in RUNNING
            if (late := sum(
                1 for warn_by, _, _ in _running(session, office, [Case.status == status], today)
                if warn_by < today
            ))
        }  # fmt: skip


def next_deadline(office: Office, case: Any, today: date) -> StepDue | None:
    """The step with the earliest warn-by date among those the case's status leaves open."""
    roles = open_roles(CaseStatus(case.status))
    if not roles:
        return None
    steps = [s for s in dates(office, case, on=today) if s.step.role in roles]
    return min(steps, key=lambda s: (s.warn_by, s.due)) if steps else None


@dataclass(frozen=True)
class _Group:
    """How many cases have this status, officer and team: one scan gives every count the
    filters need and the choices they offer."""

    status: str
    officer: str | None
    team: str | None
    count: int

    def matches(self, wanted: CaseFilter) -> bool:
        if wanted.status == OPEN and self.status == CaseStatus.CLOSED:
            return False
        if wanted.status not in (OPEN, ALL) and self.status != wanted.status:
            return False
        if wanted.officer and (self.officer or "").lower() != wanted.officer.lower():
            return False
        return not wanted.team or self.team == wanted.team


def _groups(session: Session) -> list[_Group]:
    columns = (Case.status, Case.officer, Case.team)
    found = session.execute(select(*columns, func.count(Case.id)).group_by(*columns))
    return [_Group(*row) for row in found]


def _counted(groups: list[_Group], wanted: CaseFilter, *, running: bool | None = None) -> int:
    return sum(
        g.count
        for g in groups
        if g.matches(wanted) and (running is None or (g.status in RUNNING) == running)
    )


def _unique(values: Iterable[str | None]) -> list[str]:
    """Distinct, ignoring case (addresses), sorted as officers read them."""
    seen: dict[str, str] = {}
    for value in values:
        if value:
            seen.setdefault(value.lower(), value)
    return sorted(seen.values(), key=str.lower)


def _conditions(wanted: CaseFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.status == OPEN:
        conditions.append(Case.status != CaseStatus.CLOSED)
    elif wanted.status != ALL:
        conditions.append(Case.status == wanted.status)
    if wanted.officer:
        conditions.append(func.lower(Case.officer) == wanted.officer.lower())
    if wanted.team:
        conditions.append(Case.team == wanted.team)
    return conditions


# A running case's next deadline depends on these columns only (a suspended case's clock
# does not run), so it is remembered by them: thousands of rows cost a lookup each. The
# arrival time is read as the database keeps it (a string in SQLite, a naive UTC timestamp in
# PostgreSQL): turning it into an aware datetime and hashing that cost more than the rest.
_CLOCK = (
    Case.id, Case.status, Case.procedure, type_coerce(Case.received_at, String),
    Case.paused_days, Case.extension_weeks,
)  # fmt: skip
_DEADLINES: dict[tuple[Any, ...], tuple[date, date] | None] = {}


@dataclass(frozen=True)
class _Clock:
    """What `dates` reads of a running case."""

    status: str
    procedure: str
    received_at: datetime
    paused_days: int
    extension_weeks: int
    suspended_since: None = None


def _running(
    session: Session, office: Office, conditions: list[ColumnElement[bool]], today: date
) -> list[tuple[date, date, int]]:
    """(warn-by, due, id) of every matching case whose clock runs."""
    if len(_DEADLINES) > 100_000:
        _DEADLINES.clear()
    found = []
    place = (id(office.procedure), id(office.calendar))
    rows = session.execute(select(*_CLOCK).where(*conditions, Case.status.in_(RUNNING)))
    for case_id, status, procedure, stored_at, paused, weeks in rows:
        key = (place, status, procedure, stored_at, paused, weeks)
        deadline = _DEADLINES.get(key, _UNKNOWN)
        if deadline is _UNKNOWN:
            clock = _Clock(status, procedure, _utc(stored_at), paused, weeks)
            step = next_deadline(office, clock, today)
            deadline = _DEADLINES[key] = (step.warn_by, step.due) if step else None
        if deadline is not None:
            found.append((*deadline, case_id))  # type: ignore[misc]
    return found


_UNKNOWN: Any = object()


def _utc(stored: str | datetime) -> datetime:
    moment = stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)
    return moment.replace(tzinfo=UTC)


def _by_deadline(
    session: Session,
    office: Office,
    wanted: CaseFilter,
    conditions: list[ColumnElement[bool]],
    groups: list[_Group],
    today: date,
) -> tuple[list[int], int]:
    """Running cases by their next deadline, then the rest newest first."""
    running = _running(session, office, conditions, today)
    if wanted.overdue:
        running = [r for r in running if r[0] < today]
    running.sort(reverse=wanted.sort == Sort.DUE_LAST)
    start = (wanted.page - 1) * PAGE_SIZE
    ids = [r[2] for r in running[start : start + PAGE_SIZE]]
    rest_total = 0
    if not wanted.overdue:
        rest = [*conditions, Case.status.not_in(RUNNING)]
        rest_total = _counted(groups, wanted, running=False)
        if len(ids) < PAGE_SIZE and rest_total:
            skip = max(0, start - len(running))
            ids += session.scalars(
                select(Case.id)
                .where(*rest)
                .order_by(Case.received_at.desc(), Case.id.desc())
                .offset(skip)
                .limit(PAGE_SIZE - len(ids))
            )
    return ids, len(running) + rest_total


def _by_arrival(
    session: Session,
    office: Office,
    wanted: CaseFilter,
    conditions: list[ColumnElement[bool]],
    groups: list[_Group],
    today: date,
) -> tuple[list[int], int]:
    """Newest or oldest first; with 'te laat', the late cases worked out, then ordered."""
    start = (wanted.page - 1) * PAGE_SIZE
    newest = wanted.sort == Sort.NEWEST
    by = (Case.received_at.desc(), Case.id.desc()) if newest else (Case.received_at, Case.id)
    if wanted.overdue:
        late = [r[2] for r in _running(session, office, conditions, today) if r[0] < today]
        order = _sorted_by_arrival(session, late, newest)
        return order[start : start + PAGE_SIZE], len(order)
    ids = session.scalars(
        select(Case.id).where(*conditions).order_by(*by).offset(start).limit(PAGE_SIZE)
    )
    return list(ids), _counted(groups, wanted)


def _sorted_by_arrival(session: Session, ids: list[int], newest: bool) -> list[int]:
    arrival: dict[int, datetime] = {}
    for chunk in range(0, len(ids), 500):
        arrival.update(
            session.execute(
                select(Case.id, Case.received_at).where(Case.id.in_(ids[chunk : chunk + 500]))
            ).all()
        )
    return sorted(arrival, key=lambda i: (arrival[i], i), reverse=newest)


def _row(office: Office, case: Case, today: date) -> CaseRow:
    step = next_deadline(office, case, today)
    return CaseRow(
        number=case.number,
        subject=case.subject,
        complainant=case.complainant_name,
        status=case.status,
        status_label=LABELS[CaseStatus(case.status)],
        officer=case.officer,
        team=case.team,
        received_at=case.received_at,
        step=step.step.name if step else None,
        due=step.due if step else None,
        warn_by=step.warn_by if step else None,
        urgency=urgency(step.warn_by, today, office.calendar) if step else None,
    )
