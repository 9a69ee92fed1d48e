"""The classifier scores without scikit-learn's per-call checks, yet exactly as its pipeline."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import strip_accents_unicode

import classify
from classify import Sample
from classify.detector import Assessment, Detector
from classify.scoring import _LowerWithoutAccents
from klachtenbus.vocabulary import Kind
from office.detection import training_set
from rules import load_rules

ODD_TEXTS = [
    "",
    "   \n\t  ",
    "xq zzv qqqq",  # nothing the model knows
    "Ik ben\u00a0ontevreden\tover\u2003de   begeleiding,\x1cècht waar!",
    "DIT IS ONACCEPTABEL. İstanbul Straße café naïef",
    "klacht " * 2_000,  # longer than the classifier reads
    "a",
]


def _probabilities(assessments: list[Assessment]) -> np.ndarray:
    return np.array([[a.probabilities[k] for k in sorted(a.probabilities)] for a in assessments])


@pytest.fixture(scope="module")
def detector(trained_model: tuple[Path, str]) -> Detector:
    return classify.load(*trained_model)


@pytest.fixture(scope="module")
def samples() -> list[Sample]:
    corpus_samples, _ = training_set(load_rules(), classify.load_corpus())
    odd = [Sample(text=t, markers=frozenset()) for t in ODD_TEXTS]
    odd.append(Sample(text="Ik wil klagen.", markers=frozenset({"hit:complaint-word", "hit:x"})))
    return corpus_samples + odd


def test_probabilities_and_top_terms_equal_the_pipelines(
    detector: Detector, samples: list[Sample]
) -> None:
    """Every corpus message and some odd texts get scikit-learn's probabilities and terms."""
    fast = detector.assess(samples)
    reference = detector._assess_with_pipeline(samples, top=5)
    assert np.abs(_probabilities(fast) - _probabilities(reference)).max() < 1e-9
    assert [a.top_terms for a in fast] == [a.top_terms for a in reference]


def test_one_message_at_a_time_scores_as_a_batch(
    detector: Detector, samples: list[Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message alone, after the remembered words were cleared, scores as in a batch."""
    monkeypatch.setattr(classify.scoring, "_WORD_CACHE_SIZE", 50)
    batch = detector.assess(samples[:60])
    alone = [detector.assess([s])[0] for s in samples[:60]]
    assert np.abs(_probabilities(batch) - _probabilities(alone)).max() < 1e-12
    assert [a.top_terms for a in batch] == [a.top_terms for a in alone]


def test_a_two_class_model_falls_back_to_the_pipeline() -> None:
    """A model with one decision column is not read out, but still answers."""
    corpus = [e for e in classify.load_corpus() if e.kind is not Kind.OTHER][:200]
    samples, labels = training_set(load_rules(), corpus)
    detector = classify.train(samples, labels)
    assert detector._scorer is None
    assessed = detector.assess(samples[:3])
    assert all(abs(sum(a.probabilities.values()) - 1) < 1e-9 for a in assessed)


def test_accents_are_stripped_as_scikit_learn_strips_them() -> None:
    """Lower-casing and dropping combining marks gives `strip_accents_unicode`'s text."""
    strip = _LowerWithoutAccents()
    rnd = random.Random(5)
    characters = "aéëÈçñøÅİßﬁ①Ⅻǅ\u0301\u0308 ÿŸ“”"
    for _ in range(20_000):
        text = "".join(rnd.choice(characters) for _ in range(rnd.randint(0, 12)))
        assert strip(text) == strip_accents_unicode(text.lower()), text


def test_words_are_cut_as_scikit_learn_cuts_them() -> None:
    """Runs of two or more word characters are the default token pattern's tokens."""
    default = re.compile(r"(?u)\b\w\w+\b")
    faster = re.compile(r"\w\w+")
    rnd = random.Random(6)
    characters = "ab1_é -.\n'’İ\u00a0"
    for _ in range(20_000):
        text = "".join(rnd.choice(characters) for _ in range(rnd.randint(0, 16)))
        assert faster.findall(text) == default.findall(text), text
