"""Bytes in, `ParsedMessage` out: mail-parser first, the standard library when it gives up."""

from __future__ import annotations

import base64
import email
import email.header
import email.message
import email.policy
import email.utils
import hashlib
import logging
import re
from datetime import UTC, datetime
from email.feedparser import BytesFeedParser
from typing import TYPE_CHECKING

from intake.addresses import addresses
from intake.sizes import MAX_MESSAGE_BYTES
from klachtenbus.errors import MessageUnparseable
from klachtenbus.mail import Attachment, ParsedMessage

if TYPE_CHECKING:
    import mailparser

log = logging.getLogger(__name__)
# mail-parser logs every unhandled part type at WARNING; that is noise for a mailbox reader.
logging.getLogger("mailparser").setLevel(logging.CRITICAL)

_BOM = b"\xef\xbb\xbf"
_MSGID = re.compile(r"<[^<>\s]+>")
FEED = 1 << 20  # bytes handed to the feed parser at a time
MAX_TEXT = 200_000  # characters kept of a body; a complaint is never longer, spam can be


def parse(
    raw: bytes, *, received_at: datetime, max_bytes: int = MAX_MESSAGE_BYTES
) -> ParsedMessage:
    """Parse one message. Raises `MessageUnparseable` when neither parser can read it.

    A message over `max_bytes` is read for its headers and text parts only (`intake.large`).
    """
    if len(raw) > max_bytes:
        from intake.large import parse_large

        return parse_large(raw, received_at=received_at)
    if not raw.strip():
        raise MessageUnparseable("het bericht is leeg (0 bytes of alleen witruimte)")
    data = _normalise(raw)
    import mailparser  # with the first message: a poll's main process may never parse one

    try:
        mail = mailparser.MailParser(message_from_bytes(data))
        return _from_mailparser(mail, received_at)
    except Exception as exc:  # mail-parser raises bare AttributeError etc. on real mail
        log.info("mail-parser gave up (%s); falling back to the standard library", exc)
        first = exc
    try:
        return _from_stdlib(data, received_at)
    except Exception as exc:
        raise MessageUnparseable(
            f"onleesbaar bericht: mail-parser: {first!r}; standaardbibliotheek: {exc!r}"
        ) from exc


def message_from_bytes(
    data: bytes, factory: type[email.message.Message] = email.message.Message
) -> email.message.Message:
    """`email.message_from_bytes`, fed a piece at a time: the standard function decodes the
    whole message into one string and reads it through a StringIO, which stores it at four
    bytes a character; for a 30 MB message that was 230 MB at the parse's peak, fed in
    pieces 140 MB (the helper's peak, bench/large_messages.py)."""
    parser = BytesFeedParser(_factory=factory, policy=email.policy.compat32)
    for start in range(0, len(data), FEED):
        parser.feed(data[start : start + FEED])
    return parser.close()


def _normalise(raw: bytes) -> bytes:
    """Undo the two things that make parsers misread headers; the stored raw stays as it came."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    head = raw[:8192]
    if b"\r" in head and b"\n" not in head:  # classic Mac: bare CR line ends
        raw = raw.replace(b"\r", b"\n")
    return raw


def _from_mailparser(mail: mailparser.MailParser, received_at: datetime) -> ParsedMessage:
    msg = mail.message
    if msg is None:
        raise MessageUnparseable("mail-parser vond geen bericht")
    text = "\n".join(t for t in mail.text_plain if t.strip())
    if not text.strip() and mail.text_html:
        text = html_to_text("\n".join(mail.text_html))
    if not text.strip():
        text = _walk_text(msg)
    attachments = tuple(_mailparser_attachment(a) for a in mail.attachments)
    return _assemble(msg, text, attachments, received_at, parser="mail-parser")


def _from_stdlib(data: bytes, received_at: datetime) -> ParsedMessage:
    msg = message_from_bytes(data)
    attachments: list[Attachment] = []
    for part in msg.walk():
        if part.is_multipart() or not part.get_filename():
            continue
        payload = part.get_payload(decode=True) or b""
        attachments.append(_attachment(part.get_filename() or "", part, payload))
    return _assemble(msg, _walk_text(msg), tuple(attachments), received_at, parser="stdlib")


def _assemble(
    msg: email.message.Message,
    text: str,
    attachments: tuple[Attachment, ...],
    received_at: datetime,
    *,
    parser: str,
) -> ParsedMessage:
    headers: dict[str, str] = {}
    for name, value in msg.items():
        headers.setdefault(name.lower(), decode_header(value))
    senders = addresses("from", msg.get_all("from") or [])
    reply_to = addresses("reply-to", msg.get_all("reply-to") or [])
    recipients = addresses("to", msg.get_all("to") or []) + addresses("cc", msg.get_all("cc") or [])
    return ParsedMessage(
        sender=senders[0] if senders else None,
        reply_to=reply_to[0] if reply_to else None,
        recipients=tuple(recipients),
        subject=headers.get("subject", "").strip(),
        date=_date(headers.get("date")),
        received_at=received_at,
        message_id=_first_id(headers.get("message-id")),
        in_reply_to=_first_id(headers.get("in-reply-to")),
        references=tuple(_MSGID.findall(headers.get("references", ""))),
        text=text.replace("\r\n", "\n").replace("\r", "\n")[:MAX_TEXT],
        attachments=attachments,
        headers=headers,
        content_type=msg.get_content_type(),
        parts=tuple(p.get_content_type() for p in msg.walk()),
        parser=parser,
    )


def decode_header(value: object) -> str:
    """Decode RFC 2047 words; never raise on a broken charset or stray 8-bit bytes."""
    if isinstance(value, email.header.Header):
        chunks = email.header.decode_header(value)
    else:
        try:
            chunks = email.header.decode_header(str(value))
        except Exception:
            return " ".join(str(value).split())
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            out.append(_decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    return " ".join("".join(out).split())


def html_to_text(html: str) -> str:
    import html2text

    converter = html2text.HTML2Text()
    converter.ignore_images = True
    converter.ignore_links = True
    converter.ignore_emphasis = True
    converter.body_width = 0
    try:
        return converter.handle(html)
    except Exception:  # html2text trips over some malformed markup
        return re.sub(r"<[^>]+>", " ", html)


def _walk_text(msg: email.message.Message) -> str:
    """Every text part, decoded leniently: the last resort when the parser found no body."""
    plain: list[str] = []
    html: list[str] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_filename():
            continue
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            payload = None
        if payload is None:
            raw_payload = part.get_payload()
            payload = (
                raw_payload.encode("utf-8", "replace") if isinstance(raw_payload, str) else b""
            )
        text = _decode_bytes(payload, part.get_content_charset())
        (html if part.get_content_subtype() == "html" else plain).append(text)
    if any(t.strip() for t in plain):
        return "\n".join(plain)
    return html_to_text("\n".join(html)) if html else ""


def _decode_bytes(data: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    found = _MSGID.search(value)
    if found:
        return found.group(0)[:500]
    value = value.strip()
    return f"<{value}>"[:500] if value else None


def _mailparser_attachment(item: dict[str, object]) -> Attachment:
    payload = item.get("payload") or ""
    if item.get("binary"):
        try:
            data = base64.b64decode(str(payload), validate=False)
        except Exception:
            data = str(payload).encode("ascii", "replace")
    else:
        data = str(payload).encode(str(item.get("charset") or "utf-8"), "replace")
    return Attachment(
        name=str(item.get("filename") or ""),
        content_type=str(item.get("mail_content_type") or "application/octet-stream"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _attachment(name: str, part: email.message.Message, payload: bytes) -> Attachment:
    return Attachment(
        name=decode_header(name),
        content_type=part.get_content_type(),
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
    )
