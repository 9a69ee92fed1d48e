"""Detection wired: the rules judge, the classifier weighs, `classify.decide` concludes."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import classify
from classify import Decision, LabelledMessage, RuleFinding, Sample, Thresholds
from intake import ParsedMessage
from intake.attachment_reader import needs_reading, read_attachments
from intake.attachment_text import AttachmentLimits, reason_lines
from intake.sizes import MAX_MESSAGE_BYTES
from klachtenbus.vocabulary import Kind
from rules import Marker, RuleSet, Verdict, judge, load_rules, new_text
from rules.judge import JUDGED_CHARACTERS

if TYPE_CHECKING:
    from classify.detector import Assessment, Detector
    from storage import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Detection:
    """Everything detection needs, loaded once per process."""

    rules: RuleSet
    detector: Detector  # classify.detector.Detector, imported on first use
    thresholds: Thresholds
    max_message_bytes: int = MAX_MESSAGE_BYTES  # larger: judged on headers and text only
    attachment_limits: AttachmentLimits = field(default_factory=AttachmentLimits)
    model_version: int | None = None  # named among the reasons, so an officer sees which

    def decide(self, message: ParsedMessage) -> Decision:
        return self.decide_many([message])[0]

    def decide_many(self, messages: list[ParsedMessage]) -> list[Decision]:
        """Judge a batch: the classifier is far cheaper per message on many at once."""
        verdicts = [judge(m, self.rules, attached_text(m)) for m in messages]
        assessments = self.detector.assess([sample_of(v) for v in verdicts])
        decisions = [
            unread_content_to_officer(
                message,
                verdict,
                decision_of(
                    verdict,
                    assessment,
                    self.thresholds,
                    reasons=tuple(verdict.reasons) + reason_lines(message.attachment_texts),
                ),
            )
            for message, verdict, assessment in zip(messages, verdicts, assessments, strict=True)
        ]
        if self.model_version is None:
            return decisions
        named = f"Beoordeeld door modelversie {self.model_version}"
        return [replace(d, reasons=(*d.reasons, named)) for d in decisions]


def decision_of(
    verdict: Verdict,
    assessment: Assessment,
    thresholds: Thresholds,
    *,
    reasons: tuple[str, ...] = (),
) -> Decision:
    """What the rules' verdict and the model's assessment conclude together: one place, so
    that the worker, `evaluate` and the comparison of a candidate model judge alike."""
    return classify.decide(
        assessment.probabilities,
        machine_reasons=verdict.machine_reasons,
        machine_by_header=verdict.machine_by_header,
        hss_marker_count=len(verdict.hss_markers),
        flags=verdict.flags,
        rule_reasons=reasons,
        top_terms=assessment.top_terms,
        thresholds=thresholds,
        rule_hits=findings_of(verdict),
        explained_away=verdict.explained_away,
        known_words=assessment.known_words,
    )


def with_attachment_texts(
    message: ParsedMessage, raw: bytes, limits: AttachmentLimits
) -> ParsedMessage:
    """The message with its attachments' text, read in a child process within `limits` (a
    message of body text alone costs one look at its parts' types). Where the worker prepares
    a message for judging, and where an officer's page shows what the bot read."""
    if not message.attachments and not needs_reading(message.parts):
        return message
    try:
        texts = read_attachments(raw, limits)
    except Exception as exc:  # the reader itself failed (no fork possible): judged without
        log.warning("Bijlagen niet gelezen: %r", exc)
        return message
    return replace(message, attachment_texts=texts)


def attached_text(message: ParsedMessage) -> str:
    """The attachments' text as rules and model read it after the body (without their names:
    the model learnt from letters, not from file names)."""
    return "\n\n".join(t.text.strip() for t in message.attachment_texts if t.text.strip())


# A body this short says no more than "zie bijlage" and a greeting: the attachment is the message.
SHORT_BODY = 200


def unread_content_to_officer(
    message: ParsedMessage, verdict: Verdict, decision: Decision
) -> Decision:
    """A person's message whose content is an attachment that could not be read (a scan or
    photo without OCR, an encrypted or broken file) is never filed as a remark or machine
    mail: an officer reads it."""
    if decision.kind not in (Kind.REMARK, Kind.OTHER) or verdict.machine_reasons:
        return decision
    texts = message.attachment_texts
    if not texts or any(t.text.strip() for t in texts):
        return decision
    if len(new_text(message.text[:JUDGED_CHARACTERS])) > SHORT_BODY:
        return decision
    unread = ", ".join(f"{t.name} ({t.note})" for t in texts if t.note)
    reason = (
        f"De inhoud staat in een bijlage die niet gelezen kon worden: {unread}. "
        "Een medewerker beoordeelt dit bericht."
    )
    return replace(decision, kind=Kind.UNCERTAIN, reasons=(*decision.reasons, reason))


def findings_of(verdict: Verdict) -> tuple[RuleFinding, ...]:
    """The rule hits as the decision carries them, machine-mail rules included."""
    return tuple(
        RuleFinding(h.rule, h.marker.value, h.explanation, h.excerpt)
        for h in verdict.hits + verdict.machine_hits
    )


def sample_of(verdict: Verdict) -> Sample:
    """The classifier reads the judged text plus which markers hit (and which were cancelled)."""
    markers = {f"hit:{h.marker.value}" for h in verdict.hits}
    markers |= {f"cancelled:{h.marker.value}" for h in verdict.cancelled}
    if verdict.machine_reasons:
        markers.add(f"hit:{Marker.MACHINE.value}")
    return Sample(text=verdict.judged_text, markers=frozenset(markers))


def as_message(example: LabelledMessage) -> ParsedMessage:
    """A corpus entry dressed as a parsed message, so training sees what production sees."""
    headers = {k.lower(): v for k, v in example.headers.items()}
    content_type = headers.get("content-type", "text/plain").split(";", 1)[0].strip().lower()
    return ParsedMessage(
        sender=None,
        reply_to=None,
        recipients=(),
        subject=example.subject,
        date=None,
        received_at=datetime.now(UTC),
        message_id=None,
        in_reply_to=None,
        references=(),
        text=example.body,
        headers=headers,
        content_type=content_type,
        parts=(content_type,),
    )


def training_set(rules: RuleSet, corpus: list[LabelledMessage]) -> tuple[list[Sample], list[Kind]]:
    samples = [sample_of(judge(as_message(e), rules)) for e in corpus]
    return samples, [e.kind for e in corpus]


def corpus_hash(corpus: list[LabelledMessage]) -> str:
    digest = hashlib.sha256()
    for e in corpus:
        digest.update(json.dumps([e.id, e.kind, e.subject, e.body], ensure_ascii=False).encode())
    return digest.hexdigest()


def train_and_record(
    store: Store, rules: RuleSet, model_dir: Path, corpus: list[LabelledMessage] | None = None
) -> Detector:
    """Train (by default on the shipped corpus), write the model file, record its hash as the
    active model version."""
    from storage import records

    corpus = corpus if corpus is not None else classify.load_corpus()
    samples, labels = training_set(rules, corpus)
    detector = classify.train(samples, labels)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = model_dir.resolve() / f"model-{stamp}.pkl.z"
    sha = classify.save(detector, path)
    with store.unit_of_work() as session:
        records.add_model(
            session,
            path=str(path),
            sha256=sha,
            data_sha256=corpus_hash(corpus),
            samples=len(corpus),
        )
    log.info("Model getraind op %d berichten: %s", len(corpus), path)
    return detector


def active_model_file(store: Store) -> tuple[Path, str] | None:
    """The active model's file and the sha256 it must have."""
    found = active_model(store)
    return (found[1], found[2]) if found is not None else None


def active_model(store: Store) -> tuple[int, Path, str] | None:
    """The active model version's number, its file and the sha256 that file must have."""
    from storage import records

    with store.unit_of_work() as session:
        model = records.active_model(session)
        return (model.id, Path(model.path), model.sha256) if model is not None else None


def load_detector(store: Store) -> Detector | None:
    found = active_model_file(store)
    return classify.load(*found) if found else None


@dataclass(frozen=True)
class DetectionRecipe:
    """How to build a Detection in another process: small, picklable, checked on load."""

    rules_file: Path | None
    model_file: Path
    model_sha256: str
    thresholds: Thresholds
    max_message_bytes: int = MAX_MESSAGE_BYTES
    attachment_limits: AttachmentLimits = field(default_factory=AttachmentLimits)
    model_version: int | None = None

    def build(self) -> Detection:
        return Detection(
            rules=load_rules(self.rules_file),
            detector=classify.load(self.model_file, self.model_sha256),
            thresholds=self.thresholds,
            max_message_bytes=self.max_message_bytes,
            attachment_limits=self.attachment_limits,
            model_version=self.model_version,
        )
