"""Every kind of configuration error, through the real `klachtenbus` command: one Dutch line
that names the file and line (or the setting) and the fix, exit code 2, never a traceback;
no password goes in plain text to another machine; a mistyped path is never created."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

KLACHTENBUS = str(Path(sys.executable).with_name("klachtenbus"))


def klachtenbus(
    *args: str, cwd: Path, toml: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """The installed command, in a directory of its own with `klachtenbus.toml` (if any)."""
    if toml is not None:
        (cwd / "klachtenbus.toml").write_text(toml, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KLACHTENBUS_")}
    clean |= {"KLACHTENBUS_DATABASE_URL": f"sqlite:///{cwd / 'k.db'}"} | env
    return subprocess.run(
        [KLACHTENBUS, *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=120
    )


def refused(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The refusal is one line on stderr, in Dutch, with every fragment, and nothing else."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 2, result.stdout + result.stderr
    line = result.stderr.strip()
    assert line.startswith("Fout: ") and "\n" not in line, line
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    return line


@pytest.mark.parametrize(
    ("command", "toml", "fragments"),
    [
        (
            ["poll", "--once"],
            'organisation_name = "Zorg"\nimap_host = imap.zorg.nl\n',
            ["klachtenbus.toml, regel 2", "geen geldige TOML", "tussen aanhalingstekens"],
        ),
        (
            ["run"],
            'organisation_name = "Zorg"\nimap_hots = "imap.zorg.nl"\n',
            ["'imap_hots' in klachtenbus.toml, regel 2", "geen bekende instelling", "imap_host?"],
        ),
        (
            ["serve"],
            "\n\nweb_port = 80000\n",
            ["'web_port' in klachtenbus.toml, regel 3", "hoogstens 65535"],
        ),
        (
            ["init"],
            'poll_interval_seconds = "vaak"\n',
            ["'poll_interval_seconds' in klachtenbus.toml, regel 1", "geen geheel getal"],
        ),
        (
            ["triage"],
            'officers = "manager@zorg.nl"\n',
            ["'officers'", "geen tabel", "[officers]"],
        ),
    ],
    ids=["syntax", "unknown-key", "out-of-range", "wrong-type", "wrong-shape"],
)
def test_a_wrong_settings_file_names_its_line_and_the_fix(
    tmp_path: Path, command: list[str], toml: str, fragments: list[str]
) -> None:
    refused(klachtenbus(*command, cwd=tmp_path, toml=toml), *fragments)


def test_a_wrong_environment_variable_is_named(tmp_path: Path) -> None:
    result = klachtenbus("poll", "--once", cwd=tmp_path, KLACHTENBUS_DIGEST_HOUR="zeven")
    refused(result, "omgevingsvariabele KLACHTENBUS_DIGEST_HOUR", "geen geheel getal")


def test_a_named_settings_file_that_is_missing_stops_start_up(tmp_path: Path) -> None:
    result = klachtenbus("run", cwd=tmp_path, KLACHTENBUS_CONFIG=str(tmp_path / "klachtenbus.tmol"))
    refused(result, "klachtenbus.tmol: bestaat niet", "KLACHTENBUS_CONFIG")


@pytest.mark.parametrize(
    ("url", "fragments"),
    [
        ("postgres://zorg@db.zorg.nl/klachten", ["'postgres://'", "postgresql+psycopg://"]),
        ("mysql://zorg@db.zorg.nl/klachten", ["'mysql://'", "niet geïnstalleerd"]),
        ("klachten.db", ["geen database-URL", "sqlite:///"]),
    ],
    ids=["postgres-scheme", "driver-not-installed", "not-a-url"],
)
def test_an_unknown_database_driver_names_the_url_to_write(
    tmp_path: Path, url: str, fragments: list[str]
) -> None:
    line = refused(
        klachtenbus("init", cwd=tmp_path, KLACHTENBUS_DATABASE_URL=url),
        "KLACHTENBUS_DATABASE_URL",
        *fragments,
    )
    assert "zorg@" not in line  # a URL can hold a password: only its scheme is repeated


@pytest.mark.parametrize("kind", ["imap", "smtp"])
def test_no_encryption_is_refused_for_another_machine(tmp_path: Path, kind: str) -> None:
    toml = (
        f'{kind}_host = "mail.zorg.nl"\n{kind}_security = "none"\n{kind}_password = "Geheim-1234"\n'
    )
    result = klachtenbus("poll", "--once", cwd=tmp_path, toml=toml)
    line = refused(
        result, f"'{kind}_security' in klachtenbus.toml, regel 2", "mail.zorg.nl", "ssl of starttls"
    )
    assert "Geheim-1234" not in line


def test_a_mistyped_maildir_is_refused_and_not_created(tmp_path: Path) -> None:
    result = klachtenbus("poll", "--once", cwd=tmp_path, toml='maildir = "postvakk"\n')
    refused(result, "'maildir'", "postvakk", "geen Maildir", "niet zelf aan")
    assert not (tmp_path / "postvakk").exists()
