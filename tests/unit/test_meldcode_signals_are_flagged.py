"""A possible sign of child abuse or domestic violence is flagged, whatever else the message is;
mail about the meldcode itself, biting toddlers and a fall are not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake import ParsedMessage
from klachtenbus.vocabulary import Flag
from rules import judge, load_rules

RULES = load_rules()


def message(text: str) -> ParsedMessage:
    return ParsedMessage(
        sender=None,
        reply_to=None,
        recipients=(),
        subject="",
        date=None,
        received_at=datetime.now(UTC),
        message_id=None,
        in_reply_to=None,
        references=(),
        text=text,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Mijn buurjongen vertelde dat zijn stiefvader hem slaat als hij te laat thuis is.",
        "De vader schudde de baby heen en weer toen ze bleef huilen.",
        "Ze had striemen op haar rug en wilde niet zeggen waarvan.",
        "Hij durft eigenlijk niet meer naar huis na school.",
        "Mijn man heeft me vorige week tegen de muur gedrukt en ik ben bang voor hem.",
        "De kleinzoon houdt het leefgeld en dreigt haar in een tehuis te stoppen.",
        "Het kind komt elke dag zonder ontbijt naar school en wordt volgens mij verwaarloosd.",
        "My husband hit me last week and I am afraid to go home.",
        "Gecen hafta kocam bana vurdu.",
    ],
)
def test_signals_are_flagged(text: str) -> None:
    assert Flag.MELDCODE in judge(message(text), RULES).flags


@pytest.mark.parametrize(
    "text",
    [
        "Kan ik me aanmelden voor de training signaleren van huiselijk geweld?",
        "Tim is vandaag door een ander kindje gebeten, er staat een afdruk op zijn arm.",
        "Mama is gisteren uit bed gevallen; gelukkig niets gebroken.",
        "De buurman heeft meteen alarm geslagen toen ze niet opendeed.",
        "Ik word door de energieleverancier bedreigd met afsluiting.",
    ],
)
def test_near_misses_are_not_flagged(text: str) -> None:
    assert Flag.MELDCODE not in judge(message(text), RULES).flags
