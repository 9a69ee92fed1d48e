"""`klachtenbus evaluate`: cross-validation and a held-out split, rules vs classifier vs both."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split

import classify
from classify import LabelledMessage, Thresholds
from classify.evaluation import Calibration, Report, calibration, report
from classify.model import RANDOM_STATE
from klachtenbus.vocabulary import Flag, Kind
from office.detection import as_message, decision_of, sample_of
from rules import RuleSet, Verdict, judge, new_text

HELD_OUT_SHARE = 0.2
FOLDS = 5

# The hard cases the figures are also given for (issue 12): what makes a message hard is read
# from the message itself, so a new corpus part needs no extra labels.
ATTACHMENT = "bijlage"
FORWARD = "doorgestuurd"
THREAD = "draad"
MACHINE_LOOK_ALIKE = "lijkt automatisch"
MELDCODE = "meldcode"
VERY_SHORT = "heel kort"
VERY_LONG = "heel lang"
HARD_CASES = (ATTACHMENT, FORWARD, THREAD, MACHINE_LOOK_ALIKE, MELDCODE, VERY_SHORT, VERY_LONG)
SHORT_WORDS, LONG_WORDS = 25, 350

_REPLY = re.compile(r"^\s*(re|antw|aw|sv|vs|odp|ynt|ответ)\s*:", re.I)
_FORWARD = re.compile(r"^\s*(fwd?|doorst|wg|tr|pd|ynt\.?ilet|пересл)\s*:", re.I)
_FORWARD_BLOCK = re.compile(
    r"(doorgestuurd bericht|forwarded message|oorspronkelijk bericht|original message|"
    r"weitergeleitete nachricht|message transféré|message d'origine)",
    re.I,
)
_ATTACHMENT = re.compile(
    r"\b(bijlage|bijgevoegd|attached|attachment|anhang|angehängt|pièce jointe|załącznik|"
    r"вложени|ek(te|teki)|مرفق)",
    re.I,
)


@dataclass(frozen=True)
class GroupFigures:
    """How the combined decision did on one group of the corpus (a language, a hard case),
    every message judged by a model that never saw it (the cross-validation's folds)."""

    group: str
    size: int
    report: Report
    human_as_other: int  # mail a person wrote filed as automatic: the promise says 0


@dataclass(frozen=True)
class Evaluation:
    held_out: list[Report]  # rules only, classifier only, combined
    cross_validated: list[Report]
    held_out_size: int
    training_size: int
    held_out_calibration: Calibration  # of the model's complaint probability
    cross_validated_calibration: Calibration
    folds: int = FOLDS
    by_language: list[GroupFigures] = field(default_factory=list)
    by_hard_case: list[GroupFigures] = field(default_factory=list)

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
    combined = {i: (kind, meldcode) for i, kind, meldcode in predictions["samen"]}
    languages: dict[str, list[int]] = {}
    hard: dict[str, list[int]] = {name: [] for name in HARD_CASES}
    for i, entry in enumerate(corpus):
        languages.setdefault(entry.lang, []).append(i)
        for name in hard_cases(entry, verdicts[i]):
            hard[name].append(i)
    return Evaluation(
        held_out,
        cross,
        len(test_idx),
        len(train_idx),
        held_out_calibration=_calibration(corpus, held_out_rows.probabilities),
        cross_validated_calibration=_calibration(corpus, probabilities),
        by_language=[
            _figures(lang, members, corpus, combined) for lang, members in sorted(languages.items())
        ],
        by_hard_case=[_figures(name, hard[name], corpus, combined) for name in HARD_CASES],
    )


def hard_cases(entry: LabelledMessage, verdict: Verdict) -> frozenset[str]:
    """Which kinds of hard case a corpus message is, by what it looks like."""
    found = set()
    body = entry.body
    if _ATTACHMENT.search(body) or _ATTACHMENT.search(entry.subject):
        found.add(ATTACHMENT)
    if _FORWARD.match(entry.subject) or _FORWARD_BLOCK.search(body):
        found.add(FORWARD)
    elif _REPLY.match(entry.subject) or len(new_text(body)) < len(body.strip()):
        found.add(THREAD)
    human = entry.kind is not Kind.OTHER
    if (human and (verdict.machine_hits or verdict.is_machine)) or (
        not human and not verdict.machine_by_header
    ):
        found.add(MACHINE_LOOK_ALIKE)  # a person's mail that reads automatic, or the reverse
    if Flag.MELDCODE in entry.flags:
        found.add(MELDCODE)
    words = len(body.split())
    if words < SHORT_WORDS:
        found.add(VERY_SHORT)
    elif words > LONG_WORDS:
        found.add(VERY_LONG)
    return frozenset(found)


def _figures(
    group: str,
    members: list[int],
    corpus: Sequence[LabelledMessage],
    combined: dict[int, tuple[Kind, bool]],
) -> GroupFigures:
    truth = [corpus[i].kind for i in members]
    decided = [combined[i][0] for i in members]
    return GroupFigures(
        group=group,
        size=len(members),
        report=report(
            group,
            truth,
            decided,
            meldcode_truth=[Flag.MELDCODE in corpus[i].flags for i in members],
            meldcode_predicted=[combined[i][1] for i in members],
        ),
        human_as_other=sum(
            t is not Kind.OTHER and d is Kind.OTHER for t, d in zip(truth, decided, strict=True)
        ),
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
