"""Every unit a regulation words its terms in (werkdagen, werkweken, dagen, weken, maanden)
ends on the day the regulation says; an extension counts from the old end, and the Algemene
termijnenwet moves only a statutory end off a weekend or holiday."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from procedures import HSS, WorkingCalendar, deadlines, load_preset, step_deadlines
from procedures.presets import Step, Term, due, term_end

CALENDAR = WorkingCalendar()


@pytest.mark.parametrize(
    ("term", "start", "end"),
    [
        # Wednesday before Christmas: 24, 28, 29, 30, 31 December are the five working days
        (Term(1, "werkweken"), date(2026, 12, 23), date(2026, 12, 31)),
        (Term(2, "werkweken"), date(2026, 12, 23), date(2027, 1, 8)),  # ten working days
        (Term(2, "werkdagen"), date(2026, 12, 23), date(2026, 12, 28)),
        (Term(21, "dagen"), date(2026, 12, 23), date(2027, 1, 13)),
        (Term(6, "weken"), date(2026, 12, 23), date(2027, 2, 3)),
        (Term(1, "maanden"), date(2026, 3, 10), date(2026, 4, 10)),
        (Term(1, "maanden"), date(2026, 1, 31), date(2026, 2, 28)),  # the month is shorter
        (Term(1, "maanden"), date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (Term(1, "maanden"), date(2026, 3, 31), date(2026, 4, 30)),
        (Term(2, "maanden"), date(2026, 11, 30), date(2027, 1, 30)),  # into the next year
        (Term(1, "maanden"), date(2026, 12, 15), date(2027, 1, 15)),
        (Term(3, "maanden"), date(2026, 12, 31), date(2027, 3, 31)),
    ],
)
def test_a_term_ends_where_its_unit_says(term: Term, start: date, end: date) -> None:
    assert term_end(term, start, CALENDAR) == end


def test_an_extension_counts_from_the_end_of_the_term() -> None:
    step = Step("afhandeling", "answer", Term(6, "weken"), "klachtenfunctionaris", "test")
    assert due(step, date(2026, 3, 2), CALENDAR) == date(2026, 4, 13)
    extended = due(step, date(2026, 3, 2), CALENDAR, extended_by=Term(4, "weken"))
    assert extended == date(2026, 5, 11)
    # ten working days after Monday 13 April: Koningsdag (27 April) does not count
    extended = due(step, date(2026, 3, 2), CALENDAR, extended_by=Term(10, "werkdagen"))
    assert extended == date(2026, 4, 28)


def test_only_a_statutory_end_moves_off_a_weekend() -> None:
    """Six weeks from Saturday 31 January end on Saturday 14 March."""
    plain = Step("afhandeling", "answer", Term(6, "weken"), "klachtenfunctionaris", "test")
    statutory = Step("afhandeling", "answer", Term(6, "weken"), "k", "test", statutory=True)
    assert due(plain, date(2026, 1, 31), CALENDAR) == date(2026, 3, 14)
    assert due(statutory, date(2026, 1, 31), CALENDAR) == date(2026, 3, 16)


def test_the_awb_answer_term_moves_to_monday() -> None:
    due_dates = deadlines(load_preset("awb"), datetime(2026, 1, 31, 10, 0, tzinfo=UTC), CALENDAR)
    assert due_dates.received_on == date(2026, 1, 31)
    assert due_dates.acknowledge_by == date(2026, 2, 7)  # seven days, not statutory
    assert due_dates.answer_by == date(2026, 3, 16)


def test_a_regulation_without_an_acknowledgement_term_sets_none() -> None:
    due_dates = deadlines(load_preset("kika"), datetime(2026, 3, 2, 9, 0, tzinfo=UTC), CALENDAR)
    assert due_dates.acknowledge_by is None
    assert due_dates.answer_by == date(2026, 3, 23)


def test_every_step_of_a_procedure_gets_its_own_date() -> None:
    preset = load_preset("ons-welzijn")
    dates = step_deadlines(preset, date(2026, 3, 2), CALENDAR)
    assert [step.role for step, _ in dates] == [step.role for step in preset.steps]
    assert dict((step.role, day) for step, day in dates) == {
        "acknowledge": date(2026, 3, 9),
        "admissibility": date(2026, 3, 16),
        "investigation": date(2026, 3, 23),
        "answer": date(2026, 5, 2),  # two months; not statutory here, so it may be a Saturday
    }


def test_a_step_in_working_days_skips_christmas_and_new_year() -> None:
    dates = step_deadlines(HSS, date(2026, 12, 23), CALENDAR)
    assert [(step.role, day) for step, day in dates] == [
        ("acknowledge", date(2027, 1, 5)),
        ("answer", date(2027, 2, 3)),
    ]
