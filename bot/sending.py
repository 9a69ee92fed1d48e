"""Sending the queued letters: each claimed before it goes out, recorded right after, never twice."""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import outbox
from klachtenbus.errors import DeliveryError
from storage import Store, records

log = logging.getLogger(__name__)

# A letter claimed longer ago than this belongs to a worker that died while sending it.
STALE_CLAIM = timedelta(minutes=5)


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    abandoned: int = 0


class Sender:
    def __init__(self, store: Store, sender_address: str, stop: threading.Event) -> None:
        self.store = store
        self.sender_address = sender_address
        self.stop = stop

    def send_due_all(self, mailer: outbox.Mailer, **kwargs: float) -> SendSummary:
        """Send until nothing is due (a page of letters at a time)."""
        total = SendSummary()
        while True:
            page = self.send_due(mailer, **kwargs)
            total.sent += page.sent
            total.failed += page.failed
            total.abandoned += page.abandoned
            if page.sent + page.failed == 0 or self.stop.is_set():
                return total

    def send_due(
        self,
        mailer: outbox.Mailer,
        *,
        retry_base: float = 30,
        retry_max: float = 3600,
        at: datetime | None = None,
    ) -> SendSummary:
        """Send every letter that is due; a letter is claimed before sending and never resent."""
        summary = SendSummary()
        at = at or datetime.now(UTC)
        with self.store.unit_of_work() as session:
            summary.abandoned = records.abandon_stale_claims(session, STALE_CLAIM)
            due = records.due_letter_ids(session, at)
        with mailer.session() as deliver:
            for letter_id in due:
                if self.stop.is_set():
                    break
                with self.store.unit_of_work() as session:
                    letter = records.claim_letter(session, letter_id, datetime.now(UTC))
                    if letter is None:
                        continue  # another worker took it
                    raw, recipient, message_id = letter.raw, letter.recipient, letter.message_id
                    attempts = letter.attempts
                try:
                    deliver(
                        raw,
                        sender=self.sender_address,
                        recipient=recipient or "",
                        message_id=message_id,
                    )
                except DeliveryError as exc:
                    delay = min(retry_base * 2 ** (attempts - 1), retry_max) * random.uniform(
                        0.9, 1.1
                    )
                    with self.store.unit_of_work() as session:
                        retry_at = datetime.now(UTC) + timedelta(seconds=delay)
                        records.letter_failed(session, letter_id, str(exc), retry_at)
                    log.warning("%s Volgende poging over %d seconden.", exc, delay)
                    summary.failed += 1
                    if isinstance(exc, outbox.RecipientRefused):
                        continue
                    break  # the server is gone: the other letters wait, still pending
                with self.store.unit_of_work() as session:
                    records.letter_sent(session, letter_id, datetime.now(UTC))
                summary.sent += 1
        return summary
