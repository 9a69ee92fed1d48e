"""`/healthz` and `/metrics` answer a monitor without logging in, so they carry mailbox
names, times and counts only: never a complainant's name, address or subject. `/healthz`
is 200 while the database answers and the mailbox was read lately, 503 with the reason
otherwise; `/metrics` is counted from the database, so it shows the worker's work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families

from klachtenbus.errors import MailboxError
from office.health import DEFAULT_MAILBOX, record_fetch
from storage import records
from storage.models import Case, StoredMessage
from tests.rows import stored_case
from tests.web_helpers import Web

NAME = "Wilhelmina Zonderland"
ADDRESS = "w.zonderland@voorbeeld.nl"
SUBJECT = "Klacht over de badkamer van mevrouw Zonderland"


def seeded(web: Web) -> None:
    """One complaint, acknowledged 90 seconds after it arrived; the mailbox read just now."""
    arrived = datetime.now(UTC) - timedelta(minutes=5)
    number = stored_case(web.store, SUBJECT, "Zonderland schrijft...", name=NAME, email=ADDRESS,
                         received_at=arrived)  # fmt: skip
    with web.store.unit_of_work() as session:
        case = session.query(Case).filter_by(number=number).one()
        session.get(StoredMessage, case.message_row_id).kind = "complaint"
        letter = records.add_letter(session, case, purpose="ontvangstbevestiging",
                                    recipient=ADDRESS, message_id="<a@zorg>", raw=b"x")  # fmt: skip
        session.flush()
        records.letters_sent(session, [letter.id], arrived + timedelta(seconds=90))
    record_fetch(web.store, source="INBOX")


def personal(text: str) -> list[str]:
    return [p for p in ("Zonderland", "Wilhelmina", "@", "badkamer") if p in text]


def test_healthz_is_200_with_a_fresh_heartbeat_and_names_nobody(web: Web) -> None:
    """Database up, mailbox read just now: ok, with the mailbox's counts only."""
    seeded(web)
    response = web.client().get("/healthz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["redenen"] == []
    assert body["mailboxen"][DEFAULT_MAILBOX]["laatst_gelukt"] is not None
    assert personal(response.text) == []


def test_healthz_is_503_with_the_reason_when_the_mailbox_is_not_read(web: Web) -> None:
    """No heartbeat yet, then one failing for an hour: 503, with why in Dutch, no address."""
    response = web.client().get("/healthz")
    assert response.status_code == 503
    assert "draait de bot" in response.json()["redenen"][0]
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    record_fetch(web.store, at=an_hour_ago,
                 error=MailboxError(f"De IMAP-server weigerde de login voor '{ADDRESS}'."))  # fmt: skip
    response = web.client().get("/healthz")
    assert response.status_code == 503
    [reason] = response.json()["redenen"]
    assert "langer dan 10 minuten niet gelezen" in reason and "ophalen mislukt" in reason
    assert personal(response.text) == []


def test_metrics_count_from_the_database_and_name_nobody(web: Web) -> None:
    """Messages by kind, letters by status, fetches and the acknowledgement's latency."""
    seeded(web)
    response = web.client().get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert personal(response.text) == []
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }
    assert samples[("klachtenbus_messages", (("kind", "complaint"), ("status", "processed")))] == 1
    sent = (("purpose", "ontvangstbevestiging"), ("status", "sent"))
    assert samples[("klachtenbus_letters", sent)] == 1
    assert samples[("klachtenbus_fetch_attempts_total", (("mailbox", DEFAULT_MAILBOX),))] == 1
    assert samples[("klachtenbus_fetch_errors_total", (("mailbox", DEFAULT_MAILBOX),))] == 0
    latency = "klachtenbus_acknowledgement_latency_seconds"
    assert samples[(f"{latency}_count", ())] == 1
    assert 89 <= samples[(f"{latency}_sum", ())] <= 91
    assert samples[(f"{latency}_bucket", (("le", "60.0"),))] == 0
    assert samples[(f"{latency}_bucket", (("le", "120.0"),))] == 1
