"""Letters are written by the email package itself: each equals, byte for byte, the
multipart/alternative message the standard library writes with `email.policy.SMTP` for the
same headers and texts, built here on its own; and every one reads back as it was meant.

One exception: a non-ASCII Subject is folded by `email.header.Header`, because the policy's
folder in Python 3.11 loses the space between two encoded words it splits over two lines
(CPython gh-144156). There the bytes differ; the subject still reads back exactly."""

from __future__ import annotations

import random
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from outbox.letters import compose, header_text, one_line

ODD_BODIES = [
    "",
    "één regel zonder einde",
    "Beste Anna,\n\nOp woensdag ontving ik uw klacht.\n",
    "Windows\r\nregels\r\nen een losse\rCR\n",
    "=3D is geen code, = wel; tabs\tand trailing spaces   \nnext",
    "x" * 300 + "\n" + "é" * 120,
    "Emoji 😡 en € en ü\n\n\n",
    "<p>Beste &amp; <b>vette</b> groet</p>\n",
    ".\nFrom the start of a line\n--===============0123456789012345678==\n",
]
HEADERS = [
    ("From", "Stichting Zorg Voorbeeld <klachten@zorg-voorbeeld.nl>"),
    ("To", "Çiğdem Öztürk <cigdem@example.nl>"),
    ("Subject", header_text("Ontvangstbevestiging van uw klacht K-2026-0042: Nooit gebeld")),
    ("References", " ".join(f"<bericht-{n}@mail.example.nl>" for n in range(12))),
    ("X-Klachtenbus-Case", "K-2026-0042"),
]


def reference(headers: list[tuple[str, str]], text: str, html: str, boundary: str) -> bytes:
    """The standard library's own letter: `set_content`, then `add_alternative`."""
    message = EmailMessage(policy=policy.SMTP)
    for name, value in headers:
        message[name] = value
    message.set_content(text, charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for part in message.iter_parts():
        del part["MIME-Version"]  # add_alternative gives each part one; only the top needs it
    message.set_boundary(boundary)
    return message.as_bytes()


def without_subject(raw: bytes) -> bytes:
    """The letter with its Subject's lines left out."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines, keep = [], True
    for line in head.split(b"\r\n"):
        if not line.startswith((b" ", b"\t")):
            keep = not line.lower().startswith(b"subject:")
        if keep:
            lines.append(line)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def boundary_of(raw: bytes) -> str:
    boundary = message_from_bytes(raw, policy=policy.default).get_boundary()
    assert boundary
    return boundary


@pytest.mark.parametrize("text", ODD_BODIES)
def test_the_bytes_are_the_email_packages(text: str) -> None:
    html = text.replace("\n", "<br>\n")
    raw = compose(HEADERS, text, html)
    assert raw == reference(HEADERS, text, html, boundary_of(raw))


def test_random_texts_give_the_same_bytes_and_read_back() -> None:
    rnd = random.Random(11)
    alphabet = "abc XYZ=.\t\n\r-éü€😡<>&"
    for _ in range(200):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 400)))
        subject = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 90)))
        headers = [("From", "a@example.nl"), ("Subject", header_text(subject))]
        raw = compose(headers, text, text)
        standard = reference(headers, text, text, boundary_of(raw))
        if subject.isascii():
            assert raw == standard, repr(text)
        else:
            assert without_subject(raw) == without_subject(standard), repr(text)
        letter = message_from_bytes(raw, policy=policy.default)
        assert letter["Subject"] == one_line(subject)
        plain = letter.get_body(("plain",))
        assert plain is not None
        content = plain.get_content().replace("\r\n", "\n")  # type: ignore[attr-defined]
        assert content == "".join(f"{line}\n" for line in text.splitlines())
        assert raw.isascii() and max(len(line) for line in raw.split(b"\r\n")) <= 78


def test_a_letter_has_one_mime_version_and_reads_back() -> None:
    raw = compose([("Subject", "Test")], "Beste Anna,\n", "<p>Beste Anna,</p>\n")
    message = message_from_bytes(raw, policy=policy.default)
    assert raw.count(b"MIME-Version") == 1
    assert message.get_all("MIME-Version") == ["1.0"]
    plain, html = (message.get_body((kind,)) for kind in ("plain", "html"))
    assert plain is not None and plain.get_content() == "Beste Anna,\r\n"  # as on the wire
    assert html is not None and html.get_content() == "<p>Beste Anna,</p>\r\n"


def test_the_letters_use_no_private_part_of_the_email_package() -> None:
    """Writing a letter takes the email package's public API only: no overridden `_fold`, no
    `_get_encoder`, no hand-written MIME from quoprimime or base64mime."""
    import outbox

    for source in Path(outbox.__file__).parent.glob("*.py"):
        text = source.read_text()
        for private in ("Compat32", "._fold", "_get_encoder", "quoprimime", "base64mime"):
            assert private not in text, f"{source.name} uses {private}"
