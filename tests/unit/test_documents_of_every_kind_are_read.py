"""Letters arrive as PDF, Word, OpenDocument, RTF, plain text, HTML, an attached message, an
Outlook .msg, a winmail.dat from Outlook or inside a zip: each is read with its own library."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from intake.attachment_reader import read_attachments
from intake.attachment_text import AttachmentLimits
from tests.documents import (
    LETTER,
    docx,
    odt,
    outlook_msg,
    pdf,
    rtf,
    winmail_dat,
    with_attachments,
    zip_of,
)


def attached_message() -> bytes:
    inner = EmailMessage()
    inner["From"] = "anna.dewit@example.nl"
    inner["Subject"] = "Mijn klacht"
    inner.set_content(LETTER)
    return bytes(inner)


KINDS = {
    "pdf": ("klacht.pdf", "application/pdf", pdf(LETTER)),
    "docx": (
        "klacht.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx(LETTER),
    ),
    "odt": ("klacht.odt", "application/vnd.oasis.opendocument.text", odt(LETTER)),
    "rtf": ("klacht.rtf", "application/rtf", rtf(LETTER)),
    "txt": ("klacht.txt", "text/plain", LETTER.encode("utf-8")),
    "html": ("klacht.html", "text/html", f"<p>{LETTER}</p>".encode()),
    "eml": ("klacht.eml", "application/octet-stream", attached_message()),
    "winmail.dat": ("winmail.dat", "application/ms-tnef", winmail_dat(LETTER)),
    "msg": ("klacht.msg", "application/vnd.ms-outlook", outlook_msg("Mijn klacht", LETTER)),
    "unnamed pdf": ("", "application/octet-stream", pdf(LETTER)),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_letter_is_read_from(kind: str) -> None:
    raw = with_attachments("Zie bijlage.", KINDS[kind])

    [read] = read_attachments(raw, AttachmentLimits())

    assert "afgesnauwd" in read.text and read.note == ""


def test_an_attached_message_is_read_with_its_subject() -> None:
    """A forwarded message (message/rfc822) is read as subject and body."""
    outer = EmailMessage()
    outer["Subject"] = "Doorgestuurd"
    outer.set_content("Zie het bericht hieronder.")
    inner = EmailMessage()
    inner["Subject"] = "Mijn klacht"
    inner.set_content(LETTER)
    outer.add_attachment(inner)

    [read] = read_attachments(bytes(outer), AttachmentLimits())

    assert read.content_type == "message/rfc822"
    assert read.text.startswith("Onderwerp: Mijn klacht\n") and "afgesnauwd" in read.text


def test_the_attachments_inside_attachments_are_read_by_their_path() -> None:
    """A zip's documents and a winmail.dat's own attachment are read and named outer/inner."""
    raw = with_attachments(
        "Zie bijlagen.",
        ("stukken.zip", "application/zip", zip_of(("brief.docx", docx(LETTER)))),
        (
            "winmail.dat",
            "application/ms-tnef",
            winmail_dat("Zie bijlage.", ("brief.rtf", rtf(LETTER))),
        ),
    )

    read = {t.name: t for t in read_attachments(raw, AttachmentLimits())}

    assert "afgesnauwd" in read["stukken.zip/brief.docx"].text
    assert read["winmail.dat"].text == "Zie bijlage."
    assert "afgesnauwd" in read["winmail.dat/brief.rtf"].text


def test_a_signature_logo_is_no_attachment_to_read() -> None:
    """A small inline picture in the signature is neither read nor reported."""
    message = EmailMessage()
    message["Subject"] = "Vraag"
    message.set_content("Hallo")
    message.add_related(
        b"\x89PNG\r\n\x1a\n" + bytes(500), maintype="image", subtype="png", cid="<logo@x>"
    )

    assert read_attachments(bytes(message), AttachmentLimits()) == ()


def test_a_kind_that_is_not_read_is_named_as_such() -> None:
    raw = with_attachments(
        "Zie bijlage.", ("overzicht.xls", "application/vnd.ms-excel", b"\x00" * 100)
    )

    [read] = read_attachments(raw, AttachmentLimits())

    assert read.text == "" and read.note == "dit soort bijlage wordt niet gelezen"
