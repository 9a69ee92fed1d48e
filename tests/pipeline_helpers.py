"""Building a pipeline for a test from its settings, as `klachtenbus` itself does."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import bootstrap
from bot.pipeline import Pipeline, PollSummary
from bot.sending import SendSummary
from intake import FetchedMessage
from klachtenbus.settings import Settings
from storage import Store
from tests.conftest import prepare_database, settings_for


def pipeline_for(settings: Settings) -> tuple[Pipeline, Store]:
    store = bootstrap.open_store(settings)
    return bootstrap.pipeline_of(settings, store), store


@dataclass
class Bot:
    """Klachtenbus on the test servers: one poll of the mailbox, one round of sending."""

    settings: Settings
    pipeline: Pipeline
    store: Store

    def poll(self) -> PollSummary:
        return self.pipeline.poll(bootstrap.mailbox_of(self.settings))

    def send(self) -> SendSummary:
        return self.pipeline.sender.send_due(bootstrap.mailer_of(self.settings))

    def mailbox(self) -> Any:
        return bootstrap.mailbox_of(self.settings)

    def mailer(self) -> Any:
        return bootstrap.mailer_of(self.settings)


def bot_for(
    request: pytest.FixtureRequest,
    mailbox: Any,
    smtp: Any,
    database_url: str,
    model: tuple[Path, str],
    tmp_path: Path,
    **extra: Any,
) -> Bot:
    """A migrated database with the session's model, and a pipeline closed after the test."""
    prepare_database(database_url, model)
    settings = settings_for(mailbox, smtp, database_url, tmp_path, **extra)
    pipeline, store = pipeline_for(settings)
    request.addfinalizer(pipeline.close)
    return Bot(settings, pipeline, store)


class MailboxBetween:
    """A mailbox passed through unchanged, for a test to step in somewhere (override one
    method): another client moving mail, a server going down mid-fetch."""

    def __init__(self, mailbox: Any) -> None:
        self.inner = mailbox

    def __enter__(self) -> MailboxBetween:
        self.inner.__enter__()
        self.name, self.uidvalidity = self.inner.name, self.inner.uidvalidity
        return self

    def __exit__(self, *exc: object) -> None:
        self.inner.__exit__(*exc)

    def keys(self) -> list[str]:
        return list(self.inner.keys())

    def fetch(self, keys: list[str]) -> Iterator[FetchedMessage]:
        return iter(self.inner.fetch(keys))

    def file_away(self, keys: list[str], *, quarantine: bool = False) -> None:
        self.inner.file_away(keys, quarantine=quarantine)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait for something another process does, without sleeping longer than it takes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def count(store: Store, statement: object) -> int:
    """A COUNT query's answer, in its own unit of work."""
    with store.unit_of_work() as session:
        return int(session.scalar(statement) or 0)  # type: ignore[call-overload]
