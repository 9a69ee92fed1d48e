"""The rules run only patterns whose required words are in the text, and never miss a match."""

from __future__ import annotations

import random
import re
from re import _constants, _parser  # type: ignore[attr-defined]
from typing import Any

import pytest

import classify
from office.detection import as_message
from rules import Marker, Rule, RuleSet, load_rules
from rules.judge import _SHOUTING
from rules.prefilter import Key, Prefilter, Where, requirements
from rules.quoting import new_text


def _example(items: Any, rnd: random.Random) -> str:
    """A string that often matches the parsed pattern (checked by the caller)."""
    out = []
    for op, av in items:
        if op is _constants.LITERAL:
            out.append(chr(av))
        elif op is _constants.ANY:
            out.append("x")
        elif op is _constants.IN:
            out.append(_member(av, rnd))
        elif op is _constants.SUBPATTERN:
            out.append(_example(av[-1], rnd))
        elif op is _constants.BRANCH:
            out.append(_example(rnd.choice(av[1]), rnd))
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            low, high = av[0], min(av[1], av[0] + 2)
            out += [_example(av[2], rnd) for _ in range(rnd.randint(low, high))]
    return "".join(out)


def _member(av: Any, rnd: random.Random) -> str:
    if av and av[0][0] is _constants.NEGATE:
        return "#"
    op, value = rnd.choice(av)
    if op is _constants.LITERAL:
        return chr(value)
    if op is _constants.RANGE:
        return chr(value[0])
    return {_constants.CATEGORY_SPACE: " ", _constants.CATEGORY_DIGIT: "4"}.get(value, "a")


def _texts() -> list[str]:
    messages = [as_message(e) for e in classify.load_corpus()]
    return [f"{m.subject}\n{new_text(m.text)}".lower() for m in messages]


def test_every_pattern_that_matches_a_corpus_message_is_a_candidate() -> None:
    """On the seed corpus, no pattern that matches is ever left out."""
    patterns = [p for rule in load_rules().rules for p in rule.patterns]
    prefilter = Prefilter(patterns)
    for text in _texts():
        candidates = set(prefilter.candidates(text))
        missed = [
            p.pattern for i, p in enumerate(patterns) if i not in candidates and p.search(text)
        ]
        assert not missed, (text[:200], missed)


def test_every_pattern_is_a_candidate_for_texts_written_to_match_it() -> None:
    """Texts built from each shipped pattern, amid other words, keep that pattern in."""
    rnd = random.Random(20261123)
    patterns = [p for rule in load_rules().rules for p in rule.patterns]
    prefilter = Prefilter(patterns)
    checked = 0
    for index, pattern in enumerate(patterns):
        tree = _parser.parse(pattern.pattern, pattern.flags)
        for _ in range(20):
            text = f"dag,\nik schrijf u {_example(tree, rnd)} groet"
            if pattern.search(text):
                checked += 1
                assert index in prefilter.candidates(text), (pattern.pattern, text)
    assert checked > 5 * len(patterns)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"klacht", "ik wil een deklachtige brief"),  # not at a word's start: found anywhere
        (r"\b(hit|beat)s?\s+me\b", "he beats me"),
        (r"^\s*(afwezig|absent)\b", "re: x\n   absent tot maandag"),
        (r"\bniet\s+(meer\s+)?eerlijk\b", "dat is niet meer eerlijk"),
        (r"e-?mail\s+genegeerd", "mijn email genegeerd"),
        (r"\bk-\d{4}-\d{3,}\b", "zaak k-2026-0012"),  # nothing required: always a candidate
        (r"(?:^|\s)ik\s+klaag", "en ik klaag"),
    ],
)
def test_hand_made_patterns_stay_candidates_where_they_match(pattern: str, text: str) -> None:
    """Word-start keys, keys found anywhere, alternatives, and no key at all."""
    compiled = re.compile(pattern, re.MULTILINE)
    assert compiled.search(text)
    assert Prefilter([compiled]).candidates(text) == [0]


def test_a_pattern_without_its_words_does_not_run() -> None:
    """The filter is worth having: absent required words keep a pattern out."""
    compiled = re.compile(r"\b(ik\s+ben|wij\s+zijn)\s+(woedend|razend)\b", re.MULTILINE)
    assert frozenset(
        {Key("woedend", Where.WORD_START), Key("razend", Where.WORD_START)}
    ) in requirements(compiled)
    assert Prefilter([compiled]).candidates("ik ben blij met de hulp") == []


def test_at_the_same_place_the_pattern_written_first_gives_the_excerpt() -> None:
    """Two patterns matching at the same place: the rule file's order decides, not length."""
    patterns = tuple(
        re.compile(p, re.MULTILINE)
        for p in (r"\bniet\s+terug\b", r"\bafwezig\b[\s\S]{0,50}\bterug\b", r"^afwezig\b")
    )
    rule = Rule("afwezig", Marker.MACHINE, patterns, "Afwezig.")
    rules = RuleSet(rules=(rule,), source="test")
    text = "afwezig tot maandag, dan terug"
    assert rule.search(text).group(0) == "afwezig tot maandag, dan terug"  # type: ignore[union-attr]
    assert rules.first_matches(text)[0].group(0) == rule.search(text).group(0)  # type: ignore[union-attr]
    assert rules.first_matches(text, machine_from=5)[0] is None


def test_shouting_is_found_exactly_where_the_word_edge_pattern_finds_it() -> None:
    """The faster capitals pattern matches the same spans as the plain `\\b` one."""
    plain = re.compile(r"\b[A-ZÄËÏÖÜ]{4,}(\s+[A-ZÄËÏÖÜ]{2,}){3,}\b")
    rnd = random.Random(4)
    texts = ["".join(rnd.choice("ABCDÄËxy_1 \n.É") for _ in range(40)) for _ in range(20_000)]
    texts += [
        "Dit IS ECHT NIET TE GELOVEN!",
        "xDIT IS ECHT NIET",
        "_ABCD EF GH IJ",
        "ÄBCD EF GH IJ",
    ]
    for text in texts:
        expected = plain.search(text)
        found = _SHOUTING.search(text)
        assert (found and found.span()) == (expected and expected.span()), text
