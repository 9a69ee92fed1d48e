"""Training the classifier: word and character n-grams plus the rule markers, into a linear
model. Scoring a trained one needs none of this (`classify.detector`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from classify.detector import Assessment, Detector, load, model_bytes
from classify.sample import CLASSIFIED_CHARACTERS, Sample
from classify.scoring import Tables, read_out
from klachtenbus.vocabulary import Kind

__all__ = ["Assessment", "Detector", "build_pipeline", "load", "save", "train"]

RANDOM_STATE = 20261123


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


def train(samples: Sequence[Sample], labels: Sequence[Kind]) -> Detector:
    pipeline = build_pipeline()
    pipeline.fit(list(samples), [str(k) for k in labels])
    return detector_of(pipeline)


def detector_of(pipeline: Pipeline) -> Detector:
    """A detector that scores from the pipeline's read-out tables where they describe it."""
    try:
        tables: Tables | None = read_out(pipeline)
    except TypeError:
        tables = None
    return Detector(tables, pipeline=pipeline)


def save(detector: Detector, path: Path) -> str:
    """Write the model and return its sha256, which storage records to check before loading."""
    data = model_bytes(detector.tables, detector.pipeline)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()
