"""From probabilities and rule findings to one of four kinds, with the reasons."""

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
) -> Decision:
    """A complaint is never silently dropped: when the signals disagree, `uncertain`."""
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
    elif p >= thresholds.remark or hss_marker_count >= 2:
        kind = Kind.UNCERTAIN
    elif probabilities.get(Kind.OTHER, 0.0) > probabilities.get(Kind.REMARK, 0.0):
        kind = Kind.OTHER
    else:
        kind = Kind.REMARK
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
