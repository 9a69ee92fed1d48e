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
from re import _constants, _parser  # type: ignore[attr-defined]  # the stdlib's own parse tree
from typing import Any

# A required word shorter than this is in nearly every text: no use as a filter.
SHORTEST_KEY = 3
# At most this many requirements (each "one of these words") are kept per pattern.
_CLAUSES_PER_PATTERN = 3
_WORD = re.compile(r"\w+")


class Key(tuple[str, bool]):
    """A literal every match contains, and whether it always starts a word there (then it is
    found as the start of one of the text's words, else anywhere in the text)."""

    __slots__ = ()

    def __new__(cls, literal: str, word_start: bool) -> Key:
        return super().__new__(cls, (literal, word_start))


Clause = frozenset[Key]  # every match contains at least one of these


def requirements(pattern: re.Pattern[str]) -> tuple[Clause, ...]:
    """Clauses that every match of the pattern meets; () when none is known."""
    clauses = _sequence(_parser.parse(pattern.pattern, pattern.flags), word_start=False)
    ranked = sorted(set(clauses), key=_quality, reverse=True)
    return tuple(ranked[:_CLAUSES_PER_PATTERN])


def _quality(clause: Clause) -> tuple[int, int, int]:
    """Longer words are rarer; words at a word's start are cheaper to find; fewer is better."""
    shortest = min(len(key[0]) for key in clause)
    return min(shortest, 7), sum(key[1] for key in clause) - len(clause), -len(clause)


def _sequence(items: Any, word_start: bool) -> list[Clause]:
    """All clauses met by every match of this sequence of parse-tree items.

    `word_start` says whether the place before the first item is always a word edge followed
    by a word character or a non-word character (a `\\b`, `^`, whitespace): a literal there
    that begins with a word character starts one of the text's words.
    """
    clauses: list[Clause] = []
    run, run_starts_word = "", False
    at_edge = word_start
    for op, av in items:
        if op is _constants.LITERAL:
            if not run:
                run_starts_word = at_edge and _is_word(chr(av))
            run += chr(av)
            at_edge = not _is_word(chr(av))
            continue
        _close(run, run_starts_word, clauses)
        run = ""
        if op is _constants.SUBPATTERN:
            clauses += _sequence(av[-1], at_edge)
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and av[0] >= 1:
            clauses += _sequence(av[2], at_edge)
        elif op is _constants.BRANCH:
            branches = [_sequence(branch, at_edge) for branch in av[1]]
            if all(branches):
                best = [max(branch, key=_quality) for branch in branches]
                clauses.append(frozenset().union(*best))
        at_edge = _leaves_edge(op, av, at_edge)
    _close(run, run_starts_word, clauses)
    return clauses


def _close(run: str, starts_word: bool, clauses: list[Clause]) -> None:
    if starts_word:
        head = _WORD.match(run)
        if head and len(head.group(0)) >= SHORTEST_KEY:
            clauses.append(frozenset({Key(head.group(0), True)}))
            return
    if len(run) >= SHORTEST_KEY:
        clauses.append(frozenset({Key(run, False)}))


def _is_word(character: str) -> bool:
    return _WORD.match(character) is not None


_SPACE = (_constants.IN, [(_constants.CATEGORY, _constants.CATEGORY_SPACE)])


def _leaves_edge(op: Any, av: Any, at_edge: bool) -> bool:
    """Whether what follows this item always comes after a word edge or a non-word character."""
    if op is _constants.AT:
        return av in (
            _constants.AT_BOUNDARY,
            _constants.AT_BEGINNING,
            _constants.AT_BEGINNING_STRING,
        )
    if (op, av) == _SPACE:
        return True
    repeat = op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and len(av[2]) == 1
    if repeat and (av[2][0][0], av[2][0][1]) == _SPACE:
        return True if av[0] >= 1 else at_edge  # `\s*` keeps what came before
    return False


class Prefilter:
    """For a list of patterns, the ones that may match a given text, in their order."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.size = len(patterns)
        clause_ids: dict[Clause, int] = {}
        self._needs: list[frozenset[int]] = []
        self._always: list[int] = []
        patterns_of: dict[int, list[int]] = {}
        for index, pattern in enumerate(patterns):
            needs = frozenset(
                clause_ids.setdefault(c, len(clause_ids)) for c in requirements(pattern)
            )
            self._needs.append(needs)
            if not needs:
                self._always.append(index)
            for clause in needs:
                patterns_of.setdefault(clause, []).append(index)
        self._patterns_of = {c: tuple(p) for c, p in patterns_of.items()}
        # a word-start key by its first three characters; other keys are looked for anywhere
        starts: dict[str, dict[str, set[int]]] = {}
        anywhere: dict[str, set[int]] = {}
        for clause, number in clause_ids.items():
            for literal, word_start in clause:
                if word_start:
                    starts.setdefault(literal[:SHORTEST_KEY], {}).setdefault(literal, set()).add(
                        number
                    )
                else:
                    anywhere.setdefault(literal, set()).add(number)
        self._starts = {
            head: tuple((literal, frozenset(ids)) for literal, ids in sorted(keys.items()))
            for head, keys in starts.items()
        }
        self._anywhere = tuple(
            (literal, frozenset(ids)) for literal, ids in sorted(anywhere.items())
        )

    def candidates(self, lowered: str) -> list[int]:
        """Indices of the patterns that may match the lower-cased text, ascending."""
        met: set[int] = set()
        starts = self._starts
        for word in set(_WORD.findall(lowered)):
            for literal, ids in starts.get(word[:SHORTEST_KEY], ()):
                if word.startswith(literal):
                    met |= ids
        for literal, ids in self._anywhere:
            if literal in lowered:
                met |= ids
        found = set(self._always)
        needs = self._needs
        for clause in met:
            for index in self._patterns_of[clause]:
                if index not in found and needs[index] <= met:
                    found.add(index)
        return sorted(found)
