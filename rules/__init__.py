"""Rules: the HSS markers, machine mail and route flags, as data an admin can read and edit."""

from rules.judge import RuleHit, Verdict, judge
from rules.machine import is_no_reply, machine_reasons
from rules.quoting import new_text
from rules.ruleset import HSS_MARKERS, Marker, Rule, RuleFileError, RuleSet, load_rules

__all__ = [
    "HSS_MARKERS",
    "Marker",
    "Rule",
    "RuleFileError",
    "RuleHit",
    "RuleSet",
    "Verdict",
    "is_no_reply",
    "judge",
    "load_rules",
    "machine_reasons",
    "new_text",
]
