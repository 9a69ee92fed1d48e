"""The worker's heartbeat: after every fetch attempt, per mailbox, what went well or wrong.
Written to the database so the web app (`/healthz`, `/metrics`), `klachtenbus doctor` and
the alarm job see it from their own processes."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from klachtenbus.errors import KlachtenbusError
from storage import Store
from storage import health as records

log = logging.getLogger(__name__)

# The name of the one mailbox of an installation without named mailboxes.
DEFAULT_MAILBOX = "standaard"
# When a mailbox's OAuth2 token or consent lapses (None: a password login, or not known).
# The OAuth2 part of Klachtenbus provides it; until then every mailbox has none.
TokenExpiry = Callable[[str], datetime | None]

_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*")


def error_text(error: BaseException) -> str:
    """What went wrong, in Dutch, for admins and logs: addresses masked, at most 500
    characters. An error Klachtenbus did not foresee is named by its kind only (its text
    may quote a message)."""
    if isinstance(error, KlachtenbusError):
        text = str(error)
    else:
        text = f"Onverwachte fout ({error.__class__.__name__}); zie het logboek van de bot."
    return _ADDRESS.sub("[adres]", text)[:500]


def record_fetch(
    store: Store,
    mailbox: str = DEFAULT_MAILBOX,
    *,
    source: str | None = None,
    error: BaseException | None = None,
    at: datetime | None = None,
    token_expires_at: datetime | None = None,
) -> None:
    """Record one fetch attempt of `mailbox` (`source`: the name its messages are stored
    under). Never raises: a database that is away must not stop the next poll, and the
    stale heartbeat then tells `/healthz` so."""
    at = at or datetime.now(UTC)
    try:
        with store.unit_of_work() as session:
            row = records.heartbeat(session, mailbox)
            row.source = source or row.source
            row.last_attempt_at = at
            row.attempts += 1
            if error is None:
                row.last_success_at = at
                row.failing_since = None
            else:
                row.errors += 1
                row.last_error = error_text(error)
                row.last_error_at = at
                row.failing_since = row.failing_since or at
            row.backlog = records.backlog(session, row.source)
            row.quarantined = records.quarantined(session, row.source)
            row.oldest_unsent_at = records.oldest_unsent(session)
            row.token_expires_at = token_expires_at
    except (SQLAlchemyError, KlachtenbusError) as exc:
        log.warning("Hartslag van mailbox %s niet vastgelegd: %s", mailbox, exc.__class__.__name__)
