"""Scan-, voicemail- and SMS-to-mail robots and web forms send as machines, but carry what a
client said or wrote: judged by that text (the labelling guideline's web-form rule), never
filed away for their robot headers or wording."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

import intake
from intake import ParsedMessage
from rules import judge, load_rules

RULES = load_rules()
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def robot(
    subject: str,
    body: str,
    sender: str,
    headers: dict[str, str] | None = None,
    attachment: tuple[str, str, bytes] | None = None,
) -> ParsedMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "klachten@zorg-voorbeeld.nl"
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if attachment:
        maintype, subtype, data = attachment
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename="bijlage")
    return intake.parse(bytes(message), received_at=NOW)


CASES = [
    robot(
        "Voicemail van 0612345678 (1 min 12 s)",
        "U heeft een nieuwe voicemail ontvangen.\n\nTranscriptie: Goedemiddag, met mevrouw "
        "Jansen. Ik ben al drie keer niet teruggebeld over de thuiszorg van mijn moeder.",
        "Telefonie <noreply@telefonie.example.nl>",
        {"Auto-Submitted": "auto-generated"},
        ("audio", "wav", b"RIFF0000WAVEfmt "),
    ),
    robot(
        "SMS van +31612345678",
        "De begeleider is vandaag weer niet gekomen en niemand belt terug.",
        "SMS Gateway <sms@gateway.example.nl>",
        {"X-Auto-Response-Suppress": "All"},
    ),
    robot(
        "Scan van RICOH MP C3004",
        "Dit is een automatische e-mail. Gescand document bijgevoegd.",
        "Scanner receptie <scanner@zorg-voorbeeld.nl>",
        {"Auto-Submitted": "auto-generated", "X-Mailer": "RICOH MP C3004"},
        ("application", "pdf", b"%PDF-1.4\n%%EOF\n"),
    ),
    robot(
        "Website: nieuw bericht via het contactformulier",
        "Naam: Ans Bakker\nE-mail: ans@example.nl\nBericht: Mijn zoon is op de opvang "
        "genegeerd door de leiding.\n\nDit bericht is automatisch verzonden. U kunt niet "
        "antwoorden op deze e-mail.",
        "Website <noreply@zorg-voorbeeld.nl>",
        {"Auto-Submitted": "auto-generated", "X-Mailer": "PHPMailer 6.9.1"},
    ),
]


@pytest.mark.parametrize("message", CASES, ids=["voicemail", "sms", "scan", "webformulier"])
def test_a_relaying_robot_is_judged_by_the_persons_words(message: ParsedMessage) -> None:
    verdict = judge(message, RULES)
    assert verdict.relayed_by
    assert not verdict.is_machine and not verdict.machine_by_header
    assert any("tekst van een persoon" in r for r in verdict.reasons)


def test_an_auto_reply_is_no_relaying_robot() -> None:
    message = robot(
        "Automatisch antwoord: afspraak",
        "Ik ben afwezig tot maandag.",
        "Petra <petra@example.nl>",
        {"Auto-Submitted": "auto-replied"},
    )
    verdict = judge(message, RULES)
    assert verdict.relayed_by is None and verdict.machine_by_header
