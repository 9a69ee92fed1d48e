"""The web app and a worker that prepares inline have threads; a process with threads must not
fork (the child can deadlock on a lock another thread held, and Python 3.12+ warns). There the
attachments are read in a child the standard library's fork server makes, within the same
limits."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from intake.attachment_reader import read_attachments
from intake.attachment_text import AttachmentLimits
from tests.documents import LETTER, docx, pdf, with_attachments


@pytest.fixture
def another_thread(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A second thread is alive, and forking from this process would fail the test."""

    def no_fork() -> int:
        raise AssertionError("os.fork() called in a process with threads")

    monkeypatch.setattr(os, "fork", no_fork)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()


@pytest.mark.usefixtures("another_thread")
def test_a_letter_in_a_pdf_and_a_docx_is_read_by_the_fork_servers_child() -> None:
    raw = with_attachments(
        "Zie bijlagen.",
        ("klacht.pdf", "application/pdf", pdf(LETTER)),
        (
            "aanvulling.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            docx("Ik verwacht binnen zes weken een reactie."),
        ),
    )

    letter, addition = read_attachments(raw, AttachmentLimits())

    assert (letter.name, letter.pages, letter.note) == ("klacht.pdf", 1, "")
    assert "afgesnauwd" in letter.text
    assert "zes weken" in addition.text


@pytest.mark.usefixtures("another_thread")
def test_a_broken_file_is_noted_there_too() -> None:
    raw = with_attachments("Zie bijlage.", ("kapot.pdf", "application/pdf", b"%PDF-1.4 kapot"))

    [broken] = read_attachments(raw, AttachmentLimits())

    assert broken.text == "" and broken.note
