"""What a message is, as intake hands it to the rest of the pipeline: shared by every stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Address:
    name: str
    email: str  # lower-cased; "" when the header held no usable address

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class AttachmentText:
    """What an attachment said, as far as it could be read within the limits.

    `name` is the file name (an attachment inside an archive or attached message: "outer/inner");
    `pages` counts what was read (a PDF's pages, None for a kind without pages); `note` says in
    Dutch why nothing or not everything was read (empty when all was).
    """

    name: str
    content_type: str
    text: str = ""
    pages: int | None = None
    note: str = ""


@dataclass(frozen=True)
class FetchedMessage:
    """Raw bytes as the mailbox gave them, with the mailbox's own arrival time.

    `key` identifies the message within its mailbox (IMAP: "UIDVALIDITY:UID";
    Maildir: the file's unique name), so a re-poll can recognise it.
    """

    key: str
    raw: bytes
    received_at: datetime  # IMAP INTERNALDATE: the legal moment of receipt
    uid: int | None = None
    uidvalidity: int | None = None


@dataclass(frozen=True)
class ParsedMessage:
    sender: Address | None
    reply_to: Address | None
    recipients: tuple[Address, ...]
    subject: str
    date: datetime | None  # the Date: header, as the sender's machine claimed it
    received_at: datetime
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    text: str
    attachments: tuple[Attachment, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> first value
    content_type: str = "text/plain"
    parts: tuple[str, ...] = ()  # content types of every MIME part, outermost first
    parser: str = "mail-parser"  # or "stdlib" when mail-parser gave up on this message
    # lower-case name -> every value in order: a repeated header (Precedence, Received)
    header_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The attachments' text, read where the message is prepared for judging (bot.preparing)
    attachment_texts: tuple[AttachmentText, ...] = ()

    @property
    def answer_address(self) -> Address | None:
        """Where a reply goes: Reply-To when usable, else From."""
        if self.reply_to and self.reply_to.email:
            return self.reply_to
        return self.sender if self.sender and self.sender.email else None
