"""`klachtenbus report`: the quarterly or annual overview on screen, as CSV files, or as JSON.

CSV files are written for Dutch Excel (casework.exports), as the web app's downloads are.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import bootstrap
from casework.exports import CSV_ENCODING, write_rows
from casework.reports import PERIOD_FORMS, Cell, Report, ReportTable, parse_period, tables
from casework.reports import report as build_report
from klachtenbus.errors import KlachtenbusError
from klachtenbus.settings import load_settings

console = Console()
err = Console(stderr=True)


def report(
    period: Annotated[
        str | None,
        typer.Option("--period", "--periode", help=f"De periode: {PERIOD_FORMS}."),
    ] = None,
    csv_to: Annotated[
        str | None,
        typer.Option(
            "--csv",
            help="Schrijf de tabellen als CSV (puntkomma, UTF-8): in een map (bestaand of eindigend "
            "op /) of met dit voorvoegsel, bv. rapport → rapport-categorie.csv.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Het hele rapport als één JSON-object.")
    ] = False,
    pdf_to: Annotated[
        Path | None,
        typer.Option(
            "--pdf", help="Schrijf het rapport als PDF (A4, met grafieken) naar dit bestand."
        ),
    ] = None,
) -> None:
    """Kwartaal- of jaaroverzicht: aantallen per categorie, oordeel, team en gemeente, termijnen en
    overschrijdingen, en de zaken die extern zijn gegaan."""
    try:
        if not period:
            raise KlachtenbusError(f"Geef een periode met --period: {PERIOD_FORMS}.")
        chosen = parse_period(period)
        settings = load_settings()
        result = build_report(bootstrap.open_store(settings), bootstrap.office_of(settings), chosen)
        written = write_csv(result, csv_to) if csv_to is not None else []
        if pdf_to is not None:
            from web.pages.reports import pdf_of  # WeasyPrint: only loaded when asked for

            pdf_to.write_bytes(pdf_of(result, settings.organisation_name))
            written.append(pdf_to)
    except KlachtenbusError as exc:
        err.print(f"[bold red]Fout:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        err.print(f"[bold red]Fout:[/] bestand niet geschreven: {escape(str(exc))}")
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(asdict(result), ensure_ascii=False, default=str))
    else:
        _print(result)
    for path in written:
        (err if as_json else console).print(f"Geschreven: {path}")


def csv_paths(target: str | Path, label: str, names: list[str]) -> dict[str, Path]:
    """A directory (existing, or written with a trailing /) gets klachten-<periode>-<tabel>.csv;
    anything else is a prefix: <pad>-<tabel>.csv (rapport.csv → rapport-<tabel>.csv)."""
    path = Path(target)
    if path.is_dir() or str(target).endswith(("/", os.sep)):
        return {name: path / f"klachten-{label}-{name}.csv" for name in names}
    stem = path.name[:-4] if path.suffix.lower() == ".csv" else path.name
    return {name: path.with_name(f"{stem}-{name}.csv") for name in names}


def write_csv(result: Report, target: str | Path) -> list[Path]:
    """One CSV file per table, with a header row; returns the files written."""
    laid_out = tables(result)
    paths = csv_paths(target, result.period.label, [t.name for t in laid_out])
    written = []
    for table in laid_out:
        path = paths[table.name]
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
            write_rows(handle, table.header, table.rows)
        written.append(path)
    return written


def _screen_cell(cell: Cell) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, float):
        return f"{cell * 100:.0f}%"
    return str(cell)


def _print(result: Report) -> None:
    p = result.period
    console.print(
        f"[bold]Klachtenrapportage {p.label}[/]: ontvangen {p.first.isoformat()} t/m "
        f"{p.last.isoformat()} ({result.time_zone}), stand op {result.as_of.isoformat()}."
    )
    console.print(
        f"{result.total} klachten, waarvan {result.closed} afgesloten en "
        f"{result.total - result.closed} nog in behandeling."
    )
    for laid_out in tables(result):
        _print_table(laid_out)
    console.print(
        "Binnen de termijn: afgehandeld op of vóór de uiterste datum na opschorting en verdaging; "
        "een open zaak over die datum telt als te laat. Gemeten: bevestiging, ontvankelijkheid "
        "en het antwoord (bevindingen of afsluiting)."
    )


def _print_table(laid_out: ReportTable) -> None:
    if not laid_out.rows:
        console.print(f"{laid_out.title}: geen.")
        return
    table = Table(*laid_out.header, title=laid_out.title)
    for row in laid_out.rows:
        table.add_row(*(_screen_cell(cell) for cell in row))
    console.print(table)
