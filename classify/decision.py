"""From probabilities and rule findings to one of four kinds, with the reasons.

The promise behind the order of the tests: no message a person wrote is filed away out of
every officer's sight. `other` needs machine evidence (headers, a report's MIME type, a
machine-mail rule) and names it; a complaint marker that no rule explains away keeps a
message from being a remark on the model's word alone; and a text the model was not trained
for (another language, words it never saw) is not a remark on its word either.
"""

from __future__ import annotations

from dataclasses import dataclass

from klachtenbus.vocabulary import Flag, Kind


@dataclass(frozen=True)
class Thresholds:
    """At or above `complaint`: register. Below `remark`: file as a remark. Between: triage."""

    complaint: float = 0.70
    remark: float = 0.25
    # Without any HSS marker the guideline's definition is not visibly met: register only when
    # the model is this sure, otherwise an officer decides.
    complaint_without_marker: float = 0.80
    # Below this share of the new text's words known to the model, it was not trained for
    # the text (another language, another subject): an officer reads it. On held-out seed
    # mail a Dutch or Flemish person's message scores 0.76 or more, English and German 0.66
    # or more; a Polish, Spanish or Ukrainian complaint 0.15 or less.
    known_words: float = 0.5
    # A remark the model is less sure of than this is read by an officer. In cross-validation
    # on the seed corpus 0.8 sends 1.5 % more of people's mail to triage than 0.5, and keeps
    # most English spam of the real corpus from being filed as a remark.
    remark_confidence: float = 0.8


@dataclass(frozen=True)
class RuleFinding:
    """One rule that hit, as an officer reads it: which rule, what it marks, why, on which words."""

    rule: str
    marker: str
    explanation: str
    excerpt: str


@dataclass(frozen=True)
class Decision:
    kind: Kind
    complaint_probability: float
    reasons: tuple[str, ...]
    flags: frozenset[Flag]
    rule_hits: tuple[RuleFinding, ...] = ()
    top_terms: tuple[str, ...] = ()  # readable words that pushed most towards `complaint`


def decide(
    probabilities: dict[Kind, float],
    *,
    machine_reasons: tuple[str, ...],
    machine_by_header: bool,
    hss_marker_count: int,
    flags: frozenset[Flag],
    rule_reasons: tuple[str, ...],
    top_terms: tuple[str, ...] = (),
    thresholds: Thresholds = Thresholds(),
    rule_hits: tuple[RuleFinding, ...] = (),
    explained_away: tuple[str, ...] = (),
    known_words: float | None = None,
    language_known: bool | None = None,
) -> Decision:
    """A complaint is never silently dropped: when the signals disagree, `uncertain`.

    `explained_away`: the explanations of the rules that took a complaint marker back
    ("geen klacht", medical complaints, administratiekosten alone). `known_words`: the share
    of the new text's words the model knows (None: not measured). `language_known`: whether a
    language detector recognised a language the model is trained for (None: not asked).
    """
    p = probabilities.get(Kind.COMPLAINT, 0.0)
    reasons = list(rule_reasons)
    reasons.append(f"Model: kans op klacht {p:.2f}".replace(".", ","))
    if top_terms:
        reasons.append("Woorden die het zwaarst wogen: " + ", ".join(top_terms))
    if machine_by_header:
        kind = Kind.OTHER
    elif machine_reasons:
        # Only the text looks automatic: a person may still be complaining.
        kind = Kind.UNCERTAIN if p >= thresholds.complaint else Kind.OTHER
    elif p >= thresholds.complaint and (
        hss_marker_count or p >= thresholds.complaint_without_marker
    ):
        kind = Kind.COMPLAINT
    elif p >= thresholds.complaint:
        # The guideline asks for at least one HSS marker; without one a person decides.
        kind = Kind.UNCERTAIN
        reasons.append("Het model denkt aan een klacht, maar geen HSS-kenmerk is herkend.")
    elif p >= thresholds.remark:
        kind = Kind.UNCERTAIN
    elif hss_marker_count:
        kind = Kind.UNCERTAIN
        reasons.append(
            "Een klachtkenmerk is herkend en geen regel verklaart het weg: een medewerker "
            "beoordeelt het, ook al acht het model een klacht onwaarschijnlijk."
        )
    else:
        kind = _remark_or_uncertain(
            probabilities, reasons, thresholds, explained_away, known_words, language_known
        )
    if Flag.MELDCODE in flags and kind in (Kind.REMARK, Kind.OTHER) and not machine_by_header:
        kind = Kind.UNCERTAIN  # a possible abuse signal always reaches an officer
        reasons.append("Mogelijk meldcode-signaal: een medewerker beoordeelt dit bericht.")
    return Decision(
        kind=kind,
        complaint_probability=round(p, 4),
        reasons=tuple(reasons),
        flags=flags,
        rule_hits=rule_hits,
        top_terms=top_terms,
    )


def _remark_or_uncertain(
    probabilities: dict[Kind, float],
    reasons: list[str],
    thresholds: Thresholds,
    explained_away: tuple[str, ...],
    known_words: float | None,
    language_known: bool | None,
) -> Kind:
    """A person's message the model calls no complaint: a remark only when the model knows
    what it reads and says so itself; never `other` without machine evidence."""
    remark = probabilities.get(Kind.REMARK, 0.0)
    if probabilities.get(Kind.OTHER, 0.0) > remark:
        reasons.append(
            "Het model houdt dit voor automatische post, maar geen kopregel, MIME-rapport of "
            "regel voor automatische post bevestigt dat: een medewerker beoordeelt het."
        )
        return Kind.UNCERTAIN
    if language_known is False:
        reasons.append(
            "De taal van het bericht is niet een taal waarop het model getraind is: een "
            "medewerker beoordeelt het."
        )
        return Kind.UNCERTAIN
    if known_words is not None and known_words < thresholds.known_words:
        share = f"{known_words:.0%}"
        reasons.append(
            f"Het model kent maar {share} van de woorden van dit bericht (andere taal of "
            "onbekend onderwerp): een medewerker beoordeelt het."
        )
        return Kind.UNCERTAIN
    if remark < thresholds.remark_confidence:
        chance = f"{remark:.2f}".replace(".", ",")
        reasons.append(
            f"Het model is niet zeker genoeg van een opmerking (kans {chance}): een "
            "medewerker beoordeelt het."
        )
        return Kind.UNCERTAIN
    for explanation in explained_away:
        reasons.append(f"Geen klacht volgens de regels: {explanation}")
    return Kind.REMARK
