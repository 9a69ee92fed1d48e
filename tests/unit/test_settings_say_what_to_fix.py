"""A missing or wrong setting stops start-up with its name and what to put there; passwords stay secret."""

from __future__ import annotations

from pathlib import Path

import pytest

import bootstrap
from klachtenbus.errors import SettingError
from klachtenbus.settings import load_settings


@pytest.fixture(autouse=True)
def no_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A working directory of its own: klachtenbus.toml there is the file, absent at first."""
    for name in [n for n in __import__("os").environ if n.startswith("KLACHTENBUS_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_need_no_file() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///klachtenbus.db"
    assert (settings.procedure, settings.imap_folder, settings.imap_processed_folder) == (
        "hss",
        "INBOX",
        "Verwerkt",
    )
    assert settings.poll_interval_seconds == 60


def test_toml_file_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The file is read; an environment variable wins over it."""
    (tmp_path / "klachtenbus.toml").write_text('imap_host = "imap.example.nl"\nimap_port = 993\n')
    monkeypatch.setenv("KLACHTENBUS_IMAP_PORT", "1993")
    settings = load_settings()
    assert (settings.imap_host, settings.imap_port) == ("imap.example.nl", 1993)


def test_a_wrong_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLACHTENBUS_IMAP_SECURITY", "tls")
    with pytest.raises(SettingError, match="KLACHTENBUS_IMAP_SECURITY") as caught:
        load_settings()
    assert "ssl, starttls of none" in str(caught.value)


def test_an_unknown_key_in_the_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "klachtenbus.toml").write_text('imap_hots = "x"\n')
    with pytest.raises(SettingError, match=r"imap_hots.*geen bekende instelling"):
        load_settings()


def test_missing_mailbox_settings_say_what_to_fill_in() -> None:
    with pytest.raises(SettingError, match=r"KLACHTENBUS_IMAP_HOST.*IMAP-server"):
        bootstrap.mailbox_of(load_settings())


def test_an_unknown_procedure_lists_the_known_ones() -> None:
    with pytest.raises(SettingError, match="Kies uit: awb, hss, kika"):
        bootstrap.procedure_of(load_settings(procedure="onbekend"))


def test_passwords_never_appear_in_errors_or_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLACHTENBUS_IMAP_PASSWORD", "Zeer-Geheim-42")
    monkeypatch.setenv("KLACHTENBUS_IMAP_PORT", "geen-getal")
    with pytest.raises(SettingError) as caught:
        load_settings()
    assert "Zeer-Geheim-42" not in str(caught.value)
    monkeypatch.setenv("KLACHTENBUS_IMAP_PORT", "993")
    settings = load_settings(imap_host="imap.example.nl", imap_user="klachten")
    assert "Zeer-Geheim-42" not in repr(settings)
    assert "Zeer-Geheim-42" not in repr(bootstrap.mailbox_of(settings).account)
