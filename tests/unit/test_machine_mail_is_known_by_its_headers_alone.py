"""Machine mail whose words read as a complaint is still machine mail when its headers or MIME
structure say so: an auto-reply that sends the complaint back, a bounce that returns one. The
same words without those headers are a complaint, so nothing but the headers decides here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.preparing import prepare
from classify import Thresholds
from klachtenbus.vocabulary import Kind
from office.detection import Detection, DetectionRecipe
from tests.builders import auto_reply_with_complaint_words, returned_complaint

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def detection(trained_model: tuple[Path, str]) -> Detection:
    return DetectionRecipe(None, trained_model[0], trained_model[1], Thresholds()).build()


def kind_of(detection: Detection, raw: bytes) -> tuple[Kind, tuple[str, ...]]:
    """As the worker judges: parsed, its attachments (an attached message too) read, judged."""
    [(_, decision)] = prepare(detection, [(raw, NOW)])
    return decision.kind, decision.reasons


def test_an_auto_reply_is_other_by_its_auto_submitted_header(detection: Detection) -> None:
    kind, reasons = kind_of(detection, auto_reply_with_complaint_words())
    assert kind == Kind.OTHER, reasons
    assert any("Auto-Submitted: auto-replied" in r for r in reasons)


def test_without_the_header_the_same_words_are_a_complaint(detection: Detection) -> None:
    """The control: the auto-reply's words alone make a complaint."""
    kind, reasons = kind_of(detection, auto_reply_with_complaint_words(auto_submitted=False))
    assert kind == Kind.COMPLAINT, reasons


def test_a_delivery_report_is_other_by_its_mime_structure(detection: Detection) -> None:
    kind, reasons = kind_of(detection, returned_complaint())
    assert kind == Kind.OTHER, reasons
    assert any("MIME-rapport" in r for r in reasons)


def test_the_same_parts_as_a_forward_are_a_complaint(detection: Detection) -> None:
    """The control: the returned complaint, forwarded as multipart/mixed, is a complaint."""
    kind, reasons = kind_of(detection, returned_complaint(report=False))
    assert kind == Kind.COMPLAINT, reasons
