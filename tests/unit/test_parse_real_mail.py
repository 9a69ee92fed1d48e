"""Parsing the real-mail corpus: every message gives a ParsedMessage or a clear MessageUnparseable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import intake
from klachtenbus.errors import MessageUnparseable
from tests.corpus import real_corpus, real_messages

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_no_real_message_crashes_the_parser() -> None:
    """Broken MIME, bounces, odd charsets: parsed, or refused with a reason, never a crash."""
    parsed = 0
    for path in real_messages():
        try:
            intake.parse(path.read_bytes(), received_at=NOW)
            parsed += 1
        except MessageUnparseable:
            pass
    assert parsed == 376


def test_mail_parser_failure_falls_back_to_the_standard_library() -> None:
    """The SendGrid bounce that makes mail-parser raise is still read."""
    raw = (real_corpus() / "sisimai/maildir/bsd/lhost-sendgrid-01.eml").read_bytes()
    message = intake.parse(raw, received_at=NOW)
    assert message.parser == "stdlib"
    assert message.sender is not None


def test_bare_cr_line_ends_read_like_their_lf_twin() -> None:
    """Classic Mac line ends must not hide the headers."""
    root = real_corpus() / "sisimai/maildir"
    for mac in sorted((root / "mac").iterdir()):
        twin = root / "bsd" / mac.name
        a = intake.parse(mac.read_bytes(), received_at=NOW)
        b = intake.parse(twin.read_bytes(), received_at=NOW)
        assert (a.subject, a.sender, a.message_id) == (b.subject, b.sender, b.message_id)
        assert a.text.split() == b.text.split()


def test_a_leading_byte_order_mark_does_not_hide_the_headers() -> None:
    raw = (real_corpus() / "mimekit/messages/feedback-report.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    message = intake.parse(raw, received_at=NOW)
    assert message.sender is not None and message.content_type == "multipart/report"


def test_unknown_charset_is_decoded_with_a_fallback() -> None:
    raw = (real_corpus() / "mikel-mail/plain_emails/raw_email10.eml").read_bytes()
    assert intake.parse(raw, received_at=NOW).text.strip()


def test_html_only_mail_is_turned_into_text() -> None:
    raw = (real_corpus() / "mail-parser/mail_test_6").read_bytes()
    text = intake.parse(raw, received_at=NOW).text
    assert text.strip() and "<html" not in text.lower()


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n"])
def test_empty_input_is_refused_with_a_reason(raw: bytes) -> None:
    with pytest.raises(MessageUnparseable, match="leeg"):
        intake.parse(raw, received_at=NOW)


def test_attachments_are_described_not_kept_in_the_parsed_message() -> None:
    raw = (real_corpus() / "mikel-mail/attachment_emails/attachment_pdf.eml").read_bytes()
    [attachment] = [
        a for a in intake.parse(raw, received_at=NOW).attachments if a.name.endswith(".pdf")
    ]
    assert (
        attachment.size > 0
        and len(attachment.sha256) == 64
        and attachment.content_type == "application/pdf"
    )
