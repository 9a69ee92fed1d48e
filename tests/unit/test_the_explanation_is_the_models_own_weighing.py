"""The words an officer is shown as "Woorden die het zwaarst wogen" are the model's own
weighing, computed here straight from the scikit-learn pipeline (its vectorisers' output and
the logistic regression's coefficients), not with Klachtenbus's term reader.

What the explanation promises: take the strongest 40 positive contributions (feature value ×
the `complaint` coefficient); a word or word pair counts as itself, a rule marker by its
label, a character n-gram for the first word of the text it occurs in; sum per term; the five
largest sums, largest first. (Summed over every positive contribution instead of the strongest
40, the five differ for most corpus messages: the 40 are the explanation's own choice.)"""

from __future__ import annotations

from pathlib import Path

import pytest

import classify
from classify import Sample
from classify.detector import Detector
from classify.sample import CLASSIFIED_CHARACTERS
from office.detection import training_set
from rules import load_rules

TOP = 5
STRONGEST = TOP * 8
PUNCTUATION = "\"'.,;:!?()[]{}<>«»“”‘’*_/\\|-–—"
LABELS = {
    "complaint-word": "klachtwoord (HSS 1)",
    "strong-wording": "krachtige bewoording (HSS 2)",
    "blame-act": "verwijt handelen of nalaten (HSS 3)",
    "blame-behaviour": "verwijt gedrag (HSS 4)",
    "exclusion": "uitzondering",
    "machine": "automatisch bericht",
    "meldcode": "meldcode-signaal",
    "withdrawal": "intrekking",
    "appeal": "beroep",
    "followup": "vervolg",
}


def weighed_terms(pipeline: object, sample: Sample) -> list[str]:
    """The explanation computed from the pipeline's own parts."""
    sums = term_sums(pipeline, sample)
    return [t for t, _ in sorted(sums.items(), key=lambda item: item[1], reverse=True)[:TOP]]


def same_ranking(shown: tuple[str, ...], sums: dict[str, float]) -> bool:
    """`shown` is the top five of `sums`, in order; terms whose sums tie (to 1e-12, as a word
    and a word pair with the same weight do) may come in either order."""
    ranked = sorted(sums.values(), reverse=True)[: len(shown)]
    return len(shown) == min(TOP, len(sums)) and all(
        term in sums and abs(sums[term] - best) <= 1e-12 * max(abs(best), 1)
        for term, best in zip(shown, ranked, strict=True)
    )


def term_sums(pipeline: object, sample: Sample) -> dict[str, float]:
    """Each term's summed contribution over the strongest positive ones."""
    union = pipeline.named_steps["features"]  # type: ignore[attr-defined]
    calibrated = pipeline.named_steps["model"]  # type: ignore[attr-defined]
    [fitted] = calibrated.calibrated_classifiers_  # ensemble=False: one model on all data
    weights = fitted.estimator.coef_[list(calibrated.classes_).index("complaint")]
    names = [
        (block, name)
        for block, step in union.transformer_list
        for name in step.steps[-1][1].get_feature_names_out()
    ]
    row = union.transform([sample]).tocsr()
    contributions = sorted(
        ((value * weights[j], names[j]) for j, value in zip(row.indices, row.data, strict=True)),
        key=lambda item: item[0],
        reverse=True,
    )
    words = sample.text[:CLASSIFIED_CHARACTERS].lower().split()
    sums: dict[str, float] = {}
    for contribution, (block, name) in [c for c in contributions if c[0] > 0][:STRONGEST]:
        if block == "chars":
            holder = next((w for w in words if name in f" {w} "), None)
            term = holder.strip(PUNCTUATION) if holder else ""
        elif block == "markers":
            kind, _, marker = name.partition(":")
            label = LABELS.get(marker, marker)
            term = f"[{label}]" if kind == "hit" else f"[{label}, niet meegeteld]"
        else:
            term = name
        if term:
            sums[term] = sums.get(term, 0.0) + contribution
    return sums


@pytest.fixture(scope="module")
def detector(trained_model: tuple[Path, str]) -> Detector:
    return classify.load(*trained_model)


def test_the_top_terms_are_the_pipelines_strongest_contributions(detector: Detector) -> None:
    samples, _ = training_set(load_rules(), classify.load_corpus())
    samples = samples[:: max(len(samples) // 300, 1)]
    assessed = detector.assess(samples)
    mismatches = [
        (s.text[:60], a.top_terms, weighed_terms(detector.pipeline, s))
        for s, a in zip(samples, assessed, strict=True)
        if not same_ranking(a.top_terms, term_sums(detector.pipeline, s))
    ]
    assert mismatches == []
    assert sum(bool(a.top_terms) for a in assessed) > len(samples) // 2


def test_a_complaint_is_explained_by_its_complaint_words(detector: Detector) -> None:
    sample = Sample(
        text="Ik wil een klacht indienen: de begeleider is nooit gekomen, dit is onacceptabel.",
        markers=frozenset({"hit:complaint-word", "hit:strong-wording"}),
    )
    [assessment] = detector.assess([sample])
    assert assessment.top_terms == tuple(weighed_terms(detector.pipeline, sample))
    assert "[klachtwoord (HSS 1)]" in assessment.top_terms
