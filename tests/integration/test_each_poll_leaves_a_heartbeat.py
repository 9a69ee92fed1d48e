"""After every poll the worker leaves a heartbeat for its mailbox: when it last read the
mailbox, what went wrong (in Dutch, without addresses), what waits and what is quarantined;
the web app, the doctor and the alarms read it from their own processes."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from pydantic import SecretStr

import bootstrap
from bot.scheduler import plan
from office.health import DEFAULT_MAILBOX
from outbox import FolderMailer
from storage import health as records
from tests.builders import complaint, remark
from tests.conftest import MailboxAccount, environment_for, prepare_database, settings_for
from tests.pipeline_helpers import bot_for


def poll_job(bot: object, tmp_path: Path) -> object:
    """The worker's own poll job, as `klachtenbus run` schedules it."""
    scheduler = BackgroundScheduler(timezone=UTC)
    plan(scheduler, bootstrap.plan_of(bot.settings, bot.pipeline, FolderMailer(tmp_path / "uit")))
    return scheduler.get_job("poll").func


def test_a_poll_records_a_successful_fetch_with_its_backlog(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    database_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> None:
    """A good poll against Dovecot: last success now, no error, nothing waiting."""
    bot = bot_for(request, mailbox, None, database_url, trained_model, tmp_path)
    mailbox.append(complaint(1), remark(1))
    before = datetime.now(UTC)
    poll_job(bot, tmp_path)()
    with bot.store.unit_of_work() as session:
        beat = records.heartbeat(session, DEFAULT_MAILBOX)
        assert beat.last_success_at is not None and beat.last_success_at >= before
        assert beat.last_attempt_at == beat.last_success_at
        assert beat.failing_since is None and beat.last_error is None
        assert (beat.attempts, beat.errors) == (1, 0)
        assert beat.backlog == 0 and beat.quarantined == 0
        assert beat.source == bot.mailbox().name
        assert beat.oldest_unsent_at is not None  # the acknowledgement waits for the send run
        assert beat.token_expires_at is None  # a password login


def test_a_failed_poll_records_the_error_until_a_good_one(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> None:
    """A refused login: the attempt and its Dutch reason are kept; the next good poll clears
    the failure, the count of errors stays."""
    bot = bot_for(request, mailbox, None, sqlite_url, trained_model, tmp_path)
    good = bot.settings
    bot.settings = good.model_copy(update={"imap_password": SecretStr("fout-wachtwoord")})
    poll_job(bot, tmp_path)()
    poll_job(bot, tmp_path)()
    with bot.store.unit_of_work() as session:
        beat = records.heartbeat(session, DEFAULT_MAILBOX)
        assert (beat.attempts, beat.errors) == (2, 2)
        assert beat.last_success_at is None and beat.failing_since is not None
        first_failure = beat.failing_since
        assert "weigerde de login" in (beat.last_error or "")
    bot.settings = good
    poll_job(bot, tmp_path)()
    with bot.store.unit_of_work() as session:
        beat = records.heartbeat(session, DEFAULT_MAILBOX)
        assert beat.failing_since is None and beat.last_success_at > first_failure
        assert beat.errors == 2 and beat.attempts == 3


def test_poll_once_from_cron_leaves_a_heartbeat_too(
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> None:
    """`klachtenbus poll --once` (a cron job, a systemd timer) is a worker as well."""
    store = prepare_database(sqlite_url, trained_model)
    mailbox.append(remark(1))
    settings = settings_for(mailbox, None, sqlite_url, tmp_path, outbox_folder=tmp_path / "uit")
    result = subprocess.run(
        [sys.executable, "-m", "cli", "poll", "--once"], cwd=tmp_path,
        env=environment_for(settings), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with store.unit_of_work() as session:
        beat = records.heartbeat(session, DEFAULT_MAILBOX)
        assert (beat.attempts, beat.errors) == (1, 0) and beat.last_success_at is not None
