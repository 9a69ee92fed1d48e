"""A message whose content is an attachment without a text layer (a scan, a photo) and that
cannot be read is never filed as a remark: it goes to the triage, and the reason says why."""

from __future__ import annotations

from pathlib import Path

from tests.documents import LETTER, judged, pdf, picture_of, scanned_pdf, with_attachments

READ_NOTHING = {"ocr": False}  # as on a machine without the ocr extra


def test_a_scanned_letter_goes_to_the_triage(trained_model: tuple[Path, str]) -> None:
    raw = with_attachments("Zie bijlage.", ("scan.pdf", "application/pdf", scanned_pdf(LETTER)))

    message, decision = judged(raw, trained_model, **READ_NOTHING)

    [scan] = message.attachment_texts
    assert scan.text == "" and scan.note == "geen tekstlaag (scan of foto)"
    assert decision.kind == "uncertain"
    assert decision.reasons[-1] == (
        "De inhoud staat in een bijlage die niet gelezen kon worden: scan.pdf (geen tekstlaag "
        "(scan of foto)). Een medewerker beoordeelt dit bericht."
    )


def test_a_photo_of_a_letter_goes_to_the_triage(trained_model: tuple[Path, str]) -> None:
    raw = with_attachments("", ("IMG_2041.jpg", "image/png", picture_of(LETTER)))

    assert judged(raw, trained_model, **READ_NOTHING)[1].kind == "uncertain"


def test_a_message_with_its_own_words_is_judged_on_them(trained_model: tuple[Path, str]) -> None:
    """A question written out in the body, with a photo beside it, is judged as the question."""
    body = (
        "Hallo,\n\nIs het inloopspreekuur volgende week dinsdag gewoon open? Ik wil graag hulp "
        "bij het invullen van een formulier; een foto van het formulier zit in de bijlage. "
        "Het gaat om de aanvraag voor de bijzondere bijstand van dit jaar.\n\nAlvast bedankt!"
    )
    raw = with_attachments(body, ("formulier.jpg", "image/png", picture_of("Aanvraagformulier")))

    decision = judged(raw, trained_model, **READ_NOTHING)[1]

    assert decision.kind == "remark"
    assert "Bijlage formulier.jpg niet gelezen: geen tekstlaag (scan of foto)." in decision.reasons


def test_a_scan_with_only_a_stamped_page_number_is_still_a_scan(
    trained_model: tuple[Path, str],
) -> None:
    """A copier's stamp ("Pagina 1") is no text layer: the letter itself was not read."""
    raw = with_attachments("Zie bijlage.", ("scan.pdf", "application/pdf", pdf("Pagina 1")))

    message, decision = judged(raw, trained_model, **READ_NOTHING)

    assert message.attachment_texts[0].note == "geen tekstlaag (scan of foto)"
    assert decision.kind == "uncertain"
