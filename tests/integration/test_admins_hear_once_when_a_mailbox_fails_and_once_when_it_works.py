"""When the mailbox has failed for 15 minutes every admin with an e-mail address gets one
alarm mail, through the worker's own outbox; not again at the next check, and one all-clear
once the mailbox is read again. Never to the complaints mailbox itself. The clock is the
test's: nobody waits 15 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from pydantic import SecretStr
from sqlalchemy import select

import bootstrap
from bot.scheduler import plan
from casework import accounts, alarms
from klachtenbus.vocabulary import Role
from outbox import FolderMailer
from storage.models import HealthProblem
from tests.accounts import FAST, PASSWORD
from tests.builders import ORGANISATION
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import Bot, bot_for
from tests.servers import SmtpSink

ADMIN_ADDRESS = "beheer@zorg-voorbeeld.nl"


def poll(bot: Bot, tmp_path: Path, password: str | None = None) -> None:
    """One run of the worker's poll job, with the mailbox's password as given."""
    settings = bot.settings
    if password is not None:
        settings = settings.model_copy(update={"imap_password": SecretStr(password)})
    scheduler = BackgroundScheduler(timezone=UTC)
    plan(scheduler, bootstrap.plan_of(settings, bot.pipeline, FolderMailer(tmp_path / "uit")))
    scheduler.get_job("poll").func()


def check(bot: Bot, at: datetime) -> alarms.AlarmSummary:
    summary = alarms.check(
        bot.store,
        bootstrap.organisation_of(bot.settings),
        alarm_to=[ORGANISATION],  # the complaints mailbox itself: never alarmed
        at=at,
    )
    bot.pipeline.sender.send_due_all(bot.mailer())
    return summary


def test_one_alarm_after_fifteen_minutes_and_one_all_clear(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    smtp: SmtpSink,
    database_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> None:
    """Failing 14 minutes: quiet. 16 minutes: one mail. Again later: nothing. Working again:
    one all-clear."""
    bot = bot_for(request, mailbox, smtp, database_url, trained_model, tmp_path)
    accounts.add_user(
        bot.store, "systeem", "beheer", Role.ADMIN, PASSWORD, email=ADMIN_ADDRESS, hasher=FAST
    )
    accounts.add_user(bot.store, "systeem", "bert", Role.OFFICER, PASSWORD,
                      email="bert@zorg-voorbeeld.nl", hasher=FAST)  # fmt: skip
    start = datetime.now(UTC)
    poll(bot, tmp_path, password="fout-wachtwoord")

    assert check(bot, start + timedelta(minutes=14)).opened == []
    assert smtp.received == []

    summary = check(bot, start + timedelta(minutes=16))
    assert summary.opened == ["mailbox:standaard:ophalen"]
    assert len(smtp.received) == 1
    alarm = smtp.received[0]
    assert alarm.recipients == [ADMIN_ADDRESS]
    mail = alarm.message
    assert str(mail["Subject"]).strip().startswith("Klachtenbus-alarm: Mailbox 'standaard'")
    assert mail["Auto-Submitted"] == "auto-generated"
    body = mail.get_body(("plain",)).get_content()
    assert "weigerde de login" in body and "klachtenbus doctor" in body

    poll(bot, tmp_path, password="nog-steeds-fout")
    assert check(bot, start + timedelta(minutes=30)).opened == []
    assert len(smtp.received) == 1, "an open problem is alarmed once"

    poll(bot, tmp_path)  # the right password again
    summary = check(bot, datetime.now(UTC) + timedelta(minutes=31))
    assert summary.solved == ["mailbox:standaard:ophalen"]
    assert len(smtp.received) == 2
    clear = smtp.received[1]
    assert clear.recipients == [ADMIN_ADDRESS]
    assert str(clear.message["Subject"]).strip().startswith("Opgelost: Mailbox 'standaard'")
    assert check(bot, datetime.now(UTC) + timedelta(minutes=40)).solved == []
    assert len(smtp.received) == 2
    assert all(ORGANISATION not in r.recipients for r in smtp.received)
    with bot.store.unit_of_work() as session:
        problem = session.scalars(select(HealthProblem)).one()
        assert problem.open_key is None and problem.resolved_at is not None
