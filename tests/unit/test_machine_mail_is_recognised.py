"""Machine mail is recognised by the rules alone, headers or not; a person's mail that merely
mentions a holiday, a reply to an auto-reply, and a web form's mail are not machine mail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import intake
from intake import ParsedMessage
from rules import judge, load_rules
from tests.corpus import real_corpus

RULES = load_rules()
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def message(text: str, subject: str = "") -> ParsedMessage:
    return ParsedMessage(
        sender=None,
        reply_to=None,
        recipients=(),
        subject=subject,
        date=None,
        received_at=NOW,
        message_id=None,
        in_reply_to=None,
        references=(),
        text=text,
    )


def bounces_and_auto_replies() -> list[Path]:
    """Sisimai's samples; its `not/` folder holds the messages that are no bounce on purpose."""
    root = real_corpus() / "sisimai" / "maildir"
    return sorted(p for p in root.rglob("*.eml") if p.parent.name != "not")


def test_every_real_bounce_and_auto_reply_is_machine_mail() -> None:
    """Each of sisimai's bounces and auto-replies, from any mail server, is never answered."""
    paths = bounces_and_auto_replies()
    assert len(paths) > 90
    missed = [
        str(p.relative_to(real_corpus()))
        for p in paths
        if not judge(intake.parse(p.read_bytes(), received_at=NOW), RULES).is_machine
    ]
    assert missed == []


@pytest.mark.parametrize(
    "text",
    [
        "Beste afzender,\n\nIk ben van 3 tot en met 14 augustus afwezig. Uw e-mail wordt niet "
        "doorgestuurd. In dringende gevallen kunt u bellen met 030 123 45 67.",
        "Dag,\n\nIk ben met ouderschapsverlof tot 1 maart. Voor dringende zaken kunt u terecht "
        "bij onze onthaalmedewerker.",
        "Hallo, ik ben deze week op cursus en lees mijn mail vanaf maandag weer.",
        "Thank you for your message. I am out of the office until 5 January with limited "
        "access to e-mail. For urgent matters please contact the front desk.",
        "Vielen Dank für Ihre Nachricht. Ich bin bis zum 12. Mai nicht im Büro. In dringenden "
        "Fällen wenden Sie sich bitte an das Sekretariat.",
        "Bonjour, je suis absente jusqu'au 3 juin. En cas d'urgence, contactez l'accueil.",
        "Dit is een informatieve nieuwsbrief. Op deze e-mail kan u niet antwoorden.",
        "Uw aanvraag werd goed ontvangen. Er werd een dossier aangemaakt met nummer 1193.",
        "Graag stel ik ons voor: wij ondersteunen zorgorganisaties bij het innen van facturen. "
        "Heeft u interesse in een vrijblijvend kennismakingsgesprek?",
        "Hoe ervaart u onze hulp? De vragenlijst duurt ongeveer 5 minuten.",
    ],
)
def test_machine_mail_without_headers_is_recognised_by_its_wording(text: str) -> None:
    assert judge(message(text), RULES).is_machine


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        (
            "Re: Ontvangstmelding klacht",
            "Bedankt voor uw ontvangstmelding. Ik ben op vakantie van 10 tot 24 juli, dus het "
            "gesprek kan best daarna.",
        ),
        (
            "Re: Automatisch antwoord: aanvullende stukken",
            "Ik werk op maandag en dinsdag en heb toen gebeld, maar niemand nam op.",
        ),
        (
            "Re: Uw vraag werd goed ontvangen",
            "In bijlage nog het attest dat ik vergeten was bij te voegen.",
        ),
        (
            "Website: nieuwe vraag",
            "Vraag: kan ik met terugwerkende kracht zorgtoeslag aanvragen?\n\n"
            "Dit bericht is automatisch gegenereerd door de website.",
        ),
    ],
)
def test_a_persons_mail_that_sounds_like_a_machine_is_not_machine_mail(
    subject: str, text: str
) -> None:
    assert not judge(message(text, subject), RULES).is_machine
