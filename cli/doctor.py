"""`klachtenbus doctor` (or `controle`): is everything in place to run? One line per check,
and for each problem what to do; exit code 1 when something is wrong."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

import bootstrap
from casework import doctor as checks
from casework.doctor import Check, Level
from klachtenbus.errors import KlachtenbusError
from klachtenbus.settings import config_file, load_settings
from office.health import DEFAULT_MAILBOX
from storage import Store, connect

console = Console()
MARKS = {Level.OK: "[green]✓[/]", Level.WARNING: "[yellow]![/]", Level.ERROR: "[bold red]✗[/]"}


def doctor() -> None:
    """Controleer instellingen, database, model, mailbox en SMTP, en zeg wat er moet gebeuren."""
    found = list(_checks())
    for check in found:
        console.print(
            f"{MARKS[check.level]} {escape(check.subject)}: {escape(check.said)}", soft_wrap=True
        )
        if check.fix and check.level is not Level.OK:
            console.print(f"    Wat te doen: {escape(check.fix)}", soft_wrap=True)
    errors = sum(1 for c in found if c.level is Level.ERROR)
    if errors:
        console.print(f"[bold red]{errors} probleem/problemen gevonden.[/] Los ze op en draai "
                      "`klachtenbus doctor` opnieuw.")  # fmt: skip
        raise typer.Exit(1)
    console.print("[green]Alles in orde.[/]")


def _checks() -> list[Check]:
    subject = "Instellingen"
    try:
        settings = load_settings()
    except KlachtenbusError as exc:
        return [checks.failed(subject, exc)]  # nothing else can be tried without them
    file = config_file()
    found = [checks.good(subject, f"gelezen ({file if file.is_file() else 'alleen omgeving'}).")]
    try:
        settings.require("organisation_address")
    except KlachtenbusError as exc:
        found.append(checks.failed(subject, exc))
    try:
        engine = connect(settings.database_url)
    except KlachtenbusError as exc:
        found.append(checks.failed("Database", exc))
    else:
        database = list(checks.database(engine))
        found += database
        if all(c.level is Level.OK for c in database):
            found += checks.model(Store(engine))
        engine.dispose()
    found += checks.mailbox(DEFAULT_MAILBOX, lambda: bootstrap.mailbox_of(settings))
    try:
        mailer = bootstrap.mailer_of(settings)
    except KlachtenbusError as exc:
        found.append(checks.failed("SMTP", exc))
    else:
        found.append(checks.smtp(mailer.session, settings.outbox_folder))
    return found
