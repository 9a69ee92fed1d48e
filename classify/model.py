"""The classifier: word and character n-grams plus the rule markers, into a linear model."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from classify.sample import Sample
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


def build_pipeline() -> Pipeline:
    text = FunctionTransformer(_texts)
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
                                    ("pick", text),
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
                LogisticRegression(
                    C=8.0, max_iter=3000, class_weight="balanced", random_state=RANDOM_STATE
                ),
            ),
        ]
    )


class Detector:
    """A trained model with the class order it answers in."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.classes = [Kind(c) for c in pipeline.classes_]
        self._names: np.ndarray | None = None

    @property
    def feature_names(self) -> np.ndarray:
        if self._names is None:
            union: FeatureUnion = self.pipeline.named_steps["features"]
            self._names = np.concatenate(
                [sub.steps[-1][1].get_feature_names_out() for _, sub in union.transformer_list]
            )
        return self._names

    def assess(self, samples: Sequence[Sample], top: int = 5) -> list[Assessment]:
        """Probabilities and the strongest complaint terms, from one pass over the features."""
        features: FeatureUnion = self.pipeline.named_steps["features"]
        model: LogisticRegression = self.pipeline.named_steps["model"]
        matrix = features.transform(list(samples)).tocsr()
        probabilities = model.predict_proba(matrix)
        if Kind.COMPLAINT in self.classes:
            weights = model.coef_[self.classes.index(Kind.COMPLAINT)]
            contributions = matrix.multiply(weights).tocsr()
        else:
            contributions = None
        out = []
        for i, row in enumerate(probabilities):
            terms: list[str] = []
            if contributions is not None:
                start, end = contributions.indptr[i], contributions.indptr[i + 1]
                data, indices = contributions.data[start:end], contributions.indices[start:end]
                order = np.argsort(data)[::-1][:top]
                terms = [str(self.feature_names[indices[j]]).strip() for j in order if data[j] > 0]
            out.append(
                Assessment(dict(zip(self.classes, map(float, row), strict=True)), tuple(terms))
            )
        return out

    def probabilities(self, samples: Sequence[Sample]) -> list[dict[Kind, float]]:
        return [a.probabilities for a in self.assess(samples, top=0)]


@dataclass(frozen=True)
class Assessment:
    probabilities: dict[Kind, float]
    top_terms: tuple[str, ...]  # the features that pushed most towards `complaint`


def train(samples: Sequence[Sample], labels: Sequence[Kind]) -> Detector:
    pipeline = build_pipeline()
    pipeline.fit(list(samples), [str(k) for k in labels])
    return Detector(pipeline)


def save(detector: Detector, path: Path) -> str:
    """Write the model and return its sha256, which storage records to check before loading."""
    buffer = io.BytesIO()
    joblib.dump(detector.pipeline, buffer, compress=3)
    data = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()


def load(path: Path, sha256: str) -> Detector:
    """Load only a file whose sha256 matches the one recorded when it was trained.

    joblib unpickles, which runs code: a swapped file must never get that far.
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
    return Detector(joblib.load(io.BytesIO(data)))
