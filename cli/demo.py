"""`klachtenbus demo`: the whole job on a local Maildir, with no server at all."""

from __future__ import annotations

import re
import secrets
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

import bootstrap
from casework import accounts
from cli.demo_mail import ORGANISATION, sample_messages
from klachtenbus.errors import KlachtenbusError
from klachtenbus.settings import load_settings
from klachtenbus.vocabulary import Role
from storage import StoredMessage

MARKER = ".klachtenbus-demo"
_KIND_NL = {
    "complaint": "klacht",
    "remark": "opmerking",
    "other": "automatisch",
    "uncertain": "twijfel",
}


def run(folder: Path, console: Console) -> None:
    folder = Path(folder)
    if folder.exists():
        if not (folder / MARKER).exists():
            raise KlachtenbusError(
                f"De map {folder} bestaat al en is geen demomap. Kies een andere met --dir."
            )
        shutil.rmtree(folder)
    maildir = folder / "postvak"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (folder / MARKER).write_text("Gemaakt door klachtenbus demo; mag weg.\n")
    for number, raw in enumerate(sample_messages(datetime.now(UTC)), start=1):
        path = maildir / "new" / f"{int(time.time())}.demo{number:02d}.klachtenbus"
        path.write_bytes(raw)
    settings = load_settings(
        database_url=f"sqlite:///{folder / 'klachtenbus.db'}",
        maildir=maildir,
        outbox_folder=folder / "verzonden",
        model_dir=folder / "model",
        organisation_address=ORGANISATION,
        organisation_name="Stichting Welzijn Voorbeeld",
        organisation_postal_address="Postbus 1, 1000 AA Voorbeeld",
        helper_processes=0,  # a dozen messages: a helper process would cost more than it saves
    )
    console.print(
        f"Demo in {folder}/: {len(list((maildir / 'new').iterdir()))} berichten in het postvak."
    )
    console.print("Database maken en model trainen op het meegeleverde corpus…")
    store, _ = bootstrap.initialise(settings)
    pipeline = bootstrap.pipeline_of(settings, store)
    summary = pipeline.poll(bootstrap.mailbox_of(settings))
    sent = pipeline.sender.send_due_all(bootstrap.mailer_of(settings))
    table = Table(
        "Van", "Onderwerp", "Besluit", "Kans", "Zaak", "Waarom", title="Wat Klachtenbus besliste"
    )
    table.columns[5].ratio = 3
    with store.unit_of_work() as session:
        for row in session.scalars(select(StoredMessage).order_by(StoredMessage.id)):
            reasons = [_short(r) for r in row.reasons or [] if not r.startswith("Woorden")]
            table.add_row(
                row.sender_email or "",
                (row.subject or "")[:40],
                _KIND_NL.get(row.kind or "", row.status),
                f"{row.complaint_probability:.2f}" if row.complaint_probability is not None else "",
                row.case.number if row.case else "",
                "; ".join(r for r in reasons if r),
            )
    console.print(table)
    console.print(
        f"{summary.stored} berichten verwerkt; {sent.sent} ontvangstbevestigingen geschreven naar "
        f"{folder / 'verzonden'}/ (als .eml). Bekijk de zaken met: "
        f"KLACHTENBUS_DATABASE_URL=sqlite:///{folder / 'klachtenbus.db'} klachtenbus cases"
    )
    password = secrets.token_urlsafe(12)
    accounts.add_user(store, "demo", "behandelaar", Role.ADMIN, password, "Demo Behandelaar")
    console.print(
        f"In de browser: KLACHTENBUS_DATABASE_URL=sqlite:///{folder / 'klachtenbus.db'} "
        f"klachtenbus serve, open http://127.0.0.1:{settings.web_port}/ en log in als "
        f"behandelaar met wachtwoord {password}"
    )
    console.print(
        "Daarna: klachtenbus case show ZAAKNUMMER (termijnen en geschiedenis), "
        "klachtenbus letter preview bevindingen --zaak ZAAKNUMMER, klachtenbus digest "
        "en klachtenbus report --period JJJJ (met dezelfde KLACHTENBUS_DATABASE_URL)."
    )


def _short(reason: str) -> str:
    """A reason in a few words for the demo table; `klachtenbus classify` gives the full text."""
    marker = re.search(r"HSS-kenmerk (\d)", reason)
    excerpt = re.search(r"\u201c(.+?)\u201d", reason)
    if reason.startswith("Niet meegeteld"):
        return f"niet meegeteld: {excerpt.group(1)}" if excerpt else ""
    if marker and excerpt:
        return f"M{marker.group(1)} {excerpt.group(1)}"
    if reason.startswith("Kopregel") or reason.startswith("MIME") or reason.startswith("Afzender"):
        return reason.split(":")[0].split("(")[0].strip()
    if reason.startswith("Model"):
        return ""
    return reason.split(";")[0][:40]
