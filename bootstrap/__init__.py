"""The composition root: the only place that turns settings into objects, for every face
(the command line, the web app) and for the worker."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import ParamSpec, TypeVar

from bot.pipeline import Pipeline
from bot.preparing import InlinePreparer, Preparer, ProcessPreparer
from bot.scheduler import Plan
from casework import alarms, cutoffs, retraining, shadow
from casework.digest import send_digests
from classify import Thresholds
from intake.attachment_text import AttachmentLimits
from intake.imap import ImapAccount, ImapMailbox
from intake.maildir import MaildirMailbox
from klachtenbus.errors import KlachtenbusError, ModelError, SettingError
from klachtenbus.settings import Settings
from office import Office, Organisation, health
from office.detection import (
    Detection,
    DetectionRecipe,
    active_model,
    load_detector,
    train_and_record,
)
from outbox import FolderMailer, Mailer, SmtpAccount, SmtpMailer
from procedures import PresetError, Procedure, WorkingCalendar, load_preset, preset_names
from rules import RuleSet, load_rules
from storage import Store, check_migrated, connect, migrate

P = ParamSpec("P")
R = TypeVar("R")


def open_store(settings: Settings, *, create: bool = False) -> Store:
    engine = connect(settings.database_url)
    if create:
        migrate(engine)
    else:
        check_migrated(engine)
    return Store(engine)


def rules_of(settings: Settings) -> RuleSet:
    return load_rules(settings.rules_file)


def procedure_of(settings: Settings) -> Procedure:
    """The preset named by KLACHTENBUS_PROCEDURE (or an admin's own preset file)."""
    try:
        return load_preset(settings.procedure)
    except PresetError as exc:
        raise SettingError(
            "procedure",
            str(exc),
            f"Kies uit: {', '.join(preset_names())}, of geef het pad van een eigen bestand.",
        ) from None


def initialise(settings: Settings) -> tuple[Store, bool]:
    """Create or migrate the database; train the model when there is none. Returns (store, trained)."""
    store = open_store(settings, create=True)
    rules = rules_of(settings)
    try:
        if load_detector(store) is not None:
            return store, False
    except ModelError:
        pass  # the recorded model file is gone or changed: train a fresh one
    train_and_record(store, rules, settings.model_dir)
    return store, True


def thresholds_of(settings: Settings) -> Thresholds:
    return Thresholds(
        complaint=settings.threshold_complaint,
        remark=settings.threshold_remark,
        complaint_without_marker=settings.threshold_without_marker,
    )


def attachment_limits_of(settings: Settings) -> AttachmentLimits:
    return AttachmentLimits(
        max_bytes=settings.attachment_max_bytes,
        max_pages=settings.attachment_max_pages,
        seconds=settings.attachment_max_seconds,
        max_unpacked_bytes=settings.attachment_max_unpacked_bytes,
        ocr=settings.attachment_ocr,
    )


def thresholds_in_force(settings: Settings, store: Store) -> Thresholds:
    """The settings' cut-offs with what an admin saved over them in the browser."""
    return cutoffs.in_force(store, thresholds_of(settings))


def recipe_of(settings: Settings, store: Store, *, check_rules: bool = True) -> DetectionRecipe:
    """Where the rules and the active model are, and the cut-offs in force; checked here,
    loaded where they are used."""
    if check_rules:
        rules_of(settings)  # a broken rule file stops start-up here, with its line
    found = active_model(store)
    if found is None:
        raise ModelError("Er is nog geen getraind model. Draai eerst `klachtenbus init`.")
    return DetectionRecipe(
        settings.rules_file,
        found[1],
        found[2],
        thresholds_in_force(settings, store),
        max_message_bytes=settings.max_message_bytes,
        attachment_limits=attachment_limits_of(settings),
        model_version=found[0],
    )


def detection_of(settings: Settings, store: Store) -> Detection:
    found = active_model(store)
    detector = load_detector(store)
    if detector is None or found is None:
        raise ModelError("Er is nog geen getraind model. Draai eerst `klachtenbus init`.")
    return Detection(
        rules=rules_of(settings),
        detector=detector,
        thresholds=thresholds_in_force(settings, store),
        max_message_bytes=settings.max_message_bytes,
        attachment_limits=attachment_limits_of(settings),
        model_version=found[0],
    )


def trainer_of(settings: Settings, store: Store) -> retraining.Trainer:
    """What a retraining needs: the rules, where model files go, the cut-offs in force."""
    return retraining.Trainer(
        rules=rules_of(settings),
        model_dir=settings.model_dir,
        thresholds=lambda: thresholds_in_force(settings, store),
    )


def mailbox_of(settings: Settings) -> ImapMailbox | MaildirMailbox:
    if settings.maildir is not None:
        if not any((Path(settings.maildir) / sub).is_dir() for sub in ("new", "cur")):
            raise SettingError(
                "maildir",
                f"{settings.maildir} is geen Maildir (er hoort een submap new/ of cur/ in)",
                "Controleer het pad; Klachtenbus maakt de map niet zelf aan, zodat een tikfout "
                "geen lege mailbox wordt.",
            )
        return MaildirMailbox(
            Path(settings.maildir),
            processed_folder=settings.imap_processed_folder or "Verwerkt",
            quarantine_folder=settings.imap_quarantine_folder,
        )
    settings.require("imap_host", "imap_user", "imap_password")
    assert settings.imap_host and settings.imap_user and settings.imap_password
    account = ImapAccount(
        host=settings.imap_host,
        port=settings.imap_port_or_default,
        user=settings.imap_user,
        password=settings.imap_password.get_secret_value(),
        security=settings.imap_security,
        folder=settings.imap_folder,
        processed_folder=settings.imap_processed_folder,
        quarantine_folder=settings.imap_quarantine_folder,
    )
    return ImapMailbox(
        account, chunk_size=settings.fetch_chunk_size, chunk_bytes=settings.fetch_chunk_bytes
    )


def mailer_of(settings: Settings) -> Mailer:
    if settings.outbox_folder is not None:
        return FolderMailer(Path(settings.outbox_folder))
    settings.require("smtp_host")
    assert settings.smtp_host
    return SmtpMailer(
        SmtpAccount(
            host=settings.smtp_host,
            port=settings.smtp_port_or_default,
            user=settings.smtp_user or "",
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else "",
            security=settings.smtp_security,
        )
    )


def pipeline_of(
    settings: Settings,
    store: Store,
    stop: threading.Event | None = None,
) -> Pipeline:
    """The pipeline, with its helper processes when the settings want them."""
    settings.require("organisation_address")
    assert settings.organisation_address
    procedure = procedure_of(settings)
    recipe = recipe_of(settings, store)
    preparer: Preparer = (
        ProcessPreparer(recipe, settings.helper_processes)
        if settings.helper_processes
        else InlinePreparer(recipe.build())
    )
    pipeline: Pipeline | None = None

    def fallback() -> Preparer:
        """In this process, with the recipe the pipeline judges by now."""
        assert pipeline is not None and pipeline.recipe is not None
        return InlinePreparer(pipeline.recipe.build())

    pipeline = Pipeline(
        store,
        preparer,
        organisation=organisation_of(settings),
        procedure=procedure,
        calendar=WorkingCalendar(procedure.country, settings.extra_holidays),
        chunk_size=settings.fetch_chunk_size,
        chunk_bytes=settings.fetch_chunk_bytes,
        # the raw bytes of staged batches wait in this process until the helper is done
        lookahead_bytes=settings.fetch_chunk_bytes,
        refile_after=timedelta(seconds=settings.refile_after_seconds),
        stop=stop,
        fallback=fallback,
        auto_letter_pause=timedelta(hours=settings.auto_letter_pause_hours),
        # asked at every poll: a promoted model or new cut-offs apply without a restart
        recipe=lambda: recipe_of(settings, store, check_rules=False),
    )
    return pipeline


def organisation_of(settings: Settings) -> Organisation:
    """Who we are; the IMAP and SMTP logins count as our own addresses when they are ones."""
    return Organisation(
        # Commands that only read cases work without it; polling checks it at start.
        address=settings.organisation_address or "klachten@localhost",
        name=settings.organisation_name,
        postal_address=settings.organisation_postal_address,
        meldcode_address=settings.meldcode_address,
        aliases=tuple(u for u in (settings.imap_user, settings.smtp_user) if u and "@" in u),
    )


def office_of(settings: Settings) -> Office:
    """What the case commands need: the procedure in force, its calendar, who we are."""
    procedure = procedure_of(settings)
    return Office(
        procedure=procedure,
        calendar=WorkingCalendar(procedure.country, settings.extra_holidays),
        organisation=organisation_of(settings),
        auto_letter_pause=timedelta(hours=settings.auto_letter_pause_hours),
    )


def plan_of(settings: Settings, pipeline: Pipeline, mailer: Mailer | None = None) -> Plan:
    """What `klachtenbus run` schedules: polling and sending by the worker, and the officers'
    daily digest, which is a use case the worker only triggers."""
    office = office_of(settings)
    mailer = mailer or mailer_of(settings)

    def digest() -> int:
        return len(send_digests(pipeline.store, office, settings.officers, mailer))

    return Plan(
        settings=settings,
        pipeline=pipeline,
        mailbox=lambda: mailbox_of(settings),
        mailer=mailer,
        digest=digest,
        time_zone=office.procedure.time_zone,
        model_work=model_work_of(settings, pipeline.store),
        heartbeat=heartbeat_of(settings, pipeline.store),
        alarms=alarms_of(settings, pipeline.store),
    )


def token_expiry_of(settings: Settings) -> health.TokenExpiry:
    """When a mailbox's OAuth2 token or consent lapses, by the mailbox's name: the hook the
    OAuth2 login fills in. A password login has no expiry."""

    def expiry(mailbox: str) -> datetime | None:
        return None

    return expiry


def heartbeat_of(settings: Settings, store: Store) -> Callable[[BaseException | None], None]:
    """What the worker records after each poll of the (one, default) mailbox."""
    expiry = token_expiry_of(settings)

    def beat(error: BaseException | None) -> None:
        try:
            source: str | None = mailbox_of(settings).name
        except KlachtenbusError:
            source = None
        try:
            expires = expiry(health.DEFAULT_MAILBOX)
        except KlachtenbusError:
            expires = None
        health.record_fetch(
            store, health.DEFAULT_MAILBOX, source=source, error=error, token_expires_at=expires
        )

    return beat


def with_heartbeat(settings: Settings, store: Store, poll: Callable[P, R]) -> Callable[P, R]:
    """`poll`, leaving the mailbox's heartbeat after it, as the worker does (for
    `klachtenbus poll --once` from cron or a systemd timer)."""
    beat = heartbeat_of(settings, store)

    def polled(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = poll(*args, **kwargs)
        except Exception as exc:
            beat(exc)
            raise
        beat(None)
        return result

    return polled


def alarms_of(settings: Settings, store: Store) -> Callable[[], None]:
    """The worker's alarm job: mail the admins once per problem, and once when it is solved."""
    organisation = organisation_of(settings)
    zone = procedure_of(settings).time_zone

    def check() -> None:
        alarms.check(store, organisation, alarm_to=settings.alarm_to, time_zone=zone)

    return check


def model_work_of(settings: Settings, store: Store) -> Callable[[], None]:
    """What the worker does for the model between polls: a retraining an admin asked for,
    then the candidates in the shadow judge the mail that came in meanwhile."""
    trainer = trainer_of(settings, store)

    def model_work() -> None:
        retraining.run_waiting(store, trainer)
        shadow.score(store, trainer.rules, thresholds_in_force(settings, store))

    return model_work
