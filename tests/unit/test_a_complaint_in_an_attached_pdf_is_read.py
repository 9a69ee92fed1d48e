"""A complaint sent as "Zie bijlage" with the letter in a PDF is judged on the letter, and the
reason says which attachment held the text and how many pages were read."""

from __future__ import annotations

from pathlib import Path

from tests.documents import LETTER, judged, pdf, with_attachments


def test_the_letter_in_the_pdf_makes_it_a_complaint(trained_model: tuple[Path, str]) -> None:
    """The body says nothing; the two-page letter it points to is a complaint."""
    raw = with_attachments(
        "Zie bijlage.\n\nMet vriendelijke groet,\nAnna",
        ("klacht.pdf", "application/pdf", pdf(LETTER, "Ik verwacht een reactie binnen zes weken.")),
    )

    message, decision = judged(raw, trained_model)

    [read] = message.attachment_texts
    assert (read.name, read.pages, read.note) == ("klacht.pdf", 2, "")
    assert "afgesnauwd" in read.text and "zes weken" in read.text
    assert decision.kind == "complaint"
    assert "Tekst uit bijlage klacht.pdf (2 pagina's) meegewogen." in decision.reasons


def test_without_the_attachment_the_same_body_is_no_complaint(
    trained_model: tuple[Path, str],
) -> None:
    """The body alone would have been filed as a remark: the attachment made the difference."""
    raw = with_attachments(
        "Zie bijlage.\n\nMet vriendelijke groet,\nAnna",
        ("klacht.pdf", "application/pdf", pdf(LETTER)),
    )
    body_only = with_attachments("Zie bijlage.\n\nMet vriendelijke groet,\nAnna")

    assert judged(body_only, trained_model)[1].kind == "remark"
    assert judged(raw, trained_model)[1].kind == "complaint"


def test_a_letter_as_plain_text_beside_the_body_is_read(trained_model: tuple[Path, str]) -> None:
    """A text attachment is a text part too: it is read as an attachment, not skipped."""
    raw = with_attachments("Zie bijlage.", ("klacht.txt", "text/plain", LETTER.encode()))

    message, decision = judged(raw, trained_model)

    assert "afgesnauwd" in message.attachment_texts[0].text
    assert decision.kind == "complaint"


def test_only_the_first_pages_are_read(trained_model: tuple[Path, str]) -> None:
    """A PDF longer than the page limit is read up to it, and the reason says so."""
    raw = with_attachments(
        "Zie bijlage.", ("dossier.pdf", "application/pdf", pdf(LETTER, *["bijlage"] * 9))
    )

    message, decision = judged(raw, trained_model, max_pages=3)

    [read] = message.attachment_texts
    assert read.pages == 3 and read.note == "alleen de eerste 3 van 10 pagina's gelezen"
    assert any(r.startswith("Tekst uit bijlage dossier.pdf (3 pagina's)") for r in decision.reasons)


def test_a_message_without_attachments_reads_none(trained_model: tuple[Path, str]) -> None:
    """Body text alone is judged as before: nothing is read, no reason is added."""
    message, decision = judged(with_attachments("Wanneer is het spreekuur?"), trained_model)

    assert message.attachment_texts == ()
    assert not any("bijlage" in r.lower() for r in decision.reasons)
