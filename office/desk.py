"""The office every officer and the bot work for: the procedure in force, its calendar and
who we are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from office.organisation import Organisation
from procedures import Preset, WorkingCalendar, load_preset
from procedures.presets import PresetError
from storage import Case

SYSTEM = "klachtenbus"  # the actor of what the bot does on its own


@dataclass(frozen=True)
class Office:
    """What working a case needs: the procedure in force, its calendar, who we are."""

    procedure: Preset
    calendar: WorkingCalendar
    organisation: Organisation
    auto_letter_pause: timedelta = timedelta(hours=24)  # RFC 3834: one automatic letter a day

    def procedure_of(self, case: Case) -> Preset:
        """The preset the case was registered under, also after the admin switched presets."""
        if case.procedure == self.procedure.key:
            return self.procedure
        return _earlier_preset(case.procedure) or self.procedure

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.procedure.time_zone)).date()


@lru_cache(maxsize=16)
def _earlier_preset(key: str) -> Preset | None:
    """A shipped preset read once: a list of cases would otherwise parse it for every row."""
    try:
        return load_preset(key)
    except PresetError:
        return None
