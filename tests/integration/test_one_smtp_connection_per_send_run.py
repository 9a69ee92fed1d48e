"""A send run hands all its letters to the SMTP server over one connection, page after page,
instead of connecting (and logging in) for every letter."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

from bot.sending import Sender
from outbox import SmtpAccount, SmtpMailer
from tests.builders import ORGANISATION
from tests.conftest import prepare_database
from tests.letter_helpers import queued_letters, statuses
from tests.servers import SmtpSink

LETTERS = 120  # more than two pages of due letters


def test_many_letters_go_out_over_one_connection(
    database_url: str, trained_model: tuple[Path, str], smtp: SmtpSink
) -> None:
    """120 due letters, one send run: one connection at the server, every letter received once."""
    store = prepare_database(database_url, trained_model)
    queued_letters(store, LETTERS)
    mailer = SmtpMailer(SmtpAccount("127.0.0.1", smtp.port, security="none", timeout=5))

    summary = Sender(store, ORGANISATION, threading.Event()).send_due_all(mailer)

    assert summary.sent == LETTERS
    assert smtp.connections == 1
    assert statuses(store) == Counter({"sent": LETTERS})
    assert Counter(r for m in smtp.received for r in m.recipients) == Counter(
        {f"klager{n}@example.nl": 1 for n in range(1, LETTERS + 1)}
    )


def test_a_run_with_nothing_due_does_not_connect(
    database_url: str, trained_model: tuple[Path, str], smtp: SmtpSink
) -> None:
    """An empty queue costs the server nothing: no connection, no login."""
    store = prepare_database(database_url, trained_model)
    mailer = SmtpMailer(SmtpAccount("127.0.0.1", smtp.port, security="none", timeout=5))

    assert Sender(store, ORGANISATION, threading.Event()).send_due_all(mailer).sent == 0
    assert smtp.connections == 0
