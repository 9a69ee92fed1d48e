"""The `klachtenbus` command. Messages meant for officers and admins are Dutch."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import bootstrap
from bot import preparing
from bot.sending import SendSummary
from cli.cases import case_app, digest, letter_app
from cli.doctor import doctor
from cli.model import model_app, train
from cli.reports import report
from cli.users import users_app
from klachtenbus.errors import KlachtenbusError, MessageUnparseable
from klachtenbus.logs import json_lines
from klachtenbus.settings import Settings, in_force, load_settings
from klachtenbus.vocabulary import LETTER_LABELS, Flag

if TYPE_CHECKING:
    from collections.abc import Callable

    from office.detection import Detection

app = typer.Typer(
    help="Klachtenbus: leest de klachtenmailbox, herkent klachten, registreert en bevestigt ze.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    settings = load_settings()
    if err.is_terminal:
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(console=err, show_path=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:  # systemd, a container, a log file: one JSON object per line for the log collector
        handler = logging.StreamHandler()
        handler.setFormatter(json_lines())
    logging.basicConfig(level=settings.log_level.upper(), handlers=[handler])
    for noisy in ("apscheduler", "alembic"):  # their INFO lines say nothing an admin needs
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    return settings


def _fail(exc: KlachtenbusError) -> None:
    err.print(f"[bold red]Fout:[/] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def init() -> None:
    """Maak of migreer de database en train het model als er nog geen is."""
    try:
        settings = _settings()
        _, trained = bootstrap.initialise(settings)
    except KlachtenbusError as exc:
        _fail(exc)
    console.print(
        "Database is bijgewerkt." + (" Model getraind." if trained else " Model was er al.")
    )


@app.command()
def run() -> None:
    """Lees de mailbox en verstuur post volgens schema, tot SIGTERM of Ctrl-C."""
    from bot.scheduler import run as run_scheduler

    try:
        settings = _settings()
        bootstrap.mailbox_of(settings)  # a wrong mailbox setting stops start-up, not each poll
        mailer = bootstrap.mailer_of(settings)
        store = bootstrap.open_store(settings)
        pipeline = bootstrap.pipeline_of(settings, store)
        preparing.settle_heap()
        try:
            run_scheduler(bootstrap.plan_of(settings, pipeline, mailer))
        finally:
            pipeline.close()
    except KlachtenbusError as exc:
        _fail(exc)


@app.command()
def poll(
    once: Annotated[bool, typer.Option("--once", help="Eén ronde en dan stoppen.")] = False,
) -> None:
    """Lees de mailbox één keer, verwerk alles en verstuur de bevestigingen."""
    if not once:
        err.print(
            "Gebruik `klachtenbus poll --once` voor één ronde, of `klachtenbus run` om door te gaan."
        )
        raise typer.Exit(2)
    try:
        settings = _settings()
        mailbox = bootstrap.mailbox_of(settings)  # the settings first: no waiting for a refusal
        mailer = bootstrap.mailer_of(settings)
        store = bootstrap.open_store(settings)
        pipeline = bootstrap.pipeline_of(settings, store)
        preparing.settle_heap()
        retry = {"retry_base": settings.retry_base_seconds, "retry_max": settings.retry_max_seconds}
        poll_once = bootstrap.with_heartbeat(settings, store, pipeline.poll)  # poll from cron too

        sending = True

        def send(busy: Callable[[], bool]) -> SendSummary:
            """Letters go out while the helper is busy; trouble waits for the send after the poll."""
            nonlocal sending
            if sending:
                try:
                    return pipeline.sender.send_while(mailer, busy, **retry)
                except Exception:
                    logging.getLogger(__name__).warning(
                        "Versturen tijdens de ronde mislukt", exc_info=True
                    )
                    sending = False
            return SendSummary()

        if console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            with Progress(
                TextColumn("Berichten"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err,
            ) as bar:
                task = bar.add_task("poll", total=None)
                summary = poll_once(
                    mailbox, lambda n, total: bar.update(task, completed=n, total=total), send
                )
        else:
            summary = poll_once(mailbox, send=send)
        sent = summary.sent  # sent while the helper was busy, then the rest
        sent.add(pipeline.sender.send_due_all(mailer, **retry))
        pipeline.close()
        store.engine.dispose()
    except KlachtenbusError as exc:
        _fail(exc)
    kinds = (
        ", ".join(f"{_KIND_NL.get(k, k)}: {n}" for k, n in sorted(summary.by_kind.items()))
        or "geen"
    )
    retrying = f"Opnieuw in de volgende ronde: {summary.retrying}. " if summary.retrying else ""
    console.print(
        f"Gelezen: {summary.stored} nieuw van {summary.seen} in de map. {kinds}. "
        f"Dubbel: {summary.duplicates}. Onleesbaar of in quarantaine: {summary.failed}. "
        f"{retrying}Bevestigingen verstuurd: {sent.sent}, "
        f"nog in de wachtrij: {sent.failed + sent.waiting}."
    )
    global _DONE_WITH_THE_HEAP
    _DONE_WITH_THE_HEAP = True


@app.command("classify")
def classify_files(
    files: Annotated[list[Path], typer.Argument(help="Een of meer .eml-bestanden.", exists=True)],
    as_json: Annotated[
        bool, typer.Option("--json", help="Eén JSON-object per bestand per regel.")
    ] = False,
) -> None:
    """Beoordeel berichten zonder ze te registreren."""
    import intake
    from office.detection import with_attachment_texts

    try:
        settings = _settings()
        detection = _detection_for_cli(settings)
    except KlachtenbusError as exc:
        _fail(exc)
    for path in files:
        row: dict[str, object] = {"file": str(path)}
        try:
            raw = path.read_bytes()
            message = intake.parse(raw, received_at=datetime.now(UTC))
            message = with_attachment_texts(message, raw, detection.attachment_limits)
            decision = detection.decide(message)
            row |= {
                "kind": str(decision.kind),
                "complaint_probability": decision.complaint_probability,
                "reasons": list(decision.reasons),
                "flags": {f.value: f in decision.flags for f in Flag},
                "rule_hits": [asdict(h) for h in decision.rule_hits],
                "top_terms": list(decision.top_terms),
            }
        except MessageUnparseable as exc:
            row |= {
                "kind": "uncertain",
                "complaint_probability": None,
                "reasons": [f"Onleesbaar bericht: {exc}"],
                "flags": {f.value: False for f in Flag},
                "rule_hits": [],
                "top_terms": [],
                "error": str(exc),
            }
        if as_json:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            console.print(
                f"[bold]{path}[/]: {_KIND_NL.get(str(row['kind']))} "
                f"(kans op klacht {row['complaint_probability']})"
            )
            for reason in row["reasons"]:  # type: ignore[attr-defined]
                console.print(f"  - {reason}")


def _detection_for_cli(settings: Settings) -> Detection:
    """The active model when there is a database; otherwise one trained on the spot."""
    import classify
    from office.detection import Detection, training_set

    try:
        store = bootstrap.open_store(settings)
        return bootstrap.detection_of(settings, store)
    except KlachtenbusError:
        err.print(
            "Geen geïnitialiseerde database gevonden; het model wordt nu getraind (enkele seconden)."
        )
        rules = bootstrap.rules_of(settings)
        samples, labels = training_set(rules, classify.load_corpus())
        return Detection(
            rules,
            classify.train(samples, labels),
            bootstrap.thresholds_of(settings),
        )


@app.command("evaluate")
def evaluate_detection(
    as_json: Annotated[
        bool, typer.Option("--json", help="Als JSON in plaats van tabellen.")
    ] = False,
) -> None:
    """Meet de herkenning op het corpus: kruisvalidatie en een apart gehouden deel."""
    from casework.evaluation import evaluate
    from classify import load_corpus
    from cli.evaluation import calibration_table, group_table

    try:
        settings = _settings()
        result = evaluate(
            load_corpus(), bootstrap.rules_of(settings), bootstrap.thresholds_of(settings)
        )
    except KlachtenbusError as exc:
        _fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(asdict(result), ensure_ascii=False, indent=2) + "\n")
        return
    for title, reports in (
        (
            f"Apart gehouden deel ({result.held_out_size} berichten; getraind op {result.training_size})",
            result.held_out,
        ),
        (
            f"Kruisvalidatie, gestratificeerd ({result.folds} delen, alle {result.size} berichten)",
            result.cross_validated,
        ),
    ):
        table = Table(
            "Aanpak",
            "klacht P/R/F1",
            "opmerking P/R/F1",
            "automatisch P/R/F1",
            "klachten gevonden",
            "registratie juist",
            "naar triage",
            "automatisch herkend",
            "meldcode",
            title=title,
        )
        for r in reports:
            cells = [
                f"{r.per_class[k].precision:.2f}/{r.per_class[k].recall:.2f}/{r.per_class[k].f1:.2f}"
                for k in ("complaint", "remark", "other")
            ]
            meldcode = f"{r.meldcode_recall:.2f}" if r.meldcode_recall is not None else "-"
            table.add_row(
                r.name,
                *cells,
                f"{r.complaint_recall:.3f}",
                f"{r.register_precision:.3f}",
                f"{r.triage_share:.1%}",
                f"{r.machine_recall:.3f}",
                meldcode,
            )
        console.print(table)
    combined = result.held_out[-1]
    matrix = Table(
        "echt \\ besluit",
        *(_KIND_NL.get(k, k) for k in combined.confusion["complaint"]),
        title="Verwarringsmatrix, samen, apart gehouden deel",
    )
    for truth, row in combined.confusion.items():
        matrix.add_row(_KIND_NL.get(truth, truth), *(str(n) for n in row.values()))
    console.print(matrix)
    console.print(calibration_table(result))
    folds = f"elk bericht beoordeeld door een model dat het niet zag ({result.folds} delen)"
    console.print(group_table(f"Per taal, samen; {folds}", result.by_language))
    console.print(group_table(f"Per soort lastig geval, samen; {folds}", result.by_hard_case))


@app.command()
def triage() -> None:
    """Toon wat op een beslissing van een medewerker wacht (twijfelgevallen), oudste eerst."""
    from casework import triage as decisions

    try:
        store = bootstrap.open_store(_settings())
    except KlachtenbusError as exc:
        _fail(exc)
    waiting = decisions.waiting(store)
    table = Table(
        "Nr.",
        "Ontvangen",
        "Van",
        "Onderwerp",
        "Kans",
        "Waarom",
        title=f"Triage: {len(waiting)} wachten",
    )
    for w in waiting:
        probability = (
            f"{w.complaint_probability:.2f}" if w.complaint_probability is not None else ""
        )
        table.add_row(
            str(w.number),
            f"{w.received_at:%Y-%m-%d %H:%M}",
            w.sender,
            w.subject[:50],
            probability,
            "\n".join(w.reasons[:3]),
        )
    console.print(table)
    if waiting:
        console.print(
            "Beslis met: klachtenbus label NR complaint|remark|other [--flag meldcode] --door NAAM"
        )


@app.command()
def label(
    message: Annotated[
        str, typer.Argument(help="Nummer uit `klachtenbus triage`, of de Message-ID.")
    ],
    kind: Annotated[
        str, typer.Argument(help="klacht, opmerking of automatisch (of complaint, remark, other)")
    ],
    flag: Annotated[
        list[str] | None,
        typer.Option("--flag", help="meldcode, intrekking, beroep of vervolg; herhaalbaar."),
    ] = None,
    door: Annotated[str, typer.Option("--door", help="Wie beslist.")] = "",
    notitie: Annotated[
        str | None, typer.Option("--notitie", help="Waarom, voor wie het later leest.")
    ] = None,
) -> None:
    """Leg de beslissing van een medewerker over een bericht vast (wie, wanneer, wat)."""
    from casework import triage as decisions

    officer = door or os.environ.get("USER", "")
    try:
        settings = _settings()
        store = bootstrap.open_store(settings)
        decided = decisions.decide(
            store, message, kind, flags=flag or [], officer=officer, note=notitie,
            office=bootstrap.office_of(settings),
        )  # fmt: skip
    except KlachtenbusError as exc:
        _fail(exc)
    word = _KIND_NL.get(str(decisions.KIND_WORDS[kind.strip().lower()]), kind)
    console.print(f"Bericht {decided.number} is vastgelegd als {word} door {officer}.")
    if decided.case_number:
        console.print(
            f"Geregistreerd als zaak {decided.case_number}; de ontvangstbevestiging staat in de "
            "wachtrij (klachtenbus case show " + decided.case_number + ")."
        )
    for other, their in decided.earlier:
        console.print(
            f"Let op: {other} besliste eerder '{_KIND_NL.get(their, their)}'; beide beslissingen "
            "blijven bewaard."
        )
    if decided.existing_case and decided.kind != "complaint":
        console.print(
            f"Let op: bericht {decided.number} hoort bij zaak {decided.existing_case}. Is het "
            "geen klacht, sluit die zaak dan: klachtenbus case move "
            f"{decided.existing_case} afgesloten --afloop niet-ontvankelijk --door NAAM --reden ..."
        )


app.command("train")(train)
app.command("trainen", hidden=True)(train)
app.add_typer(model_app, name="model")


app.add_typer(case_app, name="case")
app.add_typer(users_app, name="user")
app.add_typer(users_app, name="gebruiker", hidden=True)
app.add_typer(letter_app, name="letter")
app.command("digest")(digest)
app.command("report")(report)
app.command("doctor")(doctor)
app.command("controle", hidden=True)(doctor)

procedure_app = typer.Typer(
    help="Klachtenprocedures (presets): termijnen en routes.", no_args_is_help=True
)
app.add_typer(procedure_app, name="procedure")


@procedure_app.command("show")
def procedure_show(
    name: Annotated[
        str,
        typer.Argument(help="Naam van een preset (bv. hss, awb) of pad naar een eigen bestand."),
    ],
    received: Annotated[
        str, typer.Option("--received", help="Datum van ontvangst, JJJJ-MM-DD.")
    ] = "",
    as_json: Annotated[
        bool, typer.Option("--json", help="Eén JSON-object per stap per regel.")
    ] = False,
) -> None:
    """Toon de stappen van een procedure met hun termijnen voor een klacht ontvangen op een datum."""
    from procedures import WorkingCalendar, load_preset, step_deadlines

    try:
        settings = _settings()
        preset = load_preset(name)
        day = date.fromisoformat(received) if received else datetime.now(UTC).date()
    except ValueError:
        err.print(
            f"[bold red]Fout:[/] '--received {received}' is geen datum; schrijf JJJJ-MM-DD, bv. 2026-12-23."
        )
        raise typer.Exit(2) from None
    except KlachtenbusError as exc:
        _fail(exc)
    calendar = WorkingCalendar(preset.country, settings.extra_holidays)
    rows = [
        {"step": step.name, "due": due.isoformat(), "term": str(step.term), "basis": step.basis}
        for step, due in step_deadlines(preset, day, calendar)
    ]
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table(
        "Stap", "Uiterlijk", "Termijn", "Grondslag", title=f"{preset.title}, ontvangen {day}"
    )
    for row in rows:
        table.add_row(row["step"], row["due"], row["term"], row["basis"])
    console.print(table)
    if preset.external_route:
        console.print(preset.external_route)


@app.command()
def cases(
    failed: Annotated[
        bool, typer.Option("--failed", help="Toon onleesbare berichten in quarantaine.")
    ] = False,
) -> None:
    """Toon de geregistreerde klachten (of de onleesbare berichten)."""
    from procedures.lifecycle import LABELS
    from storage import records

    try:
        store = bootstrap.open_store(_settings())
    except KlachtenbusError as exc:
        _fail(exc)
    with store.unit_of_work() as session:
        if failed:
            table = Table(
                "Nr.", "Ontvangen", "Grootte", "Fout", title="Onleesbare berichten (quarantaine)"
            )
            for m in records.failed_messages(session):
                table.add_row(
                    str(m.id), f"{m.received_at:%Y-%m-%d %H:%M}", f"{m.raw_size} B", m.error or ""
                )
        else:
            table = Table(
                "Zaak",
                "Ontvangen",
                "Klager",
                "Onderwerp",
                "Status",
                "Bevestigen vóór",
                "Standpunt vóór",
                "Bevestiging",
                "Signalen",
                title="Klachten",
            )
            for c in records.cases(session):
                letter = next((x for x in c.letters if x.purpose == "ontvangstbevestiging"), None)
                table.add_row(
                    c.number,
                    f"{c.received_at:%Y-%m-%d}",
                    c.complainant_name,
                    c.subject[:40],
                    LABELS.get(c.status, c.status),
                    f"{c.acknowledge_due}",
                    f"{c.answer_due}",
                    _LETTER_NL.get(letter.status, letter.status) if letter else "-",
                    ("SPOED meldcode " if "meldcode" in (c.flags or []) else "")
                    + ", ".join(f for f in (c.flags or []) if f != "meldcode"),
                )
    console.print(table)


@app.command()
def serve() -> None:
    """Start de webapp voor behandelaars en beheerders (zie web_host en web_port)."""
    import uvicorn

    from web.app import create_app
    from web.context import WebContext

    try:
        settings = _settings()
        store = bootstrap.open_store(settings)
        context = WebContext(
            store=store,
            office=bootstrap.office_of(settings),
            secure_cookies=settings.web_secure_cookies,
            idle=timedelta(minutes=settings.web_session_idle_minutes),
            officers=settings.officers,
            rules_file=settings.rules_file,
            settings_in_force=tuple(in_force(settings)),
            attachment_limits=bootstrap.attachment_limits_of(settings),
            thresholds=bootstrap.thresholds_of(settings),
            health_stale=timedelta(minutes=settings.health_stale_minutes),
        )
    except KlachtenbusError as exc:
        _fail(exc)
    console.print(
        f"Klachtenbus-webapp op http://{settings.web_host}:{settings.web_port}/ "
        "(stop met Ctrl-C). Nog geen gebruiker? `klachtenbus user add NAAM --rol beheerder`."
    )
    uvicorn.run(
        create_app(context),
        host=settings.web_host,
        port=settings.web_port,
        proxy_headers=True,
        forwarded_allow_ips=settings.web_trusted_proxies,
        log_level=settings.log_level.lower(),
        server_header=False,
    )


@app.command("demo")
def run_demo(
    folder: Annotated[Path, typer.Option("--dir", help="Map voor de demo.")] = Path(
        "klachtenbus-demo"
    ),
) -> None:
    """Draai het hele proces zonder server op een Maildir met voorbeeldberichten."""
    from cli import demo

    try:
        demo.run(folder, console)
    except KlachtenbusError as exc:
        _fail(exc)


_KIND_NL = {
    "complaint": "klacht",
    "remark": "opmerking",
    "other": "automatisch",
    "uncertain": "twijfel",
}
_LETTER_NL: dict[str, str] = dict(LETTER_LABELS)


# Set when a command has committed, closed and printed everything: the process may then end
# without the interpreter freeing every object one by one, which after a large poll took
# longer than a tenth of the poll itself.
_DONE_WITH_THE_HEAP = False


def main() -> None:
    """The console entry point. A refusal no command caught itself (a setting read by a
    helper, say) still ends as one Dutch line and exit code 2, never a traceback."""
    try:
        app()
    except KlachtenbusError as exc:
        err.print(f"[bold red]Fout:[/] {escape(str(exc))}", soft_wrap=True)
        sys.exit(2)
    except SystemExit as exit_:
        if _DONE_WITH_THE_HEAP and exit_.code in (None, 0):
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        raise
