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
    ],
)
def test_the_quick_header_writer_gives_the_standard_bytes(
    monkeypatch: pytest.MonkeyPatch, name: str, subject: str, references: tuple[str, ...]
) -> None:
    """The quick header writing changes nothing in the letter's bytes."""
    from email.policy import compat32

    from outbox import letters

    monkeypatch.setattr(letters, "make_msgid", lambda domain: f"<vast@{domain}>")
    monkeypatch.setattr(letters, "_boundary", lambda: "===============0123456789012345678==")
    facts = outbox.Acknowledgement(**{**vars(FACTS), "subject": subject, "complainant_name": name})
    envelope = outbox.Envelope(
        **{**vars(ENVELOPE), "recipient_name": name, "references": references}
    )
    sent_at = datetime(2026, 12, 23, 12, tzinfo=UTC)
    quick = outbox.acknowledgement(facts, envelope, sent_at=sent_at).raw
    monkeypatch.setattr(letters, "fold_header", compat32.clone(linesep="\r\n").fold)
    monkeypatch.setattr(letters, "_SUBJECT_CHARSET", "utf-8")
    assert quick == outbox.acknowledgement(facts, envelope, sent_at=sent_at).raw


def test_the_boundary_never_occurs_in_a_quoted_printable_body() -> None:
    """A body full of '=' signs still cannot contain the boundary: quoted-printable escapes them."""
    letter = render(FACTS.__class__(**{**vars(FACTS), "subject": "=" * 15 + "1" * 19 + "=="}))
    assert len(letter.get_payload()) == 2  # type: ignore[attr-defined]


def test_the_quick_subject_encoding_gives_the_standard_lines() -> None:
    """The linear-time utf-8 header encoder folds every subject exactly as the standard one."""
    import random
    from email.header import Header

    from outbox import letters

    pick = random.Random(3)
    alphabet = "abc défg😡 é中=?_\t"
    subjects = ["", "x" * 300, "Klacht over de thuiszorg én de wijkverpleging " * 4]
    subjects += [
        "".join(pick.choice(alphabet) for _ in range(pick.randint(0, 260))) for _ in range(500)
    ]
    for subject in subjects:
        assert Header(subject, letters._QuickUtf8()).encode() == Header(subject, "utf-8").encode()
