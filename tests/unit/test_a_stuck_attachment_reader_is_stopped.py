"""Reading an attachment has a time limit the worker can rely on: a reader that loops is
stopped at the limit, one stuck where no signal reaches it is killed with its process, and the
other attachments and the worker go on."""

from __future__ import annotations

import signal
import time

import pytest

from intake import attachment_text
from intake.attachment_reader import read_attachments
from intake.attachment_text import AttachmentLimits
from tests.documents import LETTER, rtf, with_attachments


def test_a_reader_that_loops_is_stopped_at_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def loops(*args: object) -> list[object]:
        while True:
            pass

    monkeypatch.setitem(attachment_text._READERS, "pdf", loops)
    raw = with_attachments(
        "Zie bijlagen.",
        ("eindeloos.pdf", "application/pdf", b"%PDF-1.4"),
        ("klacht.rtf", "application/rtf", rtf(LETTER)),
    )

    started = time.monotonic()
    stuck, letter = read_attachments(raw, AttachmentLimits(seconds=0.5))

    assert time.monotonic() - started < 5
    assert stuck.note == "niet (helemaal) gelezen: langer dan 0.5 seconden"
    assert "afgesnauwd" in letter.text


def test_a_reader_beyond_the_alarm_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader that ignores the alarm (as C code would) costs its child, not the worker."""

    def deaf(*args: object) -> list[object]:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        time.sleep(60)
        return []

    monkeypatch.setitem(attachment_text._READERS, "pdf", deaf)
    raw = with_attachments("Zie bijlage.", ("vast.pdf", "application/pdf", b"%PDF-1.4"))

    started = time.monotonic()
    [stuck] = read_attachments(raw, AttachmentLimits(seconds=0.5))

    assert time.monotonic() - started < 10
    assert stuck.text == "" and "liep vast" in stuck.note


def test_a_reader_that_crashes_its_process_is_noted(monkeypatch: pytest.MonkeyPatch) -> None:
    def crashes(*args: object) -> list[object]:
        signal.raise_signal(signal.SIGSEGV)
        return []

    monkeypatch.setitem(attachment_text._READERS, "pdf", crashes)
    raw = with_attachments("Zie bijlage.", ("kapot.pdf", "application/pdf", b"%PDF-1.4"))

    [crashed] = read_attachments(raw, AttachmentLimits())

    assert crashed.text == "" and crashed.note.startswith("niet gelezen: het lezen brak af")
