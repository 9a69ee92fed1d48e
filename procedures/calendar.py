"""Working days: no weekends, no public holidays, the Algemene termijnenwet's rule for term ends."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

# Days the government declared equal to public holidays for the Algemene termijnenwet, by
# decree; an organisation adds its own with the extra_holidays setting.
DECREE_DAYS = {"NL": frozenset({date(2026, 5, 15)})}


class WorkingCalendar:
    """Dutch (or Belgian) public holidays plus an extra list of days declared by decree."""

    def __init__(self, country: str = "NL", extra_days: Iterable[date] = ()) -> None:
        self.country = country
        self.extra_days = frozenset(extra_days) | DECREE_DAYS.get(country, frozenset())

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.extra_days:
            return False
        return day not in _holidays(self.country, day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The day `days` working days after `start` (the day of receipt itself does not count)."""
        day = start
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def statutory_end(self, day: date) -> date:
        """A term ending on a Saturday, Sunday or holiday ends on the next working day."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    # Imported at the first date asked for: the package loads every country it knows
    # (0.06-0.1 s), which `poll` need not pay before it has stored its first batch.
    import holidays

    days = set(holidays.country_holidays(country, years=year))
    if country == "NL":
        # The Algemene termijnenwet also counts Good Friday and 5 May every year, where the
        # holidays package lists Liberation Day only in lustrum years.
        days.add(date(year, 5, 5))
    return frozenset(days)
