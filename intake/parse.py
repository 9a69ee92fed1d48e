"""Bytes in, `ParsedMessage` out: mail-parser first, the standard library when it gives up.

Either way the text and the parts are taken by one walk of the standard library's tree
(`contents`): an attached message stays an attachment instead of joining the sender's text,
an HTML body beside a text part is read, a part without a name is named by its place (the
same on every parse), and a charset is decoded by the superset that mail labelled with it
really uses (GBK for gb2312, Microsoft's ISO-2022-JP extensions).
"""

from __future__ import annotations

import email
import email.header
import email.message
import email.policy
import email.utils
import hashlib
import logging
import mimetypes
import re
from datetime import UTC, datetime
from email.feedparser import BytesFeedParser
from typing import TYPE_CHECKING

from intake.addresses import addresses
from intake.sizes import MAX_MESSAGE_BYTES
from klachtenbus.errors import MessageUnparseable
from klachtenbus.mail import Address, Attachment, ParsedMessage

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
    """Undo the things that make parsers misread headers; the stored raw stays as it came."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    head = raw[:8192]
    if b"\r" in head and b"\n" not in head:  # classic Mac: bare CR line ends
        raw = raw.replace(b"\r", b"\n")
    return _mend_header_block(raw)


_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FIELD = re.compile(rb"[!-9;-~]+[ \t]*:")  # a field name and its colon (RFC 5322 section 3.6.8)


def _mend_header_block(raw: bytes) -> bytes:
    """A line in the header block that is neither a field nor indented, with fields after it,
    is the previous field's continuation that lost its indent: the parsers would end the
    header block there and lose every field below it (sender, subject)."""
    found = _HEADER_END.search(raw, 0, 256 * 1024)
    end = found.start() if found else min(len(raw), 256 * 1024)
    lines = raw[:end].split(b"\n")
    stray = [
        i
        for i, line in enumerate(lines)
        if i  # the first line has nothing to continue (and may be an mbox "From " line)
        and line.strip()
        and line[:1] not in b" \t"
        and not _FIELD.match(line)
    ]
    if not stray:
        return raw
    last_field = max((i for i, line in enumerate(lines) if _FIELD.match(line)), default=-1)
    for i in stray:
        if i < last_field:
            lines[i] = b" " + lines[i]
    return b"\n".join(lines) + raw[end:]


def _from_mailparser(mail: mailparser.MailParser, received_at: datetime) -> ParsedMessage:
    msg = mail.message
    if msg is None:
        raise MessageUnparseable("mail-parser vond geen bericht")
    text, attachments = contents(msg)
    if not text.strip() and mail.text_plain:  # text mail-parser recovered from a broken epilogue
        text = "\n".join(t for t in mail.text_plain if t.strip())
    return _assemble(msg, text, attachments, received_at, parser="mail-parser")


def _from_stdlib(data: bytes, received_at: datetime) -> ParsedMessage:
    msg = message_from_bytes(data)
    text, attachments = contents(msg)
    return _assemble(msg, text, attachments, received_at, parser="stdlib")


def _assemble(
    msg: email.message.Message,
    text: str,
    attachments: tuple[Attachment, ...],
    received_at: datetime,
    *,
    parser: str,
) -> ParsedMessage:
    values: dict[str, list[str]] = {}
    for name, value in msg.items():
        values.setdefault(name.lower(), []).append(decode_header(value))
    headers = {name: found[0] for name, found in values.items()}
    senders = addresses("from", msg.get_all("from") or [])
    reply_to = addresses("reply-to", msg.get_all("reply-to") or [])
    recipients = addresses("to", msg.get_all("to") or []) + addresses("cc", msg.get_all("cc") or [])
    return ParsedMessage(
        sender=_first_usable(senders),
        reply_to=_first_usable(reply_to),
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
        header_values={name: tuple(found) for name, found in values.items()},
    )


def _first_usable(found: list[Address]) -> Address | None:
    """The first mailbox with an address (`"Naam" <>, jan@example.nl` is from jan), else the
    first name."""
    return next((a for a in found if a.email), found[0] if found else None)


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
    """The sender's text: every body part, attached messages left out."""
    return contents(msg)[0]


def contents(msg: email.message.Message) -> tuple[str, tuple[Attachment, ...]]:
    """The sender's text and the other parts, from one walk of the tree.

    The text is every text/plain or text/html part without a file name and not marked as an
    attachment, or named and marked inline (then it is a part as well), of a
    multipart/alternative only the plain one (the HTML when the plain one is empty), each
    HTML part turned into text. An attached message (message/rfc822) is a part, never text.
    """
    texts: list[str] = []
    parts: list[Attachment] = []
    _collect(msg, texts, parts, [0])
    return "\n".join(t for t in texts if t.strip()), tuple(parts)


def _collect(
    part: email.message.Message, texts: list[str], parts: list[Attachment], place: list[int]
) -> None:
    place[0] += 1
    kind = part.get_content_type()
    if kind in _ATTACHED_MESSAGES:
        parts.append(_attached_message(part, place[0]))
        return
    if part.is_multipart():
        children = [c for c in part.get_payload() if isinstance(c, email.message.Message)]
        if part.get_content_subtype() != "alternative":
            for child in children:
                _collect(child, texts, parts, place)
            return
        versions = []
        for child in children:
            found: list[str] = []
            _collect(child, found, parts, place)
            versions.append((child.get_content_subtype(), "\n".join(found)))
        plain = [t for subtype, t in versions if subtype == "plain" and t.strip()]
        rest = [t for _subtype, t in versions if t.strip()]
        texts.append(plain[0] if plain else rest[-1] if rest else "")
        return
    disposition = part.get_content_disposition()
    named = bool(part.get_filename())
    if kind in ("text/plain", "text/html") and (
        disposition == "inline" if named else disposition != "attachment"
    ):
        # text shown inline is read, also when it has a file name (then it is a part too)
        text = _decode_bytes(_payload(part), part.get_content_charset())
        texts.append(html_to_text(text) if kind == "text/html" else text)
        if not named:
            return
    parts.append(
        _attachment(part.get_filename() or _nameless(kind, place[0]), part, _payload(part))
    )


_ATTACHED_MESSAGES = frozenset({"message/rfc822", "message/global"})


def _payload(part: email.message.Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if payload is None:
        raw_payload = part.get_payload()
        payload = raw_payload.encode("utf-8", "replace") if isinstance(raw_payload, str) else b""
    return payload


def _nameless(kind: str, place: int) -> str:
    """A name for a part that has none, by its place in the message: stable across parses."""
    extension = {"text/plain": ".txt", "application/rtf": ".rtf", "text/calendar": ".ics"}.get(
        kind
    ) or (mimetypes.guess_extension(kind) or ".bin")
    return f"deel-{place}{extension}"


def _attached_message(part: email.message.Message, place: int) -> Attachment:
    inner = part.get_payload()
    message = inner[0] if isinstance(inner, list) and inner else None
    try:
        data = message.as_bytes() if isinstance(message, email.message.Message) else b""
    except Exception:  # a broken attached message is still listed
        data = str(message).encode("utf-8", "replace")
    name = part.get_filename() or f"bijgevoegd-bericht-{place}.eml"
    return Attachment(
        name=decode_header(name),
        content_type=part.get_content_type(),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


# Charsets as mail labels them, and the superset the sending software really uses: GBK
# text labelled gb2312, Microsoft's ISO-2022-JP and Shift_JIS extensions, Korean and Big5.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "iso-2022-jp": "iso2022_jp_ext",
    "csiso2022jp": "iso2022_jp_ext",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "big5": "big5hkscs",
}


def _decode_bytes(data: bytes, charset: str | None) -> str:
    label = (charset or "").strip().lower()
    for candidate in (_SUPERSETS.get(label), label, "iso2022_jp_2" if "2022" in label else None):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
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


def _attachment(name: str, part: email.message.Message, payload: bytes) -> Attachment:
    return Attachment(
        name=decode_header(name),
        content_type=part.get_content_type(),
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
    )
