"""A case goes through the steps its procedure requires. Jumping past one (closing a case as
resolved before anyone heard both sides, investigating before the admissibility letter) needs
an officer's stated reason, kept in the case's history and the audit trail."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casework import cases
from cli.main import app
from klachtenbus.vocabulary import CaseStatus, Closure
from procedures.lifecycle import StepSkipped
from storage import Store
from storage.accounts import audit_of
from tests.casework import office, register, store_at

S = CaseStatus


@pytest.fixture
def store(database_url: str) -> Store:
    return store_at(database_url)


def acknowledged(store: Store, preset: str) -> str:
    its = office(preset)
    number = register(store, its, datetime(2026, 3, 2, 10, tzinfo=UTC))
    cases.move(store, its, number, S.ACKNOWLEDGED, actor="Ank", reason="gebeld")
    return number


def test_closing_an_acknowledged_case_as_resolved_needs_a_reason_to_skip(store: Store) -> None:
    """Acknowledged → closed (resolved) skips the investigation: refused, saying how to skip."""
    hss = office("hss")
    number = acknowledged(store, "hss")
    for blank in ("", "   "):
        with pytest.raises(StepSkipped) as refused:
            cases.move(
                store, hss, number, S.CLOSED, actor="Ank", reason="opgelost",
                closure=Closure.RESOLVED, skip_reason=blank,
            )  # fmt: skip
        assert "onderzoek (hoor en wederhoor)" in str(refused.value)
        assert "--overslaan-met-reden" in str(refused.value)
    assert cases.show(store, hss, number).case["status"] == "acknowledged"


def test_a_skip_with_a_reason_is_kept_in_the_history_and_the_audit(store: Store) -> None:
    """The override goes through, and the history says what was skipped and why."""
    hss = office("hss")
    number = acknowledged(store, "hss")
    cases.move(
        store, hss, number, S.CLOSED, actor="Ank", reason="opgelost",
        closure=Closure.RESOLVED, letter_text="Wij hebben het telefonisch opgelost.",
        skip_reason="klager belde: in één gesprek opgelost, onderzoek niet nodig",
    )  # fmt: skip
    event = cases.show(store, hss, number).events[-1]
    assert (event["from"], event["to"]) == ("acknowledged", "closed")
    assert event["details"]["skipped"] == ["onderzoek (hoor en wederhoor)"]
    assert event["details"]["skip_reason"].startswith("klager belde")
    with store.unit_of_work() as session:
        (moved,) = [a for a in audit_of(session, f"case:{number}") if a.after["status"] == "closed"]
        assert moved.actor == "Ank" and moved.before == {"status": "acknowledged"}
        assert moved.after["skipped"] == ["onderzoek (hoor en wederhoor)"]


def test_the_admissibility_step_is_not_skipped_where_the_preset_has_it(store: Store) -> None:
    """ONS welzijn tests admissibility first: straight to the investigation names that step."""
    ons = office("ons-welzijn")
    number = acknowledged(store, "ons-welzijn")
    with pytest.raises(StepSkipped, match="'ontvankelijkheid'"):
        cases.move(store, ons, number, S.INVESTIGATION, actor="Ank", reason="meteen onderzoek")
    cases.move(store, ons, number, S.ADMISSIBILITY, actor="Ank", reason="toetsen")
    cases.move(store, ons, number, S.INVESTIGATION, actor="Ank", reason="ontvankelijk")
    with pytest.raises(StepSkipped, match="'ontvankelijkheid' en 'vooronderzoek'"):
        other = acknowledged(store, "ons-welzijn")
        cases.move(store, ons, other, S.CLOSED, actor="Ank", reason="x", closure=Closure.RESOLVED)


def test_the_regular_way_and_lawful_endings_need_no_reason_to_skip(store: Store) -> None:
    """Step by step needs no override; nor does a withdrawal or a not-admissible decision,
    which end the procedure instead of skipping a step of it."""
    hss = office("hss")
    number = acknowledged(store, "hss")
    cases.move(store, hss, number, S.INVESTIGATION, actor="Ank", reason="hoor en wederhoor")
    result = cases.move(
        store, hss, number, S.CLOSED, actor="Ank", reason="excuses", closure=Closure.RESOLVED
    )
    assert result.skipped == ()
    withdrawn = acknowledged(store, "hss")
    cases.move(
        store, hss, withdrawn, S.CLOSED, actor="Ank", reason="trekt in", closure=Closure.WITHDRAWN
    )
    refused = acknowledged(store, "hss")
    cases.move(
        store, hss, refused, S.CLOSED, actor="Ank", reason="administratiekosten",
        closure=Closure.NOT_ADMISSIBLE, letter_text="Het gaat alleen om administratiekosten.",
    )  # fmt: skip
    assert "skipped" not in cases.show(store, hss, refused).events[-1]["details"]


def test_the_command_line_skips_only_with_overslaan_met_reden(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`case move` refuses the jump and names the option; with it, the move is made."""
    store = store_at(database_url)
    number = acknowledged(store, "hss")
    monkeypatch.setenv("KLACHTENBUS_CONFIG", os.devnull)
    monkeypatch.setenv("KLACHTENBUS_DATABASE_URL", database_url)
    move = ["case", "move", number, "afgesloten", "--afloop", "opgelost"]
    who = ["--door", "Ank", "--reden", "opgelost"]
    runner = CliRunner()
    refused = runner.invoke(app, [*move, *who], terminal_width=300)
    assert refused.exit_code == 2
    assert "--overslaan-met-reden" in " ".join(refused.output.split())
    done = runner.invoke(
        app, [*move, *who, "--overslaan-met-reden", "opgelost in een gesprek"], terminal_width=300
    )
    assert done.exit_code == 0, done.output
    assert cases.show(store, office("hss"), number).case["status"] == "closed"
    shown = runner.invoke(app, ["case", "show", number], terminal_width=300)
    assert "overgeslagen:" in shown.output  # the history table wraps the rest of the line
