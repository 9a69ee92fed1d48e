"""A complaint whose body says only "Zie bijlage" and whose letter is an attached PDF goes from
the mailbox to a registered case, with the attachment named in the reasons."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

import bootstrap
from storage import Case, StoredMessage
from tests.conftest import MailboxAccount, prepare_database, settings_for
from tests.documents import LETTER, pdf, scanned_pdf, with_attachments
from tests.pipeline_helpers import pipeline_for


def test_zie_bijlage_with_a_pdf_letter_becomes_a_case(
    mailbox: MailboxAccount, sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """Dovecot → helper process reads the PDF → complaint → case and acknowledgement."""
    store = prepare_database(sqlite_url, trained_model)
    mailbox.append(
        with_attachments(
            "Zie bijlage.\n\nMet vriendelijke groet,\nAnna de Wit",
            ("klacht.pdf", "application/pdf", pdf(LETTER)),
            subject="Brief",
        )
    )
    mailbox.append(
        with_attachments(
            "Zie bijlage.",
            ("scan.pdf", "application/pdf", scanned_pdf(LETTER)),
            subject="Mijn brief",
            sender="Bert Bos <bert.bos@example.nl>",
        )
    )
    settings = settings_for(mailbox, None, sqlite_url, tmp_path, attachment_ocr=False)
    pipeline, _ = pipeline_for(settings)

    summary = pipeline.poll(bootstrap.mailbox_of(settings))

    assert summary.by_kind == {"complaint": 1, "uncertain": 1}
    with store.unit_of_work() as session:
        letter = session.scalars(
            select(StoredMessage).where(StoredMessage.subject == "Brief")
        ).one()
        assert letter.kind == "complaint"
        assert "Tekst uit bijlage klacht.pdf (1 pagina) meegewogen." in letter.reasons
        assert session.scalars(select(Case)).one().message_row_id == letter.id
        scan = session.scalars(
            select(StoredMessage).where(StoredMessage.subject == "Mijn brief")
        ).one()
        assert scan.kind == "uncertain"
        # an officer reads why: the attachment holds no text the bot could read
        assert any("scan.pdf" in r and "geen tekstlaag" in r for r in scan.reasons), scan.reasons
