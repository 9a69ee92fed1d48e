"""Officers' labels as training data. Retraining from them makes a candidate
(`casework.retraining`); the versions are `casework.model_versions`."""

from __future__ import annotations

import logging

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
from classify import LabelledMessage
from klachtenbus.errors import MessageUnparseable
from klachtenbus.vocabulary import Flag, Kind
from office import Office
from storage import Store, StoredMessage, records

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
    "triage",
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
