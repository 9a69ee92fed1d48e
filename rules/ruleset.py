"""The keyword rules as data: loaded from TOML, checked at start, compiled once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from re import _constants, _parser  # type: ignore[attr-defined]  # the stdlib's own parse tree
from typing import Any

from klachtenbus.errors import AdminFileError, line_of_block


class Marker(StrEnum):
    COMPLAINT_WORD = "complaint-word"  # HSS M1
    STRONG_WORDING = "strong-wording"  # HSS M2
    BLAME_ACT = "blame-act"  # HSS M3
    BLAME_BEHAVIOUR = "blame-behaviour"  # HSS M4
    EXCLUSION = "exclusion"
    MACHINE = "machine"
    MELDCODE = "meldcode"
    WITHDRAWAL = "withdrawal"
    APPEAL = "appeal"
    FOLLOWUP = "followup"


HSS_MARKERS = frozenset(
    {Marker.COMPLAINT_WORD, Marker.STRONG_WORDING, Marker.BLAME_ACT, Marker.BLAME_BEHAVIOUR}
)


class RuleFileError(AdminFileError):
    """The rule file is broken: fix the named line, or point KLACHTENBUS_RULES_FILE elsewhere."""

    label = "Regelbestand"


@dataclass(frozen=True)
class Rule:
    name: str
    marker: Marker
    patterns: tuple[re.Pattern[str], ...]
    explanation: str
    cancels: frozenset[Marker] = frozenset()

    @property
    def matchers(self) -> tuple[re.Pattern[str], ...]:
        """The patterns as at most two alternations, searched instead of one by one."""
        return _combine(self.patterns)

    def search(self, lowered: str, start: int = 0) -> re.Match[str] | None:
        """The earliest match of any of the rule's patterns in the lower-cased text.

        A pattern with a word every match must contain runs only when that word is in the
        text (a substring test costs next to nothing); the rest run as one alternation.
        """
        always, keyed = _plan(self.patterns)
        candidates = always + tuple(p for word, p in keyed if word in lowered)
        found = [m for m in (p.search(lowered, start) for p in candidates) if m]
        return min(found, key=lambda m: m.start()) if found else None


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    source: str


_UPPER_OUTSIDE_ESCAPE = re.compile(r"(?<!\\)[A-ZÀ-ÖØ-Þ]")


@lru_cache(maxsize=1024)
def _combine(patterns: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...]:
    """Factor the word-edge out: `\\b(?:a|b)` is searched many times faster than `\\ba|\\bb`,
    and one pattern without a leading `\\b` in the alternation would lose that speed for all.
    """
    bounded = [p.pattern[2:] for p in patterns if p.pattern.startswith("\\b")]
    free = [p.pattern for p in patterns if not p.pattern.startswith("\\b")]
    flags = re.MULTILINE  # the text is lower-cased once; IGNORECASE costs more on every search
    out = []
    if bounded:
        out.append(re.compile("\\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")", flags))
    if free:
        out.append(re.compile("|".join(f"(?:{p})" for p in free), flags))
    return tuple(out)


@lru_cache(maxsize=1024)
def _plan(
    patterns: tuple[re.Pattern[str], ...],
) -> tuple[tuple[re.Pattern[str], ...], tuple[tuple[str, re.Pattern[str]], ...]]:
    """Split the patterns into those keyed by a literal they require and the rest, combined."""
    keyed = tuple((word, p) for p in patterns if (word := _required_literal(p)))
    rest = tuple(p for p in patterns if not _required_literal(p))
    return (_combine(rest) if rest else ()), keyed


@lru_cache(maxsize=8192)
def _required_literal(pattern: re.Pattern[str]) -> str:
    """The longest run of plain characters (at least three) that every match contains, or ""."""
    best = ""

    def walk(items: Any) -> None:
        nonlocal best
        run = ""
        for op, av in items:
            if op is _constants.LITERAL:
                run += chr(av)
                continue
            best = max(best, run, key=len)
            run = ""
            if op is _constants.SUBPATTERN:
                walk(av[-1])
            elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and av[0] >= 1:
                walk(av[2])
        best = max(best, run, key=len)

    walk(_parser.parse(pattern.pattern, pattern.flags))
    return best if len(best) >= 3 else ""


def default_rules_path() -> Path:
    return Path(str(resources.files("rules") / "data" / "nl.toml"))


def load_rules(path: Path | None = None) -> RuleSet:
    """Read and check a rule file; any problem stops start-up with the file and the line."""
    path = path or default_rules_path()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(path, None, f"kan het bestand niet lezen ({exc.strerror}).") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise RuleFileError(path, line, f"geen geldige TOML: {exc}") from exc
    entries = data.get("rule")
    if not isinstance(entries, list) or not entries:
        raise RuleFileError(path, None, "geen [[rule]]-blokken gevonden.")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        rules.append(_rule(path, text, index, entry, seen))
    return RuleSet(rules=tuple(rules), source=str(path))


def _rule(path: Path, text: str, index: int, entry: dict[str, object], seen: set[str]) -> Rule:
    name = entry.get("name")
    line = line_of_block(text, "[[rule]]", index)

    def fail(problem: str) -> RuleFileError:
        return RuleFileError(path, line, f"regel {name or f'nr. {index}'}: {problem}")

    if not isinstance(name, str) or not name:
        raise fail("'name' ontbreekt.")
    if name in seen:
        raise fail("deze naam komt twee keer voor; geef elke regel een eigen naam.")
    seen.add(name)
    try:
        marker = Marker(str(entry.get("marker")))
    except ValueError:
        allowed = ", ".join(m.value for m in Marker)
        raise fail(f"'marker' is '{entry.get('marker')}'; kies uit: {allowed}.") from None
    patterns = entry.get("patterns")
    if (
        not isinstance(patterns, list)
        or not patterns
        or not all(isinstance(p, str) for p in patterns)
    ):
        raise fail("'patterns' moet een lijst met minstens één tekst zijn.")
    compiled = []
    for pattern in patterns:
        if _UPPER_OUTSIDE_ESCAPE.search(pattern):
            raise fail(
                f"patroon {pattern!r} bevat hoofdletters; de tekst wordt in kleine letters "
                "vergeleken, dus schrijf het patroon in kleine letters."
            )
        try:
            compiled.append(re.compile(pattern, re.MULTILINE))
        except re.error as exc:
            raise fail(f"patroon {pattern!r} is geen geldige reguliere expressie: {exc}.") from exc
    explanation = entry.get("explanation")
    if not isinstance(explanation, str) or not explanation.strip():
        raise fail("'explanation' ontbreekt: officers moeten zien waarom de regel raakte.")
    cancels_raw = entry.get("cancels", [])
    try:
        cancels = frozenset(Marker(str(c)) for c in cancels_raw)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise fail(f"'cancels' bevat een onbekende marker: {cancels_raw}.") from None
    if cancels and marker is not Marker.EXCLUSION:
        raise fail("'cancels' mag alleen bij marker = \"exclusion\".")
    unknown = set(entry) - {"name", "marker", "patterns", "explanation", "cancels"}
    if unknown:
        raise fail(f"onbekende sleutel(s): {', '.join(sorted(unknown))}.")
    return Rule(name, marker, tuple(compiled), explanation.strip(), cancels)


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None
