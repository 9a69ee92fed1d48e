"""The classifier: word and character n-grams plus the rule markers, into a linear model."""

from __future__ import annotations

import hashlib
import io
import pickle
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from classify.sample import Sample
from classify.scoring import Scorer
from klachtenbus.errors import ModelError
from klachtenbus.vocabulary import Kind

RANDOM_STATE = 20261123


# The classifier reads the start of the judged text: the gist of a complaint is there, and the
# cost of character n-grams grows with length.
CLASSIFIED_CHARACTERS = 4_000


def _texts(samples: Sequence[Sample]) -> list[str]:
    return [s.text[:CLASSIFIED_CHARACTERS] for s in samples]


def _markers(samples: Sequence[Sample]) -> list[dict[str, int]]:
    return [{m: 1 for m in s.markers} for s in samples]


# The model's probabilities are calibrated on held-out folds of the training data, so that
# "0.8" means about eight in ten such messages are complaints and the cut-offs mean something.
CALIBRATION_FOLDS = 5
# Weak regularisation: the calibration, not C, decides how sure the probabilities are.
C_REGULARISATION = 8.0
CALIBRATION_METHOD = "sigmoid"  # isotonic overfits a few hundred messages per class


def build_pipeline() -> Pipeline:
    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        (
                            "words",
                            Pipeline(
                                [
                                    ("pick", FunctionTransformer(_texts)),
                                    (
                                        "tfidf",
                                        TfidfVectorizer(
                                            ngram_range=(1, 2),
                                            min_df=2,
                                            sublinear_tf=True,
                                            strip_accents="unicode",
                                            max_features=60_000,
                                        ),
                                    ),
                                ]
                            ),
                        ),
                        (
                            "chars",
                            Pipeline(
                                [
                                    ("pick", FunctionTransformer(_texts)),
                                    (
                                        "tfidf",
                                        TfidfVectorizer(
                                            analyzer="char_wb",
                                            ngram_range=(3, 4),
                                            min_df=2,
                                            sublinear_tf=True,
                                            max_features=120_000,
                                        ),
                                    ),
                                ]
                            ),
                        ),
                        (
                            "markers",
                            Pipeline(
                                [
                                    ("pick", FunctionTransformer(_markers)),
                                    ("dict", DictVectorizer()),
                                ]
                            ),
                        ),
                    ]
                ),
            ),
            (
                "model",
                CalibratedClassifierCV(
                    LogisticRegression(
                        C=C_REGULARISATION,
                        max_iter=3000,
                        class_weight="balanced",
                        random_state=RANDOM_STATE,
                    ),
                    method=CALIBRATION_METHOD,
                    cv=StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=RANDOM_STATE),
                    n_jobs=2,  # the calibration folds in parallel on two cores
                    ensemble=False,  # one linear model on all data: its weights explain, it is fast
                ),
            ),
        ]
    )


# How a marker feature is named to an officer among the weightiest terms.
_MARKER_NAMES = {
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
_EDGE_PUNCTUATION = "\"'.,;:!?()[]{}<>«»“”‘’*_/\\|-–—"


class Detector:
    """A trained model with the class order it answers in."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.classes = [Kind(c) for c in pipeline.classes_]
        union: FeatureUnion = pipeline.named_steps["features"]
        names = [sub.steps[-1][1].get_feature_names_out() for _, sub in union.transformer_list]
        self._names = np.concatenate(names)
        # which block each feature column belongs to: 0 words, 1 character n-grams, 2 markers
        self._block = np.concatenate(
            [np.full(len(n), i, dtype=np.int8) for i, n in enumerate(names)]
        )
        calibrated: CalibratedClassifierCV = pipeline.named_steps["model"]
        linear: LogisticRegression = calibrated.calibrated_classifiers_[0].estimator
        self._weights = (
            linear.coef_[self.classes.index(Kind.COMPLAINT)]
            if Kind.COMPLAINT in self.classes
            else None
        )
        try:
            self._scorer: Scorer | None = Scorer(pipeline, _texts)
        except TypeError:
            self._scorer = None

    @property
    def feature_names(self) -> np.ndarray:
        return self._names

    def assess(self, samples: Sequence[Sample], top: int = 5) -> list[Assessment]:
        """Calibrated probabilities and the terms that pushed most towards `complaint`."""
        if self._scorer is None:
            return self._assess_with_pipeline(samples, top)
        features = self._scorer.features(samples)
        probabilities = self._scorer.probabilities(features)
        out = []
        for sample, found, row in zip(samples, features, probabilities, strict=True):
            terms: tuple[str, ...] = ()
            if top and self._weights is not None:
                contributions = found.values * self._weights[found.indices]
                terms = self._readable_terms(sample, found.indices, contributions, top)
            out.append(Assessment(dict(zip(self.classes, map(float, row), strict=True)), terms))
        return out

    def _assess_with_pipeline(self, samples: Sequence[Sample], top: int) -> list[Assessment]:
        """The same through scikit-learn's own transform and predict_proba: for a model the
        scorer cannot read out (two classes), and as the reference the tests compare with."""
        features: FeatureUnion = self.pipeline.named_steps["features"]
        model: CalibratedClassifierCV = self.pipeline.named_steps["model"]
        matrix = features.transform(list(samples)).tocsr()
        probabilities = model.predict_proba(matrix)
        contributions = (
            matrix.multiply(self._weights).tocsr() if top and self._weights is not None else None
        )
        out = []
        for i, row in enumerate(probabilities):
            terms: tuple[str, ...] = ()
            if contributions is not None:
                start, end = contributions.indptr[i], contributions.indptr[i + 1]
                terms = self._readable_terms(
                    samples[i],
                    contributions.indices[start:end],
                    contributions.data[start:end],
                    top,
                )
            out.append(Assessment(dict(zip(self.classes, map(float, row), strict=True)), terms))
        return out

    def _readable_terms(
        self, sample: Sample, indices: np.ndarray, data: np.ndarray, top: int
    ) -> tuple[str, ...]:
        """Words, word pairs and markers with their summed weight; a character n-gram's weight
        goes to the word of the message it came from, so an officer never reads " kl"."""
        positive = data > 0
        indices, data = indices[positive], data[positive]
        if not len(data):
            return ()
        order = np.argsort(data)[::-1][: top * 8]  # the strongest few dozen carry the weight
        scores: dict[str, float] = {}
        padded = ""
        picked = indices[order]
        for name, block, weight in zip(
            self._names[picked].tolist(),
            self._block[picked].tolist(),
            data[order].tolist(),
            strict=True,
        ):
            if block == 1:
                # the first whitespace-delimited word of the text that holds this n-gram
                # (char_wb n-grams never cross a space), without its surrounding punctuation
                if not padded:
                    padded = f" {' '.join(sample.text[:CLASSIFIED_CHARACTERS].lower().split())} "
                at = padded.find(name)
                if at < 0:
                    continue
                core = name.strip()
                inner = at + name.index(core) if core else at
                left = padded.rfind(" ", 0, inner + 1) + 1
                term = padded[left : padded.find(" ", inner + len(core))].strip(_EDGE_PUNCTUATION)
                if not term:
                    continue
            elif block == 2:
                kind, _, marker = name.partition(":")
                label = _MARKER_NAMES.get(marker, marker)
                term = f"[{label}]" if kind == "hit" else f"[{label}, niet meegeteld]"
            else:
                term = name
            scores[term] = scores.get(term, 0.0) + weight
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        return tuple(term for term, _ in ranked[:top])

    def probabilities(self, samples: Sequence[Sample]) -> list[dict[Kind, float]]:
        return [a.probabilities for a in self.assess(samples, top=0)]


@dataclass(frozen=True)
class Assessment:
    probabilities: dict[Kind, float]
    top_terms: tuple[str, ...]  # readable words and markers that pushed most towards `complaint`


def train(samples: Sequence[Sample], labels: Sequence[Kind]) -> Detector:
    pipeline = build_pipeline()
    pipeline.fit(list(samples), [str(k) for k in labels])
    return Detector(pipeline)


MODEL_FORMAT = b"KLACHTENBUS-MODEL-1\n"  # then zlib(pickle protocol 5) of the pipeline


def save(detector: Detector, path: Path) -> str:
    """Write the model and return its sha256, which storage records to check before loading."""
    data = MODEL_FORMAT + zlib.compress(pickle.dumps(detector.pipeline, protocol=5), 3)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()


def load(path: Path, sha256: str) -> Detector:
    """Load only a file whose sha256 matches the one recorded when it was trained.

    Unpickling runs code: a swapped file must never get that far.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(
            f"Modelbestand {path} ontbreekt ({exc.strerror}). Draai `klachtenbus init` om het "
            "model opnieuw te trainen."
        ) from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise ModelError(
            f"Modelbestand {path} is gewijzigd sinds het getraind werd (sha256 {actual[:12]}… "
            f"in plaats van {sha256[:12]}…); het wordt niet geladen. Draai `klachtenbus init` "
            "om opnieuw te trainen."
        )
    if data.startswith(MODEL_FORMAT):  # plain pickle loads ~10x faster than joblib's unpickler
        payload = zlib.decompress(data[len(MODEL_FORMAT) :])
        return Detector(pickle.loads(payload))  # noqa: S301 - its sha256 was checked above
    return Detector(joblib.load(io.BytesIO(data)))  # a model saved before this format
