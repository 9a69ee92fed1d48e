"""Procedures: the terms each organisation's complaint regulation sets, in working days or weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from procedures.calendar import WorkingCalendar


@dataclass(frozen=True)
class Procedure:
    key: str
    title: str  # as the organisation's regulation calls itself
    acknowledge_working_days: int
    answer_weeks: int
    external_route: str
    time_zone: str = "Europe/Amsterdam"
    country: str = "NL"


@dataclass(frozen=True)
class Deadlines:
    received_on: date
    acknowledge_by: date
    answer_by: date


HSS = Procedure(
    key="hss",
    title="Klachtenprocedure HSS Hulpverlening Sociale Sector",
    acknowledge_working_days=7,
    answer_weeks=6,
    external_route=(
        "Bent u het niet eens met de uitkomst, dan kunt u een externe klacht indienen bij "
        "erisietsmisgegaan.nl."
    ),
)

PROCEDURES = {HSS.key: HSS}


def deadlines(procedure: Procedure, received_at: datetime, calendar: WorkingCalendar) -> Deadlines:
    """Terms start at the mailbox's arrival time, in the organisation's own time zone."""
    received_on = received_at.astimezone(ZoneInfo(procedure.time_zone)).date()
    return Deadlines(
        received_on=received_on,
        acknowledge_by=calendar.add_working_days(received_on, procedure.acknowledge_working_days),
        answer_by=calendar.statutory_end(received_on + timedelta(weeks=procedure.answer_weeks)),
    )


__all__ = ["HSS", "PROCEDURES", "Deadlines", "Procedure", "WorkingCalendar", "deadlines"]
