"""Intake: read a mailbox (IMAP or Maildir) and turn each message's bytes into a `ParsedMessage`."""

from intake.addresses import same_mailbox
from intake.message import Address, Attachment, FetchedMessage, ParsedMessage
from intake.parse import parse

__all__ = ["Address", "Attachment", "FetchedMessage", "ParsedMessage", "parse", "same_mailbox"]
