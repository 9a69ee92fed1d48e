"""`klachtenbus run`: poll and send on a schedule; SIGTERM finishes the current message, then exits."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.bootstrap import mailbox_of, mailer_of, office_of
from bot.digest import send_digests
from bot.pipeline import Pipeline
from bot.settings import Settings
from klachtenbus.errors import KlachtenbusError
from outbox import Mailer

log = logging.getLogger(__name__)


def run(settings: Settings, pipeline: Pipeline) -> None:
    stop = pipeline.stop
    mailer = mailer_of(settings)
    mailbox_of(
        settings
    )  # fail at start, not at the first poll, when the mailbox settings are wrong
    scheduler = BlockingScheduler(
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=UTC,
    )

    plan(scheduler, settings, pipeline, mailer)

    def shutdown(signum: int, _frame: FrameType | None) -> None:
        log.info(
            "Signaal %s ontvangen: het huidige bericht wordt afgemaakt, daarna stopt Klachtenbus.",
            signum,
        )
        stop.set()
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    log.info(
        "Klachtenbus draait: mailbox elke %ss, uitgaande post elke %ss. Stop met Ctrl-C.",
        settings.poll_interval_seconds,
        settings.send_interval_seconds,
    )
    scheduler.start()
    log.info("Klachtenbus is gestopt.")


def plan(scheduler: BaseScheduler, settings: Settings, pipeline: Pipeline, mailer: Mailer) -> None:
    """The jobs of `klachtenbus run`: poll and send at intervals, the digest every morning."""

    def poll() -> None:
        try:
            summary = pipeline.poll(mailbox_of(settings))
            if summary.stored or summary.failed:
                log.info("Ronde klaar: %s", summary)
        except KlachtenbusError as exc:
            log.error("Mailbox lezen mislukt: %s", exc)

    def send() -> None:
        try:
            pipeline.sender.send_due_all(
                mailer, retry_base=settings.retry_base_seconds, retry_max=settings.retry_max_seconds
            )
        except KlachtenbusError as exc:
            log.error("Versturen mislukt: %s", exc)

    office = office_of(settings)

    def digest() -> None:
        try:
            sent = send_digests(pipeline.store, office, settings.officers, mailer)
            log.info("Dagoverzicht verstuurd aan %d behandelaar(s).", len(sent))
        except KlachtenbusError as exc:
            log.error("Dagoverzicht versturen mislukt: %s", exc)

    start = datetime.now(UTC)
    scheduler.add_job(
        poll, "interval", seconds=settings.poll_interval_seconds, next_run_time=start, id="poll"
    )
    scheduler.add_job(
        send, "interval", seconds=settings.send_interval_seconds, next_run_time=start, id="send"
    )
    scheduler.add_job(
        digest,
        "cron",
        hour=settings.digest_hour,
        timezone=office.procedure.time_zone,
        id="digest",
    )
