"""Attachments for the tests, made on the spot: PDF, DOCX, ODT, RTF, TNEF, zip and pictures."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from bot.preparing import prepare
from classify import Decision, Thresholds
from intake.attachment_text import AttachmentLimits
from klachtenbus.errors import MessageUnparseable
from klachtenbus.mail import ParsedMessage
from office.detection import Detection, DetectionRecipe
from tests.builders import ORGANISATION

LETTER = (
    "Geachte heer, mevrouw,\n"
    "Hierbij dien ik een klacht in over mijn begeleider. Hij is al drie keer niet gekomen\n"
    "en ik ben nooit teruggebeld. Toen ik belde werd ik afgesnauwd. Dit is onacceptabel.\n"
    "Met vriendelijke groet,\nAnna de Wit"
)


def pdf(*pages: str) -> bytes:
    """A PDF with a text layer: one page per string, each line set in Helvetica."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * i for i in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    for page_id, text in zip(page_ids, pages, strict=True):
        lines = [b"BT /F1 11 Tf 50 780 Td 14 TL"]
        for line in text.splitlines():
            escaped = line.encode("cp1252").replace(b"\\", b"\\\\")
            escaped = escaped.replace(b"(", b"\\(").replace(b")", b"\\)")
            lines.append(b"(%s) Tj T*" % escaped)
        lines.append(b"ET")
        stream = b"\n".join(lines)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page_id + 1, font_id)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx(text: str) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt(text: str) -> bytes:
    from odf import text as odf_text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    for line in text.splitlines():
        document.text.addElement(odf_text.P(text=line))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def rtf(text: str) -> bytes:
    body = "\\par\n".join(text.splitlines())
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 " + body + "\\par}").encode("ascii")


def winmail_dat(body: str, attachment: tuple[str, bytes] | None = None) -> bytes:
    """A TNEF stream as Outlook sends it: signature, key, then attributes, each with its level,
    id, length, data and checksum (MS-OXTNEF 2.1.3). Built by hand: no library writes TNEF."""

    def attribute(level: int, name: int, kind: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return (
            struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)
        )

    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += attribute(1, 0x9006, 0x0009, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += attribute(1, 0x800C, 0x0002, body.encode("cp1252") + b"\0")  # attBody
    if attachment is not None:
        name, data = attachment
        out += attribute(2, 0x9002, 0x0006, b"\0" * 14)  # attAttachRendData: a new attachment
        out += attribute(2, 0x8010, 0x0001, name.encode("cp1252") + b"\0")  # attAttachTitle
        out += attribute(2, 0x800F, 0x0006, data)  # attAttachData
    return out


def zip_of(*files: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue()


def picture_of(text: str) -> bytes:
    """A photo of a printed letter: black text on white, as a PNG."""
    from PIL import Image, ImageDraw, ImageFont

    lines = text.splitlines()
    font = ImageFont.load_default(size=36)
    image = Image.new("L", (1700, 90 + 60 * len(lines)), color=255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((40, 40 + 60 * number), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def scanned_pdf(text: str) -> bytes:
    """A PDF of one scanned page: a picture, no text layer."""
    from PIL import Image

    image = Image.open(io.BytesIO(picture_of(text))).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150)
    return out.getvalue()


def with_attachments(
    body: str,
    *files: tuple[str, str, bytes],
    subject: str = "Brief",
    sender: str = "Anna de Wit <anna.dewit@example.nl>",
) -> bytes:
    """A message with `body` and each (file name, content type, bytes) attached."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ORGANISATION
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="example.nl")
    message.set_content(body)
    for name, content_type, data in files:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


@functools.cache
def _detection(model: tuple[Path, str], limits: AttachmentLimits) -> Detection:
    recipe = DetectionRecipe(None, model[0], model[1], Thresholds(), attachment_limits=limits)
    return recipe.build()


def judged(raw: bytes, model: tuple[Path, str], **limits: Any) -> tuple[ParsedMessage, Decision]:
    """The message and its decision as the worker's prepare step makes them."""
    [result] = prepare(_detection(model, AttachmentLimits(**limits)), [(raw, datetime.now(UTC))])
    assert not isinstance(result, MessageUnparseable), result
    return result


def outlook_msg(subject: str, body: str) -> bytes:
    """An Outlook .msg: a compound file (MS-CFB, version 3) holding the message's properties
    as streams (MS-OXMSG). Built by hand: no library on the registry writes either format.

    One FAT sector, the directory, one mini FAT sector and the mini stream holding every
    stream (all under the 4,096-byte cutoff). The directory is a chain of right siblings,
    all black, which is a valid (if unbalanced) tree for a reader."""
    end, free, fat_mark, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    streams = [
        ("__properties_version1.0", bytes(32)),  # header only: no fixed-size properties
        ("__substg1.0_001A001F", "IPM.Note".encode("utf-16-le")),
        ("__substg1.0_0037001F", subject.encode("utf-16-le")),
        ("__substg1.0_1000001F", body.encode("utf-16-le")),
    ]
    mini = b""
    mini_fat: list[int] = []
    starts = []
    for _, data in streams:
        starts.append(len(mini) // 64)
        count = max(1, -(-len(data) // 64))
        mini_fat += [len(mini_fat) + i + 1 for i in range(count - 1)] + [end]
        mini += data.ljust(count * 64, b"\0")

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", none, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    mini_sectors = -(-len(mini) // 512)
    directory_sectors = -(-(len(streams) + 1) // 4)
    first_directory, first_mini_fat = 1, 1 + directory_sectors
    first_mini_stream = first_mini_fat + 1
    entries = [entry("Root Entry", 5, none, 1, first_mini_stream, len(mini))]
    for number, ((name, data), start) in enumerate(zip(streams, starts, strict=True), start=1):
        right = number + 1 if number < len(streams) else none
        entries.append(entry(name, 2, right, none, start, len(data)))
    unused = bytes(64) + struct.pack("<HBBIII", 0, 0, 0, none, none, none) + bytes(48)
    entries += [unused] * (directory_sectors * 4 - len(entries))
    directory = b"".join(entries)

    fat = [fat_mark]
    for chain_start, count in (
        (first_directory, directory_sectors),
        (first_mini_fat, 1),
        (first_mini_stream, mini_sectors),
    ):
        fat += [chain_start + i + 1 for i in range(count - 1)] + [end]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    mini_fat_sector = struct.pack(f"<{len(mini_fat)}I", *mini_fat).ljust(512, b"\xff")

    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIII", 0, 1, first_directory, 0, 0x1000)
        + struct.pack("<IIII", first_mini_fat, 1, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<108I", *[free] * 108)
    )
    assert len(header) == 512
    return header + fat_sector + directory + mini_fat_sector + mini.ljust(mini_sectors * 512, b"\0")
