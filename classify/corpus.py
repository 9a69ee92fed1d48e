"""The seed corpus the project writes and ships: labelled Dutch (and some other) mail."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import Flag, Kind


@dataclass(frozen=True)
class LabelledMessage:
    id: str
    kind: Kind  # complaint, remark or other: a label is never "uncertain"
    subject: str
    body: str
    flags: frozenset[Flag] = frozenset()
    headers: dict[str, str] = field(default_factory=dict)
    hard: bool = False
    lang: str = "nl"
    sector: str = ""


def seed_dir() -> Path:
    return Path(str(resources.files("classify") / "data" / "seed"))


def load_corpus(folder: Path | None = None) -> list[LabelledMessage]:
    """Every `*.jsonl` file in the seed folder, in a stable order."""
    folder = folder or seed_dir()
    out: list[LabelledMessage] = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    out.append(
                        LabelledMessage(
                            id=str(row["id"]),
                            kind=Kind(row["kind"]),
                            subject=str(row.get("subject") or ""),
                            body=str(row.get("body") or ""),
                            flags=frozenset(Flag(f) for f in row.get("flags") or []),
                            headers={str(k): str(v) for k, v in (row.get("headers") or {}).items()},
                            hard=bool(row.get("hard")),
                            lang=str(row.get("lang") or "nl"),
                            sector=str(row.get("sector") or ""),
                        )
                    )
                except (ValueError, KeyError, TypeError) as exc:
                    raise KlachtenbusError(
                        f"Corpusbestand {path.name}, regel {number}: {exc!r}. "
                        "Herstel de regel (geldige JSON met id, kind, subject, body)."
                    ) from exc
    return out
