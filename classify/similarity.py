"""Texts compared as the classifier reads them: cosine similarity of the model's own TF-IDF
vectors (words and word pairs, and character n-grams, with its vocabularies and idf weights;
the rule markers left out).

The character n-grams let "genegeerd" meet "negeren" (on two child-care complaints the
cosine is 0.47 with them and 0.28 on words alone; unrelated ones stay under 0.1), at about
six times the non-zero values: a 500-character complaint holds some 670, 5 kB as float32,
so 10,000 cases take about 55 MB. The vectors are kept as one sparse matrix (by column: a
query touches only its own columns); a query is one sparse matrix-vector product.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from classify.detector import Detector
    from classify.scoring import Features


@dataclass(frozen=True)
class Match:
    key: int
    similarity: float  # cosine, 0 to 1


class TextIndex:
    """Vectors of many texts under integer keys, added to as texts arrive; safe across threads."""

    def __init__(self, detector: Detector) -> None:
        self.detector = detector
        self._keys: list[int] = []
        self._rows: list[Any] = []  # scipy.sparse CSR blocks, stacked lazily
        self._matrix: Any = None
        self._lock = threading.Lock()

    @property
    def last_key(self) -> int:
        return self._keys[-1] if self._keys else 0

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, keys: Sequence[int], texts: Sequence[str]) -> None:
        """Texts in ascending key order, after every key already added."""
        if not keys:
            return
        block = _csr(self.detector.text_vectors(texts), self.detector.text_width)
        with self._lock:
            self._keys.extend(keys)
            self._rows.append(block)
            self._matrix = None

    def vector(self, text: str) -> Features:
        return self.detector.text_vectors([text])[0]

    def most_similar(
        self, query: Features, *, limit: int, below: int | None = None, minimum: float = 0.05
    ) -> list[Match]:
        """The closest texts to `query`, best first; only keys under `below` when given."""
        if not len(query.indices):
            return []
        matrix, keys = self._stacked()
        if matrix is None:
            return []
        scores = (matrix[:, query.indices] @ query.values) / _norm(query)
        if below is not None:
            scores[keys >= below] = 0.0
        order = np.argsort(-scores, kind="stable")[:limit]
        return [Match(int(keys[i]), float(scores[i])) for i in order if scores[i] >= minimum]

    def _stacked(self) -> tuple[Any, np.ndarray]:
        from scipy import sparse

        with self._lock:
            if self._matrix is None and self._rows:
                self._matrix = sparse.vstack(self._rows, format="csc")  # columns: a query's words
                self._rows = [self._matrix]
            return self._matrix, np.asarray(self._keys)


def _norm(vector: Features) -> float:
    """Two l2-normed blocks make a norm of √2 (one, for a text of one block only)."""
    return float(np.sqrt(np.dot(vector.values, vector.values))) or 1.0


def _csr(vectors: list[Features], width: int) -> Any:
    """Rows scaled to unit length, so a product with a unit query is the cosine."""
    from scipy import sparse

    indptr = np.zeros(len(vectors) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(v.indices) for v in vectors])
    indices = np.concatenate([v.indices for v in vectors]) if vectors else np.zeros(0)
    values = np.concatenate([v.values / _norm(v) for v in vectors]) if vectors else np.zeros(0)
    return sparse.csr_matrix(
        (values.astype(np.float32), indices.astype(np.int32), indptr), shape=(len(vectors), width)
    )
