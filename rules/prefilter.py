"""Which patterns can match a text at all, read from the words every match must contain.

Searching each of some 475 patterns costs about a microsecond even when nothing matches, and
checking each pattern's required words with `in` costs as much again. Instead the text's own
words are looked up once in an index of those required words, and only the patterns whose
every requirement is met run. The requirements are read from the standard library's parse
tree, so they are exact: a pattern that is left out cannot match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import IntEnum
from re import _constants, _parser  # type: ignore[attr-defined]  # the stdlib's own parse tree
from typing import Any

# Required words are looked up per word of the text, and remembered: even two letters help
# at the start of a word; inside a word at least three.
SHORTEST_KEY = 2
# At most this many requirements (each "one of these words") are kept per pattern.
_CLAUSES_PER_PATTERN = 3
# Words remembered with the requirements they meet; past this the memory is refilled.
_WORD_CACHE_SIZE = 50_000
_WORD = re.compile(r"\w+")


class Where(IntEnum):
    """Where a required literal is looked for: the cheaper, the higher."""

    TEXT = 0  # it holds other characters than letters and digits: anywhere in the text
    IN_WORD = 1  # letters and digits only: inside one of the text's words
    WORD_START = 2  # and it always begins a word there: as the start of one of the words


class Key(tuple[str, Where]):
    """A literal every match contains, and where in the text it is looked for."""

    __slots__ = ()

    def __new__(cls, literal: str, where: Where) -> Key:
        return super().__new__(cls, (literal, where))


Clause = frozenset[Key]  # every match contains at least one of these


def requirements(pattern: re.Pattern[str]) -> tuple[Clause, ...]:
    """Clauses that every match of the pattern meets, the most selective first; () when none
    is known."""
    clauses, _ = _sequence(_parser.parse(pattern.pattern, pattern.flags), at_edge=False)
    ranked = sorted(set(clauses), key=_quality, reverse=True)
    return tuple(ranked[:_CLAUSES_PER_PATTERN])


def _quality(clause: Clause) -> tuple[bool, int, int]:
    """Looked up per word beats searched in the text; longer words are rarer; fewer is better."""
    per_word = all(key[1] is not Where.TEXT for key in clause)
    shortest = min(len(key[0]) for key in clause)
    return per_word, min(shortest, 7), -len(clause)


def _sequence(items: Any, at_edge: bool) -> tuple[list[Clause], bool]:
    """All clauses met by every match of this sequence of parse-tree items, and whether it
    always ends at a word edge.

    `at_edge` says that a word character right after this place always starts a word (after a
    `\\b`, a `^`, whitespace or punctuation).
    """
    clauses: list[Clause] = []
    run, run_at_edge = "", False
    for op, av in items:
        if op is _constants.LITERAL:
            if not run:
                run_at_edge = at_edge
            run += chr(av)
            at_edge = not _is_word(chr(av))
            continue
        clauses += _run_clauses(run, run_at_edge)
        run = ""
        if op is _constants.SUBPATTERN:
            found, at_edge = _sequence(av[-1], at_edge)
            clauses += found
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            found, first_end = _sequence(av[2], at_edge)
            _, later_end = _sequence(av[2], first_end)
            if av[0] >= 1:
                clauses += found
                at_edge = first_end and later_end
            else:
                at_edge = at_edge and first_end and later_end
        elif op is _constants.BRANCH:
            branches = [_sequence(branch, at_edge) for branch in av[1]]
            if all(found for found, _ in branches):
                best = [max(found, key=_quality) for found, _ in branches]
                clauses.append(frozenset().union(*best))
            at_edge = all(end for _, end in branches)
        elif op is _constants.AT:
            at_edge = at_edge or av in _EDGES
        elif op is _constants.IN:
            if 0 < len(av) <= 10 and all(member is _constants.LITERAL for member, _ in av):
                clauses.append(frozenset(Key(chr(c), Where.TEXT) for _, c in av))
            at_edge = _outside_words(av)
        else:
            at_edge = False
    clauses += _run_clauses(run, run_at_edge)
    return clauses, at_edge


_EDGES = (_constants.AT_BOUNDARY, _constants.AT_BEGINNING, _constants.AT_BEGINNING_STRING)


def _run_clauses(run: str, at_edge: bool) -> list[Clause]:
    """A run of plain characters: each of its words of three or more characters is required,
    as a word's start where it follows an edge; without such words, the run itself."""
    out = []
    for word in _WORD.finditer(run):
        starts = at_edge if word.start() == 0 else True
        if len(word.group(0)) >= (SHORTEST_KEY if starts else SHORTEST_KEY + 1):
            where = Where.WORD_START if starts else Where.IN_WORD
            out.append(frozenset({Key(word.group(0), where)}))
    if not out and run:
        out.append(frozenset({Key(run, Where.TEXT)}))
    return out


def _is_word(character: str) -> bool:
    return _WORD.match(character) is not None


def _outside_words(members: Any) -> bool:
    """Whether a character class holds only characters that are not letters or digits."""
    for op, av in members:
        if op is _constants.LITERAL and not _is_word(chr(av)):
            continue
        if op is _constants.CATEGORY and av == _constants.CATEGORY_SPACE:
            continue
        return False
    return bool(members)


class Prefilter:
    """For a list of patterns, the ones that may match a given text, in their order."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.size = len(patterns)
        clause_ids: dict[Clause, int] = {}
        self._needs: list[frozenset[int]] = []
        self._always: list[int] = []
        by_first: dict[int, list[int]] = {}
        for index, pattern in enumerate(patterns):
            found = [clause_ids.setdefault(c, len(clause_ids)) for c in requirements(pattern)]
            self._needs.append(frozenset(found))
            if found:
                by_first.setdefault(found[0], []).append(index)
            else:
                self._always.append(index)
        # a pattern is looked at when its most selective clause is met, then checked in full
        self._by_first = {clause: frozenset(indices) for clause, indices in by_first.items()}
        starts: dict[str, set[int]] = {}
        inside: dict[str, set[int]] = {}
        anywhere: dict[str, set[int]] = {}
        for clause, number in clause_ids.items():
            for literal, where in clause:
                table = {Where.WORD_START: starts, Where.IN_WORD: inside}.get(where, anywhere)
                table.setdefault(literal, set()).add(number)
        # two-letter word starts by themselves; longer keys by their first three letters
        self._two = {
            literal: frozenset(ids) for literal, ids in starts.items() if len(literal) == 2
        }
        self._starts = _by_head({k: v for k, v in starts.items() if len(k) > 2})
        self._inside = _by_head(inside)
        self._anywhere = tuple(
            (literal, frozenset(ids), self._first_of(ids))
            for literal, ids in sorted(anywhere.items())
        )
        self._words: dict[str, tuple[frozenset[int], frozenset[int]]] = {}

    def candidates(self, lowered: str) -> list[int]:
        """Indices of the patterns that may match the lower-cased text, ascending."""
        words = set(_WORD.findall(lowered))
        known = list(map(self._words.get, words))
        if None in known:
            known = [self._met_by(w) if k is None else k for w, k in zip(words, known, strict=True)]
        met: set[int] = set().union(*[clauses for clauses, _ in known])
        looked_at: set[int] = set().union(*[patterns for _, patterns in known])
        for literal, ids, patterns in self._anywhere:
            if literal in lowered:
                met |= ids
                looked_at |= patterns
        needs = self._needs
        return sorted([i for i in looked_at if needs[i] <= met] + self._always)

    def _met_by(self, word: str) -> tuple[frozenset[int], frozenset[int]]:
        """The clauses one word of the text meets and the patterns whose first clause is among
        them, remembered."""
        met: set[int] = set(self._two.get(word[:2], ()))
        for literal, ids in self._starts.get(word[:3], ()):
            if word.startswith(literal):
                met |= ids
        inside = self._inside
        for at in range(len(word) - 2):
            for literal, ids in inside.get(word[at : at + 3], ()):
                if word.startswith(literal, at):
                    met |= ids
        if len(self._words) >= _WORD_CACHE_SIZE:
            self._words.clear()
        found = self._words[word] = (frozenset(met), self._first_of(met))
        return found

    def _first_of(self, clauses: set[int] | frozenset[int]) -> frozenset[int]:
        by_first = self._by_first
        return frozenset().union(*[by_first[c] for c in clauses if c in by_first])


def _by_head(keys: dict[str, set[int]]) -> dict[str, tuple[tuple[str, frozenset[int]], ...]]:
    """Keys of three or more letters grouped by their first three."""
    grouped: dict[str, list[tuple[str, frozenset[int]]]] = {}
    for literal, ids in sorted(keys.items()):
        grouped.setdefault(literal[:3], []).append((literal, frozenset(ids)))
    return {head: tuple(group) for head, group in grouped.items()}
