"""The quarterly and annual reports the seeds ask for: counts per category, outcome, team and
municipality, the share of each step handled within its term, the overruns, the cases that went
the external route, as CSV that Dutch Excel opens; periods counted in Amsterdam time."""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from casework import cases
from casework.reports import Count, PeriodInvalid, Report, collect, parse_period, report
from cli.main import app
from cli.reports import write_csv
from klachtenbus.vocabulary import CaseStatus, Closure, Outcome
from office import Office
from storage import Case, Store
from tests.casework import office, register, store_at

S = CaseStatus
AS_OF = date(2027, 1, 4)
FINDINGS = "Wij hebben uw klacht onderzocht en met de begeleider besproken."


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@dataclass
class Quarter:
    """Four complaints received in 2026Q4 and one in September, worked as officers would."""

    store: Store
    office: Office
    on_time: str
    late_answer: str
    still_open: str
    suspended: str
    september: str


def _move(store: Store, hss: Office, number: str, target: S, day: str, **kw: Any) -> None:
    text = FINDINGS if target == S.FINDINGS_SENT else None
    cases.move(
        store, hss, number, target, actor="Ank", reason="werk", now=at(day), officer_text=text, **kw
    )


def _fill(store: Store, number: str, **fields: Any) -> None:
    cases.edit(store, number, dict(fields), actor="Ank")


@pytest.fixture
def quarter(sqlite_url: str) -> Quarter:
    store, hss = store_at(sqlite_url), office("hss")
    on_time = register(store, hss, at("2026-10-05"))  # acknowledge by 10-14, answer by 11-16
    with store.unit_of_work() as session:
        case = session.scalars(select(Case).where(Case.number == on_time)).one()
        case.status, case.acknowledged_at = S.ACKNOWLEDGED, at("2026-10-06")
    _move(store, hss, on_time, S.INVESTIGATION, "2026-10-07")
    _move(store, hss, on_time, S.FINDINGS_SENT, "2026-11-10")
    _move(store, hss, on_time, S.CLOSED, "2026-11-12", closure=Closure.RULED,
          outcome=Outcome.WELL_FOUNDED)  # fmt: skip
    _fill(store, on_time, category="bejegening", team="Maatschappelijk werk", municipality="Oss")

    late_answer = register(store, hss, at("2026-10-12"))  # answer by 11-23, sent 11-30
    _move(store, hss, late_answer, S.INVESTIGATION, "2026-10-13")
    _move(store, hss, late_answer, S.FINDINGS_SENT, "2026-11-30")
    _move(store, hss, late_answer, S.APPEAL, "2026-12-03")
    _move(store, hss, late_answer, S.CLOSED, "2026-12-20", closure=Closure.RULED_AFTER_ADVICE,
          outcome=Outcome.UNFOUNDED)  # fmt: skip
    _fill(store, late_answer, category="Bejegening ", team="Jeugd", municipality="Oss")

    still_open = register(store, hss, at("2026-11-02"))  # acknowledge by 11-11, answer by 12-14
    _move(store, hss, still_open, S.ACKNOWLEDGED, "2026-11-20")
    _fill(store, still_open, category="bereikbaarheid", municipality="Bernheze")

    # Answer by 11-12 without the pause; suspended 20 days, so by 12-02; sent 11-25.
    suspended = register(store, hss, at("2026-10-01"))
    _move(store, hss, suspended, S.INVESTIGATION, "2026-10-02")
    cases.suspend(store, hss, suspended, actor="Ank", reason="geen reactie", now=at("2026-10-05"))
    cases.resume(store, hss, suspended, actor="Ank", reason="weer contact", now=at("2026-10-25"))
    _move(store, hss, suspended, S.FINDINGS_SENT, "2026-11-25")
    _move(store, hss, suspended, S.CLOSED, "2026-11-27", closure=Closure.RESOLVED)
    _fill(store, suspended, category="bejegening", team="jeugd", municipality="Oss",
          outcome="deels gegrond", satisfied=True, referred_to="Klachtencommissie Brabant")  # fmt: skip

    september = register(store, hss, at("2026-09-30"))
    _fill(store, september, category="facturen", municipality="Uden")
    return Quarter(store, hss, on_time, late_answer, still_open, suspended, september)


def q4(q: Quarter) -> Report:
    return report(q.store, q.office, parse_period("2026Q4"), as_of=AS_OF)


def test_counts_per_category_outcome_team_and_municipality(quarter: Quarter) -> None:
    """Only the quarter's cases count; spelling variants of one value are counted together."""
    result = q4(quarter)
    assert (result.total, result.closed) == (4, 3)
    assert result.by_category == (Count("bejegening", 3), Count("bereikbaarheid", 1))
    assert result.by_outcome == (
        Count("gegrond", 1), Count("deels gegrond", 1), Count("ongegrond", 1),
        Count("onduidelijk", 0), Count("(nog geen oordeel)", 1),
    )  # fmt: skip
    assert result.by_team == (
        Count("Jeugd", 2),
        Count("Maatschappelijk werk", 1),
        Count("(niet ingevuld)", 1),
    )
    assert result.by_municipality == (Count("Oss", 3), Count("Bernheze", 1))
    assert Count("tevreden", 1) in result.by_satisfaction


def test_share_within_term_per_step(quarter: Quarter) -> None:
    """Handled on or before the due date counts as within; an open case past due counts as late."""
    terms = {t.role: t for t in q4(quarter).terms}
    assert set(terms) == {"acknowledge", "answer"}
    ack, answer = terms["acknowledge"], terms["answer"]
    assert (ack.step, ack.counted, ack.within, ack.late) == ("ontvangstbevestiging", 4, 3, 1)
    assert (answer.step, answer.counted, answer.within, answer.late) == ("standpunt", 4, 2, 2)
    assert answer.share == 0.5


def test_an_open_step_not_yet_due_is_not_counted(quarter: Quarter) -> None:
    """On 1 December the open case's answer (due 14 December) is still running, not late."""
    early = report(quarter.store, quarter.office, parse_period("2026Q4"), as_of=date(2026, 12, 1))
    answer = next(t for t in early.terms if t.role == "answer")
    assert (answer.counted, answer.running) == (3, 1)


def test_overruns_are_listed_with_due_date_and_days_late(quarter: Quarter) -> None:
    """A late acknowledgement, a late answer and an answer still outstanding, earliest due first."""
    found = [(o.number, o.step, o.due, o.handled_on, o.days_late) for o in q4(quarter).overruns]
    assert found == [
        (quarter.still_open, "ontvangstbevestiging", date(2026, 11, 11), date(2026, 11, 20), 9),
        (quarter.late_answer, "standpunt", date(2026, 11, 23), date(2026, 11, 30), 7),
        (quarter.still_open, "standpunt", date(2026, 12, 14), None, 21),
    ]


def test_a_suspended_case_stays_within_term_by_its_paused_days(quarter: Quarter) -> None:
    """Findings sent 13 days after the plain six weeks, but the clock stood still for 20 days."""
    overdue = {o.number for o in q4(quarter).overruns}
    assert quarter.suspended not in overdue
    steps = cases.show(quarter.store, quarter.office, quarter.suspended).steps
    answer = next(s for s in steps if s.step.role == "answer")
    assert answer.due == date(2026, 12, 2)


def test_admissibility_is_measured_and_a_meldcode_hand_over_stops_the_clock(
    sqlite_url: str,
) -> None:
    """ONS welzijn decides admissibility within two weeks; after a hand-over nothing runs late."""
    store, ons = store_at(sqlite_url), office("ons-welzijn")
    slow = register(store, ons, at("2026-03-02"))  # admissible by 03-16
    _move(store, ons, slow, S.ADMISSIBILITY, "2026-03-03")
    _move(store, ons, slow, S.INVESTIGATION, "2026-03-20")
    handed = register(store, ons, at("2026-03-02"))
    _move(store, ons, handed, S.HANDED_OVER, "2026-03-03")
    result = report(store, ons, parse_period("2026"), as_of=date(2026, 12, 31))
    terms = {t.step: (t.counted, t.within, t.late) for t in result.terms}
    assert terms == {
        "ontvangstbevestiging": (2, 2, 0), "ontvankelijkheid": (1, 0, 1), "bevindingen": (1, 0, 1),
    }  # fmt: skip
    assert {o.number for o in result.overruns} == {slow}
    assert ("ontvankelijkheid", 4) in {(o.step, o.days_late) for o in result.overruns}


def test_external_cases_are_listed(quarter: Quarter) -> None:
    """Referred to an outside body, or gone on to appeal and the external committee's advice."""
    routes = {r.number: r.route for r in q4(quarter).referrals}
    assert set(routes) == {quarter.late_answer, quarter.suspended}
    assert (
        "beroep" in routes[quarter.late_answer] and "extern advies" in routes[quarter.late_answer]
    )
    assert routes[quarter.suspended] == "verwezen naar Klachtencommissie Brabant"


def test_the_year_counts_every_quarter(quarter: Quarter) -> None:
    """The annual report takes September's case too."""
    result = report(quarter.store, quarter.office, parse_period("2026"), as_of=AS_OF)
    assert result.total == 5
    assert Count("Uden", 1) in result.by_municipality


def test_period_boundaries_are_amsterdam_midnight(sqlite_url: str) -> None:
    """23:30 UTC on New Year's Eve is already 2027 in Amsterdam; 22:30 UTC is still 2026."""
    store, hss = store_at(sqlite_url), office("hss")
    new_year = register(store, hss, datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    old_year = register(store, hss, datetime(2026, 12, 31, 22, 30, tzinfo=UTC))
    summer = register(store, hss, datetime(2026, 6, 30, 22, 30, tzinfo=UTC))  # CEST: 1 July

    def numbers(period: str) -> set[str]:
        return {r.number for r in collect(store, hss, parse_period(period), as_of=AS_OF)}

    assert numbers("2027") == {new_year} and new_year.startswith("K-2027-")
    assert numbers("2026Q4") == numbers("2026-12") == {old_year}
    assert numbers("2026Q3") == numbers("2026-07") == {summer}
    assert numbers("2026-06") == set()
    assert report(store, hss, parse_period("2027Q1"), as_of=AS_OF).total == 1


def test_csv_files_open_in_dutch_excel(quarter: Quarter, tmp_path: Path) -> None:
    """One file per table, UTF-8 with a byte-order mark, semicolons, a header, a decimal comma."""
    written = write_csv(q4(quarter), f"{tmp_path}/uit/")
    names = {p.name for p in written}
    assert "klachten-2026Q4-categorie.csv" in names and "klachten-2026Q4-termijnen.csv" in names
    terms = tmp_path / "uit" / "klachten-2026Q4-termijnen.csv"
    assert terms.read_bytes().startswith(b"\xef\xbb\xbf")
    with terms.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    answer = next(r for r in rows if r["stap"] == "standpunt")
    assert answer["percentage binnen"] == "50,0" and answer["te laat"] == "2"
    overruns = tmp_path / "uit" / "klachten-2026Q4-overschrijdingen.csv"
    with overruns.open(encoding="utf-8-sig", newline="") as handle:
        first = next(csv.DictReader(handle, delimiter=";"))
    assert first == {
        "zaak": quarter.still_open, "stap": "ontvangstbevestiging", "uiterlijk": "2026-11-11",
        "afgehandeld op": "2026-11-20", "dagen te laat": "9",
    }  # fmt: skip


def test_csv_with_a_prefix(quarter: Quarter, tmp_path: Path) -> None:
    """Not a directory: the path is a prefix for the files."""
    written = write_csv(q4(quarter), tmp_path / "rapport.csv")
    assert tmp_path / "rapport-gemeente.csv" in written


@pytest.mark.parametrize("bad", ["2026Q5", "Q4 2026", "2026-13", "26", "2026-4", "vorig jaar", ""])
def test_a_bad_period_says_which_forms_work(bad: str) -> None:
    """The error names the three accepted forms, in Dutch."""
    with pytest.raises(PeriodInvalid, match=r"2026Q4.*2026-11"):
        parse_period(bad)


def test_periods_are_years_quarters_and_months() -> None:
    """Each form gives its first and last day."""
    assert (parse_period("2026Q4").first, parse_period("2026Q4").last) == (
        date(2026, 10, 1), date(2026, 12, 31),
    )  # fmt: skip
    assert parse_period("2026q1").label == "2026Q1"
    assert (parse_period("2026-02").first, parse_period("2026-02").last) == (
        date(2026, 2, 1), date(2026, 2, 28),
    )  # fmt: skip
    assert parse_period("2026").last == date(2026, 12, 31)


def test_the_command_prints_the_report_and_writes_json(
    quarter: Quarter, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`klachtenbus report` on the terminal, as JSON, and its Dutch error for a bad period."""
    monkeypatch.setenv("KLACHTENBUS_CONFIG", os.devnull)
    monkeypatch.setenv("KLACHTENBUS_DATABASE_URL", sqlite_url)
    runner = CliRunner()
    shown = runner.invoke(app, ["report", "--period", "2026Q4"], terminal_width=160)
    assert shown.exit_code == 0, shown.output
    assert "Klachtenrapportage 2026Q4" in shown.output and quarter.still_open in shown.output
    as_json = runner.invoke(app, ["report", "--period", "2026Q4", "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert data["total"] == 4 and data["period"]["first"] == "2026-10-01"
    files = runner.invoke(app, ["report", "--period", "2026", "--csv", f"{tmp_path}/csv/"])
    assert files.exit_code == 0, files.output
    assert (tmp_path / "csv" / "klachten-2026-gemeente.csv").exists()
    wrong = runner.invoke(app, ["report", "--period", "2026K4"])
    assert wrong.exit_code == 2 and "niet herkend" in wrong.output


def test_the_command_writes_the_report_as_a_pdf(
    quarter: Quarter, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`klachtenbus report --pdf` writes the same PDF as the web app's download."""
    from pypdf import PdfReader

    monkeypatch.setenv("KLACHTENBUS_CONFIG", os.devnull)
    monkeypatch.setenv("KLACHTENBUS_DATABASE_URL", sqlite_url)
    target = tmp_path / "rapport.pdf"
    done = CliRunner().invoke(app, ["report", "--period", "2026Q4", "--pdf", str(target)])
    assert done.exit_code == 0, done.output
    text = " ".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Klachtenrapportage 2026Q4" in text and "4 klachten" in text
