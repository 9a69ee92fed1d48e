"""The keyword rules as data: loaded from TOML, checked at start, compiled once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from klachtenbus.errors import AdminFileError, line_of_block
from rules.prefilter import Prefilter

if TYPE_CHECKING:
    from collections.abc import Callable


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
    # The rule's declared words: every text a pattern matches contains one of the words
    # written in that pattern; a pattern with none of them in it always runs. None: no words
    # declared, every pattern always runs.
    words: frozenset[str] | None = None

    @cached_property
    def named(self) -> tuple[frozenset[str] | None, ...]:
        """Per pattern, the rule's words written in it: one of them is in every text it
        matches, so it runs only when one is there (None: always)."""
        named = []
        for pattern in self.patterns:
            plain = plain_text(pattern.pattern)
            found = frozenset(w for w in self.words or () if w in plain)
            named.append(found or None)
        return tuple(named)

    @cached_property
    def _prefilter(self) -> Prefilter:
        return Prefilter(self.named)

    def search(self, lowered: str, start: int = 0) -> re.Match[str] | None:
        """The earliest match of any of the rule's patterns in the lower-cased text; at the same
        place, the pattern written first. Only patterns with one of their words there run."""
        found = None
        for index in self._prefilter.candidates(lowered):
            match = self.patterns[index].search(lowered, start)
            if match and (found is None or match.start() < found.start()):
                found = match
        return found


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    source: str

    @cached_property
    def _index(self) -> tuple[Prefilter, tuple[re.Pattern[str], ...], tuple[int, ...]]:
        """All patterns of all rules in file order, which rule each is of, and their filter."""
        patterns = tuple(p for rule in self.rules for p in rule.patterns)
        owners = tuple(i for i, rule in enumerate(self.rules) for _ in rule.patterns)
        return Prefilter([n for rule in self.rules for n in rule.named]), patterns, owners

    def first_matches(self, lowered: str, machine_from: int = 0) -> list[re.Match[str] | None]:
        """Per rule, its earliest match in the lower-cased text (at the same place, the pattern
        written first); machine-mail rules look from `machine_from` on. One pass over the
        text's words picks the few patterns that can match; only those run."""
        prefilter, patterns, owners = self._index
        found: list[re.Match[str] | None] = [None] * len(self.rules)
        for index in prefilter.candidates(lowered):
            owner = owners[index]
            start = machine_from if self.rules[owner].marker is Marker.MACHINE else 0
            match = patterns[index].search(lowered, start)
            if match:
                earlier = found[owner]
                if earlier is None or match.start() < earlier.start():
                    found[owner] = match
        return found


_UPPER_OUTSIDE_ESCAPE = re.compile(r"(?<!\\)[A-ZÀ-ÖØ-Þ]")


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
    words = _words(entry, fail)
    cancels_raw = entry.get("cancels", [])
    try:
        cancels = frozenset(Marker(str(c)) for c in cancels_raw)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise fail(f"'cancels' bevat een onbekende marker: {cancels_raw}.") from None
    if cancels and marker is not Marker.EXCLUSION:
        raise fail("'cancels' mag alleen bij marker = \"exclusion\".")
    unknown = set(entry) - {
        "name",
        "marker",
        "patterns",
        "words",
        "always",
        "explanation",
        "cancels",
    }
    if unknown:
        raise fail(f"onbekende sleutel(s): {', '.join(sorted(unknown))}.")
    return Rule(name, marker, tuple(compiled), explanation.strip(), cancels, words)


def _words(entry: dict[str, object], fail: Callable[[str], Exception]) -> frozenset[str] | None:
    """The rule's declared words, in lower case; None with `always = true`, or when the rule
    declares none."""
    always = entry.get("always", False)
    words = entry.get("words")
    if not isinstance(always, bool):
        raise fail("'always' is true of false.")
    if always and words is not None:
        raise fail("'always = true' en 'words' samen: kies één van beide.")
    if words is None:
        return None
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
        raise fail("'words' moet een lijst met minstens één woord zijn.")
    if any(w != w.lower() for w in words):
        raise fail("'words' bevat hoofdletters; schrijf de woorden in kleine letters.")
    return frozenset(words)


def plain_text(pattern: str) -> str:
    """A pattern's text with \\xNN and \\uNNNN written out and escapes of punctuation dropped."""
    text = re.sub(
        r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})",
        lambda m: chr(int(m[1] or m[2], 16)),
        pattern,
    )
    return re.sub(r"\\(\W)", r"\1", text)


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None
