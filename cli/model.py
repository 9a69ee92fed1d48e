"""`klachtenbus train` and `klachtenbus model …`: the model's lifecycle at the server.

The same rule as in the browser: training makes a candidate, measured beside the active
model; only `model promote N` (or `model activeren N`) makes it active.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

import bootstrap
from casework import model_versions, retraining
from klachtenbus.errors import KlachtenbusError
from klachtenbus.settings import load_settings

model_app = typer.Typer(
    help="Modelversies: bekijken, vergelijken, actief maken, verwerpen, terugdraaien.",
    no_args_is_help=True,
)
console = Console()
err = Console(stderr=True)
KIND_WORDS = model_versions.KIND_WORDS

By = Annotated[
    str | None,
    typer.Option("--door", help="Wie dit doet (standaard: uw gebruikersnaam op de server)."),
]


@contextmanager
def _refusals() -> Iterator[None]:
    """A use case's Dutch refusal becomes the command's error line and exit code 2."""
    try:
        yield
    except KlachtenbusError as exc:
        err.print(f"[bold red]Fout:[/] {exc}")
        raise typer.Exit(2) from None


def _actor(by: str | None) -> str:
    return by or f"{getpass.getuser()} (opdrachtregel)"


def train(
    door: By = None,
    ondanks_onenigheid: Annotated[
        bool,
        typer.Option(
            "--ondanks-onenigheid",
            help="Train ook als behandelaars het over berichten oneens zijn (de laatste "
            "beslissing telt).",
        ),
    ] = False,
) -> None:
    """Train een kandidaat op het corpus plus alle beslissingen en vergelijk hem met het actieve model."""
    with _refusals():
        settings = load_settings()
        store = bootstrap.open_store(settings)
        run_id = retraining.request(store, _actor(door), despite_disagreements=ondanks_onenigheid)
        with console.status("Kandidaat trainen…"):
            version = retraining.run_waiting(store, bootstrap.trainer_of(settings, store), run_id)
        if version is None:
            shown = retraining.run_view(store, run_id)
            problem = shown.error if shown and shown.error else "zie het logboek"
            raise retraining.TrainingRefused(f"De training is niet gelukt: {problem}.")
        candidate, against = model_versions.comparison(store, version)
    print_comparison(candidate, against)
    console.print(
        f"Kandidaat modelversie {version} is gemaakt en is [bold]niet[/] actief. "
        f"Maak hem actief met: klachtenbus model promote {version} "
        f"(of verwerp hem: klachtenbus model discard {version})."
    )


def print_comparison(
    candidate: model_versions.Version, against: model_versions.Version | None
) -> None:
    metrics = candidate.metrics
    name = f"versie {against.id}" if against else "geen"
    for measured in metrics.get("sets", []):
        figures = measured["figures"]
        table = Table(
            "",
            f"kandidaat {candidate.id}",
            f"actief ({name})",
            title=f"{measured['title']} ({measured['size']} berichten)",
        )
        rows: list[tuple[str, Any]] = [
            (
                "klachten gevonden (geregistreerd of triage)",
                lambda f: f"{f['complaint_recall']:.3f}",
            ),
            ("naar triage (van de post van mensen)", lambda f: f"{f['triage_share']:.1%}"),
            ("registratie juist", lambda f: f"{f['register_precision']:.3f}"),
            *(
                (
                    f"{KIND_WORDS[k]} precisie / recall",
                    lambda f, k=k: (
                        f"{f['per_class'][k]['precision']:.2f} / {f['per_class'][k]['recall']:.2f}"
                    ),
                )
                for k in ("complaint", "remark", "other")
            ),
            ("Brier (kalibratie)", lambda f: f"{f['calibration']['brier']:.3f}"),
        ]
        for label, cell in rows:
            table.add_row(
                label,
                cell(figures["candidate"]),
                cell(figures["active"]) if "active" in figures else "-",
            )
        console.print(table)
        if measured.get("active_knew"):
            console.print(
                f"  Het actieve model kende {measured['active_knew']} van deze berichten uit zijn "
                "eigen training; dat maakt zijn cijfers hier gunstiger."
            )
        console.print(
            f"  Oneens over {measured['disagreement_count']} bericht(en); zie de modelpagina "
            f"(/beheer/model/{candidate.id}) of `klachtenbus model show {candidate.id}`."
        )


@model_app.command("list")
@model_app.command("lijst", hidden=True)
def model_list() -> None:
    """Toon alle modelversies, nieuwste eerst; de actieve is gemarkeerd."""
    with _refusals():
        found = model_versions.versions(bootstrap.open_store(load_settings()))
    table = Table(
        "Versie", "Getraind", "Door", "Berichten", "Status", "Actief gemaakt door", "sha256",
        "gegevens-sha256", title="Modelversies",
    )  # fmt: skip
    for m in found:
        table.add_row(
            str(m.id),
            f"{m.trained_at:%Y-%m-%d %H:%M}",
            m.created_by or "-",
            str(m.samples),
            m.state_label + (" (meekijkend)" if m.in_shadow else ""),
            m.promoted_by or ("-" if m.promoted_at is None else "(bij installatie)"),
            m.sha256[:12],
            m.data_sha256[:12],
        )
    console.print(table)


@model_app.command("show")
@model_app.command("vergelijk", hidden=True)
def model_show(
    version: Annotated[int, typer.Argument(help="Versienummer uit `klachtenbus model list`.")],
) -> None:
    """Toon de vergelijking van een kandidaat met het model dat actief was toen hij getraind werd."""
    with _refusals():
        candidate, against = model_versions.comparison(
            bootstrap.open_store(load_settings()), version
        )
    if not candidate.metrics.get("sets"):
        console.print(f"Van modelversie {version} zijn geen vergelijkingscijfers bewaard.")
        return
    print_comparison(candidate, against)


@model_app.command("promote")
@model_app.command("activeren", hidden=True)
def model_promote(
    version: Annotated[int, typer.Argument(help="Versienummer uit `klachtenbus model list`.")],
    door: By = None,
) -> None:
    """Maak een modelversie actief; de bot gebruikt hem vanaf de volgende ronde."""
    with _refusals():
        model_versions.promote(bootstrap.open_store(load_settings()), _actor(door), version)
    console.print(f"Modelversie {version} is actief; de bot gebruikt hem vanaf de volgende ronde.")


@model_app.command("discard")
@model_app.command("verwerpen", hidden=True)
def model_discard(
    version: Annotated[int, typer.Argument(help="Versienummer van een kandidaat.")],
    door: By = None,
) -> None:
    """Verwerp een kandidaat: hij wordt nooit actief; zijn cijfers blijven bewaard."""
    with _refusals():
        model_versions.discard(bootstrap.open_store(load_settings()), _actor(door), version)
    console.print(f"Modelversie {version} is verworpen.")


@model_app.command("rollback")
@model_app.command("terugdraaien", hidden=True)
def model_rollback(
    version: Annotated[
        int | None,
        typer.Argument(help="Een eerdere versie; zonder nummer de versie vóór de actieve."),
    ] = None,
    door: By = None,
) -> None:
    """Ga terug naar een eerdere modelversie (standaard: de versie vóór de actieve)."""
    with _refusals():
        shown = model_versions.rollback(
            bootstrap.open_store(load_settings()), _actor(door), version
        )
    console.print(f"Modelversie {shown.id} is weer actief.")


@model_app.command("shadow")
@model_app.command("meekijken", hidden=True)
def model_shadow(
    version: Annotated[int, typer.Argument(help="Versienummer van een kandidaat.")],
    stop: Annotated[bool, typer.Option("--stop", help="Stop het meekijken.")] = False,
    door: By = None,
) -> None:
    """Laat een kandidaat meekijken: hij beoordeelt nieuwe post naast het actieve model, zonder iets te doen."""
    with _refusals():
        model_versions.shadow(
            bootstrap.open_store(load_settings()), _actor(door), version, not stop
        )
    console.print(f"Modelversie {version} kijkt {'niet meer ' if stop else ''}mee.")
