"""The worker's log, as systemd or a container collects it: one JSON object per line, and no
complainant's name, address, subject or words in it at INFO (issue 13, deployment). The
names and reasons belong in the cases, where access is controlled; a log is shipped and kept
by whoever runs the server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from storage import Case
from tests.builders import complaint, mail
from tests.conftest import MailboxAccount, environment_for, prepare_database, settings_for
from tests.documents import with_attachments
from tests.servers import SmtpSink

# What only the complainants wrote: none of it may reach the log.
PERSONAL = ("Jansenius", "jansenius", "Verbeek", "rolstoelbus", "noreply-fatma", "dossier-fj")

COMPLAINT = (
    "Geachte heer, mevrouw,\n\nIk dien een klacht in over de rolstoelbus: chauffeur Verbeek "
    "liet mij drie keer staan. Dit is onacceptabel.\n\nFatma Jansenius"
)
SENDER = "Fatma Jansenius <fatma.jansenius@example.nl>"


def poll_once(env: dict[str, str]) -> list[dict[str, object]]:
    """`klachtenbus poll --once` as systemd starts it (no terminal), its log lines read back."""
    done = subprocess.run(
        [sys.executable, "-m", "cli", "poll", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines, "the poll logged nothing"
    return [json.loads(line) for line in lines]  # every line is one JSON object


def test_a_poll_logs_json_lines_without_names_addresses_or_words(
    mailbox: MailboxAccount,
    smtp: SmtpSink,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> None:
    store = prepare_database(sqlite_url, trained_model)
    settings = settings_for(mailbox, smtp, sqlite_url, tmp_path, log_level="INFO")
    env = environment_for(settings)
    mailbox.append(
        mail("Klacht over chauffeur Verbeek", COMPLAINT, sender=SENDER),
        # the same sender again: the letter waits a day, and the reason names the address
        mail("Nogmaals: de rolstoelbus", COMPLAINT, sender=SENDER),
        # a no-reply address: the letter is withheld, and the reason names the address
        mail("Klacht rolstoelbus", COMPLAINT, sender="Fatma <noreply-fatma@example.nl>"),
        # an attachment no reader can open, its name personal
        with_attachments(
            COMPLAINT,
            ("dossier-fj-jansenius.pdf", "application/pdf", b"%PDF-1.7\nkapot"),
            subject="Klacht, zie bijlage",
            sender="Fatma Jansenius <fj@example.nl>",
        ),
    )
    records = poll_once(env)

    with store.unit_of_work() as session:
        number = session.scalars(select(Case.number)).first()
    assert number is not None
    # a stranger names the case: the message waits in the triage, its sender is personal
    mailbox.append(
        mail(
            f"Re: {number}",
            f"Over zaak {number}: ook ik werd door chauffeur Verbeek gekleineerd, "
            "mijn klacht hierbij.",
            sender="Karel Jansenius <karel.jansenius@example.org>",
        ),
        complaint(2),
    )
    records += poll_once(env)

    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    logged = json.dumps(records, ensure_ascii=False)
    found = [word for word in PERSONAL if word in logged]
    assert not found, f"the log holds {found}: {logged}"
    assert "@example" not in logged  # no complainant's address of any kind
