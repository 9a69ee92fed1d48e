"""Who we are: the organisation's name and addresses, for letters and for never answering
ourselves."""

from __future__ import annotations

from dataclasses import dataclass

from intake import same_mailbox


@dataclass(frozen=True)
class Organisation:
    address: str
    name: str
    postal_address: str = ""
    meldcode_address: str | None = None  # who hears at once of signs of abuse
    aliases: tuple[str, ...] = ()  # our other addresses: the IMAP and SMTP logins

    def owns(self, address: str) -> bool:
        """Whether a letter to `address` would land in one of our own mailboxes (any case,
        any `+tag`): answering it could start a loop with ourselves."""
        return any(same_mailbox(address, own) for own in (self.address, *self.aliases))
