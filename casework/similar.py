"""A case's similar earlier complaints, which the Flemish guide asks officers to check: the same
complainant's earlier cases, and the earlier cases whose description the classifier reads as
most alike (cosine over its own TF-IDF vectors, `classify.similarity`).

The vectors of every case are kept per process and per model version, and only new cases
are read on a later call: descriptions do not change once registered. The first call after
a start reads them all (about half a second for 10,000 cases).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from casework.cases import case_of
from classify.similarity import TextIndex
from klachtenbus.vocabulary import CaseStatus
from procedures.lifecycle import LABELS
from storage import Case, Store, casework, records

CHUNK = 2_000  # descriptions read and turned into vectors at a time


@dataclass(frozen=True)
class Similar:
    number: str
    subject: str
    status_label: str
    received_at: datetime
    similarity: float | None  # cosine 0-1; None for the same complainant's case found by address
    same_complainant: bool


@dataclass(frozen=True)
class SimilarCases:
    number: str
    same_complainant: list[Similar]
    similar_texts: list[Similar]
    model_missing: bool  # no trained model yet: only the same complainant's cases


_INDEXES: dict[str, TextIndex] = {}  # by the model file's sha256
_LOCK = threading.Lock()


def similar_cases(store: Store, number: str, limit: int = 5) -> SimilarCases:
    """The same complainant's earlier cases, and the `limit` earlier cases with the most
    similar description."""
    with store.unit_of_work() as session:
        case = case_of(session, number)
        case_id, description = case.id, case.description
        address = (case.complainant_email or "").lower()
        same = [_shown(c, None, True) for c in reversed(casework.earlier_cases(session, case))]
        model = records.active_model(session)
        found = (Path(model.path), model.sha256) if model is not None else None
    if found is None:
        return SimilarCases(number, same, [], model_missing=True)
    index = _index(store, *found)
    matches = index.most_similar(index.vector(description), limit=limit, below=case_id)
    if not matches:
        return SimilarCases(number, same, [], model_missing=False)
    with store.unit_of_work() as session:
        rows = {
            c.id: c
            for c in session.scalars(select(Case).where(Case.id.in_([m.key for m in matches])))
        }
        texts = [
            _shown(
                rows[m.key],
                m.similarity,
                bool(address) and (rows[m.key].complainant_email or "").lower() == address,
            )
            for m in matches
            if m.key in rows
        ]
    return SimilarCases(number, same, texts, model_missing=False)


def _index(store: Store, path: Path, sha256: str) -> TextIndex:
    """The vectors of every case for this model, brought up to date with new cases."""
    with _LOCK:
        index = _INDEXES.get(sha256)
        if index is None:
            from classify.detector import load

            _INDEXES.clear()  # an older model's vectors are of no use any more
            index = _INDEXES[sha256] = TextIndex(load(path, sha256))
        while True:
            with store.unit_of_work() as session:
                rows = session.execute(
                    select(Case.id, Case.description)
                    .where(Case.id > index.last_key)
                    .order_by(Case.id)
                    .limit(CHUNK)
                ).all()
            index.add([r.id for r in rows], [r.description or "" for r in rows])
            if len(rows) < CHUNK:
                return index


def _shown(case: Case, similarity: float | None, same: bool) -> Similar:
    return Similar(
        number=case.number,
        subject=case.subject,
        status_label=LABELS[CaseStatus(case.status)],
        received_at=case.received_at,
        similarity=similarity,
        same_complainant=same,
    )
