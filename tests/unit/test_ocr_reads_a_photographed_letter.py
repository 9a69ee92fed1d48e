"""With the ocr extra (`pip install klachtenbus[ocr]` and Debian's tesseract-ocr-nld) a photo
or scan of a Dutch letter is read and judged like a typed one. tests/run.sh installs both; in
CI a machine without them fails this test instead of skipping it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from intake.attachment_reader import read_attachments
from intake.attachment_text import AttachmentLimits, ocr_available
from tests.documents import judged, picture_of, scanned_pdf, with_attachments

LETTER = (
    "Geachte heer, mevrouw,\n"
    "Ik wil een klacht indienen over mijn begeleider.\n"
    "Hij is al drie keer niet gekomen en ik ben nooit teruggebeld.\n"
    "Toen ik belde werd ik afgesnauwd. Dit is onacceptabel.\n"
    "Met vriendelijke groet, Anna de Wit"
)


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    if not ocr_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Tesseract met Nederlands ontbreekt: draai bash tests/run.sh")
        pytest.skip("Tesseract met Nederlands is niet geïnstalleerd")


def test_a_photographed_letter_is_read() -> None:
    raw = with_attachments("", ("foto.png", "image/png", picture_of(LETTER)))

    [read] = read_attachments(raw, AttachmentLimits(seconds=30))

    assert read.note == "gelezen met tekstherkenning (OCR)"
    assert "afgesnauwd" in read.text and "onacceptabel" in read.text


def test_a_scanned_complaint_is_registered(trained_model: tuple[Path, str]) -> None:
    raw = with_attachments("Zie bijlage.", ("scan.pdf", "application/pdf", scanned_pdf(LETTER)))

    message, decision = judged(raw, trained_model, seconds=30)

    [read] = message.attachment_texts
    assert read.pages == 1 and "teruggebeld" in read.text
    assert decision.kind == "complaint"
    assert (
        "Tekst uit bijlage scan.pdf (1 pagina) meegewogen; gelezen met tekstherkenning (OCR)."
        in decision.reasons
    )
