"""Officers' labels as training data: retraining from them, and the model's versions."""

from __future__ import annotations

import logging
from pathlib import Path

import intake
from casework.triage import (
    FLAG_WORDS,
    KIND_WORDS,
    LABEL_KINDS,
    Decided,
    LabelRefused,
    Waiting,
    decide,
    waiting,
)
from classify import LabelledMessage, load_corpus
from klachtenbus.errors import KlachtenbusError, MessageUnparseable
from klachtenbus.vocabulary import Flag, Kind
from office import Office
from office.detection import train_and_record
from rules import RuleSet
from storage import ModelVersion, Store, StoredMessage, records

log = logging.getLogger(__name__)

# The decisions themselves moved to `casework.triage`, which the web app and the command line
# share; these names stay for the callers that knew them here.
__all__ = [
    "FLAG_WORDS",
    "KIND_WORDS",
    "LABEL_KINDS",
    "Decided",
    "LabelRefused",
    "Waiting",
    "label",
    "labelled_messages",
    "promote",
    "retrain",
    "rollback",
    "triage",
    "versions",
]


def triage(store: Store, limit: int = 200) -> list[Waiting]:
    """What the bot was unsure about and no officer has decided yet (`casework.triage.waiting`)."""
    return waiting(store, limit)


def label(
    store: Store,
    reference: str,
    kind: str,
    *,
    flags: list[str],
    officer: str,
    note: str | None = None,
    office: Office | None = None,
) -> Decided:
    """An officer's decision on a message (`casework.triage.decide`)."""
    return decide(store, reference, kind, flags=flags, officer=officer, note=note, office=office)


def labelled_messages(store: Store) -> list[LabelledMessage]:
    """Officers' labels as training examples, read from the stored raw messages."""
    out = []
    with store.unit_of_work() as session:
        for decision, message in records.latest_labels(session):
            out.append(_example(decision.kind, decision.flags or [], message))
    return [e for e in out if e is not None]


def _example(kind: str, flags: list[str], message: StoredMessage) -> LabelledMessage | None:
    try:
        parsed = intake.parse(records.raw_bytes(message), received_at=message.received_at)
    except MessageUnparseable:
        return None
    return LabelledMessage(
        id=f"label-{message.id}",
        kind=Kind(kind),
        subject=parsed.subject,
        body=parsed.text,
        flags=frozenset(Flag(f) for f in flags),
        headers=parsed.headers,
    )


def retrain(store: Store, rules: RuleSet, model_dir: Path) -> tuple[int, int]:
    """A new model version from the shipped corpus plus every officer label; it becomes active.

    Returns (corpus examples, officer labels).
    """
    corpus = load_corpus()
    labels = labelled_messages(store)
    train_and_record(store, rules, model_dir, corpus + labels)
    return len(corpus), len(labels)


def versions(store: Store) -> list[ModelVersion]:
    with store.unit_of_work() as session:
        return records.model_versions(session)


def promote(store: Store, version_id: int) -> None:
    with store.unit_of_work() as session:
        if records.activate_model(session, version_id) is None:
            raise KlachtenbusError(
                f"Modelversie {version_id} bestaat niet; zie `klachtenbus model list`."
            )


def rollback(store: Store) -> int:
    """Back to the version before the active one. Returns its number."""
    with store.unit_of_work() as session:
        all_versions = records.model_versions(session)
        active = next((m for m in reversed(all_versions) if m.active), None)
        older = [m for m in all_versions if active is not None and m.id < active.id]
        if not older:
            raise KlachtenbusError("Er is geen eerdere modelversie om naar terug te gaan.")
        records.activate_model(session, older[-1].id)
        log.info("Model terug naar versie %s (was %s).", older[-1].id, active.id if active else "-")
        return older[-1].id
