"""`klachtenbus evaluate`: cross-validation and a held-out split, rules vs classifier vs both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split

import classify
from classify import LabelledMessage, Thresholds
from classify.evaluation import Calibration, Report, calibration, report
from classify.model import RANDOM_STATE
from klachtenbus.vocabulary import Flag, Kind
from office.detection import as_message, decision_of, sample_of
from rules import RuleSet, Verdict, judge

HELD_OUT_SHARE = 0.2
FOLDS = 5


@dataclass(frozen=True)
class Evaluation:
    held_out: list[Report]  # rules only, classifier only, combined
    cross_validated: list[Report]
    held_out_size: int
    training_size: int
    held_out_calibration: Calibration  # of the model's complaint probability
    cross_validated_calibration: Calibration
    folds: int = FOLDS

    @property
    def size(self) -> int:
        return self.held_out_size + self.training_size


def evaluate(
    corpus: Sequence[LabelledMessage], rules: RuleSet, thresholds: Thresholds
) -> Evaluation:
    messages = [as_message(e) for e in corpus]
    verdicts = [judge(m, rules) for m in messages]
    truth = [e.kind for e in corpus]
    indices = np.arange(len(corpus))
    train_idx, test_idx = train_test_split(
        indices,
        test_size=HELD_OUT_SHARE,
        stratify=[str(k) for k in truth],
        random_state=RANDOM_STATE,
    )
    held_out_rows = _predict(corpus, messages, verdicts, train_idx, test_idx, thresholds)
    held_out = _reports(corpus, held_out_rows)
    predictions: dict[str, list[tuple[int, Kind, bool]]] = {}
    probabilities: list[tuple[int, float]] = []
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=RANDOM_STATE)
    for fold_train, fold_test in folds.split(indices, [str(k) for k in truth]):
        fold = _predict(corpus, messages, verdicts, fold_train, fold_test, thresholds)
        for name, rows in fold.rows.items():
            predictions.setdefault(name, []).extend(rows)
        probabilities += fold.probabilities
    cross = []
    for name, rows in predictions.items():
        rows.sort()
        cross.append(
            report(
                name,
                [truth[i] for i, _, _ in rows],
                [k for _, k, _ in rows],
                meldcode_truth=[Flag.MELDCODE in corpus[i].flags for i, _, _ in rows],
                meldcode_predicted=[m for _, _, m in rows],
            )
        )
    return Evaluation(
        held_out,
        cross,
        len(test_idx),
        len(train_idx),
        held_out_calibration=_calibration(corpus, held_out_rows.probabilities),
        cross_validated_calibration=_calibration(corpus, probabilities),
    )


def _calibration(
    corpus: Sequence[LabelledMessage], probabilities: list[tuple[int, float]]
) -> Calibration:
    return calibration(
        [p for _, p in probabilities], [corpus[i].kind is Kind.COMPLAINT for i, _ in probabilities]
    )


@dataclass(frozen=True)
class _Predictions:
    rows: dict[str, list[tuple[int, Kind, bool]]]  # per way of deciding: (index, kind, meldcode)
    probabilities: list[tuple[int, float]]  # (index, the model's complaint probability)


def _reports(corpus: Sequence[LabelledMessage], predictions: _Predictions) -> list[Report]:
    out = []
    for name, rows in predictions.rows.items():
        out.append(
            report(
                name,
                [corpus[i].kind for i, _, _ in rows],
                [k for _, k, _ in rows],
                meldcode_truth=[Flag.MELDCODE in corpus[i].flags for i, _, _ in rows],
                meldcode_predicted=[m for _, _, m in rows],
            )
        )
    return out


def _predict(
    corpus: Sequence[LabelledMessage],
    messages: list,  # type: ignore[type-arg]
    verdicts: list[Verdict],
    train_idx: np.ndarray,
    test_idx: np.ndarray,
    thresholds: Thresholds,
) -> _Predictions:
    samples = [sample_of(v) for v in verdicts]
    detector = classify.train([samples[i] for i in train_idx], [corpus[i].kind for i in train_idx])
    assessments = detector.assess([samples[i] for i in test_idx], top=0)
    rows: dict[str, list[tuple[int, Kind, bool]]] = {"regels": [], "model": [], "samen": []}
    probabilities_of: list[tuple[int, float]] = []
    for i, assessment in zip(test_idx, assessments, strict=True):
        verdict = verdicts[i]
        meldcode = Flag.MELDCODE in verdict.flags
        rows["regels"].append((int(i), rules_only(verdict), meldcode))
        probabilities = assessment.probabilities
        probabilities_of.append((int(i), probabilities.get(Kind.COMPLAINT, 0.0)))
        rows["model"].append((int(i), max(probabilities, key=probabilities.__getitem__), meldcode))
        decision = decision_of(verdict, assessment, thresholds)
        rows["samen"].append((int(i), decision.kind, meldcode))
    return _Predictions(rows, probabilities_of)


def rules_only(verdict: Verdict) -> Kind:
    """What the keyword rules alone would say: the baseline the classifier must beat."""
    if verdict.is_machine:
        return Kind.OTHER
    return Kind.COMPLAINT if verdict.hss_markers else Kind.REMARK
