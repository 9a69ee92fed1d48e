"""`klachtenbus case ...` and `klachtenbus letter preview`: officers work a case from the shell."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import bootstrap
from casework import cases
from klachtenbus.errors import KlachtenbusError
from klachtenbus.settings import load_settings
from klachtenbus.vocabulary import EVENT_LABELS, LETTER_LABELS, CaseStatus, Closure, Outcome
from office import Office
from outbox import dutch_date
from procedures.lifecycle import CLOSURE_LABELS, LABELS

case_app = typer.Typer(help="Werk een klacht af: bekijken, verplaatsen, verdagen, opschorten.")
letter_app = typer.Typer(help="Brieven bekijken voordat ze weggaan.")
console = Console()
err = Console(stderr=True)

STATUS_WORDS = {
    "bevestigd": CaseStatus.ACKNOWLEDGED, "ontvankelijkheid": CaseStatus.ADMISSIBILITY,
    "onderzoek": CaseStatus.INVESTIGATION, "bevindingen": CaseStatus.FINDINGS_SENT,
    "beroep": CaseStatus.APPEAL, "opgeschort": CaseStatus.SUSPENDED,
    "overgedragen": CaseStatus.HANDED_OVER, "afgesloten": CaseStatus.CLOSED,
}  # fmt: skip
CLOSURE_WORDS = {
    "opgelost": Closure.RESOLVED, "ingetrokken": Closure.WITHDRAWN, "uitspraak": Closure.RULED,
    "extern-advies": Closure.RULED_AFTER_ADVICE, "niet-ontvankelijk": Closure.NOT_ADMISSIBLE,
}  # fmt: skip
FIELD_WORDS = {
    "categorie": "category", "team": "team", "dienst": "team", "gemeente": "municipality",
    "behandelaar": "officer", "acties": "actions_taken", "oordeel": "outcome",
    "maatregelen": "measures", "verbeteracties": "improvements", "tevreden": "satisfied",
    "extern": "referred_to", "postadres": "complainant_address",
}  # fmt: skip

Officer = Annotated[str, typer.Option("--door", help="Wie dit doet (naam of e-mailadres).")]
Reason = Annotated[str, typer.Option("--reden", help="Waarom; komt in het dossier.")]
Preview = Annotated[
    bool,
    typer.Option(
        "--voorbeeld", help="Toon de brieven precies zoals ze zouden gaan; verandert niets."
    ),
]


def _office() -> tuple[Any, Office]:
    settings = load_settings()
    return bootstrap.open_store(settings), bootstrap.office_of(settings)


def _fail(exc: KlachtenbusError) -> None:
    err.print(f"[bold red]Fout:[/] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(2)


def _done(result: cases.Result) -> None:
    line = f"{result.number}: nu '{LABELS[CaseStatus(result.status)]}'."
    if result.letters:
        line += f" Brief in de uitgaande post: {', '.join(result.letters)}."
    console.print(line)


def _act(change: Callable[[Any, Office], cases.Result], *, preview: bool = False) -> None:
    """Run one change to a case and say what it did, or what to do instead."""
    try:
        store, office = _office()
        result = change(store, office)
    except KlachtenbusError as exc:
        _fail(exc)
    if preview:
        _show_drafts(result)
    else:
        _done(result)


def _show_drafts(result: cases.Result) -> None:
    """The letters a change would queue, headers and text, as the complainant gets them."""
    if not result.drafts:
        console.print(f"{result.number}: deze stap stuurt geen brief. Er is niets veranderd.")
        return
    for draft in result.drafts:
        print(f"--- {draft.purpose} ---")
        print(f"Aan: {draft.recipient or '(geen e-mailadres: per post versturen)'}")
        print(f"Van: {draft.sender}")
        print(f"Onderwerp: {draft.subject}")
        print()
        print(draft.text, end="" if draft.text.endswith("\n") else "\n")
    console.print(f"{result.number}: voorbeeld; er is niets veranderd of verstuurd.")


@case_app.command("show")
def show(
    number: str,
    as_json: Annotated[bool, typer.Option("--json", help="Alles als één JSON-object.")] = False,
) -> None:
    """Toon een zaak: registratie, termijnen per stap, geschiedenis, brieven en post."""
    try:
        store, office = _office()
        view = cases.show(store, office, number)
    except KlachtenbusError as exc:
        _fail(exc)
    steps = [
        {"step": s.step.name, "role": s.step.role, "due": s.due.isoformat(),
         "target": s.target.isoformat(), "term": str(s.step.term), "basis": s.step.basis}
        for s in view.steps
    ]  # fmt: skip
    if as_json:
        print(json.dumps({**vars(view), "steps": steps}, ensure_ascii=False, default=str))
        return
    c = view.case
    zone = ZoneInfo(office.procedure.time_zone)

    def local(moment: str | None) -> str:
        """A stored moment as the officer's clock shows it: 03-12-2026 15:29."""
        if not moment:
            return ""
        return f"{datetime.fromisoformat(moment).astimezone(zone):%d-%m-%Y %H:%M}"

    console.print(f"[bold]{c['number']}[/] — {c['subject']}  ({c['status_label']})")
    for label, key in (
        ("Klager", "complainant_name"), ("E-mail", "complainant_email"),
        ("Postadres", "complainant_address"), ("Ontvangen", "received_at"),
        ("Procedure", "procedure"), ("Categorie", "category"), ("Team/dienst", "team"),
        ("Gemeente", "municipality"), ("Behandelaar", "officer"), ("Oordeel", "outcome"),
        ("Acties", "actions_taken"), ("Maatregelen", "measures"),
        ("Verbeteracties", "improvements"), ("Tevreden", "satisfied"),
        ("Extern verwezen", "referred_to"), ("Afloop", "closure"),
    ):  # fmt: skip
        if c.get(key) not in (None, ""):
            value = CLOSURE_LABELS.get(c[key], c[key]) if key == "closure" else c[key]
            if key == "received_at":
                value = local(c[key])
            elif key == "satisfied":
                value = "ja" if c[key] else "nee"
            console.print(f"  {label}: {value}")
    if c["flags"]:
        console.print(f"  Signalen: {', '.join(c['flags'])}")
    if c["extension_weeks"]:
        console.print(f"  Verdaagd: {c['extension_weeks']} weken ({c['extension_reason']})")
    if c["paused_days"] or c["suspended_since"]:
        console.print(
            f"  Klok stilgezet: {c['paused_days']} dagen, opgeschort sinds {c['suspended_since'] or '-'}"
        )
    if view.earlier_cases:
        console.print(f"  Eerdere klachten van deze klager: {', '.join(view.earlier_cases)}")
    table = Table(
        "Stap", "Termijn", "Uiterlijk", "Eigen streefdatum", "Grondslag", title="Termijnen"
    )
    for s in view.steps:
        table.add_row(
            s.step.name, str(s.step.term), dutch_date(s.due), dutch_date(s.target), s.step.basis
        )
    console.print(table)
    history = Table("Wanneer", "Wie", "Wat", "Waarom", title="Geschiedenis")
    for e in view.events:
        what = EVENT_LABELS.get(e["kind"], e["kind"])
        if e["to"]:
            what += f": {_status_label(e['from'])} → {_status_label(e['to'])}"
        why = e["reason"] or ""
        skipped = (e["details"] or {}).get("skipped")
        if skipped:
            why += f" (overgeslagen: {', '.join(skipped)}; {e['details'].get('skip_reason', '')})"
        history.add_row(local(e["at"]), e["actor"], what, why)
    console.print(history)
    mail = Table("Brief", "Status", "Aan", "Verstuurd", title="Brieven")
    for x in view.letters:
        mail.add_row(
            x["purpose"],
            LETTER_LABELS.get(x["status"], x["status"]),
            x["recipient"] or "-",
            local(x["sent_at"]) if x["sent_at"] else f"gepland {local(x['planned_for'])}",
        )
    console.print(mail)
    for m in view.correspondence:
        console.print(f"  Post van {m['from']} op {local(m['received_at'])}: {m['subject']}")


@case_app.command("move")
def move(
    number: str,
    to: Annotated[
        str, typer.Argument(help="Nieuwe status, bv. onderzoek, bevindingen, afgesloten.")
    ],
    door: Officer,
    reden: Reason,
    afloop: Annotated[
        str | None, typer.Option(help="Bij afsluiten: " + ", ".join(CLOSURE_WORDS))
    ] = None,
    oordeel: Annotated[str | None, typer.Option(help=", ".join(Outcome))] = None,
    brief: Annotated[
        Path | None, typer.Option(help="De ingevulde brief (bij bevindingen).")
    ] = None,
    toelichting: Annotated[
        str,
        typer.Option(help="Tekst voor de klager in de brief van deze stap; --reden blijft intern."),
    ] = "",
    overslaan_met_reden: Annotated[
        str,
        typer.Option(
            "--overslaan-met-reden",
            help="Sla een stap over die de procedure vraagt; deze reden komt in het dossier.",
        ),
    ] = "",
    voorbeeld: Preview = False,
) -> None:
    """Zet een zaak een stap verder; de procedure bepaalt wat mag."""
    try:
        target = _status(to)
        closure = _closure(afloop) if afloop else None
        outcome = _outcome(oordeel) if oordeel else None
        text = brief.read_text(encoding="utf-8") if brief else None
    except KlachtenbusError as exc:
        _fail(exc)
    _act(
        lambda store, office: cases.move(
            store, office, number, target, actor=door, reason=reden,
            closure=closure, outcome=outcome, officer_text=text, letter_text=toelichting,
            skip_reason=overslaan_met_reden, preview=voorbeeld,
        ),
        preview=voorbeeld,
    )  # fmt: skip


@case_app.command("extend")
def extend(
    number: str,
    door: Officer,
    reden: Reason,
    toelichting: Annotated[
        str,
        typer.Option(
            help="Waarom de klager langer moet wachten, zoals het in de brief komt "
            "(verplicht; --reden blijft intern)."
        ),
    ] = "",
    weken: Annotated[int | None, typer.Option(help="Hoeveel weken; standaard het maximum.")] = None,
    voorbeeld: Preview = False,
) -> None:
    """Verdaag de termijn (eenmaal, vóór het einde ervan); de klager krijgt een brief."""
    _act(
        lambda store, office: cases.extend(
            store, office, number, actor=door, reason=reden, letter_text=toelichting,
            weeks=weken, preview=voorbeeld,
        ),
        preview=voorbeeld,
    )  # fmt: skip


@case_app.command("suspend")
def suspend(number: str, door: Officer, reden: Reason) -> None:
    """Schort een zaak op (geen medewerking): de klok staat stil tot case resume."""
    _act(lambda store, office: cases.suspend(store, office, number, actor=door, reason=reden))


@case_app.command("resume")
def resume(number: str, door: Officer, reden: Reason) -> None:
    """Hervat een opgeschorte zaak; de termijnen schuiven op met de stilgezette dagen."""
    _act(lambda store, office: cases.resume(store, office, number, actor=door, reason=reden))


@case_app.command("edit")
def edit(
    number: str,
    door: Officer,
    veld: Annotated[list[str], typer.Option(help="veld=waarde; velden: " + ", ".join(FIELD_WORDS))],
) -> None:
    """Vul registratievelden in (categorie, team, gemeente, oordeel, maatregelen, ...)."""
    try:
        changes = dict(_field(item) for item in veld)
        store, _ = _office()
        result = cases.edit(store, number, changes, actor=door)
    except KlachtenbusError as exc:
        _fail(exc)
    console.print(f"{result.number}: bijgewerkt ({', '.join(veld)}).")


@letter_app.command("preview")
def preview(
    purpose: Annotated[
        str, typer.Argument(help="ontvankelijkheid, verdaging, bevindingen, afsluiting of nazorg")
    ],
    zaak: Annotated[str, typer.Option(help="Het zaaknummer, bv. K-2026-0001.")],
    html: Annotated[bool, typer.Option("--html", help="Toon de HTML-versie.")] = False,
    toelichting: Annotated[
        str, typer.Option(help="Tekst voor de klager die in de brief komt (bij verdaging).")
    ] = "",
    reden: Annotated[
        str, typer.Option(hidden=True, help="Oude naam van --toelichting; komt in de brief.")
    ] = "",
) -> None:
    """Toon een brief zoals die zaak hem nu zou krijgen; er wordt niets verstuurd."""
    try:
        store, office = _office()
        text, page = cases.preview(store, office, zaak, purpose, letter_text=toelichting or reden)
    except KlachtenbusError as exc:
        _fail(exc)
    print(page if html else text, end="")


@letter_app.command("send")
def send(
    purpose: Annotated[str, typer.Argument(help="De brief, bv. ontvangstbevestiging.")],
    zaak: Annotated[str, typer.Option(help="Het zaaknummer, bv. K-2026-0001.")],
    door: Officer,
    reden: Reason,
    aan: Annotated[str | None, typer.Option(help="Ander e-mailadres dan het bekende.")] = None,
) -> None:
    """Verstuur alsnog een brief die is tegengehouden (of onzeker is na een storing)."""
    try:
        store, _ = _office()
        result = cases.release(store, zaak, purpose, actor=door, reason=reden, recipient=aan)
    except KlachtenbusError as exc:
        _fail(exc)
    console.print(f"{result.number}: brief '{purpose}' staat klaar om te versturen.")


def _status(word: str) -> CaseStatus:
    value = STATUS_WORDS.get(word.lower(), word.lower())
    try:
        return CaseStatus(value)
    except ValueError:
        raise KlachtenbusError(
            f"Status '{word}' bestaat niet; kies uit {', '.join(STATUS_WORDS)}."
        ) from None


def _closure(word: str) -> Closure:
    value = CLOSURE_WORDS.get(word.lower(), word.lower())
    try:
        return Closure(value)
    except ValueError:
        raise KlachtenbusError(
            f"Afloop '{word}' bestaat niet; kies uit {', '.join(CLOSURE_WORDS)}."
        ) from None


def _outcome(word: str) -> Outcome:
    try:
        return Outcome(word.lower().replace("-", " "))
    except ValueError:
        raise KlachtenbusError(
            f"Oordeel '{word}' bestaat niet; kies uit {', '.join(Outcome)}."
        ) from None


def _field(item: str) -> tuple[str, Any]:
    name, sep, value = item.partition("=")
    if not sep:
        raise KlachtenbusError(
            f"Schrijf veld=waarde, bijvoorbeeld categorie=bejegening (niet '{item}')."
        )
    field = FIELD_WORDS.get(name.strip().lower())
    if field is None:
        raise KlachtenbusError(f"Veld '{name}' bestaat niet; kies uit {', '.join(FIELD_WORDS)}.")
    text: Any = value.strip() or None
    if field == "satisfied":
        text = cases.satisfaction(value)
    if field == "outcome" and text is not None:
        text = _outcome(text).value
    return field, text


def digest(
    send: Annotated[
        bool, typer.Option("--send", help="Mail het overzicht aan elke behandelaar.")
    ] = False,
    datum: Annotated[
        str | None, typer.Option(help="Doe alsof het deze dag is (JJJJ-MM-DD).")
    ] = None,
) -> None:
    """Wat binnen 3 werkdagen moet en wat over de termijn is; wat te laat is gaat de keten op."""
    from datetime import date

    from casework.digest import due_and_overdue, send_digests

    try:
        settings = load_settings()
        store, office = bootstrap.open_store(settings), bootstrap.office_of(settings)
        today = date.fromisoformat(datum) if datum else office.today()
        if send and today != office.today():
            raise KlachtenbusError(
                f"--send verstuurt het overzicht van vandaag en legt escalaties vast in de zaken; "
                f"bekijk {datum} zonder --send, of verstuur zonder --datum."
            )
        if send:
            sent = send_digests(
                store, office, settings.officers, bootstrap.mailer_of(settings), today=today
            )
            console.print(f"Dagoverzicht verstuurd aan {len(sent)} behandelaar(s).")
            return
        items = due_and_overdue(store, office, settings.officers, today)
    except ValueError:
        _fail(KlachtenbusError(f"Datum '{datum}' niet begrepen; schrijf JJJJ-MM-DD."))
    except KlachtenbusError as exc:
        _fail(exc)
    table = Table("Zaak", "Stap", "Uiterlijk", "Stand", "Voor", title=f"Dagoverzicht {today}")
    for item in items:
        r = item.reminder
        state = f"{r.days} dag(en) te laat" if r.overdue else f"nog {r.days} werkdag(en)"
        table.add_row(
            r.case_number, r.step, dutch_date(r.warn_by), state, ", ".join(item.recipients)
        )
    console.print(table)


def _status_label(value: str | None) -> str:
    """A case status in the officers' words."""
    if not value:
        return "-"
    try:
        return LABELS[CaseStatus(value)]
    except ValueError:
        return value
