"""Sending the queued letters: claimed in small groups before they go out, recorded right after
each group, never twice."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import outbox
from klachtenbus.errors import DeliveryError
from outbox.delivery import Deliver
from storage import Store, records

log = logging.getLogger(__name__)

# A letter claimed longer ago than this belongs to a worker that died while sending it.
STALE_CLAIM = timedelta(minutes=5)
# Letters claimed together and recorded as sent together. A worker killed while sending leaves
# at most this many claimed and unrecorded: they become 'onzeker', never sent twice.
CLAIM_BATCH = 10


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    abandoned: int = 0

    def add(self, other: SendSummary) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.abandoned += other.abandoned


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
            total.add(page)
            if page.sent + page.failed == 0 or self.stop.is_set():
                return total

    def send_while(
        self,
        mailer: outbox.Mailer,
        busy: Callable[[], bool],
        *,
        retry_base: float = 30,
        retry_max: float = 3600,
    ) -> SendSummary:
        """Send due letters, a claimed group at a time, for as long as `busy()` says this
        process would otherwise wait (on the helper, during a poll). A group once claimed is
        always sent and recorded; what is left stays pending for the next call."""
        total = SendSummary()
        while busy() and not self.stop.is_set():
            page = self.send_due(
                mailer, retry_base=retry_base, retry_max=retry_max, until=lambda: not busy()
            )
            total.add(page)
            if page.sent == 0 or page.failed:  # nothing due, or trouble: leave it for later
                break
        return total

    def send_due(
        self,
        mailer: outbox.Mailer,
        *,
        retry_base: float = 30,
        retry_max: float = 3600,
        at: datetime | None = None,
        until: Callable[[], bool] | None = None,
    ) -> SendSummary:
        """Send every letter that is due (a page of them); a letter is claimed before sending
        and never resent. `until` is asked before each group is claimed: True stops early."""
        summary = SendSummary()
        at = at or datetime.now(UTC)
        with self.store.unit_of_work() as session:
            summary.abandoned = records.abandon_stale_claims(session, STALE_CLAIM)
            due = records.due_letter_ids(session, at)
        with mailer.session() as deliver:
            for start in range(0, len(due), CLAIM_BATCH):
                if self.stop.is_set() or (until is not None and until()):
                    break
                with self.store.unit_of_work() as session:
                    claimed = records.claim_letters(
                        session, due[start : start + CLAIM_BATCH], datetime.now(UTC)
                    )
                if not self._send_claimed(deliver, claimed, summary, retry_base, retry_max):
                    break  # the server is gone: the other letters wait, still pending
        return summary

    def _send_claimed(
        self,
        deliver: Deliver,
        claimed: list[records.ClaimedLetter],
        summary: SendSummary,
        retry_base: float,
        retry_max: float,
    ) -> bool:
        """Hand claimed letters to the mailer; record the delivered ones in one commit.

        Letters never handed over (a stop, or the server went away) are given back as pending.
        Returns False when the server is gone.
        """
        delivered: list[int] = []
        failed: tuple[int, str, datetime] | None = None
        handed = 0
        try:
            for letter in claimed:
                if self.stop.is_set():
                    break
                handed += 1
                try:
                    deliver(
                        letter.raw,
                        sender=self.sender_address,
                        recipient=letter.recipient or "",
                        message_id=letter.message_id,
                    )
                except DeliveryError as exc:
                    delay = min(retry_base * 2 ** (letter.attempts - 1), retry_max)
                    delay *= random.uniform(0.9, 1.1)
                    retry_at = datetime.now(UTC) + timedelta(seconds=delay)
                    log.warning("%s Volgende poging over %d seconden.", exc, delay)
                    summary.failed += 1
                    if isinstance(exc, outbox.RecipientRefused):
                        with self.store.unit_of_work() as session:
                            records.letter_failed(session, letter.id, str(exc), retry_at)
                        continue
                    failed = (letter.id, str(exc), retry_at)
                    break
                delivered.append(letter.id)
        finally:  # also on an unexpected error: what went out is recorded as sent
            with self.store.unit_of_work() as session:
                records.letters_sent(session, delivered, datetime.now(UTC))
                if failed:
                    records.letter_failed(session, *failed)
                records.release_letters(session, [letter.id for letter in claimed[handed:]])
            summary.sent += len(delivered)
        return failed is None
