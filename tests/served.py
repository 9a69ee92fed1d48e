"""What the mail server holds and serves, read without Klachtenbus: to compare what it stored."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MailboxAccount
from tests.servers import Dovecot


def served_bytes(mailbox: MailboxAccount, folder: str = "INBOX") -> dict[int, bytes]:
    """Each message's bytes as FETCH BODY.PEEK[] returns them, by UID."""
    with mailbox.client() as client:
        client.select_folder(folder, readonly=True)
        fetched = client.fetch(client.search("ALL"), ["BODY.PEEK[]"])
    return {uid: data[b"BODY[]"] for uid, data in fetched.items()}


def maildir_bytes(dovecot: Dovecot, mailbox: MailboxAccount) -> dict[int, bytes]:
    """Each INBOX message's file in Dovecot's Maildir, by UID (from dovecot-uidlist). Dovecot
    keeps lines ending in LF on disk and serves them ending in CRLF."""
    maildir = dovecot.dir / "home" / mailbox.user / "Maildir"
    files = {p.name.partition(":")[0]: p for p in _message_files(maildir)}
    found: dict[int, bytes] = {}
    for line in (maildir / "dovecot-uidlist").read_text().splitlines()[1:]:
        uid, _, rest = line.partition(" ")
        base = rest.rpartition(":")[2].partition(":")[0].split(",")[0]
        match = next((p for name, p in files.items() if name.split(",")[0] == base), None)
        if match is not None:
            found[int(uid)] = match.read_bytes()
    return found


def _message_files(maildir: Path) -> list[Path]:
    return [p for sub in ("new", "cur") for p in (maildir / sub).iterdir() if p.is_file()]
