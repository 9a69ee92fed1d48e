"""The admins' dashboard: the last twelve months at a glance. Complaints per month and per
category, the share handled within each term, open and overdue cases, how much mail the bot
left to an officer (triage) and how often officers agreed with what the bot had decided.

Every figure is a `Chart`: its bars and the table behind them (the same numbers, for screen
readers and the CSV download). Drawing is the web app's business.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from casework import case_list
from casework.exports import Cell
from casework.reports import (
    NOT_FILLED,
    Count,
    Period,
    Report,
    TermShare,
    build,
    collect,
    parse_period,
)
from klachtenbus.vocabulary import CaseStatus
from office import Office
from procedures.lifecycle import LABELS
from storage import Store
from storage import dashboard as records

MONTHS = 12
MONTH_NAMES = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
TOP_CATEGORIES = 8  # the rest is one bar, 'overige'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # a count, or a share 0..1
    shown: str  # as the bar's label says it: '12', '85%', 'geen'


@dataclass(frozen=True)
class Chart:
    name: str  # the anchor and the CSV file's name part
    title: str
    explanation: str
    share: bool  # bars are shares (0..1), drawn against 100%
    bars: tuple[Bar, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Dashboard:
    period: Period  # the twelve calendar months up to and including this one
    as_of: date
    received: int
    open_cases: int
    overdue: int
    charts: tuple[Chart, ...]

    def chart(self, name: str) -> Chart | None:
        return next((c for c in self.charts if c.name == name), None)


def dashboard(store: Store, office: Office, *, today: date | None = None) -> Dashboard:
    today = today or office.today()
    zone = ZoneInfo(office.procedure.time_zone)
    months = _months(today)
    period = Period(f"{_month(months[0])} t/m {_month(months[-1])}", months[0], today)
    cases = collect(store, office, period, as_of=today)
    report = build(period, cases, as_of=today, time_zone=office.procedure.time_zone)
    start, end = period.bounds(office.procedure.time_zone)
    bounds = [_start_of(m, zone) for m in months] + [end]
    with store.unit_of_work() as session:
        messages = records.messages_per_period(session, bounds)
        decisions = records.first_decisions_between(session, start, end)
        open_cases = records.open_by_status(session, CaseStatus.CLOSED)
    overdue = case_list.overdue_by_status(store, office, today=today)

    def month_of(moment: datetime) -> date:
        local = moment.astimezone(zone)
        return date(local.year, local.month, 1)

    per_month = Counter(date(c.received_on.year, c.received_on.month, 1) for c in cases)
    charts = (
        _counts_chart(
            "per-maand", "Klachten per maand", "Geregistreerde klachten naar maand van ontvangst.",
            "maand", [(_month(m), per_month[m]) for m in months],
        ),
        _categories(report.by_category),
        _terms(report.terms),
        _open(open_cases, overdue),
        _shares(
            "triage", "Naar triage per maand",
            "Deel van de binnengekomen berichten dat de bot aan een behandelaar liet: twijfel, "
            "onleesbaar of een meldcode-signaal.",
            ("maand", "berichten", "naar triage", "percentage naar triage"),
            months, dict(zip(months, messages, strict=True)),
        ),
        _shares(
            "overeenstemming", "Behandelaars eens met het model",
            "Van de berichten die de bot zelf indeelde en een behandelaar daarna beoordeelde: "
            "hoe vaak de behandelaar dezelfde soort koos (naar maand van beoordeling).",
            ("maand", "beoordeeld", "eens", "percentage eens"),
            months, _tally((month_of(at), officer == bot) for at, officer, bot in decisions),
        ),
    )  # fmt: skip
    return Dashboard(
        period=period,
        as_of=today,
        received=len(cases),
        open_cases=sum(open_cases.values()),
        overdue=sum(overdue.values()),
        charts=charts,
    )


def report_charts(report: Report) -> tuple[Chart, ...]:
    """The period report's figures as charts: per category and within each term."""
    return (_categories(report.by_category), _terms(report.terms))


def previous_quarter(today: date) -> Period:
    """The last whole quarter: what a quarterly report is usually asked for."""
    quarter = (today.month - 1) // 3  # this one's index 0..3; the previous may be last year's
    year, previous = (today.year, quarter) if quarter else (today.year - 1, 4)
    return parse_period(f"{year}Q{previous}")


def _months(today: date) -> list[date]:
    """The first days of the twelve months ending with this one, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - MONTHS + 1, index + 1)]


def _start_of(month: date, zone: ZoneInfo) -> datetime:
    """The month's first moment in the organisation's time zone, in UTC as stored."""
    return datetime.combine(month, time(), zone).astimezone(UTC)


def _month(first: date) -> str:
    return f"{MONTH_NAMES[first.month - 1]} {first.year}"


def _percent(share: float | None) -> str:
    return "geen" if share is None else f"{share * 100:.0f}%"


def _counts_chart(
    name: str, title: str, explanation: str, column: str, counts: list[tuple[str, int]]
) -> Chart:
    return Chart(
        name, title, explanation, False,
        tuple(Bar(label, n, str(n)) for label, n in counts),
        (column, "klachten"), tuple(counts),
    )  # fmt: skip


def _categories(counts: tuple[Count, ...]) -> Chart:
    shown = [(c.value, c.count) for c in counts if c.value != NOT_FILLED][:TOP_CATEGORIES]
    rest = sum(c.count for c in counts if c.value != NOT_FILLED) - sum(n for _, n in shown)
    if rest:
        shown.append(("overige", rest))
    missing = sum(c.count for c in counts if c.value == NOT_FILLED)
    if missing:
        shown.append((NOT_FILLED, missing))
    return _counts_chart(
        "per-categorie", "Klachten per categorie",
        "Klachten naar de categorie die de behandelaar koos.",
        "categorie", shown,
    )  # fmt: skip


def _terms(terms: tuple[TermShare, ...]) -> Chart:
    return Chart(
        "termijnen", "Binnen de termijn afgehandeld",
        "Per stap van de procedure: het deel dat op of vóór de uiterste datum is afgehandeld "
        "(een open zaak over die datum telt als te laat; lopende termijnen tellen niet mee).",
        True,
        tuple(Bar(t.step, t.share or 0.0, _percent(t.share)) for t in terms),
        ("stap", "geteld", "binnen termijn", "te laat", "nog lopend", "percentage binnen"),
        tuple((t.step, t.counted, t.within, t.late, t.running, t.share) for t in terms),
    )  # fmt: skip


def _open(open_cases: dict[str, int], overdue: dict[str, int]) -> Chart:
    statuses = [s for s in CaseStatus if s in open_cases]
    return Chart(
        "open-zaken", "Open zaken per status",
        "Alle zaken die niet zijn afgesloten, ongeacht wanneer ontvangen; te laat: de "
        "eerstvolgende termijn (of eigen streefdatum) is verstreken.",
        False,
        tuple(Bar(LABELS[s], open_cases[s], str(open_cases[s])) for s in statuses),
        ("status", "open", "te laat"),
        tuple((LABELS[s], open_cases[s], overdue.get(s, 0)) for s in statuses),
    )  # fmt: skip


def _tally(outcomes: Iterable[tuple[date, bool]]) -> dict[date, tuple[int, int]]:
    """Per month: how many, and how many of them yes."""
    found: dict[date, tuple[int, int]] = {}
    for month, outcome in outcomes:
        total, yes = found.get(month, (0, 0))
        found[month] = (total + 1, yes + outcome)
    return found


def _shares(
    name: str,
    title: str,
    explanation: str,
    header: tuple[str, ...],
    months: list[date],
    counts: dict[date, tuple[int, int]],  # month -> (how many, how many yes)
) -> Chart:
    rows = [(m, *counts.get(m, (0, 0))) for m in months]
    shares = [(m, n, yes, yes / n if n else None) for m, n, yes in rows]
    return Chart(
        name, title, explanation, True,
        tuple(Bar(_month(m), share or 0.0, _percent(share)) for m, _, _, share in shares),
        header,
        tuple((_month(m), n, yes, share) for m, n, yes, share in shares),
    )  # fmt: skip
