"""Measuring detection: per-class scores, the confusion matrix, and the figures an admin
chooses the two cut-offs by."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from klachtenbus.vocabulary import Kind

LABELS = (Kind.COMPLAINT, Kind.REMARK, Kind.OTHER)
PREDICTED = (Kind.COMPLAINT, Kind.UNCERTAIN, Kind.REMARK, Kind.OTHER)


@dataclass(frozen=True)
class ClassScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    """How one way of deciding did on a set of labelled messages."""

    name: str
    per_class: dict[str, ClassScore]
    confusion: dict[str, dict[str, int]]  # true label -> predicted kind -> count
    complaint_recall: float  # complaints caught: registered or sent to triage
    register_precision: (
        float  # of what was registered automatically, the share that were complaints
    )
    triage_share: float  # of the mail people wrote, the share sent to triage
    machine_recall: float  # machine mail recognised as such
    meldcode_recall: float | None = None
    notes: list[str] = field(default_factory=list)


def report(
    name: str,
    truth: Sequence[Kind],
    predicted: Sequence[Kind],
    *,
    meldcode_truth: Sequence[bool] | None = None,
    meldcode_predicted: Sequence[bool] | None = None,
) -> Report:
    confusion = {t.value: {p.value: 0 for p in PREDICTED} for t in LABELS}
    for t, p in zip(truth, predicted, strict=True):
        confusion[t.value][p.value] += 1
    per_class = {}
    for kind in LABELS:
        tp = confusion[kind.value][kind.value]
        predicted_as = sum(confusion[t.value][kind.value] for t in LABELS)
        support = sum(confusion[kind.value].values())
        precision = tp / predicted_as if predicted_as else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[kind.value] = ClassScore(precision, recall, f1, support)
    complaints = confusion[Kind.COMPLAINT.value]
    caught = complaints[Kind.COMPLAINT.value] + complaints[Kind.UNCERTAIN.value]
    registered = sum(confusion[t.value][Kind.COMPLAINT.value] for t in LABELS)
    human = [t for t in LABELS if t is not Kind.OTHER]
    human_total = sum(sum(confusion[t.value].values()) for t in human)
    triaged = sum(confusion[t.value][Kind.UNCERTAIN.value] for t in human)
    machine = confusion[Kind.OTHER.value]
    meldcode = None
    if meldcode_truth is not None and meldcode_predicted is not None:
        flagged = [p for t, p in zip(meldcode_truth, meldcode_predicted, strict=True) if t]
        meldcode = sum(flagged) / len(flagged) if flagged else None
    return Report(
        name=name,
        per_class=per_class,
        confusion=confusion,
        complaint_recall=caught / sum(complaints.values()) if sum(complaints.values()) else 0.0,
        register_precision=complaints[Kind.COMPLAINT.value] / registered if registered else 0.0,
        triage_share=triaged / human_total if human_total else 0.0,
        machine_recall=machine[Kind.OTHER.value] / sum(machine.values())
        if sum(machine.values())
        else 0.0,
        meldcode_recall=meldcode,
    )


@dataclass(frozen=True)
class ReliabilityBin:
    """Messages whose complaint probability fell in [low, high): how many truly were one."""

    low: float
    high: float
    count: int
    mean_probability: float
    complaint_share: float


@dataclass(frozen=True)
class Calibration:
    """Whether the complaint probability means what it says.

    Brier score: mean squared gap between the probability and the truth (0 is perfect; always
    saying the base rate scores `base_rate * (1 - base_rate)`). Expected calibration error:
    the count-weighted gap between mean probability and complaint share over the bins.
    """

    brier: float
    brier_base_rate: float
    expected_calibration_error: float
    bins: list[ReliabilityBin]


def calibration(
    probabilities: Sequence[float], is_complaint: Sequence[bool], bins: int = 10
) -> Calibration:
    n = len(probabilities)
    truth = [1.0 if t else 0.0 for t in is_complaint]
    brier = sum((p - t) ** 2 for p, t in zip(probabilities, truth, strict=True)) / n
    base = sum(truth) / n
    out: list[ReliabilityBin] = []
    gap = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            (p, t)
            for p, t in zip(probabilities, truth, strict=True)
            if low <= p < high or (b == bins - 1 and p == 1.0)
        ]
        if not members:
            continue
        mean_p = sum(p for p, _ in members) / len(members)
        share = sum(t for _, t in members) / len(members)
        gap += len(members) * abs(mean_p - share)
        out.append(ReliabilityBin(low, high, len(members), mean_p, share))
    return Calibration(brier, base * (1 - base), gap / n, out)
