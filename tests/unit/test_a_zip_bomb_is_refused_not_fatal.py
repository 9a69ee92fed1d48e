"""An archive, DOCX or ODT whose directory promises more than the limit is not unpacked: the
attachment is noted as a possible zip bomb, the message and its other attachments are read."""

from __future__ import annotations

import io
import zipfile

from intake.attachment_reader import read_attachments
from intake.attachment_text import AttachmentLimits
from tests.documents import LETTER, docx, pdf, with_attachments, zip_of

LIMITS = AttachmentLimits(max_unpacked_bytes=1_000_000)


def test_an_archive_that_unpacks_too_large_is_refused() -> None:
    """5 MB of zeros packs into a few kB; unpacked it is over the 1 MB limit."""
    bomb = zip_of(("nullen.bin", bytes(5_000_000)))
    assert len(bomb) < 10_000
    raw = with_attachments(
        "Zie bijlagen.",
        ("stukken.zip", "application/zip", bomb),
        ("klacht.pdf", "application/pdf", pdf(LETTER)),
    )

    bombed, letter = read_attachments(raw, LIMITS)

    assert bombed.text == ""
    assert bombed.note.startswith("mogelijk een zip-bom: uitgepakt 5,0 MB (grens 1,0 MB)")
    assert "afgesnauwd" in letter.text


def test_a_docx_with_a_bomb_inside_is_refused() -> None:
    """A Word document is a zip file too: checked the same way before python-docx opens it."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx(LETTER))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bombed,
    ):
        for info in source.infolist():
            bombed.writestr(info, source.read(info))
        bombed.writestr("word/media/image1.bin", bytes(3_000_000))
    raw = with_attachments(
        "Zie bijlage.", ("klacht.docx", "application/octet-stream", out.getvalue())
    )

    [read] = read_attachments(raw, LIMITS)

    assert read.text == "" and read.note.startswith("mogelijk een zip-bom")


def test_an_archive_of_too_many_files_is_refused() -> None:
    many = zip_of(*((f"{n}.txt", b"") for n in range(6_000)))
    raw = with_attachments("Zie bijlage.", ("veel.zip", "application/zip", many))

    [read] = read_attachments(raw, LIMITS)

    assert read.note == "mogelijk een zip-bom: 6000 bestanden; niet uitgepakt"


def test_an_archive_in_an_archive_is_read_two_deep_and_no_deeper() -> None:
    """Nesting is bounded too: the third level is noted, not opened."""
    deepest = zip_of(("brief.txt", LETTER.encode()))
    nested = zip_of(("c.zip", zip_of(("b.zip", deepest))))
    raw = with_attachments("Zie bijlage.", ("a.zip", "application/zip", nested))

    [read] = read_attachments(raw, LIMITS)

    assert read.name == "a.zip/c.zip/b.zip" and read.note == "archief te diep genest; niet gelezen"
