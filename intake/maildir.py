"""A Maildir as the mailbox: for the embedded demo and for mail delivered to disk."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from klachtenbus.errors import MailboxError
from klachtenbus.mail import FetchedMessage

log = logging.getLogger(__name__)


class MaildirMailbox:
    """Messages in `new/` and `cur/`; filed away into `.Verwerkt` / `.Onverwerkbaar` subfolders."""

    def __init__(
        self,
        path: Path,
        *,
        processed_folder: str = "Verwerkt",
        quarantine_folder: str = "Onverwerkbaar",
    ) -> None:
        self.path = Path(path)
        self.processed_folder = processed_folder
        self.quarantine_folder = quarantine_folder
        self.name = f"maildir:{self.path.resolve()}"
        self.uidvalidity = 0

    def __enter__(self) -> MaildirMailbox:
        """A Maildir is never made here: a mistyped path would be an empty mailbox, read
        forever while the mail arrives elsewhere. One with `new/` or `cur/` gets the rest."""
        if not any((self.path / sub).is_dir() for sub in ("new", "cur")):
            problem = "bestaat niet" if not self.path.exists() else "is geen Maildir"
            raise MailboxError(
                f"De Maildir {self.path} {problem} (er hoort een submap new/ of cur/ in). "
                "Controleer KLACHTENBUS_MAILDIR; Klachtenbus maakt deze map niet zelf aan."
            )
        for sub in ("new", "cur", "tmp"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def keys(self) -> list[str]:
        files = [p for sub in ("new", "cur") for p in (self.path / sub).iterdir() if p.is_file()]
        files.sort(key=lambda p: (p.stat().st_mtime, p.name))
        return [_unique_name(p) for p in files]

    def fetch(self, keys: Sequence[str]) -> Iterator[FetchedMessage]:
        """One file at a time, read only when asked for: the pipeline's batches, bounded by count
        and by bytes (a file's size), are all that is held. A file gone meanwhile is skipped."""
        for key in keys:
            try:
                path = self._find(key)
                if path is None:
                    raise FileNotFoundError(key)
                received_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                raw = path.read_bytes()
            except FileNotFoundError:  # filed away by another worker since the listing
                log.info("Bericht %s is intussen uit de map verdwenen; overgeslagen.", key)
                continue
            yield FetchedMessage(key=key, raw=raw, received_at=received_at)

    def file_away(self, keys: Iterable[str], *, quarantine: bool = False) -> None:
        folder = self.quarantine_folder if quarantine else self.processed_folder
        target = self.path / f".{folder}"
        for sub in ("new", "cur", "tmp"):
            (target / sub).mkdir(parents=True, exist_ok=True)
        for key in keys:
            path = self._find(key)
            if path is not None:
                os.replace(path, target / "cur" / f"{key}:2,S")

    def _find(self, key: str) -> Path | None:
        for sub in ("new", "cur"):
            for candidate in (self.path / sub).glob(f"{key}*"):
                if _unique_name(candidate) == key:
                    return candidate
        return None


def _unique_name(path: Path) -> str:
    """The part of a Maildir file name that stays when its flags change."""
    return path.name.split(":", 1)[0]
