"""A message too large to parse whole: read with the standard library's feed parser, keeping
only its headers and text parts. Attachments are listed by name, type and size, never decoded.

The feed parser holds the largest part about twice (its lines, then the part) before the
part is dropped; the attachment is never decoded, so no third copy.
"""

from __future__ import annotations

import email.message
import email.policy
from datetime import datetime
from typing import Any

from intake.parse import _assemble, _normalise, _walk_text, decode_header, message_from_bytes
from klachtenbus.errors import MessageUnparseable
from klachtenbus.mail import Attachment, ParsedMessage


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
    try:
        msg = message_from_bytes(data, TextOnly)
        del data
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
    tail = payload[-100:].rstrip()  # the padding is at the end: no copy of the whole part
    padding = len(tail) - len(tail.rstrip("="))
    return max(0, characters * 3 // 4 - padding)
