"""Quoted earlier mail, signatures and mobile footers are split off before the rules and the model run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import intake
from rules import new_text
from tests.corpus import real_corpus

CLIENTS = ["aol", "apple_mail", "comcast", "hotmail", "iphone", "outlook", "thunderbird", "yahoo"]


@pytest.mark.parametrize("client", CLIENTS)
def test_real_replies_keep_only_the_reply(client: str) -> None:
    """Each mail client quotes differently; the new text is the same 'Hello' in all of them."""
    raw = (real_corpus() / "talon" / f"{client}.eml").read_bytes()
    message = intake.parse(raw, received_at=datetime.now(UTC))
    assert new_text(message.text) == "Hello"


@pytest.mark.parametrize(
    "body",
    [
        "Dank u, het is opgelost.\n\nOp ma 12 okt. 2026 om 08:51 schreef Ilse <ilse@example.com>:\n> Dit is schandalig!",
        "Dank u, het is opgelost.\n\n-----Oorspronkelijk bericht-----\nVan: Ilse\nDit is schandalig!",
        "Dank u, het is opgelost.\n\nVan: Ilse Boerma <ilse@example.com>\nVerzonden: maandag 12 oktober 2026 08:51\nDit is schandalig!",
        "Dank u, het is opgelost.\n\nVerzonden vanaf mijn iPhone",
    ],
)
def test_dutch_quotes_and_footers_are_split_off(body: str) -> None:
    assert new_text(body) == "Dank u, het is opgelost."
