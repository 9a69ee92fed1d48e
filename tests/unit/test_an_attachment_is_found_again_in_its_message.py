"""Only an attachment's name, type, size and sha256 are recorded; its bytes are found again
in the raw message by their sha256 (the parsers may list attachments in another order), or
by name and type when no hash was recorded (a message too large to decode whole)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.message import EmailMessage

import intake
from intake.attachments import attachment_content
from klachtenbus.mail import Attachment


def message_with(*files: tuple[str, str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"] = "piet@example.nl"
    message["Subject"] = "Stukken"
    message.set_content("Zie bijlagen.")
    for name, content_type, content in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def test_every_recorded_attachment_is_found_by_its_hash() -> None:
    files = [
        ("brief.pdf", "application/pdf", b"%PDF-1.4 een"),
        ("foto.jpg", "image/jpeg", bytes(range(256)) * 4),
        ("zelfde-naam.pdf", "application/pdf", b"%PDF-1.4 twee"),
    ]
    raw = message_with(*files)
    parsed = intake.parse(raw, received_at=datetime.now(UTC))

    assert [a.name for a in parsed.attachments] == [f[0] for f in files]
    for recorded, (_, _, content) in zip(parsed.attachments, files, strict=True):
        assert attachment_content(raw, recorded) == content


def test_without_a_hash_the_name_and_type_find_it() -> None:
    raw = message_with(("a.txt", "text/plain", b"eerste"), ("b.txt", "text/plain", b"tweede"))

    found = attachment_content(raw, Attachment("b.txt", "text/plain", 6, ""))

    assert found == b"tweede"


def test_an_attachment_the_message_does_not_hold_is_none() -> None:
    raw = message_with(("a.txt", "text/plain", b"eerste"))
    other = Attachment("c.txt", "text/plain", 5, hashlib.sha256(b"derde").hexdigest())

    assert attachment_content(raw, other) is None
