"""Days the government declared equal to holidays count as holidays without any setting, and
an organisation's own extra days come on top of them, for its own country only."""

from __future__ import annotations

from datetime import date

from procedures import WorkingCalendar

DECREE_DAY = date(2026, 5, 15)  # the Friday after Ascension Day 2026
OWN_DAY = date(2026, 6, 1)  # a Monday the organisation is closed


def test_a_decree_day_needs_no_setting() -> None:
    assert not WorkingCalendar().is_working_day(DECREE_DAY)
    assert WorkingCalendar().add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 18)


def test_an_organisations_own_day_comes_on_top_of_the_decree_days() -> None:
    calendar = WorkingCalendar(extra_days=[OWN_DAY])
    assert not calendar.is_working_day(OWN_DAY)
    assert not calendar.is_working_day(DECREE_DAY)
    assert calendar.add_working_days(date(2026, 5, 29), 1) == date(2026, 6, 2)


def test_dutch_decree_days_are_working_days_in_belgium() -> None:
    assert WorkingCalendar("BE").is_working_day(DECREE_DAY)
