"""An attachment's bytes, found again in the stored raw message.

Only an attachment's name, type, size and sha256 are recorded when a message is judged; its
content stays in the raw message, which is the one copy kept. An officer who downloads it
gets the part whose decoded content has that sha256 (the parsers list attachments in their
own order, so the position alone is not trusted), or else the part with its name and type.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator

from intake.parse import _normalise, decode_header, message_from_bytes
from klachtenbus.mail import Attachment

log = logging.getLogger(__name__)


def attachment_content(raw: bytes, wanted: Attachment) -> bytes | None:
    """The decoded content of the attachment recorded as `wanted`, or None when the raw
    message no longer holds it."""
    by_name: bytes | None = None
    for name, content_type, content in _parts(raw):
        if wanted.sha256 and hashlib.sha256(content).hexdigest() == wanted.sha256:
            return content
        if by_name is None and name == wanted.name and content_type == wanted.content_type:
            by_name = content
    return by_name


def _parts(raw: bytes) -> Iterator[tuple[str, str, bytes]]:
    """Every MIME part with content: (file name, content type, decoded bytes); an attached
    message as its own bytes."""
    try:
        message = message_from_bytes(_normalise(raw))
    except Exception as exc:  # the feed parser is lenient; this is the last line of defence
        log.info("Bericht niet te lezen voor zijn bijlagen: %r", exc)
        return
    for part in message.walk():
        name = decode_header(part.get_filename() or "")
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                yield name, content_type, inner[0].as_bytes()
            continue
        if part.is_multipart():
            continue
        try:
            content = part.get_payload(decode=True)
        except Exception:  # a broken transfer encoding: the part as it stands
            content = None
        if content is None:
            payload = part.get_payload()
            content = payload.encode("utf-8", "replace") if isinstance(payload, str) else b""
        yield name, content_type, content
