"""Sending the queued letters over one connection per run: each letter is claimed right before
it is handed to the server, so a kill leaves at most that one letter unrecorded, never twice."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import outbox
from klachtenbus.errors import DeliveryError
from outbox.delivery import Deliver, ServerUnavailable
from storage import Store, records

log = logging.getLogger(__name__)

# A letter claimed longer ago than this belongs to a worker that died while sending it.
STALE_CLAIM = timedelta(minutes=5)
# While the SMTP server stays away, its warning is repeated at most this often.
OUTAGE_REMINDER = timedelta(minutes=5)


def retry_delay(attempts: int, base: float, maximum: float) -> float:
    """Seconds before a refused letter's next try: doubling per attempt, jittered by ±10 % so
    letters refused together do not come back together, and never above `maximum`."""
    exponent = min(max(attempts - 1, 0), 60)  # 2**60 × base is past any cap; no overflow
    return min(base * 2.0**exponent * random.uniform(0.9, 1.1), maximum)


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    abandoned: int = 0
    # Letters left due because the server could not be reached (counted when it could not).
    waiting: int = 0
    server_down: bool = False

    def add(self, other: SendSummary) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.abandoned += other.abandoned
        if other.server_down or other.sent or other.failed:  # a later run that got that far
            self.waiting, self.server_down = other.waiting, other.server_down


class Sender:
    def __init__(self, store: Store, sender_address: str, stop: threading.Event) -> None:
        self.store = store
        self.sender_address = sender_address
        self.stop = stop
        # Since when the SMTP server has not answered, and when that was last logged.
        self._down_since: datetime | None = None
        self._down_logged: datetime | None = None

    def send_due_all(
        self,
        mailer: outbox.Mailer,
        *,
        retry_base: float = 30,
        retry_max: float = 3600,
        at: datetime | None = None,
    ) -> SendSummary:
        """Send until nothing is due, over one connection; when the server cannot be reached
        the run ends at once and every letter stays due for the next run."""
        return self.send_due(
            mailer, retry_base=retry_base, retry_max=retry_max, at=at, every_page=True
        )

    def send_while(
        self,
        mailer: outbox.Mailer,
        busy: Callable[[], bool],
        *,
        retry_base: float = 30,
        retry_max: float = 3600,
    ) -> SendSummary:
        """Send due letters, one at a time, for as long as `busy()` says this process would
        otherwise wait (on the helper, during a poll); what is left stays pending for the
        next call. While the server is known to be away this waits for the regular send run
        instead of knocking again."""
        if self._down_since is not None or self.stop.is_set() or not busy():
            return SendSummary()
        return self.send_due(
            mailer,
            retry_base=retry_base,
            retry_max=retry_max,
            until=lambda: not busy(),
            every_page=True,
        )

    def send_due(
        self,
        mailer: outbox.Mailer,
        *,
        retry_base: float = 30,
        retry_max: float = 3600,
        at: datetime | None = None,
        until: Callable[[], bool] | None = None,
        every_page: bool = False,
    ) -> SendSummary:
        """Send the letters that are due (a page of them, or all with `every_page`) over one
        connection, made before any letter is claimed. `until` is asked before each letter:
        True stops early. Never raises for an unreachable server: see `server_down`."""
        summary = SendSummary()
        at = at or datetime.now(UTC)
        with self.store.unit_of_work() as session:
            summary.abandoned = records.abandon_stale_claims(session, STALE_CLAIM)
            due = records.due_letter_ids(session, at)
        if not due:
            return summary
        try:
            with mailer.session() as deliver:
                self._server_answers()
                tried: set[int] = set()
                while due:
                    tried.update(due)
                    if not self._send(deliver, due, summary, retry_base, retry_max, until):
                        break  # a stop, or no longer busy
                    if not every_page:
                        break
                    with self.store.unit_of_work() as session:
                        due = [i for i in records.due_letter_ids(session, at) if i not in tried]
        except ServerUnavailable as exc:
            summary.server_down = True
            with self.store.unit_of_work() as session:
                summary.waiting = records.due_letter_count(session, at)
            self._server_away(exc, summary.waiting)
        return summary

    def _send(
        self,
        deliver: Deliver,
        letter_ids: Sequence[int],
        summary: SendSummary,
        retry_base: float,
        retry_max: float,
        until: Callable[[], bool] | None,
    ) -> bool:
        """Claim and hand over the letters one by one; the commit that claims a letter also
        records the one before it as sent. Returns False when stopped early.

        Raises ServerUnavailable (after giving its letter back as pending) when the server goes.
        """
        delivered: int | None = None  # handed over; recorded with the next claim
        try:
            for letter_id in letter_ids:
                if self.stop.is_set() or (until is not None and until()):
                    return False
                with self.store.unit_of_work() as session:
                    if delivered is not None:
                        records.letters_sent(session, [delivered], datetime.now(UTC))
                    # Only one worker's UPDATE takes a pending letter: none is sent twice.
                    claimed = records.claim_letters(session, [letter_id], datetime.now(UTC))
                if delivered is not None:
                    summary.sent += 1
                    delivered = None
                if not claimed:
                    continue  # another worker has it
                letter = claimed[0]
                try:
                    deliver(
                        letter.raw,
                        sender=self.sender_address,
                        recipient=letter.recipient or "",
                        message_id=letter.message_id,
                    )
                except ServerUnavailable as exc:
                    with self.store.unit_of_work() as session:
                        records.release_letters(session, [letter.id], str(exc))
                    raise
                except DeliveryError as exc:  # this letter's trouble; the connection is fine
                    delay = retry_delay(letter.attempts, retry_base, retry_max)
                    log.warning("%s Volgende poging over %d seconden.", exc, delay)
                    with self.store.unit_of_work() as session:
                        retry_at = datetime.now(UTC) + timedelta(seconds=delay)
                        records.letter_failed(session, letter.id, str(exc), retry_at)
                    summary.failed += 1
                    continue
                delivered = letter.id
            return True
        finally:  # also on a stop or an unexpected error: what went out is recorded as sent
            if delivered is not None:
                with self.store.unit_of_work() as session:
                    records.letters_sent(session, [delivered], datetime.now(UTC))
                summary.sent += 1

    def _server_away(self, exc: ServerUnavailable, waiting: int) -> None:
        """One warning when an outage starts, a reminder every few minutes, not one per run."""
        now = datetime.now(UTC)
        if self._down_since is None or self._down_logged is None:
            self._down_since = self._down_logged = now
            log.warning(
                "Uitgaande post staat stil: %s Er wachten %d brieven; elke verzendronde wordt "
                "één keer opnieuw verbonden.",
                exc,
                waiting,
            )
        elif now - self._down_logged >= OUTAGE_REMINDER:
            self._down_logged = now
            minutes = (now - self._down_since).total_seconds() / 60
            log.warning(
                "Uitgaande post staat al %.0f minuten stil: %s Er wachten %d brieven.",
                minutes,
                exc,
                waiting,
            )
        else:
            log.debug("SMTP-server nog steeds onbereikbaar: %s", exc)

    def _server_answers(self) -> None:
        if self._down_since is not None:
            minutes = (datetime.now(UTC) - self._down_since).total_seconds() / 60
            log.info(
                "De SMTP-server antwoordt weer (na %.0f minuten); de wachtende brieven gaan nu uit.",
                minutes,
            )
            self._down_since = self._down_logged = None
