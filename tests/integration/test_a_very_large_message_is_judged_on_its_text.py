"""A message over `max_message_bytes` is stored whole but judged on its headers and text parts
only: a complaint with a huge attachment is still registered, the attachment listed by name,
type and size and never decoded."""

from __future__ import annotations

import binascii
import hashlib
import os
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

import bootstrap
import intake
from storage import Case, StoredMessage, records
from tests.builders import complaint
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.pipeline_helpers import pipeline_for


def with_attachment(size: int) -> bytes:
    """The builders' complaint with a PDF of `size` random bytes attached."""
    message = EmailMessage()
    base = intake.parse(complaint(1), received_at=datetime.now(UTC))
    message["From"] = "Klager 1 <klager1@example.nl>"
    message["To"] = "klachten@zorg-voorbeeld.nl"
    message["Subject"] = base.subject
    message.set_content(base.text)
    message.add_attachment(
        os.urandom(size), maintype="application", subtype="pdf", filename="dossier.pdf"
    )
    return bytes(message)


def test_the_attachment_of_a_large_message_is_never_decoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over the limit, the text is read as usual and the attachment is counted, not decoded."""
    raw = with_attachment(600_000)
    decoded: list[int] = []
    real = binascii.a2b_base64

    def counting(data: object, **kwargs: object) -> bytes:
        decoded.append(len(data))  # type: ignore[arg-type]
        return real(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(binascii, "a2b_base64", counting)
    message = intake.parse(raw, received_at=datetime.now(UTC), max_bytes=500_000)
    assert "Ik wil een klacht indienen" in message.text
    assert message.parser == "stdlib-large"
    [attachment] = message.attachments
    assert (attachment.name, attachment.content_type) == ("dossier.pdf", "application/pdf")
    assert attachment.size == 600_000 and attachment.sha256 == ""
    assert max(decoded, default=0) < 10_000  # nothing the size of the attachment


def test_a_complaint_with_a_huge_attachment_is_stored_whole_and_registered(
    mailbox: MailboxAccount, sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """With the limit lowered to 1 MB, a complaint with a 3 MB attachment is kept byte for byte,
    judged a complaint on its text, and registered with an acknowledgement."""
    store = prepare_database(sqlite_url, trained_model)
    raw = with_attachment(3_000_000)
    mailbox.append(raw)
    settings = settings_for(mailbox, None, sqlite_url, tmp_path, max_message_bytes=1_000_000)
    pipeline, _ = pipeline_for(settings)
    summary = pipeline.poll(bootstrap.mailbox_of(settings))
    assert summary.by_kind == {"complaint": 1}
    with store.unit_of_work() as session:
        row = session.scalars(select(StoredMessage)).one()
        kept = records.raw_bytes(row)
        assert (
            hashlib.sha256(kept.replace(b"\r\n", b"\n")).digest()
            == hashlib.sha256(raw.replace(b"\r\n", b"\n")).digest()
        )
        assert row.kind == "complaint" and row.parser == "stdlib-large"
        assert row.attachments == [
            {
                "name": "dossier.pdf",
                "content_type": "application/pdf",
                "size": 3_000_000,
                "sha256": "",
            }
        ]
        assert session.scalars(select(Case)).one().message_row_id == row.id
