"""Is Klachtenbus working? For `/healthz` (a load balancer, a monitor) and `/metrics`
(Prometheus): the database answers, every mailbox was read lately. Mailbox names, times and
counts only; no name, address or subject of anyone who wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from storage import Store
from storage import health as records

# Arrival in the mailbox to the acknowledgement handed to the SMTP server, in seconds.
LATENCY_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 86400.0)


@dataclass(frozen=True)
class Health:
    ok: bool
    reasons: list[str] = field(default_factory=list)  # Dutch, when not ok
    mailboxes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "fout",
            "redenen": self.reasons,
            "mailboxen": self.mailboxes,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def health(store: Store, stale: timedelta, *, at: datetime | None = None) -> Health:
    """Healthy when the database answers and every mailbox had a successful fetch within
    `stale`; otherwise the reasons, in Dutch."""
    at = at or datetime.now(UTC)
    try:
        with store.unit_of_work() as session:
            session.execute(text("SELECT 1"))
            beats = records.heartbeats(session)
    except SQLAlchemyError as exc:
        return Health(False, [f"De database antwoordt niet ({exc.__class__.__name__})."])
    reasons = []
    if not beats:
        reasons.append("Er is nog geen mailbox gelezen: draait de bot (`klachtenbus run`)?")
    shown = {}
    for beat in beats:
        shown[beat.mailbox] = {
            "laatste_poging": _iso(beat.last_attempt_at),
            "laatst_gelukt": _iso(beat.last_success_at),
            "mislukt_sinds": _iso(beat.failing_since),
            "wachtend": beat.backlog,
            "quarantaine": beat.quarantined,
            "oudste_onverzonden_brief": _iso(beat.oldest_unsent_at),
            "token_verloopt": _iso(beat.token_expires_at),
        }
        if beat.last_success_at is None or at - beat.last_success_at > stale:
            minutes = int(stale.total_seconds() // 60)
            why = (
                f"ophalen mislukt sinds {_iso(beat.failing_since)}"
                if beat.failing_since is not None
                else "de bot heeft de mailbox niet meer gelezen"
            )
            reasons.append(
                f"Mailbox '{beat.mailbox}' is langer dan {minutes} minuten niet gelezen: {why}."
            )
    return Health(not reasons, reasons, shown)


def counts(store: Store) -> records.Counts:
    """Everything `/metrics` shows, counted now, from the database every process shares."""
    with store.unit_of_work() as session:
        return records.counts(session, LATENCY_BUCKETS)
