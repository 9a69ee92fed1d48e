"""While the SMTP server is away the letters wait, all of them due and none blamed: one
connection attempt per send run, one warning when the outage starts, and everything that
waited goes out in the first run after the server answers again."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.sending import Sender
from outbox import SmtpAccount, SmtpMailer
from storage import Letter, Store
from tests.builders import ORGANISATION
from tests.conftest import prepare_database
from tests.letter_helpers import queued_letters, statuses
from tests.servers import SmtpSink

LETTERS = 6
RUNS = 4


def mailer_for(smtp: SmtpSink) -> SmtpMailer:
    return SmtpMailer(SmtpAccount("127.0.0.1", smtp.port, security="none", timeout=5))


def untouched(store: Store) -> bool:
    """Every letter pending, due now, never counted as tried."""
    with store.unit_of_work() as session:
        rows = session.execute(select(Letter.status, Letter.attempts, Letter.next_attempt_at))
        return all(
            status == "pending" and attempts == 0 and due <= datetime.now(UTC)
            for status, attempts, due in rows
        )


def test_a_refusing_server_costs_one_attempt_per_run_and_blames_no_letter(
    database_url: str,
    trained_model: tuple[Path, str],
    smtp: SmtpSink,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each send run during the outage knocks once; when the server is back, one run sends every letter."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    sender = Sender(store, ORGANISATION, threading.Event())
    smtp.refuse()
    caplog.set_level(logging.DEBUG, logger="bot.sending")

    for run in range(1, RUNS + 1):
        summary = sender.send_due_all(mailer_for(smtp), retry_base=60, retry_max=600)
        assert (summary.sent, summary.failed) == (0, 0)
        assert summary.server_down and summary.waiting == LETTERS
        assert smtp.refused == run, "a send run knocked more than once"
    assert untouched(store)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "Uitgaande post staat stil" in warnings[0]
    assert f"Er wachten {LETTERS} brieven" in warnings[0]

    caplog.clear()
    smtp.start()
    back = sender.send_due_all(mailer_for(smtp), retry_base=60, retry_max=600)

    assert (back.sent, back.failed, back.server_down) == (LETTERS, 0, False)
    assert smtp.connections == 1
    assert statuses(store) == Counter({"sent": LETTERS})
    assert Counter(r for m in smtp.received for r in m.recipients) == Counter(
        {f"klager{n}@example.nl": 1 for n in range(1, LETTERS + 1)}
    )
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO] == [
        "De SMTP-server antwoordt weer (na 0 minuten); de wachtende brieven gaan nu uit."
    ]


def test_a_closed_port_leaves_every_letter_due(
    database_url: str, trained_model: tuple[Path, str], smtp: SmtpSink
) -> None:
    """With nothing listening, runs end at the refused connection and no letter gets a backoff."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    sender = Sender(store, ORGANISATION, threading.Event())
    smtp.stop()

    for _ in range(RUNS):
        summary = sender.send_due_all(mailer_for(smtp))
        assert (summary.sent, summary.failed, summary.server_down) == (0, 0, True)
    assert untouched(store)

    smtp.start()
    assert sender.send_due_all(mailer_for(smtp)).sent == LETTERS
    assert smtp.connections == 1


def test_a_server_going_away_mid_run_leaves_its_letter_and_the_rest_due(
    database_url: str, trained_model: tuple[Path, str], smtp: SmtpSink
) -> None:
    """A 421 in the middle of a run: what went out is recorded, that letter and the rest wait unblamed."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    sender = Sender(store, ORGANISATION, threading.Event())
    smtp.shut_down_at(3)

    first = sender.send_due_all(mailer_for(smtp))

    assert (first.sent, first.failed, first.server_down, first.waiting) == (2, 0, True, LETTERS - 2)
    assert statuses(store) == Counter({"sent": 2, "pending": LETTERS - 2})
    with store.unit_of_work() as session:
        third = session.scalars(select(Letter).order_by(Letter.id).offset(2).limit(1)).one()
        assert third.attempts == 0 and third.last_error and "viel weg" in third.last_error
    again = sender.send_due_all(mailer_for(smtp))
    assert again.sent == LETTERS - 2
    assert smtp.connections == 2  # one per run
    assert len(smtp.received) == LETTERS
