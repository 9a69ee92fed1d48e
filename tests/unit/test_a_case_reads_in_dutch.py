"""`klachtenbus case show` speaks the officers' language: statuses, history and letters in
Dutch, times on the procedure's clock, never the database's English values or UTC."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casework import cases
from cli.main import app
from klachtenbus.vocabulary import CaseStatus
from tests.casework import office, register, store_at


def test_case_show_is_dutch_on_the_procedures_clock(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case received at 23:30 UTC on 2 March shows 00:30 on 3 March, and its history reads
    'ontvangen → ontvangst bevestigd → onderzoek'."""
    store = store_at(sqlite_url)
    hss = office("hss")
    number = register(store, hss, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    at = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    cases.move(store, hss, number, CaseStatus.ACKNOWLEDGED, actor="Ank", reason="gebeld", now=at)
    monkeypatch.setenv("KLACHTENBUS_CONFIG", os.devnull)
    monkeypatch.setenv("KLACHTENBUS_DATABASE_URL", sqlite_url)
    runner = CliRunner()
    moved = runner.invoke(
        app, ["case", "move", number, "onderzoek", "--door", "Ank", "--reden", "gesprek"]
    )
    assert moved.exit_code == 0, moved.output

    shown = runner.invoke(app, ["case", "show", number], terminal_width=200)

    assert shown.exit_code == 0, shown.output
    assert "Ontvangen: 03-03-2026 00:30" in shown.output
    assert "status: ontvangen → ontvangst bevestigd" in shown.output
    assert "ontvangst bevestigd → onderzoek" in shown.output
    assert "03-03-2026 09:00" in shown.output  # the move at 08:00 UTC
    for english in ("received", "acknowledged", "investigation", "move", "+00:00"):
        assert english not in shown.output
