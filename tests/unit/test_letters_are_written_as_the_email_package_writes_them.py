"""Letters are written directly as bytes, exactly as the email package's generator writes the
same multipart/alternative message, with one MIME-Version at the top (the package added a
second one when asked to set it)."""

from __future__ import annotations

import random
from email import message_from_bytes, policy
from email.charset import QP, Charset
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from outbox import letters
from outbox.letters import SMTP_COMPAT, compose, header_text

BOUNDARY = "===============0123456789012345678=="
UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP

ODD_BODIES = [
    "",
    "één regel zonder einde",
    "Beste Anna,\n\nOp woensdag ontving ik uw klacht.\n",
    "Windows\r\nregels\r\nen een losse\rCR\n",
    "=3D is geen code, = wel; tabs\tand trailing spaces   \nnext",
    "x" * 300 + "\n" + "é" * 120,
    "Emoji 😡 en € en ü\n\n\n",
    "<p>Beste &amp; <b>vette</b> groet</p>\n",
    ".\nFrom the start of a line\n--" + BOUNDARY + "\n",
]


def _reference(headers: list[tuple[str, str]], text: str, html: str) -> bytes:
    message = MIMEMultipart("alternative", boundary=BOUNDARY)
    for name, value in headers:
        message[name] = value
    message.attach(MIMEText(text, "plain", UTF8_QP))  # type: ignore[arg-type]
    message.attach(MIMEText(html, "html", UTF8_QP))  # type: ignore[arg-type]
    return message.as_bytes(policy=SMTP_COMPAT)


@pytest.mark.parametrize("text", ODD_BODIES)
def test_the_bytes_are_the_email_packages(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(letters, "_boundary", lambda: BOUNDARY)
    headers = [
        ("From", "klachten@zorg-voorbeeld.nl"),
        ("To", "Anna de Wit <anna@example.nl>"),
        ("Subject", header_text("Ontvangstbevestiging van uw klacht K-2026-0042: Nooit gebeld")),
        ("References", " ".join(f"<bericht-{n}@mail.example.nl>" for n in range(12))),
        ("X-Klachtenbus-Case", "K-2026-0042"),
    ]
    html = text.replace("\n", "<br>\n")
    assert compose(headers, text, html) == _reference(headers, text, html)


def test_random_texts_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "_boundary", lambda: BOUNDARY)
    rnd = random.Random(11)
    alphabet = "abc XYZ=.\t\n\r-éü€😡<>&"
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 400)))
        subject = header_text("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 90))))
        headers = [("From", "a@example.nl"), ("Subject", subject)]
        assert compose(headers, text, text) == _reference(headers, text, text), repr(text)


def test_a_letter_has_one_mime_version_and_reads_back() -> None:
    raw = compose([("Subject", "Test")], "Beste Anna,\n", "<p>Beste Anna,</p>\n")
    message = message_from_bytes(raw, policy=policy.default)
    assert message.get_all("MIME-Version") == ["1.0"]
    plain, html = (message.get_body((kind,)) for kind in ("plain", "html"))
    assert plain is not None and plain.get_content() == "Beste Anna,\r\n"  # as on the wire
    assert html is not None and html.get_content() == "<p>Beste Anna,</p>\r\n"
