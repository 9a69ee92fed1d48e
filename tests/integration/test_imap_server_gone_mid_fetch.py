"""The IMAP server stops, or the network drops, in the middle of a fetch: one clear Dutch
message, nothing stored is lost, and the next poll finishes the work."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

import bootstrap
from intake import FetchedMessage
from klachtenbus.errors import MailboxError
from storage import Case, StoredMessage
from tests.builders import complaint
from tests.conftest import MailboxAccount, environment_for, prepare_database, settings_for
from tests.pipeline_helpers import MailboxBetween, count, pipeline_for, wait_until
from tests.servers import CuttingProxy, Dovecot, start_dovecot

SAFE = "Wat al is opgeslagen blijft bewaard; de volgende ronde probeert het opnieuw."


@pytest.fixture
def own_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of this test's own, which it may stop and start again."""
    server = start_dovecot()
    yield server
    server.stop()


class StopsAfterFirstChunk(MailboxBetween):
    """The bot's mailbox, with a server that goes down as soon as the first chunk is read."""

    def __init__(self, mailbox: object, dovecot: Dovecot, chunk: int) -> None:
        super().__init__(mailbox)
        self.dovecot = dovecot
        self.chunk = chunk

    def fetch(self, keys: list[str]) -> Iterator[FetchedMessage]:
        for n, fetched in enumerate(super().fetch(keys), start=1):
            yield fetched
            if n == self.chunk:
                self.dovecot.halt()


def account_on(dovecot: Dovecot) -> MailboxAccount:
    user, password = dovecot.add_user()
    return MailboxAccount("127.0.0.1", dovecot.port, user, password)


def test_dovecot_stopped_mid_fetch_loses_nothing_and_the_next_poll_finishes(
    own_dovecot: Dovecot, sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """Dovecot stops after the first chunk: a Dutch MailboxError, the first chunk stays stored,
    and once Dovecot is back the next poll registers all twelve complaints once."""
    mailbox = account_on(own_dovecot)
    store = prepare_database(sqlite_url, trained_model)
    mailbox.append(*[complaint(n) for n in range(1, 13)])
    settings = settings_for(
        mailbox, None, sqlite_url, tmp_path, fetch_chunk_size=3, refile_after_seconds=0
    )
    pipeline, _ = pipeline_for(settings)

    with pytest.raises(MailboxError) as raised:
        pipeline.poll(StopsAfterFirstChunk(bootstrap.mailbox_of(settings), own_dovecot, 3))
    assert "De verbinding met de IMAP-server" in str(raised.value)
    assert "tijdens het ophalen van berichten" in str(raised.value)
    assert SAFE in str(raised.value)
    assert count(store, select(func.count()).select_from(StoredMessage)) == 3

    own_dovecot.restart()
    summary = pipeline.poll(bootstrap.mailbox_of(settings))
    assert summary.stored == 9 and summary.resumed == 3
    assert count(store, select(func.count()).select_from(Case)) == 12
    assert count(store, select(func.count()).select_from(StoredMessage)) == 12
    assert mailbox.count("INBOX") == 0 and mailbox.count("Verwerkt") == 12


def cli_env(mailbox: MailboxAccount, port: int, sqlite_url: str, tmp_path: Path) -> dict[str, str]:
    settings = settings_for(
        mailbox,
        None,
        sqlite_url,
        tmp_path,
        imap_port=port,
        outbox_folder=tmp_path / "verzonden",
        fetch_chunk_size=2,
        refile_after_seconds=0,
        poll_interval_seconds=5,
        helper_processes=1,
    )
    return environment_for(settings)


def padded_complaints(count: int) -> list[bytes]:
    """Complaints of about 40 kB each, so a fetch takes many reads from the socket."""
    filler = "Dit is de toelichting bij mijn klacht. " * 1000
    return [
        complaint(n).replace(
            b"Met vriendelijke groet", filler.encode() + b"\nMet vriendelijke groet"
        )
        for n in range(1, count + 1)
    ]


def test_poll_once_says_what_happened_and_exits_non_zero(
    mailbox: MailboxAccount, sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """`poll --once` whose connection drops mid-fetch prints the Dutch message, no traceback,
    and exits 2; the next `poll --once` finishes everything."""
    store = prepare_database(sqlite_url, trained_model)
    mailbox.append(*padded_complaints(10))
    proxy = CuttingProxy(mailbox.port, cut_after=150_000)
    try:
        env = cli_env(mailbox, proxy.port, sqlite_url, tmp_path)
        argv = [sys.executable, "-m", "cli", "poll", "--once"]
        first = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        assert proxy.cuts == 1
        assert first.returncode == 2, first.stdout + first.stderr
        said = " ".join(first.stderr.split())  # the terminal's width wraps it
        assert "tijdens het ophalen van berichten" in said and SAFE in said
        assert "Traceback" not in first.stdout + first.stderr
        second = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stdout + second.stderr
    finally:
        proxy.close()
    assert count(store, select(func.count()).select_from(Case)) == 10
    assert mailbox.count("INBOX") == 0


def test_run_logs_one_dutch_line_and_the_next_poll_finishes(
    mailbox: MailboxAccount, sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """`klachtenbus run` whose connection drops mid-fetch logs one line without a traceback,
    and its next poll registers every complaint."""
    store = prepare_database(sqlite_url, trained_model)
    mailbox.append(*padded_complaints(10))
    proxy = CuttingProxy(mailbox.port, cut_after=150_000)
    log = tmp_path / "bot.log"
    env = cli_env(mailbox, proxy.port, sqlite_url, tmp_path)
    bot = subprocess.Popen(
        [sys.executable, "-m", "cli", "run"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        cases = select(func.count()).select_from(Case)
        wait_until(lambda: count(store, cases) == 10, 90, "all ten complaints to be registered")
        wait_until(lambda: mailbox.count("INBOX") == 0, 30, "the last messages to be filed away")
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=30)
        proxy.close()
    text = log.read_text()
    assert proxy.cuts == 1
    errors = [line for line in text.splitlines() if "Mailbox lezen mislukt" in line]
    assert len(errors) == 1, text
    assert "tijdens het ophalen van berichten" in errors[0] and SAFE in errors[0]
    assert "Traceback" not in text
