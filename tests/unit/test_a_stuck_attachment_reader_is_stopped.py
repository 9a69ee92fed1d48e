"""Reading an attachment has a time limit the worker can rely on: a reader that loops is
stopped at the limit, one stuck where no signal reaches it is killed with its process, and the
other attachments and the worker go on.

Each case runs in a fresh interpreter with one reader replaced by a bad one: a process
without threads, as a worker's helper is, so the reading child is forked from it and has the
bad reader too (a test process with threads would have its child made by the fork server,
which knows only the real readers)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.documents import LETTER, rtf, with_attachments

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, signal, sys, time
from dataclasses import asdict
from intake import attachment_text
from intake.attachment_reader import read_attachments
from intake.attachment_text import AttachmentLimits

def bad(*args):
{body}

attachment_text._READERS["pdf"] = bad
raw = sys.stdin.buffer.read()
started = time.monotonic()
read = read_attachments(raw, AttachmentLimits(seconds={seconds}))
print(json.dumps({{"seconds": time.monotonic() - started, "read": [asdict(t) for t in read]}}))
"""


def read_with_a_bad_pdf_reader(body: str, raw: bytes, seconds: float = 5) -> dict[str, Any]:
    """What `read_attachments` gives, and how long it took, with the PDF reader replaced."""
    code = SCRIPT.format(
        body="\n".join("    " + line for line in body.splitlines()), seconds=seconds
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=raw,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_a_reader_that_loops_is_stopped_at_its_limit() -> None:
    raw = with_attachments(
        "Zie bijlagen.",
        ("eindeloos.pdf", "application/pdf", b"%PDF-1.4"),
        ("klacht.rtf", "application/rtf", rtf(LETTER)),
    )

    result = read_with_a_bad_pdf_reader("while True:\n    pass", raw, seconds=0.5)

    stuck, letter = result["read"]
    assert result["seconds"] < 5
    assert stuck["note"] == "niet (helemaal) gelezen: langer dan 0.5 seconden"
    assert "afgesnauwd" in letter["text"]


def test_a_reader_beyond_the_alarm_is_killed() -> None:
    """A reader that ignores the alarm (as C code would) costs its child, not the worker."""
    raw = with_attachments("Zie bijlage.", ("vast.pdf", "application/pdf", b"%PDF-1.4"))

    result = read_with_a_bad_pdf_reader(
        "signal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(60)", raw, seconds=0.5
    )

    [stuck] = result["read"]
    assert result["seconds"] < 10
    assert stuck["text"] == "" and "liep vast" in stuck["note"]


def test_a_reader_that_crashes_its_process_is_noted() -> None:
    raw = with_attachments("Zie bijlage.", ("kapot.pdf", "application/pdf", b"%PDF-1.4"))

    result = read_with_a_bad_pdf_reader("signal.raise_signal(signal.SIGSEGV)", raw)

    [crashed] = result["read"]
    assert crashed["text"] == "" and crashed["note"].startswith("niet gelezen: het lezen brak af")
