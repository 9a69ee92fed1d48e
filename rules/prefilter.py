"""Which rules can match a text at all, read from the words each rule declares.

Searching each of some 475 patterns costs about a microsecond even when nothing matches.
Each rule in the rule file names its `words`: every text one of its patterns matches contains
at least one of them (a test proves it for the shipped rules). The text's own words are
looked up once in an index of all declared words, and only the rules with a word present
run. A rule that declares no words always runs, so a pattern is skipped only when it cannot
match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Declared words of this many characters or more, made of letters and digits only, are looked
# up inside the text's words by their first three characters; the rest are searched in the
# whole text.
_INDEXED = 3
# Words of the text remembered with the declared words they contain; past this the memory is
# refilled.
_WORD_CACHE_SIZE = 50_000
_WORD = re.compile(r"\w+")


def is_indexed(word: str) -> bool:
    """A declared word found inside one of the text's words (letters and digits only)."""
    return len(word) >= _INDEXED and _WORD.fullmatch(word) is not None


class Prefilter:
    """For a list of entries, each a set of declared words (None: always), the entries that
    may match a given text: those with one of their words in it, in their order."""

    def __init__(self, entries: Sequence[frozenset[str] | None]) -> None:
        self.size = len(entries)
        self._always = [i for i, words in enumerate(entries) if words is None]
        inside: dict[str, set[int]] = {}
        anywhere: dict[str, set[int]] = {}
        for index, words in enumerate(entries):
            for word in words or ():
                table = inside if is_indexed(word) else anywhere
                table.setdefault(word, set()).add(index)
        grouped: dict[str, list[tuple[str, frozenset[int]]]] = {}
        for word, ids in sorted(inside.items()):
            grouped.setdefault(word[:_INDEXED], []).append((word, frozenset(ids)))
        self._inside = {head: tuple(group) for head, group in grouped.items()}
        self._anywhere = tuple((word, frozenset(ids)) for word, ids in sorted(anywhere.items()))
        self._words: dict[str, frozenset[int]] = {}

    def candidates(self, lowered: str) -> list[int]:
        """Indices of the entries that may match the lower-cased text, ascending."""
        words = set(_WORD.findall(lowered))
        known = self._words
        found: set[int] = set(self._always)
        for word in words:
            entries = known.get(word)
            found.update(self._met_by(word) if entries is None else entries)
        for word, ids in self._anywhere:
            if word in lowered:
                found |= ids
        return sorted(found)

    def _met_by(self, word: str) -> frozenset[int]:
        """The entries with a declared word inside this word of the text, remembered."""
        met: set[int] = set()
        inside = self._inside
        for at in range(len(word) - _INDEXED + 1):
            for declared, ids in inside.get(word[at : at + _INDEXED], ()):
                if word.startswith(declared, at):
                    met |= ids
        if len(self._words) >= _WORD_CACHE_SIZE:
            self._words.clear()
        found = self._words[word] = frozenset(met)
        return found
