"""Terms in working days skip weekends and Dutch public holidays; week terms end on a working day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from procedures import HSS, WorkingCalendar, deadlines, load_preset


def test_hss_seven_working_days_over_christmas() -> None:
    """Received Wednesday 2026-12-23: Christmas, a weekend and New Year's Day do not count."""
    assert WorkingCalendar().add_working_days(date(2026, 12, 23), 7) == date(2027, 1, 5)


def test_six_weeks_ending_on_christmas_moves_to_the_next_working_day() -> None:
    assert WorkingCalendar().statutory_end(date(2026, 12, 25)) == date(2026, 12, 28)


def test_liberation_day_and_decree_days_are_not_working_days() -> None:
    calendar = WorkingCalendar(extra_days=[date(2026, 5, 15)])
    assert not calendar.is_working_day(date(2026, 5, 5))
    assert calendar.statutory_end(date(2026, 5, 14)) == date(2026, 5, 18)


def test_terms_start_on_the_amsterdam_date_of_arrival() -> None:
    """23:30 UTC on 22 December is already 23 December in Amsterdam."""
    due = deadlines(HSS, datetime(2026, 12, 22, 23, 30, tzinfo=UTC), WorkingCalendar())
    assert due.received_on == date(2026, 12, 23)
    assert due.acknowledge_by == date(2027, 1, 5)
    assert due.answer_by == date(2027, 2, 3)


def test_a_flemish_organisation_keeps_belgian_holidays_in_brussels_time() -> None:
    belgian = WorkingCalendar("BE")
    assert belgian.add_working_days(date(2026, 7, 20), 1) == date(2026, 7, 22)  # 21 July
    assert belgian.is_working_day(date(2026, 4, 27))  # Koningsdag is Dutch
    assert not WorkingCalendar().is_working_day(date(2026, 4, 27))
    flemish = load_preset("vlaanderen")
    assert flemish.time_zone == "Europe/Brussels"
    late = deadlines(flemish, datetime(2026, 12, 31, 23, 30, tzinfo=UTC), belgian)
    assert late.received_on == date(2027, 1, 1)
