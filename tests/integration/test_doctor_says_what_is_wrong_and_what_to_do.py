"""`klachtenbus doctor` tries every part the way the worker uses it: on a good installation
it says all is well (exit 0); a wrong password, a missing folder, an SMTP server that is not
there or a database without its migrations each get a Dutch line saying what is wrong and
what to do (exit 1), never a traceback. Run as the installed command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storage import connect
from tests.conftest import MailboxAccount, environment_for, prepare_database, settings_for
from tests.servers import SmtpSink, free_port

KLACHTENBUS = str(Path(sys.executable).with_name("klachtenbus"))


def doctor(mailbox: MailboxAccount, smtp: SmtpSink, url: str, tmp_path: Path,
           command: str = "doctor", **extra: Any) -> subprocess.CompletedProcess[str]:  # fmt: skip
    settings = settings_for(mailbox, smtp, url, tmp_path, **extra)
    result = subprocess.run(
        [KLACHTENBUS, command], cwd=tmp_path, env=environment_for(settings),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def test_a_good_installation_is_all_well(
    mailbox: MailboxAccount, smtp: SmtpSink, database_url: str,
    trained_model: tuple[Path, str], tmp_path: Path,
) -> None:  # fmt: skip
    """Settings, database at its newest version, the model file, Dovecot with IDLE and MOVE,
    the SMTP server: each good."""
    prepare_database(database_url, trained_model)
    result = doctor(mailbox, smtp, database_url, tmp_path)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert "Alles in orde." in out
    assert "schema op de nieuwste versie" in out and "ongewijzigd" in out
    assert "IDLE" in out and "map 'INBOX' geopend" in out
    assert "SMTP: verbonden" in out
    assert smtp.received == []  # nothing was sent


@pytest.mark.parametrize(
    ("extra", "said", "fix"),
    [
        ({"imap_password": "fout-wachtwoord"}, "weigerde de login", "KLACHTENBUS_IMAP_PASSWORD"),
        (
            {"imap_folder": "Klachtenn"},
            "De map 'Klachtenn' bestaat niet",
            "KLACHTENBUS_IMAP_FOLDER",
        ),
        ({"smtp_port": 0}, "Kan de SMTP-server", "Wat te doen: Controleer smtp_host"),
    ],
    ids=["wrong-password", "missing-folder", "smtp-unreachable"],
)
def test_each_problem_is_named_with_what_to_do(
    mailbox: MailboxAccount, smtp: SmtpSink, sqlite_url: str, trained_model: tuple[Path, str],
    tmp_path: Path, extra: dict[str, Any], said: str, fix: str,
) -> None:  # fmt: skip
    prepare_database(sqlite_url, trained_model)
    if extra.get("smtp_port") == 0:
        extra = {"smtp_port": free_port()}  # nothing listens there
    result = doctor(mailbox, smtp, sqlite_url, tmp_path, **extra)
    assert result.returncode == 1, result.stdout
    assert said in result.stdout and fix in result.stdout
    assert "1 probleem/problemen gevonden" in result.stdout


def test_a_database_without_its_migrations_says_to_run_init(
    mailbox: MailboxAccount, smtp: SmtpSink, sqlite_url: str, tmp_path: Path
) -> None:
    """An empty database: the doctor (by its Dutch name) says which command brings it up to
    date."""
    connect(sqlite_url).dispose()
    result = doctor(mailbox, smtp, sqlite_url, tmp_path, command="controle")
    assert result.returncode == 1
    assert "Database: De database staat op versie (leeg)" in result.stdout
    assert "klachtenbus init" in result.stdout


def test_a_changed_model_file_is_named_with_what_to_do(
    mailbox: MailboxAccount, smtp: SmtpSink, sqlite_url: str,
    trained_model: tuple[Path, str], tmp_path: Path,
) -> None:  # fmt: skip
    """The recorded model file no longer has its sha256: the worker would refuse it."""
    copy = tmp_path / "model.pkl.z"
    copy.write_bytes(trained_model[0].read_bytes())
    prepare_database(sqlite_url, (copy, trained_model[1]))
    copy.write_bytes(copy.read_bytes() + b"\0")
    result = doctor(mailbox, smtp, sqlite_url, tmp_path)
    assert result.returncode == 1
    assert "is veranderd sinds het werd getraind" in result.stdout
    assert "klachtenbus train" in result.stdout
