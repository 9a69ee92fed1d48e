"""Quoted earlier mail, signatures and mobile footers are split off before the rules and the model run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import intake
from intake.parse import html_to_text
from rules import new_text
from tests.corpus import real_corpus
from tests.quote_cases import CASES, Case, normalised

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


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_client_and_language_leaves_the_new_text_whole(case: Case) -> None:
    """Outlook, Gmail, Apple Mail, Thunderbird and the phones, in the seven languages: the
    sender's new text stays whole wherever it stands, a reply header or footer goes, and a
    complainant's own "Op 12 februari schreef ik u al het volgende:" is text, not a header."""
    text = html_to_text(case.body) if case.html else case.body
    assert normalised(new_text(text)) == normalised(case.new)


def test_a_wrapped_attribution_never_takes_the_line_above_it() -> None:
    """A customer number above a Gmail attribution is the sender's own line, not its start."""
    body = (
        "Mijn klantnummer is 12345\n"
        "Op ma 12 okt 2026 om 08:51 schreef Zorggroep Klantenservice <\n"
        "klantenservice@example.nl>:\n> Wij bellen u.\n"
    )
    assert new_text(body) == "Mijn klantnummer is 12345"


def test_a_long_dash_block_is_text_not_a_signature() -> None:
    """Only a short block after "-- " is a signature; a long one may be the complaint itself."""
    body = "Kort.\n-- \n" + "\n".join(f"Punt {n}: de zorg kwam niet." for n in range(15))
    assert new_text(body) == body.strip()


_LINES = st.sampled_from(
    [
        "De zorg kwam niet.",
        "> Wij komen morgen.",
        "Op ma 12 okt 2026 om 08:51 schreef Zorg <zorg@example.nl>:",
        "Op 12 februari schreef ik u al het volgende:",
        "Van: Zorg <zorg@example.nl>",
        "Verzonden: maandag 12 oktober 2026 08:51",
        "Aan: Ilse",
        "Onderwerp: RE: planning",
        "-----Oorspronkelijk bericht-----",
        "---------- Doorgestuurd bericht ---------",
        "Verzonden vanaf mijn iPhone",
        "-- ",
        "_" * 32,
        "",
        "Zorggroep <",
        "zorg@example.nl> wrote:",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=40))
def test_the_split_never_invents_text_nor_leaves_nothing(lines: list[str]) -> None:
    """Whatever the mix of quotes, headers and footers, the new text is lines of the body, and
    a body with text in it never comes out empty (the rules would then judge nothing)."""
    body = "\n".join(lines)
    fresh = new_text(body)
    assert {line.strip() for line in fresh.splitlines()} <= {
        line.strip() for line in body.splitlines()
    }
    assert fresh or not body.strip()
