"""The word 'klacht' that names a complaint already there (a withdrawal, a reply on our
acknowledgement or its case number), or a complaint about someone else that the writer asks
our help with, or a researcher's question about complaints, is no new complaint by that word
alone (the labelling guideline: remarks). A new grievance still makes it one: blame for what
we did or failed to do keeps the word counted, and strong wording is never taken back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake import ParsedMessage
from rules import Marker, judge, load_rules

RULES = load_rules()


def message(subject: str, text: str) -> ParsedMessage:
    return ParsedMessage(
        sender=None,
        reply_to=None,
        recipients=(),
        subject=subject,
        date=None,
        received_at=datetime.now(UTC),
        message_id=None,
        in_reply_to=None,
        references=(),
        text=text,
    )


def complaint_words(subject: str, text: str) -> list[str]:
    verdict = judge(message(subject, text), RULES)
    return [h.rule for h in verdict.hits if h.marker is Marker.COMPLAINT_WORD]


@pytest.mark.parametrize(
    ("subject", "text", "because"),
    [
        (
            "Intrekken klacht",
            "Ik trek mijn klacht in, het is opgelost.",
            "verwijst naar een klacht",
        ),
        ("Intrekking klacht", "Na het gesprek is alles duidelijk.", "verwijst naar een klacht"),
        ("klacht stopzetten", "Mag mijn klacht stopzetten? Het gaat nu goed.", "verwijst naar"),
        ("Withdrawing my complaint", "I am withdrawing my complaint, thank you.", "verwijst naar"),
        ("Şikayetimi geri çekiyorum", "Şikayetimi geri çekiyorum, teşekkürler.", "verwijst naar"),
        ("Re: Uw klacht K-2026-0139", "Dank u, donderdag om tien uur past.", "verwijst naar"),
        ("Re: Ontvangstbevestiging klacht", "Hierbij de foto's die u vroeg.", "verwijst naar"),
        ("Klacht 2026/KL/022", "Klacht 2026/KL/022 mag dicht, dank.", "verwijst naar"),
        ("Re: Uitnodiging gesprek klacht", "Ik kom met mijn dochter.", "verwijst naar"),
        (
            "Masterproef",
            "Voor mijn masterproef zoek ik wie over een klacht wil vertellen.",
            "student",
        ),
        (
            "Persvraag",
            "Ik schrijf een artikel over de klachtenfunctionaris in de jeugdhulp.",
            "journalist",
        ),
        (
            "Hulp bij bezwaar",
            "Kunt u helpen met mijn bezwaar tegen de gemeente?",
            "geldt een ander",
        ),
        (
            "Klacht over mijn buren",
            "Ik wil een klacht over mijn buren, kunt u bemiddelen?",
            "ander",
        ),
        ("Geen enkele klacht!", "Geen enkele klacht, alleen dank aan Ria!", "geen klacht"),
    ],
)
def test_the_word_alone_names_no_new_complaint(subject: str, text: str, because: str) -> None:
    verdict = judge(message(subject, text), RULES)
    assert not [h for h in verdict.hits if h.marker is Marker.COMPLAINT_WORD]
    assert any(because in explanation for explanation in verdict.explained_away)


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        # a reply on our letter that blames us again: the word counts
        (
            "Re: Uw klacht K-2026-0139",
            "Het is weer gebeurd: de begeleider is opnieuw niet gekomen en niemand belde af.",
        ),
        # a complaint about the municipality that also blames our consultant
        (
            "Klacht",
            "Mijn klacht over de gemeente is één ding, maar uw medewerker is al drie keer niet "
            "gekomen en ik werd afgesnauwd.",
        ),
        # a resent complaint is a complaint
        ("Nogmaals mijn klacht", "Nogmaals mijn klacht, want ik hoorde niets."),
        # it is still pending: no handling to thank for
        ("Mijn klacht", "Mijn klacht is nog steeds niet afgehandeld."),
    ],
)
def test_a_new_grievance_keeps_the_word_counted(subject: str, text: str) -> None:
    assert complaint_words(subject, text)


def test_strong_wording_is_never_taken_back_by_a_reference() -> None:
    verdict = judge(
        message("Re: Uw klacht K-2026-0139", "Dit is werkelijk schandalig, weer niemand gekomen."),
        RULES,
    )
    assert Marker.STRONG_WORDING in {h.marker for h in verdict.hits}
