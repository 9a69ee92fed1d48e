"""Intake: read a mailbox (IMAP or Maildir) and turn each message's bytes into a `ParsedMessage`."""

from intake.addresses import same_mailbox
from intake.parse import parse
from klachtenbus.mail import Address, Attachment, FetchedMessage, ParsedMessage

__all__ = ["Address", "Attachment", "FetchedMessage", "ParsedMessage", "parse", "same_mailbox"]
