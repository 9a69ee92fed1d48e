"""An attachment that cannot be read (locked with a password, broken, too large) is noted in
the reason, never fatal: the message is judged on what could be read."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from intake.attachment_reader import read_attachments
from intake.attachment_text import AttachmentLimits
from tests.documents import LETTER, docx, judged, pdf, with_attachments


def locked_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(LETTER))))
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_locked_with_a_password_is_noted() -> None:
    raw = with_attachments("Zie bijlage.", ("klacht.pdf", "application/pdf", locked_pdf("geheim")))

    [read] = read_attachments(raw, AttachmentLimits())

    assert read.text == "" and read.note == "versleuteld met een wachtwoord; niet te lezen"


def test_a_pdf_locked_only_against_editing_is_read() -> None:
    """Many PDFs carry an owner password alone: they open without one, and are read."""
    raw = with_attachments("Zie bijlage.", ("klacht.pdf", "application/pdf", locked_pdf("")))

    [read] = read_attachments(raw, AttachmentLimits())

    assert "afgesnauwd" in read.text


def test_a_password_protected_word_document_is_noted() -> None:
    """Word keeps a protected .docx in an OLE container instead of a zip."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    raw = with_attachments("Zie bijlage.", ("klacht.docx", "application/octet-stream", ole))

    [read] = read_attachments(raw, AttachmentLimits())

    assert read.note == "versleuteld met een wachtwoord; niet te lezen"


def test_broken_files_are_noted_and_the_rest_is_read() -> None:
    raw = with_attachments(
        "Zie bijlagen.",
        ("kapot.pdf", "application/pdf", pdf(LETTER)[:200]),
        ("kapot.docx", "application/octet-stream", docx(LETTER)[:3000]),
        ("kapot.dat", "application/ms-tnef", b"\x78\x9f\x3e\x22\x01"),
        ("klacht.pdf", "application/pdf", pdf(LETTER)),
    )

    *broken, letter = read_attachments(raw, AttachmentLimits())

    assert [b.text for b in broken] == ["", "", ""]
    assert all(b.note for b in broken), broken
    assert "afgesnauwd" in letter.text


def test_an_attachment_over_the_size_limit_is_not_read(trained_model: tuple[Path, str]) -> None:
    raw = with_attachments("Zie bijlage.", ("klacht.pdf", "application/pdf", pdf(LETTER)))

    message, decision = judged(raw, trained_model, max_bytes=500)

    [read] = message.attachment_texts
    assert read.text == "" and read.note.startswith("te groot om te lezen")
    assert any(r.startswith("Bijlage klacht.pdf niet gelezen: te groot") for r in decision.reasons)
