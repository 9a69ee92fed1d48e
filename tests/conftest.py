"""Fixtures: real servers started once per session, a fresh mailbox and database per test."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import imapclient
import pytest

from classify import load_corpus, save, train
from klachtenbus.settings import Settings, load_settings
from office.detection import training_set
from rules import load_rules
from storage import Store, connect, migrate, records
from tests.builders import ORGANISATION
from tests.servers import (
    Dovecot,
    MailServer,
    Postgres,
    ServerDidNotStart,
    SmtpSink,
    start_dovecot,
    start_postgres,
)


def _server(start: Any) -> Any:
    """Start a server or fail the test (never skip: a missing server is a broken setup)."""
    try:
        return start()
    except ServerDidNotStart as exc:
        pytest.fail(f"Test server could not start: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = _server(start_dovecot)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    server = _server(start_postgres)
    yield server
    server.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """SMTP on 127.0.0.1 that delivers into the Dovecot accounts a test routes to it."""
    server = MailServer()
    server.start()
    yield server
    server.stop()


@dataclass
class MailboxAccount:
    """A fresh IMAP account on the test Dovecot, with the helpers tests use to deliver mail."""

    host: str
    port: int
    user: str
    password: str

    def client(self) -> imapclient.IMAPClient:
        client = imapclient.IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        return client

    def append(self, *messages: bytes, folder: str = "INBOX", when: datetime | None = None) -> None:
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in messages:
                client.append(folder, raw, msg_time=when)

    def count(self, folder: str) -> int:
        with self.client() as client:
            if not client.folder_exists(folder):
                return 0
            return len(client.select_folder(folder, readonly=True) and client.search("ALL"))

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            return {
                uid: data[b"FLAGS"]
                for uid, data in client.fetch(client.search("ALL"), ["FLAGS"]).items()
            }


@pytest.fixture
def mailbox(dovecot: Dovecot) -> MailboxAccount:
    user, password = dovecot.add_user()
    return MailboxAccount("127.0.0.1", dovecot.port, user, password)


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The classifier trained once per session on the shipped corpus: (file, sha256)."""
    samples, labels = training_set(load_rules(), load_corpus())
    path = tmp_path_factory.mktemp("model") / "model.pkl.z"
    return path, save(train(samples, labels), path)


def prepare_database(url: str, model: tuple[Path, str]) -> Store:
    """Migrate the database and record the session's trained model as the active one."""
    engine = connect(url)
    migrate(engine)
    store = Store(engine)
    with store.unit_of_work() as session:
        records.add_model(
            session, path=str(model[0]), sha256=model[1], data_sha256="test", samples=0
        )
    return store


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The pipeline tests run on the embedded default and on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'klachtenbus.db'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def bot(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    smtp: SmtpSink,
    database_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> Any:
    """Klachtenbus on the test Dovecot and SMTP sink, on SQLite and on PostgreSQL."""
    from tests.pipeline_helpers import bot_for  # it builds on this module

    return bot_for(request, mailbox, smtp, database_url, trained_model, tmp_path)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'klachtenbus.db'}"


def settings_for(
    mailbox: MailboxAccount | None,
    smtp: SmtpSink | None,
    database_url: str,
    tmp_path: Path,
    **extra: Any,
) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "organisation_address": ORGANISATION,
        "organisation_name": "Stichting Zorg Voorbeeld",
        "model_dir": tmp_path / "model",
        "retry_base_seconds": 0.2,
        "retry_max_seconds": 1,
        # In-process pipelines prepare inline: a forked helper would inherit the test servers'
        # sockets. The CLI tests, which run Klachtenbus as its own process, use the helper.
        "helper_processes": 0,
    }
    if mailbox is not None:
        values |= {
            "imap_host": mailbox.host,
            "imap_port": mailbox.port,
            "imap_user": mailbox.user,
            "imap_password": mailbox.password,
            "imap_security": "none",
        }
    if smtp is not None:
        values |= {"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_security": "none"}
    return load_settings(**(values | extra))


def environment_for(settings: Settings) -> dict[str, str]:
    """The same settings as KLACHTENBUS_* variables, for tests that start the CLI as a process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLACHTENBUS_")}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        if isinstance(value, list):
            value = json.dumps([str(v) for v in value])
        elif isinstance(value, dict):
            value = json.dumps(value)
        env[f"KLACHTENBUS_{name.upper()}"] = str(value)
    env["KLACHTENBUS_CONFIG"] = os.devnull  # no file: every setting is in the environment
    return env


# -- no fork from a process with threads ----------------------------------------------------

FORK_WITH_THREADS = "use of fork() may lead to deadlocks"
_forked_with_threads: list[str] = []


def pytest_warning_recorded(warning_message: Any, when: str, nodeid: str, location: Any) -> None:
    """Python 3.12+ warns when a process with threads forks (the child can deadlock). The
    warning cannot be made an error (CPython drops it then), so each one fails the run here."""
    if FORK_WITH_THREADS in str(warning_message.message):
        _forked_with_threads.append(nodeid or str(location))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _forked_with_threads:
        print(f"\nForked from a process with threads: {', '.join(_forked_with_threads)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
