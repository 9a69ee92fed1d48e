"""Vendored front-end files are the published ones their VENDORED.md names, byte for byte."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

NOTES = [REPO / "web" / "static" / "VENDORED.md", REPO / "tests" / "browser" / "VENDORED.md"]
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \|.*\| `(?P<sha256>[0-9a-f]{64})` \|$", re.MULTILINE)


@pytest.mark.parametrize("notes", NOTES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_vendored_file_has_the_sha256_its_notes_state(notes: Path) -> None:
    rows = list(ROW.finditer(notes.read_text(encoding="utf-8")))
    assert rows, f"{notes} lists no file with its sha256"
    for row in rows:
        data = (notes.parent / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
