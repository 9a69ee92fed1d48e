"""A message too large to parse whole: read with the standard library's feed parser, keeping
only its headers and text parts. Attachments are listed by name, type and size, never decoded.

mail-parser holds about 7.5 times a message's size while it parses it (300 MiB for one 40 MB
message); here the largest attachment is held about twice, in the feed parser's lines, and then
dropped.
"""

from __future__ import annotations

import email.message
import email.policy
from datetime import datetime
from email.feedparser import BytesFeedParser
from typing import Any

from intake.message import Attachment, ParsedMessage
from intake.parse import _assemble, _normalise, _walk_text, decode_header
from klachtenbus.errors import MessageUnparseable

FEED = 1 << 20  # bytes handed to the parser at a time


class TextOnly(email.message.Message):
    """A MIME part that keeps its payload only when it is text to read, not an attachment;
    of anything else it remembers how many characters it had (`dropped`)."""

    dropped: int | None = None

    def set_payload(self, payload: Any, charset: Any = None) -> None:
        """Called by the feed parser once per leaf part, after the part's headers are set."""
        if isinstance(payload, str) and not _readable(self):
            self.dropped = _decoded_size(payload, self.get("content-transfer-encoding", ""))
            payload = ""
        super().set_payload(payload, charset)


def parse_large(raw: bytes, *, received_at: datetime) -> ParsedMessage:
    """Headers and text parts as `intake.parse` reads them; attachments by name, type, size."""
    data = _normalise(raw)
    parser = BytesFeedParser(_factory=TextOnly, policy=email.policy.compat32)
    try:
        for start in range(0, len(data), FEED):
            parser.feed(data[start : start + FEED])
        del data
        msg = parser.close()
    except Exception as exc:  # the feed parser is lenient; this is the last line of defence
        raise MessageUnparseable(f"onleesbaar groot bericht ({len(raw)} bytes): {exc!r}") from exc
    attachments = tuple(
        Attachment(
            name=decode_header(part.get_filename() or ""),
            content_type=part.get_content_type(),
            size=part.dropped or 0,
            sha256="",  # unknown: the content was never decoded
        )
        for part in msg.walk()
        if isinstance(part, TextOnly) and part.dropped is not None
    )
    return _assemble(msg, _walk_text(msg), attachments, received_at, parser="stdlib-large")


def _readable(part: email.message.Message) -> bool:
    """A text part meant to be read (not an attached file), or a container's preamble."""
    if part.get_content_maintype() in ("multipart", "message"):
        return True
    if part.get_filename() or part.get_content_disposition() == "attachment":
        return False
    return part.get_content_maintype() == "text"


def _decoded_size(payload: str, encoding: str) -> int:
    """The size the content will have decoded, counted without decoding it."""
    if str(encoding).strip().lower() != "base64":
        return len(payload)
    characters = len(payload) - sum(payload.count(c) for c in "\r\n\t ")
    padding = len(payload.rstrip()) - len(payload.rstrip().rstrip("="))
    return max(0, characters * 3 // 4 - padding)
