"""`/healthz` and `/metrics`: reachable without logging in (a monitor has no account), so they
show mailbox names, times and counts only, never a name, address or subject."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from casework import health
from storage import Store
from web.guard import Access, context_of, route


async def healthz(request: Request) -> Response:
    context = context_of(request)
    found = await run_in_threadpool(health.health, context.store, context.health_stale)
    return JSONResponse(
        found.as_json(), status_code=200 if found.ok else 503, headers={"Cache-Control": "no-store"}
    )


class DatabaseCollector(Collector):
    """Counted from the database at every scrape: the worker, the web app and the command
    line all write there, so the figures hold whichever process did the work."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        found = health.counts(self.store)
        messages = GaugeMetricFamily(
            "klachtenbus_messages", "Opgeslagen berichten per soort en status.",
            labels=["kind", "status"],
        )  # fmt: skip
        for (kind, status), n in sorted(found.messages.items()):
            messages.add_metric([kind or "onbeoordeeld", status], n)
        yield messages
        letters = GaugeMetricFamily(
            "klachtenbus_letters", "Brieven per soort en status (sent, pending, uncertain, ...).",
            labels=["purpose", "status"],
        )  # fmt: skip
        for (purpose, status), n in sorted(found.letters.items()):
            letters.add_metric([purpose, status], n)
        yield letters
        yield GaugeMetricFamily(
            "klachtenbus_letters_failing",
            "Brieven die de SMTP-server weigerde en die op een nieuwe poging wachten.",
            value=found.letters_failing,
        )
        yield GaugeMetricFamily(
            "klachtenbus_quarantined",
            "Berichten in quarantaine die nog geen behandelaar beoordeelde.",
            value=found.quarantined,
        )
        attempts = CounterMetricFamily(
            "klachtenbus_fetch_attempts", "Ophaalrondes per mailbox.", labels=["mailbox"]
        )
        errors = CounterMetricFamily(
            "klachtenbus_fetch_errors", "Mislukte ophaalrondes per mailbox.", labels=["mailbox"]
        )
        backlog = GaugeMetricFamily(
            "klachtenbus_mailbox_backlog", "Opgeslagen, nog niet beoordeeld.", labels=["mailbox"]
        )
        success = GaugeMetricFamily(
            "klachtenbus_mailbox_last_success_timestamp_seconds",
            "Tijdstip van de laatste geslaagde ophaalronde.",
            labels=["mailbox"],
        )
        failing = GaugeMetricFamily(
            "klachtenbus_mailbox_failing", "1 zolang ophalen mislukt.", labels=["mailbox"]
        )
        token = GaugeMetricFamily(
            "klachtenbus_mailbox_token_expiry_timestamp_seconds",
            "Wanneer de OAuth2-toegang van de mailbox verloopt.",
            labels=["mailbox"],
        )
        for beat in found.heartbeats:
            name = [beat.mailbox]
            attempts.add_metric(name, beat.attempts)
            errors.add_metric(name, beat.errors)
            backlog.add_metric(name, beat.backlog)
            failing.add_metric(name, 1 if beat.failing_since is not None else 0)
            if beat.last_success_at is not None:
                success.add_metric(name, beat.last_success_at.timestamp())
            if beat.token_expires_at is not None:
                token.add_metric(name, beat.token_expires_at.timestamp())
        yield from (attempts, errors, backlog, success, failing, token)
        latency = HistogramMetricFamily(
            "klachtenbus_acknowledgement_latency_seconds",
            "Van aankomst in de mailbox tot de ontvangstbevestiging bij de SMTP-server.",
        )
        latency.add_metric(
            [],
            [(str(float(b)), n) for b, n in found.latency_buckets]
            + [("+Inf", found.latency_count)],
            sum_value=found.latency_sum,
        )
        yield latency


async def metrics(request: Request) -> Response:
    registry = getattr(request.app.state, "metrics", None)
    if registry is None:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(DatabaseCollector(context_of(request).store))
        request.app.state.metrics = registry
    body = await run_in_threadpool(generate_latest, registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


routes = [
    route("/healthz", healthz, access=Access.PUBLIC),
    route("/metrics", metrics, access=Access.PUBLIC),
]
