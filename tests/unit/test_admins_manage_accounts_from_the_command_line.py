"""An admin at the server makes, lists, resets and disables web accounts, in English or in
Dutch words; the password is read, never taken from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casework import accounts
from cli.main import app
from tests.casework import store_at
from tests.web_helpers import FAST_HASHER

PASSWORD = "correct-paard-batterij-niet"


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'klachtenbus.db'}"
    store_at(url)
    monkeypatch.setenv("KLACHTENBUS_DATABASE_URL", url)
    monkeypatch.setenv("KLACHTENBUS_CONFIG", os.devnull)
    return url


def run(*args: str, password: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=password + "\n")
    return result.exit_code, result.output


def test_an_admin_adds_lists_and_disables_an_officer(environment: str) -> None:
    code, out = run("gebruiker", "toevoegen", "anna", "--naam", "Anna de Vries", password=PASSWORD)
    assert code == 0, out
    assert "anna toegevoegd als behandelaar" in out
    code, out = run("user", "list")
    assert "Anna de Vries" in out and "behandelaar" in out and "actief" in out
    code, out = run("user", "disable", "anna")
    assert code == 0 and "uitgeschakeld" in out
    assert "uitgeschakeld" in run("gebruiker", "lijst")[1]


def test_a_short_password_is_refused_with_the_rule(environment: str) -> None:
    code, out = run("user", "add", "bert", "--rol", "beheerder", password="kort")
    assert code == 2
    assert "12" in out and "Traceback" not in out


def test_an_unknown_role_names_the_choices(environment: str) -> None:
    code, out = run("user", "add", "bert", "--rol", "baas", password=PASSWORD)
    assert code == 2
    assert "behandelaar of beheerder" in out


def test_a_new_password_is_read_from_standard_input(environment: str) -> None:
    run("user", "add", "anna", password=PASSWORD)
    code, out = run("gebruiker", "wachtwoord", "anna", password="een-ander-lang-wachtwoord")
    assert code == 0, out
    store = store_at(environment)
    with pytest.raises(accounts.LoginFailed):
        accounts.log_in(store, "anna", PASSWORD, "127.0.0.1", hasher=FAST_HASHER)
    assert accounts.log_in(
        store, "anna", "een-ander-lang-wachtwoord", "127.0.0.1", hasher=FAST_HASHER
    )


def test_an_admin_changes_a_role_but_not_the_last_admins(environment: str) -> None:
    run("user", "add", "anna", password=PASSWORD)
    run("user", "add", "bert", "--rol", "beheerder", password=PASSWORD)
    code, out = run("gebruiker", "rol", "anna", "--rol", "beheerder")
    assert code == 0 and "anna is nu beheerder" in out, out
    assert run("user", "role", "anna", "--rol", "behandelaar")[0] == 0
    code, out = run("user", "role", "bert", "--rol", "behandelaar")
    assert code == 2 and "laatste actieve beheerder" in out
