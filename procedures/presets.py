"""Procedure presets: one TOML file per organisation's complaint regulation, checked at start."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from klachtenbus.errors import AdminFileError, line_of_block
from procedures.calendar import WorkingCalendar

PRESETS = Path(__file__).parent / "presets"
ROLES = ("acknowledge", "admissibility", "investigation", "answer", "other")
_TERM = re.compile(
    r"^\s*(\d+)\s+(dagen|dag|werkdagen|werkdag|werkweken|werkweek|weken|week|maanden|maand)\s*$"
)
_UNITS = {
    "dag": "dagen", "dagen": "dagen", "werkdag": "werkdagen", "werkdagen": "werkdagen",
    "werkweek": "werkweken", "werkweken": "werkweken", "week": "weken", "weken": "weken",
    "maand": "maanden", "maanden": "maanden",
}  # fmt: skip


class PresetError(AdminFileError):
    """A procedure preset is missing or wrong: fix the named line, or choose another preset."""

    label = "Procedurebestand"


@dataclass(frozen=True)
class Term:
    number: int
    unit: str  # dagen, werkdagen, werkweken, weken, maanden

    def __str__(self) -> str:
        return f"{self.number} {self.unit}"


@dataclass(frozen=True)
class Step:
    name: str
    role: str
    term: Term
    handler: str
    basis: str
    statutory: bool = False  # the Algemene termijnenwet moves its end to a working day
    target: Term | None = None  # the organisation's own, earlier aim for this step


@dataclass(frozen=True)
class Escalation:
    name: str
    contact: str


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    country: str
    time_zone: str
    steps: tuple[Step, ...]
    escalations: tuple[Escalation, ...]
    not_a_complaint: tuple[str, ...] = ()
    filing_window: Term | None = None
    extension: Term | None = None  # at most this much longer, once, with a letter
    extension_basis: str = ""
    chain: tuple[str, ...] = ()  # who takes over an overdue step, in order
    aftercare: Term | None = None  # the satisfaction follow-up after closing
    letters: Path | None = None  # the organisation's own letter templates, searched first

    @property
    def has_admissibility(self) -> bool:
        return self.step("admissibility") is not None

    def step(self, role: str) -> Step | None:
        return next((s for s in self.steps if s.role == role), None)

    @property
    def external_route(self) -> str:
        """One Dutch sentence for letters: where to go when the complainant disagrees."""
        if not self.escalations:
            return ""
        routes = "; ".join(f"{e.name} ({e.contact})" for e in self.escalations)
        return f"Bent u het niet eens met de afhandeling, dan kunt u terecht bij: {routes}."


def due(
    step: Step, received_on: date, calendar: WorkingCalendar, *, extended_by: Term | None = None
) -> date:
    """The day a step's term ends, counted from the day of receipt, after any extension."""
    end = term_end(step.term, received_on, calendar)
    if extended_by is not None:
        end = term_end(extended_by, end, calendar)
    return calendar.statutory_end(end) if step.statutory else end


def term_end(term: Term, start: date, calendar: WorkingCalendar) -> date:
    """The plain end of a term as worded, before the Algemene termijnenwet moves it."""
    n, unit = term.number, term.unit
    if unit == "werkdagen":
        return calendar.add_working_days(start, n)
    if unit == "werkweken":
        return calendar.add_working_days(start, 5 * n)
    if unit == "dagen":
        return start + timedelta(days=n)
    if unit == "weken":
        return start + timedelta(weeks=n)
    return _add_months(start, n)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS.glob("*.toml"))


def load_preset(name_or_path: str) -> Preset:
    """A shipped preset by name, or an admin's own file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PRESETS / f"{name_or_path}.toml"
        if not path.exists():
            raise PresetError(
                path,
                None,
                f"'{name_or_path}' bestaat niet; kies uit {', '.join(preset_names())} of geef een pad.",
            )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PresetError(path, None, f"kan het bestand niet lezen ({exc.strerror}).") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise PresetError(
            path, int(found.group(1)) if found else None, f"geen geldige TOML: {exc}"
        ) from exc
    return _preset(path, text, data)


def _preset(path: Path, text: str, data: dict[str, object]) -> Preset:
    for key in ("key", "title"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise PresetError(path, None, f"'{key}' ontbreekt bovenaan het bestand.")
    steps_raw = data.get("step")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise PresetError(
            path, None, "geen [[step]]-blokken: een procedure heeft minstens één termijn."
        )
    steps = []
    for index, raw in enumerate(steps_raw, start=1):
        line = line_of_block(text, "[[step]]", index)
        missing = [k for k in ("name", "role", "term", "handler", "basis") if not raw.get(k)]
        if missing:
            raise PresetError(path, line, f"stap {index} mist: {', '.join(missing)}.")
        if raw["role"] not in ROLES:
            raise PresetError(
                path,
                line,
                f"stap '{raw['name']}': role '{raw['role']}' bestaat niet; kies uit {', '.join(ROLES)}.",
            )
        steps.append(
            Step(
                name=str(raw["name"]),
                role=str(raw["role"]),
                term=_term(path, line, str(raw["term"])),
                handler=str(raw["handler"]),
                basis=str(raw["basis"]),
                statutory=bool(raw.get("statutory", False)),
                target=_term(path, line, str(raw["target"])) if raw.get("target") else None,
            )
        )
    if not any(s.role == "answer" for s in steps):
        raise PresetError(
            path, None, 'geen stap met role = "answer": wanneer hoort de klager de uitkomst?'
        )
    escalations = []
    for index, raw in enumerate(data.get("escalation") or [], start=1):  # type: ignore[arg-type]
        if not raw.get("name") or not raw.get("contact"):
            raise PresetError(
                path,
                line_of_block(text, "[[escalation]]", index),
                "een [[escalation]] heeft name en contact nodig.",
            )
        escalations.append(Escalation(str(raw["name"]), str(raw["contact"])))
    window = data.get("filing_window")
    extension = data.get("extension") or {}
    if not isinstance(extension, dict) or (extension and not extension.get("max")):
        raise PresetError(
            path,
            _line_of(text, "[extension]"),
            '[extension] heeft max nodig, bijvoorbeeld max = "4 weken".',
        )
    chain = data.get("chain") or []
    if not isinstance(chain, list) or not all(isinstance(x, str) and x for x in chain):
        raise PresetError(
            path, _line_of(text, "chain"), 'chain is een lijst namen, zoals ["directie"].'
        )
    aftercare = data.get("aftercare")
    letters = (path.parent / str(data["letters"])).resolve() if data.get("letters") else None
    if letters is not None and not letters.is_dir():
        raise PresetError(
            path, _line_of(text, "letters"), f"letters = '{data['letters']}': die map bestaat niet."
        )
    return Preset(
        key=str(data["key"]),
        title=str(data["title"]),
        country=str(data.get("country", "NL")),
        time_zone=str(data.get("time_zone", "Europe/Amsterdam")),
        steps=tuple(steps),
        escalations=tuple(escalations),
        not_a_complaint=tuple(str(x) for x in data.get("not_a_complaint") or []),  # type: ignore[union-attr]
        filing_window=_term(path, _line_of(text, "filing_window"), str(window)) if window else None,
        extension=_term(path, _line_of(text, "max"), str(extension["max"])) if extension else None,
        extension_basis=str(extension.get("basis", "")),
        chain=tuple(chain),
        aftercare=_term(path, _line_of(text, "aftercare"), str(aftercare)) if aftercare else None,
        letters=letters,
    )


def _line_of(text: str, key: str) -> int | None:
    """The first line that starts with this key or table header, for error messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(key):
            return number
    return None


def _term(path: Path, line: int | None, value: str) -> Term:
    found = _TERM.match(value.lower())
    if not found:
        raise PresetError(
            path,
            line,
            f"termijn '{value}' niet begrepen; schrijf bijvoorbeeld '7 werkdagen', '6 weken' of '2 maanden'.",
        )
    return Term(int(found.group(1)), _UNITS[found.group(2)])
