"""`klachtenbus doctor`: every part Klachtenbus needs, tried the way the worker uses it, each
with what is wrong and what to do. The connections are the worker's own (intake.imap,
outbox.delivery): what passes here passes there."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from intake.imap import CONNECTION_ERRORS, ImapMailbox
from klachtenbus.errors import KlachtenbusError
from storage import Store, check_migrated, records
from storage.database import HEAD_REVISION


class Level(StrEnum):
    OK = "goed"
    WARNING = "let op"
    ERROR = "fout"


@dataclass(frozen=True)
class Check:
    """One finding: about what, how bad, what was found and (when not good) what to do."""

    subject: str
    level: Level
    said: str
    fix: str = ""


def good(subject: str, said: str) -> Check:
    return Check(subject, Level.OK, said)


def failed(subject: str, exc: BaseException, fix: str = "") -> Check:
    """A refusal Klachtenbus explains itself (its Dutch message names the fix)."""
    return Check(subject, Level.ERROR, str(exc), fix)


def database(engine: Engine) -> Iterator[Check]:
    """The database answers, and carries every migration this Klachtenbus expects."""
    subject = "Database"
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        yield Check(
            subject,
            Level.ERROR,
            f"De database {engine.url.render_as_string(hide_password=True)} antwoordt niet "
            f"({exc.__class__.__name__}).",
            "Controleer database_url (KLACHTENBUS_DATABASE_URL) en of de databaseserver draait.",
        )
        return
    try:
        check_migrated(engine)
    except KlachtenbusError as exc:
        yield failed(subject, exc)
        return
    yield good(subject, f"bereikbaar, schema op de nieuwste versie ({HEAD_REVISION}).")


def model(store: Store) -> Iterator[Check]:
    """The active model's file is there and is the file that was recorded (its sha256)."""
    subject = "Model"
    with store.unit_of_work() as session:
        active = records.active_model(session)
        found = (active.id, Path(active.path), active.sha256) if active else None
    if found is None:
        yield Check(
            subject, Level.ERROR, "Er is nog geen getraind model.", "Draai `klachtenbus init`."
        )
        return
    version, path, sha256 = found
    if not path.is_file():
        yield Check(
            subject,
            Level.ERROR,
            f"Het bestand van modelversie {version} ({path}) bestaat niet.",
            "Zet het bestand terug uit de back-up, of train opnieuw met `klachtenbus train`.",
        )
        return
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != sha256:
        yield Check(
            subject,
            Level.ERROR,
            f"Het bestand van modelversie {version} ({path}) is veranderd sinds het werd "
            "getraind (de sha256 klopt niet); Klachtenbus laadt het niet.",
            "Zet het juiste bestand terug uit de back-up, of train opnieuw met "
            "`klachtenbus train`.",
        )
        return
    yield good(subject, f"versie {version}, bestand aanwezig en ongewijzigd.")


def mailbox(name: str, open_box: Callable[[], Any]) -> Iterator[Check]:
    """Log in, open the folder, and see what the server offers: IDLE (new mail at once) and
    MOVE (filing away); and whether the processed and quarantine folders are there."""
    subject = f"Mailbox {name}"
    try:
        box = open_box()
        with box:
            if not isinstance(box, ImapMailbox):
                yield good(subject, "de Maildir-map is te lezen.")
                return
            found = list(_imap_details(subject, box))
    except KlachtenbusError as exc:
        yield failed(subject, exc)
        return
    except CONNECTION_ERRORS as exc:
        yield Check(
            subject,
            Level.ERROR,
            f"De verbinding viel weg tijdens de controle ({exc.__class__.__name__}).",
            "Probeer het opnieuw; blijft het zo, controleer dan de IMAP-server.",
        )
        return
    yield from found


def _imap_details(subject: str, box: ImapMailbox) -> Iterator[Check]:
    account, client = box.account, box.client
    capabilities = set(client.capabilities())
    yield good(subject, f"ingelogd, map '{account.folder}' geopend.")
    if b"IDLE" in capabilities:
        yield good(subject, "de server biedt IDLE: nieuwe post kan direct worden gelezen.")
    else:
        yield Check(
            subject,
            Level.WARNING,
            "de server biedt geen IDLE: Klachtenbus leest de mailbox op vaste tijden.",
            "Niets nodig; zet poll_interval_seconds lager als bevestigingen sneller moeten.",
        )
    if b"MOVE" not in capabilities:
        yield Check(
            subject,
            Level.WARNING,
            "de server biedt geen MOVE: verwerkte berichten blijven staan en krijgen een "
            "markering in plaats van naar een andere map te gaan.",
            "Niets nodig; vraag de beheerder van de mailserver om MOVE (RFC 6851) als u de "
            "berichten liever verplaatst ziet.",
        )
        return
    for setting, folder in (
        ("imap_processed_folder", account.processed_folder),
        ("imap_quarantine_folder", account.quarantine_folder),
    ):
        if not folder:
            continue
        if client.folder_exists(folder):
            yield good(subject, f"map '{folder}' bestaat.")
        else:
            yield Check(
                subject,
                Level.WARNING,
                f"map '{folder}' ({setting}) bestaat nog niet; Klachtenbus maakt hem aan bij "
                "het eerste bericht.",
                f"Niets nodig, tenzij de map anders heet: controleer dan {setting}.",
            )


def smtp(open_session: Callable[[], AbstractContextManager[Any]], folder: Path | None) -> Check:
    """Connect, EHLO, STARTTLS and log in as configured, as a send run does; send nothing."""
    subject = "SMTP"
    if folder is not None:
        return good(subject, f"brieven worden als .eml-bestanden in {folder} geschreven.")
    try:
        with open_session():
            pass
    except KlachtenbusError as exc:
        return failed(
            subject,
            exc,
            "Controleer smtp_host, smtp_port, smtp_security, smtp_user en smtp_password "
            "(KLACHTENBUS_SMTP_*), en of de server draait.",
        )
    return good(subject, "verbonden en ingelogd zoals ingesteld; de server neemt post aan.")
