"""A trained model as the poller uses it: calibrated probabilities and the terms behind them.

Nothing here imports scikit-learn. A model file holds the read-out scoring tables beside the
pickled pipeline; the tables score, and the pipeline is unpickled (importing scikit-learn) only
for a model the tables cannot describe, or when asked for.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from classify.sample import CLASSIFIED_CHARACTERS, Sample
from classify.scoring import Features, Scorer, Tables, WordReader
from klachtenbus.errors import ModelError
from klachtenbus.vocabulary import Kind

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

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


@dataclass(frozen=True)
class Assessment:
    probabilities: dict[Kind, float]
    top_terms: tuple[str, ...]  # readable words and markers that pushed most towards `complaint`
    # The share of the text's words the model knows; None for a text without words.
    known_words: float | None = None


class Detector:
    """A trained model with the class order it answers in.

    Built from the scoring tables (scored here), from a fitted pipeline (scored by
    scikit-learn), or both; `pipeline_pickle` is a pipeline not unpickled until needed.
    """

    def __init__(
        self,
        tables: Tables | None = None,
        pipeline: Pipeline | None = None,
        pipeline_pickle: bytes | None = None,
    ) -> None:
        if tables is None and pipeline is None and pipeline_pickle is None:
            raise ValueError("a detector needs its tables or its pipeline")
        self._tables = tables
        self._pipeline = pipeline
        self._pipeline_pickle = pipeline_pickle
        self._scorer = Scorer(tables) if tables is not None else None
        classes = tables.classes if tables is not None else self.pipeline.classes_
        self.classes = [Kind(c) for c in classes]
        self._read_words = WordReader()

    @property
    def tables(self) -> Tables | None:
        return self._tables

    @property
    def pipeline(self) -> Pipeline:
        """The fitted scikit-learn pipeline (unpickled on first use)."""
        if self._pipeline is None:
            if self._pipeline_pickle is None:
                raise ModelError("Dit model heeft geen scikit-learn-pipeline meer.")
            import classify.model  # noqa: F401  what the pipeline's pickle refers to

            self._pipeline = pickle.loads(self._pipeline_pickle)  # noqa: S301 - sha256 checked
            self._pipeline_pickle = None
        return self._pipeline

    @cached_property
    def _columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Each feature column's name and block (0 words, 1 character n-grams, 2 markers),
        and the complaint class's weight per column (None without that class)."""
        if self._tables is not None:
            names, block = self._tables.feature_names()
            member = self._tables.members[0]
            weights = None
            if Kind.COMPLAINT in self.classes:
                column = int(
                    np.flatnonzero(member.positions == self.classes.index(Kind.COMPLAINT))[0]
                )
                weights = member.coefficients[:, column]
            return names, block, weights
        union = self.pipeline.named_steps["features"]
        parts = [sub.steps[-1][1].get_feature_names_out() for _, sub in union.transformer_list]
        names = np.concatenate(parts)
        block = np.concatenate([np.full(len(n), i, dtype=np.int8) for i, n in enumerate(parts)])
        linear = self.pipeline.named_steps["model"].calibrated_classifiers_[0].estimator
        weights = (
            linear.coef_[self.classes.index(Kind.COMPLAINT)]
            if Kind.COMPLAINT in self.classes and linear.coef_.shape[0] > 1
            else None
        )
        return names, block, weights

    @property
    def feature_names(self) -> np.ndarray:
        return self._columns[0]

    def assess(self, samples: Sequence[Sample], top: int = 5) -> list[Assessment]:
        """Calibrated probabilities and the terms that pushed most towards `complaint`."""
        if self._scorer is None:
            return self._assess_with_pipeline(samples, top)
        features = self._scorer.features(samples)
        probabilities = self._scorer.probabilities(features)
        weights = self._columns[2] if top else None
        out = []
        for sample, found, row in zip(samples, features, probabilities, strict=True):
            terms: tuple[str, ...] = ()
            if weights is not None:
                contributions = found.values * weights[found.indices]
                terms = self._readable_terms(sample, found.indices, contributions, top)
            out.append(
                Assessment(
                    dict(zip(self.classes, map(float, row), strict=True)),
                    terms,
                    self.known_words(sample.text),
                )
            )
        return out

    def _assess_with_pipeline(self, samples: Sequence[Sample], top: int) -> list[Assessment]:
        """The same through scikit-learn's own transform and predict_proba: for a model the
        tables cannot describe (two classes), and as the reference the tests compare with."""
        features = self.pipeline.named_steps["features"]
        model = self.pipeline.named_steps["model"]
        matrix = features.transform(list(samples)).tocsr()
        probabilities = model.predict_proba(matrix)
        weights = self._columns[2] if top else None
        contributions = matrix.multiply(weights).tocsr() if weights is not None else None
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
            out.append(
                Assessment(
                    dict(zip(self.classes, map(float, row), strict=True)),
                    terms,
                    self.known_words(samples[i].text),
                )
            )
        return out

    def known_words(self, text: str) -> float | None:
        """The share of the text's words (letters only: no numbers, dates or case numbers)
        that the model's vocabulary holds: low for a language or a subject it was not
        trained on, whose probabilities then mean little. None for a text without words."""
        words = [w for w in self._read_words(text[:CLASSIFIED_CHARACTERS]) if w.isalpha()]
        if not words:
            return None
        vocabulary = self._word_vocabulary
        return sum(w in vocabulary for w in words) / len(words)

    @cached_property
    def _word_vocabulary(self) -> dict[str, int]:
        if self._tables is not None:
            return self._tables.word_vocabulary
        union = self.pipeline.named_steps["features"]
        return dict(union.transformer_list[0][1].steps[-1][1].vocabulary_)

    def _readable_terms(
        self, sample: Sample, indices: np.ndarray, data: np.ndarray, top: int
    ) -> tuple[str, ...]:
        """Words, word pairs and markers with their summed weight; a character n-gram's weight
        goes to the word of the message it came from, so an officer never reads " kl"."""
        positive = data > 0
        indices, data = indices[positive], data[positive]
        if not len(data):
            return ()
        names, blocks, _ = self._columns
        order = np.argsort(data)[::-1][: top * 8]  # the strongest few dozen carry the weight
        scores: dict[str, float] = {}
        padded = ""
        picked = indices[order]
        for name, block, weight in zip(
            names[picked].tolist(), blocks[picked].tolist(), data[order].tolist(), strict=True
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

    def text_vectors(self, texts: Sequence[str]) -> list[Features]:
        """Each text's TF-IDF vectors as the model weighs them (its words and word pairs, its
        character n-grams: vocabularies, idf, sublinear tf, each block l2-normed), without
        the rule markers: for comparing texts as the model reads them."""
        samples = [Sample(text=t) for t in texts]
        if self._scorer is not None:
            return self._scorer.features(samples)
        matrix = self.pipeline.named_steps["features"].transform(samples).tocsr()
        width = self.text_width
        found = []
        for i in range(len(texts)):
            start, end = matrix.indptr[i], matrix.indptr[i + 1]
            keep = matrix.indices[start:end] < width
            found.append(
                Features(
                    matrix.indices[start:end][keep].astype(np.int64),
                    matrix.data[start:end][keep].astype(np.float64),
                )
            )
        return found

    @property
    def text_width(self) -> int:
        """How many text columns (words, then character n-grams) the vectors have."""
        if self._tables is not None:
            return len(self._tables.word_vocabulary) + len(self._tables.char_vocabulary)
        union = self.pipeline.named_steps["features"]
        return sum(len(sub.steps[-1][1].vocabulary_) for _, sub in union.transformer_list[:2])

    def probabilities(self, samples: Sequence[Sample]) -> list[dict[Kind, float]]:
        return [a.probabilities for a in self.assess(samples, top=0)]


# Format 2: zlib(pickle protocol 5) of {"tables": plain tables or None, "pipeline": the
# pipeline's own pickle}; only the outer pickle is read on loading. Format 1 was the
# pipeline's pickle alone; before that, joblib. Both still load.
MODEL_FORMAT = b"KLACHTENBUS-MODEL-2\n"
_FORMAT_1 = b"KLACHTENBUS-MODEL-1\n"


def model_bytes(tables: Tables | None, pipeline: Pipeline) -> bytes:
    payload: dict[str, Any] = {
        "tables": tables.to_plain() if tables is not None else None,
        "pipeline": pickle.dumps(pipeline, protocol=5),
    }
    return MODEL_FORMAT + zlib.compress(pickle.dumps(payload, protocol=5), 3)


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
    # its sha256 was checked above: unpickling it is as safe as training it was
    if data.startswith(MODEL_FORMAT):
        payload = pickle.loads(zlib.decompress(data[len(MODEL_FORMAT) :]))  # noqa: S301
        plain = payload["tables"]
        tables = Tables.from_plain(plain) if plain is not None else None
        return Detector(tables, pipeline_pickle=payload["pipeline"])
    from classify.model import detector_of  # scikit-learn: files of earlier versions

    if data.startswith(_FORMAT_1):
        return detector_of(pickle.loads(zlib.decompress(data[len(_FORMAT_1) :])))  # noqa: S301
    import joblib

    return detector_of(joblib.load(io.BytesIO(data)))
