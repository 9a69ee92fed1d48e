"""Where the shared real-mail corpus lives, found from the repository (CI clones it beside shared/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent


def real_corpus() -> Path:
    candidates = (
        [Path(os.environ["KLACHTENBUS_REAL_CORPUS"])]
        if "KLACHTENBUS_REAL_CORPUS" in os.environ
        else []
    )
    candidates += [
        REPOSITORY.parent / "shared" / "corpus" / "real",
        REPOSITORY.parent.parent / "shared" / "corpus" / "real",
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    pytest.fail(
        "The real-mail corpus (shared/corpus/real) was not found beside the repository; "
        "set KLACHTENBUS_REAL_CORPUS to its folder.",
        pytrace=False,
    )


def real_messages() -> list[Path]:
    root = real_corpus()
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in (".md", ".tnef"))
