"""The rules run only when one of their declared words is in the text, and never miss a match."""

from __future__ import annotations

import random
import re
from pathlib import Path
from re import _constants, _parser  # type: ignore[attr-defined]
from typing import Any

import pytest

import classify
from office.detection import as_message
from rules import Marker, Rule, RuleSet, load_rules
from rules.judge import _SHOUTING
from rules.prefilter import Prefilter
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


def _matches(rule: Rule, text: str) -> bool:
    return any(p.search(text) for p in rule.patterns)


def test_every_shipped_rule_declares_its_words() -> None:
    """No rule of the shipped file lacks its words (none is marked always-run)."""
    always = [rule.name for rule in load_rules().rules if rule.words is None]
    assert always == []


def test_a_pattern_that_matches_a_corpus_message_has_one_of_its_words_there() -> None:
    """On the seed corpus (1,700 messages), the declared words are really required: whenever
    a pattern matches, one of its rule's words written in the pattern is in the text, so the
    filter runs it."""
    rules = load_rules()
    prefilter, patterns, _ = rules._index
    named = [n for rule in rules.rules for n in rule.named]
    texts = _texts()
    hits = 0
    for text in texts:
        candidates = set(prefilter.candidates(text))
        for index, pattern in enumerate(patterns):
            if pattern.search(text):
                hits += 1
                words = named[index]
                assert words is None or any(w in text for w in words), (pattern.pattern, text)
                assert index in candidates, (pattern.pattern, text[:200])
    assert hits > len(texts) // 2  # the corpus brings out the rules, not only a few


def test_every_pattern_stays_a_candidate_for_texts_written_to_match_it() -> None:
    """Texts built from each shipped pattern, amid other words, contain one of the words it
    spells out and keep it in (the standard library's parse tree writes the texts; the
    product itself never reads it)."""
    rnd = random.Random(20261123)
    rules = load_rules()
    prefilter, patterns, _ = rules._index
    checked = 0
    for index, pattern in enumerate(patterns):
        tree = _parser.parse(pattern.pattern, pattern.flags)
        for _ in range(20):
            text = f"dag,\nik schrijf u {_example(tree, rnd)} groet"
            if pattern.search(text):
                checked += 1
                assert index in prefilter.candidates(text), (pattern.pattern, text)
    assert checked > 5 * len(patterns)


def test_a_rule_searched_alone_finds_what_the_whole_set_finds() -> None:
    rules = load_rules()
    for text in _texts()[::10]:
        found = rules.first_matches(text)
        for rule, match in zip(rules.rules, found, strict=True):
            alone = rule.search(text)
            assert (alone and alone.span()) == (match and match.span()), rule.name


def test_few_patterns_always_run() -> None:
    """Each shipped pattern spells out one of its rule's words but one: an SMTP status code
    (`550 5.1.1`) has no word in it."""
    rules = load_rules()
    always = [
        p.pattern
        for r in rules.rules
        for p, n in zip(r.patterns, r.named, strict=True)
        if n is None
    ]
    assert always == [r"\b[45]\d\d[\s-]+[45]\.\d{1,3}\.\d{1,3}\b"]


@pytest.mark.parametrize(
    ("words", "text"),
    [
        (["klacht"], "ik wil een deklachtige brief"),  # inside a longer word
        (["k-"], "zaak k-2026-0012"),  # not only letters: searched in the whole text
        (["!!!"], "dit kan niet!!!"),
        (["lu"], "lu: uw bericht"),  # two letters: searched in the whole text
        (["woedend", "razend"], "ik ben razend"),
    ],
)
def test_a_declared_word_anywhere_keeps_its_rule_in(words: list[str], text: str) -> None:
    assert Prefilter([frozenset(words)]).candidates(text) == [0]


def test_a_pattern_without_its_words_does_not_run() -> None:
    """The filter is worth having: absent words keep a pattern out; no words means always."""
    prefilter = Prefilter([frozenset({"woedend", "razend"}), None])
    assert prefilter.candidates("ik ben blij met de hulp") == [1]


def test_a_pattern_that_spells_out_none_of_the_words_always_runs(tmp_path: Path) -> None:
    """An admin who adds a pattern and forgets its word loses nothing: it runs every time."""
    path = tmp_path / "regels.toml"
    path.write_text(
        '[[rule]]\nname = "boos"\nmarker = "strong-wording"\n'
        "patterns = ['\\bwoedend\\b', '\\bwoest\\b']\nwords = ['woedend']\n"
        'explanation = "Boos."\n',
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert rules.rules[0].named == (frozenset({"woedend"}), None)
    assert rules.first_matches("ik ben woest")[0] is not None
    assert rules.first_matches("ik ben blij")[0] is None


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
