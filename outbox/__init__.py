"""Outbox: render Dutch letters from templates and deliver them, once."""

from outbox.delivery import FolderMailer, Mailer, RecipientRefused, SmtpAccount, SmtpMailer
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
    "Mailer",
    "RecipientRefused",
    "RenderedLetter",
    "SmtpAccount",
    "SmtpMailer",
    "acknowledgement",
    "dutch_date",
    "meldcode_signal",
    "one_line",
]
