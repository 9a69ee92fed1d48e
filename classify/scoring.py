"""The fitted pipeline read out into plain arrays, to score messages without scikit-learn.

`Pipeline.predict_proba` checks its input in each of the three feature pipelines and in the
calibrator on every call: about 4 ms, whatever the number of messages. Scoring here uses the
same fitted vocabularies, idf weights, analyzers, coefficients and calibrators, so it gives the
same probabilities (the tests compare them), in a fraction of the time for one message and
faster in batches too: a word's character n-grams are looked up once and remembered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from classify.sample import Sample

# Words remembered with their character n-grams; a mail's vocabulary is Zipfian, so a few ten
# thousand words cover almost everything. Past this the memory is cleared and refilled.
_WORD_CACHE_SIZE = 50_000


@dataclass(frozen=True)
class Features:
    """One message's non-zero feature columns (ascending) and their values, as the pipeline's
    `FeatureUnion` would give them."""

    indices: np.ndarray
    values: np.ndarray


class Scorer:
    """Features and calibrated probabilities from a fitted pipeline's own parts."""

    def __init__(self, pipeline: Pipeline, pick: Callable[[Sequence[Sample]], list[str]]) -> None:
        union: FeatureUnion = pipeline.named_steps["features"]
        words, chars, markers = (sub.steps[-1][1] for _, sub in union.transformer_list)
        if not (
            isinstance(words, TfidfVectorizer)
            and words.analyzer == "word"
            and isinstance(chars, TfidfVectorizer)
            and chars.analyzer == "char_wb"
            and isinstance(markers, DictVectorizer)
        ):
            raise TypeError("the pipeline is not words + character n-grams + markers")
        for vectorizer in (words, chars):
            if not vectorizer.sublinear_tf or vectorizer.norm != "l2" or not vectorizer.use_idf:
                raise TypeError("the text features are not sublinear, idf-weighted, l2-normed")
        self._pick = pick
        self._word_analyzer = words.build_analyzer()
        self._word_vocabulary: dict[str, int] = words.vocabulary_
        self._chars = chars
        self._char_vocabulary: dict[str, int] = chars.vocabulary_
        self._char_sizes = range(chars.ngram_range[0], chars.ngram_range[1] + 1)
        self._char_preprocess = chars.build_preprocessor()
        self._char_offset = len(words.vocabulary_)
        self._idf = np.concatenate([words.idf_, chars.idf_])  # by the union's column
        self._marker_vocabulary: dict[str, int] = markers.vocabulary_
        self._marker_offset = self._char_offset + len(chars.vocabulary_)
        self._marker_columns: dict[frozenset[str], np.ndarray] = {}  # a few dozen combinations
        self._word_ngrams: dict[str, np.ndarray] = {}
        # words and word pairs straight from the tokens, as the analyzer makes them for (1, 2)
        self._pairs_from_tokens = words.ngram_range == (1, 2) and words.get_stop_words() is None
        self._word_preprocess: Callable[[str], str] = words.build_preprocessor()
        if words.strip_accents == "unicode" and words.lowercase and words.preprocessor is None:
            self._word_preprocess = _LowerWithoutAccents()
        self._word_tokenize = words.build_tokenizer()
        default = r"(?u)\b\w\w+\b"
        if words.token_pattern == default and words.tokenizer is None:
            # the same tokens: a greedy run of word characters ends at a word edge, and the
            # scan only starts a match after one; without the leading `\b` the search
            # skips ahead to word characters instead of trying every position
            self._word_tokenize = re.compile(r"\w\w+").findall

        calibrated: CalibratedClassifierCV = pipeline.named_steps["model"]
        self.classes = calibrated.classes_
        if len(self.classes) < 3:
            raise TypeError("two classes give one decision column: not read out here")
        # Per calibrated classifier: coefficients as (features, classes) rows to gather, the
        # intercepts, each decision column's class position and its sigmoid (a, b).
        self._models = []
        for member in calibrated.calibrated_classifiers_:
            if member.method != "sigmoid":
                raise TypeError(f"calibration {member.method!r} is not sigmoid")
            linear = member.estimator
            positions = np.searchsorted(np.sort(member.classes), linear.classes_)
            sigmoids = np.array([(c.a_, c.b_) for c in member.calibrators], dtype=np.float64)
            self._models.append(
                (
                    np.ascontiguousarray(linear.coef_.T, dtype=np.float64),
                    np.asarray(linear.intercept_, dtype=np.float64),
                    positions,
                    sigmoids,
                )
            )

    def features(self, samples: Sequence[Sample]) -> list[Features]:
        texts = self._pick(samples)
        return [
            self._features(text, sample.markers)
            for text, sample in zip(texts, samples, strict=True)
        ]

    def _features(self, text: str, markers: frozenset[str]) -> Features:
        words = self._words(text)
        cache = self._word_ngrams
        if len(cache) >= _WORD_CACHE_SIZE:
            cache = self._word_ngrams = {}
        for word in [w for w in words if w not in cache]:
            cache[word] = self._char_columns(word)
        # Words, word pairs and character n-grams counted in one go: their columns do not
        # overlap. Concatenating copies, so the remembered arrays are never sorted in place.
        columns = np.concatenate([self._word_columns(text), *map(cache.__getitem__, words)])
        index, value = _tfidf(columns, self._idf, self._char_offset)
        marker_columns = self._marker_columns.get(markers)
        if marker_columns is None:
            marker_columns = self._marker_columns[markers] = (
                np.array(
                    sorted(
                        self._marker_vocabulary[m] for m in markers if m in self._marker_vocabulary
                    ),
                    dtype=np.int64,
                )
                + self._marker_offset
            )
        if len(marker_columns):
            index = np.concatenate([index, marker_columns])
            value = np.concatenate([value, np.ones(len(marker_columns))])
        return Features(index, value)

    def _word_columns(self, text: str) -> np.ndarray:
        """The vocabulary columns of the text's words and word pairs, with repeats."""
        get = self._word_vocabulary.get
        if self._pairs_from_tokens:
            tokens = self._word_tokenize(self._word_preprocess(text))
            grams = [*tokens, *map(" ".join, pairwise(tokens))]
        else:
            grams = self._word_analyzer(text)
        return np.array([c for c in map(get, grams) if c is not None], dtype=np.int64)

    def _words(self, text: str) -> list[str]:
        """The text as `char_wb` splits it into words, after the vectorizer's preprocessing
        (its folding of whitespace runs into one space changes nothing that `split` sees)."""
        return self._char_preprocess(text).split()

    def _char_columns(self, word: str) -> np.ndarray:
        """The vocabulary columns of one word's padded character n-grams (remembered by the
        caller): `char_wb` n-grams never cross a space, so a text's are its words'."""
        padded = f" {word} "
        grams = [padded[i : i + n] for n in self._char_sizes for i in range(len(padded) - n + 1)]
        if len(padded) <= self._char_sizes[0]:
            grams = [padded]  # as `_char_wb_ngrams`: a word shorter than an n-gram counts once
        columns = [c for c in map(self._char_vocabulary.get, grams) if c is not None]
        return np.array(columns, dtype=np.int64) + self._char_offset

    def probabilities(self, features: Sequence[Features]) -> np.ndarray:
        """Calibrated probabilities, (messages, classes), as `CalibratedClassifierCV` gives
        them: per member, sigmoid of each class's decision value, normalised; then averaged."""
        out = np.zeros((len(features), len(self.classes)))
        for coefficients, intercepts, positions, sigmoids in self._models:
            decision = np.array([f.values @ coefficients[f.indices] for f in features])
            decision = decision.reshape(len(features), -1) + intercepts
            proba = np.zeros_like(out)
            proba[:, positions] = 1.0 / (1.0 + np.exp(sigmoids[:, 0] * decision + sigmoids[:, 1]))
            total = proba.sum(axis=1, keepdims=True)
            uniform = np.full_like(proba, 1 / len(self.classes))
            proba = np.divide(proba, total, out=uniform, where=total != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            out += proba
        return out / len(self._models)


class _LowerWithoutAccents:
    """`strip_accents_unicode(text.lower())` as the vectorizer does it, but the combining marks
    are dropped by one `str.translate` instead of a test per character in Python."""

    def __init__(self) -> None:
        self._marks: dict[int, None] = {}
        self._seen: set[str] = set()

    def __call__(self, text: str) -> str:
        text = text.lower()
        if text.isascii():
            return text
        normalized = unicodedata.normalize("NFKD", text)
        new = set(normalized).difference(self._seen)
        if new:
            self._marks.update((ord(c), None) for c in new if unicodedata.combining(c))
            self._seen |= new
        return normalized.translate(self._marks)


def _tfidf(columns: np.ndarray, idf: np.ndarray, split: int) -> tuple[np.ndarray, np.ndarray]:
    """Sublinear tf times idf in ascending column order, l2-normed on each side of `split`
    (words, then character n-grams), as the two `TfidfVectorizer`s give them."""
    if not len(columns):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    columns.sort()
    first = np.empty(len(columns), dtype=bool)
    first[0] = True
    np.not_equal(columns[1:], columns[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    index = columns[starts]
    count = np.empty(len(starts), dtype=np.int64)
    count[:-1] = starts[1:] - starts[:-1]
    count[-1] = len(columns) - starts[-1]
    value = (np.log(count) + 1.0) * idf[index]
    middle = int(np.searchsorted(index, split))
    for block in (value[:middle], value[middle:]):  # views: normed in place
        norm = np.sqrt(np.dot(block, block))
        if norm:
            block /= norm
    return index, value
