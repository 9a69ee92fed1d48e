"""The fitted pipeline read out into plain arrays, to score messages without scikit-learn.

`Pipeline.predict_proba` checks its input in each of the three feature pipelines and in the
calibrator on every call: about 4 ms, whatever the number of messages. Scoring here uses the
same fitted vocabularies, idf weights, coefficients and calibrators, so it gives the same
probabilities (the tests compare them), in a fraction of the time for one message and faster
in batches too: a word's character n-grams are looked up once and remembered.

The read-out `Tables` hold only dictionaries, numbers and numpy arrays, and the model file
keeps them apart from the pipeline: a process that only scores (the poller's helper) loads
them without importing scikit-learn and scipy, which took longer than the loading itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from classify.sample import CLASSIFIED_CHARACTERS, Sample

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

# Words remembered with their character n-grams; a mail's vocabulary is Zipfian, so a few ten
# thousand words cover almost everything. Past this the memory is cleared and refilled.
_WORD_CACHE_SIZE = 50_000

# The default token pattern finds the same tokens: a greedy run of word characters ends at a
# word edge, and the scan only starts a match after one; without the leading `\b` the search
# skips ahead to word characters instead of trying every position.
_DEFAULT_WORDS = r"(?u)\b\w\w+\b"
_TOKENS = re.compile(r"\w\w+")


@dataclass(frozen=True)
class Member:
    """One calibrated classifier: coefficients as (features, classes) rows to gather, the
    intercepts, each decision column's class position, and its sigmoid (a, b) per column."""

    coefficients: np.ndarray
    intercepts: np.ndarray
    positions: np.ndarray
    sigmoids: np.ndarray


@dataclass(frozen=True)
class Tables:
    """What scoring needs of a fitted pipeline: words and word pairs (accents stripped,
    lower case), padded character n-grams of each word, and the marker names, with the
    columns and idf weights the pipeline gave them."""

    classes: tuple[str, ...]
    characters: int  # how much of the text the model reads
    word_vocabulary: dict[str, int]
    char_vocabulary: dict[str, int]
    char_sizes: tuple[int, int]  # the smallest and the largest n-gram
    idf: np.ndarray  # by the union's column: words, then character n-grams
    marker_vocabulary: dict[str, int]
    members: tuple[Member, ...]

    def to_plain(self) -> dict[str, Any]:
        """Builtins and arrays only, so that loading them imports nothing of scikit-learn."""
        plain = {f.name: getattr(self, f.name) for f in fields(self)}
        plain["members"] = [{f.name: getattr(m, f.name) for f in fields(m)} for m in self.members]
        return plain

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> Tables:
        members = tuple(Member(**m) for m in plain["members"])
        return cls(**{**plain, "members": members})

    @property
    def feature_count(self) -> int:
        return len(self.word_vocabulary) + len(self.char_vocabulary) + len(self.marker_vocabulary)

    def feature_names(self) -> tuple[np.ndarray, np.ndarray]:
        """Each column's name, as `get_feature_names_out` gives them, and its block (0 words,
        1 character n-grams, 2 markers)."""
        names = np.empty(self.feature_count, dtype=object)
        block = np.empty(self.feature_count, dtype=np.int8)
        offset = 0
        for i, vocabulary in enumerate(
            (self.word_vocabulary, self.char_vocabulary, self.marker_vocabulary)
        ):
            for name, column in vocabulary.items():
                names[offset + column] = name
            block[offset : offset + len(vocabulary)] = i
            offset += len(vocabulary)
        return names, block


def read_out(pipeline: Pipeline) -> Tables:
    """The tables of a pipeline built by `classify.model.build_pipeline`; `TypeError` for
    any other shape, which is then scored by scikit-learn itself."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer

    union = pipeline.named_steps["features"]
    words, chars, markers = (sub.steps[-1][1] for _, sub in union.transformer_list)
    if not (
        isinstance(words, TfidfVectorizer)
        and isinstance(chars, TfidfVectorizer)
        and isinstance(markers, DictVectorizer)
    ):
        raise TypeError("the pipeline is not words + character n-grams + markers")
    for vectorizer in (words, chars):
        if not vectorizer.sublinear_tf or vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise TypeError("the text features are not sublinear, idf-weighted, l2-normed")
        if vectorizer.preprocessor is not None or vectorizer.tokenizer is not None:
            raise TypeError("the text features have their own preprocessor or tokenizer")
    if not (
        words.analyzer == "word"
        and words.ngram_range == (1, 2)
        and words.get_stop_words() is None
        and words.lowercase
        and words.strip_accents == "unicode"
        and words.token_pattern == _DEFAULT_WORDS
    ):
        raise TypeError("the word features are not accent-free lower-case words and pairs")
    if not (chars.analyzer == "char_wb" and chars.lowercase and chars.strip_accents is None):
        raise TypeError("the character features are not lower-case n-grams within words")

    calibrated: CalibratedClassifierCV = pipeline.named_steps["model"]
    classes = tuple(str(c) for c in calibrated.classes_)
    if len(classes) < 3:
        raise TypeError("two classes give one decision column: not read out here")
    members = []
    for member in calibrated.calibrated_classifiers_:
        if member.method != "sigmoid":
            raise TypeError(f"calibration {member.method!r} is not sigmoid")
        linear = member.estimator
        members.append(
            Member(
                coefficients=np.ascontiguousarray(linear.coef_.T, dtype=np.float64),
                intercepts=np.asarray(linear.intercept_, dtype=np.float64),
                positions=np.searchsorted(np.sort(member.classes), linear.classes_),
                sigmoids=np.array([(c.a_, c.b_) for c in member.calibrators], dtype=np.float64),
            )
        )
    return Tables(
        classes=classes,
        characters=CLASSIFIED_CHARACTERS,
        word_vocabulary={str(k): int(v) for k, v in words.vocabulary_.items()},
        char_vocabulary={str(k): int(v) for k, v in chars.vocabulary_.items()},
        char_sizes=(int(chars.ngram_range[0]), int(chars.ngram_range[1])),
        idf=np.concatenate([words.idf_, chars.idf_]).astype(np.float64),
        marker_vocabulary={str(k): int(v) for k, v in markers.vocabulary_.items()},
        members=tuple(members),
    )


@dataclass(frozen=True)
class Features:
    """One message's non-zero feature columns (ascending) and their values, as the pipeline's
    `FeatureUnion` would give them."""

    indices: np.ndarray
    values: np.ndarray


class Scorer:
    """Features and calibrated probabilities from a fitted pipeline's read-out tables."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.classes = tables.classes
        self._characters = tables.characters
        self._word_vocabulary = tables.word_vocabulary
        self._char_vocabulary = tables.char_vocabulary
        self._char_sizes = range(tables.char_sizes[0], tables.char_sizes[1] + 1)
        self._char_offset = len(tables.word_vocabulary)
        self._idf = tables.idf
        self._marker_vocabulary = tables.marker_vocabulary
        self._marker_offset = self._char_offset + len(tables.char_vocabulary)
        self._marker_columns: dict[frozenset[str], np.ndarray] = {}  # a few dozen combinations
        self._word_ngrams: dict[str, np.ndarray] = {}
        self._word_preprocess = _LowerWithoutAccents()

    def features(self, samples: Sequence[Sample]) -> list[Features]:
        return [self._features(s.text[: self._characters], s.markers) for s in samples]

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

    def word_vector(self, text: str) -> Features:
        """The text's words and word pairs as the model weighs them: its vocabulary, its idf,
        sublinear tf, l2-normed; the part of `features` that says what the text is about."""
        index, value = _tfidf(
            self._word_columns(text[: self._characters]), self._idf, self._char_offset
        )
        return Features(index, value)

    def _word_columns(self, text: str) -> np.ndarray:
        """The vocabulary columns of the text's words and word pairs, with repeats."""
        get = self._word_vocabulary.get
        tokens = _TOKENS.findall(self._word_preprocess(text))
        grams = [*tokens, *map(" ".join, pairwise(tokens))]
        return np.array([c for c in map(get, grams) if c is not None], dtype=np.int64)

    def _words(self, text: str) -> list[str]:
        """The text as `char_wb` splits it into words, after its lower-casing (its folding of
        whitespace runs into one space changes nothing that `split` sees)."""
        return text.lower().split()

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
        for m in self.tables.members:
            decision = np.array([f.values @ m.coefficients[f.indices] for f in features])
            decision = decision.reshape(len(features), -1) + m.intercepts
            proba = np.zeros_like(out)
            proba[:, m.positions] = 1.0 / (
                1.0 + np.exp(m.sigmoids[:, 0] * decision + m.sigmoids[:, 1])
            )
            total = proba.sum(axis=1, keepdims=True)
            uniform = np.full_like(proba, 1 / len(self.classes))
            proba = np.divide(proba, total, out=uniform, where=total != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            out += proba
        return out / len(self.tables.members)


class WordReader:
    """The words of a text as the word features read them: lower case, accents stripped,
    runs of two or more word characters."""

    def __init__(self) -> None:
        self._preprocess = _LowerWithoutAccents()

    def __call__(self, text: str) -> list[str]:
        return _TOKENS.findall(self._preprocess(text))


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
