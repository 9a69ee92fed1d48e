"""Apply the rules to one message: which markers hit, is it machine mail, which flags."""

from __future__ import annotations

import re
from dataclasses import dataclass

from klachtenbus.mail import ParsedMessage
from klachtenbus.vocabulary import Flag
from rules.machine import machine_reasons, relayed_by
from rules.quoting import new_text
from rules.ruleset import HSS_MARKERS, Marker, RuleSet

_FLAG_OF = {
    Marker.MELDCODE: Flag.MELDCODE,
    Marker.WITHDRAWAL: Flag.WITHDRAWAL,
    Marker.APPEAL: Flag.APPEAL,
    Marker.FOLLOWUP: Flag.FOLLOWUP,
}
# A person's new text is rarely longer; beyond this it is pasted documents, spam or HTML residue.
JUDGED_CHARACTERS = 20_000
# `\b[A-ZÄËÏÖÜ]{4,}...` with the word edge checked after the first capital, so that the search
# skips ahead to capitals instead of trying every position: same matches, several times faster.
_SHOUTING = re.compile(r"[A-ZÄËÏÖÜ](?<!\w[A-ZÄËÏÖÜ])[A-ZÄËÏÖÜ]{3,}(\s+[A-ZÄËÏÖÜ]{2,}){3,}\b")
_REPLY_SUBJECT = re.compile(r"^\s*(re|antw|aw|sv|réf)\s*:", re.IGNORECASE)
# A reply or forward repeats the earlier subject ("Re: Automatisch antwoord: ..."): it says
# nothing about whether this message came from a machine.
_QUOTED_SUBJECT = re.compile(r"^\s*(re|antw|aw|sv|réf|fw|fwd|doorst|wg|tr)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class RuleHit:
    rule: str
    marker: Marker
    explanation: str
    excerpt: str  # the words that matched, so an officer sees why


@dataclass(frozen=True)
class Verdict:
    hits: tuple[RuleHit, ...]
    cancelled: tuple[RuleHit, ...]  # hits taken back by an exclusion rule
    machine_reasons: tuple[str, ...]
    flags: frozenset[Flag]
    judged_text: str  # subject plus the sender's new text: what rules and classifier read
    machine_hits: tuple[RuleHit, ...] = ()  # the machine-mail wording rules that hit
    machine_by_header: bool = False  # the headers or MIME structure say so, not only the text
    # Why a complaint marker that hit was taken back: the exclusion rules' explanations.
    explained_away: tuple[str, ...] = ()
    # A robot that passed on a person's words (scan, voicemail, SMS, web form): judged by them.
    relayed_by: str | None = None

    @property
    def is_machine(self) -> bool:
        return bool(self.machine_reasons)

    @property
    def hss_markers(self) -> frozenset[Marker]:
        return frozenset(h.marker for h in self.hits if h.marker in HSS_MARKERS)

    @property
    def reasons(self) -> list[str]:
        out = list(self.machine_reasons)
        if self.relayed_by:
            out.append(f"{self.relayed_by}: beoordeeld als de tekst van een persoon.")
        out += [f"{h.explanation} (\u201c{h.excerpt}\u201d)" for h in self.hits]
        out += [f"Niet meegeteld: \u201c{h.excerpt}\u201d ({h.rule})." for h in self.cancelled]
        return out


def judge(message: ParsedMessage, rules: RuleSet, attached: str = "") -> Verdict:
    """Run every rule on the subject and the sender's new text, and on `attached`: text from
    the attachments, judged as the sender's own words (a letter sent as "Zie bijlage") but
    never as machine mail and never cut at a quote or signature."""
    body = new_text(message.text[:JUDGED_CHARACTERS])[:JUDGED_CHARACTERS]
    text = f"{message.subject[:1000]}\n{body}"
    machine_until = len(text)
    if attached:
        text = f"{text}\n\n{attached[:JUDGED_CHARACTERS]}"
    raw_hits: list[RuleHit] = []
    lowered = text.lower()
    same_length = len(lowered) == len(text)  # then spans match and the excerpt keeps its case
    machine_from = len(message.subject[:1000]) + 1 if _QUOTED_SUBJECT.match(message.subject) else 0
    for rule, found in zip(rules.rules, rules.first_matches(lowered, machine_from), strict=True):
        if found and not (rule.marker is Marker.MACHINE and found.start() >= machine_until):
            matched = text[found.start() : found.end()] if same_length else found.group(0)
            excerpt = " ".join(matched.split())[:80]
            raw_hits.append(RuleHit(rule.name, rule.marker, rule.explanation, excerpt))
    if shouting := _SHOUTING.search(body):
        raw_hits.append(
            RuleHit(
                "hoofdletters",
                Marker.STRONG_WORDING,
                "De afzender schrijft in hoofdletters: krachtige bewoording (HSS-kenmerk 2).",
                shouting.group(0)[:80],
            )
        )
    cancels: set[Marker] = set()
    exclusions = [h for h in raw_hits if h.marker is Marker.EXCLUSION]
    for hit in exclusions:
        rule = next(r for r in rules.rules if r.name == hit.rule)
        cancels |= rule.cancels
    blame = any(h.marker in (Marker.BLAME_ACT, Marker.BLAME_BEHAVIOUR) for h in raw_hits)
    if blame:  # blame for acting or failing to act keeps it a complaint despite the exclusions
        cancels -= {Marker.COMPLAINT_WORD, Marker.STRONG_WORDING}
    hits = tuple(h for h in raw_hits if h.marker not in cancels)
    cancelled = tuple(h for h in raw_hits if h.marker in cancels)
    relayed = relayed_by(message)
    if relayed:  # the robot's headers and wording say nothing of the person's words it carries
        machine: list[str] = []
        hits = tuple(h for h in hits if h.marker is not Marker.MACHINE)
    else:
        machine = machine_reasons(message)
    by_header = bool(machine)
    machine += [h.explanation for h in hits if h.marker is Marker.MACHINE]
    taken_back = {h.marker for h in cancelled if h.marker in HSS_MARKERS}
    explained = tuple(
        dict.fromkeys(
            h.explanation
            for h in exclusions
            if taken_back & next(r for r in rules.rules if r.name == h.rule).cancels
        )
    )
    flags = {_FLAG_OF[h.marker] for h in hits if h.marker in _FLAG_OF}
    if message.in_reply_to and _REPLY_SUBJECT.match(message.subject):
        flags.add(Flag.FOLLOWUP)
    return Verdict(
        hits=tuple(h for h in hits if h.marker is not Marker.MACHINE),
        cancelled=cancelled,
        machine_reasons=tuple(machine),
        flags=frozenset(flags),
        judged_text=text,
        machine_hits=tuple(h for h in hits if h.marker is Marker.MACHINE),
        machine_by_header=by_header,
        explained_away=explained,
        relayed_by=relayed,
    )
