"""Officers' decisions: the triage queue, labels, and retraining from them.

Plain functions over the store, so the web triage queue can call the same ones later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import intake
from bot.detection import train_and_record
from classify import LabelledMessage, load_corpus
from klachtenbus.errors import KlachtenbusError, MessageUnparseable
from klachtenbus.vocabulary import Flag, Kind
from rules import RuleSet
from storage import ModelVersion, Store, StoredMessage, records

log = logging.getLogger(__name__)
LABEL_KINDS = (Kind.COMPLAINT, Kind.REMARK, Kind.OTHER)
# What an officer may type: the Dutch words the interface uses, and the English values.
KIND_WORDS: dict[str, Kind] = {k.value: k for k in LABEL_KINDS} | {
    "klacht": Kind.COMPLAINT,
    "opmerking": Kind.REMARK,
    "automatisch": Kind.OTHER,
}
FLAG_WORDS: dict[str, Flag] = {f.value: f for f in Flag} | {
    "intrekking": Flag.WITHDRAWAL,
    "beroep": Flag.APPEAL,
    "vervolg": Flag.FOLLOWUP,
}


class LabelRefused(KlachtenbusError):
    """A label could not be stored: the message reference or the kind is wrong."""


@dataclass(frozen=True)
class Waiting:
    """A message in the triage queue, as an officer sees it."""

    number: int
    received_at: datetime
    sender: str
    subject: str
    complaint_probability: float | None
    reasons: list[str]


def triage(store: Store, limit: int = 200) -> list[Waiting]:
    with store.unit_of_work() as session:
        return [
            Waiting(
                m.id,
                m.received_at,
                m.sender_email or "",
                m.subject or "",
                m.complaint_probability,
                m.reasons or [],
            )
            for m in records.triage_queue(session, limit)
        ]


def label(
    store: Store,
    reference: str,
    kind: str,
    *,
    flags: list[str],
    officer: str,
    note: str | None = None,
) -> int:
    """Store who decided what about a message, and when. Returns the message number."""
    decided = KIND_WORDS.get(kind.strip().lower())
    if decided is None:
        raise LabelRefused(
            f"Soort '{kind}' bestaat niet; kies klacht, opmerking of automatisch "
            "(of complaint, remark, other)."
        )
    unknown = [f for f in flags if f.strip().lower() not in FLAG_WORDS]
    if unknown:
        raise LabelRefused(
            f"Onbekende vlag(gen): {', '.join(unknown)}; kies uit meldcode, intrekking, beroep, "
            "vervolg (of withdrawal, appeal, followup)."
        )
    flags = [FLAG_WORDS[f.strip().lower()] for f in flags]
    if not officer.strip():
        raise LabelRefused("Zeg wie beslist: geef --door NAAM mee.")
    with store.unit_of_work() as session:
        message = records.find_message(session, reference)
        if message is None:
            raise LabelRefused(
                f"Bericht '{reference}' is niet gevonden; `klachtenbus triage` toont de nummers."
            )
        records.add_label(
            session,
            message,
            kind=str(decided),
            flags=sorted(set(flags)),
            officer=officer,
            note=note,
        )
        return message.id


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
