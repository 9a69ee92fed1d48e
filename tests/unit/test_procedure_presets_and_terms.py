"""Every seed's procedure is a preset file; terms are counted as the law and the seeds say."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procedures import PresetError, WorkingCalendar, load_preset, preset_names

PRESETS = [
    "awb",
    "hss",
    "kika",
    "mik-piw-kinderopvang",
    "mik-piw-sociaal-werk",
    "ons-welzijn",
    "vlaanderen",
    "wkkgz",
]


def show(name: str, received: str) -> list[dict[str, str]]:
    result = subprocess.run(
        [sys.executable, "-m", "cli", "procedure", "show", name, "--received", received, "--json"],
        capture_output=True, text=True, check=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "KLACHTENBUS_CONFIG": os.devnull},
    )  # fmt: skip
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_every_seed_has_a_preset() -> None:
    assert preset_names() == PRESETS
    for name in PRESETS:
        preset = load_preset(name)
        assert preset.step("answer") is not None and preset.escalations


@pytest.mark.parametrize(
    ("name", "received", "step", "expected"),
    [
        (
            "hss",
            "2026-12-23",
            "ontvangstbevestiging",
            "2027-01-05",
        ),  # Christmas and New Year skipped
        (
            "awb",
            "2026-04-02",
            "afhandeling",
            "2026-05-18",
        ),  # Ascension Day, then the decree day of 15 May
        ("awb", "2026-11-13", "afhandeling", "2026-12-28"),  # Christmas Day, Boxing Day, Sunday
    ],
)
def test_procedure_show_gives_the_legal_dates(
    name: str, received: str, step: str, expected: str
) -> None:
    rows = show(name, received)
    assert all(set(r) == {"step", "due", "term", "basis"} for r in rows)
    assert {r["step"]: r["due"] for r in rows}[step] == expected


def test_a_broken_preset_names_file_line_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "eigen.toml"
    path.write_text(
        'key = "eigen"\ntitle = "Eigen"\n\n[[step]]\nname = "antwoord"\nrole = "answer"\nterm = "zes weken"\nhandler = "x"\nbasis = "y"\n'
    )
    with pytest.raises(
        PresetError, match=r"eigen.toml, regel 4: termijn 'zes weken' niet begrepen"
    ):
        load_preset(str(path))


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)), n=st.integers(1, 40)
)
def test_working_days_land_on_a_working_day_and_count_exactly(start: date, n: int) -> None:
    calendar = WorkingCalendar()
    end = calendar.add_working_days(start, n)
    assert calendar.is_working_day(end)
    between = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(calendar.is_working_day(d) for d in between) == n


@given(day=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)))
def test_a_statutory_term_ends_on_the_first_working_day_from_its_end(day: date) -> None:
    calendar = WorkingCalendar()
    end = calendar.statutory_end(day)
    assert calendar.is_working_day(end) and end >= day
    assert all(
        not calendar.is_working_day(day + timedelta(days=i)) for i in range((end - day).days)
    )
