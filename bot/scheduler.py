"""`klachtenbus run`: poll and send on a schedule; SIGTERM finishes the current message, then exits."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.pipeline import Mailbox, Pipeline
from klachtenbus.errors import KlachtenbusError
from klachtenbus.settings import Settings
from outbox import Mailer

log = logging.getLogger(__name__)
# How often the worker looks for a retraining an admin asked for: the page shows "waiting"
# for at most this long.
MODEL_WORK_SECONDS = 5
# How often the worker checks for problems to alarm the admins about.
ALARM_SECONDS = 60


@dataclass(frozen=True)
class Plan:
    """What `klachtenbus run` does, handed in by the composition root: the worker knows how to
    poll and send, not how the mailbox, the mail server or the officers' digest are built."""

    settings: Settings
    pipeline: Pipeline
    mailbox: Callable[[], Mailbox]  # a fresh connection for each poll
    mailer: Mailer
    digest: Callable[[], int]  # sends the daily digests; returns how many officers got one
    time_zone: str  # the procedure's, in which `digest_hour` is meant
    # a retraining an admin asked for, and the shadow's verdicts; runs beside the polls
    model_work: Callable[[], None] | None = None
    # after every poll, with what went wrong (None: it worked): the mailbox's heartbeat
    heartbeat: Callable[[BaseException | None], None] | None = None
    # the admins' alarm mails: problems opened and solved since the last check
    alarms: Callable[[], None] | None = None


def run(plan_: Plan) -> None:
    settings, pipeline = plan_.settings, plan_.pipeline
    stop = pipeline.stop
    plan_.mailbox()  # fail at start, not at the first poll, when the mailbox settings are wrong
    scheduler = BlockingScheduler(
        executors={"default": ThreadPoolExecutor(3)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=UTC,
    )

    plan(scheduler, plan_)

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


def plan(scheduler: BaseScheduler, plan_: Plan) -> None:
    """The jobs of `klachtenbus run`: poll and send at intervals, the digest every morning."""
    settings, pipeline, mailer = plan_.settings, plan_.pipeline, plan_.mailer

    def poll() -> None:
        failed: BaseException | None = None
        try:
            summary = pipeline.poll(plan_.mailbox())
            if summary.stored or summary.failed:
                log.info("Ronde klaar: %s", summary)
        except Exception as exc:
            failed = exc
            if not isinstance(exc, KlachtenbusError):
                raise
            log.error("Mailbox lezen mislukt: %s", exc)
        finally:
            if plan_.heartbeat is not None:
                plan_.heartbeat(failed)

    def send() -> None:
        try:
            pipeline.sender.send_due_all(
                mailer, retry_base=settings.retry_base_seconds, retry_max=settings.retry_max_seconds
            )
        except KlachtenbusError as exc:
            log.error("Versturen mislukt: %s", exc)

    def digest() -> None:
        try:
            sent = plan_.digest()
            log.info("Dagoverzicht verstuurd aan %d behandelaar(s).", sent)
        except KlachtenbusError as exc:
            log.error("Dagoverzicht versturen mislukt: %s", exc)

    def model() -> None:
        assert plan_.model_work is not None
        try:
            plan_.model_work()
        except KlachtenbusError as exc:
            log.error("Modelwerk mislukt: %s", exc)

    def alarms() -> None:
        assert plan_.alarms is not None
        try:
            plan_.alarms()
        except KlachtenbusError as exc:
            log.error("Controle op alarmen mislukt: %s", exc)

    start = datetime.now(UTC)
    if plan_.alarms is not None:
        scheduler.add_job(alarms, "interval", seconds=ALARM_SECONDS, id="alarms")
    if plan_.model_work is not None:
        scheduler.add_job(
            model, "interval", seconds=MODEL_WORK_SECONDS, next_run_time=start, id="model"
        )
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
        timezone=plan_.time_zone,
        id="digest",
    )
