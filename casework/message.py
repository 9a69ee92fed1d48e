"""One message as an officer reads it: what it says (as text, never as the sender's HTML),
why the bot judged it so, what officers decided, and what belongs to it. Opening it is
recorded in the audit trail: the triage knows which new complaints nobody has looked at."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import classify
import intake
from casework.inbox import (
    STATUS_LABELS,
    Listed,
    Opinion,
    listed,
)
from intake.attachment_text import AttachmentLimits
from intake.attachments import attachment_content
from intake.sizes import MAX_MESSAGE_BYTES
from klachtenbus.errors import KlachtenbusError, MessageUnparseable, ModelError
from klachtenbus.mail import Attachment, AttachmentText, ParsedMessage
from klachtenbus.vocabulary import MessageStatus
from office import Office
from office.detection import attached_text, sample_of, with_attachment_texts
from rules import RuleSet, judge, load_rules, new_text
from storage import Store, StoredMessage, records
from storage import inbox as mail
from storage.accounts import add_audit, audit_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from classify.detector import Detector

log = logging.getLogger(__name__)
SHOWN_SOURCE = 50_000  # bytes of an unreadable message's source shown on its page
TOP_TERMS = 8

MARKER_LABELS = {
    "complaint-word": "klachtwoord (HSS-kenmerk 1)",
    "strong-wording": "krachtige bewoording (HSS-kenmerk 2)",
    "blame-act": "verwijt over handelen of nalaten (HSS-kenmerk 3)",
    "blame-behaviour": "verwijt over gedrag (HSS-kenmerk 4)",
    "exclusion": "uitzondering",
    "machine": "automatisch bericht",
    "meldcode": "meldcode-signaal",
    "withdrawal": "intrekking",
    "appeal": "beroep",
    "followup": "vervolg",
}
ACTION_LABELS = {
    "message.label": "beslissing",
    "message.attach": "bij een zaak gevoegd",
    "message.meldcode": "meldcode-signaal doorgegeven",
    "message.assign": "toegewezen",
    "message.download": "bijlage of bron gedownload",
    "message.view": "geopend",
}


class MessageNotFound(KlachtenbusError):
    """No message with that number: the inbox lists every message with its number."""

    def __init__(self, number: int) -> None:
        super().__init__(f"Bericht {number} bestaat niet; de inbox toont alle berichten.")


class AttachmentNotFound(KlachtenbusError):
    """The message has no such attachment (any more)."""


@dataclass(frozen=True)
class Hit:
    """A rule that hit, as an officer reads it."""

    rule: str
    marker: str
    explanation: str
    words: str


@dataclass(frozen=True)
class File:
    index: int
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Entry:
    """A line of the message's history (the audit trail, views left out)."""

    at: datetime
    actor: str
    action: str
    details: str


@dataclass(frozen=True)
class Alert:
    recipient: str
    status: str
    at: datetime


@dataclass(frozen=True)
class Explanation:
    """Why the bot judged the message so: the rules that hit now, and the active model's
    probability and weightiest words for it."""

    hits: list[Hit]
    cancelled: list[Hit]
    machine: list[str]
    probability: float | None = None
    top_terms: tuple[str, ...] = ()
    note: str | None = None  # why something is missing (no model, unreadable)


@dataclass(frozen=True)
class MessagePage:
    message: Listed
    sender_name: str
    sender_email: str
    answer_email: str
    recipients: tuple[str, ...]
    date_header: datetime | None
    status_label: str
    error: str | None
    text: str  # the sender's new text
    full_text: str | None  # the whole text, when it quotes earlier mail
    source: str | None  # the raw source of a message no parser could read
    attachments: list[File]
    attachment_texts: tuple[AttachmentText, ...]  # what the bot read in them, per attachment
    reasons: list[str]  # what the bot wrote down when it judged the message
    explanation: Explanation
    case_number: str | None
    is_complaint_of_case: bool
    earlier: list[Listed]
    opinions: list[Opinion]
    disagreement: bool
    assigned_to: str | None
    alerts: list[Alert]
    history: list[Entry]


def read_message(
    store: Store,
    office: Office,
    number: int,
    *,
    reader: str,
    rules_file: Path | None = None,
    attachment_limits: AttachmentLimits | None = None,
) -> MessagePage:
    """A message's page; the reader's opening it is audited in the same transaction."""
    with store.unit_of_work() as session:
        message = session.get(StoredMessage, number)
        if message is None:
            raise MessageNotFound(number)
        parsed, problem = _parsed(message, attachment_limits or AttachmentLimits())
        subject = mail.subject_of(number)
        page = _page(session, message, parsed, problem, rules_file)
        add_audit(session, actor=reader, action=mail.VIEWED, subject=subject)
        return page


def _page(
    session: Session,
    message: StoredMessage,
    parsed: ParsedMessage | None,
    problem: str | None,
    rules_file: Path | None,
) -> MessagePage:
    number = message.id
    (row,) = mail.rows_of(session, [number])
    labels = records.labels_of(session, number)
    found = mail.case_of(session, number)
    case, own = found if found else (None, False)
    # a message quarantined for another reason than its form is read again for its text
    text = message.text or (parsed.text if parsed else "")
    fresh = new_text(text) if text else ""
    return MessagePage(
        message=listed(row),
        sender_name=message.sender_name or "",
        sender_email=message.sender_email or "",
        answer_email=message.answer_email or "",
        recipients=tuple(str(a) for a in parsed.recipients) if parsed else (),
        date_header=message.date_header,
        status_label=STATUS_LABELS.get(MessageStatus(message.status), message.status),
        error=message.error,
        text=fresh,
        full_text=text if text.strip() != fresh.strip() else None,
        source=_source(message) if parsed is None else None,
        attachments=[
            File(
                i, a.get("name") or f"bijlage-{i}", a.get("content_type") or "", a.get("size") or 0
            )
            for i, a in enumerate(message.attachments or [])
        ],
        attachment_texts=parsed.attachment_texts if parsed else (),
        reasons=list(message.reasons or []),
        explanation=_explain(session, parsed, problem, rules_file),
        case_number=case.number if case else None,
        is_complaint_of_case=own,
        earlier=[listed(r) for r in mail.earlier_from(session, message.sender_email, number)]
        if message.sender_email
        else [],
        opinions=[Opinion(x.officer, x.kind, x.labelled_at, x.note) for x in labels],
        disagreement=mail.differ(labels),
        assigned_to=mail.assignments(session, [number]).get(number),
        alerts=[
            Alert(x.recipient or "", x.status, x.created_at)
            for x in mail.alerts_of(session, number, case.id if case else None)
        ],
        history=[
            Entry(e.at, e.actor, ACTION_LABELS.get(e.action, e.action), _details(e.after))
            for e in audit_of(session, mail.subject_of(number))
            if e.action != mail.VIEWED
        ],
    )


def _parsed(
    message: StoredMessage, limits: AttachmentLimits
) -> tuple[ParsedMessage | None, str | None]:
    """The message as the bot read it, its attachments' text included (read again, within
    the same limits, rather than stored: the raw message is the one copy kept)."""
    raw = records.raw_bytes(message)
    try:
        parsed = intake.parse(raw, received_at=message.received_at)
    except MessageUnparseable as exc:
        return None, str(exc)
    if len(raw) > MAX_MESSAGE_BYTES:
        return parsed, None  # judged on its text only, so shown so
    return with_attachment_texts(parsed, raw, limits), None


def _source(message: StoredMessage) -> str:
    """The start of an unreadable message's bytes, as text: shown escaped, never run."""
    raw = records.raw_bytes(message)[:SHOWN_SOURCE]
    return raw.decode("utf-8", "replace")


def _details(after: dict[str, Any] | None) -> str:
    if not after:
        return ""
    return ", ".join(f"{k}: {v}" for k, v in after.items() if v not in (None, "", []))


def _explain(
    session: Session, parsed: ParsedMessage | None, problem: str | None, rules_file: Path | None
) -> Explanation:
    if parsed is None:
        return Explanation([], [], [], note=f"Niet te beoordelen: {problem}")
    verdict = judge(parsed, _rules(rules_file), attached_text(parsed))
    hits = [
        Hit(h.rule, MARKER_LABELS.get(h.marker.value, h.marker.value), h.explanation, h.excerpt)
        for h in verdict.hits + verdict.machine_hits
    ]
    cancelled = [
        Hit(h.rule, MARKER_LABELS.get(h.marker.value, h.marker.value), h.explanation, h.excerpt)
        for h in verdict.cancelled
    ]
    machine = [r for r in verdict.machine_reasons if r not in {h.explanation for h in hits}]
    try:
        detector = _detector(session)
    except ModelError as exc:
        return Explanation(hits, cancelled, machine, note=str(exc))
    if detector is None:
        return Explanation(
            hits, cancelled, machine, note="Er is geen actief model; draai klachtenbus init."
        )
    (assessment,) = detector.assess([sample_of(verdict)], top=TOP_TERMS)
    probability = next(
        (p for kind, p in assessment.probabilities.items() if kind == "complaint"), None
    )
    return Explanation(hits, cancelled, machine, probability, assessment.top_terms)


@lru_cache(maxsize=4)
def _rules(path: Path | None) -> RuleSet:
    return load_rules(path)


_models: dict[tuple[str, str], Detector] = {}
_models_lock = threading.Lock()


def _detector(session: Session) -> Detector | None:
    """The active model, loaded once per version (its file's sha256 checked on loading)."""
    model = records.active_model(session)
    if model is None:
        return None
    key = (model.path, model.sha256)
    with _models_lock:
        if key not in _models:
            loaded = classify.load(Path(model.path), model.sha256)
            _models.clear()  # only the active one is kept
            _models[key] = loaded
        return _models[key]


# -- downloads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    name: str
    content: bytes


def attachment(store: Store, number: int, index: int, *, reader: str) -> Download:
    """An attachment's bytes, found again in the raw message; the download is audited."""
    with store.unit_of_work() as session:
        message = session.get(StoredMessage, number)
        if message is None:
            raise MessageNotFound(number)
        listed_files = message.attachments or []
        if not 0 <= index < len(listed_files):
            raise AttachmentNotFound(
                f"Bericht {number} heeft geen bijlage {index + 1}; zie de bijlagen op de "
                "pagina van het bericht."
            )
        recorded = listed_files[index]
        wanted = Attachment(
            name=recorded.get("name") or "",
            content_type=recorded.get("content_type") or "",
            size=recorded.get("size") or 0,
            sha256=recorded.get("sha256") or "",
        )
        content = attachment_content(records.raw_bytes(message), wanted)
        if content is None:
            raise AttachmentNotFound(
                f"Bijlage {index + 1} van bericht {number} is niet terug te vinden in het "
                "bewaarde bericht; download het hele bericht (de bron) en open het in een "
                "mailprogramma."
            )
        add_audit(
            session,
            actor=reader,
            action="message.download",
            subject=mail.subject_of(number),
            after={"bijlage": wanted.name or f"bijlage {index + 1}"},
        )
        return Download(wanted.name or f"bijlage-{number}-{index + 1}", content)


def original(store: Store, number: int, *, reader: str) -> Download:
    """The message exactly as it arrived (for a mail program); the download is audited."""
    with store.unit_of_work() as session:
        message = session.get(StoredMessage, number)
        if message is None:
            raise MessageNotFound(number)
        add_audit(
            session,
            actor=reader,
            action="message.download",
            subject=mail.subject_of(number),
            after={"bijlage": "het hele bericht (bron)"},
        )
        return Download(f"bericht-{number}.eml", records.raw_bytes(message))
