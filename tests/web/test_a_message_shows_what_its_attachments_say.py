"""The message page shows, per attachment, the text the bot read in it (or why it read
none), so an officer sees what the judgement weighed without opening a download."""

from __future__ import annotations

from tests.casework import arrived
from tests.documents import LETTER, pdf, scanned_pdf, with_attachments
from tests.web_helpers import Web


def test_the_text_of_each_attachment_is_on_the_page(web: Web) -> None:
    raw = with_attachments(
        "Zie bijlagen.",
        ("klacht.pdf", "application/pdf", pdf(LETTER, "<b>Tweede</b> pagina")),
        ("scan.pdf", "application/pdf", scanned_pdf("Handgeschreven brief")),
    )
    number = arrived(web.store, raw)

    page = web.logged_in("anna").get(f"/berichten/{number}").text

    assert "Tekst uit klacht.pdf (2 pagina&#39;s)" in page
    assert "Toen ik belde werd ik afgesnauwd." in page
    assert "&lt;b&gt;Tweede&lt;/b&gt; pagina" in page  # shown as text, never as markup
    # a scan: why it was not read, or (with the ocr extra, in time) what OCR read in it
    assert "scan.pdf: " in page or "Tekst uit scan.pdf (1 pagina): gelezen met" in page
