"""`klachtenbus gebruiker …` (or `user …`): accounts for the web app, made by an admin at the
server. Passwords are asked for, never taken from the command line (shell history)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import bootstrap
from casework import accounts
from klachtenbus.errors import KlachtenbusError
from klachtenbus.settings import load_settings
from klachtenbus.vocabulary import Role

users_app = typer.Typer(
    help="Gebruikers van de webapp: toevoegen, uitschakelen, wachtwoord, rol, lijst."
)
console = Console()
err = Console(stderr=True)

ROLE_WORDS = {"officer": Role.OFFICER, "behandelaar": Role.OFFICER, "admin": Role.ADMIN,
              "beheerder": Role.ADMIN}  # fmt: skip
ROLE_LABELS = {Role.OFFICER: "behandelaar", Role.ADMIN: "beheerder"}

By = Annotated[
    str | None,
    typer.Option("--door", help="Wie dit doet (standaard: uw gebruikersnaam op de server)."),
]


def _store():  # type: ignore[no-untyped-def]
    return bootstrap.open_store(load_settings())


def _actor(by: str | None) -> str:
    return by or f"{getpass.getuser()} (opdrachtregel)"


def _password(prompt: str) -> str:
    """Asked twice at a terminal; one line from standard input in a script."""
    if sys.stdin.isatty():
        first = typer.prompt(prompt, hide_input=True)
        second = typer.prompt("Nog een keer", hide_input=True)
        if first != second:
            raise KlachtenbusError("De twee wachtwoorden verschillen; probeer het opnieuw.")
        return str(first)
    return sys.stdin.readline().rstrip("\n")


def _role(word: str) -> Role:
    chosen = ROLE_WORDS.get(word.strip().lower())
    if chosen is None:
        raise KlachtenbusError(f"Rol '{word}' bestaat niet; kies behandelaar of beheerder.")
    return chosen


@contextmanager
def _refusals() -> Iterator[None]:
    """A use case's Dutch refusal becomes the command's error line and exit code 2."""
    try:
        yield
    except KlachtenbusError as exc:
        err.print(f"[bold red]Fout:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


@users_app.command("add")
@users_app.command("toevoegen", hidden=True)
def add(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam, bv. anna of anna@org.nl.")],
    role: Annotated[str, typer.Option("--rol", help="behandelaar of beheerder.")] = "behandelaar",
    display_name: Annotated[str | None, typer.Option("--naam", help="Naam op het scherm.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mailadres.")] = None,
    by: By = None,
) -> None:
    """Voeg een gebruiker toe; het wachtwoord wordt gevraagd (of één regel op stdin)."""
    with _refusals():
        account = accounts.add_user(
            _store(), _actor(by), name, _role(role), _password("Wachtwoord (minstens 12 tekens)"),
            display_name=display_name, email=email,
        )  # fmt: skip
    console.print(f"Gebruiker {account.name} toegevoegd als {ROLE_LABELS[account.role]}.")


@users_app.command("disable")
@users_app.command("uitschakelen", hidden=True)
def disable(name: str, by: By = None) -> None:
    """Schakel een gebruiker uit; zijn sessies eindigen meteen."""
    with _refusals():
        account = accounts.disable_user(_store(), _actor(by), name)
    console.print(f"Gebruiker {account.name} is uitgeschakeld.")


@users_app.command("enable")
@users_app.command("inschakelen", hidden=True)
def enable(name: str, by: By = None) -> None:
    """Schakel een uitgeschakelde gebruiker weer in."""
    with _refusals():
        account = accounts.enable_user(_store(), _actor(by), name)
    console.print(f"Gebruiker {account.name} is weer ingeschakeld.")


@users_app.command("role")
@users_app.command("rol", hidden=True)
def change_role(
    name: str,
    role: Annotated[str, typer.Option("--rol", help="behandelaar of beheerder.")],
    by: By = None,
) -> None:
    """Geef een gebruiker een andere rol; de laatste beheerder blijft beheerder."""
    with _refusals():
        account = accounts.change_role(_store(), _actor(by), name, _role(role))
    console.print(f"Gebruiker {account.name} is nu {ROLE_LABELS[account.role]}.")


@users_app.command("reset-password")
@users_app.command("wachtwoord", hidden=True)
def reset_password(name: str, by: By = None) -> None:
    """Zet een nieuw wachtwoord; de gebruiker wordt overal uitgelogd."""
    with _refusals():
        account = accounts.reset_password(
            _store(), _actor(by), name, _password("Nieuw wachtwoord (minstens 12 tekens)")
        )
    console.print(f"Nieuw wachtwoord voor {account.name} gezet; oude sessies zijn beëindigd.")


@users_app.command("list")
@users_app.command("lijst", hidden=True)
def list_users() -> None:
    """Alle gebruikers, met rol en status."""
    with _refusals():
        found = accounts.list_users(_store())
    table = Table("gebruiker", "naam", "rol", "status", "e-mail")
    for account in found:
        table.add_row(
            account.name,
            account.display_name,
            ROLE_LABELS[account.role],
            "actief" if account.active else "uitgeschakeld",
            account.email or "",
        )
    console.print(table)
