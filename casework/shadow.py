"""A candidate scoring live mail beside the active model, without acting on it.

The worker calls `score` after its polls: each message the active model judged since the
candidate went into the shadow is judged again by the candidate, with the same rules and
cut-offs, and both verdicts are kept (`shadow_scores`); the model page shows where they agree.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import intake
from classify import Thresholds
from klachtenbus.errors import MessageUnparseable, ModelError
from office.detection import Detection
from rules import RuleSet
from storage import ModelVersion, Store, lifecycle, records

if TYPE_CHECKING:
    from classify.detector import Detector

log = logging.getLogger(__name__)
BATCH = 200
UNREADABLE = "unreadable"  # the candidate's parser could not read it


@lru_cache(maxsize=2)
def _detector(path: str, sha256: str) -> Detector:
    """A candidate's model, loaded once (its sha256 checked first) while it is in the shadow."""
    import classify

    return classify.load(Path(path), sha256)


def score(store: Store, rules: RuleSet, thresholds: Thresholds, limit: int = 2000) -> int:
    """Judge the mail each shadowing candidate has not seen yet; returns how many verdicts."""
    with store.unit_of_work() as session:
        shadowing = [(v.id, v.path, v.sha256) for v in lifecycle.shadow_versions(session)]
    done = 0
    for version_id, path, sha256 in shadowing:
        try:
            detection = Detection(rules, _detector(path, sha256), thresholds)
        except ModelError as exc:
            log.error("Kandidaat %s kan niet meekijken: %s", version_id, exc)
            continue
        while done < limit:
            with store.unit_of_work() as session:
                version = session.get(ModelVersion, version_id)
                if version is None or version.shadow_since is None:
                    break
                rows = [
                    (m.id, m.received_at, records.raw_bytes(m), m.kind)
                    for m in lifecycle.unscored_for_shadow(session, version, BATCH)
                ]
            if not rows:
                break
            readable, scores = [], []
            for number, received_at, raw, active_kind in rows:
                try:
                    readable.append(
                        (number, active_kind, intake.parse(raw, received_at=received_at))
                    )
                except MessageUnparseable:  # recorded as seen, so it is not asked for again
                    scores.append(_score(version_id, number, UNREADABLE, 0.0, active_kind))
            decisions = detection.decide_many([m for _, _, m in readable]) if readable else []
            for (number, active_kind, _), decision in zip(readable, decisions, strict=True):
                scores.append(
                    _score(
                        version_id, number, str(decision.kind), decision.complaint_probability,
                        active_kind,
                    )
                )  # fmt: skip
            with store.unit_of_work() as session:
                lifecycle.add_shadow_scores(session, scores)
            done += len(scores)
    return done


def _score(
    version_id: int, number: int, kind: str, probability: float, active_kind: str | None
) -> dict[str, object]:
    return {
        "model_version_id": version_id,
        "message_row_id": number,
        "kind": kind,
        "complaint_probability": probability,
        "active_kind": active_kind,
    }
