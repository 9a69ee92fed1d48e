"""The settings page shows every setting in force and where it came from (the environment, the
file or the default); a password shows only as set or not, and a database URL without its
password."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from klachtenbus.settings import FROM_DEFAULT, FROM_ENVIRONMENT, FROM_FILE, in_force, load_settings
from tests.casework import office, store_at
from tests.web_helpers import FAST_HASHER, Web, csrf_of
from web.app import create_app
from web.context import WebContext


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in os.environ if n.upper().startswith("KLACHTENBUS_")]:
        monkeypatch.delenv(name)
    file = tmp_path / "klachtenbus.toml"
    file.write_text(
        'organisation_name = "Stichting Zorg Voorbeeld"\n'
        'imap_password = "geheim-uit-het-bestand"\n'
        'database_url = "postgresql+psycopg://klachtenbus:db-geheim@127.0.0.1:5432/kb"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("KLACHTENBUS_CONFIG", str(file))
    monkeypatch.setenv("KLACHTENBUS_DIGEST_HOUR", "8")
    monkeypatch.setenv("klachtenbus_smtp_password", "geheim-uit-de-omgeving")
    return file


def test_each_setting_names_its_source(configured: Path) -> None:
    """The environment beats the file, the file beats the default."""
    shown = {s.name: s for s in in_force(load_settings())}
    assert (shown["digest_hour"].value, shown["digest_hour"].source) == ("8", FROM_ENVIRONMENT)
    assert shown["digest_hour"].origin == "KLACHTENBUS_DIGEST_HOUR"
    assert shown["organisation_name"].source == FROM_FILE
    assert shown["organisation_name"].origin == str(configured)
    assert (shown["web_port"].value, shown["web_port"].source) == ("8080", FROM_DEFAULT)


def test_secrets_show_only_whether_they_are_set(configured: Path) -> None:
    """Passwords from the file or the environment, and the one in the database URL, never show."""
    shown = {s.name: s for s in in_force(load_settings())}
    assert shown["imap_password"].value == "ingesteld" and shown["imap_password"].secret
    assert shown["smtp_password"].value == "ingesteld"
    assert shown["smtp_password"].source == FROM_ENVIRONMENT
    assert "db-geheim" not in shown["database_url"].value
    assert shown["database_url"].value.startswith("postgresql+psycopg://klachtenbus:***@")


def test_the_page_lists_them_for_admins_only(configured: Path, tmp_path: Path) -> None:
    """The page shows every setting with its source; no secret's value is anywhere on it."""
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'k.db'}")
    store = store_at(settings.database_url)
    context = WebContext(
        store=store, office=office(), hasher=FAST_HASHER,
        settings_in_force=tuple(in_force(settings)),
    )  # fmt: skip
    web = Web(store, create_app(context))
    admin = web.logged_in("beheer", "admin")
    page = admin.get("/beheer/instellingen")
    assert page.status_code == 200
    for name in ("digest_hour", "imap_password", "organisation_name", "web_port"):
        assert f"<code>{name}</code>" in page.text
    assert "KLACHTENBUS_DIGEST_HOUR" in page.text and "niet ingesteld" in page.text
    for secret in ("geheim-uit-het-bestand", "geheim-uit-de-omgeving"):
        assert secret not in page.text
    assert web.logged_in("bert").get("/beheer/instellingen").status_code == 403
    assert csrf_of(admin, "/beheer/instellingen")
