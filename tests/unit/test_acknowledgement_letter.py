"""The ontvangstbevestiging: Dutch, the case number, the dates, marked as an automatic reply."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest

import outbox

FACTS = outbox.Acknowledgement(
    case_number="K-2026-0042",
    complainant_name="Anna de Wit",
    subject="Nooit teruggebeld",
    received_on=date(2026, 12, 23),
    acknowledge_by=date(2027, 1, 5),
    answer_by=date(2027, 2, 3),
    procedure_title="Klachtenprocedure HSS Hulpverlening Sociale Sector",
    external_route="U kunt ook terecht bij erisietsmisgegaan.nl.",
    organisation_name="Stichting Zorg Voorbeeld",
    organisation_address="Postbus 1, 1000 AA Voorbeeld",
)
ENVELOPE = outbox.Envelope(
    sender="klachten@zorg-voorbeeld.nl",
    recipient="anna@example.nl",
    recipient_name="Anna de Wit",
    in_reply_to="<klacht-1@example.nl>",
    references=("<eerder@example.nl>",),
)


def render(facts: outbox.Acknowledgement = FACTS) -> object:
    letter = outbox.acknowledgement(facts, ENVELOPE, sent_at=datetime(2026, 12, 23, 12, tzinfo=UTC))
    return message_from_bytes(letter.raw, policy=policy.default)


def test_the_letter_states_number_dates_and_route() -> None:
    letter = render()
    text = letter.get_body(("plain",)).get_content()
    assert "K-2026-0042" in letter["Subject"] and "K-2026-0042" in text
    assert "woensdag 23 december 2026" in text
    assert "dinsdag 5 januari 2027" not in text  # this letter is the confirmation itself
    assert "Uiterlijk woensdag 3 februari 2027" in text
    assert "erisietsmisgegaan.nl" in text
    assert "Beste Anna de Wit" in text


def test_the_letter_is_an_rfc3834_auto_reply_in_the_thread() -> None:
    letter = render()
    assert letter["Auto-Submitted"] == "auto-replied"
    assert letter["In-Reply-To"] == "<klacht-1@example.nl>"
    assert letter["References"] == "<eerder@example.nl> <klacht-1@example.nl>"
    assert letter["Message-ID"].endswith("@zorg-voorbeeld.nl>")


def test_the_html_alternative_escapes_the_complainants_words() -> None:
    letter = render(FACTS.__class__(**{**vars(FACTS), "subject": "<script>alert(1)</script>"}))
    html = letter.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_subject_with_line_breaks_cannot_inject_headers() -> None:
    letter = render(
        FACTS.__class__(**{**vars(FACTS), "subject": "Hallo\r\nBcc: iedereen@example.com"})
    )
    assert letter["Bcc"] is None
    assert "\n" not in letter["Subject"]


@pytest.mark.parametrize(
    ("name", "subject", "references"),
    [
        ("Anna de Wit", "Nooit teruggebeld", ("<eerder@example.nl>",)),
        ("Çiğdem Öztürk-Ĳsselmeer", "Klacht over de thuiszorg én de wijkverpleging", ()),
        ("", "", ()),
        (
            "Mr. J. van den Berg-de Vries namens mevrouw De Groot",
            "Re: Re: Fwd: " + "heel lang onderwerp over een klacht " * 6,
            tuple(f"<bericht-{n}-met-een-lang-id@mail.example.nl>" for n in range(12)),
        ),
        ("Emoji 😡", "Ik ben boos 😡😡 — echt!  Twee  spaties\tand a tab", ()),
        ("François <francois@old.example>, Jan", "Klacht: één cliënt, ideeën genoeg", ()),
    ],
)
def test_names_subjects_and_references_read_back_as_written(
    name: str, subject: str, references: tuple[str, ...]
) -> None:
    """Whatever the name or subject, the complainant's client shows it as it was, on lines
    of at most 78 characters."""
    facts = outbox.Acknowledgement(**{**vars(FACTS), "subject": subject, "complainant_name": name})
    envelope = outbox.Envelope(
        **{**vars(ENVELOPE), "recipient_name": name, "references": references}
    )
    raw = outbox.acknowledgement(
        facts, envelope, sent_at=datetime(2026, 12, 23, 12, tzinfo=UTC)
    ).raw
    letter = message_from_bytes(raw, policy=policy.default)
    [to] = letter["To"].addresses
    assert (to.display_name, to.addr_spec) == (name, "anna@example.nl")
    expected = "Ontvangstbevestiging van uw klacht K-2026-0042"
    expected += f": {outbox.one_line(subject)}" if subject.strip() else ""
    assert " ".join(letter["Subject"].split()) == " ".join(expected.split())
    assert letter["References"].split() == [*references, "<klacht-1@example.nl>"][-10:]
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78


def test_the_boundary_never_occurs_in_a_quoted_printable_body() -> None:
    """A body full of '=' signs still cannot contain the boundary: quoted-printable escapes them."""
    letter = render(FACTS.__class__(**{**vars(FACTS), "subject": "=" * 15 + "1" * 19 + "=="}))
    assert len(letter.get_payload()) == 2  # type: ignore[attr-defined]
