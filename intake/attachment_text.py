"""The text of a message's attachments, read within limits.

A complaint sent as "Zie bijlage" with the letter in a PDF must be judged on the letter. Each
attachment is read by a maintained library for its kind (pypdf, python-docx, odfpy, striprtf,
extract-msg, tnefparse; the standard library for attached messages and plain text; Tesseract
when the `ocr` extra is installed) with a size, page and time limit. Archives, DOCX and ODT are
zip files: their directory is checked against zip bombs before anything is unpacked. An
attachment that cannot be read (encrypted, broken, too large, a scan without OCR) gets a Dutch
note instead of text; nothing here raises.

`intake.attachment_reader` runs this in a forked child process, within the time limit.
"""

from __future__ import annotations

import contextlib
import email.message
import io
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from intake.parse import _normalise, decode_header, html_to_text, message_from_bytes
from klachtenbus.mail import AttachmentText

log = logging.getLogger(__name__)

MAX_CHARACTERS = 100_000  # kept of one attachment's text; judging reads far less
MAX_DEPTH = 2  # archives and attached messages inside attachments, this deep
MAX_ZIP_ENTRIES = 5_000  # a DOCX has dozens; more is an archive made to exhaust
# Inline images smaller than this are logos and icons in a signature, not a scan or a photo.
DECORATION_BYTES = 20_000

_TEXT_LAYER_LETTERS = 20  # fewer letters in a whole PDF is a scan with a stamp, not a text layer
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TNEF = b"\x78\x9f\x3e\x22"
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic")


@dataclass(frozen=True)
class AttachmentLimits:
    """How much of one attachment is read (settings `attachment_*`)."""

    max_bytes: int = 20_000_000  # larger attachments are not read
    max_pages: int = 50  # of a PDF
    seconds: float = 5.0  # per attachment, OCR included
    max_unpacked_bytes: int = 100_000_000  # declared in a zip file's directory, all entries
    ocr: bool = True  # read scans and photos with Tesseract when it is installed


class _Unreadable(Exception):
    """This attachment cannot be read; the message is the Dutch note."""


@dataclass(frozen=True)
class File:
    name: str
    content_type: str
    data: bytes


def read_one(
    name: str, content_type: str, data: bytes, limits: AttachmentLimits, depth: int = 0
) -> list[AttachmentText]:
    """One attachment's text (an archive or attached message: its own plus its contents')."""
    if len(data) > limits.max_bytes:
        return [
            noted(
                name,
                content_type,
                f"te groot om te lezen ({_megabytes(len(data))}, grens "
                f"{_megabytes(limits.max_bytes)})",
            )
        ]
    kind = kind_of(name, content_type, data)
    reader = _READERS.get(kind)
    if reader is None:
        return [noted(name, content_type, "dit soort bijlage wordt niet gelezen")]
    try:
        return reader(File(name, content_type, data), limits, depth)
    except _Unreadable as exc:
        return [noted(name, content_type, str(exc))]
    except ImportError as exc:
        return [noted(name, content_type, f"niet gelezen: het pakket {exc.name} ontbreekt")]
    except Exception as exc:  # a library's error on a broken file: noted, never fatal
        log.info(
            "Een bijlage is niet te lezen (%s); genoteerd bij het bericht.", type(exc).__name__
        )
        return [noted(name, content_type, f"beschadigd of onleesbaar ({exc.__class__.__name__})")]


def reason_lines(texts: tuple[AttachmentText, ...]) -> tuple[str, ...]:
    """For the decision's reasons: which attachment held what."""
    lines = []
    for t in texts:
        if t.text.strip():
            pages = ""
            if t.pages:
                pages = " (1 pagina)" if t.pages == 1 else f" ({t.pages} pagina's)"
            line = f"Tekst uit bijlage {t.name}{pages} meegewogen"
            lines.append(f"{line}; {t.note}." if t.note else f"{line}.")
        elif t.note:
            lines.append(f"Bijlage {t.name} niet gelezen: {t.note}.")
    return tuple(lines)


# --- The message's attachments ------------------------------------------------------------


def attachments_of(raw: bytes) -> Iterator[File]:
    try:
        message = message_from_bytes(_normalise(raw))
    except Exception as exc:  # the feed parser is lenient; this is the last line of defence
        log.info("Bericht niet te lezen voor zijn bijlagen: %r", exc)
        return
    yield from _files_of(message)


def _files_of(message: email.message.Message) -> Iterator[File]:
    """The parts that are attachments, not body text; an attached message whole, not walked."""
    number = 0
    for part in _parts(message):
        number += 1
        content_type = part.get_content_type()
        name = decode_header(part.get_filename() or "")
        disposition = part.get_content_disposition()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
            yield File(name or "doorgestuurd-bericht.eml", content_type, data)
            continue
        body_text = content_type in ("text/plain", "text/html") and not name
        if body_text and disposition != "attachment":
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:  # a broken transfer encoding: the part as it stands
            payload = part.get_payload()
            data = payload.encode("utf-8", "replace") if isinstance(payload, str) else b""
        inline = disposition != "attachment" or part.get("content-id") is not None
        if inline and _is_image(name, content_type) and len(data) < DECORATION_BYTES:
            continue  # a logo or icon in the signature
        yield File(name or f"bijlage-{number}", content_type, data)


def _parts(message: email.message.Message) -> Iterator[email.message.Message]:
    """Leaf parts and attached messages, without walking into the attached messages."""
    if message.get_content_type() == "message/rfc822":
        yield message
        return
    if message.is_multipart():
        payload = message.get_payload()
        for part in payload if isinstance(payload, list) else []:
            yield from _parts(part)
        return
    yield message


# --- Kinds and their readers -----------------------------------------------------------------


def kind_of(name: str, content_type: str, data: bytes) -> str:
    lower = name.lower()
    head = data[:8]
    if content_type == "message/rfc822" or lower.endswith(".eml"):
        return "eml"
    if b"%PDF-" in data[:1024] or content_type == "application/pdf" or lower.endswith(".pdf"):
        return "pdf"
    if head.startswith(_TNEF) or content_type == "application/ms-tnef" or lower == "winmail.dat":
        return "tnef"
    if head.startswith(_OLE):
        if lower.endswith(".msg") or content_type in (
            "application/vnd.ms-outlook",
            "application/x-msg",
        ):
            return "msg"
        if lower.endswith((".docx", ".odt", ".xlsx", ".pptx")):
            return "encrypted"  # Office keeps a password-protected document in an OLE file
        return "unknown"  # a Word 97-2003 document, an Excel sheet: not read
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if _is_image(name, content_type):
        return "image"
    if content_type == "text/html" or lower.endswith((".html", ".htm")):
        return "html"
    if content_type.startswith("text/") or lower.endswith((".txt", ".csv")):
        return "text"
    return "unknown"


def _is_image(name: str, content_type: str) -> bool:
    return content_type.startswith("image/") or name.lower().endswith(_IMAGE_EXTENSIONS)


def _pdf(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(file.data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # many PDFs are locked against editing, not reading
        except Exception:
            opened = 0
        if not opened:
            raise _Unreadable("versleuteld met een wachtwoord; niet te lezen")
    total = len(reader.pages)
    pages = [reader.pages[i] for i in range(min(total, limits.max_pages))]
    text = "\n".join(_page_text(page) for page in pages).strip()
    if sum(c.isalpha() for c in text) < _TEXT_LAYER_LETTERS:
        text = ""  # a scan with a stamped page number or date: no letter to read
    note = (
        f"alleen de eerste {limits.max_pages} van {total} pagina's gelezen"
        if total > limits.max_pages
        else ""
    )
    if not text:
        if _ocr_ready(limits):
            images = (image.image for page in pages for image in _page_images(page))
            text = _ocr_images(images, limits.seconds)
        if not text:
            raise _Unreadable(_no_text_layer(limits))
        note = "; ".join(n for n in ("gelezen met tekstherkenning (OCR)", note) if n)
    return [AttachmentText(file.name, file.content_type, _cut(text), len(pages), note)]


def _page_text(page: Any) -> str:
    try:
        return (page.extract_text() or "").strip()
    except Exception:  # one broken page: the letter's other pages are still read
        return ""


def _page_images(page: object) -> list:  # type: ignore[type-arg]
    try:
        return list(page.images)  # type: ignore[attr-defined]
    except Exception:  # an image pypdf cannot decode: the page has no readable picture
        return []


def _zip(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    archive = _checked_zip(file.data, limits)
    names = set(archive.namelist())
    if "word/document.xml" in names:
        return [AttachmentText(file.name, file.content_type, _cut(_docx_text(file.data)))]
    if "mimetype" in names and archive.read("mimetype").startswith(
        b"application/vnd.oasis.opendocument"
    ):
        return [AttachmentText(file.name, file.content_type, _cut(_odf_text(file.data)))]
    if depth >= MAX_DEPTH:
        raise _Unreadable("archief te diep genest; niet gelezen")
    out: list[AttachmentText] = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        inner = f"{file.name}/{info.filename}"
        out += read_one(inner, "", archive.read(info), limits, depth + 1)
    return out or [noted(file.name, file.content_type, "leeg archief")]


def _checked_zip(data: bytes, limits: AttachmentLimits) -> zipfile.ZipFile:
    """The zip file, once its directory promises nothing excessive. Python's zipfile never
    inflates an entry beyond the size its directory declares, so the declared sizes bound
    what any library reading it (python-docx, odfpy) can unpack."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _Unreadable(f"beschadigd zip-bestand ({exc})") from exc
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _Unreadable(f"mogelijk een zip-bom: {len(entries)} bestanden; niet uitgepakt")
    unpacked = sum(info.file_size for info in entries)
    if unpacked > limits.max_unpacked_bytes:
        raise _Unreadable(
            f"mogelijk een zip-bom: uitgepakt {_megabytes(unpacked)} (grens "
            f"{_megabytes(limits.max_unpacked_bytes)}); niet uitgepakt"
        )
    if any(info.flag_bits & 0x1 for info in entries):
        raise _Unreadable("versleuteld met een wachtwoord; niet te lezen")
    return archive


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            for row in block.rows:
                lines.append(" | ".join(cell.text.strip() for cell in row.cells))
        else:
            lines.append(block.text)
    return "\n".join(lines).strip()


def _odf_text(data: bytes) -> str:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    lines: list[str] = []

    def walk(node: object) -> None:
        for child in getattr(node, "childNodes", []):
            if getattr(child, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
                lines.append(teletype.extractText(child))
            else:
                walk(child)

    walk(document.text)
    return "\n".join(lines).strip()


def _rtf(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    return [AttachmentText(file.name, file.content_type, _cut(_rtf_text(file.data)))]


def _rtf_text(data: bytes) -> str:
    from striprtf.striprtf import rtf_to_text

    return rtf_to_text(data.decode("latin-1"), errors="replace").strip()


def _plain(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    return [AttachmentText(file.name, file.content_type, _cut(_decoded(file.data).strip()))]


def _html(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    text = html_to_text(_decoded(file.data)).strip()
    return [AttachmentText(file.name, file.content_type, _cut(text))]


def _eml(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    from intake.parse import _walk_text

    message = message_from_bytes(_normalise(file.data))
    if not message.keys():
        raise _Unreadable("geen leesbaar e-mailbericht")
    text = _with_subject(decode_header(message.get("subject", "")), _walk_text(message))
    inner = list(_files_of(message)) if depth < MAX_DEPTH else []
    return [
        AttachmentText(file.name, file.content_type, _cut(text)),
        *_nested(file.name, inner, limits, depth),
    ]


def _msg(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    import extract_msg

    message = extract_msg.openMsg(file.data, strict=False)
    try:
        body = getattr(message, "body", None) or ""
        if not body.strip() and getattr(message, "htmlBody", None):
            body = html_to_text(_decoded(message.htmlBody))
        subject = getattr(message, "subject", None) or ""
        inner = []
        for attachment in getattr(message, "attachments", []) if depth < MAX_DEPTH else []:
            data = getattr(attachment, "data", None)
            if isinstance(data, bytes):
                name = attachment.longFilename or attachment.shortFilename or "bijlage"
                inner.append(File(name, attachment.mimetype or "", data))
    finally:
        message.close()
    return [
        AttachmentText(file.name, file.content_type, _cut(_with_subject(subject, body))),
        *_nested(file.name, inner, limits, depth),
    ]


def _tnef(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    import tnefparse

    try:
        tnef = tnefparse.TNEF(file.data, do_checksum=False)
    except ValueError as exc:
        raise _Unreadable(f"geen geldig winmail.dat-bestand ({exc})") from exc
    body = tnef.body or ""
    if isinstance(body, bytes):
        body = _decoded(body.rstrip(b"\0"))
    if not body.strip() and tnef.htmlbody:
        html = tnef.htmlbody
        body = html_to_text(_decoded(html) if isinstance(html, bytes) else html)
    if not body.strip():
        with contextlib.suppress(Exception):  # compressed RTF that does not decompress
            rtf = tnef.rtfbody
            body = _rtf_text(rtf if isinstance(rtf, bytes) else rtf.encode("latin-1"))
    inner = (
        [
            File(a.long_filename() or "bijlage", "", a.data)
            for a in tnef.attachments
            if isinstance(a.data, bytes)
        ]
        if depth < MAX_DEPTH
        else []
    )
    return [
        AttachmentText(file.name, file.content_type, _cut(body.strip())),
        *_nested(file.name, inner, limits, depth),
    ]


def _image(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    if not _ocr_ready(limits):
        raise _Unreadable(_no_text_layer(limits))
    from PIL import Image

    text = _ocr_images([Image.open(io.BytesIO(file.data))], limits.seconds)
    if not text:
        raise _Unreadable("geen tekst herkend in de afbeelding (scan of foto)")
    note = "gelezen met tekstherkenning (OCR)"
    return [AttachmentText(file.name, file.content_type, _cut(text), 1, note)]


def _encrypted(file: File, limits: AttachmentLimits, depth: int) -> list[AttachmentText]:
    raise _Unreadable("versleuteld met een wachtwoord; niet te lezen")


_READERS: dict[str, Callable[[File, AttachmentLimits, int], list[AttachmentText]]] = {
    "pdf": _pdf,
    "zip": _zip,
    "rtf": _rtf,
    "text": _plain,
    "html": _html,
    "eml": _eml,
    "msg": _msg,
    "tnef": _tnef,
    "image": _image,
    "encrypted": _encrypted,
}


# --- OCR (optional: `pip install klachtenbus[ocr]` and Debian's tesseract-ocr-nld) ----------

_OCR_LANGUAGES: str | None = None


def ocr_available() -> bool:
    """Tesseract, its Python wrapper and the Dutch language data are all installed."""
    global _OCR_LANGUAGES
    if _OCR_LANGUAGES is None:
        _OCR_LANGUAGES = ""
        with contextlib.suppress(Exception):  # no pytesseract, no tesseract binary
            import pytesseract

            languages = set(pytesseract.get_languages(config=""))
            _OCR_LANGUAGES = "+".join(lang for lang in ("nld", "eng") if lang in languages)
            if "nld" not in languages:
                _OCR_LANGUAGES = ""
    return bool(_OCR_LANGUAGES)


def _ocr_ready(limits: AttachmentLimits) -> bool:
    return limits.ocr and ocr_available()


def _ocr_images(images: Iterable[object], seconds: float) -> str:
    """The text Tesseract reads in the images; each run is stopped at `seconds` by pytesseract
    itself, so no Tesseract process outlives its attachment's time."""
    import pytesseract

    texts = []
    for image in images:
        if image is None:
            continue
        found = pytesseract.image_to_string(image, lang=_OCR_LANGUAGES or "nld", timeout=seconds)
        texts.append(found.strip())
    return "\n".join(t for t in texts if t).strip()


def _no_text_layer(limits: AttachmentLimits) -> str:
    if limits.ocr and not ocr_available():
        return "geen tekstlaag (scan of foto) en geen tekstherkenning (OCR) geïnstalleerd"
    return "geen tekstlaag (scan of foto)"


# --- Small helpers ------------------------------------------------------------------------


def _nested(
    outer: str, files: list[File], limits: AttachmentLimits, depth: int
) -> list[AttachmentText]:
    out: list[AttachmentText] = []
    for inner in files:
        out += read_one(f"{outer}/{inner.name}", inner.content_type, inner.data, limits, depth + 1)
    return out


def _with_subject(subject: str, body: str) -> str:
    subject, body = subject.strip(), body.strip()
    return f"Onderwerp: {subject}\n{body}".strip() if subject else body


def _decoded(data: bytes | str) -> str:
    """Text in whichever of the usual encodings it is: UTF-8 (with or without BOM), UTF-16
    with its BOM, or else Windows' cp1252, which decodes any byte."""
    if isinstance(data, str):
        return data
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode(encoding)
    return data.decode("cp1252", errors="replace")


def _cut(text: str) -> str:
    return text[:MAX_CHARACTERS]


def noted(name: str, content_type: str, why: str) -> AttachmentText:
    return AttachmentText(name, content_type, "", None, why)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")
