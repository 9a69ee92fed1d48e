"""Procedures: the terms each organisation's complaint regulation sets, from preset files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from procedures.calendar import WorkingCalendar
from procedures.presets import Preset, PresetError, Step, due, load_preset, preset_names

Procedure = Preset  # the name the pipeline speaks


@dataclass(frozen=True)
class Deadlines:
    received_on: date
    acknowledge_by: date | None  # None when the regulation sets no term for it
    answer_by: date


def received_on(procedure: Preset, received_at: datetime) -> date:
    """Terms start at the mailbox's arrival time, in the organisation's own time zone."""
    return received_at.astimezone(ZoneInfo(procedure.time_zone)).date()


def deadlines(procedure: Preset, received_at: datetime, calendar: WorkingCalendar) -> Deadlines:
    day = received_on(procedure, received_at)
    acknowledge = procedure.step("acknowledge")
    answer = procedure.step("answer")
    assert answer is not None  # a preset without one is refused when it is loaded
    return Deadlines(
        received_on=day,
        acknowledge_by=due(acknowledge, day, calendar) if acknowledge else None,
        answer_by=due(answer, day, calendar),
    )


def step_deadlines(
    procedure: Preset, day: date, calendar: WorkingCalendar
) -> list[tuple[Step, date]]:
    return [(step, due(step, day, calendar)) for step in procedure.steps]


HSS = load_preset("hss")

__all__ = [
    "HSS",
    "Deadlines",
    "Preset",
    "PresetError",
    "Procedure",
    "Step",
    "WorkingCalendar",
    "deadlines",
    "load_preset",
    "preset_names",
    "received_on",
    "step_deadlines",
]
