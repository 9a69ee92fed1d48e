"""Every morning each officer hears what is due within three working days and what is overdue;
an overdue step goes to the next person in the preset's chain, once, and the case says so."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casework import cases
from casework.digest import send_digests
from cli.main import app
from outbox import SmtpAccount, SmtpMailer
from tests.casework import office, register, store_at
from tests.servers import SmtpSink

OFFICERS = {"manager Serviceteam": "manager@kika.example", "directie": "directie@kika.example"}


def test_the_digest_warns_and_escalates_an_overdue_case(sqlite_url: str, smtp: SmtpSink) -> None:
    store = store_at(sqlite_url)
    kika = office("kika")  # answer within 21 days, by the manager Serviceteam
    late = register(store, kika, datetime(2026, 10, 1, 9, tzinfo=UTC), subject="Geen antwoord")
    soon = register(store, kika, datetime(2026, 10, 15, 9, tzinfo=UTC), email="b@example.nl")
    quiet = register(store, kika, datetime(2026, 10, 27, 9, tzinfo=UTC), email="c@example.nl")
    mailer = SmtpMailer(SmtpAccount("127.0.0.1", smtp.port, security="none"))

    today = date(2026, 11, 3)  # late was due 22 Oct, soon is due 5 Nov, quiet on 17 Nov
    sent = send_digests(store, kika, OFFICERS, mailer, today=today)

    assert sent == {"manager@kika.example": 2, "directie@kika.example": 1}
    mails = {r.recipients[0]: r.message for r in smtp.received}
    manager = mails["manager@kika.example"].get_body(("plain",)).get_content()
    assert (
        late in manager
        and "12 dag(en) te laat" in manager
        and "Geëscaleerd naar: directie" in manager
    )
    assert soon in manager and "nog 2 werkdag(en)" in manager
    assert quiet not in manager
    assert late in mails["directie@kika.example"].get_body(("plain",)).get_content()
    assert mails["directie@kika.example"]["Auto-Submitted"] == "auto-generated"

    send_digests(store, kika, OFFICERS, mailer, today=date(2026, 11, 4))
    view = cases.show(store, kika, late)
    escalations = [e for e in view.events if e["kind"] == "escalate"]
    assert len(escalations) == 1  # once per step, not every morning
    assert (
        escalations[0]["actor"] == "klachtenbus" and escalations[0]["details"]["to"] == "directie"
    )
    assert view.case["escalation_level"] == 1


def test_a_digest_of_another_day_is_only_shown_never_sent(
    sqlite_url: str, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`digest --send --datum` of a later day would write real escalations into the cases'
    histories: refused, and nothing is written; the same day without --send is shown."""
    store = store_at(sqlite_url)
    kika = office("kika")
    number = register(store, kika, datetime(2026, 10, 1, 9, tzinfo=UTC))
    monkeypatch.setenv("KLACHTENBUS_CONFIG", os.devnull)
    monkeypatch.setenv("KLACHTENBUS_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("KLACHTENBUS_PROCEDURE", "kika")
    monkeypatch.setenv("KLACHTENBUS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KLACHTENBUS_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("KLACHTENBUS_SMTP_SECURITY", "none")
    runner = CliRunner()

    refused = runner.invoke(app, ["digest", "--send", "--datum", "2027-03-01"])
    assert refused.exit_code == 2 and "zonder --send" in refused.output
    assert smtp.received == []
    assert [e["kind"] for e in cases.show(store, kika, number).events] == []
    shown = runner.invoke(app, ["digest", "--datum", "2027-03-01"], terminal_width=160)
    assert shown.exit_code == 0 and number in shown.output
    assert [e["kind"] for e in cases.show(store, kika, number).events] == []
