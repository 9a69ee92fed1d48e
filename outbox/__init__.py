"""Outbox: render Dutch letters from templates and deliver them, once."""

from outbox.delivery import (
    FolderMailer,
    LetterRefused,
    Mailer,
    RecipientRefused,
    ServerUnavailable,
    SmtpAccount,
    SmtpMailer,
)
from outbox.digest import meldcode_signal
from outbox.letters import (
    Acknowledgement,
    Envelope,
    RenderedLetter,
    acknowledgement,
    dutch_date,
    one_line,
)

__all__ = [
    "Acknowledgement",
    "Envelope",
    "FolderMailer",
    "LetterRefused",
    "Mailer",
    "RecipientRefused",
    "RenderedLetter",
    "ServerUnavailable",
    "SmtpAccount",
    "SmtpMailer",
    "acknowledgement",
    "dutch_date",
    "meldcode_signal",
    "one_line",
]
