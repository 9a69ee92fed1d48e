"""Officers' decisions: the triage queue, labels, and retraining from them.

Plain functions over the store, so the web triage queue can call the same ones later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

import intake
from classify import LabelledMessage, load_corpus
from klachtenbus.errors import KlachtenbusError, MessageUnparseable
from klachtenbus.vocabulary import Flag, Kind
from office import Office
from office.detection import train_and_record
from office.registering import Complaint, Registrar
from rules import RuleSet
from storage import ModelVersion, Store, StoredMessage, casework, records

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


@dataclass(frozen=True)
class Decided:
    """What an officer's decision did: the message, the case it registered (a complaint that
    had none), and the colleagues who decided otherwise before (kept beside it, not over it)."""

    number: int
    case_number: str | None = None
    earlier: tuple[tuple[str, str], ...] = ()  # (officer, kind) of earlier, different labels


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
    """Store who decided what about a message, and when.

    With an `office`, a message decided to be a complaint that is no case yet is registered
    in the same transaction, and its acknowledgement queued as for one the bot registered:
    an officer's "this is a complaint" must start the legal term, not only teach the model.
    """
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
        earlier = tuple(
            (other.officer, other.kind)
            for other in records.labels_of(session, message.id)
            if other.kind != decided
        )
        records.add_label(
            session,
            message,
            kind=str(decided),
            flags=sorted(set(flags)),
            officer=officer,
            note=note,
        )
        number = None
        if decided == Kind.COMPLAINT and office is not None:
            number = _register(session, office, message, sorted(set(flags)), officer)
        return Decided(message.id, number, earlier)


def _register(
    session: Session, office: Office, message: StoredMessage, flags: list[str], officer: str
) -> str | None:
    """A case for a message an officer decided is a complaint, unless it has one already or
    joined one as correspondence; returns the new case number."""
    if records.case_or_correspondence_of(session, message.id):
        return None
    try:
        parsed = intake.parse(records.raw_bytes(message), received_at=message.received_at)
    except MessageUnparseable as exc:
        raise LabelRefused(
            f"Bericht {message.id} is onleesbaar ({exc}); registreer de klacht met de hand."
        ) from exc
    registrar = Registrar(
        office.organisation, office.procedure, office.calendar, office.auto_letter_pause
    )
    (number,) = registrar.register_many(session, [Complaint(message.id, parsed, flags)])
    case = casework.case_by_number(session, number)
    assert case is not None
    casework.add_event(
        session, case, actor=officer, kind="register",
        reason="door een behandelaar als klacht beoordeeld", details={"message": message.id},
    )  # fmt: skip
    log.info("Bericht %s door %s als klacht geregistreerd: %s", message.id, officer, number)
    return number


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
